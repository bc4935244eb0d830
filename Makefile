# One entry point for developers and CI.
#   make example   set up .venv and run a real example end to end
#   make test      set up .venv and run the whole test suite (what CI runs)
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
# torch==2.13.0 selects the small CPU build where the package index has it;
# the package itself only asks for torch>=2.1.
TORCH  ?= torch==2.13.0

.PHONY: install example test lint bench clean

$(BIN)/losscli: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet "$(TORCH)"
	$(BIN)/pip install --quiet -e '.[dev,crosscheck]'
	touch $(BIN)/losscli

install: $(BIN)/losscli

example: install
	$(BIN)/losscli cross-entropy --pred @examples/cross_entropy.loss.yaml:inputs.pred --target @examples/cross_entropy.loss.yaml:inputs.target --grad

test: install
	$(BIN)/ruff check losscli tests benchmarks
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis

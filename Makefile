# One entry point for developers and CI.
#   make example   set up .venv with the runtime only, then run a real example end to end
#   make test      add the dev tools and cross-check libraries, then run ruff, lint-imports,
#                  mypy and the test suite (what CI runs)
#   make docs      rewrite the generated parts of the documentation (review the diff)
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
# torch==2.13.0 selects the small CPU build where the package index has it;
# the package itself only asks for torch>=2.1.
TORCH  ?= torch==2.13.0
# Stamps: the runtime install, then the test tools on top of it (same .venv).
RUNTIME = $(VENV)/.runtime-installed
DEV     = $(VENV)/.dev-installed

.PHONY: install install-dev example test lint docs bench clean

$(RUNTIME): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet "$(TORCH)"
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV): $(RUNTIME) pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev,crosscheck]'
	touch $@

install: $(RUNTIME)

install-dev: $(DEV)

example: install
	$(BIN)/losscli cross-entropy --pred @examples/cross_entropy.loss.yaml:inputs.pred --target @examples/cross_entropy.loss.yaml:inputs.target --grad
	@echo
	@echo "losscli is installed in $(BIN). Activate the environment to type 'losscli':"
	@echo "    source $(BIN)/activate"
	@echo "    losscli --help"
	@echo "or call it by its path: $(BIN)/losscli --help"

lint: install-dev
	$(BIN)/ruff check losscli tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/mypy

# Test files are spread over one worker per core (pytest-xdist), each file kept on one worker.
test: lint
	$(BIN)/python -m pytest -n auto --dist loadfile

docs: install-dev
	$(BIN)/python -m losscli.docs --update

bench: install
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis

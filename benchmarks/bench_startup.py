"""Start-up cost of losscli against baselines measured in the same run.

    python benchmarks/bench_startup.py [--repeat N]

Prints the median wall time of each command and its ratio to its baseline:
``--help``, ``list`` (table and JSON) and per-loss ``--help`` against importing the
libraries the CLI is built on (``python -c "import numpy, typer, rich, yaml"``; target:
ratio <= 1.0, so they import no torch and no rich, the help and the table no numpy, and
they build no loss command but the one whose help is asked for), a one-shot computation
against the equivalent ``python -c "import torch ..."`` one-liner, and a one-shot numpy
computation against ``python -c "import numpy"`` (target: at most 1.2 times).

losscli's bytecode is compiled first, as installing a package does: the baselines' libraries
have theirs, and a source checkout run with ``PYTHONDONTWRITEBYTECODE=1`` would otherwise
compile every module of losscli again at each start.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import statistics
import subprocess
import sys
import time

PY = sys.executable
SEED = "[[0.8,0.1,0.4],[0.1,0.9,0.2],[0.5,0.4,0.6]]"
ONE_LINER = (
    "import torch, torch.nn.functional as F; "
    f"print(F.cross_entropy(torch.tensor({SEED}), torch.tensor([0,1,2])).item())"
)
LOSSCLI = [PY, "-m", "losscli"]
LIBRARIES = "python -c 'import numpy, typer, rich, yaml'"
IMPORT_LIBRARIES = [PY, "-c", "import numpy, typer, rich, yaml"]

CASES = [
    ("losscli --help", LOSSCLI + ["--help"], LIBRARIES, IMPORT_LIBRARIES),
    ("losscli list", LOSSCLI + ["list"], LIBRARIES, IMPORT_LIBRARIES),
    ("losscli list --json", LOSSCLI + ["list", "--json"], LIBRARIES, IMPORT_LIBRARIES),
    ("losscli focal --help", LOSSCLI + ["focal", "--help"], LIBRARIES, IMPORT_LIBRARIES),
    (
        "losscli cross-entropy -q (3x3 example)",
        LOSSCLI + ["cross-entropy", "--pred", SEED, "--target", "[0,1,2]", "-q"],
        "python -c 'import torch; F.cross_entropy(...)'",
        [PY, "-c", ONE_LINER],
    ),
    # The lean quick path: numpy, the option parser and the loss's family; target <= 1.2x.
    (
        "losscli mse -q (numpy backend)",
        LOSSCLI + ["mse", "--pred", "[1, 2]", "--target", "[1, 3]", "-q"],
        "python -c 'import numpy'",
        [PY, "-c", "import numpy"],
    ),
]


def _seconds(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def medians(command: list[str], base: list[str], repeat: int) -> tuple[float, float]:
    """Median seconds of a command and of its baseline, run in turn (a load that comes and
    goes on the machine then weighs on both alike)."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        times[0].append(_seconds(command))
        times[1].append(_seconds(base))
    return statistics.median(times[0]), statistics.median(times[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    repeat = parser.parse_args().repeat
    found = importlib.util.find_spec("losscli")
    for folder in (found.submodule_search_locations or []) if found else []:
        compileall.compile_dir(folder, quiet=1)
    print(f"{'command':40} {'median s':>9}  {'baseline':48} {'median s':>9} {'ratio':>6}")
    for name, command, base_name, base in CASES:
        t, b = medians(command, base, repeat)
        print(f"{name:40} {t:9.3f}  {base_name:48} {b:9.3f} {t / b:6.2f}")


if __name__ == "__main__":
    main()

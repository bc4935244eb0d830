"""Start-up cost of losscli against baselines measured in the same run.

    python benchmarks/bench_startup.py [--repeat N]

Prints the median wall time of each command and its ratio to its baseline:
``--help``, ``list`` and per-loss ``--help`` against importing the libraries the CLI
is built on (``python -c "import numpy, typer, rich, yaml"``; target: ratio <= 1.0,
so they must not import torch, nor rich's markdown help), a one-shot computation
against the equivalent ``python -c "import torch ..."`` one-liner, and a one-shot numpy
computation against ``python -c "import numpy"`` (target: at most 1.2 times).
"""

from __future__ import annotations

import argparse
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


def median_seconds(command: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    repeat = parser.parse_args().repeat
    print(f"{'command':40} {'median s':>9}  {'baseline':48} {'median s':>9} {'ratio':>6}")
    baselines: dict[str, float] = {}
    for name, command, base_name, base in CASES:
        if base_name not in baselines:
            baselines[base_name] = median_seconds(base, repeat)
        t = median_seconds(command, repeat)
        b = baselines[base_name]
        print(f"{name:40} {t:9.3f}  {base_name:48} {b:9.3f} {t / b:6.2f}")


if __name__ == "__main__":
    main()

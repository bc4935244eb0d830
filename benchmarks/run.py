"""All of losscli's benchmarks in one table, each against a baseline measured in the same run.

    python benchmarks/run.py [--size 2GB] [--repeat N] [--dir DIR]

Start-up (``--help``, ``list``, a loss's ``--help`` against ``python -c pass``), a one-shot
computation against the PyTorch one-liner that computes the same value (from
bench_startup.py), and two --size .npy inputs to mse, l1, bce and cross-entropy against
``np.mean((a - b) ** 2)`` over the same memory-mapped files (from bench_large.py). Every
command runs in a fresh process, once untimed first; the table gives median wall times,
their ratio to the baseline and each process's peak resident memory. Bytecode caching is
on, as for an installed package (this script unsets PYTHONDONTWRITEBYTECODE).
"""

from __future__ import annotations

import argparse
import os

from bench_large import measure, parse_size, rows
from bench_startup import CASES


def startup_rows(repeat: int) -> list[tuple]:
    baselines: dict[str, tuple[float, int]] = {}
    out = []
    for name, command, base_name, base in CASES:
        if base_name not in baselines:
            measure(base, 1)
            baselines[base_name] = measure(base, repeat)
        measure(command, 1)
        seconds, rss = measure(command, repeat)
        out.append((name, seconds, base_name, baselines[base_name][0], rss))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=parse_size, default=parse_size("64MB"),
                        help="bytes per large input file, e.g. 2GB (default 64MB)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per command")
    parser.add_argument("--dir", default=None, help="where to write the large files")
    args = parser.parse_args()
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    table = startup_rows(args.repeat)
    table += rows(args.size, max(1, min(args.repeat, 3)), args.dir)
    print(f"{'command':40} {'median s':>9}  {'baseline':48} {'median s':>9} {'ratio':>6} "
          f"{'peak RSS':>9}")
    for name, seconds, base_name, base, rss in table:
        print(f"{name:40} {seconds:9.3f}  {base_name:48} {base:9.3f} {seconds / base:6.2f} "
              f"{rss / 2**20:6.0f} MB")


if __name__ == "__main__":
    main()

"""All of losscli's benchmarks in one table, each against a baseline measured in the same run.

    python benchmarks/run.py [--size 2GB] [--repeat N] [--cases 1000] [--dir DIR]

Start-up (``--help``, ``list``, a loss's ``--help`` against ``python -c pass``), a one-shot
computation against the PyTorch one-liner that computes the same value (from
bench_startup.py), ``losscli check`` on one and on --cases small case files against one
single loss call (from bench_check.py), and two --size .npy inputs to mse, l1, bce and
cross-entropy against ``np.mean((a - b) ** 2)`` over the same memory-mapped files (from
bench_large.py). Every command runs in a fresh process, once untimed first; the table gives
median wall times, their ratio to the baseline and each process's peak resident memory.
Bytecode caching is on, as for an installed package (this script unsets
PYTHONDONTWRITEBYTECODE). The output is a markdown table, headed by when and on what it
was measured, ready for docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
import tempfile
from pathlib import Path

from bench_check import write_suite
from bench_large import measure, parse_size, rows
from bench_startup import CASES, LOSSCLI, SEED


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


def check_rows(cases: int, repeat: int) -> list[tuple]:
    """``losscli check`` on 1 and on ``cases`` case files against one single loss call."""
    single = [*LOSSCLI, "cross-entropy", "--pred", SEED, "--target", "[0,1,2]", "-q"]
    base_name = "losscli cross-entropy -q (one call)"
    with tempfile.TemporaryDirectory(prefix="losscli-bench-") as tmp:
        many, one = Path(tmp) / "many", Path(tmp) / "one"
        many.mkdir()
        one.mkdir()
        write_suite(many, cases, 1)
        write_suite(one, 1, 1)
        measure(single, 1)
        base, _ = measure(single, repeat)
        out = []
        for name, folder in (("losscli check (1 case)", one),
                             (f"losscli check ({cases:,} cases)", many)):
            command = [*LOSSCLI, "check", str(folder)]
            measure(command, 1)
            seconds, rss = measure(command, repeat)
            out.append((name, seconds, base_name, base, rss))
    return out


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{datetime.date.today().isoformat()}, {platform.system()} {platform.machine()}, "
            f"{os.cpu_count()} CPUs, {memory:.0f} GB of memory, Python "
            f"{sys.version.split()[0]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=parse_size, default=parse_size("64MB"),
                        help="bytes per large input file, e.g. 2GB (default 64MB)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per command")
    parser.add_argument("--cases", type=int, default=1000, help="case files for check (1000)")
    parser.add_argument("--dir", default=None, help="where to write the large files")
    args = parser.parse_args()
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    table = startup_rows(args.repeat)
    table += check_rows(args.cases, args.repeat)
    large = max(1, min(args.repeat, 3))
    table += rows(args.size, large, args.dir)
    print(f"Measured {machine()}; median of {args.repeat} runs ({large} for the "
          f"{args.size / 2**20:,.0f} MB inputs).\n")
    print("| command | median | baseline | median | ratio | peak RSS |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, seconds, base_name, base, rss in table:
        print(f"| `{name}` | {seconds:.3f} s | {f'`{base_name}`' if base_name else ''} | "
              f"{base:.3f} s | {seconds / base:.2f} | {rss / 2**20:.0f} MB |")


if __name__ == "__main__":
    main()

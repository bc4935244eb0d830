"""Benchmark ``losscli check``: many small cases in one process against single calls.

Writes N small cases (mse, l1, smooth-l1, cross-entropy, bce-with-logits; expected
values computed here in float64 NumPy) into a temporary directory, then times, in
the same run and with the same interpreter:

- ``python -c "import torch"``: the floor of any process that computes a loss;
- one ``losscli cross-entropy --pred ... --target ... -q`` call;
- ``losscli check`` on one of the cases (the start-up cost of check);
- ``losscli check`` on all N cases.

The per-case overhead is (check N − check 1) / (N − 1). Targets, as ratios to one single
``losscli`` call measured in the same run (so they hold on a fast or a slow machine):
each further case costs less than 1% of a single call, and check on N cases takes less than
2 + N/100 single calls (12 for 1,000 cases, which as single calls would take 1,000).
Each command runs ``--repeat`` times; the best time counts (as ``timeit`` does), the
median is shown beside it.

    python benchmarks/bench_check.py [--cases 1000] [--per-file 1] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

LOSSES = ("mse", "l1", "smooth-l1", "cross-entropy", "bce-with-logits")
#: The cost of each further case, as a share of one single call.
CASE_TARGET = 0.01
#: check's start-up, in single calls: check on N cases < CHECK_START + N * CASE_TARGET calls.
CHECK_START = 2.0


def _flow(array: np.ndarray) -> str:
    return str(np.asarray(array).tolist())


def make_case(index: int, rng: np.random.Generator) -> str:
    """One small case as YAML text (a list item), its expected value computed in float64."""
    loss = LOSSES[index % len(LOSSES)]
    pred = np.round(rng.normal(size=(4, 3)), 6)
    if loss == "cross-entropy":
        target = rng.integers(0, 3, size=4)
        lse = np.log(np.exp(pred).sum(axis=1))
        value = np.mean(lse - pred[np.arange(4), target])
    elif loss == "bce-with-logits":
        target = rng.integers(0, 2, size=(4, 3))
        value = np.mean(np.maximum(pred, 0) - pred * target + np.log1p(np.exp(-np.abs(pred))))
    else:
        target = np.round(rng.normal(size=(4, 3)), 6)
        diff = np.abs(pred - target)
        value = np.mean({"mse": diff**2, "l1": diff,
                         "smooth-l1": np.where(diff < 1, 0.5 * diff**2, diff - 0.5)}[loss])
    return (f"- name: case {index:04d} {loss}\n  loss: {loss}\n"
            f"  inputs: {{pred: {_flow(pred)}, target: {_flow(target)}}}\n"
            f"  expect: {float(value)!r}\n  rtol: 1.0e-5\n  atol: 1.0e-6\n")


def write_suite(directory: Path, cases: int, per_file: int, seed: int = 0) -> list[Path]:
    rng = np.random.default_rng(seed)
    files = []
    for start in range(0, cases, per_file):
        path = directory / f"bench_{start:05d}.loss.yaml"
        path.write_text("".join(make_case(i, rng) for i in range(start,
                                                                  min(start + per_file, cases))))
        files.append(path)
    return files


def timed(command: list[str], repeat: int) -> tuple[float, float]:
    """(best, median) wall time of ``command``; it must exit 0."""
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "120"}
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              env=env, text=True)
        times.append(time.perf_counter() - start)
        if proc.returncode != 0:
            sys.exit(f"{' '.join(command)} exited {proc.returncode}: {proc.stderr.strip()}")
    return min(times), statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000, help="number of cases (1000)")
    parser.add_argument("--per-file", type=int, default=1, help="cases per file (1)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each command (3)")
    args = parser.parse_args(argv)
    python = sys.executable
    losscli = [python, "-m", "losscli"]
    with tempfile.TemporaryDirectory() as tmp:
        files = write_suite(Path(tmp), args.cases, args.per_file)
        one = Path(tmp) / "one"
        one.mkdir()
        write_suite(one, 1, 1)
        rows = [
            ('python -c "import torch"', timed([python, "-c", "import torch"], args.repeat)),
            ("losscli cross-entropy ... -q", timed(
                [*losscli, "cross-entropy", "--pred", "[[0.8, 0.1, 0.4]]", "--target", "[0]",
                 "-q"], args.repeat)),
            ("losscli check (1 case)", timed([*losscli, "check", str(one)], args.repeat)),
            (f"losscli check ({args.cases} cases)",
             timed([*losscli, "check", tmp], args.repeat)),
        ]
    torch_s, single_s, check1_s, check_s = (best for _, (best, _) in rows)
    per_case_s = (check_s - check1_s) / max(args.cases - 1, 1)
    ratio = check_s / single_s
    print(f"losscli check benchmark: {args.cases} cases in {len(files)} files, "
          f"best of {args.repeat} runs (median in brackets), Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs")
    for label, (best, median) in rows:
        print(f"  {label:<32} {best:7.2f} s  ({median:.2f} s)")
    print(f"  {'per-case overhead':<32} {1000 * per_case_s:7.2f} ms  (check {args.cases} − "
          f"check 1, per further case)")
    target = CHECK_START + args.cases * CASE_TARGET
    print(f"  {'check / single losscli call':<32} {ratio:7.2f}   "
          f"(target < {target:g}: {'met' if ratio < target else 'MISSED'})")
    share = per_case_s / single_s
    print(f"  {'per-case overhead / single call':<32} {share:7.2%}   "
          f"(target < {CASE_TARGET:.0%}: {'met' if share < CASE_TARGET else 'MISSED'})")
    print(f"  {'check / import torch':<32} {check_s / torch_s:7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

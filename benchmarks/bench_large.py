"""Large .npy inputs: losscli's chunked numpy path against plain NumPy, time and peak memory.

    python benchmarks/bench_large.py [--size 2GB] [--repeat N] [--dir DIR]

Writes four float32 (N, 8) .npy files of --size bytes each into a temporary directory
(removed at the end): a and b (normal) for mse, l1 and the baseline, q (rows of
probabilities) and y (0/1 labels); bce takes q and y, cross-entropy a and q. Each losscli
call, and the baseline ``np.mean((a - b) ** 2)`` over the same memory-mapped files,
runs in a fresh process after its input files have been read once (so that every run
finds them in the operating system's cache); the table gives the median wall time, the
ratio to the baseline and the peak resident memory of the process (its rusage
ru_maxrss). The files are written by a separate process and this one stays small: a
child's ru_maxrss also counts the memory of the process that started it. The last two
cases write every term (``-r none``, plain and JSON) to /dev/null: their peak memory is
the terms themselves (4 bytes each) plus one block of text, however many terms there are.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY = sys.executable
CLASSES = 8
BASELINE = "np.mean((a - b) ** 2)"
BASELINE_CODE = (
    "import sys, numpy as np; a = np.load(sys.argv[1], mmap_mode='r'); "
    "b = np.load(sys.argv[2], mmap_mode='r'); print(np.mean((a - b) ** 2))"
)


def parse_size(text: str) -> int:
    """Bytes from '2GB', '64MB', '512KB' or a plain number."""
    match = re.fullmatch(r"\s*([\d.]+)\s*([KMG]i?B?)?\s*", text, re.IGNORECASE)
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 2GB, 64MB)")
    unit = (match.group(2) or "").upper()[:1]
    return int(float(match.group(1)) * {"": 1, "K": 2**10, "M": 2**20, "G": 2**30}[unit])


NAMES = ("a", "b", "q", "y")


def write_inputs(folder: Path, size: int, seed: int = 0) -> None:
    """The float32 (N, 8) input files, written block by block."""
    import numpy as np

    rows = max(1, size // (4 * CLASSES))
    rng = np.random.default_rng(seed)
    makers = {
        "a": lambda n: rng.standard_normal((n, CLASSES), dtype=np.float32),
        "b": lambda n: rng.standard_normal((n, CLASSES), dtype=np.float32),
        "y": lambda n: (rng.random((n, CLASSES)) < 0.5).astype(np.float32),
        "q": lambda n: _distributions(rng, n),
    }
    for name, make in makers.items():
        path = folder / f"{name}.npy"
        out = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(rows, CLASSES))
        for start in range(0, rows, 1 << 18):
            stop = min(start + (1 << 18), rows)
            out[start:stop] = make(stop - start)
        out.flush()
        del out


def _distributions(rng, n: int):
    import numpy as np

    weights = rng.random((n, CLASSES), dtype=np.float32)
    return weights / weights.sum(axis=1, keepdims=True)


def warm(paths: list[Path]) -> None:
    """Read the files once, into the operating system's cache."""
    buffer = bytearray(1 << 24)
    for path in paths:
        with open(path, "rb", buffering=0) as stream:
            while stream.readinto(buffer):
                pass


def run_child(command: list[str], inputs: list[Path] = ()) -> tuple[float, int]:
    """(wall seconds, peak RSS in bytes) of one process; raises if it fails."""
    warm(inputs)
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {proc.stderr.read().decode()}")
    proc.stderr.close()
    return elapsed, usage.ru_maxrss * 1024  # Linux reports KiB


def measure(command: list[str], repeat: int, inputs: list[Path] = ()) -> tuple[float, int]:
    """Median wall time and the largest peak RSS over ``repeat`` runs."""
    runs = [run_child(command, inputs) for _ in range(repeat)]
    return statistics.median(t for t, _ in runs), max(rss for _, rss in runs)


def cases(paths: dict[str, Path]) -> list[tuple[str, list[str], list[Path]]]:
    """(name, command, its input files); the last two write every term (streamed)."""
    losscli = [PY, "-m", "losscli"]

    def call(loss: str, pred: str, target: str, *options: str):
        command = [*losscli, loss, "-p", f"@{paths[pred]}", "-t", f"@{paths[target]}",
                   *(options or ("-q",))]
        return " ".join((loss, *(options or ("-q",)))), command, [paths[pred], paths[target]]

    return [call("mse", "a", "b"), call("l1", "a", "b"), call("bce", "q", "y"),
            call("cross-entropy", "a", "q"), call("mse", "a", "b", "-r", "none", "-q"),
            call("mse", "a", "b", "-r", "none", "--json", "--max-elements", str(10**12))]


def rows(size: int, repeat: int, folder: str | None = None) -> list[tuple]:
    """(name, seconds, baseline name, baseline seconds, peak RSS) for each large-file case."""
    work = Path(tempfile.mkdtemp(prefix="losscli-bench-", dir=folder))
    try:
        subprocess.run([PY, __file__, "--write", str(work), "--size", str(size)], check=True)
        paths = {name: work / f"{name}.npy" for name in NAMES}
        baseline = [PY, "-c", BASELINE_CODE, str(paths["a"]), str(paths["b"])]
        inputs = [paths["a"], paths["b"]]
        base_time, base_rss = measure(baseline, repeat, inputs)
        out = [(f"numpy {BASELINE} (baseline)", base_time, "", base_time, base_rss)]
        for name, command, files in cases(paths):
            seconds, rss = measure(command, repeat, files)
            out.append((f"losscli {name}", seconds, BASELINE, base_time, rss))
        return out
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=parse_size, default=parse_size("64MB"),
                        help="bytes per input file, e.g. 2GB (default 64MB)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", default=None, help="where to write the files (default: TMPDIR)")
    parser.add_argument("--write", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write:
        write_inputs(Path(args.write), args.size)
        return
    print(f"{'command':64} {'median s':>9} {'ratio':>6} {'peak RSS':>10}")
    for name, seconds, _, base, rss in rows(args.size, args.repeat, args.dir):
        print(f"{name:64} {seconds:9.2f} {seconds / base:6.2f} {rss / 2**20:8.0f} MB")


if __name__ == "__main__":
    main()

"""Generated documentation: the table of losses and the output of every console example.

    python -m losscli.docs            # check: print what is stale, exit 1 if anything is
    python -m losscli.docs --update   # rewrite the stale parts in place

Two kinds of generated text live in the documentation (README.md, docs/*.md,
examples/README.md):

- the table of losses in docs/losses.md, between the ``losses:start`` and ``losses:end``
  markers, built from the registry (each row runs the loss's declared example);
- every console block (a fenced ``console`` block of ``$ command`` lines, each followed by
  its output). Each ``$`` line runs with ``bash -c`` in a scratch copy of the repository
  (so files a command writes never touch the checkout), one copy per document shared by
  its blocks in order, with COLUMNS=100 and NO_COLOR=1; stdout and stderr are shown
  together. ``$?`` on a line is the exit status of the line before it.

Outputs are compared line by line with trailing spaces removed. Only two things are masked:
durations (``in 0.01 s``, ``(1.2 ms per case)``, ``"seconds": 0.01``, written
``<duration>``) and the scratch copy's absolute path (written ``<repo>``).
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- losses:start -->", "<!-- losses:end -->"
LOSSES_PAGE = Path("docs") / "losses.md"
#: The generated table of each loss's conventions, between its own markers.
CONVENTIONS_START, CONVENTIONS_END = "<!-- conventions:start -->", "<!-- conventions:end -->"
CONVENTIONS_PAGE = Path("docs") / "conventions.md"
#: The terminal the console blocks are rendered for.
ENV = {"COLUMNS": "100", "LINES": "50", "NO_COLOR": "1", "LANG": "C.UTF-8",
       "PYTHONIOENCODING": "utf-8", "PYTHONUNBUFFERED": "1", "PYTHONHASHSEED": "0"}
#: Variables of the calling shell that would change what the examples print (pytest, for
#: one, stops cutting its summary lines to the terminal's width when CI or BUILD_NUMBER is set).
UNSET = ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "CLICOLOR_FORCE", "LOSSCLI_DEBUG",
         "PYTEST_ADDOPTS", "COLUMNS", "LINES", "TERM", "OMP_NUM_THREADS", "CI", "BUILD_NUMBER")
COMMAND_TIMEOUT = 300
_NUMBER = r"\d+(?:\.\d+)?(?:e[-+]?\d+)?"
_DURATIONS = (
    (re.compile(rf"""(["']seconds["']: ){_NUMBER}"""), r"\1<duration>"),
    (re.compile(rf"\bin {_NUMBER} ?s\b"), "in <duration>"),
    (re.compile(rf"\({_NUMBER} ms per case\)"), "(<duration> per case)"),
)
_FENCE = re.compile(r"^```console[ \t]*\n(.*?)^```[ \t]*$", re.M | re.S)
_SKIP = {".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis",
         "build", "dist"}


def documents(root: Path = ROOT) -> list[Path]:
    """Every document whose console blocks are executed, relative to ``root``."""
    pages = [Path("README.md"), *sorted(p.relative_to(root) for p in (root / "docs").glob("*.md")),
             Path("examples") / "README.md"]
    return [p for p in pages if (root / p).is_file()]


# --------------------------------------------------------------------------- the loss table


def loss_table() -> str:
    """A markdown table: family, loss, aliases, example command and its value."""
    from losscli.core.spec import FAMILIES
    from losscli.core.text import example_command
    from losscli.engine.pipeline import compute
    from losscli.families.registry import registry
    from losscli.inputs import load_tensor

    rows = ["| family | loss | aliases | example | value |", "| --- | --- | --- | --- | --- |"]
    for spec in sorted(registry(), key=lambda s: (FAMILIES.index(s.family), s.name)):
        values: dict[str, Any] = {}
        for name, text in spec.example.items():
            is_tensor = any(i.name == name for i in spec.inputs) or any(
                p.name == name and p.type in ("tensor", "float_or_tensor") for p in spec.params
            )
            values[name] = load_tensor(text, argument=name) if is_tensor else text
        value = compute(spec, **values).value
        aliases = ", ".join(f"`{a}`" for a in spec.aliases)
        command = example_command(spec).replace("|", "\\|")
        rows.append(
            f"| {spec.family} | `{spec.name}` | {aliases} | `{command}` | {value:.6g} |"
        )
    return "\n".join(rows)


def conventions_table() -> str:
    """A markdown table: each loss with conventions and their names, the default first."""
    from losscli.core.spec import FAMILIES
    from losscli.families.registry import registry

    rows = ["| loss | `--convention` (the first is losscli's default) |", "| --- | --- |"]
    for spec in sorted(registry(), key=lambda s: (FAMILIES.index(s.family), s.name)):
        if spec.conventions:
            rows.append(f"| `{spec.name}` | {', '.join(c.name for c in spec.conventions)} |")
    return "\n".join(rows)


def with_table(text: str, table: str, start: str = START, end: str = END) -> str:
    """``text`` with the block between the markers replaced by ``table``."""
    block = f"{start}\n{table}\n{end}"
    return re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: block, text, flags=re.S)


# --------------------------------------------------------------------------- console blocks


@dataclass
class Step:
    """One ``$`` line of a console block and the output shown under it."""

    command: str
    shown: list[str]


def parse_block(body: str) -> list[Step]:
    """The steps of a console block's body; lines before the first ``$`` are an error."""
    steps: list[Step] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            steps.append(Step(line[2:], []))
        elif not steps:
            raise ValueError(f"console block does not start with a '$ ' line: {line!r}")
        else:
            steps[-1].shown.append(line)
    return steps


def mask(output: str, scratch: Path | None = None) -> list[str]:
    """The output as it is written in a document: durations and the scratch path masked."""
    if scratch is not None:
        for form in {str(scratch), str(scratch.resolve())}:
            output = output.replace(form, "<repo>")
    for pattern, replacement in _DURATIONS:
        output = pattern.sub(replacement, output)
    lines = [line.rstrip() for line in output.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _normal(lines: list[str]) -> list[str]:
    lines = [line.rstrip() for line in lines]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def environment(root: Path) -> dict[str, str]:
    """The examples' environment: this interpreter's losscli first on PATH, the fixed terminal."""
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    bindir = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join([bindir, env.get("PATH", "")])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), env.get("PYTHONPATH")) if p)
    env.update(ENV)
    return env


def scratch_copy(root: Path, into: Path) -> Path:
    """A copy of the repository's files (no .git, virtualenvs or caches) under ``into``."""
    target = into / "repo"

    def ignore(_directory: str, names: list[str]) -> set[str]:
        return {n for n in names if n in _SKIP or n.endswith(".egg-info")}

    shutil.copytree(root, target, ignore=ignore, symlinks=True)
    return target


def run_step(command: str, cwd: Path, env: dict[str, str], previous: int) -> tuple[int, str]:
    """Run one ``$`` line with bash; ``$?`` starts as ``previous``. (status, output)."""
    script = f"(exit {previous}); {command}"
    try:
        proc = subprocess.run(["bash", "-c", script], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=COMMAND_TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        out = (exc.stdout or b"").decode("utf-8", "replace")
        return 124, out + f"\n<timed out after {COMMAND_TIMEOUT} s>"
    return proc.returncode, proc.stdout.decode("utf-8", "replace")


@dataclass
class Block:
    """A console block of a document: where its body is, and what running it printed."""

    start: int
    end: int
    steps: list[Step]
    outputs: list[list[str]]

    def rendered(self) -> str:
        lines = []
        for step, out in zip(self.steps, self.outputs):
            lines.append(f"$ {step.command}")
            lines.extend(out)
        return "\n".join(lines) + "\n"

    def stale(self) -> bool:
        return any(_normal(s.shown) != o for s, o in zip(self.steps, self.outputs))


def run_document(text: str, root: Path = ROOT) -> list[Block]:
    """Run every console block of a document, in order, in one scratch copy of ``root``."""
    matches = list(_FENCE.finditer(text))
    blocks: list[Block] = []
    if not matches:
        return blocks
    env = environment(root)
    # Under /tmp where it exists: a path of the same length everywhere, as tools that
    # truncate lines to the terminal's width (pytest's summary) print it.
    base = "/tmp" if os.path.isdir("/tmp") else None
    with tempfile.TemporaryDirectory(prefix="losscli-docs-", dir=base) as tmp:
        cwd = scratch_copy(root, Path(tmp))
        for match in matches:
            steps = parse_block(match.group(1))
            outputs, status = [], 0
            for step in steps:
                status, out = run_step(step.command, cwd, env, status)
                outputs.append(mask(out, cwd))
            blocks.append(Block(match.start(1), match.end(1), steps, outputs))
    return blocks


def regenerate(text: str, blocks: list[Block]) -> str:
    """``text`` with each block's outputs replaced by what running it printed."""
    for block in reversed(blocks):
        text = text[:block.start] + block.rendered() + text[block.end:]
    return text


def current(path: Path, root: Path = ROOT) -> str:
    """What the document at ``root / path`` should hold: generated parts brought up to date."""
    text = (root / path).read_text(encoding="utf-8")
    if path == LOSSES_PAGE:
        text = with_table(text, loss_table())
    if path == CONVENTIONS_PAGE:
        text = with_table(text, conventions_table(), CONVENTIONS_START, CONVENTIONS_END)
    return regenerate(text, run_document(text, root))


def diff(path: Path, old: str, new: str) -> str:
    return "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True),
                                        f"{path} (written)", f"{path} (generated)"))


def _write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m losscli.docs",
        description="Check (or with --update rewrite) the generated parts of the documentation.")
    parser.add_argument("--update", action="store_true", help="rewrite stale documents in place")
    parser.add_argument("paths", nargs="*", type=Path,
                        help="documents, relative to the repository root (default: all)")
    args = parser.parse_args(argv)
    stale = 0
    paths = args.paths or documents()
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 1)) as pool:
        generated = list(pool.map(current, paths))
    for path, new in zip(paths, generated):
        old = (ROOT / path).read_text(encoding="utf-8")
        if new == old:
            print(f"up to date: {path}")
            continue
        stale += 1
        if args.update:
            _write(ROOT / path, new)
            print(f"updated: {path}")
        else:
            print(diff(path, old, new), end="")
            print(f"stale: {path}")
    if stale and not args.update:
        print("run `python -m losscli.docs --update`, then review the diff", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The documentation is the user's manual: its generated parts are current, its examples run.

Every console block of README.md, docs/*.md and examples/README.md is executed as
``losscli.docs`` describes (a scratch copy of the repository, COLUMNS=100, NO_COLOR=1) and
must print exactly what the document shows. ``python -m losscli.docs --update`` rewrites them.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from losscli import docs
from losscli.families.registry import registry

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
LOSSES = (ROOT / docs.LOSSES_PAGE).read_text(encoding="utf-8")
STALE = "stale: run `python -m losscli.docs --update` and review the diff"


def test_loss_table_is_current():
    block = LOSSES[LOSSES.index(docs.START) + len(docs.START): LOSSES.index(docs.END)].strip()
    assert block == docs.loss_table(), STALE


def test_conventions_table_is_current():
    page = (ROOT / docs.CONVENTIONS_PAGE).read_text(encoding="utf-8")
    start, end = page.index(docs.CONVENTIONS_START), page.index(docs.CONVENTIONS_END)
    assert page[start + len(docs.CONVENTIONS_START): end].strip() == docs.conventions_table(), STALE
    assert "| `ssim` | monai, kornia, pytorch-msssim |" in page


def test_every_loss_has_a_row():
    for spec in registry():
        assert f"| `{spec.name}` |" in LOSSES


@pytest.fixture(scope="module")
def ran() -> dict[Path, list[docs.Block]]:
    """Every document's blocks, run: the documents side by side, each one's blocks in order."""
    paths = docs.documents()
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 1)) as pool:
        runs = pool.map(lambda p: docs.run_document((ROOT / p).read_text(encoding="utf-8")),
                        paths)
        return dict(zip(paths, runs))


@pytest.mark.parametrize("path", docs.documents(), ids=str)
def test_console_blocks_print_what_the_document_shows(path, ran):
    blocks = ran[path]
    assert blocks or path != Path("README.md"), "the README shows no console example"
    for block in blocks:
        for step, out in zip(block.steps, block.outputs):
            assert docs._normal(step.shown) == out, (
                f"{path}: `$ {step.command}` printed\n" + "\n".join(out) + f"\n{STALE}")


def test_the_documents_are_found():
    names = {str(p) for p in docs.documents()}
    assert {"README.md", "docs/losses.md", "docs/cases.md", "examples/README.md"} <= names


# ------------------------------------------------------------------- the runner itself


def test_a_block_is_regenerated_in_place_and_the_update_is_idempotent(tmp_path):
    text = ("intro\n\n```console\n$ echo one; echo two >&2\nstale\n$ (exit 3)\n$ echo $?\n"
            "```\n\n```sh\n$ echo not run\n```\n")
    blocks = docs.run_document(text, tmp_path)
    new = docs.regenerate(text, blocks)
    assert new == ("intro\n\n```console\n$ echo one; echo two >&2\none\ntwo\n$ (exit 3)\n"
                   "$ echo $?\n3\n```\n\n```sh\n$ echo not run\n```\n")
    assert [b.stale() for b in blocks] == [True]
    again = docs.run_document(new, tmp_path)
    assert docs.regenerate(new, again) == new
    assert not any(b.stale() for b in again)


def test_blocks_of_a_document_share_a_scratch_copy_that_leaves_the_repository_alone(tmp_path):
    (tmp_path / "data.txt").write_text("from the repository\n")
    text = ("```console\n$ cat data.txt\n$ echo changed > data.txt\n```\n"
            "```console\n$ cat data.txt; pwd\n```\n")
    blocks = docs.run_document(text, tmp_path)
    assert [b.outputs for b in blocks] == [[["from the repository"], []],
                                          [["changed", "<repo>"]]]
    assert (tmp_path / "data.txt").read_text() == "from the repository\n"


def test_only_durations_and_the_scratch_path_are_masked():
    out = ("5 cases: 5 passed in 0.01 s (1.2 ms per case)\n3 passed in 3.27s\n"
           '{"seconds": 0.010156, "x": 0.5}\n' "{'seconds': 2e-05}\n(1e+02 ms per case)\n"
           "/tmp/x/repo/a.yaml   \n\n")
    assert docs.mask(out, Path("/tmp/x/repo")) == [
        "5 cases: 5 passed in <duration> (<duration> per case)", "3 passed in <duration>",
        '{"seconds": <duration>, "x": 0.5}', "{'seconds': <duration>}",
        "(<duration> per case)", "<repo>/a.yaml"]


def test_a_block_must_start_with_a_command():
    with pytest.raises(ValueError, match="does not start"):
        docs.parse_block("output\n$ echo\n")


def test_the_environment_is_the_declared_terminal():
    env = docs.environment(ROOT)
    assert env["COLUMNS"] == "100" and env["NO_COLOR"] == "1"
    development = (ROOT / "docs" / "development.md").read_text(encoding="utf-8")
    assert "`COLUMNS=100`" in development and "`NO_COLOR=1`" in development


# ------------------------------------------------------------------- what the README promises


def test_ci_runs_the_readme_test_command():
    assert "make test" in README
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_readme_is_short_and_links_every_page():
    assert len(README.splitlines()) <= 250
    for page in ["index", "inputs", "output", "losses", "cases", "tools", "conventions",
                 "backends", "performance", "security", "development"]:
        assert f"docs/{page}.md" in README
    index = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    for page in (ROOT / "docs").glob("*.md"):
        assert page.name == "index.md" or f"({page.name})" in index, page.name


def test_local_links_point_at_files_that_exist():
    for path in docs.documents():
        text = (ROOT / path).read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            if "://" in target or target == "security.md" or target.endswith("/security.md"):
                continue
            assert ((ROOT / path).parent / target).exists(), f"{path}: broken link {target}"


def test_exit_codes_and_formats_are_documented():
    output = (ROOT / "docs" / "output.md").read_text(encoding="utf-8")
    for text in (README, output):
        for code in ("| 0 |", "| 1 |", "| 2 |", "| 3 |", "| 130 |"):
            assert code in text
    assert re.search(r"case \$\? in", output)
    for fmt in ("**table**", "**plain**", "**json**"):
        assert fmt in output


def test_make_example_installs_the_runtime_only_and_says_how_to_run_the_tool():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    runtime = makefile[makefile.index("$(RUNTIME): "):makefile.index("$(DEV): ")]
    assert "pip install --quiet -e .\n" in runtime and "[dev" not in runtime
    example = makefile[makefile.index("\nexample: "):makefile.index("\nlint: ")]
    assert "pytest" not in example and "source $(BIN)/activate" in example
    assert "[dev,crosscheck]" in makefile[makefile.index("$(DEV): "):]

"""The case-file commands: ``run``, ``check`` and ``schema``.

``register(app)`` adds them to the Typer app. Definitions stay cheap: the command
bodies import the case machinery (and, through it, torch) only when they run.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from typing import Literal

import typer

PANEL = "Case files"
ALLOW_HELP = ("a folder that @PATH references in case files may also read (by default only "
              "the folder being checked); repeatable")


def run_case(
    case: str = typer.Argument(..., metavar="CASE", help="a case file (YAML or JSON)"),
    select: str | None = typer.Option(
        None, "--case", "-c", metavar="NAME",
        help="the case to run, by name or 1-based position, when the file holds several"),
    grad: bool = typer.Option(False, "--grad", help="also compute gradients"),
    strict: bool = typer.Option(False, "--strict", help="treat warnings as input errors"),
    fmt: Literal["table", "json", "plain"] = typer.Option(
        "table", "--format", "-f", help="output format"),
    json_: bool = typer.Option(False, "--json", help="same as --format json"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="same as --format plain"),
    max_rows: int = typer.Option(20, "--max-rows", min=1, help="table rows shown before eliding"),
    allow_path: list[str] | None = typer.Option(
        None, "--allow-path", metavar="DIR", help=ALLOW_HELP),
) -> None:
    """Compute one case and print it like a direct call (exit 1 when it differs from expect).

    Example: losscli run examples/cross_entropy.loss.yaml --grad
    """
    from losscli.cases.case import load_case
    from losscli.cases.suite import evaluate_case
    from losscli.core.errors import ExitStatus
    from losscli.core.options import output_format
    from losscli.render import report_result

    chosen = output_format(fmt, json_, quiet)
    loaded = load_case(case, select, allow=allow_path or ())
    loaded.grad = loaded.grad or grad
    loaded.strict = loaded.strict or strict
    result, checks = evaluate_case(loaded)
    status = report_result(result, chosen, max_rows=max_rows)
    for check in checks:
        if not check.ok and not (check.name == "value" and result.expect is not None):
            print(f"losscli: mismatch: {check.message}", file=sys.stderr)
            status = ExitStatus.MISMATCH
    if status:
        raise typer.Exit(int(status))


def check(
    paths: list[str] = typer.Argument(
        ..., metavar="PATH",
        help="case files, directories (searched recursively for *.yaml, *.yml, *.json) "
             "or globs"),
    keyword: list[str] | None = typer.Option(
        None, "-k", metavar="PATTERN",
        help="run only cases whose name contains PATTERN (a glob when it has * ? [); "
             "repeatable"),
    fail_fast: bool = typer.Option(
        False, "--fail-fast", "-x", help="stop at the first failing or invalid case"),
    update: bool = typer.Option(
        False, "--update",
        help="write the computed values into cases whose expect is missing or differs"),
    junit: str | None = typer.Option(
        None, "--junit", metavar="FILE", help="also write a JUnit XML report to FILE"),
    fmt: Literal["table", "json", "github", "markdown"] = typer.Option(
        "table", "--format", "-f",
        help="output format: table, json, github (workflow annotations on the cases' lines) "
             "or markdown (for a job summary or a pull-request comment)"),
    json_: bool = typer.Option(False, "--json", help="same as --format json"),
    max_rows: int = typer.Option(
        50, "--max-rows", min=1,
        help="table rows shown (failing cases first; the reason of each is listed below it)"),
    allow_path: list[str] | None = typer.Option(
        None, "--allow-path", metavar="DIR", help=ALLOW_HELP),
) -> None:
    """Run every case in files, directories and globs; exit 0 all pass, 1 any fails, 2 invalid.

    Example: losscli check examples/ --junit report.xml
    """
    from losscli.cases.suite import collect, run_suite

    entries, skipped = collect(paths, keyword or (), allow=allow_path or ())
    with _progress(len(entries)) as advance:
        report = run_suite(entries, fail_fast=fail_fast, update=update, on_case=advance)
    report.skipped_files = skipped
    _render(report, "json" if json_ else fmt, max_rows)
    if junit:
        from losscli.cases.junit import write_junit

        write_junit(report, junit)
    if report.exit_status:
        raise typer.Exit(int(report.exit_status))


def _render(report, fmt: str, max_rows: int) -> None:
    if fmt == "github":
        from losscli.render.github import render_github

        render_github(report)
    elif fmt == "markdown":
        from losscli.render.markdown import render_markdown

        render_markdown(report, max_rows=max_rows)
    else:
        from losscli.render.report import render_report

        render_report(report, fmt, max_rows=max_rows)


@contextmanager
def _progress(total: int):
    """A rich progress bar on stderr (on a terminal only); yields the per-case callback."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    progress = Progress(
        TextColumn("[bold]check"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("{task.description}", markup=False),
        console=console, transient=True, disable=not console.is_terminal,
    )
    # Case tensors are small: one thread per op beats waking a thread pool for each of them
    # (many times faster on a busy machine). A user's own OMP_NUM_THREADS is kept.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    with progress:
        task = progress.add_task("starting torch", total=total)
        import losscli.engine.pipeline  # noqa: F401 - the start-up cost, shown while the bar says so

        yield lambda outcome: progress.update(
            task, advance=1, description=outcome.name or outcome.path)


def schema() -> None:
    """Print the JSON Schema of case files (for editors and validators)."""
    from importlib.resources import files

    print(files("losscli").joinpath("case.schema.json").read_text(encoding="utf-8"), end="")


def register(app: typer.Typer) -> None:
    """Add ``run``, ``check`` and ``schema`` to ``app``."""
    app.command("run", rich_help_panel=PANEL)(run_case)
    app.command("check", rich_help_panel=PANEL)(check)
    app.command("schema", rich_help_panel=PANEL)(schema)

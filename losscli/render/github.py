"""``losscli check --format github``: GitHub Actions workflow annotations.

One ``::error file=PATH,line=N,title=TITLE::MESSAGE`` command per failed, missing or
invalid case, pointing at the case's line in its file (an invalid case: at its faulty
field when it can be found; a file that cannot be parsed: where the parser stopped),
one ``::warning`` per computation warning, then the lines ``--update`` wrote and the
totals as plain text. GitHub shows the annotations on the pull request's diff and in
the run's summary. PATH is relative to the current folder when the file is inside it:
run ``check`` from the repository root so that GitHub can place the annotations.

Escaping follows GitHub's workflow-command rules (the runner's ``escapeData`` and
``escapeProperty``): ``%``, CR and LF in the message; also ``:`` and ``,`` in properties.
See https://docs.github.com/en/actions/using-workflows/workflow-commands-for-github-actions
"""

from __future__ import annotations

import pathlib
import sys

from losscli.core.case_lines import Lines

TITLES = {"failed": "case failed", "missing": "case has no expect", "error": "invalid case"}


def escape_data(text: str) -> str:
    """A workflow command's message: ``%``, CR and LF percent-encoded."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: the message escapes plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, **properties) -> str:
    """``::KIND key=value,...::MESSAGE`` with every part escaped; None properties left out."""
    props = ",".join(f"{key}={escape_property(str(value))}"
                     for key, value in properties.items() if value is not None)
    return f"::{kind}{' ' + props if props else ''}::{escape_data(message)}"


def annotation_lines(report) -> list[str]:
    """The workflow commands of ``report``, one per problem."""
    lines_of = Lines()
    out = []
    for outcome in report.outcomes:
        line = lines_of.of_outcome(outcome) if outcome.status in TITLES or outcome.warnings \
            else None
        where = {"file": _relative(outcome.path), "line": line}
        if outcome.status in TITLES:
            title = f"{outcome.name or outcome.path}: {TITLES[outcome.status]}"
            out.append(command("error", outcome.message, **where, title=title))
        for warning in outcome.warnings:
            out.append(command("warning", warning, **where,
                               title=f"{outcome.name or outcome.path}: warning"))
    return out


def _relative(path: str) -> str:
    """``path`` with forward slashes, relative to the current folder when inside it."""
    pure = pathlib.PurePath(path)
    if pure.is_absolute():
        try:
            pure = pure.relative_to(pathlib.Path.cwd())
        except ValueError:
            pass
    return pure.as_posix()


def render_github(report) -> None:
    """Write the annotations, the updates and the totals to stdout."""
    for outcome in report.outcomes:
        if outcome.status == "error":
            print(f"losscli: error: {outcome.message}", file=sys.stderr)
    lines = annotation_lines(report)
    lines += [f"updated: {line}" for line in report.updates]
    lines.append(report.totals())
    sys.stdout.write("\n".join(lines) + "\n")

"""``losscli check --format markdown``: a report for a job summary or a pull-request comment.

A heading with the totals, then a GitHub-flavoured Markdown table (status, case, loss,
expected, got, abs / rel error, file:line) and the reasons of problems as a list. Like
the terminal table it is bounded: at most ``max_rows`` rows, failing, missing and
invalid cases first, the rest counted; the reason of every problem is listed below.
Cell text is escaped: ``|`` and Markdown punctuation with a backslash, ``<``, ``>`` and
``&`` as entities (no HTML from a case name reaches the page), line breaks as spaces.
Append it to ``$GITHUB_STEP_SUMMARY`` in a workflow.
"""

from __future__ import annotations

import re
import sys

from losscli.core.case_lines import Lines
from losscli.core.text import short

ICONS = {"passed": "✅ passed", "failed": "❌ failed", "missing": "⚠️ missing",
         "error": "❗ error", "updated": "🔄 updated"}
_PUNCTUATION = re.compile(r"([\\`*_\[\]|~])")


def cell(text: object) -> str:
    """``text`` for one table cell (or list item): one line, nothing interpreted."""
    flat = " ".join(str(text).split())
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _PUNCTUATION.sub(r"\\\1", flat)


def markdown(report, *, max_rows: int = 50) -> str:
    """The report as Markdown."""
    failing = sum(not o.ok for o in report.outcomes)
    room = {True: max(max_rows - failing, 0), False: max_rows}  # passing rows, failing rows
    hidden = {True: 0, False: 0}
    lines_of = Lines()
    rows = ["| status | case | loss | expected | got | abs / rel error | file |",
            "| --- | --- | --- | ---: | ---: | ---: | --- |"]
    for outcome in report.outcomes:
        if room[outcome.ok] == 0:
            hidden[outcome.ok] += 1
            continue
        room[outcome.ok] -= 1
        rows.append("| " + " | ".join(cell(c) for c in _cells(outcome, lines_of)) + " |")
    lines = ["### losscli check", "", cell(report.totals()), "", *rows]
    notes = ([f"{hidden[False]} more not passing (listed below)"] if hidden[False] else []) \
        + ([f"{hidden[True]} more passed"] if hidden[True] else [])
    if notes:
        lines += ["", f"… {', '.join(notes)} (--max-rows to show them)"]
    problems = [o for o in report.outcomes if not o.ok]
    if problems:
        lines += ["", "#### Problems", ""]
        lines += [f"- **{o.status}** {cell(o.id)}: {cell(o.message)}" for o in problems]
    if report.updates:
        lines += ["", "#### Updated", ""] + [f"- {cell(line)}" for line in report.updates]
    return "\n".join(lines) + "\n"


def _cells(outcome, lines_of: Lines) -> list[str]:
    line = None if outcome.ok else lines_of.of_outcome(outcome)
    where = outcome.path + (f":{line}" if line else "")
    if outcome.status == "error":
        return [ICONS["error"], outcome.name or "", outcome.loss, "", "", "invalid", where]
    head = outcome.headline
    abs_error = max((c.abs_error for c in outcome.checks), default=None)
    rel_error = max((c.rel_error for c in outcome.checks), default=None)
    errors = "—" if abs_error is None else f"{abs_error:.2g} / {rel_error:.2g}"
    return [ICONS[outcome.status], outcome.name, outcome.loss,
            short(head.expected, head.worst) if head else "—",
            short(head.got, head.worst) if head else short(outcome.got), errors, where]


def render_markdown(report, *, max_rows: int = 50) -> None:
    """Write the Markdown report to stdout (invalid cases also get a line on stderr)."""
    for outcome in report.outcomes:
        if outcome.status == "error":
            print(f"losscli: error: {outcome.message}", file=sys.stderr)
    sys.stdout.write(markdown(report, max_rows=max_rows))

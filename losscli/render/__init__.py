"""Output of a :class:`~losscli.core.result.Result`: table (rich), json and plain.

Machine formats (json, plain) are written with ``print`` and never pass through
rich, so colour settings cannot corrupt them.
"""

from __future__ import annotations

import sys

from losscli.core.errors import ExitStatus


def render(result, fmt: str, *, max_rows: int = 20, top: int | None = None,
           max_elements: int | None = None) -> None:
    """Write ``result`` to stdout in ``fmt``; warnings and notes go to stderr.

    ``top``: how many largest terms to list (table; JSON when summarised);
    ``max_elements``: JSON gives a summary instead of terms with more elements.
    """
    for message in result.warnings:
        print(f"losscli: warning: {message}", file=sys.stderr)
    if fmt == "json":
        from losscli.render.json import render_json

        render_json(result, max_elements=max_elements, top=top)
    elif fmt == "plain":
        from losscli.render.plain import render_plain

        render_plain(result)
    else:
        from losscli.render.table import render_table

        render_table(result, max_rows=max_rows, top=top)


def report_result(result, fmt: str, *, max_rows: int, top: int | None = None,
           max_elements: int | None = None) -> ExitStatus:
    """Render ``result``; a failed comparison adds a mismatch line on stderr (exit 1)."""
    from losscli.render import render

    render(result, fmt, max_rows=max_rows, top=top, max_elements=max_elements)
    if result.expect is not None and not result.expect.ok:
        import sys

        print(f"losscli: mismatch: {result.expect.describe(result.value)}", file=sys.stderr)
        return ExitStatus.MISMATCH
    return ExitStatus.OK

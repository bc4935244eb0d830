"""``--help`` of losscli and its commands, as plain text (no markup, no rich).

Every string (a loss's summary, formula and notes, an option's help) is printed as
written: nothing in it is read as markup, so ``[yᵢ]`` or ``losscli[plot]`` stay. Options
are grouped by their panel (``rich_help_panel``), boolean flags show no metavar, and
a paragraph that is a command (``losscli ...``, ``Example: ...``) or indented is never
wrapped, so it pastes whole. Prose wraps at whole words to the terminal width.
"""

from __future__ import annotations

import inspect
import re
import shutil

from losscli.render.layout import wrap

INDENT = 2
NAME_LIMIT = 32  # option names longer than this get their help on the next line


def help_width() -> int:
    """The width help wraps to: the terminal's (COLUMNS when set), at least 40."""
    return max(shutil.get_terminal_size((80, 24)).columns, 40)


def _verbatim(paragraph: str) -> bool:
    lines = paragraph.splitlines()
    return (
        any(line.startswith((" ", "\t")) for line in lines)
        or paragraph.startswith(("losscli ", "Example: ", "\b"))
    )


def help_paragraphs(text: str, width: int) -> list[str]:
    """The help text's paragraphs: commands and indented blocks verbatim, prose wrapped."""
    lines: list[str] = []
    for paragraph in inspect.cleandoc(text or "").split("\n\n"):
        paragraph = paragraph.strip("\n")
        if not paragraph.strip():
            continue
        if lines:
            lines.append("")
        if _verbatim(paragraph):
            block = paragraph.lstrip("\b\n").splitlines()
            lines += [" " * INDENT + line.rstrip() for line in block]
        else:
            lines += wrap(paragraph, width, INDENT)
    return lines


def definitions(rows: list[tuple[str, str]], width: int) -> list[str]:
    """``name  help`` rows with the help wrapped in a hanging column."""
    short = [len(name) for name, _ in rows if len(name) <= NAME_LIMIT]
    column = INDENT + (max(short) if short else NAME_LIMIT) + 2
    if width - column < 30:  # too narrow for two columns: help below the name
        column = INDENT + 4
    lines: list[str] = []
    for name, text in rows:
        head = " " * INDENT + name
        if len(head) + 2 <= column:
            body = wrap(text, width, column) if text else [""]
            lines.append(head.ljust(column) + body[0].lstrip())
            lines += body[1:]
        else:
            lines.append(head)
            if text:
                lines += wrap(text, width, column)
    return [line.rstrip() for line in lines]


def _panels(items) -> dict[str, list]:
    """Items grouped by panel: Arguments and Options first, then in order of appearance."""
    panels: dict[str, list] = {}
    for panel, item in sorted(items, key=lambda pair: pair[0] not in ("Arguments", "Options")):
        panels.setdefault(panel, []).append(item)
    return panels


def _param_rows(command, ctx) -> dict[str, list[tuple[str, str]]]:
    items = []
    for param in command.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is None:
            continue
        if param.param_type_name == "argument":  # LOSS, PATH... (not "PATH <list[str]>")
            name = _metavar(param) + ("..." if param.nargs == -1 else "")
            record = (name, " ".join(filter(None, [param.help, "[required]" * param.required])))
            items.append((getattr(param, "rich_help_panel", None) or "Arguments", record))
        else:
            items.append((getattr(param, "rich_help_panel", None) or "Options", record))
    return _panels(items)


def _metavar(param) -> str:
    return param.metavar or param.name.upper()


def _command_rows(group, ctx) -> dict[str, list[tuple[str, str]]]:
    items = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        text = command.short_help or inspect.cleandoc(command.help or "").split("\n\n")[0]
        items.append((getattr(command, "rich_help_panel", None) or "Commands",
                      (name, " ".join(text.split()))))
    return _panels(items)


def format_help(command, ctx, formatter) -> None:
    """Write the help of ``command`` (a click command or group) into click's ``formatter``."""
    width = help_width()
    pieces = " ".join(command.collect_usage_pieces(ctx))
    pieces = re.sub(r"\{([A-Z_]+)\}", r"\1", pieces)  # {LOSS} -> LOSS
    lines = [f"Usage: {ctx.command_path} {pieces}".rstrip(), ""]
    body = help_paragraphs(command.help or "", width)
    if body:
        lines += body + [""]
    sections = _param_rows(command, ctx)
    if hasattr(command, "list_commands"):
        sections.update(_command_rows(command, ctx))
    for title, rows in sections.items():
        lines.append(f"{title}:")
        lines += definitions(rows, width)
        lines.append("")
    if command.epilog:
        lines += help_paragraphs(command.epilog, width) + [""]
    formatter.write("\n".join(lines).rstrip("\n") + "\n")

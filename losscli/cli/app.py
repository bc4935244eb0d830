"""The Typer application: a callback, ``list``, the tools, and one command per registered loss.

A loss command is built from its declaration only when it is needed: when it runs, when
its ``--help`` is asked or when its options are completed (:class:`LossGroup`).
``losscli --help``, ``list`` and the completion of loss names read the declarations
alone. Loss names resolve case-insensitively through the registry's aliases
(``CrossEntropyLoss``, ``cross_entropy``, ``ce``); an unknown name suggests the
closest ones. Nothing here imports torch.
"""

from __future__ import annotations

import inspect
import sys

import typer
from typer.core import TyperCommand, TyperGroup

from losscli import __version__
from losscli.cli.cases import register as register_case_commands
from losscli.cli.tools import register as register_tool_commands
from losscli.core.errors import ExitStatus, UsageError
from losscli.core.spec import LossSpec
from losscli.families.registry import find_fast, registry

HELP = (
    "Compute a neural-network loss on your numbers and see every term.\n\n"
    "  losscli cross-entropy --pred '[[0.8,0.1,0.4]]' --target '[0]'\n\n"
    "Run 'losscli list' for every loss and 'losscli LOSS --help' for its options."
)


class LossCommand(TyperCommand):
    """A command whose --help is losscli's plain, verbatim help (:mod:`losscli.cli.help`)."""

    def format_help(self, ctx, formatter) -> None:
        from losscli.cli.help import format_help

        format_help(self, ctx, formatter)

    def parse_args(self, ctx, args):
        _plain_flags(self.get_params(ctx))
        return super().parse_args(ctx, args)


class LossGroup(TyperGroup):
    """The app's commands, then one per loss, each built when first asked for.

    :meth:`list_commands` names the app's commands and then every loss (registry order);
    :meth:`get_command` builds a loss command (:func:`loss_command`) only for the loss
    asked for, resolving aliases. The help's command list (:meth:`command_summary`) and
    the completion of command names take a loss's summary from its declaration.
    """

    def __init__(self, **attrs) -> None:
        super().__init__(**attrs)
        self.loss_commands: dict[str, LossCommand] = {}

    def get_command(self, ctx, cmd_name: str):
        command = super().get_command(ctx, cmd_name)
        if command is None:
            spec = find_fast(cmd_name)  # imports the declaring family only
            return None if spec is None else self._loss_command(spec)
        if type(command) is TyperCommand:  # the tools' and case files' commands too
            command.__class__ = LossCommand
        return command

    def _loss_command(self, spec: LossSpec) -> LossCommand:
        if spec.name not in self.loss_commands:
            self.loss_commands[spec.name] = loss_command(spec)
        return self.loss_commands[spec.name]

    def list_commands(self, ctx):
        return [*self.commands, *(spec.name for spec in registry())]

    def _declared(self, name: str) -> LossSpec | None:
        """The declaration of the loss command ``name``; None for the app's own commands."""
        return None if name in self.commands else registry().find(name)

    def command_summary(self, ctx, name: str) -> tuple[str, str] | None:
        """(panel, short help) of a command in the help's list; None when hidden."""
        spec = self._declared(name)
        if spec is not None:
            return loss_panel(spec), spec.summary
        command = self.get_command(ctx, name)
        if command is None or command.hidden:
            return None
        text = command.short_help or inspect.cleandoc(command.help or "").split("\n\n")[0]
        return getattr(command, "rich_help_panel", None) or "Commands", text

    def format_help(self, ctx, formatter) -> None:
        from losscli.cli.help import format_help

        format_help(self, ctx, formatter)

    def resolve_command(self, ctx, args):
        if args and self.get_command(ctx, args[0]) is None and not args[0].startswith("-"):
            raise UsageError(
                f"unknown loss or command {args[0]!r}{registry().suggest(args[0])}"
            )
        return super().resolve_command(ctx, args)

    def shell_complete(self, ctx, incomplete: str):
        """Command names (a loss's help from its declaration), then the group's options."""
        from typer._click.core import Command
        from typer._click.shell_completion import CompletionItem

        items = []
        for name in self.list_commands(ctx):
            if not name.startswith(incomplete):
                continue
            spec = self._declared(name)
            if spec is not None:
                items.append(CompletionItem(name, help=inspect.cleandoc(spec.summary).strip()))
                continue
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                items.append(CompletionItem(name, help=command.get_short_help_str()))
        # Click's own completion of the options (TyperGroup's would build every matching loss).
        return items + Command.shell_complete(self, ctx, incomplete)

    def parse_args(self, ctx, args):
        _plain_flags(self.get_params(ctx))
        return super().parse_args(ctx, args)


def loss_panel(spec: LossSpec) -> str:
    """The help panel listing a loss."""
    return f"Losses: {spec.family}"


def loss_command(spec: LossSpec) -> LossCommand:
    """The click command of one loss, from its declaration (:mod:`losscli.cli.commands`)."""
    from typer.main import get_command_from_info
    from typer.models import CommandInfo

    from losscli.cli import commands

    info = CommandInfo(spec.name, cls=LossCommand, callback=commands.make_command(spec),
                       short_help=spec.summary, rich_help_panel=loss_panel(spec))
    command = get_command_from_info(info, pretty_exceptions_short=app.pretty_exceptions_short,
                                    rich_markup_mode=app.rich_markup_mode)
    assert isinstance(command, LossCommand)
    return command


def _plain_flags(params) -> None:
    """Give boolean and string options a plain type check (a str is a str).

    Typer otherwise builds a pydantic adapter for them (for a flag whose default is
    None, or any string), and importing pydantic costs more than the rest of
    ``losscli list`` or ``--help``.
    """
    from typer._coercion import PassThroughRuntimeParam

    for param in params:
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is not None and descriptor.annotation in (bool, str) and (
            getattr(param, "_runtime_param", True) is None
        ):
            param._runtime_param = PassThroughRuntimeParam(
                annotation=descriptor.annotation, parameter_info=descriptor.parameter_info)


app = typer.Typer(
    cls=LossGroup,
    name="losscli",
    help=HELP,
    no_args_is_help=True,
    rich_markup_mode=None,  # help is plain text: registry strings are never read as markup
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 10_000},
)


def _version(value: bool) -> None:
    if value:
        print(f"losscli {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="print the version and exit"
    ),
) -> None:
    """Compute a neural-network loss on your numbers and see every term."""


@app.command("list", rich_help_panel="Catalogue")
def list_losses(
    fmt: str = typer.Option("table", "--format", "-f", metavar="<table|json>",
                            help="output format"),
    json_: bool = typer.Option(False, "--json", help="same as --format json"),
) -> None:
    """List every loss with its family, aliases and summary."""
    from losscli.render.catalog import print_catalogue

    if fmt not in ("table", "json"):  # checked here: a Literal costs typer a pydantic import
        raise UsageError(f"losscli list: Invalid value for '--format' / '-f': {fmt!r} is not "
                         "one of 'table', 'json'.")
    print_catalogue("json" if json_ else fmt)


register_case_commands(app)
register_tool_commands(app)


def run_app(argv: list[str] | None = None) -> int:
    """Run the app without Click's own error printing; return the exit status."""
    from typer._click import exceptions as click_exceptions
    from typer.exceptions import Abort

    command = typer.main.get_command(app)
    try:
        rv = command.main(args=argv, prog_name="losscli", standalone_mode=False)
    except click_exceptions.NoArgsIsHelpError as error:
        print(error.ctx.get_help())
        return int(ExitStatus.OK)
    except click_exceptions.UsageError as error:
        where = f"losscli {error.ctx.info_name}: " if error.ctx and error.ctx.parent else ""
        raise UsageError(where + error.format_message()) from None
    except Abort:
        print("losscli: aborted", file=sys.stderr)
        return int(ExitStatus.INTERRUPTED)
    return rv if isinstance(rv, int) else int(ExitStatus.OK)

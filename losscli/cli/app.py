"""The Typer application: a callback, ``list``, and one command per registered loss.

Loss names resolve case-insensitively through the registry's aliases
(``CrossEntropyLoss``, ``cross_entropy``, ``ce``); an unknown name suggests the
closest ones. Nothing here imports torch.
"""

from __future__ import annotations

import sys

import typer
from typer.core import TyperCommand, TyperGroup

from losscli import __version__
from losscli.cli.cases import register as register_case_commands
from losscli.cli.commands import make_command
from losscli.cli.tools import register as register_tool_commands
from losscli.core.errors import ExitStatus, UsageError
from losscli.families.registry import registry

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
    """Resolves loss aliases to their canonical command; every command gets losscli's help."""

    def get_command(self, ctx, cmd_name: str):
        command = super().get_command(ctx, cmd_name)
        if command is None:
            spec = registry().find(cmd_name)
            if spec is not None:
                command = super().get_command(ctx, spec.name)
        if type(command) is TyperCommand:
            command.__class__ = LossCommand
        return command

    def format_help(self, ctx, formatter) -> None:
        from losscli.cli.help import format_help

        format_help(self, ctx, formatter)

    def resolve_command(self, ctx, args):
        if args and self.get_command(ctx, args[0]) is None and not args[0].startswith("-"):
            raise UsageError(
                f"unknown loss or command {args[0]!r}{registry().suggest(args[0])}"
            )
        return super().resolve_command(ctx, args)

    def list_commands(self, ctx):
        return list(self.commands)

    def parse_args(self, ctx, args):
        _plain_flags(self.get_params(ctx))
        return super().parse_args(ctx, args)


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

for _spec in registry():
    app.command(
        name=_spec.name,
        short_help=_spec.summary,
        rich_help_panel=f"Losses: {_spec.family}",
    )(make_command(_spec))


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

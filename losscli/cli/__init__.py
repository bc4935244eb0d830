"""The command line: the Typer app, loss commands, tool and case commands, the quick path."""

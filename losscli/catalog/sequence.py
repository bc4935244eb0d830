"""Sequence losses (declarations)."""

SPECS = ()

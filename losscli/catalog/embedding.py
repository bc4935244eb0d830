"""Embedding losses (declarations)."""

SPECS = ()

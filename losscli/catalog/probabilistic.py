"""Probabilistic losses (declarations)."""

SPECS = ()

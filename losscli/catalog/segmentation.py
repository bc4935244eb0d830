"""Segmentation losses (declarations)."""

SPECS = ()

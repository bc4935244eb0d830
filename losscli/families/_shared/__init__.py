"""Helpers more than one family uses: shared declarations, checks, tensor operations."""

"""The torch backend: one module per family, each loss a small function.

A loss function takes torch tensors (inputs and tensor parameters) and scalar
parameters as keyword arguments and returns :class:`Terms`, the unreduced
terms; :func:`losscli.terms.reduce` turns them into the value.
"""

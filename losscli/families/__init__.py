"""The losses, one package per family, each holding the whole story of its losses.

A family package has ``spec.py`` (the :class:`~losscli.core.spec.LossSpec` declarations,
plain data), ``torch_terms.py`` (the reference terms in PyTorch), ``numpy_terms.py`` (the
same terms in numpy), ``checks.py`` (loss-specific input checks, numpy), ``explain.py``
(worked derivations), ``conventions.py`` / ``convention_terms.py`` (other libraries'
versions) and ``plot.py`` (hand-chosen ``losscli plot`` axes, numpy), as the family
needs. :mod:`losscli.families._shared` holds what several families use.

A loss function takes the inputs and tensor parameters (torch tensors, or numpy arrays
in the compute dtype with class indices as int64) and the scalar parameters as keyword
arguments and returns :class:`~losscli.core.terms.Terms`, the unreduced terms;
:func:`losscli.core.terms.reduce` turns them into the value. The torch functions stay
the reference (and compute gradients); the numpy twins take the same arguments, and
``tests/test_backends.py`` requires the two to agree on random valid inputs.
"""

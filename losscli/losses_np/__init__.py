"""The numpy backend: the forward terms of the losses, without torch.

One module per family, mirroring :mod:`losscli.losses`: each function takes the same
keyword arguments as its torch twin (numpy arrays in the compute dtype, class indices
as int64, scalar parameters) and returns the same :class:`~losscli.terms.Terms`
(values, weights, ignored mask, details) holding numpy arrays. The torch functions
stay the reference (and compute gradients); ``tests/test_backends.py`` runs every loss
through both on random valid inputs and requires them to agree.
"""

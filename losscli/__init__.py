"""losscli: a command-line loss calculator for people who train neural networks.

The Python API mirrors the CLI::

    import losscli
    result = losscli.compute("focal", pred=[[-0.1, 0.9]], target=[[0, 1]], gamma=2.0)
    result.value, result.terms, result.grads, result.params

Errors raise :class:`LossCliError` (``InputError`` for bad inputs, ``UsageError`` for
bad usage) with the CLI's one-line message. Importing this package does not import torch;
:func:`compute` does only when the torch backend computes (gradients, a device,
``backend="torch"``; see :mod:`losscli.engine.pipeline`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from losscli.core.errors import InputError, LossCliError, UsageError

__version__ = "0.1.0"

if TYPE_CHECKING:
    from losscli.core.result import Result


def compute(loss: str, **kwargs: Any) -> Result:
    """Compute a loss; see :func:`losscli.engine.pipeline.compute` for the arguments."""
    from losscli.engine.pipeline import compute as _compute

    return _compute(loss, **kwargs)


__all__ = ["InputError", "LossCliError", "UsageError", "__version__", "compute"]

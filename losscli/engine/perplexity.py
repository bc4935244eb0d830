"""Perplexity of a cross-entropy result: exp of the mean token loss over the counted tokens.

perplexity = exp((1/n)·Σᵢ −log p(yᵢ)) over the n tokens not ignored (ignore_index), with the
plain negative log-likelihood of the target: class weights, label smoothing and the z-loss
shape the training loss but not the perplexity (as fairseq reports ppl from its unsmoothed
nll_loss and t5x its z-loss apart). Probability targets: −Σ_c y_c·log p_c per term. Only for
reduction mean, on the losses that declare it; numpy only.
"""

from __future__ import annotations

import math

import numpy as np

from losscli.core.spec import LossSpec


def perplexity(spec: LossSpec, reduction: str, params: dict, result) -> float | None:
    """The perplexity of ``result``, or None where it is not reported (a loss that does not
    declare :attr:`LossSpec.perplexity`, a reduction other than mean)."""
    if not spec.perplexity or reduction != "mean":
        return None
    token_loss = _token_loss(result)
    if token_loss is None:
        plain = not (params.get("weight") is not None or params.get("label_smoothing")
                     or params.get("z_loss") or result.convention)
        return _exp(float(result.value)) if plain else None
    counted = token_loss if result.ignored is None else token_loss[~result.ignored]
    return _exp(float(np.mean(counted, dtype=np.float64))) if counted.size else None


def _token_loss(result) -> np.ndarray | None:
    """−log p(yᵢ) per term from the details the terms kept, or None without them."""
    details = result.details
    if "log p[y]" in details:
        return -np.asarray(details["log p[y]"], dtype=np.float64)
    target = result.inputs.get("target")
    if "log p" in details and target is not None and target.dtype.kind == "f":
        log_p = np.asarray(details["log p"], dtype=np.float64)
        dim = 0 if log_p.ndim == 1 else 1
        with np.errstate(invalid="ignore"):  # 0·(−inf): a class of probability 0 adds 0
            products = np.where(target == 0, 0.0, target * log_p)
        return -products.sum(axis=dim)
    return None


def _exp(mean: float) -> float:
    return math.exp(mean) if mean < 709.78 else math.inf

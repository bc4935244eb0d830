"""Hand-chosen plot axis of dpo: the loss against the reward margin (numpy, no torch)."""

from __future__ import annotations

import numpy as np

from losscli.families._shared.plot import PlotAxis

#: The summed log-probability every built input starts from; the margin moves the policy's.
_BASE = -20.0


def _pairs_with_margin(x: np.ndarray) -> dict[str, np.ndarray]:
    """Pairs whose z = (πc − πr) − (refc − refr) is x: the policy splits x between its two
    responses, the reference is indifferent. With β = 1 the reward margin β·z is x."""
    base = np.full_like(x, _BASE)
    return {"policy_chosen": base + x / 2, "policy_rejected": base - x / 2,
            "ref_chosen": base, "ref_rejected": base.copy()}


#: Hand-chosen axes; the first is the default ``--x``.
AXES: dict[str, tuple[PlotAxis, ...]] = {
    "dpo": (
        PlotAxis(
            "margin", "reward margin m = β·z (inputs built for β = 1, where m = z)", -5.0, 5.0,
            _pairs_with_margin,
            wrt="policy_chosen",
            grad_label="∂ℓ/∂log π(chosen)",
            defaults={"beta": 1.0},
            bounds=(2 * _BASE, -2 * _BASE),  # every built log-probability stays <= 0
        ),
    ),
}

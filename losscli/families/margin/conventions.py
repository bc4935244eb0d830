"""Other libraries' versions of the Keras hinge losses, as data (``--convention NAME``).

losscli's squared-hinge and categorical-hinge already compute Keras's per-sample terms;
the ``keras`` convention adds Keras's ``sample_weight`` and reductions. See
:mod:`losscli.families._shared.conventions` for what each field means.
"""

from __future__ import annotations

from losscli.core.spec import Convention
from losscli.families._shared.conventions import KERAS, KERAS_LOSS, KERAS_MEAN


def _keras_pair(loss: str, keras_class: str, function: str, impl: str) -> tuple[Convention, ...]:
    """losscli's own terms (Keras's formula), then Keras's call with a sample weight."""
    return (
        Convention(
            name="losscli",
            library=f"losscli {loss}",
            call=f"losscli {loss} --pred X --target Y",
            source=f"{KERAS} {function}",
            reason="Keras's formula, one term per sample",
        ),
        Convention(
            name="keras",
            library=f"keras.losses.{keras_class}",
            call=f"{keras_class}()(y_true, y_pred, sample_weight)",
            source=f"{KERAS} {function}; {KERAS_LOSS}",
            reason="the same per-sample terms times --sample-weight, then "
            "sum_over_batch_size: a sample weight does not enter the denominator",
            impl=impl,
            rules=KERAS_MEAN,
        ),
    )


SQUARED_HINGE_CONVENTIONS = _keras_pair("squared-hinge", "SquaredHinge", "squared_hinge",
                                        "keras_squared_hinge")
CATEGORICAL_HINGE_CONVENTIONS = _keras_pair("categorical-hinge", "CategoricalHinge",
                                            "categorical_hinge", "keras_categorical_hinge")

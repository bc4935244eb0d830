"""Other libraries' versions of the metric-learning losses, as data (``--convention NAME``).

See :mod:`losscli.families._shared.conventions` for what each field means.
"""

from __future__ import annotations

import math

from losscli.core.spec import Convention
from losscli.families._shared.conventions import OPTAX

PML = "pytorch-metric-learning 2.8.1 (tag v2.8.1), src/pytorch_metric_learning/losses/"
SUPCONTRAST = "HobbitLong/SupContrast losses.py SupConLoss (commit 66a8fe53)"

NTXENT_CONVENTIONS = (
    Convention(
        name="optax",
        library="optax.losses.ntxent",
        call="ntxent(embeddings, labels, temperature=0.07)",
        source=OPTAX + "_self_supervised.py ntxent",
        reason="losscli's default: the mean over ordered positive pairs; NaN (0/0) when no "
        "two rows share a label",
    ),
    Convention(
        name="pml",
        library="pytorch_metric_learning.losses.NTXentLoss",
        call="NTXentLoss(temperature=0.07)(embeddings, labels)",
        source=PML + "ntxent_loss.py NTXentLoss (MeanReducer over positive pairs)",
        reason="the same terms and mean; 0 instead of NaN without a positive pair "
        "(test_with_no_valid_pairs)",
        impl="pml_ntxent",
    ),
)

SUPCON_CONVENTIONS = (
    Convention(
        name="reference",
        library="SupContrast SupConLoss",
        call="SupConLoss(temperature=0.07, base_temperature=0.07)(features[bsz, views, D], "
        "labels)",
        source=SUPCONTRAST,
        reason="losscli's default: −(T/T_base)·mean log-probability of the positives, "
        "averaged over every anchor (0 for an anchor without positives)",
    ),
    Convention(
        name="pml",
        library="pytorch_metric_learning.losses.SupConLoss",
        call="SupConLoss(temperature=0.1)(embeddings, labels)",
        source=PML + "supcon_loss.py SupConLoss (AvgNonZeroReducer)",
        reason="no T/T_base factor, rows always normalised, and the mean leaves out the "
        "anchors without positives",
        params={"temperature": 0.1, "normalize": True},
        impl="pml_supcon",
    ),
)

ARCFACE_CONVENTIONS = (
    Convention(
        name="insightface",
        library="insightface arcface_torch CombinedMarginLoss (m2)",
        call="CombinedMarginLoss(s=64, m1=1.0, m2=0.5, m3=0.0)",
        source="deepinsight/insightface recognition/arcface_torch/losses.py (commit ede87b4a)",
        reason="losscli's default: margin 0.5 rad, fallback cos θ − sin(π − m)·m where "
        "cos θ ≤ cos(π − m)",
    ),
    Convention(
        name="pml",
        library="pytorch_metric_learning.losses.ArcFaceLoss",
        call="ArcFaceLoss(num_classes, embedding_size, margin=28.6, scale=64) (W is (D, C))",
        source=PML + "arcface_loss.py ArcFaceLoss",
        reason="margin given in degrees: 28.6° = 0.49916 rad by default (np.radians), "
        "the same fallback",
        params={"margin": math.radians(28.6)},
    ),
)

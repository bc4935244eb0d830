"""TRL's versions of DPO and ORPO, as data (``--convention NAME``).

TRL v0.19.0 (commit 5b3ea9dd) and v1.9.0 (commit 35def3ee, loss code unchanged at later
commits) differ on the two points below; see :mod:`losscli.families._shared.conventions`
for what each field means.
"""

from __future__ import annotations

from losscli.core.spec import Convention

_V019 = "TRL v0.19.0 (5b3ea9dd), "
_V19 = "TRL v1.9.0 (35def3ee), "

DPO_CONVENTIONS = (
    Convention(
        name="trl-0.19",
        library="trl.DPOTrainer (v0.19)",
        call="DPOTrainer(..., args=DPOConfig(beta=β, loss_type=..., label_smoothing=ε))",
        source=_V019 + "trl/trainer/dpo_trainer.py DPOTrainer.dpo_loss",
        reason="losscli's default: sigmoid applies the label smoothing ε (conservative DPO), "
        "mean over the pairs",
    ),
    Convention(
        name="trl-1.9",
        library="trl.DPOTrainer (v1.9)",
        call="DPOTrainer(..., args=DPOConfig(beta=β, loss_type=[...], label_smoothing=ε))",
        source=_V19 + "trl/trainer/dpo_trainer.py DPOTrainer._compute_loss",
        reason="sigmoid ignores label_smoothing (only robust, exo_pair and aot use it): "
        "the values differ whenever ε > 0",
        impl="dpo_trl_v1",
    ),
)

ORPO_CONVENTIONS = (
    Convention(
        name="trl-1.9",
        library="trl.experimental.orpo.ORPOTrainer (v1.9)",
        call="ORPOTrainer(..., args=ORPOConfig(beta=β)); the term is −mean(losses)",
        source=_V19 + "trl/experimental/orpo/orpo_trainer.py ORPOTrainer.odds_ratio_loss",
        reason="losscli's default: log(1 − e^x) through log1mexp (log(−expm1 x) for "
        "x >= −ln 2), finite for x close to 0",
    ),
    Convention(
        name="trl-0.19",
        library="trl.ORPOTrainer (v0.19)",
        call="ORPOTrainer(..., args=ORPOConfig(beta=β)); the term is −mean(losses)",
        source=_V019 + "trl/trainer/orpo_trainer.py ORPOTrainer.odds_ratio_loss",
        reason="log(1 − e^x) as log1p(−exp(x)): in float32 exp(x) rounds to 1 for x > "
        "about −6e-8 and the log-odds become ±inf",
        impl="orpo_naive",
    ),
)

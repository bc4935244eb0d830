"""Preference losses of language models: DPO, SimPO and ORPO (one term per preference pair).

Every input holds one number per pair (shape (N)): a log-probability of a whole response
(summed over its tokens, or averaged where the loss says so), never logits.
"""

from typing import TypedDict

from losscli.core.spec import InputSpec, LossSpec, ParamSpec
from losscli.families.preference.conventions import DPO_CONVENTIONS, ORPO_CONVENTIONS

_PAIR = "(N), one per pair"
_SUMMED = "summed log-probability log π(y|x) of the {} response under the {}, one per pair"


def _logps(name: str, which: str, model: str, shape: str = _PAIR) -> InputSpec:
    return InputSpec(name, _SUMMED.format(which, model), domain="logprob", shape=shape)


class _Functions(TypedDict):
    impl: str
    numpy_impl: str
    check: str
    chunks: str


def _functions(name: str) -> _Functions:
    """The torch, numpy and check functions of a loss, all named ``name``; one term per pair."""
    return {"impl": name, "numpy_impl": name, "check": name, "chunks": "elements"}


_TRL = "huggingface/trl "
_DPO_PAPER = ("Rafailov et al., Direct Preference Optimization: Your Language Model is "
              "Secretly a Reward Model, NeurIPS 2023")

SPECS = (
    LossSpec(
        name="dpo",
        summary="Direct Preference Optimization on policy and reference log-probabilities",
        family="preference",
        formula=(
            "zᵢ = (πcᵢ − πrᵢ) − (refcᵢ − refrᵢ), margin mᵢ = β·zᵢ;  sigmoid: ℓᵢ = −(1 − ε)·"
            "log σ(mᵢ) − ε·log σ(−mᵢ);  hinge: max(0, 1 − mᵢ);  ipo: (zᵢ − 1/(2β))²;  "
            "robust: (−(1 − ε)·log σ(mᵢ) + ε·log σ(−mᵢ)) / (1 − 2ε)"
        ),
        inputs=(
            _logps("policy_chosen", "chosen", "policy"),
            _logps("policy_rejected", "rejected", "policy", "(N), as policy-chosen"),
            _logps("ref_chosen", "chosen", "frozen reference model", "(N), as policy-chosen"),
            _logps("ref_rejected", "rejected", "frozen reference model",
                   "(N), as policy-chosen"),
        ),
        params=(
            ParamSpec("beta", "float", 0.1, "β > 0: strength of the KL penalty towards the "
                      "reference (the scale of the implicit reward β·log π/π_ref)",
                      minimum=0.0, exclusive_minimum=True),
            ParamSpec("loss_type", "choice", "sigmoid",
                      "sigmoid (DPO), hinge (SLiC), ipo (Azar et al.) or robust "
                      "(Chowdhury et al.), as TRL's DPOConfig.loss_type names them",
                      choices=("sigmoid", "hinge", "ipo", "robust")),
            ParamSpec("label_smoothing", "float", 0.0,
                      "ε in [0, 0.5]: the probability that a preference label is flipped "
                      "(conservative DPO for sigmoid, robust DPO needs ε < 0.5); hinge and "
                      "ipo do not use it", minimum=0.0, maximum=0.5),
        ),
        conventions=DPO_CONVENTIONS,
        **_functions("dpo"),
        aliases=("direct-preference-optimization", "dpo-loss"),
        references=(
            _DPO_PAPER,
            "Azar et al., A General Theoretical Paradigm to Understand Learning from Human "
            "Preferences (IPO), AISTATS 2024",
            "Chowdhury et al., Provably Robust DPO, ICML 2024",
            _TRL + "v0.19.0 trl/trainer/dpo_trainer.py DPOTrainer.dpo_loss",
        ),
        notes=(
            "Inputs are log-probabilities of whole responses: the sum over the response "
            "tokens of log softmax(logits)[token], prompt and padding masked out, under the "
            "policy being trained and under the frozen reference model.",
            "The table's reward margin is β·zᵢ = r(chosen) − r(rejected) with the implicit "
            "reward r = β·(log π − log π_ref) (TRL's rewards/margins); the loss falls as it "
            "grows. With policy = reference every margin is 0 and sigmoid gives ln 2.",
            "ipo: TRL feeds it per-token averages of the log-probabilities (sum / number of "
            "response tokens, for the policy and the reference alike); pass averages to match "
            "TRL, sums for the paper's sequence-level form.",
            "label smoothing in sigmoid (conservative DPO) follows the DPO authors and TRL "
            "v0.19; TRL v1.9's sigmoid ignores it (--convention trl-1.9).",
        ),
        example={
            "policy_chosen": "[-12.0, -30.5, -8.25]",
            "policy_rejected": "[-15.0, -28.0, -9.0]",
            "ref_chosen": "[-13.0, -30.0, -8.0]",
            "ref_rejected": "[-14.0, -29.0, -9.5]",
        },
    ),
    LossSpec(
        name="simpo",
        summary="SimPO: reference-free, length-normalised preference loss with a margin γ",
        family="preference",
        formula=(
            "mᵢ = β·(cᵢ/|cᵢ| − rᵢ/|rᵢ|) − γ,  ℓᵢ = −log σ(mᵢ);  c, r the summed "
            "log-probabilities of the chosen and rejected responses, |·| their lengths in tokens"
        ),
        inputs=(
            _logps("chosen", "chosen", "policy"),
            _logps("rejected", "rejected", "policy", "(N), as chosen"),
            InputSpec("chosen_length", "number of response tokens of each chosen response "
                      "(pass 1 when --chosen holds per-token averages)", domain="positive",
                      shape="(N), as chosen"),
            InputSpec("rejected_length", "number of response tokens of each rejected "
                      "response (pass 1 when --rejected holds per-token averages)",
                      domain="positive", shape="(N), as chosen"),
        ),
        params=(
            ParamSpec("beta", "float", 2.0, "β > 0: scale of the length-normalised reward",
                      minimum=0.0, exclusive_minimum=True),
            ParamSpec("gamma", "float", 0.5, "γ: the target reward margin subtracted from "
                      "β·Δ (the reference code's gamma_beta_ratio·β)"),
        ),
        **_functions("simpo"),
        aliases=("simple-preference-optimization",),
        references=(
            "Meng, Xia and Chen, SimPO: Simple Preference Optimization with a Reference-Free "
            "Reward, NeurIPS 2024",
            "princeton-nlp/SimPO scripts/simpo_config.py (beta 2.0, gamma_beta_ratio 0.25)",
            _TRL + "v1.9.0 trl/experimental/cpo/cpo_trainer.py CPOTrainer.cpo_loss "
            "(loss_type='simpo')",
        ),
        notes=(
            "Reference-free: only the policy's log-probabilities, each divided by its "
            "response length (the average per-token log-probability).",
            "Defaults are the reference code's (β = 2, γ = 0.25·β = 0.5). TRL's CPOTrainer "
            "with loss_type='simpo' defaults to β = 0.1, simpo_gamma = 0.5 and adds "
            "cpo_alpha·NLL(chosen) with cpo_alpha = 1: set cpo_alpha=0 there for plain SimPO, "
            "or add that NLL yourself.",
        ),
        example={
            "chosen": "[-12.0, -30.5, -8.25]",
            "rejected": "[-15.0, -28.0, -9.0]",
            "chosen_length": "[4, 10, 3]",
            "rejected_length": "[5, 8, 3]",
        },
    ),
    LossSpec(
        name="orpo",
        summary="ORPO's odds-ratio term on average per-token log-probabilities",
        family="preference",
        formula=(
            "log oddsᵢ = (cᵢ − rᵢ) − (log(1 − e^cᵢ) − log(1 − e^rᵢ)),  ℓᵢ = −β·log σ(log oddsᵢ)"
            ";  c, r the average per-token log-probabilities (< 0) of chosen and rejected"
        ),
        inputs=(
            InputSpec("chosen", "average per-token log-probability (< 0) of the chosen "
                      "response under the policy, one per pair", domain="logprob",
                      shape=_PAIR),
            InputSpec("rejected", "average per-token log-probability (< 0) of the rejected "
                      "response under the policy", domain="logprob", shape="(N), as chosen"),
        ),
        params=(
            ParamSpec("beta", "float", 0.1, "β (the paper's λ) >= 0: weight of the "
                      "odds-ratio term", minimum=0.0),
        ),
        conventions=ORPO_CONVENTIONS,
        **_functions("orpo"),
        aliases=("odds-ratio-preference-optimization",),
        references=(
            "Hong, Lee and Thorne, ORPO: Monolithic Preference Optimization without Reference "
            "Model, EMNLP 2024",
            _TRL + "v1.9.0 trl/experimental/orpo/orpo_trainer.py ORPOTrainer.odds_ratio_loss",
        ),
        notes=(
            "The odds-ratio term only: ORPO's full objective adds the supervised NLL of the "
            "chosen response (its token-mean cross-entropy) to the mean of these terms.",
            "log(1 − e^x) is computed stably (log(−expm1 x) for x >= −ln 2, log1p(−e^x) "
            "below), as TRL v1.9; TRL v0.19's log1p(−exp x) is −inf in float32 for x close "
            "to 0 (--convention trl-0.19).",
        ),
        example={"chosen": "[-0.5, -0.001, -2.0]", "rejected": "[-1.5, -0.7, -0.1]"},
    ),
)

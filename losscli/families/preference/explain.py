"""Worked derivations of the preference losses (dpo, simpo, orpo) on the user's numbers."""

from __future__ import annotations

from losscli.families._shared.explain import TermView, derivation, num, par


def _dpo_term(loss_type: str, m: str, b: str, e: str) -> str:
    """The loss_type's expression of the margin m (β = b, ε = e), written with the numbers."""
    if loss_type == "hinge":
        return f"max(0, 1 − {m})"
    if loss_type == "ipo":
        return f"({m}/{b} − 1/(2·{b}))²"
    if e == "0":
        return f"−log σ({m})"
    if loss_type == "robust":
        return f"(−(1 − {e})·log σ({m}) + {e}·log σ(−{m})) / (1 − 2·{e})"
    return f"−(1 − {e})·log σ({m}) − {e}·log σ(−{m})"


@derivation("dpo")
def dpo(view: TermView) -> list[str]:
    """Rewards β·(log π − log π_ref), their margin m, then the loss_type's term."""
    pc, pr = float(view.input("policy_chosen")), float(view.input("policy_rejected"))
    rc, rr = float(view.input("ref_chosen")), float(view.input("ref_rejected"))
    beta, eps = view.param("beta"), view.param("label_smoothing")
    loss_type = view.param("loss_type")
    chosen, rejected = float(view.detail("chosen reward")), float(view.detail("rejected reward"))
    margin = float(view.detail("reward margin"))
    b = num(beta)
    form = _dpo_term(loss_type, "m", "β", "ε" if loss_type in ("sigmoid", "robust") else "0")
    worked = _dpo_term(loss_type, par(margin), b, num(eps))
    return [
        f"policy log π: chosen {num(pc)}, rejected {num(pr)};  reference log π_ref: "
        f"chosen {num(rc)}, rejected {num(rr)};  β = {b}",
        f"reward of chosen   = β·(log π − log π_ref) = {b}·({num(pc)} − {par(rc)}) = "
        f"{num(chosen)}",
        f"reward of rejected = β·(log π − log π_ref) = {b}·({num(pr)} − {par(rr)}) = "
        f"{num(rejected)}",
        f"reward margin m = {num(chosen)} − {par(rejected)} = β·z = {num(margin)}   "
        "(z = (log π_c − log π_r) − (log π_ref,c − log π_ref,r))",
        f"{loss_type}: ℓ = {form}",
        f"ℓ = {worked} = {num(view.term)}",
    ]


@derivation("simpo")
def simpo(view: TermView) -> list[str]:
    """Average log-probabilities, the reward margin β·Δ, then −log σ(β·Δ − γ)."""
    c, r = float(view.input("chosen")), float(view.input("rejected"))
    lc, lr = float(view.input("chosen_length")), float(view.input("rejected_length"))
    beta, gamma = view.param("beta"), view.param("gamma")
    avg_c, avg_r = float(view.detail("avg chosen")), float(view.detail("avg rejected"))
    margin = float(view.detail("reward margin"))
    return [
        f"chosen: log π = {num(c)} over {num(lc)} tokens, average {num(avg_c)};  rejected: "
        f"log π = {num(r)} over {num(lr)} tokens, average {num(avg_r)}",
        f"reward margin = β·({num(avg_c)} − {par(avg_r)}) with β = {num(beta)}: {num(margin)}",
        f"ℓ = −log σ({num(margin)} − {par(gamma)}) (γ = {num(gamma)}) = {num(view.term)}",
    ]


@derivation("orpo")
def orpo(view: TermView) -> list[str]:
    """log odds = (c − r) − (log(1 − eᶜ) − log(1 − eʳ)), then −β·log σ(log odds)."""
    c, r = float(view.input("chosen")), float(view.input("rejected"))
    log_odds, beta = float(view.detail("log odds")), view.param("beta")
    return [
        f"average log-probabilities: chosen c = {num(c)}, rejected r = {num(r)}",
        f"log odds = log(p_c/(1 − p_c)) − log(p_r/(1 − p_r)) = ({num(c)} − {par(r)}) − "
        f"(log(1 − e^{par(c)}) − log(1 − e^{par(r)})) = {num(log_odds)}",
        f"ℓ = −β·log σ({num(log_odds)}) with β = {num(beta)} = {num(view.term)}",
    ]

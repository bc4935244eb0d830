"""The classic mistakes with a loss: its own notes, those its declaration implies, its family's.

Derived pitfalls come from the spec's fields (an input that expects logits, a
probability domain, class indices, ``ignore_index``, class weights), so a loss
declared tomorrow gets them without writing any text here. No torch, no numpy.
"""

from __future__ import annotations

from losscli.core.spec import LossSpec

#: One pitfall per family, for every loss of that family.
FAMILY_PITFALLS = {
    "regression": (
        "'mean' averages over every element, not per sample: for (N, D) inputs the value is "
        "Σ ℓ / (N·D). Use --reduction sum and divide by N yourself for a per-sample mean."
    ),
    "classification": (
        "Logits, probabilities or log-probabilities? Each loss takes exactly one of them (see "
        "Inputs); passing another gives a finite but wrong value, not an error."
    ),
    "margin/ranking": (
        "The margin is in the units of the scores: rescaling the scores (or a temperature) "
        "changes which terms are active."
    ),
    "embedding": (
        "Distances depend on the scale of the embeddings: normalise them first if the method "
        "you follow does."
    ),
    "probabilistic": (
        "Check which argument is on the log scale and in which order the distributions go: "
        "PyTorch's (input, target) order is not always the order of the textbook formula."
    ),
    "detection": (
        "Check the box format: (cx, cy, w, h) or (x, y, w, h) boxes read as corners "
        "(x1, y1, x2, y2) give wrong overlaps, usually without an error."
    ),
    "segmentation": (
        "Libraries differ on whether the prediction is logits or probabilities and where the "
        "smoothing term goes (numerator, denominator, both): match the reference you compare "
        "with."
    ),
    "sequence": (
        "Inputs are usually log-probabilities with time first, (T, N, C): a (N, T, C) tensor "
        "or raw logits give a wrong value."
    ),
    "metric learning": (
        "Positive pairs come from the labels (or the two views): a batch where no two rows "
        "share a label has no positive pair. Check the temperature or scale, and whether "
        "the loss normalises the embeddings or expects them normalised."
    ),
    "preference": (
        "Sum or average? Each input is one log-probability per response, summed over its "
        "tokens or averaged as the loss says; a mix of the two, or logits, gives a finite but "
        "wrong value."
    ),
    "image": (
        "Match --data-range to the pixel values (1 for [0, 1], 255 for 8-bit): the constants "
        "C1 and C2 scale with it, and a wrong range changes SSIM without an error."
    ),
}


def _mentions(notes: tuple[str, ...], *words: str) -> bool:
    text = " ".join(notes).lower()
    return any(word in text for word in words)


def derived(spec: LossSpec) -> list[str]:
    """Pitfalls implied by the declaration's inputs and parameters."""
    out = []
    notes = spec.notes
    for i in spec.inputs:
        if i.expects in ("logits", "class_logits") and not _mentions(notes, "raw logits"):
            act = "softmax" if i.expects == "class_logits" else "sigmoid"
            out.append(
                f"{i.option} takes raw logits: the loss applies the {act} itself. Passing "
                f"probabilities gives a wrong, too flat loss (losscli warns when every value "
                "lies in [0, 1])."
            )
        if i.domain == "prob" and i.name == "pred" and not _mentions(notes, "takes probabilit"):
            out.append(
                f"{i.option} takes probabilities in [0, 1], not logits: apply a sigmoid first, "
                "or use the *-with-logits variant where there is one."
            )
        if i.expects == "logprob" and not _mentions(notes, "takes log-probab"):
            out.append(f"{i.option} takes log-probabilities: apply log_softmax first.")
        if i.kind == "index":
            out.append(
                f"{i.option} holds integer indices: write [0, 2, 1], not [0.0, 2.0, 1.0] or "
                "one-hot rows."
            )
    names = {p.name for p in spec.params}
    if "ignore_index" in names and not _mentions(notes, "ignore"):
        out.append(
            "Targets equal to --ignore-index add no term and are left out of the mean's "
            "denominator; if every target is ignored the mean is 0/0 = NaN."
        )
    if "weight" in names and "Σ w" in spec.reduction_rule and not _mentions(notes, "weight"):
        out.append(
            "Class weights change the mean's denominator: mean = Σ w[yᵢ]·ℓᵢ / Σ w[yᵢ], "
            "not Σ w[yᵢ]·ℓᵢ / N."
        )
    return out


def pitfalls(spec: LossSpec) -> list[str]:
    """The loss's notes, then the derived pitfalls, then its family's (no repeats)."""
    found = [*spec.notes, *derived(spec)]
    for reduction, warning in getattr(spec, "reduction_warnings", {}).items():
        if not _mentions(spec.notes, f"reduction '{reduction}'"):
            found.append(f"--reduction {reduction}: {warning}")
    family = FAMILY_PITFALLS.get(spec.family)
    if family:
        found.append(family)
    return list(dict.fromkeys(found))

"""Worked derivations of the bounding-box losses (iou, giou, diou, ciou).

The steps follow torchvision's geometry: the overlap I, the union U, IoU = I / U,
then each loss's penalty (the enclosing box for giou, the centre distance for diou
and ciou, the aspect-ratio term for ciou).
"""

from __future__ import annotations

from losscli.families._shared.explain import TermView, derivation, num


def _iou(view: TermView) -> tuple[float, list[str]]:
    iou = float(view.detail("IoU"))
    given = view.param("box_format", "xyxy")
    lines = [f"boxes given as {given}, taken as corners (x1, y1, x2, y2)"]
    union = float(view.detail("U"))
    if "I" in view.result.details:
        inter = float(view.detail("I"))
        lines.append(f"I = area of the overlap = {num(inter)}")
        lines.append(f"U = area(pred) + area(target) − I = {num(union)}")
        lines.append(f"IoU = I / U = {num(inter)} / {num(union)} = {num(iou)}")
    else:
        lines.append(f"U = area(pred) + area(target) − I = {num(union)}")
        lines.append(f"IoU = I / U = {num(iou)}")
    return iou, lines


@derivation("iou")
def iou(view: TermView) -> list[str]:
    """linear 1 − IoU, square 1 − IoU², log −ln IoU."""
    value, lines = _iou(view)
    mode = view.param("mode", "linear")
    if mode == "square":
        lines.append(f"ℓ = 1 − IoU² = 1 − {num(value)}² = {num(view.term)}")
    elif mode == "log":
        lines.append(f"ℓ = −ln IoU = −ln {num(value)} = {num(view.term)}   (IoU clamped at eps)")
    else:
        lines.append(f"ℓ = 1 − IoU = 1 − {num(value)} = {num(view.term)}")
    return lines


@derivation("giou")
def giou(view: TermView) -> list[str]:
    """ℓ = 1 − IoU + (C − U)/C, C the area of the smallest enclosing box."""
    value, lines = _iou(view)
    area_c, union = float(view.detail("C")), float(view.detail("U"))
    penalty = float(view.detail("(C−U)/C"))
    return lines + [
        f"C = area of the smallest box enclosing both = {num(area_c)}",
        f"penalty (C − U)/C = ({num(area_c)} − {num(union)}) / {num(area_c)} = {num(penalty)}",
        f"ℓ = 1 − IoU + (C − U)/C = 1 − {num(value)} + {num(penalty)} = {num(view.term)}",
    ]


def _distance(view: TermView) -> tuple[float, list[str]]:
    ratio = float(view.detail("ρ²/c²"))
    if "ρ²" not in view.result.details:
        return ratio, [f"ρ²/c² = (centre distance)² / (enclosing diagonal)² = {num(ratio)}"]
    rho, diag = float(view.detail("ρ²")), float(view.detail("c²"))
    return ratio, [
        f"ρ² = squared distance between the box centres = {num(rho)}",
        f"c² = squared diagonal of the enclosing box = {num(diag)}",
        f"ρ²/c² = {num(rho)} / {num(diag)} = {num(ratio)}",
    ]


@derivation("diou")
def diou(view: TermView) -> list[str]:
    """ℓ = 1 − IoU + ρ²/c²."""
    value, lines = _iou_only(view)
    ratio, more = _distance(view)
    return lines + more + [
        f"ℓ = 1 − IoU + ρ²/c² = 1 − {num(value)} + {num(ratio)} = {num(view.term)}"
    ]


@derivation("ciou")
def ciou(view: TermView) -> list[str]:
    """ℓ = 1 − IoU + ρ²/c² + α·v."""
    value, lines = _iou_only(view)
    ratio, more = _distance(view)
    v, alpha = float(view.detail("v")), float(view.detail("α"))
    return lines + more + [
        f"v = 4/π²·(atan(w_t/h_t) − atan(w_p/h_p))² = {num(v)}",
        f"α = v / (1 − IoU + v) = {num(alpha)}",
        f"ℓ = 1 − IoU + ρ²/c² + α·v = 1 − {num(value)} + {num(ratio)} + {num(alpha)} × {num(v)} "
        f"= {num(view.term)}",
    ]


def _iou_only(view: TermView) -> tuple[float, list[str]]:
    """IoU alone (diou and ciou do not keep I and U)."""
    if "U" in view.result.details:
        return _iou(view)
    value = float(view.detail("IoU"))
    return value, [f"IoU = overlap / union = {num(value)}"]

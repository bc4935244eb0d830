"""``losscli explain LOSS``: everything about a loss, generated from its declaration.

Formula, inputs (shape, dtype kind, domain), parameters (default, range, effect),
reductions, pitfalls, references and a ready-to-run example. Where a declaration
leaves something out, the text is derived from its other fields (the PyTorch page
from the class-name alias, an example from random valid inputs). No torch.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from losscli.core.spec import DOMAINS, REDUCTIONS, InputSpec, LossSpec, ParamSpec
from losscli.core.text import example_command
from losscli.engine.conventions import explain_lines
from losscli.tools.explain.pitfalls import pitfalls

_KINDS = {
    "float": "floating point",
    "index": "integers (indices)",
    "float_or_index": "integers (indices) or floating point",
}
_GENERIC_REDUCTIONS = {
    "mean": "Σ ℓᵢ / n, the average of the n terms",
    "sum": "Σ ℓᵢ, the sum of the terms",
    "none": "the terms themselves, unreduced",
    "batchmean": "Σ ℓᵢ / N, N the batch size (the first dimension)",
}

_DEFAULT_RULE = LossSpec.__dataclass_fields__["reduction_rule"].default


@dataclass
class Section:
    title: str
    lines: list[str]


def explanation(spec: LossSpec) -> list[Section]:
    """The sections of ``losscli explain`` for ``spec``."""
    head = [spec.summary, f"family: {spec.family}"]
    if spec.aliases:
        head.append("also called: " + ", ".join(spec.aliases))
    if not spec.differentiable:
        head.append("not differentiable: --grad computes no gradients")
    return [
        Section(spec.name, head),
        Section("Formula", [spec.formula]),
        Section("Inputs", [line for i in spec.inputs for line in _input(i)]),
        Section("Parameters", [line for p in spec.params for line in _param(p)] or ["none"]),
        Section("Reductions (--reduction, default mean)", _reductions(spec)),
        Section("Pitfalls", [f"• {text}" for text in pitfalls(spec)]),
        Section("References", [f"• {ref}" for ref in references(spec)] or ["none recorded"]),
        Section("Example", example(spec)),
        *([Section("Conventions (--convention NAME)", explain_lines(spec))] if spec.conventions
          else []),
    ]


def _input(i: InputSpec) -> list[str]:
    flags = ", ".join(i.option_names) + ("" if i.required else "  (optional)")
    facts = [f"shape {i.shape}", _KINDS.get(i.kind, i.kind)]
    if i.kind != "index":
        facts.append(DOMAINS.get(i.domain, i.domain))
    if i.expects in ("logits", "class_logits"):
        facts.append("raw logits expected")
    elif i.expects == "logprob":
        facts.append("log-probabilities expected")
    return [flags, f"    {i.help}", "    " + " · ".join(facts)]


def _param(p: ParamSpec) -> list[str]:
    if p.type == "tensor":
        default = "unset" if p.default is None else str(p.default)
    else:
        default = "unset" if p.default is None else repr(p.default)
    facts = [p.type, f"default {default}"]
    if p.minimum is not None:
        facts.append(f"{'>' if p.exclusive_minimum else '≥'} {p.minimum:g}")
    if p.maximum is not None:
        facts.append(f"≤ {p.maximum:g}")
    if p.choices:
        facts.append("one of " + ", ".join(map(str, p.choices)))
    return [f"{p.option}  ({', '.join(facts)})", f"    {p.help}"]


def reduction_texts(spec: LossSpec) -> dict[str, str]:
    """Each reduction's rule: from the declaration's ``reduction_rule``, else generic."""
    known = (*REDUCTIONS, "batchmean")
    parsed: dict[str, str] = {}
    current = None
    for part in spec.reduction_rule.split("; "):
        name, sep, text = part.partition(":")
        if sep and name.strip() in known:
            current = name.strip()
            parsed[current] = text.strip()
        elif current is not None:
            parsed[current] += "; " + part.strip()
    if spec.reduction_rule == _DEFAULT_RULE:
        parsed = {}
    return {r: parsed.get(r) or _GENERIC_REDUCTIONS.get(r, r) for r in spec.reductions}


def _reductions(spec: LossSpec) -> list[str]:
    return [f"{name}\t{text}" for name, text in reduction_texts(spec).items()]


def references(spec: LossSpec) -> list[str]:
    """The declared references, or the PyTorch page named by a ``...Loss`` class alias."""
    if spec.references:
        return list(spec.references)
    return [
        f"https://pytorch.org/docs/stable/generated/torch.nn.{alias}.html"
        for alias in spec.aliases
        if alias.endswith("Loss") and alias[:1].isupper()
    ][:1]


def example(spec: LossSpec) -> list[str]:
    """A ready-to-run command (the declared example, or one from random valid inputs)."""
    if spec.example:
        command = example_command(spec)
    else:
        from losscli.tools.random_inputs import example_values

        values = example_values(spec)
        if values is None:
            return [f"see: losscli {spec.name} --help"]
        args = " ".join(f"{spec.input(k).option} '{json.dumps(v)}'" for k, v in values.items())
        command = f"losscli {spec.name} {args}"
    lines = [
        command,
        "add --explain to see the first terms worked out with these numbers, --grad for "
        "gradients, --emit python for a PyTorch snippet",
    ]
    from losscli.tools.plot.axes import axes_of

    axes = axes_of(spec)
    if axes:
        lines.append(f"losscli plot {spec.name} --x {axes[0].name}")
    return lines


def render_explanation(spec: LossSpec, console=None) -> None:
    """Print the explanation with rich (headings bold, the example in green).

    Laid out for :func:`losscli.render.layout.output_width`; every text as written.
    """
    from losscli.render.layout import output_width
    from losscli.render.table import make_console

    console = console or make_console(output_width())
    with console.capture() as captured:
        _print_sections(console, explanation(spec))
    # rich pads wrapped lines to the full width: drop the trailing blanks
    print("\n".join(line.rstrip() for line in captured.get().splitlines()))


def _print_sections(console, sections: list[Section]) -> None:
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    for number, section in enumerate(sections):
        if number == 0:
            console.print(Text.assemble((section.title, "bold cyan"), "  ", section.lines[0]))
            for line in section.lines[1:]:
                console.print(Text(line, style="dim"))
            continue
        console.print()
        console.print(Text(section.title, style="bold"))
        for line in section.lines:
            if line.startswith("losscli "):  # a command: never wrapped, so it pastes whole
                console.print(Text("  " + line, style="green"), soft_wrap=True)
                continue
            text = line.lstrip(" ")
            body: Text | Table = Text(text)
            if text.startswith("• ") or "\t" in text:  # bullets, name<TAB>text: hanging indent
                head, _, rest = text.partition(" " if text.startswith("• ") else "\t")
                grid = Table.grid(padding=(0, 2 if "\t" in text else 1))
                grid.add_column(min_width=0 if text.startswith("• ") else 9)
                grid.add_row(Text(head), Text(rest))
                body = grid
            console.print(Padding(body, (0, 0, 0, 2 + len(line) - len(text)), expand=False))


def explanation_dict(spec: LossSpec) -> dict:
    """The explanation as data (``losscli explain LOSS --json``)."""
    return {
        "name": spec.name,
        "summary": spec.summary,
        "family": spec.family,
        "aliases": list(spec.aliases),
        "formula": spec.formula,
        "inputs": spec.to_dict()["inputs"],
        "params": spec.to_dict()["params"],
        "reductions": reduction_texts(spec),
        "pitfalls": pitfalls(spec),
        "references": references(spec),
        "example": example(spec)[0],
        "conventions": [c.to_dict() for c in spec.conventions],
    }

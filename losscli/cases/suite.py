"""Run case files in one process and collect the outcomes (``losscli check``).

Each case goes through the same path as a loss command
(:func:`losscli.engine.pipeline.evaluate`); its value, terms and gradients are compared
with the case's ``expect`` as ``--expect`` does: elementwise,
``|got − expected| <= atol + rtol·|expected|``.

Statuses: ``passed``; ``failed`` (a comparison differs); ``missing`` (no ``expect``);
``error`` (an invalid case: exit 2); ``updated`` (``--update`` wrote the computed value).
"""

from __future__ import annotations

import dataclasses
import pathlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from losscli.cases.case import Case, CaseError, discover, load_file, selected
from losscli.cases.source import escapes, shown
from losscli.core.errors import ExitStatus, InputError, LossCliError
from losscli.core.result import _jsonable
from losscli.core.text import short

STATUSES = ("passed", "failed", "missing", "error", "updated")


@dataclass
class Check:
    """One comparison of a case: ``value``, ``terms`` or ``grad.NAME``."""

    name: str
    expected: Any
    got: Any
    ok: bool
    abs_error: float
    rel_error: float
    message: str = ""
    #: For an array that differs: the index of its worst element.
    worst: tuple[int, ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"check": self.name, "ok": self.ok, "expected": plain(self.expected),
                "got": plain(self.got), "abs_error": _finite(self.abs_error),
                "rel_error": _finite(self.rel_error)}


@dataclass
class Outcome:
    """What happened to one case (or to a case file that could not be read)."""

    path: str
    name: str | None
    loss: str
    status: str
    checks: list[Check] = field(default_factory=list)
    got: Any = None
    message: str = ""
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    case: Case | None = None
    field: str | None = None
    #: The case file and the case's position in its list (for line numbers in reports).
    file: pathlib.Path | None = None
    index: int | None = None

    @property
    def id(self) -> str:
        return f"{self.path}::{self.name}" if self.name else self.path

    @property
    def ok(self) -> bool:
        return self.status in ("passed", "updated")

    @property
    def headline(self) -> Check | None:
        """The check shown in a summary row: the first failing one, else the first."""
        return next((c for c in self.checks if not c.ok), self.checks[0] if self.checks else None)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "file": self.path, "case": self.name,
                               "loss": self.loss, "status": self.status}
        head = self.headline
        out["expected"] = plain(head.expected) if head else None
        out["got"] = plain(self.got)
        out["abs_error"] = _finite(max((c.abs_error for c in self.checks), default=0.0))
        out["rel_error"] = _finite(max((c.rel_error for c in self.checks), default=0.0))
        out["checks"] = [c.to_dict() for c in self.checks]
        out["message"] = self.message
        if self.field:
            out["field"] = self.field
        out["warnings"] = self.warnings
        out["seconds"] = round(self.seconds, 6)
        return out


@dataclass
class Report:
    """All outcomes of a ``check`` run."""

    outcomes: list[Outcome]
    seconds: float = 0.0
    not_run: int = 0
    skipped_files: list[str] = field(default_factory=list)
    updates: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def exit_status(self) -> ExitStatus:
        if self.count("error"):
            return ExitStatus.INPUT_ERROR
        if self.count("failed") or self.count("missing"):
            return ExitStatus.MISMATCH
        return ExitStatus.OK

    def totals(self) -> str:
        """E.g. ``9 cases: 8 passed, 1 failed in 0.05 s (5.6 ms per case)``."""
        done = len(self.outcomes)
        parts = [f"{self.count(s)} {s}" for s in STATUSES if self.count(s)]
        per_case = f" ({1000 * self.seconds / done:.2g} ms per case)" if done else ""
        text = f"{done} case{'s' * (done != 1)}: {', '.join(parts) or 'none'} " \
               f"in {self.seconds:.2f} s{per_case}"
        if self.not_run:
            text += f"; stopped at the first failure ({self.not_run} not run)"
        if self.skipped_files:
            text += f"; {len(self.skipped_files)} file(s) without cases skipped"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "summary": {
                "total": len(self.outcomes),
                **{status: self.count(status) for status in STATUSES},
                "not_run": self.not_run,
                "seconds": round(self.seconds, 6),
                "exit_status": int(self.exit_status),
            },
            "cases": [o.to_dict() for o in self.outcomes],
            "updates": self.updates,
            "skipped_files": self.skipped_files,
        }


# --------------------------------------------------------------------------- collection


def collect(paths: Iterable[str], patterns: Iterable[str] = (),
            allow: Iterable[str | pathlib.Path] = ()) -> tuple[list, list[str]]:
    """Cases (or their errors) under ``paths`` selected by ``patterns``; skipped files.

    An unreadable file gives one :class:`CaseError` in place of its cases. A case file's
    ``@PATH`` references stay inside the directory it was found in (the file's folder for
    a file or glob) or one of the ``allow`` folders; so does a file found in a directory
    (a symbolic link out of it is an error).
    """
    patterns = list(patterns)
    allow = tuple(map(pathlib.Path, allow))
    entries: list[Case | CaseError] = []
    skipped: list[str] = []
    for path, named, root, searched in discover(paths):
        roots = (root, *allow)
        try:
            if searched and escapes(path, roots):
                raise CaseError(path, "the file is a link to a place outside the folder being "
                                      "checked (allow it with --allow-path DIR)")
            found = load_file(path, named=named, roots=roots)
        except CaseError as error:
            found = [error]
        if not found:
            skipped.append(shown(path))
        entries += [e for e in found
                    if selected(e.case if isinstance(e, CaseError) else e.name, patterns)]
    if not entries:
        where = ", ".join(repr(shown(p)) for p in paths)
        only = f" matching -k {' or '.join(repr(shown(p)) for p in patterns)}" if patterns else ""
        raise InputError(f"no cases{only} found in {where}", argument="PATH")
    return entries, skipped


# --------------------------------------------------------------------------- one case


def evaluate_case(case: Case):
    """Compute ``case`` and compare it: (Result, checks). Invalid input raises CaseError.

    The value's comparison is also stored on the result (``result.expect``), so the
    result renders like a direct call with ``--expect``.
    """
    from losscli.engine.pipeline import evaluate

    try:
        result = evaluate(case.spec, case.values, reduction=case.reduction, dtype=case.dtype,
                          grad=case.grad, strict=case.strict)
        if case.impl is not None:  # the value and gradients of the implementation under test
            from losscli.tools.compare import implementation_result

            result = implementation_result(case, result)
    except LossCliError as exc:
        raise case.error(exc.message, case.field_of(exc.argument)) from None
    checks = []
    for name, want in case.expect.items() if case.expect else ():
        check, expectation = compare(result, name, want, case)
        if name == "value" and expectation is not None:
            result.expect = expectation
        checks.append(check)
    return result, checks


def actual(result, name: str) -> Any:
    """The computed counterpart of a check: the value, the terms or one gradient."""
    if name == "value":
        return result.value
    if name == "terms":
        return result.terms
    return result.grads.get(name.partition(".")[2])


def compare(result, name: str, want: np.ndarray, case: Case):
    """(Check, Expectation or None) for one part of ``expect``."""
    got = actual(result, name)
    if got is None:
        why = (f"{case.spec.name} is not differentiable" if not case.spec.differentiable
               else "no gradient is computed for it (an integer input?)")
        return Check(name, want, None, False, np.inf, np.inf, f"{name}: {why}"), None
    probe = dataclasses.replace(result, value=got, expect=None)
    try:
        expectation = probe.compare(want, rtol=case.rtol, atol=case.atol)
    except InputError:
        message = (f"{name}: expected shape {list(np.shape(want))} but got shape "
                   f"{list(np.shape(got))}")
        return Check(name, want, got, False, np.inf, np.inf, message), None
    check = Check(name, want, got, expectation.ok, expectation.abs_error,
                  expectation.rel_error)
    if not check.ok:
        check.message = _mismatch(check, case)
    return check, expectation


def _mismatch(check: Check, case: Case) -> str:
    """Why ``check`` failed, naming its worst element (also kept in ``check.worst``)."""
    got = np.asarray(check.got, dtype=np.float64)
    want = np.asarray(check.expected, dtype=np.float64)
    errors = (f"abs error {check.abs_error:.3g}, rel error {check.rel_error:.3g}; "
              f"rtol {case.rtol:g}, atol {case.atol:g}")
    if got.ndim == 0 and want.ndim == 0:
        return f"{check.name} {got.item():.8g} differs from expected {want.item():.8g} ({errors})"
    got, want = np.broadcast_arrays(got, want)
    with np.errstate(invalid="ignore"):
        gap = np.where(np.isnan(got) != np.isnan(want), np.inf, np.abs(got - want))
    where = tuple(int(i) for i in np.unravel_index(int(np.nanargmax(gap)), gap.shape))
    check.worst = where
    index = "".join(f"[{i}]" for i in where)
    return (f"{check.name}{index} = {got[where]:.8g} differs from expected {want[where]:.8g} "
            f"({errors}; worst of {got.size} elements)")


def run_case(case: Case) -> Outcome:
    """Compute and compare one case; an invalid case gives an ``error`` outcome."""
    start = time.perf_counter()
    try:
        result, checks = evaluate_case(case)
    except CaseError as error:
        return error_outcome(error, case, time.perf_counter() - start)
    outcome = Outcome(shown(case.path), shown(case.name), case.spec.name, "passed", checks,
                      got=result.value, warnings=[shown(w) for w in result.warnings], case=case,
                      file=case.path, index=case.index)
    if case.expect is None:
        outcome.status = "missing"
        outcome.message = (f"no expect; the computed value is {short(result.value)} "
                           "('losscli check --update' records it)")
    elif not all(c.ok for c in checks):
        outcome.status = "failed"
        outcome.message = "; ".join(c.message for c in checks if not c.ok)
    outcome.seconds = time.perf_counter() - start
    return outcome


def error_outcome(error: CaseError, case: Case | None = None, seconds: float = 0.0) -> Outcome:
    return Outcome(error.path, error.case, case.spec.name if case else "", "error",
                   message=shown(str(error)), seconds=seconds, case=case, field=error.field,
                   file=error.file, index=case.index if case else error.index)


# --------------------------------------------------------------------------- the suite


def run_suite(
    entries: list,
    *,
    fail_fast: bool = False,
    update: bool = False,
    on_case: Callable[[Outcome], None] | None = None,
) -> Report:
    """Run the collected ``entries`` (cases and case errors) in order."""
    start = time.perf_counter()
    outcomes: list[Outcome] = []
    for position, entry in enumerate(entries):
        outcome = run_case(entry) if isinstance(entry, Case) else error_outcome(entry)
        outcomes.append(outcome)
        if on_case is not None:
            on_case(outcome)
        if fail_fast and not outcome.ok and not (update and outcome.status != "error"):
            report = Report(outcomes, not_run=len(entries) - position - 1)
            break
    else:
        report = Report(outcomes)
    if update:
        from losscli.cases.update import update_outcomes

        report.updates = update_outcomes(outcomes)
    report.seconds = time.perf_counter() - start
    return report


def plain(value: Any) -> Any:
    """JSON-ready data: floats and nested lists, NaN and ±inf as null."""
    return None if value is None else _jsonable(np.asarray(value, dtype=np.float64))


def _finite(number: float) -> float | None:
    return _jsonable(float(number))

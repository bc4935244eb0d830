"""JUnit XML of a ``losscli check`` report, the format CI systems display as test results.

One ``<testsuite>`` per case file and one ``<testcase>`` per case (``classname`` is the
file, ``name`` the case): a failed comparison or a case without ``expect`` is a
``<failure>``, an invalid case an ``<error>``; what ``--update`` wrote goes to
``<system-out>``. The layout follows the schema that Jenkins, GitLab and GitHub
reporters read (https://github.com/testmoapp/junitxml).
"""

from __future__ import annotations

import pathlib
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

from losscli.core.errors import InputError


def junit_xml(report) -> bytes:
    """The report as a JUnit XML document."""
    root = ET.Element("testsuites", name="losscli check")
    _counts(root, report.outcomes)
    files: dict[str, list] = {}
    for outcome in report.outcomes:
        files.setdefault(outcome.path, []).append(outcome)
    stamp = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    for path, outcomes in files.items():
        suite = ET.SubElement(root, "testsuite", name=path, timestamp=stamp)
        _counts(suite, outcomes)
        for outcome in outcomes:
            _testcase(suite, outcome)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _counts(element: ET.Element, outcomes: list) -> None:
    element.set("tests", str(len(outcomes)))
    element.set("failures", str(sum(o.status in ("failed", "missing") for o in outcomes)))
    element.set("errors", str(sum(o.status == "error" for o in outcomes)))
    element.set("skipped", "0")
    element.set("time", f"{sum(o.seconds for o in outcomes):.6f}")


def _testcase(suite: ET.Element, outcome) -> None:
    case = ET.SubElement(suite, "testcase", classname=outcome.path,
                         name=outcome.name or pathlib.Path(outcome.path).name,
                         file=outcome.path, time=f"{outcome.seconds:.6f}")
    if outcome.status == "error":
        error = ET.SubElement(case, "error", message=outcome.message, type="InvalidCase")
        error.text = outcome.message
    elif outcome.status in ("failed", "missing"):
        kind = "Mismatch" if outcome.status == "failed" else "MissingExpect"
        failure = ET.SubElement(case, "failure", message=outcome.message, type=kind)
        failure.text = "\n".join(
            [f"loss: {outcome.loss}"]
            + [f"{c.name}: ok" if c.ok else c.message for c in outcome.checks]
            + ([outcome.message] if outcome.status == "missing" else [])
        )
    elif outcome.status == "updated":
        ET.SubElement(case, "system-out").text = "expect updated to the computed value"
    if outcome.warnings:
        ET.SubElement(case, "system-err").text = "\n".join(
            f"warning: {w}" for w in outcome.warnings)


def write_junit(report, path: str) -> None:
    """Write the JUnit XML to ``path`` (an unwritable path is an input error)."""
    try:
        pathlib.Path(path).write_bytes(junit_xml(report))
    except OSError as exc:
        raise InputError(f"cannot write {path!r}: {exc.strerror or exc}",
                         argument="--junit") from None

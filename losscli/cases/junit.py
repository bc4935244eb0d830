"""JUnit XML of a ``losscli check`` report, the format CI systems display as test results.

One ``<testsuite>`` per case file and one ``<testcase>`` per case (``classname`` is the
file, ``name`` the case): a failed comparison or a case without ``expect`` is a
``<failure>``, an invalid case an ``<error>``; what ``--update`` wrote goes to
``<system-out>``. The layout follows the schema that Jenkins, GitLab and GitHub
reporters read (https://github.com/testmoapp/junitxml).

Every text is made representable in XML 1.0 first: characters XML forbids (control
characters other than tab and newlines, lone surrogates, U+FFFE/U+FFFF) are written as
escapes such as ``\x1b`` or ``\udcff``, so the document always parses. It is written
atomically (:func:`losscli.core.atomic.write_atomic`).
"""

from __future__ import annotations

import pathlib
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

from losscli.core.atomic import write_atomic

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """``text`` with the characters XML 1.0 cannot hold written as escapes (``\\x01``)."""
    return _NOT_XML.sub(lambda match: repr(match.group())[1:-1], str(text))


def junit_xml(report) -> bytes:
    """The report as a JUnit XML document (always well-formed)."""
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
    for element in root.iter():
        element.attrib = {key: xml_text(value) for key, value in element.attrib.items()}
        if element.text:
            element.text = xml_text(element.text)
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
    """Write the JUnit XML to ``path`` atomically (an unwritable path is an input error)."""
    write_atomic(path, junit_xml(report), argument="--junit")

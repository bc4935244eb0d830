"""pytest plugin: losscli case files become test items.

Installed with losscli (entry point ``pytest11: losscli``), it collects files whose
name matches the ini option ``losscli_cases`` (default ``*.loss.yaml``; several
patterns may be given, separated by spaces) and reports each case as one test named
after the case. A failing case shows which comparison differs and by how much; an
invalid case shows the file, case and field at fault; a file that cannot be read at all
(not YAML, an alias bomb, an integer too long to convert) is one clean collection
error. ``@PATH`` references in case files may read files inside pytest's rootdir (and the
case file's folder) only. Disable the plugin with ``-p no:losscli``.

Configure the patterns in ``pytest.ini``/``pyproject.toml``::

    [tool.pytest.ini_options]
    losscli_cases = ["*.loss.yaml", "*.loss.json"]

Importing this module is cheap: torch is imported when the first case runs.
"""

from __future__ import annotations

import fnmatch

import pytest

INI_OPTION = "losscli_cases"
DEFAULT_PATTERNS = ("*.loss.yaml",)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        INI_OPTION,
        type="args",
        default=list(DEFAULT_PATTERNS),
        help="file name patterns of losscli case files collected as tests "
             f"(default: {' '.join(DEFAULT_PATTERNS)})",
    )


def pytest_collect_file(file_path, parent):
    patterns = parent.config.getini(INI_OPTION)
    if any(fnmatch.fnmatch(file_path.name, pattern) for pattern in patterns):
        return CaseFile.from_parent(parent, path=file_path)
    return None


class CaseFile(pytest.File):
    """A case file: one item per case."""

    def collect(self):
        from losscli.cases.case import CaseError, load_file

        roots = (self.config.rootpath, self.path.parent)
        try:
            entries = load_file(self.path, roots=roots)
        except CaseError as error:
            raise self.CollectError(f"invalid losscli case file: {error}") from None
        for entry in entries:
            if isinstance(entry, CaseError):
                yield InvalidCaseItem.from_parent(self, name=entry.case or self.path.name,
                                                  error=entry)
            else:
                yield CaseItem.from_parent(self, name=entry.name, case=entry)


class CaseFailure(Exception):
    """A case that computed but did not match its ``expect`` (or has none)."""


class CaseItem(pytest.Item):
    """One case: computed and compared when the test runs."""

    def __init__(self, *, case, **kwargs) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        from losscli.cases.suite import run_case

        outcome = run_case(self.case)
        if outcome.status != "passed":
            raise CaseFailure(failure_text(outcome))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, CaseFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.path, None, f"losscli case {self.name!r} ({self.case.spec.name})"


class InvalidCaseItem(pytest.Item):
    """A case that could not be read: fails with the loader's message."""

    def __init__(self, *, error, **kwargs) -> None:
        super().__init__(**kwargs)
        self.error = error

    def runtest(self) -> None:
        raise CaseFailure(f"invalid case: {self.error}")

    def repr_failure(self, excinfo, style=None):
        return str(excinfo.value)

    def reportinfo(self):
        return self.path, None, f"losscli case {self.name!r} (invalid)"


def failure_text(outcome) -> str:
    """A readable account of a case that did not pass: the reason first, then the case."""
    case = outcome.case
    lines = [outcome.message,
             f"  case {case.name!r} in {case.path}",
             f"  loss {case.spec.name}, reduction {case.reduction}, dtype {case.dtype}, "
             f"rtol {case.rtol:g}, atol {case.atol:g}"]
    if len(outcome.checks) > 1:
        lines += [f"  {c.name}: ok" if c.ok else f"  {c.message}" for c in outcome.checks]
    lines += [f"  warning: {w}" for w in outcome.warnings]
    return "\n".join(lines)

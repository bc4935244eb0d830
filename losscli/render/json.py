"""``--format json``: one object on stdout, the schema of INTERFACE.md."""

from __future__ import annotations

import json


def dumps(data) -> str:
    """Strict JSON (no NaN/Infinity literals): one top-level key per line, values compact."""
    if not isinstance(data, dict) or not data:
        return _compact(data)
    lines = [f"  {_compact(key)}: {_compact(value)}" for key, value in data.items()]
    return "{\n" + ",\n".join(lines) + "\n}"


def _compact(value) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(", ", ": "))


def render_json(result, *, max_elements: int | None = None, top: int | None = None) -> None:
    """The result; terms beyond ``max_elements`` as a summary with the ``top`` largest."""
    from losscli.core.summary import DEFAULT_TOP

    print(dumps(result.to_dict(max_elements, DEFAULT_TOP if top is None else top)))

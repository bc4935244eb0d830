"""TENSOR text: inline literals, JSON and YAML documents, standard input.

Grammar of the text forms::

    LITERAL := a JSON number or nested JSON array:  0.5   [1, 0, 2]   [[0.8, 0.1], [0.1, 0.9]]
               (NaN, Infinity and -Infinity are accepted, as Python's json module does)
    STDIN   := "-" | "@-"   standard input read as JSON, falling back to YAML
               "@-:KEY"     one entry of a mapping read from standard input

A malformed literal is reported with its position and a hint where one helps
(``did you mean @preds.npy?``, ``did you mean [1, 2]?``, the JSON spelling of NaN).
YAML is read with the safe loader (the C one when available): plain data only,
``!!python/...`` tags are refused. yaml is imported on first use.
"""

from __future__ import annotations

import json
import re
import sys
import typing
import weakref
from collections.abc import Mapping

import numpy

from losscli.core.errors import InputError
from losscli.inputs.limits import max_text_bytes, text_limit_message
from losscli.inputs.messages import (
    clip,
    exception_summary,
    input_error,
    one_line,
    quote,
    snippet,
)
from losscli.inputs.nested import to_array, to_array_with_origin

_LITERAL_STARTS = ("[", "-", "+", ".", "NaN", "Infinity")
_NOT_PATH_STARTS = ("{", "}", "]", '"', ",", ":")
#: Why a number cannot be read (Python converts integers of at most this many digits).
HUGE_INT = (f"an integer has more than {sys.get_int_max_str_digits()} digits; "
             "write it as a float (1e5000)")
_SPELLED_SPECIALS = {"nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}


# --------------------------------------------------------------------------- literals


def _literal_hint(spec: str, json_message: str) -> str:
    """A suggestion appended to a malformed-literal message, or ''."""
    if spec.lower() in _SPELLED_SPECIALS:
        return "; JSON spells these NaN, Infinity and -Infinity"
    if json_message.startswith("Extra data") and "," in spec and spec[:1] in "0123456789-+.":
        return f"; did you mean [{clip(spec, 40)}]?"
    if spec[:1].isdigit() or spec.startswith(_LITERAL_STARTS + _NOT_PATH_STARTS):
        return ""
    return f"; did you mean @{clip(spec, 60)}?"


def parse_literal(spec: str, argument: str) -> numpy.ndarray:
    """Parse a JSON number or nested array."""
    try:
        data = json.loads(spec)
    except json.JSONDecodeError as exc:
        problem = exc.msg[:1].lower() + exc.msg[1:]
        where = f"at character {exc.pos} of {snippet(spec, exc.pos)}"
        hint = _literal_hint(spec, exc.msg)
        message = f"not a valid TENSOR literal: {problem} {where}{hint}"
        raise input_error(argument, message) from None
    except RecursionError:
        raise input_error(argument, "not a valid TENSOR literal: nested too deeply") from None
    except ValueError:  # Python refuses to convert integers of more than 4300 digits
        raise input_error(argument, f"not a valid TENSOR literal: {HUGE_INT}") from None
    return to_array(data, argument=argument)


# --------------------------------------------------------------------------- documents


def _yaml_problem(exc: Exception) -> str:
    """One-line description of a YAML error with its position, never quoting the text
    (longer quoted parts of the problem, such as an alias name, are left out)."""
    problem = one_line(str(getattr(exc, "problem", None) or "malformed document"), 120)
    problem = re.sub(r"'[^']{4,}'", "(...)", problem)
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is not None:
        return f"{problem} at line {mark.line + 1} column {mark.column + 1}"
    return problem


def parse_yaml(text: str, name: str, argument: str) -> object:
    """``yaml.safe_load`` (C loader when available); python tags are refused.

    ``name`` says where ``text`` came from in messages; errors are
    :class:`InputError` for ``argument``.
    """
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)  # a safe loader: plain data only
    except yaml.constructor.ConstructorError as exc:
        tag = re.search(r"tag '([^']*)'", str(exc.problem))
        if tag:
            # the kind of a standard tag (!!python/object), never the name that follows it
            known = re.match(r"tag:yaml\.org,2002:([\w/]+)", tag.group(1))
            shown = f"YAML tag {quote('!!' + known.group(1), 40)}" if known else "a YAML tag"
            raise input_error(argument, f"{shown} in {name} is not allowed; "
                              "only plain data is read") from None
        raise input_error(argument, f"{name} is not valid YAML: {_yaml_problem(exc)}") from None
    except yaml.YAMLError as exc:
        raise input_error(argument, f"{name} is not valid YAML: {_yaml_problem(exc)}") from None
    except RecursionError:
        raise input_error(argument, f"{name} is nested too deeply") from None
    except ValueError:  # an integer of more than 4300 digits
        raise input_error(argument, f"{name} is not valid: {HUGE_INT}") from None


def parse_json(text: str, name: str, argument: str) -> object:
    """``json.loads`` with a one-line, positioned error message.

    ``name`` says where ``text`` came from in messages; errors are
    :class:`InputError` for ``argument``.
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        message = exc.msg[:1].lower() + exc.msg[1:]
        raise input_error(argument, f"{name} is not valid JSON: {message} "
                          f"at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise input_error(argument, f"{name} is nested too deeply") from None
    except ValueError:  # an integer of more than 4300 digits
        raise input_error(argument, f"{name} holds a value that cannot be read: {HUGE_INT}") \
            from None


def _parse_json_or_yaml(text: str, name: str, argument: str) -> object:
    """Parse JSON, falling back to YAML; report the error of the likelier format."""
    try:
        return json.loads(text)
    except RecursionError:
        raise input_error(argument, f"{name} is nested too deeply") from None
    except json.JSONDecodeError:
        pass
    except ValueError:  # an integer of more than 4300 digits
        raise input_error(argument, f"{name} holds a value that cannot be read: {HUGE_INT}") \
            from None
    if not text.lstrip().startswith(("[", "{")):
        return parse_yaml(text, name, argument)
    try:
        return parse_yaml(text, name, argument)
    except InputError:
        parse_json(text, name, argument)  # JSON-looking text: raise the clearer JSON error
        raise


# --------------------------------------------------------------------------- stdin


_STDIN_USERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
"""The argument that read each standard-input stream: it can be read only once."""


def _claim(stream: typing.Any, argument: str) -> None:
    """Record that ``argument`` reads ``stream``; refuse a second reader."""
    try:
        previous = _STDIN_USERS.get(stream)
        _STDIN_USERS[stream] = argument
    except TypeError:  # a stream without weak references is not tracked
        return
    if previous is not None:
        raise input_error(argument, f"standard input is already used by {previous}; "
                          "give this TENSOR as a literal or @PATH")


def _read_limited(stream: typing.Any, limit: int) -> bytes | str:
    """At most ``limit + 1`` bytes (or characters) of ``stream``: bytes when it has them."""
    binary = getattr(stream, "buffer", None)
    if binary is not None and hasattr(binary, "read"):
        return binary.read(limit + 1)
    return stream.read(limit + 1)


def _read_stream(stream: typing.TextIO | None, argument: str) -> str:
    """The text of standard input (or the given stream), at most :func:`max_text_bytes`."""
    if stream is None:
        raise input_error(argument, "no standard input is available")
    try:
        if stream.isatty():
            raise input_error(argument, "standard input is a terminal; pipe a TENSOR into it")
    except (AttributeError, ValueError, OSError):
        pass
    _claim(stream, argument)
    limit = max_text_bytes()
    try:
        text = _read_limited(stream, limit)
    except UnicodeError:
        raise input_error(argument, "standard input is not valid UTF-8 text") from None
    except (OSError, ValueError) as exc:
        raise input_error(argument, "cannot read standard input: "
                          f"{exception_summary(exc)}") from None
    if len(text) > limit:
        raise input_error(argument, text_limit_message("standard input"))
    try:
        if isinstance(text, str):
            text.encode("utf-8")  # undecodable bytes read as lone surrogates
            return text.removeprefix("\ufeff")
        return bytes(text).decode("utf-8-sig")
    except UnicodeError:
        raise input_error(argument, "standard input is not valid UTF-8 text") from None


def stdin_data(stdin: typing.TextIO | None, argument: str) -> object:
    """The JSON or YAML document on ``stdin`` (default: :data:`sys.stdin`)."""
    text = _read_stream(stdin if stdin is not None else sys.stdin, argument)
    if not text.strip():
        raise input_error(argument, "standard input is empty")
    return _parse_json_or_yaml(text, "standard input", argument)


def load_stdin(stdin: typing.TextIO | None, argument: str) -> numpy.ndarray:
    """Read a TENSOR as JSON or YAML from ``stdin`` (default: :data:`sys.stdin`)."""
    data = stdin_data(stdin, argument)
    if isinstance(data, Mapping):
        raise input_error(argument, "standard input holds a mapping, expected a number or a "
                          "nested list; pick an entry with @-:KEY")
    return to_array_with_origin(data, "standard input", argument)

"""Parse TENSOR arguments (``--pred``, ``--target``, ...) into NumPy arrays.

Grammar of one TENSOR argument::

    TENSOR  := LITERAL | "@" PATH [":" KEY] | "-" | "@-"
    LITERAL := a JSON number or nested JSON array:  0.5   [1, 0, 2]   [[0.8, 0.1], [0.1, 0.9]]
    PATH    := a file name, relative to ``base_dir``, read by its extension
    KEY     := NAME ("." NAME)*   one entry of a file that holds a mapping
    "-", "@-"                     standard input, read as JSON, falling back to YAML
    "@-:" KEY                     one entry of a mapping read from standard input

Each part lives in its own module:

    :mod:`~losscli.inputs.text`      literals, JSON and YAML text, standard input
    :mod:`~losscli.inputs.files`     ``@PATH[:KEY]``: finding the file, the split at ``:``
    :mod:`~losscli.inputs.source`    the named file and the KEY walked into its content
    :mod:`~losscli.inputs.readers`   one reader per extension, never unpickling
    :mod:`~losscli.inputs.nested`    loaded data -> checked array: leaves, shape, dtype
    :mod:`~losscli.inputs.messages`  the one-line error messages

Every user error raises :class:`losscli.core.errors.InputError` with a one-line message.
Nothing is ever evaluated or unpickled. Only numpy is imported at module level: yaml
and torch are imported on first use.
"""

from __future__ import annotations

import pathlib
import typing

import numpy

from losscli.inputs.files import load_file
from losscli.inputs.messages import input_error
from losscli.inputs.nested import MAX_LIST_ELEMENTS, MAX_NDIM, to_array, to_array_with_origin
from losscli.inputs.readers import SUPPORTED_EXTENSIONS
from losscli.inputs.source import Source, select
from losscli.inputs.text import load_stdin, parse_json, parse_literal, parse_yaml, stdin_data

__all__ = [
    "MAX_LIST_ELEMENTS",
    "MAX_NDIM",
    "SUPPORTED_EXTENSIONS",
    "load_tensor",
    "parse_json",
    "parse_yaml",
    "to_array",
]


def load_tensor(
    text: str,
    *,
    argument: str,
    base_dir: pathlib.Path | None = None,
    stdin: typing.TextIO | None = None,
    allowed_roots: typing.Sequence[pathlib.Path] | None = None,
) -> numpy.ndarray:
    """Parse one TENSOR argument (see the module docstring) into a NumPy array.

    ``argument`` names the option in error messages (``--pred``); ``base_dir``
    resolves relative file paths (default: the current directory); ``stdin`` is
    read for ``-``/``@-`` (default: :data:`sys.stdin`). ``allowed_roots``: when given, an
    ``@PATH`` must lie inside one of these folders once symbolic links are resolved (case
    files use it). Scalars give 0-d arrays.
    Every user error raises :class:`InputError` with a one-line message.
    """
    if not isinstance(text, str):
        raise TypeError(f"load_tensor() expects a str, got {type(text).__name__}")
    spec = text.strip()
    if not spec:
        raise input_error(argument, "empty TENSOR; give a number, a JSON array such as "
                          "[1, 0, 2], @PATH, or - for standard input")
    if spec in ("-", "@-"):
        return load_stdin(stdin, argument)
    if spec.startswith("@-:"):
        return _stdin_entry(spec[3:], argument, stdin)
    if spec.startswith("@"):
        return load_file(spec[1:], argument, base_dir, allowed_roots)
    return parse_literal(spec, argument)


def _stdin_entry(key: str, argument: str, stdin: typing.TextIO | None) -> numpy.ndarray:
    """``@-:KEY``: the entry KEY of a mapping read from standard input."""
    if not key.strip():
        raise input_error(argument, "empty KEY after '@-:'")
    src = Source(argument, "-", pathlib.Path("-"), key)
    data = select(stdin_data(stdin, argument), src)
    return to_array_with_origin(data, src.origin, argument)

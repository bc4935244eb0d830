"""The ``@PATH[:KEY]`` form of a TENSOR: finding the file and handing it to its reader.

Grammar::

    FILE := "@" PATH [":" KEY]
    PATH := a file name, relative to ``base_dir`` (default: the current directory);
            a leading ``~`` is expanded

``PATH:KEY`` is split at the last ``:`` only when the part before it is an existing
file, or has a known extension and the whole text is not an existing file, so paths
containing ``:`` still work. KEY is described in :mod:`losscli.inputs.source`, the
readers of each extension in :mod:`losscli.inputs.readers`. A missing file, a
directory, a device, FIFO or socket (after following symlinks), an empty file and an
unknown extension are refused; any other failure of a
reader on odd content is reported as the file's error.
"""

from __future__ import annotations

import os
import pathlib
import stat
import warnings

import numpy

from losscli.core.errors import InputError
from losscli.inputs.messages import clip, exception_summary, input_error, quote
from losscli.inputs.readers import READERS, SUPPORTED_EXTENSIONS
from losscli.inputs.source import Source, not_regular


def _resolve(path_text: str, base_dir: pathlib.Path | None) -> pathlib.Path:
    """The path of ``path_text``, relative to ``base_dir`` when given."""
    path = pathlib.Path(os.path.expanduser(path_text))
    if base_dir is not None and not path.is_absolute():
        path = pathlib.Path(base_dir) / path
    return path


def _is_file(path_text: str, base_dir: pathlib.Path | None) -> bool:
    """True when ``path_text`` names an existing non-directory."""
    try:
        path = _resolve(path_text, base_dir)
        return path.exists() and not path.is_dir()
    except (OSError, ValueError):
        return False


def _has_known_extension(path_text: str) -> bool:
    """True when ``path_text`` ends with a supported extension."""
    return pathlib.PurePath(path_text).suffix.lower() in READERS


def _split_key(spec: str, base_dir: pathlib.Path | None) -> tuple[str, str | None]:
    """Split ``PATH:KEY`` at the last ``:`` when PATH names (or looks like) a file."""
    head, colon, key = spec.rpartition(":")
    if not colon or not head:
        return spec, None
    if _is_file(head, base_dir):
        return head, key
    if _is_file(spec, base_dir):
        return spec, None
    if _has_known_extension(head):
        return head, key
    return spec, None


def _check_file(src: Source, base_dir: pathlib.Path | None) -> None:
    """Refuse a missing path, a directory or an empty file."""
    try:
        info = src.path.stat()
    except (FileNotFoundError, NotADirectoryError):
        where = f" (looked for {quote(str(src.path), 120)})" if base_dir is not None else ""
        raise src.fail(f"file not found: {src.name}{where}") from None
    except ValueError:
        raise src.fail(f"invalid file name {src.name}") from None
    except OSError as exc:
        raise src.fail(f"cannot access {src.name}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise src.fail(f"{src.name} is a directory, expected a file")
    if not stat.S_ISREG(info.st_mode):
        raise src.fail(not_regular(src.name))
    if info.st_size == 0:
        raise src.fail(f"{src.name} is empty")


def _check_inside(src: Source, roots) -> None:
    """Refuse a path that, symbolic links resolved, leaves every folder of ``roots``."""
    try:
        real = src.path.resolve()
    except (OSError, ValueError, RuntimeError):
        raise src.fail(f"invalid file name {src.name}") from None
    if not any(real.is_relative_to(pathlib.Path(root).resolve()) for root in roots):
        raise src.fail(f"{src.name} is outside the folders a case file may read "
                       "(the folder being checked; allow more with --allow-path DIR)")


def load_file(spec: str, argument: str, base_dir: pathlib.Path | None,
              allowed_roots=None) -> numpy.ndarray:
    """Load ``PATH[:KEY]`` (the text after ``@``), inside ``allowed_roots`` when given."""
    path_text, key = _split_key(spec.strip(), base_dir)
    if not path_text:
        raise input_error(argument, "missing file name after '@' (write @PATH, or - for stdin)")
    if key is not None and not key.strip():
        raise input_error(argument, f"empty KEY after ':' in @{clip(spec, 60)}")
    src = Source(argument, path_text, _resolve(path_text, base_dir), key)
    if allowed_roots is not None:
        _check_inside(src, allowed_roots)
    _check_file(src, base_dir)
    reader = READERS.get(src.path.suffix.lower())
    if reader is None:
        suffix = src.path.suffix or "(none)"
        raise src.fail(f"unsupported file extension {quote(suffix, 20)} of {src.name}; "
                       f"supported: {', '.join(SUPPORTED_EXTENSIONS)}")
    try:
        with warnings.catch_warnings():  # a library's warning about odd content would add
            warnings.simplefilter("ignore")  # lines to the one-line error; the error says it
            return reader(src)
    except InputError:
        raise
    except RecursionError:
        raise src.fail(f"{src.name} is nested too deeply") from None
    except Exception as exc:  # a reader failure on odd content is the file's fault
        raise src.fail(f"cannot read {src.name}: {exception_summary(exc)}") from None

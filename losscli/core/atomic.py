"""Atomic file writes: a reader sees the old file or the new one, never a part of either.

:func:`write_atomic` writes to a temporary file in the target's directory, flushes and
fsyncs it, gives it the original's permission bits, and renames it over the target
(``os.replace``, atomic on POSIX and Windows). A symbolic link is followed: its target is
replaced, the link stays. Any failure (a full disk, a read-only directory, an interrupt)
removes the temporary file and leaves the original untouched; an ``OSError`` becomes an
:class:`~losscli.core.errors.InputError` for ``argument`` (exit 2).
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import stat
import tempfile

from losscli.core.errors import InputError


def write_atomic(path: str | os.PathLike, data: bytes, *, argument: str) -> None:
    """Replace the content of ``path`` with ``data`` atomically (see the module docstring)."""
    target = pathlib.Path(os.path.realpath(path))
    temp = None
    try:
        try:
            mode = stat.S_IMODE(target.stat().st_mode)
        except FileNotFoundError:
            mode = None
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if mode is not None:
            os.chmod(temp, mode)
        else:  # a new file gets the permissions the umask allows, as open() would give it
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, target)
        temp = None
        _sync_folder(target.parent)
    except OSError as exc:
        kept = "; the file was left as it was" if os.path.lexists(path) else ""
        raise InputError(f"cannot write {_shown(path)}: {exc.strerror or type(exc).__name__}"
                         f"{kept}", argument=argument) from None
    finally:
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)


def _sync_folder(folder: pathlib.Path) -> None:
    """Make the rename durable where the system allows opening a folder (POSIX)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _shown(path: str | os.PathLike) -> str:
    text = os.fspath(path)
    text = text if len(text) <= 120 else "..." + text[-117:]
    return repr(text.encode("utf-8", "backslashreplace").decode("utf-8"))

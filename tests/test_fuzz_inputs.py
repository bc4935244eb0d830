"""Hostile TENSOR arguments for every loss of the registry: exit 2 and one line, fast.

Each loss's example is run with one TENSOR argument (its inputs and tensor parameters in
turn) replaced by an input built to exhaust memory, hang, crash a parser or leak a file's
content: integers of more than 4,300 digits, lone surrogates and non-UTF-8 bytes, declared
sizes far beyond the limits (a stride-0 tensor, a zip member, a .npy header), text files
beyond the text limit (sparse files), nesting deeper than Python's recursion limit, and
files that are not regular files (devices, a FIFO, symlinks to them, a directory). Every
call must exit 2 with exactly one ``losscli: error:`` line naming the argument, within
seconds, with no traceback, no Python warning and no quoted file content.
"""

from __future__ import annotations

import os
import signal
import struct
import sys
import warnings

import numpy as np
import pytest
from typer.testing import CliRunner

from losscli.__main__ import main
from losscli.families.registry import registry

SPECS = list(registry())
SECRET = "hunter2-do-not-print"
#: Seconds one call may take before it counts as a hang.
HANG_SECONDS = 20


def run(args: list[str], stdin: bytes = b"") -> tuple[int, str, str]:
    """``losscli ARGS`` in-process with ``stdin`` as raw bytes: (code, stdout, stderr)."""

    def hang(*_):
        raise AssertionError(f"no answer within {HANG_SECONDS} s: losscli {args}")

    previous = signal.signal(signal.SIGALRM, hang)
    signal.alarm(HANG_SECONDS)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with CliRunner().isolation(input=stdin) as (stdout, stderr, _):
                code = main(list(args))
                sys.stdout.flush()
                sys.stderr.flush()
                out = stdout.getvalue().decode(errors="replace")
                err = stderr.getvalue().decode(errors="replace")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert not caught, (args, [str(w.message) for w in caught])
    return code, out, err


def tensor_options(spec) -> list[tuple[str, str]]:
    """(name, option) of every TENSOR argument of ``spec``."""
    return [(i.name, i.option) for i in spec.inputs] + [
        (p.name, p.option) for p in spec.params if p.type in ("tensor", "float_or_tensor")]


def args_with(spec, name: str, value: str) -> list[str]:
    """``spec``'s example as arguments, with TENSOR ``name`` replaced by ``value``."""
    values = {**spec.example, name: value}
    args = [spec.name]
    for key, text in values.items():
        args += ["--" + key.replace("_", "-"), text]
    return args


def _write_npy_header(path, shape) -> None:
    """A .npy file whose header declares ``shape`` (float64) over 64 bytes of data."""
    header = f"{{'descr': '<f8', 'fortran_order': False, 'shape': {shape!r}, }}"
    header += " " * (118 - len(header)) + "\n"
    with open(path, "wb") as handle:
        handle.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode())
        handle.write(bytes(64))


def _write_npz_bomb(path) -> None:
    """An .npz archive whose member declares 4 GB uncompressed (central directory)."""
    np.savez_compressed(path, a=np.zeros(4))
    data = bytearray(path.read_bytes())
    central = data.index(b"PK\x01\x02")
    data[central + 24 : central + 28] = struct.pack("<I", 0xFFFF0000)
    path.write_bytes(bytes(data))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict[str, tuple[str, bytes]]:
    """Name -> (TENSOR text, standard input) of every hostile input."""
    torch = pytest.importorskip("torch")
    folder = tmp_path_factory.mktemp("hostile")
    stride0 = folder / "stride0.pt"
    torch.save(torch.zeros(1).expand(10**5, 10**5), stride0)
    assert stride0.stat().st_size < 4096  # it really serialises small
    npz = folder / "bomb.npz"
    _write_npz_bomb(npz)
    _write_npy_header(folder / "absurd.npy", (10**30,))
    _write_npy_header(folder / "huge.npy", (10**5, 10**5))
    with open(folder / "big.json", "wb") as handle:
        handle.truncate((64 << 20) + 1)  # sparse: over the text limit, nothing on disk
    with open(folder / "big.csv", "wb") as handle:
        handle.truncate((64 << 20) + 1)
    (folder / "deep.json").write_text("[" * 200_000 + "]" * 200_000)
    (folder / "deep.yaml").write_text("[" * 200_000 + "]" * 200_000)
    (folder / "int.json").write_text("[" + "7" * 5000 + "]")
    (folder / "int.yaml").write_text("- " + "7" * 5000 + "\n")
    (folder / "passwd.csv").write_text(f"0,1\nroot:x:0:0:{SECRET}:/root:/bin/bash,1\n")
    (folder / "secret.yaml").write_text(f"password: {SECRET}\n")
    (folder / "secret.json").write_text(f'{{"token": "{SECRET}"}}')
    (folder / "zero.json").symlink_to("/dev/zero")
    os.mkfifo(folder / "fifo.json")
    (folder / "dir.npy").mkdir()
    huge = "7" * 5000
    return {
        "huge-int-literal": (f"[{huge}, 1]", b""),
        "huge-int-stdin": ("-", f"[{huge}]".encode()),
        "huge-int-json": (f"@{folder}/int.json", b""),
        "huge-int-yaml": (f"@{folder}/int.yaml", b""),
        "lone-surrogate-literal": ("[1, \udcff]", b""),
        "lone-surrogate-string": ('["\\udcff"]', b""),
        "non-utf8-stdin": ("-", b"[1, \xff\xfe]"),
        "stride0-pt": (f"@{stride0}", b""),
        "npz-bomb": (f"@{npz}", b""),
        "absurd-npy-header": (f"@{folder}/absurd.npy", b""),
        "huge-npy-header": (f"@{folder}/huge.npy", b""),
        "sparse-json": (f"@{folder}/big.json", b""),
        "sparse-csv": (f"@{folder}/big.csv", b""),
        "deep-json": (f"@{folder}/deep.json", b""),
        "deep-yaml": (f"@{folder}/deep.yaml", b""),
        "deep-literal": ("[" * 100_000 + "]" * 100_000, b""),
        "deep-stdin": ("-", b"[" * 100_000 + b"]" * 100_000),
        "passwd-csv": (f"@{folder}/passwd.csv", b""),
        "secret-yaml": (f"@{folder}/secret.yaml:password", b""),
        "secret-json": (f"@{folder}/secret.json", b""),
        "secret-stdin": ("-", f"password: {SECRET}\n".encode()),
        "dev-zero": ("@/dev/zero", b""),
        "symlink-to-dev-zero": (f"@{folder}/zero.json", b""),
        "fifo": (f"@{folder}/fifo.json", b""),
        "directory": (f"@{folder}/dir.npy", b""),
        "stdin-key-missing": ("@-:nope", b'{"a": [1, 2]}'),
    }


def assert_refused(code: int, out: str, err: str, option: str, args: list[str]) -> None:
    """Exit 2, one error line naming ``option``, nothing on stdout, no leaked secret."""
    lines = err.strip().splitlines()
    assert code == 2, (args[:2], option, code, err[-2000:])
    assert len(lines) == 1 and lines[0].startswith(f"losscli: error: {option}:"), (option, err)
    assert "Traceback" not in err and out == "", (option, err)
    assert SECRET not in err and "root:x" not in err, err


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_hostile_tensors_are_refused_for_every_loss(spec, hostile):
    options = tensor_options(spec)
    for index, (kind, (text, stdin)) in enumerate(sorted(hostile.items())):
        name, option = options[index % len(options)]
        args = args_with(spec, name, text)
        assert_refused(*run(args, stdin), option, [kind, *args])


@pytest.mark.parametrize("spec", [s for s in SPECS if len(s.inputs) > 1], ids=lambda s: s.name)
def test_standard_input_is_read_once(spec):
    first, second = spec.inputs[0], spec.inputs[1]
    args = [*args_with(spec, first.name, "-")]
    args[args.index(second.option) + 1] = "-"
    code, out, err = run(args, spec.example[first.name].encode())
    assert code == 2 and out == "", err
    assert err.strip() == (f"losscli: error: {second.option}: standard input is already used by "
                           f"{first.option}; give this TENSOR as a literal or @PATH")

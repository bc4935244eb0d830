"""Tests for the TENSOR syntax parser (:mod:`losscli.inputs`)."""

from __future__ import annotations

import io
import json
import math
import os
import pathlib
import pickle
import subprocess
import sys
import tempfile

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from losscli.core.errors import InputError
from losscli.inputs import MAX_NDIM, SUPPORTED_EXTENSIONS, load_tensor, to_array

ROOT = pathlib.Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------- helpers


def load(text: str, tmp_path: pathlib.Path | None = None, stdin: str | None = None,
         argument: str = "--pred") -> np.ndarray:
    """load_tensor with a base_dir and an in-memory stdin."""
    return load_tensor(text, argument=argument, base_dir=tmp_path,
                       stdin=io.StringIO(stdin if stdin is not None else ""))


def error_of(func, *args, **kwargs) -> str:
    """Call ``func``, expect an InputError for its ``argument`` and return its one-line text."""
    argument = kwargs.get("argument", "--pred")
    with pytest.raises(InputError) as info:
        func(*args, **kwargs)
    text = str(info.value)
    assert text.startswith(f"{argument}: "), text
    assert info.value.argument == argument
    assert len(text.splitlines()) == 1 and "\n" not in text, text
    return text


def load_error(text: str, tmp_path: pathlib.Path | None = None, stdin: str | None = None,
               argument: str = "--pred") -> str:
    """The one-line InputError message of loading ``text``."""
    return error_of(load, text, tmp_path, stdin, argument=argument)


def write(tmp_path: pathlib.Path, name: str, content: str | bytes) -> pathlib.Path:
    """Write a text or binary file under ``tmp_path``."""
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def check(result: np.ndarray, expected, dtype) -> None:
    """Same values (NaN-aware), shape and dtype."""
    expected = np.asarray(expected)
    assert isinstance(result, np.ndarray)
    assert result.dtype == np.dtype(dtype), (result.dtype, dtype)
    assert result.shape == expected.shape
    np.testing.assert_array_equal(result, expected)


class Evil:
    """Unpickling this would create a directory: must never happen."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.mkdir, (self.marker,))


# --------------------------------------------------------------------------- literals


@pytest.mark.parametrize(
    ("text", "expected", "dtype"),
    [
        ("0.5", 0.5, "float64"),
        ("3", 3, "int64"),
        ("-2", -2, "int64"),
        ("[1, 0, 2]", [1, 0, 2], "int64"),
        ("[[0.8, 0.1], [0.1, 0.9]]", [[0.8, 0.1], [0.1, 0.9]], "float64"),
        ("[1, 2.5]", [1.0, 2.5], "float64"),
        ("[[1, 2], [3, 4]]", [[1, 2], [3, 4]], "int64"),
        ("  [1, 2]  ", [1, 2], "int64"),
        ("1e-3", 0.001, "float64"),
        ("NaN", math.nan, "float64"),
        ("[Infinity, -Infinity, NaN]", [math.inf, -math.inf, math.nan], "float64"),
        ('["1e-3", 2]', [0.001, 2.0], "float64"),
        ("[]", np.zeros((0,)), "float64"),
        ("[[], []]", np.zeros((2, 0)), "float64"),
    ],
)
def test_literal(text, expected, dtype):
    check(load(text), expected, dtype)


def test_scalar_literal_is_zero_dimensional():
    result = load("0.5")
    assert result.ndim == 0 and result.shape == ()


def test_malformed_literal_says_where():
    message = load_error("[[1,2][3]]")
    assert message == (
        "--pred: not a valid TENSOR literal: expecting ',' delimiter at character 6 of '[[1,2][3]]'"
    )


def test_malformed_literal_long_text_is_truncated():
    text = "[" + ", ".join(["1"] * 2000) + ", oops]"
    message = load_error(text)
    assert "not a valid TENSOR literal" in message
    assert len(message) < 400


def test_multiline_literal_message_is_one_line():
    message = load_error("[1,\n2,\n]")
    assert "not a valid TENSOR literal" in message


@pytest.mark.parametrize("text", ["pred.json", "data/target.npy", "foo"])
def test_path_like_literal_suggests_at(text):
    assert f"did you mean @{text}?" in load_error(text)


@pytest.mark.parametrize("text", ["[1,", "-x", "1.2.3", ".5", "+1", "NaNa", "{"])
def test_number_like_literal_does_not_suggest_at(text):
    message = load_error(text)
    assert "not a valid TENSOR literal" in message
    assert "did you mean @" not in message


def test_lowercase_nan_hint():
    assert "JSON spells these NaN, Infinity and -Infinity" in load_error("inf")


def test_comma_list_hint():
    assert "did you mean [1,2,3]?" in load_error("1,2,3")


def test_empty_text():
    assert "empty TENSOR" in load_error("   ")


def test_deeply_nested_literal():
    assert "nested too deeply" in load_error("[" * 100_000)


def test_too_many_dimensions():
    text = "[" * (MAX_NDIM + 1) + "1" + "]" * (MAX_NDIM + 1)
    assert f"more than {MAX_NDIM} levels deep" in load_error(text)


def test_non_str_text_is_a_type_error():
    with pytest.raises(TypeError):
        load_tensor([1, 2], argument="--pred")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- leaf validation


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('[[1, 2, 3], [4, 5, "abc"]]', "element [1][2] is a string, expected a number"),
        ("[1, true]", "element [1] is a boolean, expected a number"),
        ("[null]", "element [0] is null, expected a number"),
        ('[{"a": 1}]', "element [0] is a mapping"),
        ('"abc"', "value is a string, expected a number"),
        ("null", "value is null"),
        ("[[1, 2], [3, 4, 5]]", "ragged nested list: [1] has 3 elements but [0] has 2"),
        ("[[1, 2], 3]", "ragged nested list: [1] is a number but [0] is a list"),
        ("[1, [2]]", "ragged nested list: [1] is a list but [0] is a number"),
        ("[[[1], [2]], [[3], [4, 5]]]",
         "ragged nested list: [1][1] has 2 elements but [0][0] has 1"),
        ('[[1, 2], "x"]', "element [1] is a string, expected a number or a list"),
        ("[99999999999999999999]", "does not fit in a 64-bit integer"),
    ],
)
def test_leaf_and_shape_errors(text, fragment):
    assert fragment in load_error(text, argument="--target")


def test_message_prefix_uses_argument():
    assert load_error('[1, "abc"]', argument="--target").startswith("--target: element [1]")


# --------------------------------------------------------------------------- text files


def test_json_file(tmp_path):
    write(tmp_path, "pred.json", "[[0.1, 0.9], [0.8, 0.2]]")
    check(load("@pred.json", tmp_path), [[0.1, 0.9], [0.8, 0.2]], "float64")


def test_json_file_ints_stay_int(tmp_path):
    write(tmp_path, "target.json", "[1, 0, 2]")
    check(load("@target.json", tmp_path), [1, 0, 2], "int64")


def test_json_file_with_bom(tmp_path):
    write(tmp_path, "bom.json", "\ufeff[1, 2]".encode())
    check(load("@bom.json", tmp_path), [1, 2], "int64")


@pytest.mark.parametrize("name", ["p.yaml", "p.yml", "P.YAML"])
def test_yaml_file(tmp_path, name):
    write(tmp_path, name, "- [1, 2]\n- [3, 4]\n")
    check(load(f"@{name}", tmp_path), [[1, 2], [3, 4]], "int64")


def test_yaml_1_1_float_spellings(tmp_path):
    write(tmp_path, "f.yaml", "[1e-3, .inf, -.inf, .nan, nan, inf, -Infinity, 2]\n")
    expected = [0.001, math.inf, -math.inf, math.nan, math.nan, math.inf, -math.inf, 2.0]
    check(load("@f.yaml", tmp_path), expected, "float64")


def test_absolute_path(tmp_path):
    path = write(tmp_path, "abs.json", "[1.5]")
    check(load(f"@{path}"), [1.5], "float64")


def test_base_dir_resolves_relative_paths(tmp_path):
    (tmp_path / "sub").mkdir()
    write(tmp_path, "sub/x.json", "[7]")
    check(load("@sub/x.json", tmp_path), [7], "int64")


def test_csv_file_2d(tmp_path):
    write(tmp_path, "p.csv", "0.1, 0.9\n0.8,0.2\n\n")
    check(load("@p.csv", tmp_path), [[0.1, 0.9], [0.8, 0.2]], "float64")


def test_csv_single_row_is_1d(tmp_path):
    write(tmp_path, "t.csv", "1,0,2\n")
    check(load("@t.csv", tmp_path), [1, 0, 2], "int64")


def test_csv_single_column_is_1d_as_numpy_loadtxt(tmp_path):
    write(tmp_path, "c.csv", "1\n2\n3\n")
    check(load("@c.csv", tmp_path), [1, 2, 3], "int64")
    assert np.loadtxt(tmp_path / "c.csv").shape == (3,)


def test_txt_file_whitespace_commas_comments(tmp_path):
    content = "# predictions\n0.1 0.9   # first\n0.8,0.2\n\n1e-3\t.inf\n"
    write(tmp_path, "p.txt", content)
    check(load("@p.txt", tmp_path), [[0.1, 0.9], [0.8, 0.2], [0.001, math.inf]], "float64")


def test_txt_single_row(tmp_path):
    write(tmp_path, "t.txt", "1 0 2\n")
    check(load("@t.txt", tmp_path), [1, 0, 2], "int64")


def test_csv_ragged_rows_name_line(tmp_path):
    write(tmp_path, "r.csv", "1,2,3\n# comment\n4,5\n")
    message = load_error("@r.csv", tmp_path)
    assert "ragged rows" in message and "line 3 has 2 elements but line 1 has 3" in message


def test_csv_non_number_names_line(tmp_path):
    write(tmp_path, "bad.csv", "1,2\n3,abc\n")
    assert "line 2, field 2 of 'bad.csv': not a number" in load_error("@bad.csv", tmp_path)


def test_csv_header_hint(tmp_path):
    write(tmp_path, "h.csv", "a,b\n1,2\n")
    assert "header rows are not supported" in load_error("@h.csv", tmp_path)


def test_csv_empty_field(tmp_path):
    write(tmp_path, "e.csv", "1,,2\n")
    assert "line 1, field 2 of 'e.csv': empty field" in load_error("@e.csv", tmp_path)


def test_yaml_only_comments(tmp_path):
    write(tmp_path, "c.yaml", "# nothing here\n")
    assert "'c.yaml' holds no data" in load_error("@c.yaml", tmp_path)


def test_txt_only_comments(tmp_path):
    write(tmp_path, "c.txt", "# nothing\n\n")
    assert "holds no numbers" in load_error("@c.txt", tmp_path)


# --------------------------------------------------------------------------- binary files


@pytest.mark.parametrize(
    "array",
    [
        np.array([[0.1, 0.9]], dtype=np.float32),
        np.array([1, 0, 2], dtype=np.int32),
        np.array([1, 2], dtype=np.uint8),
        np.array([True, False]),
        np.array([0.5, 1.5], dtype=np.float16),
        np.array(2.5),
    ],
)
def test_npy_keeps_dtype(tmp_path, array):
    np.save(tmp_path / "a.npy", array)
    check(load("@a.npy", tmp_path), array, array.dtype)


def test_npy_big_endian_becomes_native(tmp_path):
    np.save(tmp_path / "be.npy", np.array([1.0, 2.0], dtype=">f8"))
    result = load("@be.npy", tmp_path)
    assert result.dtype.isnative
    check(result, [1.0, 2.0], "float64")


def test_npz_single_array_needs_no_key(tmp_path):
    np.savez(tmp_path / "one.npz", pred=np.array([1.0, 2.0]))
    check(load("@one.npz", tmp_path), [1.0, 2.0], "float64")


def test_npz_with_key(tmp_path):
    np.savez(tmp_path / "two.npz", pred=np.array([0.5]), target=np.array([1], dtype=np.int64))
    check(load("@two.npz:pred", tmp_path), [0.5], "float64")
    check(load("@two.npz:target", tmp_path), [1], "int64")


def test_npz_without_key_lists_keys(tmp_path):
    np.savez(tmp_path / "two.npz", pred=np.array([0.5]), target=np.array([1]))
    message = load_error("@two.npz", tmp_path)
    assert "holds a mapping; pick an entry with @PATH:KEY" in message
    assert "pred, target" in message


def test_npz_missing_key(tmp_path):
    np.savez(tmp_path / "two.npz", pred=np.array([0.5]), target=np.array([1]))
    message = load_error("@two.npz:nope", tmp_path)
    assert "no key 'nope'" in message and "keys: pred, target" in message


def test_pt_tensor(tmp_path):
    torch.save(torch.tensor([[0.1, 0.9]]), tmp_path / "p.pt")
    check(load("@p.pt", tmp_path), np.array([[0.1, 0.9]], dtype=np.float32), "float32")


def test_pth_int_tensor(tmp_path):
    torch.save(torch.tensor([1, 0, 2]), tmp_path / "t.pth")
    check(load("@t.pth", tmp_path), [1, 0, 2], "int64")


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_pt_half_precision_becomes_float32(tmp_path, dtype):
    torch.save(torch.tensor([0.5, 1.0], dtype=dtype), tmp_path / "h.pt")
    check(load("@h.pt", tmp_path), np.array([0.5, 1.0], dtype=np.float32), "float32")


def test_pt_dict_with_key(tmp_path):
    torch.save({"pred": torch.tensor([0.25]), "target": torch.tensor([1])}, tmp_path / "d.pt")
    check(load("@d.pt:pred", tmp_path), np.array([0.25], dtype=np.float32), "float32")
    check(load("@d.pt:target", tmp_path), [1], "int64")


def test_pt_state_dict_dotted_key(tmp_path):
    state = torch.nn.Linear(2, 1).state_dict()
    torch.save(state, tmp_path / "model.pt")
    result = load("@model.pt:weight", tmp_path)
    assert result.shape == (1, 2)
    torch.save({"fc.weight": torch.ones(2), "fc": {"bias": torch.zeros(1)}}, tmp_path / "m.pt")
    check(load("@m.pt:fc.weight", tmp_path), np.ones(2, dtype=np.float32), "float32")
    check(load("@m.pt:fc.bias", tmp_path), np.zeros(1, dtype=np.float32), "float32")


def test_pt_dict_without_key(tmp_path):
    torch.save({"pred": torch.tensor([0.25])}, tmp_path / "d.pt")
    assert "holds a mapping; pick an entry with @PATH:KEY" in load_error("@d.pt", tmp_path)


@pytest.mark.parametrize(
    ("obj", "text"),
    [
        ([torch.tensor([1.0])], "@x.pt"),
        ({"epoch": 3, "w": torch.ones(1)}, "@x.pt:epoch"),
        (7, "@x.pt"),
    ],
)
def test_pt_not_a_plain_tensor(tmp_path, obj, text):
    torch.save(obj, tmp_path / "x.pt")
    assert "not a plain tensor" in load_error(text, tmp_path)


def test_pt_complex_tensor_refused(tmp_path):
    torch.save(torch.tensor([1 + 2j]), tmp_path / "c.pt")
    assert "complex values are not supported" in load_error("@c.pt", tmp_path)


def test_pt_garbage(tmp_path):
    write(tmp_path, "g.pt", b"this is not a torch file")
    message = load_error("@g.pt", tmp_path)
    assert "'g.pt'" in message


# --------------------------------------------------------------------------- @PATH:KEY


def test_yaml_key(tmp_path):
    write(tmp_path, "case.yaml", "pred: [0.5, 0.5]\ntarget: [1, 0]\n")
    check(load("@case.yaml:pred", tmp_path), [0.5, 0.5], "float64")
    check(load("@case.yaml:target", tmp_path), [1, 0], "int64")


def test_json_key_dotted(tmp_path):
    write(tmp_path, "c.json", json.dumps({"case": {"inputs": {"pred": [1.5]}}}))
    check(load("@c.json:case.inputs.pred", tmp_path), [1.5], "float64")


def test_key_indexes_lists(tmp_path):
    write(tmp_path, "cases.yaml", "cases:\n  - pred: [1]\n  - pred: [2]\n")
    check(load("@cases.yaml:cases.1.pred", tmp_path), [2], "int64")


def test_mapping_without_key(tmp_path):
    write(tmp_path, "case.yaml", "pred: [0.5]\ntarget: [1]\n")
    message = load_error("@case.yaml", tmp_path)
    assert "holds a mapping; pick an entry with @PATH:KEY" in message
    assert "keys: pred, target" in message


def test_nested_mapping_without_full_key(tmp_path):
    write(tmp_path, "c.json", json.dumps({"a": {"b": [1], "c": [2]}}))
    message = load_error("@c.json:a", tmp_path)
    assert "holds a mapping" in message and "keys: b, c" in message


def test_missing_key_lists_available(tmp_path):
    write(tmp_path, "case.json", json.dumps({"pred": [1], "target": [0]}))
    message = load_error("@case.json:prd", tmp_path)
    assert "no key 'prd'" in message and "keys: pred, target" in message


def test_missing_nested_key(tmp_path):
    write(tmp_path, "c.json", json.dumps({"a": {"b": [1]}}))
    message = load_error("@c.json:a.x", tmp_path)
    assert "no key 'x' in entry 'a'" in message and "keys: b" in message


def test_key_on_single_tensor_file(tmp_path):
    write(tmp_path, "t.csv", "1,2\n")
    assert "holds a single tensor, not a mapping" in load_error("@t.csv:pred", tmp_path)
    np.save(tmp_path / "a.npy", np.ones(2))
    assert "holds a single tensor, not a mapping" in load_error("@a.npy:pred", tmp_path)
    write(tmp_path, "l.json", "1.5")
    assert "holds a single tensor, not a mapping" in load_error("@l.json:pred", tmp_path)


def test_empty_key(tmp_path):
    write(tmp_path, "c.json", json.dumps({"a": [1]}))
    assert "empty KEY" in load_error("@c.json:", tmp_path)


def test_path_with_colon(tmp_path):
    write(tmp_path, "a:b.json", "[1, 2]")
    check(load("@a:b.json", tmp_path), [1, 2], "int64")
    write(tmp_path, "c:d.json", json.dumps({"k": [3]}))
    check(load("@c:d.json:k", tmp_path), [3], "int64")


# --------------------------------------------------------------------------- stdin


@pytest.mark.parametrize("text", ["-", "@-", " - "])
def test_stdin_json(text):
    check(load(text, stdin="[[1, 2], [3, 4]]"), [[1, 2], [3, 4]], "int64")


def test_stdin_yaml_fallback():
    check(load("-", stdin="- 1e-3\n- .inf\n- 2\n"), [0.001, math.inf, 2.0], "float64")


def test_stdin_default_is_sys_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("[5]"))
    check(load_tensor("-", argument="--pred"), [5], "int64")


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("", "standard input is empty"),
        ("  \n", "standard input is empty"),
        ("[1, 2", "standard input is not valid JSON"),
        ("a: [1", "standard input is not valid YAML"),
        ('!!python/object/apply:os.system ["echo hi"]', "is not allowed; only plain data is read"),
        ("pred: [1]", "standard input holds a mapping"),
        ("[1, abc]", "element [1] is a string, expected a number"),
    ],
)
def test_stdin_errors(content, fragment):
    assert fragment in load_error("-", stdin=content)


def test_stdin_invalid_utf8():
    stream = io.TextIOWrapper(io.BytesIO(b"[1, \xff]"), encoding="utf-8")
    message = error_of(load_tensor, "-", argument="--pred", stdin=stream)
    assert "not valid UTF-8" in message


# --------------------------------------------------------------------------- file errors


def test_missing_file(tmp_path):
    assert "file not found: 'nope.json'" in load_error("@nope.json", tmp_path)


def test_missing_file_with_key(tmp_path):
    assert "file not found: 'nope.yaml'" in load_error("@nope.yaml:pred", tmp_path)


def test_directory(tmp_path):
    (tmp_path / "d.json").mkdir()
    assert "is a directory" in load_error("@d.json", tmp_path)


def test_missing_path_after_at():
    assert "missing file name after '@'" in load_error("@")


def test_unsupported_extension(tmp_path):
    write(tmp_path, "x.xlsx", "1")
    message = load_error("@x.xlsx", tmp_path)
    assert "unsupported file extension '.xlsx'" in message
    for ext in SUPPORTED_EXTENSIONS:
        assert ext in message


def test_no_extension(tmp_path):
    write(tmp_path, "data", "[1]")
    assert "unsupported file extension" in load_error("@data", tmp_path)


@pytest.mark.parametrize("name", ["e.json", "e.yaml", "e.csv", "e.txt", "e.npy", "e.npz", "e.pt"])
def test_empty_file(tmp_path, name):
    write(tmp_path, name, b"")
    assert f"'{name}' is empty" in load_error(f"@{name}", tmp_path)


def test_whitespace_only_file(tmp_path):
    write(tmp_path, "w.json", "  \n\n")
    assert "is empty" in load_error("@w.json", tmp_path)


def test_unreadable_file(tmp_path, monkeypatch):
    write(tmp_path, "secret.json", "[1]")

    real_open = os.open

    def deny(path, *args, **kwargs):
        if str(path).endswith("secret.json"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", deny)
    message = load_error("@secret.json", tmp_path)
    assert "cannot read 'secret.json': Permission denied" in message


def test_invalid_utf8(tmp_path):
    write(tmp_path, "bad.json", b"[1, \xff\xfe]")
    assert "'bad.json' is not valid UTF-8" in load_error("@bad.json", tmp_path)


def test_invalid_json_file(tmp_path):
    write(tmp_path, "bad.json", "[1, 2,\n 3,]")
    message = load_error("@bad.json", tmp_path)
    assert "'bad.json' is not valid JSON" in message and "line 2" in message


def test_invalid_yaml_file(tmp_path):
    write(tmp_path, "bad.yaml", "a: [1, 2\nb: 3\n")
    assert "'bad.yaml' is not valid YAML" in load_error("@bad.yaml", tmp_path)


def test_json_leaf_error_names_file(tmp_path):
    write(tmp_path, "bad.json", '[[1, 2, 3], [1, 2, "abc"]]')
    message = load_error("@bad.json", tmp_path, argument="--target")
    assert message.startswith("--target: element [1][2] is a string, expected a number")
    assert "'bad.json'" in message


@pytest.mark.parametrize(
    ("array", "fragment"),
    [
        (np.array([1 + 1j]), "complex values are not supported"),
        (np.array(["a", "b"]), "holds strings"),
        (np.zeros(2, dtype=[("a", "f4"), ("b", "i4")]), "structured"),
        (np.array(["2020-01-01"], dtype="datetime64[D]"), "dates"),
    ],
)
def test_npy_bad_dtype(tmp_path, array, fragment):
    np.save(tmp_path / "bad.npy", array)
    message = load_error("@bad.npy", tmp_path)
    assert "unsupported array dtype" in message and fragment in message


def test_npy_garbage(tmp_path):
    write(tmp_path, "g.npy", b"\x93NUMPY garbage that is not a header")
    assert "'g.npy'" in load_error("@g.npy", tmp_path)


def test_npz_garbage(tmp_path):
    write(tmp_path, "g.npz", b"PK\x03\x04 not really a zip")
    assert "'g.npz'" in load_error("@g.npz", tmp_path)


# --------------------------------------------------------------------------- hostile files


def test_object_npy_refused(tmp_path):
    np.save(tmp_path / "obj.npy", np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    message = load_error("@obj.npy", tmp_path)
    assert "refusing to load 'obj.npy'" in message and "pickled" in message


def test_pickle_named_npy_refused(tmp_path):
    marker = tmp_path / "pwned"
    with open(tmp_path / "p.npy", "wb") as handle:
        pickle.dump(Evil(str(marker)), handle)
    assert "refusing to load 'p.npy'" in load_error("@p.npy", tmp_path)
    assert not marker.exists()


def test_object_npz_refused(tmp_path):
    np.savez(tmp_path / "obj.npz", a=np.array([{"a": 1}], dtype=object))
    assert "refusing to load 'obj.npz'" in load_error("@obj.npz", tmp_path)


def test_pt_with_pickled_class_refused(tmp_path):
    marker = tmp_path / "pwned"
    torch.save({"pred": Evil(str(marker))}, tmp_path / "evil.pt")
    message = load_error("@evil.pt:pred", tmp_path)
    assert "refusing to load 'evil.pt': not a plain tensor file" in message
    assert "never arbitrary pickles" in message
    assert not marker.exists()


def test_yaml_python_tag_refused(tmp_path, capfd):
    write(tmp_path, "evil.yaml", '!!python/object/apply:os.system ["echo hi"]\n')
    message = load_error("@evil.yaml", tmp_path)
    assert "YAML tag '!!python/object/apply' in" in message
    assert "is not allowed; only plain data is read" in message
    assert "hi" not in capfd.readouterr().out


def test_yaml_python_tag_nothing_executed(tmp_path):
    marker = tmp_path / "pwned"
    write(tmp_path, "evil.yml", f"pred: !!python/object/apply:os.mkdir [{str(marker)!r}]\n")
    assert "is not allowed" in load_error("@evil.yml:pred", tmp_path)
    assert not marker.exists()


def test_yaml_alias_bomb_is_bounded(tmp_path):
    lines = ["a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [" + ", ".join([f"*{previous}"] * 10) + "]")
    write(tmp_path, "bomb.yaml", "\n".join(lines) + "\n")
    assert "more than" in load_error("@bomb.yaml:i", tmp_path)


# --------------------------------------------------------------------------- to_array


def test_to_array_numpy_passthrough():
    array = np.array([1, 2], dtype=np.int16)
    result = to_array(array, argument="--pred")
    assert result.dtype == np.int16
    np.testing.assert_array_equal(result, array)


def test_to_array_numpy_scalar():
    check(to_array(np.float32(0.5), argument="--pred"), np.float32(0.5), "float32")


def test_to_array_torch_requires_grad():
    tensor = torch.tensor([0.5, 1.5], requires_grad=True)
    check(to_array(tensor, argument="--pred"), np.array([0.5, 1.5], np.float32), "float32")


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_to_array_torch_half(dtype):
    check(to_array(torch.ones(2, dtype=dtype), argument="--pred"), np.ones(2, np.float32),
          "float32")


def test_to_array_torch_int_and_bool():
    check(to_array(torch.tensor([1, 2]), argument="--pred"), [1, 2], "int64")
    check(to_array(torch.tensor([True, False]), argument="--pred"), [True, False], "bool")


def test_to_array_list_of_tensors_and_arrays():
    check(to_array([torch.tensor(1.0), torch.tensor(2.0)], argument="--pred"), [1.0, 2.0],
          "float64")
    check(to_array([np.array([1, 2]), np.array([3, 4])], argument="--pred"), [[1, 2], [3, 4]],
          "int64")
    check(to_array(((1, 2), (3, 4)), argument="--pred"), [[1, 2], [3, 4]], "int64")


def test_to_array_numpy_leaves():
    check(to_array([np.int32(1), np.int64(2)], argument="--pred"), [1, 2], "int64")
    check(to_array([np.float32(0.5), 1], argument="--pred"), [0.5, 1.0], "float64")


def test_to_array_object_with_numpy_method():
    class Fake:
        def numpy(self):
            return np.array([3.0])

    check(to_array(Fake(), argument="--pred"), [3.0], "float64")


def test_to_array_failing_numpy_method():
    class Broken:
        def numpy(self):
            raise RuntimeError("device lost")

    assert "cannot convert Broken to an array" in error_of(to_array, Broken(), argument="--pred")


class HostileRepr:
    """A leaf whose repr raises."""

    def __repr__(self):
        raise RuntimeError("no")


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"a": 1}, "value is a mapping"),
        ({1, 2}, "expected a number"),
        ([1, None], "element [1] is null"),
        ([[1, 2], [3, "x"]], "element [1][1] is a string"),
        ([1, True], "is a boolean"),
        ([np.bool_(True)], "is a boolean"),
        ([1 + 2j], "expected a number"),
        ("abc", "value is a string"),
        (HostileRepr(), "a HostileRepr object"),
        (torch.tensor([1 + 1j]), "complex values are not supported"),
        (np.array([1, "x"], dtype=object), "element [1] is a string"),
        ([x for x in range(3)] + [[1]], "ragged nested list"),
    ],
)
def test_to_array_errors(data, fragment):
    assert fragment in error_of(to_array, data, argument="--pred")


def test_to_array_self_referential_list():
    data: list = []
    data.append(data)
    assert "levels deep" in error_of(to_array, data, argument="--pred")


def test_to_array_numeric_strings():
    check(to_array(["1e-3", ".inf", "-.inf", "nan", 2], argument="--pred"),
          [0.001, math.inf, -math.inf, math.nan, 2.0], "float64")


# --------------------------------------------------------------------------- imports


def test_import_is_light():
    code = ("import losscli.inputs, sys; "
            "assert 'torch' not in sys.modules and 'yaml' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# --------------------------------------------------------------------------- properties

INT64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)
FINITE = st.floats(allow_nan=False, allow_infinity=False)
ANY_FLOAT = st.floats(allow_nan=True, allow_infinity=True)


@st.composite
def rectangular(draw, leaves):
    """A nested rectangular list (or a scalar) with leaves from ``leaves``."""
    shape = draw(st.lists(st.integers(min_value=0, max_value=4), max_size=4))

    def build(dims):
        if not dims:
            return draw(leaves)
        return [build(dims[1:]) for _ in range(dims[0])]

    return build(shape)


@settings(max_examples=150, deadline=None)
@given(rectangular(INT64))
def test_property_int_lists(data):
    result = load_tensor(json.dumps(data), argument="--pred")
    expected = np.array(data)
    check(result, expected, expected.dtype)
    if result.size:
        assert result.dtype == np.int64


@settings(max_examples=150, deadline=None)
@given(st.one_of(rectangular(FINITE), rectangular(ANY_FLOAT)))
def test_property_float_lists(data):
    result = load_tensor(json.dumps(data), argument="--pred")
    expected = np.array(data, dtype=np.float64)
    check(result, expected, np.float64)


@settings(max_examples=100, deadline=None)
@given(rectangular(st.one_of(INT64, ANY_FLOAT)))
def test_property_mixed_lists(data):
    result = load_tensor(json.dumps(data), argument="--pred")
    expected = np.array(data)
    if expected.dtype == object:  # numpy keeps huge ints mixed with floats as objects
        expected = np.array(data, dtype=np.float64)
    check(result, expected, expected.dtype)


NUMBER = st.one_of(st.integers(-1000, 1000), FINITE)


@st.composite
def ragged(draw):
    """A nested list that is not rectangular."""
    kind = draw(st.sampled_from(["lengths", "depths"]))
    if kind == "lengths":
        core = draw(st.lists(st.lists(NUMBER, max_size=4), min_size=2, max_size=5)
                    .filter(lambda rows: len({len(row) for row in rows}) > 1))
    else:
        core = draw(st.lists(st.one_of(NUMBER, st.lists(NUMBER, max_size=3)), min_size=2,
                             max_size=6)
                    .filter(lambda xs: any(isinstance(x, list) for x in xs)
                            and any(not isinstance(x, list) for x in xs)))
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        core = draw(st.sampled_from([[core], [core, core]]))
    return core


@settings(max_examples=150, deadline=None)
@given(ragged())
def test_property_ragged_lists_raise(data):
    message = error_of(load_tensor, json.dumps(data), argument="--pred")
    assert "ragged nested list" in message
    assert "ragged nested list" in error_of(to_array, data, argument="--pred")


JSONISH = st.text(alphabet='[]{},.:-+0123456789eE "naNIfity@tuelr\n\t\\/', max_size=40)


@pytest.fixture(scope="module")
def garbage_dir(tmp_path_factory):
    """A directory with a few files for garbage paths to hit."""
    base = tmp_path_factory.mktemp("garbage")
    write(base, "a.json", "[1]")
    write(base, "m.yaml", "a: [1]\n")
    np.savez(base / "z.npz", a=np.ones(1), b=np.zeros(1))
    return base


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(st.text(max_size=60), JSONISH, JSONISH.map(lambda s: "@" + s)),
       stdin_text=st.one_of(st.text(max_size=30), JSONISH))
def test_property_garbage_text_only_input_error(garbage_dir, text, stdin_text):
    try:
        result = load_tensor(text, argument="--pred", base_dir=garbage_dir,
                             stdin=io.StringIO(stdin_text))
    except InputError as exc:
        assert len(str(exc).splitlines()) == 1
        assert str(exc).startswith("--pred: ")
    else:
        assert isinstance(result, np.ndarray)


@settings(max_examples=200, deadline=None)
@given(ext=st.sampled_from(SUPPORTED_EXTENSIONS),
       content=st.one_of(st.binary(max_size=200),
                         st.sampled_from([b"\x93NUMPY", b"PK\x03\x04", b"\x80\x02"])
                         .flatmap(lambda head: st.binary(max_size=100).map(head.__add__))),
       key=st.one_of(st.none(), st.sampled_from(["a", "a.b", "0"])))
def test_property_garbage_files_only_input_error(ext, content, key):
    with tempfile.TemporaryDirectory() as directory:
        name = f"f{ext}"
        pathlib.Path(directory, name).write_bytes(content)
        text = f"@{name}" + (f":{key}" if key else "")
        try:
            load_tensor(text, argument="--pred", base_dir=pathlib.Path(directory))
        except InputError as exc:
            assert len(str(exc).splitlines()) == 1


JUNK = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=5),
              st.binary(max_size=3), st.complex_numbers()),
    lambda children: st.one_of(st.lists(children, max_size=3),
                               st.tuples(children, children),
                               st.dictionaries(st.text(max_size=3), children, max_size=2)),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(JUNK)
def test_property_to_array_junk_only_input_error(data):
    try:
        result = to_array(data, argument="--pred")
    except InputError as exc:
        assert len(str(exc).splitlines()) == 1
    else:
        assert result.dtype in (np.int64, np.float64)


# --------------------------------------------------------------------------- hostile inputs


HUGE_INT = "7" * (sys.get_int_max_str_digits() + 1)


@pytest.mark.parametrize("name", ["i.json", "i.yaml"])
def test_integer_beyond_python_digit_limit_in_a_file(tmp_path, name):
    write(tmp_path, name, f"[{HUGE_INT}]")
    assert f"more than {sys.get_int_max_str_digits()} digits" in load_error(f"@{name}", tmp_path)


def test_integer_beyond_python_digit_limit_as_literal_and_on_stdin():
    assert "digits; write it as a float" in load_error(f"[1, {HUGE_INT}]")
    assert "digits; write it as a float" in load_error("-", stdin=f"[{HUGE_INT}]")


def test_integer_beyond_python_digit_limit_in_csv_is_a_float(tmp_path):
    write(tmp_path, "i.csv", f"{HUGE_INT},1\n")
    assert load("@i.csv", tmp_path)[0] == math.inf


@pytest.mark.parametrize("name", ["deep.json", "deep.yaml"])
def test_file_nested_beyond_the_recursion_limit(tmp_path, name):
    write(tmp_path, name, "[" * 100_000 + "]" * 100_000)
    message = load_error(f"@{name}", tmp_path)
    assert "nested too deeply" in message or "exceeded maximum nesting depth" in message


def test_non_utf8_bytes_on_standard_input():
    stream = io.TextIOWrapper(io.BytesIO(b"[1, \xff]"), encoding="utf-8")
    assert "standard input is not valid UTF-8" in error_of(
        load_tensor, "-", argument="--pred", stdin=stream)


def test_lone_surrogates_on_standard_input_as_text():
    assert "standard input is not valid UTF-8" in load_error("-", stdin="[1, \udcff]")


def test_standard_input_is_read_by_one_argument_only():
    stream = io.StringIO("[1, 2]")
    check(load_tensor("-", argument="--pred", stdin=stream), [1, 2], "int64")
    message = error_of(load_tensor, "-", argument="--target", stdin=stream)
    assert message == ("--target: standard input is already used by --pred; give this "
                       "TENSOR as a literal or @PATH")


def test_stdin_key_selects_an_entry():
    check(load("@-:b.c", stdin='{"a": 1, "b": {"c": [1.5, 2]}}'), [1.5, 2.0], "float64")
    check(load("@-:w", stdin="w: [1, 2]\n"), [1, 2], "int64")
    assert "no key 'x' in standard input (keys: a)" in load_error("@-:x", stdin='{"a": [1]}')
    assert "standard input holds a single tensor" in load_error("@-:x", stdin="3")
    assert "pick an entry with @-:KEY" in load_error("-", stdin='{"a": [1]}')


@pytest.mark.parametrize("kind", ["fifo", "device", "symlink to a device", "directory"])
def test_non_regular_files_are_refused_without_reading(tmp_path, kind):
    path = tmp_path / "x.json"
    if kind == "fifo":
        os.mkfifo(path)  # opening it to read would wait for a writer forever
    elif kind == "device":
        path = pathlib.Path("/dev/zero")  # reading it would never end
    elif kind == "symlink to a device":
        path.symlink_to("/dev/zero")
    else:
        path.mkdir()
    message = load_error(f"@{path}")
    assert "is a directory" in message if kind == "directory" else "not a regular file" in message


SECRET = "hunter2-secret"


@pytest.mark.parametrize(
    ("name", "content", "spec"),
    [
        ("pw.csv", f"1,2\nroot:x:0:0:{SECRET}:/root:/bin/bash,3\n", "@pw.csv"),
        ("pw.txt", f"root:x:{SECRET}\n", "@pw.txt"),
        ("s.yaml", f"password: {SECRET}\n", "@s.yaml"),
        ("s.yaml", f"password: {SECRET}\n", "@s.yaml:password"),
        ("s.yaml", f"password: {SECRET}\n", "@s.yaml:nope"),
        ("s.json", f'{{"{SECRET}": "x", "w": [1]}}', "@s.json:nope"),
        ("s.json", f'["{SECRET}"]', "@s.json"),
        ("s.yaml", f"*{SECRET}\n", "@s.yaml"),
        ("s.yaml", f"a: !!python/object:{SECRET} 1\n", "@s.yaml"),
        ("s.npy", f"\x93NUMPY\x01\x00{SECRET}", "@s.npy"),
    ],
)
def test_errors_never_quote_file_content(tmp_path, name, content, spec):
    write(tmp_path, name, content)
    message = load_error(spec, tmp_path)
    assert SECRET not in message and "root:x" not in message, message


def test_csv_error_gives_line_and_field_not_the_content(tmp_path):
    write(tmp_path, "p.csv", "1,2\n3,oops\n")
    assert load_error("@p.csv", tmp_path) == "--pred: line 2, field 2 of 'p.csv': not a number"


def test_missing_key_names_only_entries_that_hold_tensors(tmp_path):
    write(tmp_path, "m.yaml", "pred: [1, 2]\nuser: bob\nnested: {w: [1]}\n")
    message = load_error("@m.yaml:x", tmp_path)
    assert message.endswith("(3 keys; those holding tensors: pred, nested)"), message
    assert "user" not in message


def test_library_warnings_stay_out_of_the_one_line_error(tmp_path, recwarn):
    header = f"{{'descr': '<f8', 'fortran_order': False, 'shape': ({10**30},), }}"
    header += " " * (118 - len(header)) + "\n"
    write(tmp_path, "a.npy", b"\x93NUMPY\x01\x00" + bytes([len(header), 0]) + header.encode())
    torch.save(torch.ones(3), tmp_path / "p4.pt", pickle_protocol=4)
    for spec in ("@a.npy", "@p4.pt"):
        load_error(spec, tmp_path)
    assert not recwarn.list, [str(w.message) for w in recwarn.list]

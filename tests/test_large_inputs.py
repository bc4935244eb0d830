"""Inputs of any size: memory-mapped .npy files, chunked computation and validation, summaries.

Chunked results must equal the whole-array ones (small files cut into tiny chunks);
memory stays bounded (tracemalloc sees numpy's allocations); many terms are shown as
summary statistics and the largest terms, in the table and in JSON.
"""

from __future__ import annotations

import json
import tracemalloc

import numpy as np
import pytest

import losscli
from losscli.core.summary import summarize
from losscli.engine.validate import prepare
from losscli.families.registry import registry
from losscli.inputs import load_tensor, streaming
from losscli.tools.random_inputs import Dims, generate, valid

CHUNKED = [spec.name for spec in registry() if spec.chunks]


def _large_problem(spec, seed: int = 3) -> dict[str, np.ndarray]:
    """Valid inputs with 40 rows (enough to cut into many chunks)."""
    rng = np.random.default_rng(seed)
    for _ in range(50):
        values = generate(spec, rng, Dims(40, 4, (3,) if spec.chunks == "elements" else ()))
        if valid(spec, values):
            return values
    raise AssertionError(f"no valid inputs for {spec.name}")


def _saved(tmp_path, values: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The same values read back memory-mapped from .npy files."""
    out = {}
    for name, array in values.items():
        np.save(tmp_path / f"{name}.npy", array)
        out[name] = load_tensor(f"@{tmp_path}/{name}.npy", argument=f"--{name}")
    return out


@pytest.mark.parametrize("name", CHUNKED)
def test_chunked_results_equal_the_whole_array_ones(name, tmp_path):
    spec = registry().resolve(name)
    values = _saved(tmp_path, _large_problem(spec))
    for reduction in spec.reductions:
        whole = losscli.compute(spec, reduction=reduction, dtype="float64", chunk_elements=0,
                                **values)
        chunked = losscli.compute(spec, reduction=reduction, dtype="float64", chunk_elements=7,
                                  top=4, **values)
        assert chunked.backend == whole.backend == "numpy"
        assert any("chunks of 7" in note for note in chunked.notes), chunked.notes
        np.testing.assert_allclose(chunked.value, whole.value, rtol=1e-12, atol=1e-12)
        assert chunked.reduction.rule == whole.reduction.rule
        assert chunked.reduction.ignored == whole.reduction.ignored
        for part in ("numerator", "denominator"):
            a, b = getattr(chunked.reduction, part), getattr(whole.reduction, part)
            assert (a is None) == (b is None)
            if a is not None:
                assert a == pytest.approx(b, rel=1e-12, abs=1e-12)
        if reduction == "none":
            np.testing.assert_allclose(chunked.terms, whole.terms, rtol=1e-12, atol=1e-12)
        else:
            assert chunked.terms is None
        exact = summarize(whole.terms, whole.ignored, top=4)
        stats = chunked.stats
        assert stats.shape == exact.shape and stats.count == exact.count
        assert (stats.nan, stats.inf, stats.ignored) == (exact.nan, exact.inf, exact.ignored)
        for field in ("minimum", "maximum", "mean", "std"):
            assert getattr(stats, field) == pytest.approx(getattr(exact, field), rel=1e-9,
                                                          abs=1e-12, nan_ok=True)
        assert [v for _, v in stats.top] == pytest.approx([v for _, v in exact.top])


def test_npy_inputs_are_memory_mapped_and_never_copied(tmp_path):
    np.save(tmp_path / "p.npy", np.arange(12, dtype=np.float32).reshape(3, 4))
    array = load_tensor(f"@{tmp_path}/p.npy", argument="--pred")
    assert isinstance(array, np.memmap) and not array.flags.writeable
    result = losscli.compute("mse", pred=array, target=array)
    assert result.inputs["pred"] is array and result.value == 0.0


def test_object_npy_files_are_still_refused(tmp_path):
    np.save(tmp_path / "evil.npy", np.array([1, None], dtype=object), allow_pickle=True)
    from losscli.core.errors import InputError

    with pytest.raises(InputError, match="pickled"):
        load_tensor(f"@{tmp_path}/evil.npy", argument="--pred")


@pytest.fixture(scope="module")
def big_files(tmp_path_factory):
    """Two 64 MB float32 .npy files (16M elements each)."""
    folder = tmp_path_factory.mktemp("big")
    rng = np.random.default_rng(0)
    for name in ("a", "b"):
        out = np.lib.format.open_memmap(folder / f"{name}.npy", mode="w+", dtype=np.float32,
                                        shape=(1 << 22, 4))
        for start in range(0, out.shape[0], 1 << 20):
            out[start:start + (1 << 20)] = rng.standard_normal((1 << 20, 4), dtype=np.float32)
        out.flush()
        del out
    return folder


def _peak_bytes(function) -> int:
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("threads", [1, 2])
def test_validation_and_computation_stay_bounded(big_files, threads, monkeypatch):
    monkeypatch.setattr(streaming, "workers", lambda: threads)
    a = load_tensor(f"@{big_files}/a.npy", argument="--pred")
    b = load_tensor(f"@{big_files}/b.npy", argument="--target")
    spec = registry().resolve("mse")
    size = a.nbytes  # 64 MB each; a block is 4 MB
    assert _peak_bytes(lambda: prepare(spec, {"pred": a, "target": b})) < size / 8
    results = []
    peak = _peak_bytes(lambda: results.append(losscli.compute("mse", pred=a, target=b)))
    assert peak < size / 4 * threads, peak
    expected = np.mean((np.asarray(a, np.float64) - np.asarray(b, np.float64)) ** 2)
    assert results[0].value == pytest.approx(expected, rel=1e-6)
    assert results[0].terms is None and results[0].stats.count == a.size


def test_scans_release_the_pages_they_read(big_files):
    statm = "/proc/self/statm"
    try:
        open(statm).close()
    except OSError:
        pytest.skip("no /proc")

    def resident() -> int:
        return int(open(statm).read().split()[1]) * 4096

    array = np.load(big_files / "b.npy", mmap_mode="r")
    before = resident()
    low, high = streaming.extent(array)
    assert low < 0 < high
    assert resident() - before < array.nbytes / 4


def test_progress_bar_for_long_work(monkeypatch, tmp_path):
    events = []

    class Display:
        def add_task(self, label, total):
            events.append(("add", label, total))
            return 1

        def update(self, task, completed):
            events.append(("update", completed))

        def remove_task(self, task):
            events.append(("remove",))

        def stop(self):
            events.append(("stop",))

    monkeypatch.setattr(streaming.sys.stderr, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(streaming, "PROGRESS_DELAY_S", 0.0)
    monkeypatch.setattr(streaming, "_display", lambda: streaming._PROGRESS.update(
        display=Display()) or streaming._PROGRESS["display"])
    x = np.linspace(-1, 1, 400).reshape(100, 4)
    with streaming.progress():
        losscli.compute("mse", pred=x, target=x * 0, chunk_elements=40)
    assert events[0] == ("add", "computing mse", 400)  # equal shapes: flat pieces of elements
    assert ("update", 400) in events and events[-1] == ("stop",)
    events.clear()
    losscli.compute("mse", pred=x, target=x * 0, chunk_elements=40)  # outside: no bar
    assert events == []


# --------------------------------------------------------------------------- summaries


def _grid(rows: int = 10, cols: int = 3) -> tuple[str, str, np.ndarray]:
    pred = np.arange(rows * cols, dtype=np.float64).reshape(rows, cols) % 7
    return json.dumps(pred.tolist()), json.dumps(np.zeros_like(pred).tolist()), pred


def test_table_summarises_many_terms_and_lists_the_largest(cli):
    pred, target, values = _grid()
    out = cli("l1", "-p", pred, "-t", target, "--max-rows", "6", "--top", "3")
    assert out.code == 0
    assert "summary of 30 terms (shape [10, 3]) · NaN 0 · Inf 0" in out.stdout
    assert "min 0 · max 6 · mean" in out.stdout and "quantiles p5" in out.stdout
    assert "largest 3 terms" in out.stdout
    order = np.argsort(-values.reshape(-1), kind="stable")[:3]
    for rank, flat in enumerate(order, start=1):
        i, j = np.unravel_index(flat, values.shape)
        assert f"  {rank}      {i},{j} " in out.stdout
    few = cli("l1", "-p", pred, "-t", target, "--max-rows", "30")  # every row shown
    assert "summary of" not in few.stdout and "largest" not in few.stdout
    top = cli("l1", "-p", pred, "-t", target, "--max-rows", "30", "--top", "2").stdout
    assert "largest 2 terms" in top and "summary of" not in top
    quiet = cli("l1", "-p", pred, "-t", target, "--max-rows", "6", "--top", "0").stdout
    assert "summary of" in quiet and "largest" not in quiet


def test_json_summary_beyond_max_elements(cli):
    pred, target, values = _grid()
    small = json.loads(cli("l1", "-p", pred, "-t", target, "--json").stdout)
    assert small["terms"] == {"shape": [10, 3], "values": values.tolist()}
    out = json.loads(cli("l1", "-p", pred, "-t", target, "--json", "--max-elements", "29",
                         "--top", "2", "--reduction", "none", "--grad").stdout)
    terms = out["terms"]
    assert set(terms) == {"shape", "summary", "top"} and terms["shape"] == [10, 3]
    assert terms["summary"]["count"] == 30 and terms["summary"]["max"] == 6
    assert terms["summary"]["mean"] == pytest.approx(values.mean())
    assert terms["summary"]["std"] == pytest.approx(values.std())
    assert terms["summary"]["quantiles"]["p50"] == pytest.approx(np.median(values))
    assert [t["value"] for t in terms["top"]] == [6, 6]
    assert [t["index"] for t in terms["top"]] == [[2, 0], [4, 1]]  # 6 = 6 % 7 = 13 % 7
    assert out["value"] is None
    assert set(out["grad"]["pred"]) == {"shape", "summary"}


def test_chunked_cli_run_shows_the_summary(cli, tmp_path, monkeypatch):
    monkeypatch.setattr(streaming, "STREAM_ELEMENTS", 10)
    monkeypatch.setattr(streaming, "BLOCK_ELEMENTS", 8)
    np.save(tmp_path / "p.npy", np.linspace(0, 2, 60).reshape(20, 3))
    np.save(tmp_path / "t.npy", np.zeros((20, 3)))
    args = ("mse", "-p", f"@{tmp_path}/p.npy", "-t", f"@{tmp_path}/t.npy")
    table = cli(*args)
    assert table.code == 0 and "summary of 60 terms" in table.stdout
    assert "largest 5 terms" in table.stdout and "19,2" in table.stdout
    assert "chunks of 8 elements" in table.stdout
    out = json.loads(cli(*args, "--json").stdout)
    assert out["value"] == pytest.approx(np.mean(np.linspace(0, 2, 60) ** 2), rel=1e-6)
    assert out["terms"]["summary"]["count"] == 60 and out["terms"]["top"][0]["index"] == [19, 2]
    plain = cli(*args, "--reduction", "none", "-q").stdout.split()
    assert len(plain) == 60
    refused = cli(*args, "--explain")
    assert refused.code == 2 and "--explain" in refused.stderr


# --------------------------------------------------------------------------- declared sizes


def _input_error(text: str, **kwargs) -> str:
    from losscli.core.errors import InputError

    with pytest.raises(InputError) as info:
        load_tensor(text, argument="--pred", **kwargs)
    message = str(info.value)
    assert len(message.splitlines()) == 1, message
    return message


def test_stride0_tensor_claiming_a_huge_size_is_refused_before_any_copy(tmp_path):
    torch = pytest.importorskip("torch")
    torch.save(torch.zeros(1).expand(10**12), tmp_path / "s.pt")
    torch.save({"w": torch.zeros(1).expand(10**5, 10**5)}, tmp_path / "d.pt")
    assert (tmp_path / "s.pt").stat().st_size < 4096  # the claim really is tiny on disk
    tracemalloc.start()
    try:
        message = _input_error(f"@{tmp_path}/s.pt")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "declares 3.64 TiB of data, more than the limit of 1 GiB" in message
    assert "LOSSCLI_MAX_INPUT_BYTES" in message and peak < 50 << 20
    assert "entry 'w' of" in _input_error(f"@{tmp_path}/d.pt:w")


def test_input_limit_is_configurable(tmp_path, monkeypatch):
    torch = pytest.importorskip("torch")
    torch.save(torch.arange(300, dtype=torch.float32), tmp_path / "t.pt")
    np.savez_compressed(tmp_path / "z.npz", a=np.zeros(300))
    assert load_tensor(f"@{tmp_path}/t.pt", argument="--pred").shape == (300,)
    monkeypatch.setenv("LOSSCLI_MAX_INPUT_BYTES", "1K")
    assert "declares 1.17 KiB of data, more than the limit of 1 KiB" in _input_error(
        f"@{tmp_path}/t.pt")
    assert "entry 'a' of" in _input_error(f"@{tmp_path}/z.npz")
    monkeypatch.setenv("LOSSCLI_MAX_INPUT_BYTES", "4KiB")
    assert load_tensor(f"@{tmp_path}/t.pt", argument="--pred").shape == (300,)
    assert load_tensor(f"@{tmp_path}/z.npz", argument="--pred").shape == (300,)
    monkeypatch.setenv("LOSSCLI_MAX_INPUT_BYTES", "lots")
    from losscli.core.errors import InputError

    with pytest.raises(InputError, match="LOSSCLI_MAX_INPUT_BYTES: expected a number of bytes"):
        load_tensor(f"@{tmp_path}/t.pt", argument="--pred")


def test_npz_member_declaring_a_huge_size_is_refused_before_decompressing(tmp_path):
    path = tmp_path / "bomb.npz"
    np.savez_compressed(path, a=np.zeros(4))
    data = bytearray(path.read_bytes())
    central = data.index(b"PK\x01\x02")  # the central directory's uncompressed size
    data[central + 24 : central + 28] = (0xFFFF0000).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    assert "entry 'a' of" in _input_error(f"@{path}") and "declares 4 GiB" in _input_error(
        f"@{path}")


def test_npz_member_whose_header_claims_more_than_it_holds(tmp_path):
    import zipfile

    header = f"{{'descr': '<f8', 'fortran_order': False, 'shape': ({10**11},), }}"
    header += " " * (118 - len(header)) + "\n"
    member = b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header.encode()
    with zipfile.ZipFile(tmp_path / "h.npz", "w") as archive:
        archive.writestr("a.npy", member + bytes(80))
    assert "declares 745 GiB of data" in _input_error(f"@{tmp_path}/h.npz")


@pytest.mark.parametrize("shape", [(10**30,), (10**5, 10**5), (3,)])
def test_npy_header_declaring_more_than_the_file_holds(tmp_path, shape):
    header = f"{{'descr': '<f8', 'fortran_order': False, 'shape': {shape!r}, }}"
    header += " " * (118 - len(header)) + "\n"
    path = tmp_path / "a.npy"
    path.write_bytes(b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little")
                     + header.encode() + bytes(16))
    assert "is truncated: its header declares" in _input_error(f"@{path}")


def test_npy_file_really_on_disk_is_memory_mapped_beyond_the_input_limit(tmp_path, monkeypatch):
    from numpy.lib import format as npy

    path = tmp_path / "big.npy"
    with open(path, "wb") as handle:  # a sparse 8 GB .npy file: header, then holes
        npy.write_array_header_1_0(handle, {"descr": "<f8", "fortran_order": False,
                                            "shape": (10**9,)})
        handle.truncate(handle.tell() + 8 * 10**9)
    monkeypatch.setenv("LOSSCLI_MAX_INPUT_BYTES", "1M")
    array = load_tensor(f"@{path}", argument="--pred")
    assert array.shape == (10**9,) and isinstance(array, np.memmap)
    assert array[-1] == 0.0


@pytest.mark.parametrize("name", ["big.json", "big.yaml", "big.csv", "big.txt"])
def test_text_file_beyond_the_text_limit_is_refused_reading_limit_plus_one(tmp_path, name):
    path = tmp_path / name
    with open(path, "wb") as handle:
        handle.truncate(10 << 30)  # a sparse 10 GB file
    tracemalloc.start()
    try:
        message = _input_error(f"@{path}")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "is larger than 64 MiB, the limit for text input" in message
    assert ".npy" in message and "LOSSCLI_MAX_TEXT_BYTES" in message
    assert peak < 80 << 20, peak  # limit + 1 bytes read, not the file


def test_text_limit_is_configurable(tmp_path, monkeypatch):
    import io

    (tmp_path / "p.json").write_text("[" + ", ".join(["1.5"] * 100) + "]")
    monkeypatch.setenv("LOSSCLI_MAX_TEXT_BYTES", "100")
    assert "larger than 100 bytes" in _input_error(f"@{tmp_path}/p.json")
    assert "standard input is larger than 100 bytes" in _input_error(
        "-", stdin=io.StringIO("[" + "1, " * 100 + "1]"))
    monkeypatch.setenv("LOSSCLI_MAX_TEXT_BYTES", "1K")
    assert load_tensor(f"@{tmp_path}/p.json", argument="--pred").shape == (100,)


def test_endless_standard_input_is_cut_at_the_limit(monkeypatch):
    import io

    class Endless(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            buffer[:] = b"1" * len(buffer)
            return len(buffer)

    monkeypatch.setenv("LOSSCLI_MAX_TEXT_BYTES", "1M")
    stream = io.TextIOWrapper(io.BufferedReader(Endless()), encoding="utf-8")
    assert "standard input is larger than 1 MiB" in _input_error("-", stdin=stream)

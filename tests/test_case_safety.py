"""Case files from untrusted sources: atomic ``--update``, alias bombs, anchors, the ``@PATH``
boundary, messages without file content, XML-safe JUnit, integers too long to convert."""

from __future__ import annotations

import codecs
import errno
import json
import os
import stat
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import losscli.core.atomic
from losscli.cases.case import CaseError, load_file
from losscli.cases.source import MAX_ALIAS_NODES
from losscli.core.atomic import write_atomic
from losscli.core.errors import InputError

# mse of [1, 2] against zeros: (1 + 4) / 2 = 2.5; the file expects 2.4, --update writes 2.5.
STALE = """\
# the mse suite
- name: stale   # expects the old value
  loss: mse
  inputs: {pred: [1, 2], target: [0, 0]}
  expect: 2.4
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# --------------------------------------------------------------------------- atomic writes


def test_update_on_a_full_disk_exits_2_and_leaves_the_file_intact(cli, tmp_path, monkeypatch):
    path = write(tmp_path / "s.loss.yaml", STALE)
    before = path.read_bytes()

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(losscli.core.atomic.os, "fsync", full)
    out = cli("check", str(path), "--update")
    assert out.code == 2
    assert out.stderr.splitlines() == [
        f"losscli: error: --update: cannot write {str(path)!r}: No space left on device; "
        "the file was left as it was"]
    assert path.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_update_interrupted_before_the_rename_leaves_the_file_intact(cli, tmp_path,
                                                                     monkeypatch):
    path = write(tmp_path / "s.loss.yaml", STALE)
    before = path.read_bytes()

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(losscli.core.atomic.os, "replace", interrupted)
    out = cli("check", str(path), "--update")
    assert out.code == 130
    assert path.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_a_reader_sees_the_whole_old_file_until_the_new_one_replaces_it(tmp_path, monkeypatch):
    path = tmp_path / "f.yaml"
    path.write_bytes(b"old: 1\n" * 1000)
    seen = []
    real_replace = os.replace

    def replace(src, dst):
        seen.append((Path(dst).read_bytes(), Path(src).read_bytes()))  # what a reader sees now
        real_replace(src, dst)

    monkeypatch.setattr(losscli.core.atomic.os, "replace", replace)
    write_atomic(path, b"new: 2\n" * 1000, argument="--update")
    assert seen == [(b"old: 1\n" * 1000, b"new: 2\n" * 1000)]
    assert path.read_bytes() == b"new: 2\n" * 1000


def test_write_failure_in_the_middle_removes_the_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "f.yaml"
    path.write_bytes(b"keep me\n")

    def broken(fd, mode):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(losscli.core.atomic.os, "chmod", broken)
    with pytest.raises(InputError, match="cannot write .*Input/output error; the file was left"):
        write_atomic(path, b"new", argument="--junit")
    assert path.read_bytes() == b"keep me\n" and leftovers(tmp_path) == []


def test_update_keeps_permissions_bom_line_endings_and_symlinks(cli, tmp_path):
    real = tmp_path / "real" / "s.loss.yaml"
    real.parent.mkdir()
    real.write_bytes(codecs.BOM_UTF8 + textwrap.dedent(STALE).replace("\n", "\r\n").encode())
    real.chmod(0o640)
    link = tmp_path / "link.loss.yaml"
    link.symlink_to(real)
    out = cli("check", str(link), "--update")
    assert out.code == 0, out.stdout + out.stderr
    assert link.is_symlink(), "the link stays a link; its target is rewritten"
    data = real.read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    assert data[3:].decode() == textwrap.dedent(STALE).replace("\n", "\r\n").replace(
        "expect: 2.4", "expect: 2.5")
    assert stat.S_IMODE(real.stat().st_mode) == 0o640


def test_a_new_file_gets_the_permissions_of_the_umask(tmp_path):
    path = tmp_path / "report.xml"
    write_atomic(path, b"<x/>", argument="--junit")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


def test_junit_write_failure_keeps_the_previous_report(cli, tmp_path, monkeypatch):
    path = write(tmp_path / "s.loss.yaml", STALE)
    junit = tmp_path / "junit.xml"
    junit.write_text("previous")

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(losscli.core.atomic.os, "fsync", full)
    out = cli("check", str(path), "--junit", str(junit))
    assert out.code == 2 and "--junit: cannot write" in out.stderr
    assert junit.read_text() == "previous"


# --------------------------------------------------------------------------- YAML aliases


BOMB = """\
loss: mse
inputs: {pred: [1, 2], target: [0, 0]}
a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
expect: [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


@pytest.mark.parametrize("update", [False, True])
def test_alias_bomb_is_an_invalid_case_file(cli, tmp_path, update):
    path = tmp_path / "bomb.loss.yaml"
    path.write_text(BOMB)
    before = path.read_bytes()
    out = cli("check", str(path), *(["--update"] if update else []))
    assert out.code == 2
    assert out.stderr.splitlines() == [
        f"losscli: error: {path}: YAML aliases in the file expand to more than "
        f"{MAX_ALIAS_NODES:,} extra values; write the data out instead"]
    assert path.read_bytes() == before


def test_merge_key_bomb_and_self_reference_are_refused(tmp_path):
    levels = ["a0: &a0 {x: 1, y: 2}"] + [
        f"a{i}: &a{i} {{<<: [*a{i - 1}, *a{i - 1}, *a{i - 1}], k{i}: {i}}}" for i in range(1, 40)]
    path = tmp_path / "merge.yaml"
    path.write_text("loss: mse\n" + "\n".join(levels) + "\n")
    with pytest.raises(CaseError, match="YAML aliases in the file expand"):
        load_file(path)
    path.write_text("loss: mse\ninputs: &a {pred: [*a]}\n")
    with pytest.raises(CaseError, match="alias inside its own anchor"):
        load_file(path)


def test_small_anchors_still_work(tmp_path):
    path = write(tmp_path / "anchors.loss.yaml", """\
        - name: first
          loss: mse
          inputs: &in {pred: [1, 2], target: [0, 0]}
          expect: 2.5
        - {name: second, loss: mse, inputs: *in, expect: 2.5}
        """)
    first, second = load_file(path)
    assert second.values["pred"].tolist() == first.values["pred"].tolist() == [1, 2]


def test_update_keeps_comments_where_anchors_are_not_touched(cli, tmp_path):
    path = write(tmp_path / "a.loss.yaml", """\
        # shared inputs
        - name: one
          loss: mse
          inputs: &in {pred: [1, 2], target: [0, 0]}
          expect: 2.4   # stale
        - {name: two, loss: mse, inputs: *in, expect: 2.5}
        """)
    out = cli("check", str(path), "--update")
    assert out.code == 0, out.stdout
    text = path.read_text()
    assert "# shared inputs" in text and "# stale" in text and "&in" in text
    assert "expect: 2.5   # stale" in text


def test_update_keeps_anchors_and_comments_when_every_alias_follows(cli, tmp_path):
    text = textwrap.dedent("""\
        # base case
        - &base
          name: base
          loss: mse
          inputs: {pred: [1, 2], target: [0, 0]}
          expect: &value 2.4   # stale
        - <<: *base
          name: copy
          expect: *value
        """)
    path = tmp_path / "merge.loss.yaml"
    path.write_text(text)
    out = cli("check", str(path), "--update")
    assert out.code == 0, out.stdout
    assert path.read_text() == text.replace("&value 2.4", "&value 2.5")


def test_update_of_an_anchored_block_keeps_the_anchor_and_its_comments(cli, tmp_path):
    text = textwrap.dedent("""\
        loss: mse
        reduction: none
        inputs: {pred: [1, 2], target: [0, 0]}
        expect: &terms   # the terms
          # one per element
          - 1
          - 5
        """)
    path = tmp_path / "block.loss.yaml"
    path.write_text(text)
    assert cli("check", str(path), "--update").code == 0
    assert path.read_text() == text.replace("  - 1\n  - 5\n", "  [1.0, 4.0]\n")


def test_update_refuses_an_edit_that_an_alias_would_spread(cli, tmp_path):
    # l1 of [2.4] against [0] is 2.4: the second case passes with the shared value.
    text = textwrap.dedent("""\
        # shared value
        - name: stale
          loss: mse
          inputs: {pred: [1, 2], target: [0, 0]}
          expect: &value 2.4
        - name: right
          loss: l1
          inputs: {pred: [2.4], target: [0]}
          expect: *value
        """)
    path = tmp_path / "shared.loss.yaml"
    path.write_text(text)
    out = cli("check", str(path), "--update")
    assert out.code == 1
    assert ("shared.loss.yaml::stale: not updated: the file uses YAML anchors or aliases, which "
            "an automatic edit would expand (dropping its comments); set expect to 2.5 by hand"
            in " ".join(out.stdout.split()))
    assert path.read_text() == text


# --------------------------------------------------------------------------- @PATH boundary


@pytest.fixture
def tree(tmp_path):
    """A repository with a case folder, a data folder, and a secret outside both."""
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "creds.json").write_text('{"token": [1, 2]}')
    (tmp_path / "repo" / "data").mkdir(parents=True)
    (tmp_path / "repo" / "data" / "pred.json").write_text("[1, 2]")
    return tmp_path


def case_with(pred: str) -> str:
    return json.dumps({"loss": "mse", "inputs": {"pred": pred, "target": [0, 0]}, "expect": 2.5})


@pytest.mark.parametrize("reference", ["@{secret}/creds.json:token",
                                       "@../../secret/creds.json:token", "@../data/pred.json"])
def test_references_outside_the_checked_folder_are_refused(cli, tree, reference):
    case = tree / "repo" / "cases" / "c.json"
    case.parent.mkdir()
    case.write_text(case_with(reference.format(secret=tree / "secret")))
    out = cli("check", str(case.parent))
    assert out.code == 2
    assert "is outside the folders a case file may read" in out.stderr
    assert "--allow-path" in out.stderr


def test_allow_path_widens_the_boundary(cli, tree):
    case = tree / "repo" / "cases" / "c.json"
    case.parent.mkdir()
    case.write_text(case_with("@../data/pred.json"))
    assert cli("check", str(case.parent), "--allow-path", str(tree / "repo" / "data")).code == 0
    assert cli("check", str(tree / "repo")).code == 0, "the folder given holds data/ too"
    assert cli("run", str(case)).code == 2
    out = cli("run", str(case), "--allow-path", str(tree / "repo"))
    assert out.code == 0, out.stderr


def test_symlinks_are_resolved_before_the_check(cli, tree):
    cases = tree / "repo" / "cases"
    cases.mkdir()
    (cases / "inside.json").symlink_to(tree / "secret" / "creds.json")
    (cases / "c.json").write_text(case_with("@inside.json:token"))
    out = cli("check", str(cases / "c.json"))
    assert out.code == 2 and "'inside.json' is outside the folders" in out.stderr
    # A case file found in the folder that links out of it is not read at all.
    (tree / "secret" / "outside.loss.yaml").write_text("loss: mse\ntoken: s3cr3t\n")
    (cases / "linked.loss.yaml").symlink_to(tree / "secret" / "outside.loss.yaml")
    out = cli("check", str(cases))
    assert "linked.loss.yaml: the file is a link to a place outside the folder" in out.stderr
    assert "s3cr3t" not in out.stdout + out.stderr
    out = cli("check", str(cases), "--format", "github")
    [annotation] = [line for line in out.stdout.splitlines() if "linked.loss.yaml" in line]
    assert "line=" not in annotation, "the linked file is not read, not even for a line number"


# --------------------------------------------------------------------------- messages


def test_errors_do_not_echo_the_content_of_referenced_files(cli, tmp_path):
    (tmp_path / "creds.json").write_text('{"token": "s3cr3t-XYZ", "password": "hunter2"}')
    (tmp_path / "passwd.csv").write_text("root:x:0:0:root:/root:/bin/bash\n")
    cases = [("whole", "@creds.json"), ("no key", "@creds.json:nokey"),
             ("value", "@creds.json:token"), ("line", "@passwd.csv")]
    (tmp_path / "c.json").write_text(json.dumps(
        [{"name": n, "loss": "mse", "inputs": {"pred": ref, "target": [0]}} for n, ref in cases]))
    junit = tmp_path / "j.xml"
    out = cli("check", str(tmp_path / "c.json"), "--junit", str(junit), "--format", "json")
    assert out.code == 2
    everything = out.stdout + out.stderr + junit.read_text()
    for secret in ("s3cr3t", "hunter2", "password", "root:x", "/bin/bash"):
        assert secret not in everything
    assert "no key 'nokey' in 'creds.json'" in out.stderr, "the user's own text stays"
    assert len(out.stderr.splitlines()) == 4


def test_messages_quote_short_escaped_excerpts_of_the_case_file(cli, tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"name": "evil\x1b[31m\n", "loss": "x" * 5000,
                                "inputs": {"pred": [1], "target": [0]}, "k" * 3000: 1}))
    out = cli("check", str(path))
    assert out.code == 2
    [line] = out.stderr.splitlines()
    assert "\x1b" not in line and "\\x1b" in line
    assert len(line) < 400


# --------------------------------------------------------------------------- JUnit XML


@pytest.mark.parametrize("name", ["bell\x07 and escape\x1b", "lone \udcff surrogate",
                                  "nul \x00 and \ufffe"])
def test_junit_is_well_formed_whatever_the_names(cli, tmp_path, name):
    path = tmp_path / "c.json"
    path.write_text(json.dumps([{"name": name, "loss": "mse",
                                 "inputs": {"pred": [1], "target": [0]}, "expect": 2},
                                {"name": name + "!", "loss": "nope"}]))
    junit = tmp_path / "j.xml"
    out = cli("check", str(path), "--junit", str(junit), "--format", "json")
    assert out.code == 2, out.stderr
    root = ET.parse(junit).getroot()
    names = [case.get("name") for case in root.iter("testcase")]
    assert len(names) == 2 and all("\\x" in n or "\\u" in n for n in names)
    assert json.loads(out.stdout)["summary"]["total"] == 2


def test_file_names_with_undecodable_bytes_give_valid_junit(cli, tmp_path):
    folder = os.fsencode(tmp_path) + b"/bad\xff\x01.loss.yaml"
    with open(folder, "w") as stream:
        stream.write("loss: mse\ninputs: {pred: [1], target: [0]}\nexpect: 2\n")
    junit = tmp_path / "j.xml"
    out = cli("check", str(tmp_path), "--junit", str(junit))
    assert out.code == 1, out.stderr
    [case] = ET.parse(junit).getroot().iter("testcase")
    assert "bad\\udcff\\x01.loss.yaml" in case.get("classname")


# --------------------------------------------------------------------------- long integers


HUGE = "1" * 5000


@pytest.mark.parametrize("suffix,text", [
    (".yaml", f"loss: mse\ninputs: {{pred: [{HUGE}], target: [0]}}\n"),
    (".json", f'{{"loss": "mse", "inputs": {{"pred": [{HUGE}], "target": [0]}}}}'),
])
def test_integer_too_long_to_convert_is_one_invalid_file(cli, tmp_path, suffix, text):
    (tmp_path / f"huge{suffix}").write_text(text)
    write(tmp_path / "ok.loss.yaml", STALE.replace("2.4", "2.5"))
    junit = tmp_path / "j.xml"
    out = cli("check", str(tmp_path), "--junit", str(junit))
    assert out.code == 2
    assert out.stderr.splitlines() == [
        f"losscli: error: {tmp_path / ('huge' + suffix)}: the file holds a value that cannot be "
        "read: an integer has more than 4300 digits; write it as a float (1e5000)"]
    assert "1 passed" in out.stdout and ET.parse(junit).getroot().get("tests") == "2"


def test_hex_integer_beyond_float_range_is_an_invalid_case(cli, tmp_path):
    path = tmp_path / "hex.yaml"
    path.write_text(f"loss: mse\ninputs: {{pred: [1], target: [0]}}\nrtol: 0x{'f' * 5000}\n"
                    f"name: 0x{'f' * 5000}\n")
    out = cli("check", str(path))
    assert out.code == 2 and "rtol: expected a non-negative number, got an integer of" in out.stderr


def test_an_emptied_case_file_in_a_folder_is_an_error_not_skipped(cli, tmp_path):
    write(tmp_path / "ok.loss.yaml", STALE.replace("2.4", "2.5"))
    (tmp_path / "emptied.loss.yaml").write_text("")
    (tmp_path / "data.json").write_text("[1, 2]")  # other data is still skipped
    out = cli("check", str(tmp_path), "--format", "json")
    assert out.code == 2
    report = json.loads(out.stdout)
    assert [c["status"] for c in report["cases"]] == ["error", "passed"]
    assert "the file holds nothing" in report["cases"][0]["message"]
    assert report["skipped_files"] == [str(tmp_path / "data.json")]


def test_update_of_a_file_changed_while_it_was_checked_is_refused(tmp_path, monkeypatch):
    from losscli.cases import update as case_update
    from losscli.cases.suite import collect, run_suite

    path = write(tmp_path / "s.loss.yaml", STALE)
    entries, _ = collect([str(path)])
    real = case_update.update_file

    def changed_meanwhile(file, changes):
        file.write_text("loss: mse\ninputs: {pred: [1], target: [0]}\n")  # no list any more
        return real(file, changes)

    monkeypatch.setattr(case_update, "update_file", changed_meanwhile)
    report = run_suite(entries, update=True)
    assert report.outcomes[0].status == "failed"
    assert report.updates == [f"{path}::stale: not updated: the file changed or became "
                              "unreadable while it was checked; set expect to 2.5 by hand"]
    assert path.read_text() == "loss: mse\ninputs: {pred: [1], target: [0]}\n"

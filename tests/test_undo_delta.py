"""Undo entries kept as reverse deltas (issue 14): exact, small, checked, bounded.

Each entry holds what turns the record written by its change back into the record
before it. These tests undo long runs of random changes byte for byte, refuse forged
or damaged deltas, undo histories written before deltas existed, and check the
delta functions themselves against an interpreter of their own.
"""

from __future__ import annotations

import json
import random
import shutil
import struct
import tomllib
import zlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, run
from hlmctl.store import delta
from hlmctl.store import file as file_store
from hlmctl.store.delta import DELTA_MAGIC, apply_delta, make_delta, pack_delta
from hlmctl.store.file import sha256

# They look at the files themselves (record, undo folder): the file store.
pytestmark = pytest.mark.file_store

NOW = "2013-05-13T10:00"  # plenary 1 (at 09:30, `next` runs the opening's items)
GOLDEN = Path(__file__).parent / "golden" / "undo-format-1"


def ok(*args: str, input: str | None = None) -> None:
    result = run("--now", NOW, *args, input=input)
    assert result.exit_code == 0, (args, result.stderr)


def record(folder: Path) -> bytes | None:
    path = folder / "meeting.state.toml"
    return path.read_bytes() if path.exists() else None


def undo_dir(folder: Path) -> Path:
    return folder / "meeting.state.undo"


def manifest(folder: Path) -> list[dict[str, Any]]:
    data = json.loads((undo_dir(folder) / "manifest.json").read_text("utf-8"))
    return data["entries"]  # type: ignore[no-any-return]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every byte of the record and its undo history."""
    files = {"record": record(folder) or b""}
    for path in sorted(undo_dir(folder).iterdir()):
        files[path.name] = path.read_bytes()
    return files


def speakers_csv(count: int) -> str:
    rows = ["delegation,category,level"]
    rows += [f"NGO {i:05d},ngo,other" for i in range(1, count + 1)]
    return "\n".join(rows) + "\n"


def waiting(folder: Path) -> list[str]:
    data = tomllib.loads((record(folder) or b"").decode("utf-8"))
    return [s["id"] for s in data.get("speakers", []) if s["status"] == "waiting"]


def random_change(rng: random.Random, folder: Path, index: int) -> list[str]:
    ids = waiting(folder)
    pick = rng.choice
    kind = pick(["add", "add", "remove", "move", "move", "swap", "next", "absent", "close"])
    if kind == "add":
        return ["speakers", "add", f"Entity {index:03d}", "--category", "ngo"]
    if kind == "remove":
        return ["speakers", "remove", pick(ids)]
    if kind == "move":
        return ["speakers", "move", pick(ids), "--to", str(rng.randint(1, len(ids)))]
    if kind == "swap":
        first, second = rng.sample(ids, 2)
        return ["speakers", "swap", first, second]
    if kind == "close":
        return ["lists", pick(["close", "reopen"]), "plenary"]
    return [kind]


@pytest.fixture
def big(hlm: Path, isolated: Path) -> Path:
    """hlm-2013 with 300 speakers imported and one at the podium."""
    ok("speakers", "import", "-", input=speakers_csv(300))
    ok("next")
    return isolated


# --- through the CLI ----------------------------------------------------------------------------


def test_many_random_changes_undo_one_by_one_to_the_start_byte_exact(big: Path) -> None:
    rng = random.Random(14)
    start = record(big)
    before: list[bytes] = []
    for index in range(60):
        previous = record(big)
        assert previous is not None
        result = run("--now", NOW, *random_change(rng, big, index))
        if result.exit_code == 0:
            before.append(previous)
        else:  # refused (2) or nothing to do (3: the list is closed already): no write
            assert result.exit_code in (2, 3), result.stderr
            assert record(big) == previous
    assert len(before) >= 40
    entries = manifest(big)
    deltas = [e for e in entries if e["file"] and e["file"].endswith(".d")]
    assert len(deltas) >= len(before)  # every change of this run is kept as a delta ...
    assert max(e["size"] for e in deltas) < 2000  # ... a small one (the record is ~50 kB)
    assert run("validate").exit_code == 0
    for expected in reversed(before):
        undone = run("undo")
        assert undone.exit_code == 0, undone.stderr
        assert record(big) == expected
    assert record(big) == start


def test_an_import_is_kept_as_a_small_delta(big: Path) -> None:
    """The record before an import is (nearly) all inside the record after it."""
    before = record(big)
    rows = "delegation,category,level\n" + "".join(f"Org {i},ngo,other\n" for i in range(400))
    ok("speakers", "import", "-", input=rows)
    newest = manifest(big)[-1]
    assert newest["file"].endswith(".d") and newest["size"] < 2000
    ok("undo")
    assert record(big) == before


def test_a_record_rewritten_wholesale_is_kept_whole_and_undone(big: Path) -> None:
    """When little of the record before is left in the record after, its entry is a full
    copy (.z), as before deltas."""
    from hlmctl.store.file import Store

    before = record(big)
    assert before is not None
    elsewhere = big / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(big / "meeting.toml", elsewhere / "meeting.toml")
    ok("--meeting", str(elsewhere / "meeting.toml"), "speakers", "add", "Peru")
    rewritten = record(elsewhere)
    assert rewritten is not None
    store = Store(big / "meeting.toml")
    store._keep_for_undo(before, rewritten)
    store._write_record(rewritten)
    newest = manifest(big)[-1]["file"]
    assert newest.endswith(".z")
    assert zlib.decompress((undo_dir(big) / newest).read_bytes()) == before
    ok("undo")
    assert record(big) == before


def shuffled(raw: bytes, seed: int) -> bytes:
    """The record with its waiting speakers in another order (blocks moved, none changed)."""
    head, _, rest = raw.partition(b"[[speakers]]\n")
    speakers, log, tail = rest.partition(b"[[log]]\n")
    blocks = (b"[[speakers]]\n" + speakers).split(b"\n[[speakers]]\n")
    blocks = [blocks[0]] + [b"[[speakers]]\n" + b for b in blocks[1:]]
    first, others = blocks[0], [b.rstrip(b"\n") + b"\n" for b in blocks[1:]]
    random.Random(seed).shuffle(others)
    return head + b"\n".join([first.rstrip(b"\n") + b"\n", *others]) + b"\n" + log + tail


def test_an_entry_is_the_smaller_of_a_delta_and_a_full_copy(big: Path) -> None:
    """Speakers renamed here and there: a delta. Speakers put in a new order throughout:
    no delta that is smaller than the whole record compressed, which is kept instead."""
    from hlmctl.store.file import Store

    before = record(big)
    assert before is not None
    store = Store(big / "meeting.toml")
    for change in (lambda raw: raw.replace(b"NGO 001", b"Org 001"), lambda raw: shuffled(raw, 1)):
        current = record(big)
        assert current is not None
        changed = change(current)
        store._keep_for_undo(current, changed)
        store._write_record(changed)
        entry = manifest(big)[-1]
        delta, whole = pack_delta(changed, current), len(zlib.compress(current, 1))
        assert entry["size"] == (min(len(delta), whole) if delta else whole)
    kinds = [Path(e["file"]).suffix for e in manifest(big)[-2:]]
    assert kinds == [".d", ".z"]
    ok("undo")
    ok("undo")
    assert record(big) == before


def _forge(folder: Path, build: bytes) -> str:
    """Replace the newest entry by a well-formed delta that builds ``build``."""
    newest = manifest(folder)[-1]["file"]
    assert newest.endswith(".d")
    current = record(folder)
    assert current is not None
    forged = pack_delta(current, build)
    assert forged is not None
    (undo_dir(folder) / newest).write_bytes(forged)
    return str(newest)


def _refused(folder: Path, entry: str, before: dict[str, bytes]) -> None:
    result = run("undo")
    assert result.exit_code == 2, result.stderr
    assert entry in result.stderr and "altered" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert snapshot(folder) == before
    checked = run("validate")
    assert checked.exit_code == 2 and entry in checked.stderr


def test_a_forged_delta_is_refused_naming_the_entry(big: Path) -> None:
    real = record(big)
    ok("speakers", "move", "S250", "--to", "3")
    assert real is not None
    entry = _forge(big, real.replace(b"NGO 00250", b"NGO 99999"))
    _refused(big, entry, snapshot(big))


@pytest.mark.parametrize("damage", ["flipped byte", "truncated", "not a delta", "empty"])
def test_a_damaged_delta_is_refused_naming_the_entry(big: Path, damage: str) -> None:
    ok("speakers", "move", "S250", "--to", "3")
    entry = manifest(big)[-1]["file"]
    path = undo_dir(big) / entry
    packed = path.read_bytes()
    if damage == "flipped byte":
        spot = len(DELTA_MAGIC) + (len(packed) - len(DELTA_MAGIC)) // 2
        packed = packed[:spot] + bytes([packed[spot] ^ 0x20]) + packed[spot + 1 :]
    elif damage == "truncated":
        packed = packed[:-3]
    elif damage == "not a delta":
        packed = zlib.compress(record(big) or b"")
    else:
        packed = b""
    path.write_bytes(packed)
    _refused(big, entry, snapshot(big))


def _delta(base_len: int, out_len: int, ops: list[tuple[int, int, int]], lit: bytes = b"") -> bytes:
    body = struct.pack("<QQI", base_len, out_len, len(ops))
    body += b"".join(struct.pack("<BQQ", *op) for op in ops) + lit
    return DELTA_MAGIC + zlib.compress(body)


def test_a_delta_that_would_build_more_than_a_record_is_refused(
    big: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ok("speakers", "move", "S250", "--to", "3")
    current = record(big)
    assert current is not None
    entry = manifest(big)[-1]["file"]
    # A copy of the whole record fifty times over: 50 times the size of a record.
    bomb = _delta(len(current), 50 * len(current), [(1, 0, len(current))] * 50)
    (undo_dir(big) / entry).write_bytes(bomb)
    monkeypatch.setattr(file_store, "RECORD_MAX_BYTES", 10 * len(current))
    monkeypatch.setattr(delta, "RECORD_MAX_BYTES", 10 * len(current))
    _refused(big, entry, snapshot(big))
    with pytest.raises(ValueError, match="more than a record"):
        apply_delta(bomb, current)


def test_undo_refuses_to_throw_away_a_hand_edit_of_a_record_kept_by_deltas(big: Path) -> None:
    ok("speakers", "move", "S250", "--to", "3")
    ok("speakers", "add", "Peru")
    edited = (record(big) or b"").replace(b"NGO 00007", b"NGO 00007 (edited)")
    (big / "meeting.state.toml").write_bytes(edited)
    before = snapshot(big)
    result = run("undo")
    assert result.exit_code == 2
    assert "changed outside hlmctl" in result.stderr
    assert snapshot(big) == before
    # Its deltas cannot be rebuilt without the record they start from: validate checks
    # their shape only, and finds nothing wrong with the history.
    assert run("validate").exit_code == 0


def test_a_crashed_change_leaves_an_entry_that_undo_drops(big: Path) -> None:
    """The entry and manifest are written, the record is not (a crash before the write):
    validate finds nothing wrong, and undo drops that entry and undoes the change before."""
    from hlmctl.store.file import Store

    before = record(big)
    ok("speakers", "move", "S250", "--to", "3")
    current = record(big)
    assert current is not None
    never = current.replace(b"NGO 00100", b"NGO 00100 (never written)")
    Store(big / "meeting.toml")._keep_for_undo(current, never)
    assert manifest(big)[-1]["file"].endswith(".d")
    assert run("validate").exit_code == 0
    ok("undo")
    assert record(big) == before


def test_the_undo_history_of_deltas_is_bounded_in_count_and_bytes(
    big: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(file_store, "UNDO_KEEP", 5)
    records = []
    for index in range(9):
        records.append(record(big))
        ok("speakers", "move", f"S{200 + index}", "--to", str(1 + index))
    entries = manifest(big)
    assert len(entries) == 5
    files = sorted(p.name for p in undo_dir(big).iterdir() if p.name != "manifest.json")
    assert files == sorted([".hlmctl-undo", *(e["file"] for e in entries)])
    for expected in reversed(records[-5:]):
        ok("undo")
        assert record(big) == expected
    assert run("undo").exit_code == 3  # nothing left
    smallest = min(e["size"] for e in entries)
    monkeypatch.setattr(file_store, "UNDO_MAX_BYTES", smallest * 2)
    for index in range(3):
        ok("speakers", "move", f"S{220 + index}", "--to", "2")
    entries = manifest(big)
    assert 1 <= len(entries) <= 2
    assert sum(e["size"] for e in entries) <= smallest * 2 or len(entries) == 1


# --- an undo history written before deltas (format 1, whole records in .z files) ----------------


@pytest.fixture
def upgraded(isolated: Path) -> Path:
    """A meeting in progress whose history was written by hlmctl before deltas: six
    changes (four inscriptions, next, a move) and a pause, each kept as a .z file."""
    shutil.copy(EXAMPLES / "hlm-2013.toml", isolated / "meeting.toml")
    shutil.copy(GOLDEN / "meeting.state.toml", isolated / "meeting.state.toml")
    shutil.copytree(GOLDEN / "meeting.state.undo", undo_dir(isolated))
    return isolated


def test_an_old_history_is_valid_and_undoes_to_the_start(upgraded: Path) -> None:
    entries = manifest(upgraded)
    assert all(e["file"] is None or e["file"].endswith(".z") for e in entries)
    assert sha256(record(upgraded) or b"") == entries[-1]["new"]
    assert run("validate").exit_code == 0
    for entry in reversed(entries):
        ok("undo")
        now = record(upgraded)
        assert (sha256(now) if now is not None else None) == entry["old"]
    assert record(upgraded) is None  # before the first inscription there was none
    assert run("undo").exit_code == 3


def test_new_changes_on_an_old_history_undo_through_both_kinds(upgraded: Path) -> None:
    old_entries = manifest(upgraded)
    before = []
    for args in (["speakers", "add", "Peru"], ["next"], ["speakers", "move", "S5", "--to", "1"]):
        before.append(record(upgraded))
        ok(*args)
    kinds = [Path(e["file"]).suffix for e in manifest(upgraded) if e["file"]]
    assert kinds == [".z"] * 6 + [".d"] * 3
    assert run("validate").exit_code == 0
    for expected in reversed(before):
        ok("undo")
        assert record(upgraded) == expected
    for entry in reversed(old_entries):
        ok("undo")
        now = record(upgraded)
        assert (sha256(now) if now is not None else None) == entry["old"]


def test_a_tampered_old_entry_is_still_refused(upgraded: Path) -> None:
    newest = manifest(upgraded)[-1]["file"]
    path = undo_dir(upgraded) / newest
    path.write_bytes(zlib.compress(zlib.decompress(path.read_bytes()).replace(b"Mali", b"Malta")))
    _refused(upgraded, newest, snapshot(upgraded))


# --- the delta functions --------------------------------------------------------------------


def rebuild(new: bytes, ops: list[tuple[int, int, int]], literal: list[bytes]) -> bytes:
    """An interpreter of make_delta's operations, written apart from the store's."""
    out, pieces = [], iter(literal)
    pending = b""
    for kind, offset, length in ops:
        if kind == 1:
            assert offset >= 0 and offset + length <= len(new)
            out.append(new[offset : offset + length])
        else:
            assert kind == 2 and offset == 0
            while len(pending) < length:
                pending += next(pieces)
            out.append(pending[:length])
            pending = pending[length:]
    assert pending == b"" and next(pieces, None) is None
    return b"".join(out)


LINES = [
    b"[[speakers]]\n",
    b'status = "waiting"\n',
    b'status = "spoke"\n',
    b"inscribed_at = 2013-05-13T09:30:00-04:00\n",
    b"\n",
    b"[[log]]\n",
    b'list = "plenary"\n',
    b"[lists]\n",
]
line = st.one_of(
    st.sampled_from(LINES),
    st.integers(1, 400).map(lambda i: f'id = "S{i}"\n'.encode()),
    st.binary(max_size=30),
)
text = st.lists(line, max_size=120).map(b"".join)


@st.composite
def edited(draw: st.DrawFn) -> tuple[bytes, bytes]:
    """A text and the same text after a few edits: insertions, deletions, replacements
    and moves of random spans (or an unrelated text altogether)."""
    old = draw(text)
    if draw(st.booleans()) and not draw(st.booleans()):
        return old, draw(text)
    new = old
    for _ in range(draw(st.integers(0, 4))):
        i = draw(st.integers(0, len(new)))
        j = draw(st.integers(i, min(len(new), i + 200)))
        how = draw(st.sampled_from(["insert", "delete", "replace", "move"]))
        piece = draw(text) if how in ("insert", "replace") else b""
        if how == "insert":
            new = new[:i] + piece + new[i:]
        elif how == "delete":
            new = new[:i] + new[j:]
        elif how == "replace":
            new = new[:i] + piece + new[j:]
        else:
            rest = new[:i] + new[j:]
            k = draw(st.integers(0, len(rest)))
            new = rest[:k] + new[i:j] + rest[k:]
    return new, old


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edited())
def test_a_delta_rebuilds_the_old_record_exactly(pair: tuple[bytes, bytes]) -> None:
    new, old = pair
    ops, literal = make_delta(new, old)
    assert rebuild(new, ops, literal) == old
    packed = pack_delta(new, old)
    if packed is not None:
        assert apply_delta(packed, new) == old
        assert apply_delta(packed, None) is None  # its shape alone checks out
        with pytest.raises(ValueError):
            apply_delta(packed, new + b"x")  # a delta is for one record only


def synthetic_record(count: int) -> list[bytes]:
    """The blocks of a record shaped as hlmctl writes it: a header, speakers, log."""
    blocks = [b'format = 1\nmeeting = "hlm-2013"\nnext_id = %d\n\n' % (count + 1)]
    for i in range(1, count + 1):
        blocks.append(
            b'[[speakers]]\nid = "S%d"\nlist = "plenary"\ndelegation = "NGO %05d"\n'
            b'category = "ngo"\nlevel = "other"\nstatus = "waiting"\n'
            b"inscribed_at = 2013-05-13T09:30:00-04:00\n\n" % (i, i)
        )
    for i in range(count // 10):
        blocks.append(
            b'[[log]]\nat = 2013-05-13T09:30:00-04:00\noperator = "tester"\n'
            b'command = "speakers add"\nchange = "S%d NGO %05d inscribed"\n\n' % (i + 1, i + 1)
        )
    blocks.append(b"[lists]\n\n[meetings.plenary-1]\nopened_at = 2013-05-13T09:30:00-04:00\n")
    return blocks


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_a_change_at_a_few_places_makes_a_small_delta(data: st.DataObject) -> None:
    """One to three speakers changed, moved, added or removed anywhere, and a log entry
    appended: the delta holds little more than the changed lines, whatever the size."""
    blocks = synthetic_record(2000)
    old = b"".join(blocks)
    changed = 0
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(1, 2000))
        how = data.draw(st.sampled_from(["status", "move", "add", "remove"]))
        if how == "status":
            blocks[at] = blocks[at].replace(b'"waiting"', b'"spoke"')
        elif how == "move":
            to = data.draw(st.integers(1, 1999))
            blocks.insert(to, blocks.pop(at))
        elif how == "add":
            blocks.insert(at, b'[[speakers]]\nid = "S9%04d"\nlist = "plenary"\n\n' % at)
        else:
            changed += len(blocks.pop(at))
        changed += 250  # a speaker block is ~180 bytes
    blocks.insert(-1, b'[[log]]\nat = 2013-05-13T10:00:00-04:00\nchange = "moved"\n\n')
    new = b"".join(blocks)
    ops, literal = make_delta(new, old)
    assert rebuild(new, ops, literal) == old
    assert sum(map(len, literal)) <= changed
    assert len(ops) <= 40
    packed = pack_delta(new, old)
    assert packed is not None and len(packed) < 1500
    assert apply_delta(packed, new) == old


def test_a_rewritten_record_is_not_kept_as_a_delta() -> None:
    """Most of the record changed (an import, a restore): a full copy is no larger."""
    old = b"".join(synthetic_record(300))
    assert pack_delta(old[::-1], old) is None  # nothing left in place
    assert pack_delta(b"", old) is None  # nothing to copy from
    assert pack_delta(old, old) is not None  # nothing changed: a delta of one copy


@pytest.mark.parametrize(
    ("packed", "problem"),
    [
        (b"hlmctl-undo-delta-0\n" + zlib.compress(b""), "not an undo delta"),
        (DELTA_MAGIC + b"\x78\x9c garbage", "does not inflate"),
        (DELTA_MAGIC + zlib.compress(b"short"), "truncated"),
        (_delta(10, 2**40, []), "more than a record"),
        (_delta(10, 5, [(1, 6, 5)]), "out of bounds"),
        (_delta(10, 5, [(2, 0, 5)], b"abc"), "out of bounds"),
        (_delta(10, 5, [(3, 0, 5)]), "out of bounds"),
        (_delta(10, 5, [(1, 0, 4)]), "does not add up"),
        (_delta(10, 5, [(1, 0, 5)], b"left over"), "does not add up"),
        (_delta(10, 5, [(1, 0, 10)]), "builds more than it says"),
        (_delta(10, 5, [(1, 0, 5)] * 10_001), "more than a record"),
    ],
)
def test_a_malformed_delta_is_refused(packed: bytes, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        apply_delta(packed, b"0123456789")


# --- what is synced, in which order -------------------------------------------------------------


def _io_events(monkeypatch: pytest.MonkeyPatch, folder: Path) -> list[tuple[str, str]]:
    """os.fsync and os.replace calls from now on, as (call, name relative to folder)."""
    import os

    if not Path("/proc/self/fd").is_dir():
        pytest.skip("needs /proc/self/fd to name a synced file")
    events: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def name(path: str) -> str:
        relative = os.path.relpath(path, folder.resolve())
        return "." if relative == "." else relative.replace(os.sep, "/")

    def fsync(fd: int) -> None:
        synced = name(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)
        events.append(("fsync", synced))  # once done: some run at once, in threads

    def replace(src: str, dst: str) -> None:
        events.append(("replace", name(str(dst))))
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    return events


def test_an_entry_is_on_disk_before_the_record_that_needs_it(
    big: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = _io_events(monkeypatch, big)
    ok("speakers", "move", "S250", "--to", "3")
    entry = "meeting.state.undo/" + manifest(big)[-1]["file"]
    manifest_file = "meeting.state.undo/manifest.json"
    synced = [name for call, name in events if call == "fsync"]
    replaced = [name for call, name in events if call == "replace"]
    assert replaced == [entry, manifest_file, "meeting.state.toml"]
    assert len(synced) == 5  # see the comment on the undo section of store/file.py
    order = [(call, name) for call, name in events]
    at = order.index
    # The new record, the entry and the manifest are on disk, under temporary names,
    # before anything is renamed: a full disk fails there, before the undo history is
    # touched. The three are synced together (in any order).
    staged = synced[:3]
    assert sorted(staged) == sorted(
        [
            next(n for n in staged if n.startswith(".meeting.state.toml.")),
            next(n for n in staged if n.startswith(entry.replace("undo/", "undo/.") + ".")),
            next(n for n in staged if n.startswith("meeting.state.undo/.manifest.json.")),
        ]
    )
    assert max(at(("fsync", n)) for n in staged) < at(("replace", entry))
    # The undo folder (both renames) before the record is renamed; the record's folder last.
    assert (
        at(("replace", entry))
        < at(("replace", manifest_file))
        < at(("fsync", "meeting.state.undo"))
        < at(("replace", "meeting.state.toml"))
    )
    assert order[-1] == ("fsync", ".")


def test_undo_syncs_the_record_and_the_manifest_but_not_the_undo_folder(
    big: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an undo, a lost rename of the manifest is harmless: its newest entry has the
    restored record as its "before", and the next undo drops it."""
    before = record(big)
    ok("speakers", "move", "S250", "--to", "3")
    middle = record(big)
    ok("speakers", "move", "S251", "--to", "3")
    saved = (undo_dir(big) / "manifest.json").read_bytes()
    with monkeypatch.context() as patched:
        events = _io_events(patched, big)
        ok("undo")
    assert record(big) == middle
    assert [name for call, name in events if call == "replace"] == [
        "meeting.state.toml",
        "meeting.state.undo/manifest.json",
    ]
    synced = [name for call, name in events if call == "fsync"]
    assert len(synced) == 3 and synced[1] == "." and "meeting.state.undo" not in synced
    # A power cut loses the manifest's rename (not its removal of the entry undone).
    (undo_dir(big) / "manifest.json").write_bytes(saved)
    assert run("validate").exit_code == 0
    ok("undo")  # drops the entry of the change undone already, and undoes the one before
    assert record(big) == before

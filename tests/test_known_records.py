"""Records already validated, kept in a long-running process (store/known.py): the
same bytes give a copy of what validation gave; other bytes, one byte different,
are validated in full; nothing is kept unless a console or a board runs; the
garbage collector is left as it was."""

from __future__ import annotations

import gc
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import EXAMPLES, run
from hlmctl.errors import InvalidFileError
from hlmctl.record import Record, parse_record
from hlmctl.store import known
from hlmctl.store.file import Store

RAW = (EXAMPLES / "gofr-2013.state.toml").read_bytes()


class Counting:
    """parse_record, counting its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, raw: bytes) -> Record:
        self.calls += 1
        return parse_record(raw, "record")


@pytest.fixture
def kept() -> Iterator[None]:
    known.keep()
    try:
        yield
    finally:
        known.release()


def test_the_same_bytes_are_validated_once_and_each_read_gets_its_own_copy(kept: None) -> None:
    parse = Counting()
    first = known.parse(RAW, parse)
    second = known.parse(RAW, parse)
    assert parse.calls == 1
    assert second is not first
    assert second.model_dump() == first.model_dump() == parse_record(RAW, "r").model_dump()
    # A change applied to one copy (in place, as a command does) is not in the next.
    first.speakers.pop()
    first.next_id += 1
    third = known.parse(RAW, parse)
    assert parse.calls == 1
    assert third.model_dump() == second.model_dump()


def test_bytes_one_byte_different_are_validated_in_full(kept: None) -> None:
    parse = Counting()
    known.parse(RAW, parse)
    # A hand edit that keeps the length: a speaker id made a duplicate of another.
    assert b'id = "S2"' in RAW and b'id = "S3"' in RAW
    edited = RAW.replace(b'id = "S3"', b'id = "S2"', 1)
    with pytest.raises(InvalidFileError, match="appears twice"):
        known.parse(edited, parse)
    assert parse.calls == 2
    # A valid edit gives the edited record, not the one kept.
    renamed = RAW.replace(b'delegation = "Belarus"', b'delegation = "Belaris"', 1)
    assert known.parse(renamed, parse).speakers[2].delegation == "Belaris"
    assert parse.calls == 3
    assert known.parse(RAW, parse).speakers[2].delegation == "Belarus"
    assert parse.calls == 3


def test_nothing_is_kept_unless_a_console_or_a_board_runs() -> None:
    parse = Counting()
    known.parse(RAW, parse)
    known.parse(RAW, parse)
    assert parse.calls == 2
    known.keep()
    known.keep()
    known.parse(RAW, parse)
    known.release()  # one of two users left: still kept
    known.parse(RAW, parse)
    assert parse.calls == 3
    known.release()  # none left: forgotten
    known.keep()
    try:
        known.parse(RAW, parse)
        assert parse.calls == 4
    finally:
        known.release()


def test_only_the_last_few_records_are_kept(kept: None) -> None:
    parse = Counting()
    versions = [
        RAW.replace(b'delegation = "Belarus"', f'delegation = "Edit {i}"'.encode(), 1)
        for i in range(5)
    ]
    for raw in versions:
        known.parse(raw, parse)
    known.parse(versions[-1], parse)
    assert parse.calls == 5
    known.parse(versions[0], parse)  # the oldest went
    assert parse.calls == 6


@pytest.mark.parametrize("enabled", [True, False])
def test_the_garbage_collector_is_left_as_it_was(kept: None, enabled: bool) -> None:
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        seen: list[bool] = []

        def parse(raw: bytes) -> Record:
            seen.append(gc.isenabled())
            return parse_record(raw, "record")

        known.parse(RAW, parse)
        known.parse(RAW, parse)
        assert seen == [False]  # paused while it validates
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_a_store_read_sees_a_hand_edit_made_between_two_reads(tmp_path: Path, kept: None) -> None:
    shutil.copy(EXAMPLES / "gofr-2013.toml", tmp_path / "gofr.toml")
    shutil.copy(EXAMPLES / "gofr-2013.state.toml", tmp_path / "gofr.state.toml")
    store = Store(tmp_path / "gofr.toml")
    meeting = store.load_meeting()
    first = store.read_record(meeting)
    path = tmp_path / "gofr.state.toml"
    path.write_bytes(path.read_bytes().replace(b'id = "S3"', b'id = "S2"', 1))
    with pytest.raises(InvalidFileError, match="appears twice"):
        store.read_record(meeting)
    path.write_bytes(RAW)
    assert store.read_record(meeting).model_dump() == first.model_dump()


def test_validate_validates_the_record_even_in_a_process_that_keeps_records(
    tmp_path: Path, kept: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(EXAMPLES / "gofr-2013.toml", tmp_path / "gofr.toml")
    shutil.copy(EXAMPLES / "gofr-2013.state.toml", tmp_path / "gofr.state.toml")
    assert run("--meeting", "gofr.toml", "validate").exit_code == 0
    assert run("--meeting", "gofr.toml", "now").exit_code == 0  # read, and kept
    path = tmp_path / "gofr.state.toml"
    path.write_bytes(path.read_bytes().replace(b'id = "S3"', b'id = "S2"', 1))
    done = run("--meeting", "gofr.toml", "validate")
    assert done.exit_code == 2
    assert "appears twice" in done.stderr

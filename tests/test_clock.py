"""Issue 18: the clock is read under the lock, one clock for several desks, and a
clock behind the record does not stop the meeting.

The rule: a change is recorded at the time its store reads once it holds its lock
(the file lock, or the PostgreSQL row lock, with the database server's time); a
system clock behind the record's latest time records at that latest time, with a
warning; only a time the user gives (``--now``, ``$HLMCTL_NOW``) earlier than the
record is refused. Real processes show writers at once and desks whose clocks
differ (one desk run under Debian's ``faketime``); the rest runs in-process.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import EXAMPLES, hlmctl_process, run
from hlmctl.clock import EARLIEST, LATEST, Clock, in_range
from hlmctl.delegations import reference
from hlmctl.errors import InputError
from hlmctl.record import Record

WAIT = 120.0
NEW_YORK = ZoneInfo("America/New_York")


def delegations(count: int) -> list[str]:
    names = sorted(
        d.name for d in reference().delegations if d.category == "member-state" and d.name.isascii()
    )
    return names[:count]


def finish(proc: subprocess.Popen[bytes]) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=WAIT)
    return proc.returncode, out.decode(), err.decode()


def faketime() -> str:
    found = shutil.which("faketime")
    if found is None:
        message = "needs Debian's faketime (scripts/system-deps installs it)"
        if os.environ.get("CI"):  # CI installs it: its absence there is a failure
            pytest.fail(message)
        pytest.skip(message)
    return found


def behind_process(
    seconds: int, *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """A real hlmctl process on a desk whose clock is ``seconds`` behind this one's."""
    import os

    return subprocess.Popen(
        [faketime(), "-f", f"-{seconds}s", sys.executable, "-m", "hlmctl", *args],
        cwd=cwd,
        env={**os.environ, "FAKETIME_DONT_FAKE_MONOTONIC": "1", **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def log_times(*options: str) -> list[datetime]:
    result = run(*options, "log", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return [datetime.fromisoformat(e["at"]) for e in json.loads(result.stdout)]


def speakers(*options: str) -> list[dict[str, Any]]:
    result = run(*options, "speakers", "list", "--all", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


def assert_durations_are_never_negative(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        if row["started_at"] and row["ended_at"]:
            start = datetime.fromisoformat(row["started_at"])
            assert datetime.fromisoformat(row["ended_at"]) >= start, row
        if row["spoken_seconds"] is not None:
            assert row["spoken_seconds"] >= 0, row


# --- the rule, in the domain ----------------------------------------------------------------


def record_at(latest: datetime) -> Record:
    from hlmctl.record import LogEntry

    record = Record(meeting="hlm-2013")
    record.log.append(LogEntry(at=latest, operator="t", command="c", change="x"))
    return record


def test_a_given_time_earlier_than_the_record_is_refused() -> None:
    latest = datetime(2013, 5, 13, 10, 5, tzinfo=NEW_YORK)
    clock = Clock(NEW_YORK, latest - timedelta(minutes=1))
    with pytest.raises(InputError, match="cannot be recorded in the past"):
        clock.read(record_at(latest))
    assert Clock(NEW_YORK, latest).read(record_at(latest)) == latest


def test_a_clock_behind_the_record_records_at_its_latest_time_and_says_so() -> None:
    warned: list[str] = []
    latest = (datetime.now(UTC) + timedelta(minutes=7)).astimezone(NEW_YORK).replace(microsecond=0)
    at = Clock(NEW_YORK, warn=warned.append).read(record_at(latest))
    assert at == latest
    assert len(warned) == 1 and "this machine's clock" in warned[0]
    assert f"{latest:%Y-%m-%d %H:%M:%S}" in warned[0]
    # The database server's clock, when the store passes it.
    server = latest - timedelta(seconds=4)
    warned.clear()
    assert Clock(NEW_YORK, warn=warned.append).read(record_at(latest), server=server) == latest
    assert "database server's clock" in warned[0]
    assert f"{server.astimezone(NEW_YORK):%H:%M:%S}" in warned[0]


def test_a_clock_ahead_of_the_record_is_used_as_it_is() -> None:
    warned: list[str] = []
    latest = datetime(2013, 5, 13, 10, 5, tzinfo=NEW_YORK)
    server = datetime(2013, 5, 13, 14, 6, 7, 890, tzinfo=UTC)
    at = Clock(NEW_YORK, warn=warned.append).read(record_at(latest), server=server)
    assert at == server.replace(microsecond=0) and at.tzinfo == NEW_YORK
    assert warned == []


# --- in-process: a clock stepped back, a time given in the past -----------------------------


def test_a_clock_stepped_back_minutes_warns_and_the_meeting_goes_on(hlm: Path) -> None:
    ahead = datetime.now(NEW_YORK).replace(microsecond=0) + timedelta(minutes=6)
    for name in ("Peru", "Chile"):
        assert run("--now", ahead.isoformat(), "speakers", "add", name).exit_code == 0
    assert run("--now", ahead.isoformat(), "next").exit_code == 0
    # The system clock is now six minutes behind the record: nothing is refused.
    for command in (("speakers", "add", "Mali"), ("next",), ("next",)):
        result = run(*command)
        assert result.exit_code == 0, result.stderr
        warning = result.stderr.strip().splitlines()
        assert len(warning) == 1 and warning[0].startswith("hlmctl: warning: "), warning
        assert (
            f"{ahead:%Y-%m-%d %H:%M:%S}" in warning[0]
            and "check this machine's clock" in (warning[0])
        )
    assert log_times() == [ahead] * 6
    rows = speakers()
    assert_durations_are_never_negative(rows)
    assert Counter(r["status"] for r in rows) == {"spoken": 2, "speaking": 1}


@pytest.mark.parametrize("how", ["--now", "HLMCTL_NOW"])
def test_a_time_given_in_the_past_is_still_refused(hlm: Path, how: str) -> None:
    assert run("--now", "2013-05-13T10:05", "speakers", "add", "Peru").exit_code == 0
    before = (hlm.parent / "meeting.state.toml").read_bytes()
    if how == "--now":
        result = run("--now", "2013-05-13T10:04", "speakers", "add", "Chile")
    else:
        result = run("speakers", "add", "Chile", env={"HLMCTL_NOW": "2013-05-13T10:04"})
    assert result.exit_code == 2
    assert "a change cannot be recorded in the past" in result.stderr
    assert (hlm.parent / "meeting.state.toml").read_bytes() == before


# --- real processes: thirty writers with the system clock, a desk behind ----------------------


def test_thirty_writers_at_once_with_the_system_clock_lose_nothing(hlm: Path) -> None:
    names = delegations(30)
    procs = [
        hlmctl_process("speakers", "add", name, cwd=hlm.parent, env={"HLMCTL_LOCK_TIMEOUT": "90"})
        for name in names
    ]
    results = [finish(p) for p in procs]
    assert [code for code, _, _ in results] == [0] * 30, [err for _, _, err in results if err]
    rows = speakers()
    assert sorted(r["delegation"] for r in rows) == sorted(names)
    assert sorted(int(r["id"][1:]) for r in rows) == list(range(1, 31))
    times = log_times()
    assert len(times) == 30 and times == sorted(times)


def test_a_process_whose_clock_is_behind_goes_on_with_a_warning(hlm: Path) -> None:
    """The file store is one machine's clock: a process that reads it seconds behind
    (a time-server step) records at the record's latest time, next included."""
    folder = hlm.parent
    assert finish(hlmctl_process("speakers", "add", "Peru", cwd=folder))[0] == 0
    assert finish(hlmctl_process("speakers", "add", "Chile", cwd=folder))[0] == 0
    assert finish(hlmctl_process("next", cwd=folder))[0] == 0
    for args in (("next",), ("speakers", "add", "Mali"), ("next",)):
        code, _, err = finish(behind_process(300, *args, cwd=folder))
        assert code == 0, err
        assert "hlmctl: warning: this machine's clock" in err
    times = log_times()
    assert times == sorted(times)
    assert_durations_are_never_negative(speakers())


# --- two desks on PostgreSQL: one clock, the server's --------------------------------------


def two_desks(tmp_path: Path) -> dict[str, Path]:
    desks = {}
    for name in ("alice", "bob"):
        (tmp_path / name).mkdir()
        shutil.copy(EXAMPLES / "hlm-2013.toml", tmp_path / name / "meeting.toml")
        desks[name] = tmp_path / name / "meeting.toml"
    assert run("--meeting", str(desks["alice"]), "store", "init").exit_code == 0
    return desks


def desk_process(desks: dict[str, Path], who: str, *args: str) -> subprocess.Popen[bytes]:
    """Alice's clock is this machine's; Bob's desk is 5 seconds behind."""
    env = {"HLMCTL_OPERATOR": who, "HLMCTL_LOCK_TIMEOUT": "90"}
    if who == "bob":
        return behind_process(5, *args, cwd=desks[who].parent, env=env)
    return hlmctl_process(*args, cwd=desks[who].parent, env=env)


@pytest.mark.postgres
def test_two_desks_whose_clocks_differ_take_turns_next_included(tmp_path: Path, pg: Any) -> None:
    desks = two_desks(tmp_path)
    steps = [
        ("alice", "speakers", "add", "Peru"),
        ("bob", "speakers", "add", "Chile"),
        ("alice", "speakers", "add", "Mali"),
        ("alice", "next"),
        ("bob", "next"),  # right after the other desk, its clock 5 s behind
        ("alice", "next"),
        ("bob", "next"),
    ]
    for who, *args in steps:
        code, _, err = finish(desk_process(desks, who, *args))
        assert code == 0, (who, args, err)
        assert "warning" not in err
    rows = speakers("--meeting", str(desks["alice"]))
    assert Counter(r["status"] for r in rows) == {"spoken": 3}
    assert_durations_are_never_negative(rows)
    times = log_times("--meeting", str(desks["alice"]))
    assert times == sorted(times)
    # The desk behind sees the time of the one clock: `now` counts from the server's.
    assert finish(desk_process(desks, "alice", "speakers", "add", "Togo"))[0] == 0
    assert finish(desk_process(desks, "alice", "next"))[0] == 0
    time.sleep(2.5)
    code, out, err = finish(behind_process(300, "now", "--format", "json", cwd=desks["bob"].parent))
    assert code == 0, err
    assert 2 <= json.loads(out)["elapsed_seconds"] < 60


@pytest.mark.postgres
def test_a_server_clock_behind_the_record_warns_and_records_at_its_latest_time(
    hlm: Path, pg: Any
) -> None:
    ahead = datetime.now(NEW_YORK).replace(microsecond=0) + timedelta(minutes=4)
    assert run("--now", ahead.isoformat(), "speakers", "add", "Peru").exit_code == 0
    result = run("speakers", "add", "Chile")
    assert result.exit_code == 0, result.stderr
    assert "database server's clock" in result.stderr
    assert log_times() == [ahead, ahead]
    # An explicit time is still the user's, refused when earlier than the record.
    earlier = run("--now", (ahead - timedelta(minutes=1)).isoformat(), "next")
    assert earlier.exit_code == 2 and "in the past" in earlier.stderr


@given(
    st.sampled_from([1969, 1970, 1971, 2013, 2198, 2199]),
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=1, max_value=28).map(lambda d: d if d < 28 else 31),
    st.integers(min_value=0, max_value=23),
    st.integers(min_value=-(24 * 60 - 1), max_value=24 * 60 - 1),
)
def test_the_range_of_times_checked_by_the_local_year_first_is_the_same_range(
    year: int, month: int, day: int, hour: int, offset_minutes: int
) -> None:
    """``in_range`` answers from the local year when it is 1971 to 2198, else compares:
    the same answer as the comparison alone, at the edges of the range too."""
    from datetime import timezone

    if day == 31 and month in (2, 4, 6, 9, 11):
        day = 28
    when = datetime(year, month, day, hour, tzinfo=timezone(timedelta(minutes=offset_minutes)))
    assert in_range(when) == (EARLIEST <= when < LATEST)

"""All problems at once (validate, import) and "nothing to do" as exit 3 everywhere."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLES, Result, record_bytes, run

DAY = "2013-05-13"


def hl(hhmm: str, *args: str) -> Result:
    return run("--now", f"{DAY}T{hhmm}", *args)


def ok(hhmm: str, *args: str) -> Result:
    result = hl(hhmm, *args)
    assert result.exit_code == 0, result.stderr
    return result


def problem_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("  - ")]


# --- validate -----------------------------------------------------------------------


@pytest.mark.file_store  # the test edits the files themselves
def test_validate_reports_the_meeting_file_and_the_record_in_one_run(
    hlm: Path, isolated: Path
) -> None:
    """A meeting file with two problems and a record with two: all four, each with its
    line, in one run."""
    for d in ("Austria", "Belarus"):
        ok("09:30", "speakers", "add", d)
    record = isolated / "meeting.state.toml"
    text = record.read_text()
    text = text.replace('delegation = "Belarus"', 'delegation = "Belarus"\ncolour = "red"')
    text = text.replace("inscribed_at = 2013-05-13T09:30:00-04:00", 'inscribed_at = "soon"', 1)
    record.write_text(text)
    meeting = hlm.read_text().replace('timezone = "America/New_York"', 'timezone = "Nowhere"')
    meeting = meeting.replace("minutes = 5 ", "minutes = -5 ", 1)
    hlm.write_text(meeting)
    checked = run("validate")
    assert checked.exit_code == 2
    found = problem_lines(checked.stderr)
    assert len(found) == 4, checked.stderr
    assert "invalid meeting file" in checked.stderr and "invalid record" in checked.stderr
    assert all(line.startswith("  - line ") for line in found), found
    assert any("timezone" in p for p in found) and any("lists[0].minutes" in p for p in found)
    assert any("colour" in p for p in found) and any("inscribed_at" in p for p in found)


@pytest.mark.file_store  # the test edits the files themselves
def test_validate_gives_the_line_of_a_speaker_the_meeting_does_not_know(
    hlm: Path, isolated: Path
) -> None:
    for d in ("Austria", "Belarus", "Chile"):
        ok("09:30", "speakers", "add", d)
    record = isolated / "meeting.state.toml"
    text = record.read_text().replace('level = "head-of-delegation"', 'level = "emperor"')
    text = text.replace('list = "plenary"', 'list = "nowhere"', 1)
    record.write_text(text)
    checked = run("validate")
    assert checked.exit_code == 2
    found = problem_lines(checked.stderr)
    assert len(found) == 4, found  # three levels, one list
    lines = text.splitlines()
    for problem in found:
        number = int(problem.split("line ")[1].split(":")[0])
        sid = problem.split("speaker ")[1].split(":")[0]
        assert lines[number - 1].strip() == f'id = "{sid}"', problem


@pytest.mark.file_store  # the test edits the files themselves
def test_validate_of_a_broken_meeting_still_checks_its_record(hlm: Path, isolated: Path) -> None:
    ok("09:30", "speakers", "add", "Austria")
    record = isolated / "meeting.state.toml"
    record.write_text(record.read_text().replace('status = "waiting"', 'status = "late"'))
    hlm.write_text(hlm.read_text().replace("[meeting]", "[meeting]\ncolour = 1", 1))
    checked = run("validate")
    assert checked.exit_code == 2
    assert "colour" in checked.stderr and "status" in checked.stderr


# --- import -------------------------------------------------------------------------


def test_import_names_every_bad_row(hlm: Path, isolated: Path) -> None:
    path = isolated / "rows.csv"
    path.write_text(
        "delegation,level,minutes,status\n"
        "Chile,minister,,\n"  # row 2: fine
        "Peru,emperor,,\n"  # row 3: level
        "Mali,,many,\n"  # row 4: minutes
        "Chad,,,Waiting\n"  # row 5: status
        "Chile,,,\n"  # row 6: a duplicate of row 2
        "Togo,,,\n"  # row 7: fine
    )
    result = hl("09:30", "speakers", "import", str(path))
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "4 bad rows" in result.stderr and "nothing was imported" in result.stderr
    for number in (3, 4, 5, 6):
        assert f"row {number}:" in result.stderr
    for number in (2, 7):
        assert f"row {number}:" not in result.stderr
    assert record_bytes(isolated) is None


def test_import_names_fifty_bad_rows_then_counts_the_rest(hlm: Path, isolated: Path) -> None:
    path = isolated / "rows.csv"
    path.write_text("delegation,level\n" + "".join(f"D{n},emperor\n" for n in range(75)))
    result = hl("09:30", "speakers", "import", str(path), "--force")
    assert result.exit_code == 2
    assert "75 bad rows" in result.stderr
    assert "row 51:" in result.stderr and "row 52:" not in result.stderr
    assert "and 25 more bad rows" in result.stderr


def test_an_unknown_column_is_named_once(hlm: Path, isolated: Path) -> None:
    path = isolated / "rows.csv"
    path.write_text("delegation,colour\nChile,red\nPeru,blue\n")
    result = hl("09:30", "speakers", "import", str(path))
    assert result.exit_code == 2
    assert result.stderr.count("unknown column 'colour'") == 1


def test_an_import_with_no_waiting_speaker_is_nothing_to_do(hlm: Path, isolated: Path) -> None:
    path = isolated / "rows.csv"
    path.write_text("delegation,status\nChile,spoken\nPeru,withdrawn\n")
    result = hl("09:30", "speakers", "import", str(path))
    assert result.exit_code == 3
    assert "nothing to import" in result.stderr
    assert record_bytes(isolated) is None


# --- nothing to do: exit 3, no log entry ---------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("S2", "--to", "2"),
        ("S2", "--before", "S3"),
        ("S2", "--after", "S1"),
        ("Chile", "--to", "3"),
    ],
)
def test_a_move_to_the_same_place_is_nothing_to_do(
    hlm: Path, isolated: Path, args: tuple[str, ...]
) -> None:
    for d in ("Austria", "Belarus", "Chile"):
        ok("09:30", "speakers", "add", d)
    before = record_bytes(isolated)
    result = hl("09:31", "speakers", "move", *args)
    assert result.exit_code == 3, result.stderr
    assert "already at position" in result.stderr
    assert record_bytes(isolated) == before


def test_a_move_elsewhere_still_moves(hlm: Path) -> None:
    for d in ("Austria", "Belarus", "Chile"):
        ok("09:30", "speakers", "add", d)
    ok("09:31", "speakers", "move", "S2", "--after", "S3")
    ok("09:31", "speakers", "move", "S1", "--before", "S2")
    listed = ok("09:32", "speakers", "list", "--format", "json").json()
    assert [r["id"] for r in listed] == ["S3", "S1", "S2"]


def test_pause_resume_nothing_to_do_on_the_bundled_meeting(isolated: Path) -> None:
    shutil.copy(EXAMPLES / "hlm-2013.toml", isolated / "meeting.toml")
    ok("09:30", "speakers", "add", "Austria")
    ok("10:00", "next")
    before = record_bytes(isolated)
    assert hl("10:01", "resume").exit_code == 3
    ok("10:02", "pause")
    paused = record_bytes(isolated)
    assert paused != before
    assert hl("10:03", "pause").exit_code == 3
    assert record_bytes(isolated) == paused


def test_removing_a_speaker_withdrawn_already_is_nothing_to_do(hlm: Path, isolated: Path) -> None:
    ok("09:30", "speakers", "add", "Austria")
    ok("09:31", "speakers", "remove", "S1")
    before = record_bytes(isolated)
    again = hl("09:32", "speakers", "remove", "s1")
    assert again.exit_code == 3 and "withdrawn already" in again.stderr
    assert record_bytes(isolated) == before
    # A delegation name matches only waiting speakers: still a wrong reference.
    assert hl("09:32", "speakers", "remove", "Austria").exit_code == 2


def test_a_speaker_absent_when_called_is_given_the_limit_of_its_new_call(hlm: Path) -> None:
    """Called under 5 minutes, absent, called again after a limit of 3 is announced:
    the limit is the one of the call at which it speaks."""
    for d in ("Austria", "Belarus"):
        ok("09:30", "speakers", "add", d)
    first = ok("10:00", "next", "--format", "json").json()
    assert first["limit_seconds"] == 300
    ok("10:01", "absent")
    ok("10:02", "lists", "limit", "3")
    ok("10:05", "next")
    again = ok("10:06", "now", "--format", "json").json()
    assert again["current"]["delegation"] == "Austria" and again["limit_seconds"] == 180

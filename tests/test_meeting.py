"""The meeting file: its models, `validate`, `init`, `examples` and the bundled fallback."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import EXAMPLES, run

HLM = (EXAMPLES / "hlm-2013.toml").read_text(encoding="utf-8")
NOW = "2013-05-10T09:00"  # before the meeting: nothing depends on the system clock


def problems(stderr: str) -> list[str]:
    """The problem lines of an `invalid meeting file` message."""
    return [line.strip()[2:] for line in stderr.splitlines() if line.strip().startswith("- ")]


def edit(text: str, old: str, new: str) -> str:
    """Replace the one occurrence of ``old``: a broken variant of the bundled meeting."""
    assert text.count(old) == 1, f"{old!r} is not unique in the file"
    return text.replace(old, new)


def line_of(text: str, fragment: str) -> int:
    """The 1-based line of the one line of ``text`` that contains ``fragment``."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if fragment in line]
    assert len(hits) == 1, f"{fragment!r} is on lines {hits}"
    return hits[0]


def lines_named(problem: str) -> set[int]:
    return {int(n) for n in re.findall(r"\bline (\d+)", problem)}


def table_lines(text: str, line: int) -> set[int]:
    """Lines that point at the problem on ``line``: it, or the table header above it."""
    rows = text.splitlines()
    header = next(n for n in range(line, 0, -1) if rows[n - 1].lstrip().startswith("["))
    return set(range(header, line + 1))


def points_at(text: str, line: int, problem: str) -> bool:
    """The problem names a line in the table where ``line`` is, up to ``line``."""
    return bool(lines_named(problem) & table_lines(text, line))


def write(tmp: Path, text: str, name: str = "meeting.toml") -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


# --- the bundled examples ----------------------------------------------------------


@pytest.mark.parametrize("name", ["hlm-2013", "gofr-2013"])
def test_bundled_examples_are_valid(name: str) -> None:
    """Each bundled meeting (with its record, for gofr) passes `validate` with exit 0."""
    result = run("validate", str(EXAMPLES / f"{name}.toml"))
    assert result.exit_code == 0, result.stderr
    assert "valid" in result.stdout
    assert "invalid" not in result.stdout
    assert result.stderr == ""


def test_validate_of_the_current_meeting(hlm: Path) -> None:
    """Without a PATH, validate checks ./meeting.toml and names it."""
    result = run("validate")
    assert result.exit_code == 0, result.stderr
    assert "meeting.toml" in result.stdout
    assert result.stderr == ""


def test_gofr_record_is_counted_by_validate(gofr: Path) -> None:
    """Validate reads the record beside the meeting file too: 22 speakers."""
    result = run("--meeting", str(gofr), "validate")
    assert result.exit_code == 0, result.stderr
    assert "22 speakers" in result.stdout


# --- every problem at once --------------------------------------------------------


def broken_meeting() -> tuple[str, dict[str, int]]:
    """The 2013 meeting with one of each problem, each in a part that is otherwise valid.

    Returns the text and, for each problem, the line where it is written.
    """
    text = HLM
    # An unknown key in [meeting].
    text = edit(
        text,
        'venue = "United Nations Headquarters, New York"\n',
        'venue = "United Nations Headquarters, New York"\ncolour = "blue"\n',
    )
    # An unknown time zone.
    text = edit(text, 'timezone = "America/New_York"', 'timezone = "America/Nowhere"')
    # A wrong type: a reply limit that is not a number.
    text = edit(text, "reply_minutes = [10, 5]", 'reply_minutes = [10, "five"]')
    # A list that names a missing segment.
    text = edit(text, 'segments = ["panel-2"]', 'segments = ["panel-9"]')
    # A segment that ends before it starts (panel 1, 15:00).
    text = edit(text, 'start = "15:00"\nend = "16:30"', 'start = "15:00"\nend = "14:30"')
    # Overlapping segments in one room: the opening runs into plenary-1 (10:00-13:00).
    text = edit(text, 'start = "09:00"\nend = "10:00"', 'start = "09:00"\nend = "10:30"')
    # A date outside the meeting's days: plenary-3 on 15 May (the declaration's date).
    text = edit(
        text,
        'date = 2013-05-14\nstart = "15:00"',
        'date = 2013-05-15\nstart = "15:00"',
    )
    lines = {
        "colour": line_of(text, "colour ="),
        "timezone": line_of(text, "America/Nowhere"),
        "reply_minutes": line_of(text, "reply_minutes ="),
        "panel-9": line_of(text, '"panel-9"'),
        "end": line_of(text, 'end = "14:30"'),
        "overlap": line_of(text, 'end = "10:30"'),
        "date": line_of(text, "date = 2013-05-15"),
    }
    return text, lines


def test_validate_lists_every_problem_at_once(isolated: Path) -> None:
    """One run lists all seven problems, each naming its field and its line; exit 2."""
    text, lines = broken_meeting()
    path = write(isolated, text, "broken.toml")
    result = run("validate", str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "broken.toml" in result.stderr
    found = problems(result.stderr)
    assert len(found) == 7, found

    def one(*needles: str) -> str:
        hits = [p for p in found if all(n in p for n in needles)]
        assert len(hits) == 1, (needles, found)
        return hits[0]

    assert points_at(text, lines["colour"], one("colour", "unknown key"))
    assert points_at(text, lines["timezone"], one("timezone", "America/Nowhere"))
    assert points_at(text, lines["reply_minutes"], one("reply_minutes"))
    assert points_at(text, lines["panel-9"], one("panel-9", "segments"))
    assert points_at(text, lines["end"], one("14:30", "15:00"))
    overlap = one("overlap")
    assert "opening" in overlap and "plenary-1" in overlap
    assert points_at(text, lines["overlap"], overlap)
    date_problem = one("2013-05-15")
    assert "date" in date_problem and ("plenary-3" in date_problem or "segments[" in date_problem)
    assert points_at(text, lines["date"], date_problem)


# One problem at a time: (name, edit of the 2013 meeting, words of the message, the
# fragment of the line where the problem is written).
Case = tuple[str, Callable[[str], str], tuple[str, ...], str]
CASES: list[Case] = [
    (
        "unknown key in a segment",
        lambda t: edit(t, 'source = "para. 1, 2"', 'source = "para. 1, 2"\nchiar = "x"'),
        ("chiar", "unknown key"),
        'chiar = "x"',
    ),
    (
        "wrong type: text for a number",
        lambda t: edit(
            t,
            'speaker_fr = "Secrétaire général"\nminutes = 12',
            'speaker_fr = "Secrétaire général"\nminutes = "twelve"',
        ),
        ("segments[0].items[1].minutes",),
        'minutes = "twelve"',
    ),
    (
        # The list is broken, not missing: the closing plenary that follows it is fine.
        "wrong type: a number for text",
        lambda t: edit(t, 'title = "Plenary list of speakers"', "title = 42"),
        ("lists[0].title",),
        "title = 42",
    ),
    (
        "wrong type: a table for a list",
        lambda t: edit(t, "days = [2013-05-13, 2013-05-14]", "days = 2013-05-13"),
        ("days",),
        "days = 2013-05-13",
    ),
    (
        "segment ends before it starts",
        lambda t: edit(t, 'start = "16:30"\nend = "18:00"', 'start = "16:30"\nend = "16:00"'),
        ("16:00", "16:30"),
        'end = "16:00"',
    ),
    (
        "unknown time zone",
        lambda t: edit(t, 'timezone = "America/New_York"', 'timezone = "New York"'),
        ("timezone", "New York"),
        'timezone = "New York"',
    ),
    (
        "list names a missing segment",
        lambda t: edit(t, '"plenary-2", "plenary-3"]', '"plenary-2", "plenary-4"]'),
        ("plenary-4",),
        '"plenary-4"',
    ),
    (
        "date outside the meeting's days",
        lambda t: edit(
            t, 'date = 2013-05-14\nstart = "10:00"', 'date = 2013-05-12\nstart = "10:00"'
        ),
        ("date", "2013-05-12"),
        "date = 2013-05-12",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_validate_names_field_and_line(isolated: Path, case: Case) -> None:
    """Each kind of problem alone: exit 2, one problem naming the field and the line."""
    _, change, words, fragment = case
    text = change(HLM)
    path = write(isolated, text)
    result = run("validate", str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    found = problems(result.stderr)
    assert len(found) == 1, found
    for word in words:
        assert word in found[0]
    assert points_at(text, line_of(text, fragment), found[0]), found[0]


def test_overlapping_segments_in_one_room(isolated: Path) -> None:
    """Two segments at the same time in one room are one problem naming both; exit 2."""
    text = edit(HLM, 'start = "16:30"\nend = "18:00"', 'start = "16:00"\nend = "18:00"')
    result = run("validate", str(write(isolated, text)))
    assert result.exit_code == 2
    found = problems(result.stderr)
    assert len(found) == 1, found
    assert "panel-1" in found[0] and "panel-2" in found[0]
    assert "Conference Room 2" in found[0]


def test_same_hours_in_different_rooms_do_not_overlap(isolated: Path) -> None:
    """Overlap is per room: panel 2 at panel 1's hours in another room is valid."""
    text = edit(HLM, 'start = "16:30"\nend = "18:00"', 'start = "15:00"\nend = "16:30"')
    text = edit(
        text,
        'room = "Conference Room 2"    # ASSUMPTION: the resolution names no room\n'
        'theme = "Sharing',
        'room = "Conference Room 4"\ntheme = "Sharing',
    )
    result = run("validate", str(write(isolated, text)))
    assert result.exit_code == 0, result.stderr


def test_duplicate_segment_ids(isolated: Path) -> None:
    """Two segments with one id are refused, naming the id."""
    text = edit(HLM, 'id = "plenary-3"', 'id = "plenary-2"')
    result = run("validate", str(write(isolated, text)))
    assert result.exit_code == 2
    assert any("plenary-2" in p and "more than once" in p for p in problems(result.stderr))


def test_malformed_toml_names_its_line(isolated: Path) -> None:
    """A TOML syntax error is one problem that gives the line of the error."""
    text = edit(HLM, '[[lists]]\nid = "panel-1"', '[[lists]\nid = "panel-1"')
    result = run("validate", str(write(isolated, text)))
    assert result.exit_code == 2
    assert result.stdout == ""
    found = problems(result.stderr)
    assert len(found) == 1, found
    assert "TOML" in found[0]
    broken = [n for n, line in enumerate(text.splitlines(), 1) if line == "[[lists]"]
    assert broken and f"line {broken[0]}" in found[0]


def test_invalid_meeting_file_stops_other_commands(isolated: Path) -> None:
    """The agenda of an invalid meeting file is refused with exit 2, nothing on stdout."""
    write(isolated, edit(HLM, 'timezone = "America/New_York"', 'timezone = "Mars/Olympus"'))
    result = run("--now", NOW, "agenda")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Mars/Olympus" in result.stderr


def test_validate_of_a_missing_file(isolated: Path) -> None:
    """A PATH that does not exist is an input error (exit 2)."""
    result = run("validate", "nowhere.toml")
    assert result.exit_code == 2
    assert "nowhere.toml" in result.stderr


def test_models_parse_the_bundled_meeting() -> None:
    """The Pydantic models give the 2013 modalities: two days, six segments, three lists."""
    from datetime import date

    from hlmctl.meeting import load_meeting

    m = load_meeting(EXAMPLES / "hlm-2013.toml")
    assert m.meeting.days == [date(2013, 5, 13), date(2013, 5, 14)]
    assert [s.id for s in m.segments] == [
        "opening",
        "plenary-1",
        "panel-1",
        "panel-2",
        "plenary-2",
        "plenary-3",
        "closing",
    ]
    assert [lst.id for lst in m.lists] == ["plenary", "panel-1", "panel-2"]
    assert [s.id for s in m.list_segments("plenary")] == ["plenary-1", "plenary-2", "plenary-3"]
    assert m.segment("panel-1").room == "Conference Room 2"
    assert m.segment("plenary-1").room == "General Assembly Hall"  # the default
    assert m.rules.absent == "end-of-meeting"


def test_models_refuse_unknown_keys() -> None:
    """The models forbid extra keys: a typo is never silently ignored."""
    from hlmctl.errors import InvalidFileError
    from hlmctl.meeting import parse_meeting

    text = edit(HLM, 'duplicates = "refuse"', 'duplicate = "refuse"')
    with pytest.raises(InvalidFileError) as caught:
        parse_meeting(text.encode(), "m.toml")
    assert any("rules.duplicate" in p for p in caught.value.problems)


# --- init -------------------------------------------------------------------------


def test_init_copies_hlm_2013(isolated: Path) -> None:
    """`init` writes ./meeting.toml, a byte copy of hlm-2013, and no record."""
    result = run("init")
    assert result.exit_code == 0, result.stderr
    assert "meeting.toml" in result.stdout
    assert (isolated / "meeting.toml").read_bytes() == (EXAMPLES / "hlm-2013.toml").read_bytes()
    assert not (isolated / "meeting.state.toml").exists()
    assert run("validate").exit_code == 0


@pytest.mark.file_store  # two folders of one meeting id, or the TOML files themselves
def test_init_gofr_copies_the_record_too(isolated: Path) -> None:
    """`init --example gofr-2013` copies the meeting and its record as meeting.state.toml."""
    result = run("init", "--example", "gofr-2013")
    assert result.exit_code == 0, result.stderr
    assert (isolated / "meeting.toml").read_bytes() == (EXAMPLES / "gofr-2013.toml").read_bytes()
    state = isolated / "meeting.state.toml"
    assert state.read_bytes() == (EXAMPLES / "gofr-2013.state.toml").read_bytes()
    listed = run("--now", "2013-09-25T12:00", "speakers", "list", "--format", "json")
    assert listed.exit_code == 0, listed.stderr
    assert len(listed.json()) == 22


def test_init_refuses_to_overwrite_without_force(isolated: Path) -> None:
    """A second `init` exits 2 and leaves the file alone; --force overwrites it."""
    (isolated / "meeting.toml").write_text("# mine\n", encoding="utf-8")
    result = run("init")
    assert result.exit_code == 2
    assert "--force" in result.stderr
    assert result.stdout == ""
    assert (isolated / "meeting.toml").read_text(encoding="utf-8") == "# mine\n"
    forced = run("init", "--force")
    assert forced.exit_code == 0, forced.stderr
    assert (isolated / "meeting.toml").read_bytes() == (EXAMPLES / "hlm-2013.toml").read_bytes()


def test_init_refuses_to_overwrite_a_record(isolated: Path) -> None:
    """With gofr, an existing record alone is enough to refuse (exit 2), and nothing is written."""
    (isolated / "meeting.state.toml").write_text("# a record\n", encoding="utf-8")
    result = run("init", "--example", "gofr-2013")
    assert result.exit_code == 2
    assert not (isolated / "meeting.toml").exists()
    assert (isolated / "meeting.state.toml").read_text(encoding="utf-8") == "# a record\n"


def test_init_unknown_example(isolated: Path) -> None:
    """An unknown example name exits 2 and names the bundled ones."""
    result = run("init", "--example", "hlm-2099")
    assert result.exit_code == 2
    assert "hlm-2013" in result.stderr and "gofr-2013" in result.stderr
    assert not (isolated / "meeting.toml").exists()


# --- examples -----------------------------------------------------------------------


def test_examples_lists_the_bundled_meetings() -> None:
    """`examples` prints one line per bundled meeting with its days and title."""
    result = run("examples")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    by_name = {line.split()[0]: line for line in lines}
    assert set(by_name) == {"hlm-2013", "gofr-2013"}
    assert "2013-05-13" in by_name["hlm-2013"] and "2013-05-14" in by_name["hlm-2013"]
    assert "Trafficking in Persons" in by_name["hlm-2013"]
    assert "2013-09-26" in by_name["gofr-2013"]
    assert "Group of Friends" in by_name["gofr-2013"]


# --- no meeting file: the bundled example, or a hint ---------------------------------

READ_ONLY = [
    ["agenda"],
    ["speakers", "list"],
    ["validate"],
    ["now"],
    ["report"],
    ["log"],
    ["timer", "--once"],
]


@pytest.mark.parametrize("args", READ_ONLY, ids=" ".join)
def test_read_only_commands_fall_back_to_the_bundled_example(
    isolated: Path, args: list[str]
) -> None:
    """With no meeting file, read-only commands show hlm-2013 and say so on stderr."""
    result = run("--now", NOW, *args)
    assert result.exit_code == 0, result.stderr
    assert "hlm-2013" in result.stderr
    assert "bundled" in result.stderr
    assert not list(isolated.iterdir())  # nothing was written here


def test_fallback_agenda_is_the_2013_programme(isolated: Path) -> None:
    """The fallback agenda is the 2013 meeting's programme, on stdout."""
    result = run("--now", NOW, "agenda", "--format", "json")
    assert result.exit_code == 0
    assert result.json()["meeting"]["title"].startswith("High-level Meeting on the Appraisal")
    assert "hlm-2013" in result.stderr


WRITING = [
    ["speakers", "add", "Belarus"],
    ["speakers", "remove", "S1"],
    ["next"],
    ["pause"],
    ["lists", "close"],
    ["reply", "add", "Belarus"],
    ["undo"],
]


@pytest.mark.parametrize("args", WRITING, ids=" ".join)
def test_writing_commands_need_a_meeting_file(isolated: Path, args: list[str]) -> None:
    """With no meeting file, a command that writes exits 2 with a hint to run `hlmctl init`."""
    result = run("--now", NOW, *args)
    assert result.exit_code == 2
    assert "hlmctl init" in result.stderr
    assert result.stdout == ""
    assert not list(isolated.iterdir())
    assert not (EXAMPLES / "hlm-2013.state.toml").exists()


def test_hlmctl_meeting_env_names_the_file(isolated: Path) -> None:
    """$HLMCTL_MEETING chooses the meeting file: no fallback message."""
    sub = isolated / "sub"
    sub.mkdir()
    (sub / "gofr.toml").write_bytes((EXAMPLES / "gofr-2013.toml").read_bytes())
    result = run("validate", env={"HLMCTL_MEETING": str(sub / "gofr.toml")})
    assert result.exit_code == 0, result.stderr
    assert "gofr.toml" in result.stdout
    assert "bundled" not in result.stderr

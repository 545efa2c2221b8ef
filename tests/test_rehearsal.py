"""A scripted rehearsal of Monday 13 May 2013 on the hlm-2013 meeting, minute by minute.

The script runs once (a module fixture, with `--now` at every step and
`--meeting` pointing at its own folder); the tests then check the record, the
report and the agenda against durations worked out by hand from the script.

Plenary list (5-minute limit, replies 10 then 5 minutes):

    10:00    S1 Austria called            10:03-10:05 paused (2 minutes)
    10:08    S1 ends: 6 min spoken (+1:00)  S2 Belarus called
    10:12    S2 ends: 4 min                 S3 Nigeria called
    10:12:30 S3 absent: moved to the end of plenary-1's part; S4 Philippines called
    10:13    the list is closed; an inscription is refused
    10:14    two rights of reply for Belarus (S12, S13); a third is refused
    10:19    S4 ends: 6:30 (+1:30)          S5 Brazil called
    10:20    S6 Chile withdrawn (the list is closed, removing still works)
    10:22:30 S5 ends: 3:30                  S3 Nigeria called
    10:27:30 S3 ends: 5:00 (on time)        S12 reply called
    10:36:30 S12 ends: 9:00                 S13 reply called
    10:42:30 S13 ends: 6:00 (+1:00)         the list is exhausted
    10:43    `next` exits 3: the closing plenary comes next

Panel 1 (3 minutes): S7 Sweden 15:30-15:33:20 (+0:20), S8 Mexico 15:33:20-15:36:40
(+0:20). Panel 2: S9 Japan 17:00-17:02:30, S10 Kenya 17:02:30-17:06 (+0:30), S11
Fiji called at 17:06 and absent: nobody is left to call.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, Result, hlmctl_process, run

DAY = "2013-05-13"
OFFSET = "-04:00"  # New York, daylight time in May
ENV = {"HLMCTL_OPERATOR": "tester", "COLUMNS": "200"}


def at(hhmm: str, day: str = DAY) -> str:
    """The ISO time the venue's clock shows, as the JSON prints it."""
    if len(hhmm) == 5:
        hhmm += ":00"
    return f"{day}T{hhmm}{OFFSET}"


@dataclass
class Rehearsal:
    folder: Path
    steps: dict[str, Result] = field(default_factory=dict)
    state_before_timer: bytes = b""
    state_after_timer: bytes = b""

    @property
    def meeting(self) -> Path:
        return self.folder / "meeting.toml"

    @property
    def state(self) -> Path:
        return self.folder / "meeting.state.toml"

    def hl(self, name: str, when: str, *args: str) -> Result:
        """Run one step at `when` (HH:MM[:SS] on 13 May) and keep its result as `name`."""
        result = run("--meeting", str(self.meeting), "--now", f"{DAY}T{when}", *args, env=ENV)
        self.steps[name] = result
        return result


def script(r: Rehearsal) -> None:
    """The rehearsal of 13 May 2013, step by step (see the module docstring)."""
    r.hl("add-austria", "09:30", "speakers", "add", "Austria", "--level", "head-of-state")
    r.hl("add-belarus", "09:31", "speakers", "add", "Belarus", "--level", "minister")
    r.hl("add-nigeria", "09:32", "speakers", "add", "Nigeria", "--level", "minister")
    r.hl("add-philippines", "09:33", "speakers", "add", "Philippines")
    r.hl("add-brazil", "09:34", "speakers", "add", "Brazil")
    r.hl("add-chile", "09:35", "speakers", "add", "Chile")
    r.hl("add-sweden", "09:40", "speakers", "add", "Sweden", "--list", "panel-1")
    r.hl("add-mexico", "09:41", "speakers", "add", "Mexico", "--list", "panel-1")
    r.hl("add-japan", "09:42", "speakers", "add", "Japan", "--list", "panel-2")
    r.hl("add-kenya", "09:43", "speakers", "add", "Kenya", "--list", "panel-2")
    r.hl("add-fiji", "09:44", "speakers", "add", "Fiji", "--list", "panel-2")
    r.hl("list-before", "09:50", "speakers", "list", "--format", "json")

    r.hl("next-1000", "10:00", "next", "--format", "text")
    r.hl("pause", "10:03", "pause")
    r.hl("now-paused", "10:04", "now", "--format", "json")
    r.hl("resume", "10:05", "resume")
    r.hl("next-1008", "10:08", "next", "--format", "json")
    r.hl("next-1012", "10:12", "next", "--format", "json")
    r.hl("absent", "10:12:30", "absent")
    r.hl("close", "10:13", "lists", "close")
    r.hl("add-closed", "10:13", "speakers", "add", "Ecuador")
    r.hl("reply-1", "10:14", "reply", "add", "Belarus")
    r.hl("reply-2", "10:14", "reply", "add", "Belarus")
    r.hl("reply-3", "10:14", "reply", "add", "Belarus")
    r.hl("list-after-replies", "10:15", "speakers", "list", "--format", "json")
    r.hl("next-1019", "10:19", "next", "--format", "json")
    r.hl("remove-chile", "10:20", "speakers", "remove", "S6")
    r.hl("agenda-1020", "10:20", "agenda", "--format", "json")
    r.hl("next-102230", "10:22:30", "next", "--format", "json")
    r.hl("next-102730", "10:27:30", "next", "--format", "json")
    r.hl("next-103630", "10:36:30", "next", "--format", "json")
    r.hl("next-104230", "10:42:30", "next", "--format", "json")
    r.hl("next-exhausted", "10:43", "next")
    r.hl("agenda-1043", "10:43", "agenda", "--format", "json")

    r.hl("p1-next-1530", "15:30", "next", "--list", "panel-1", "--format", "json")
    r.hl("p1-next-153320", "15:33:20", "next", "--list", "panel-1", "--format", "json")
    r.state_before_timer = r.state.read_bytes()
    r.hl("timer", "15:35", "timer", "--once", "--list", "panel-1")
    r.state_after_timer = r.state.read_bytes()
    r.hl("p1-next-153640", "15:36:40", "next", "--list", "panel-1", "--format", "json")
    r.hl("p1-exhausted", "15:37", "next", "--list", "panel-1")

    r.hl("p2-next-1700", "17:00", "next", "--list", "panel-2", "--format", "json")
    r.hl("p2-next-170230", "17:02:30", "next", "--list", "panel-2", "--format", "json")
    r.hl("p2-next-1706", "17:06", "next", "--list", "panel-2", "--format", "json")
    r.hl("p2-absent", "17:06", "absent", "--list", "panel-2")

    r.hl("report-json", "18:30", "report", "--format", "json")
    r.hl("report-markdown", "18:30", "report", "--format", "markdown")
    r.hl("agenda-1830", "18:30", "agenda", "--format", "json")


@pytest.fixture(scope="module")
def rehearsal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rehearsal]:
    folder = tmp_path_factory.mktemp("rehearsal")
    shutil.copy(EXAMPLES / "hlm-2013.toml", folder / "meeting.toml")
    r = Rehearsal(folder)
    script(r)
    yield r


@pytest.fixture
def copy(rehearsal: Rehearsal, isolated: Path) -> Path:
    """The finished rehearsal, copied into this test's own folder (cwd)."""
    for name in ("meeting.toml", "meeting.state.toml"):
        shutil.copy(rehearsal.folder / name, isolated / name)
    return isolated


def by_id(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {i["id"]: i for i in items}


def agenda_items(agenda: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Speaker items of an agenda JSON, by speaker id, with their segment id."""
    found = {}
    for seg in agenda["segments"]:
        for item in seg["items"]:
            if item.get("speaker_id"):
                found[item["speaker_id"]] = {**item, "segment": seg["id"]}
    return found


def segment(agenda: dict[str, Any], seg_id: str) -> dict[str, Any]:
    return next(s for s in agenda["segments"] if s["id"] == seg_id)


# --- the script itself ran as an operator expects -------------------------------------


SCRIPT_OK = [
    "add-austria",
    "add-belarus",
    "add-nigeria",
    "add-philippines",
    "add-brazil",
    "add-chile",
    "add-sweden",
    "add-mexico",
    "add-japan",
    "add-kenya",
    "add-fiji",
    "next-1000",
    "pause",
    "resume",
    "next-1008",
    "next-1012",
    "absent",
    "close",
    "reply-1",
    "reply-2",
    "next-1019",
    "remove-chile",
    "next-102230",
    "next-102730",
    "next-103630",
    "next-104230",
    "p1-next-1530",
    "p1-next-153320",
    "timer",
    "p1-next-153640",
    "p2-next-1700",
    "p2-next-170230",
    "p2-next-1706",
    "p2-absent",
]


@pytest.mark.parametrize("step", SCRIPT_OK)
def test_every_ordinary_step_succeeds(rehearsal: Rehearsal, step: str) -> None:
    """Each step of the script that should work exits 0 with no error on stderr."""
    result = rehearsal.steps[step]
    assert result.exit_code == 0, result.stderr
    assert "Error" not in result.stderr and "Traceback" not in result.stderr


def test_inscriptions_follow_protocol_order(rehearsal: Rehearsal) -> None:
    """The plenary list starts with the Head of State, then the ministers, then the rest."""
    speakers = rehearsal.steps["list-before"].json()
    assert [s["id"] for s in speakers] == ["S1", "S2", "S3", "S4", "S5", "S6"]
    assert [s["delegation"] for s in speakers][:3] == ["Austria", "Belarus", "Nigeria"]


def test_next_prints_speaker_limit_and_who_is_next(rehearsal: Rehearsal) -> None:
    """`next` says who speaks, the time limit (5 minutes) and who follows."""
    out = rehearsal.steps["next-1000"].stdout
    assert "Austria" in out
    assert "5:00" in out
    assert "Belarus" in out
    first_line = out.splitlines()[0]
    assert "Austria" in first_line and "Belarus" not in first_line


def test_next_json_records_times_from_the_clock(rehearsal: Rehearsal) -> None:
    """`next` ends the statement at --now and calls the next speaker at --now."""
    data = rehearsal.steps["next-1008"].json()
    assert data["ended"]["id"] == "S1"
    assert data["ended"]["started_at"] == at("10:00")
    assert data["ended"]["ended_at"] == at("10:08")
    assert data["ended"]["spoken_seconds"] == 360  # 8 minutes less the 2-minute pause
    assert data["current"]["id"] == "S2"
    assert data["current"]["started_at"] == at("10:08")
    assert data["limit_seconds"] == 300
    assert data["elapsed_seconds"] == 0
    assert data["remaining_seconds"] == 300
    assert [s["id"] for s in data["next"]] == ["S3", "S4", "S5"]


def test_now_during_pause_stops_the_clock(rehearsal: Rehearsal) -> None:
    """At 10:04, paused since 10:03 after starting at 10:00: 3 minutes spoken."""
    data = rehearsal.steps["now-paused"].json()
    assert data["current"]["id"] == "S1"
    assert data["paused"] is True
    assert data["elapsed_seconds"] == 180
    assert data["remaining_seconds"] == 120


def test_absent_moves_to_end_of_the_meetings_part_and_calls_next(rehearsal: Rehearsal) -> None:
    """Nigeria, absent when called, goes after Chile (last of plenary-1); Philippines is called."""
    result = rehearsal.steps["absent"]
    assert "Nigeria" in result.stdout and "Philippines" in result.stdout
    speakers = rehearsal.steps["list-after-replies"].json()
    waiting = [s["id"] for s in speakers if s["status"] == "waiting"]
    assert waiting == ["S5", "S6", "S3", "S12", "S13"]
    current = [s for s in speakers if s["status"] == "speaking"]
    assert [(s["id"], s["started_at"]) for s in current] == [("S4", at("10:12:30"))]
    nigeria = by_id(speakers)["S3"]
    assert nigeria["absences"] == [at("10:12:30")]
    assert nigeria["started_at"] is None


def test_closed_list_refuses_inscription(rehearsal: Rehearsal) -> None:
    """After `lists close`, `speakers add` exits 2 on stderr and adds nobody."""
    result = rehearsal.steps["add-closed"]
    assert result.exit_code == 2
    assert "closed" in result.stderr
    assert result.stdout == ""
    speakers = rehearsal.steps["list-after-replies"].json()
    assert "Ecuador" not in {s["delegation"] for s in speakers}


def test_two_replies_with_10_then_5_minutes_and_a_third_refused(rehearsal: Rehearsal) -> None:
    """Decision 34/401: first reply 10 minutes, second 5, a third refused with the reason."""
    speakers = by_id(rehearsal.steps["list-after-replies"].json())
    first, second = speakers["S12"], speakers["S13"]
    assert (first["kind"], first["delegation"], first["minutes"]) == ("reply", "Belarus", 10)
    assert (second["kind"], second["delegation"], second["minutes"]) == ("reply", "Belarus", 5)
    third = rehearsal.steps["reply-3"]
    assert third.exit_code == 2
    assert third.stdout == ""
    assert "Belarus" in third.stderr and "34/401" in third.stderr
    assert "S14" not in speakers


def test_exhausting_next_says_what_comes_next(rehearsal: Rehearsal) -> None:
    """The `next` that ends the last statement exits 0, with `then` naming the closing."""
    data = rehearsal.steps["next-104230"].json()
    assert data["ended"]["id"] == "S13"
    assert data["current"] is None
    assert data["next"] == []
    assert "Closing plenary" in data["then"]


def test_next_on_exhausted_list_exits_3_naming_the_closing_plenary(rehearsal: Rehearsal) -> None:
    """`next` with nobody left exits 3; stderr names the closing plenary meeting."""
    result = rehearsal.steps["next-exhausted"]
    assert result.exit_code == 3
    assert "Closing plenary meeting" in result.stderr
    assert result.stdout == ""


def test_next_on_exhausted_panel_names_the_next_segment(rehearsal: Rehearsal) -> None:
    """Panel 1's list exhausted at 15:37: exit 3, and stderr names panel 2 at 16:30."""
    result = rehearsal.steps["p1-exhausted"]
    assert result.exit_code == 3
    assert "Interactive panel discussion 2" in result.stderr
    assert "16:30" in result.stderr


def test_panels_run_their_own_lists(rehearsal: Rehearsal) -> None:
    """`next --list panel-1` calls Sweden; the plenary list is not touched."""
    data = rehearsal.steps["p1-next-1530"].json()
    assert data["list"] == "panel-1"
    assert data["current"]["delegation"] == "Sweden"
    assert data["limit_seconds"] == 180
    assert [s["delegation"] for s in data["next"]] == ["Mexico"]
    data = rehearsal.steps["p2-next-1700"].json()
    assert data["current"]["delegation"] == "Japan"
    assert [s["delegation"] for s in data["next"]] == ["Kenya", "Fiji"]


# --- timer --------------------------------------------------------------------------


def test_timer_once_shows_current_delegation_and_remaining(rehearsal: Rehearsal) -> None:
    """At 15:35 Mexico has spoken 1:40 of 3:00: the frame shows Mexico and 1:20 left."""
    result = rehearsal.steps["timer"]
    assert "Mexico" in result.stdout
    assert "1:20" in result.stdout
    assert "\x1b[" not in result.stdout


def test_timer_once_leaves_the_record_byte_for_byte(rehearsal: Rehearsal) -> None:
    """`timer --once` only reads: meeting.state.toml is the same bytes before and after."""
    assert rehearsal.state_before_timer
    assert rehearsal.state_after_timer == rehearsal.state_before_timer


def test_timer_when_piped_prints_one_frame_and_changes_nothing(copy: Path) -> None:
    """Without --once and with stdout not a terminal, `timer` prints one frame and exits."""
    before = (copy / "meeting.state.toml").read_bytes()
    # At 18:30 nobody speaks in panel-2 (Fiji was absent): the frame says so.
    result = run("--now", f"{DAY}T18:30", "timer", "--list", "panel-2")
    assert result.exit_code == 0
    assert "Nobody is speaking" in result.stdout
    assert (copy / "meeting.state.toml").read_bytes() == before


@pytest.mark.file_store  # two folders of one meeting id, or the TOML files themselves
def test_timer_in_a_real_process_with_piped_stdout_exits(isolated: Path) -> None:
    """A real `hlmctl timer` whose stdout is a pipe prints one frame and ends by itself."""
    shutil.copy(EXAMPLES / "hlm-2013.toml", isolated / "meeting.toml")
    assert (
        run("--now", f"{DAY}T16:00", "speakers", "add", "Kenya", "--list", "panel-2").exit_code == 0
    )
    assert run("--now", f"{DAY}T17:00", "next", "--list", "panel-2").exit_code == 0
    before = (isolated / "meeting.state.toml").read_bytes()
    proc = hlmctl_process(
        "--now",
        f"{DAY}T17:02:30",
        "timer",
        "--list",
        "panel-2",
        cwd=isolated,
        env={"NO_COLOR": "1"},
    )
    try:
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate(timeout=10)
    assert proc.returncode == 0, err.decode()
    text = out.decode()
    assert "Kenya" in text
    assert "Remaining 0:30" in text  # 2:30 spoken of 3:00
    assert "\x1b[" not in text
    assert (isolated / "meeting.state.toml").read_bytes() == before


# --- report -------------------------------------------------------------------------

# id: (delegation, list, spoken seconds, limit seconds), worked out from the script.
EXPECTED = {
    "S1": ("Austria", "plenary", 360, 300),
    "S2": ("Belarus", "plenary", 240, 300),
    "S4": ("Philippines", "plenary", 390, 300),
    "S5": ("Brazil", "plenary", 210, 300),
    "S3": ("Nigeria", "plenary", 300, 300),
    "S7": ("Sweden", "panel-1", 200, 180),
    "S8": ("Mexico", "panel-1", 200, 180),
    "S9": ("Japan", "panel-2", 150, 180),
    "S10": ("Kenya", "panel-2", 210, 180),
}
# The rights of reply, counted apart from the statements.
EXPECTED_REPLIES = {
    "S12": ("Belarus", "plenary", 540, 600),
    "S13": ("Belarus", "plenary", 360, 300),
}


def replies(rehearsal: Rehearsal, dimension: str) -> dict[str, tuple[int, float]]:
    rows = rehearsal.steps["report-json"].json()["totals"][dimension]
    return {t["key"]: (t["replies"], t["reply_seconds"]) for t in rows if t["replies"]}


def totals(rehearsal: Rehearsal, dimension: str) -> dict[str, tuple[int, float, int, float]]:
    rows = rehearsal.steps["report-json"].json()["totals"][dimension]
    return {
        t["key"]: (t["statements"], t["seconds"], t["overruns"], t["overrun_seconds"]) for t in rows
    }


def test_report_durations_are_exactly_the_scripted_ones(rehearsal: Rehearsal) -> None:
    """Every statement's spoken_seconds is the scripted time, the pause excluded."""
    report = rehearsal.steps["report-json"]
    assert report.exit_code == 0
    statements = report.json()["statements"]
    assert [s["id"] for s in statements] == list(EXPECTED)  # in the order they were given
    given = report.json()["replies"]
    assert [s["id"] for s in given] == list(EXPECTED_REPLIES)
    for s in statements + given:
        delegation, list_id, seconds, limit = {**EXPECTED, **EXPECTED_REPLIES}[s["id"]]
        assert (s["delegation"], s["list"]) == (delegation, list_id)
        assert s["spoken_seconds"] == seconds, s["id"]
        assert s["limit_seconds"] == limit, s["id"]
        assert s["over_seconds"] == seconds - limit, s["id"]


def test_report_totals_by_list(rehearsal: Rehearsal) -> None:
    """Plenary: 5 statements, 25:00, 2 overruns by 2:30, and 2 replies (15:00) apart;
    panels 2 each."""
    assert replies(rehearsal, "list") == {"plenary": (2, 900)}
    assert totals(rehearsal, "list") == {
        "plenary": (5, 1500, 2, 150),
        "panel-1": (2, 400, 2, 40),
        "panel-2": (2, 360, 1, 30),
    }


def test_report_totals_by_regional_group(rehearsal: Rehearsal) -> None:
    """Each group's statements, time and overruns, from the script's delegations."""
    assert totals(rehearsal, "regional_group") == {
        "western-european-and-other": (2, 560, 2, 80),  # Austria, Sweden
        "eastern-european": (1, 240, 0, 0),  # Belarus (its two replies apart)
        "african": (2, 510, 1, 30),  # Nigeria, Kenya
        "asia-pacific": (2, 540, 1, 90),  # Philippines, Japan
        "latin-american-and-caribbean": (2, 410, 1, 20),  # Brazil, Mexico
    }
    assert replies(rehearsal, "regional_group") == {"eastern-european": (2, 900)}


def test_report_totals_by_level_and_category(rehearsal: Rehearsal) -> None:
    """The levels given at inscription are counted; all nine statements are of Member
    States, and so are the two replies (counted apart)."""
    by_level = totals(rehearsal, "level")
    assert by_level["head-of-state"] == (1, 360, 1, 60)
    assert by_level["minister"] == (2, 540, 0, 0)
    assert sum(v[0] for v in by_level.values()) == 9
    assert sum(v[1] for v in by_level.values()) == 2260
    assert sum(n for n, _ in replies(rehearsal, "level").values()) == 2
    assert totals(rehearsal, "category") == {"member-state": (9, 2260, 5, 220)}
    assert replies(rehearsal, "category") == {"member-state": (2, 900)}


def test_report_lists_who_was_inscribed_but_did_not_speak(rehearsal: Rehearsal) -> None:
    """Chile (withdrawn) and Fiji (absent, still waiting) did not speak; Nigeria did."""
    not_spoken = by_id(rehearsal.steps["report-json"].json()["not_spoken"])
    assert set(not_spoken) == {"S6", "S11"}
    assert not_spoken["S6"]["status"] == "withdrawn"
    assert not_spoken["S11"]["delegation"] == "Fiji"
    assert not_spoken["S11"]["absences"] == [at("17:06")]


def test_report_markdown_is_a_document_with_tables(rehearsal: Rehearsal) -> None:
    """The Markdown report has headings and well-formed pipe tables for every part."""
    result = rehearsal.steps["report-markdown"]
    assert result.exit_code == 0
    text = result.stdout
    assert "\x1b[" not in text
    lines = text.splitlines()
    assert lines[0].startswith("#")
    headings = [line for line in lines if line.startswith("#")]
    assert len(headings) >= 6  # title, statements, four kinds of totals
    tables: list[list[str]] = []
    previous = ""
    for line in lines:
        if line.startswith("|"):
            if previous.startswith("|"):
                tables[-1].append(line)
            else:
                tables.append([line])
        previous = line
    assert len(tables) >= 5
    for table in tables:
        cells = table[0].count("|")
        assert set(table[1].replace("|", "").replace(":", "")) == {"-"}, table[1]
        assert all(row.count("|") == cells for row in table), table
    statements = tables[0]
    assert len(statements) == 2 + len(EXPECTED)
    assert any("Philippines" in row and "6:30" in row for row in statements)
    assert "Chile" in text and "Fiji" in text


# --- agenda -------------------------------------------------------------------------


def test_agenda_past_statements_carry_actual_times(rehearsal: Rehearsal) -> None:
    """After the plenary, each statement shows its recorded start and end, projected false."""
    items = agenda_items(rehearsal.steps["agenda-1830"].json())
    actual = {
        "S1": ("10:00", "10:08"),
        "S2": ("10:08", "10:12"),
        "S4": ("10:12:30", "10:19"),
        "S5": ("10:19", "10:22:30"),
        "S3": ("10:22:30", "10:27:30"),
        "S12": ("10:27:30", "10:36:30"),
        "S13": ("10:36:30", "10:42:30"),
        "S7": ("15:30", "15:33:20"),
        "S8": ("15:33:20", "15:36:40"),
    }
    for sid, (start, end) in actual.items():
        item = items[sid]
        assert (item["start"], item["end"]) == (at(start), at(end)), sid
        assert item["projected"] is False, sid
    assert items["S1"]["segment"] == "plenary-1"
    assert items["S7"]["segment"] == "panel-1"


def test_agenda_projects_what_is_to_come_from_now(rehearsal: Rehearsal) -> None:
    """At 10:20, Brazil (called 10:19) ends at 10:24; the rest follow at their limits."""
    items = agenda_items(rehearsal.steps["agenda-1020"].json())
    assert items["S1"]["projected"] is False
    expected = {
        "S5": ("10:19", "10:24"),
        "S3": ("10:24", "10:29"),
        "S12": ("10:29", "10:39"),
        "S13": ("10:39", "10:44"),
    }
    for sid, (start, end) in expected.items():
        assert (items[sid]["start"], items[sid]["end"]) == (at(start), at(end)), sid
        assert items[sid]["projected"] is True, sid
    assert "S6" not in items  # withdrawn


def test_agenda_closing_plenary_after_the_panels(rehearsal: Rehearsal) -> None:
    """The list ran out on 13 May but the panels end at 18:00, outside any plenary meeting:
    the closing plenary is projected at the next plenary meeting, 10:00 on 14 May."""
    closing = segment(rehearsal.steps["agenda-1043"].json(), "closing")
    assert closing["projected"] is True
    assert closing["start"] == at("10:00", "2013-05-14")


def second_day(tmp: Path, first_ends: str) -> dict[str, Any]:
    """On 14 May, three plenary speakers; the first ends at `first_ends`; the agenda then."""
    folder = tmp / first_ends.replace(":", "")
    folder.mkdir()
    shutil.copy(EXAMPLES / "hlm-2013.toml", folder / "meeting.toml")
    day = "2013-05-14"

    def hl(when: str, *args: str) -> Result:
        result = run("--meeting", str(folder / "meeting.toml"), "--now", f"{day}T{when}", *args)
        assert result.exit_code == 0, result.stderr
        return result

    hl("09:30", "speakers", "add", "Austria")
    hl("09:31", "speakers", "add", "Chile")
    hl("09:32", "speakers", "add", "Ghana")
    hl("10:00", "next")
    hl(first_ends, "next")
    return hl(first_ends, "agenda", "--format", "json").json()


@pytest.mark.file_store  # two folders of one meeting id, or the TOML files themselves
def test_closing_plenary_moves_when_the_meeting_runs_late(tmp_path: Path) -> None:
    """Austria speaking 9 minutes instead of 4 pushes the closing plenary 5 minutes later.

    Early: Austria 10:00-10:04, Chile 10:04-10:09, Ghana 10:09-10:14, closing 10:14.
    Late:  Austria 10:00-10:09, Chile 10:09-10:14, Ghana 10:14-10:19, closing 10:19.
    """
    day = "2013-05-14"
    early = second_day(tmp_path, "10:04")
    late = second_day(tmp_path, "10:09")
    for agenda, ends in ((early, "10:04"), (late, "10:09")):
        austria = agenda_items(agenda)["S1"]
        assert (austria["start"], austria["end"]) == (at("10:00", day), at(ends, day))
        assert austria["projected"] is False
    assert segment(early, "closing")["start"] == at("10:14", day)
    assert segment(late, "closing")["start"] == at("10:19", day)
    assert segment(early, "closing")["projected"] is True
    assert segment(late, "closing")["projected"] is True

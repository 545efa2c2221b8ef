"""The opening is run like the rest (issue 19, point 5): `next` walks a meeting's
fixed items in order (the opening statements; the chairs' summaries at the closing);
`now`, the timer, the board and the caption show who speaks, elapsed and remaining
against the item's minutes; the times go into the record and the report; a `next`
during the items never adjourns the meeting; items not taken before an adjournment
are never shown after it.

The bundled opening (13 May, 09:00-10:00, General Assembly Hall): the President of
the General Assembly, the Secretary-General, the Executive Director of UNODC, an
eminent person, an NGO representative, 12 minutes each.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from board_helpers import served
from conftest import Result, record_bytes, run

pytestmark = pytest.mark.both_stores

DAY = "2013-05-13"


def at(hhmm: str) -> str:
    return f"{DAY}T{hhmm}:00-04:00"


def ok(when: str, *args: str) -> Result:
    result = run("--now", f"{DAY}T{when}", *args)
    assert result.exit_code == 0, result.stderr
    return result


def now_json(when: str) -> dict[str, Any]:
    data: dict[str, Any] = ok(when, "now", "--format", "json").json()
    return data


def segment(when: str, seg_id: str) -> dict[str, Any]:
    data = ok(when, "agenda", "--format", "json").json()
    found: dict[str, Any] = next(s for s in data["segments"] if s["id"] == seg_id)
    return found


def opening_statements(hlm: Path) -> None:
    """Austria inscribed; the President of the General Assembly called at 09:00, the
    Secretary-General at 09:13."""
    ok("08:00", "speakers", "add", "Austria")
    ok("09:00", "next")
    ok("09:13", "next")


def test_now_during_the_opening_names_the_secretary_general_with_a_countdown(
    hlm: Path,
) -> None:
    """At 09:20 the Secretary-General has spoken 7 of 12 minutes: 5 remain."""
    opening_statements(hlm)
    data = now_json("09:20")
    current = data["current"]
    assert (current["kind"], current["delegation"], current["segment"]) == (
        "item",
        "Secretary-General",
        "opening",
    )
    assert current["title"] == "Statement by the Secretary-General"
    assert current["started_at"] == at("09:13")
    assert (data["elapsed_seconds"], data["remaining_seconds"], data["limit_seconds"]) == (
        420,
        300,
        720,
    )
    assert data["next"][0]["delegation"] == (
        "Executive Director of the United Nations Office on Drugs and Crime"
    )
    text = ok("09:20", "now").stdout
    assert "Speaking: Secretary-General (Statement by the Secretary-General)" in text
    assert "Elapsed 7:00 of 12:00; remaining 5:00" in text
    over = now_json("09:26")
    assert over["remaining_seconds"] == -60


def test_the_timer_counts_the_item_down(hlm: Path) -> None:
    opening_statements(hlm)
    frame = ok("09:20", "timer", "--once").stdout
    assert "Secretary-General" in frame and "Remaining 5:00" in frame
    assert "Elapsed 7:00 of 12:00" in frame


def test_the_board_and_the_caption_show_the_item(hlm: Path) -> None:
    """The hall page and the caption name the Secretary-General."""
    import httpx

    opening_statements(hlm)
    clock = datetime.fromisoformat(at("09:20"))
    with served(hlm, clock=lambda: clock) as url:
        hall = httpx.get(url).text
        caption = httpx.get(url + "caption").text
        api = httpx.get(url + "api/now").json()
    assert ">Secretary-General<" in hall
    assert 'class="lower-third" data-current>' in caption
    assert "Statement by the Secretary-General" in caption
    assert api["current"]["delegation"] == "Secretary-General"
    assert api["remaining_seconds"] == 300


def test_next_walks_the_items_and_never_adjourns_the_opening(hlm: Path) -> None:
    """Five `next`: the five items in order, the meeting open all along and the list's
    speaker still waiting; the sixth ends the last item and calls nobody; the seventh
    calls Austria into plenary 1 (the opening then ends)."""
    ok("08:00", "speakers", "add", "Austria")
    called = []
    for when in ("09:00", "09:12", "09:25", "09:36", "09:48"):
        data = ok(when, "next", "--format", "json").json()
        called.append(data["current"]["title"])
        assert segment(when, "opening")["status"] == "open"
        assert data["next"] == [] or data["next"][0]["kind"] == "item"
    assert called == [
        "Statement by the President of the General Assembly",
        "Statement by the Secretary-General",
        "Statement by the Executive Director of UNODC",
        "Statement by an eminent person actively engaged in the fight against trafficking "
        "in persons",
        "Statement by a representative of an NGO in consultative status with ECOSOC, "
        "who may be a survivor",
    ]
    last = ok("09:59", "next", "--format", "json").json()
    assert last["current"] is None
    assert last["ended"]["title"].startswith("Statement by a representative of an NGO")
    assert "`hlmctl meeting adjourn`" in last["then"]
    assert segment("09:59", "opening")["status"] == "open"
    rows = ok("09:59", "speakers", "list", "--format", "json").json()
    assert rows[0]["status"] == "waiting"
    austria = ok("10:00", "next", "--format", "json").json()["current"]
    assert (austria["delegation"], austria["segment"]) == ("Austria", "plenary-1")
    opening = segment("10:01", "opening")
    assert (opening["status"], opening["end"]) == ("adjourned", at("10:00"))


def test_the_items_times_go_into_the_agenda_and_the_report(hlm: Path) -> None:
    """Given 09:00-09:12, 09:12-09:25 (+1:00), 09:25-09:36: the agenda shows those
    times, not projected; the report lists them against their 12 minutes."""
    for when in ("09:00", "09:12", "09:25", "09:36"):
        ok(when, "next")
    items = segment("09:40", "opening")["items"]
    assert [(i["start"], i["end"], i["projected"]) for i in items[:3]] == [
        (at("09:00"), at("09:12"), False),
        (at("09:12"), at("09:25"), False),
        (at("09:25"), at("09:36"), False),
    ]
    assert (items[3]["start"], items[3]["projected"]) == (at("09:36"), True)
    assert items[4]["start"] == at("09:48")
    report = ok("09:40", "report", "--format", "json").json()
    assert [
        (i["segment"], i["speaker"], i["spoken_seconds"], i["over_seconds"])
        for i in report["items"]
    ] == [
        ("opening", "President of the General Assembly", 720, 0),
        ("opening", "Secretary-General", 780, 60),
        ("opening", "Executive Director of the United Nations Office on Drugs and Crime", 660, -60),
    ]
    assert report["statements"] == []
    text = ok("09:40", "report", "--format", "text").stdout
    assert (
        "2. Statement by the Secretary-General; started 13 May 09:12; spoke 13:00 of 12:00 (+1:00)"
        in text
    )


def test_items_not_taken_are_never_shown_after_the_adjournment(hlm: Path) -> None:
    """Adjourned at 09:40 after three items: the agenda and the script end there; the
    two items not taken are marked so."""
    for when in ("09:00", "09:12", "09:25"):
        ok(when, "next")
    ok("09:40", "meeting", "adjourn")
    opening = segment("09:41", "opening")
    assert opening["end"] == at("09:40")
    assert all(i["end"] <= at("09:40") for i in opening["items"])
    assert len(opening["items"]) == 3
    assert [i["label"][:25] for i in opening["not_taken"]] == [
        "Statement by an eminent p",
        "Statement by a representa",
    ]
    assert "Not taken before the adjournment" in opening["note"]
    script = ok("09:41", "script", "--day", DAY).stdout
    block = script[script.index("Opening plenary meeting") : script.index("Plenary meeting")]
    assert "eminent person" not in block
    # The item being given when the meeting is adjourned ends with it.
    report = ok("09:41", "report", "--format", "json").json()
    assert report["items"][-1]["ended_at"] == at("09:40")


def test_the_closing_plenary_runs_its_summaries_with_next(hlm: Path) -> None:
    """With the list exhausted, the closing is opened at 11:00: `next` calls the chair
    of panel 1's summary, then panel 2's, then the President's final remarks."""
    ok("08:00", "speakers", "add", "Austria")
    ok("10:00", "next")
    ok("10:05", "next")  # the list is exhausted
    ok("10:06", "meeting", "adjourn")
    opened = run("--now", "2013-05-14T11:00", "meeting", "open", "closing")
    assert opened.exit_code == 0, opened.stderr
    day2 = "2013-05-14T"
    labels = []
    for when in ("11:00", "11:05", "11:11"):
        result = run("--now", day2 + when, "next", "--format", "json")
        assert result.exit_code == 0, result.stderr
        labels.append(result.json()["current"]["title"] or result.json()["current"]["delegation"])
    assert labels[0] == "Summary of interactive panel discussion 1 by its Chair"
    assert labels[2] == "Final remarks by the President of the General Assembly"
    closing = next(
        s
        for s in run("--now", day2 + "11:20", "agenda", "--format", "json").json()["segments"]
        if s["id"] == "closing"
    )
    assert [i["projected"] for i in closing["items"]] == [False, False, True]


def test_undo_reverts_the_call_of_an_item(hlm: Path) -> None:
    ok("09:00", "next")
    before = record_bytes(Path("."))
    ok("09:12", "next")
    assert now_json("09:13")["current"]["delegation"] == "Secretary-General"
    ok("09:13", "undo")
    assert record_bytes(Path(".")) == before
    assert now_json("09:13")["current"]["delegation"] == "President of the General Assembly"


@pytest.mark.file_store  # edits the TOML record by hand
def test_a_record_naming_an_item_the_meeting_file_lacks_is_refused(hlm: Path) -> None:
    """An item index that is no fixed item of the meeting: exit 2, one line naming it."""
    ok("09:00", "next")
    path = Path("meeting.state.toml")
    text = path.read_text("utf-8")
    assert "index = 0" in text
    path.write_text(text.replace("index = 0", "index = 9"), "utf-8")
    for args in (["validate"], ["now"], ["next"]):
        result = run("--now", f"{DAY}T09:05", *args)
        assert result.exit_code == 2, (args, result.stderr)
        assert "meetings.opening.items: no fixed item 9 in the meeting file" in result.stderr


def test_pause_and_resume_stop_and_restart_the_items_clock(hlm: Path, isolated: Path) -> None:
    """The Secretary-General, called at 09:13, is paused at 09:15 (a point of order)
    and resumed at 09:18: at 09:20 4 of 12 minutes are spoken; `now`, the timer and
    the board say paused while paused; the report counts 12 minutes without the pause;
    pausing twice or resuming a running item is nothing to do (exit 3)."""
    import httpx

    opening_statements(hlm)
    paused = ok("09:15", "pause")
    assert paused.stdout == (
        "opening item 2\tSecretary-General: clock paused; `hlmctl resume` restarts it\n"
    )
    while_paused = now_json("09:17")
    assert (while_paused["paused"], while_paused["elapsed_seconds"]) == (True, 120)
    assert "paused" in ok("09:17", "timer", "--once").stdout.lower()
    clock = datetime.fromisoformat(at("09:17"))
    with served(hlm, clock=lambda: clock) as url:
        api = httpx.get(url + "api/now").json()
    assert (api["paused"], api["elapsed_seconds"]) == (True, 120)
    before = record_bytes(isolated)
    again = run("--now", f"{DAY}T09:16", "pause")
    assert again.exit_code == 3 and "already paused" in again.stderr
    assert record_bytes(isolated) == before
    ok("09:18", "resume")
    running = now_json("09:20")
    assert running["paused"] is False
    assert (running["elapsed_seconds"], running["remaining_seconds"]) == (240, 480)
    not_paused = run("--now", f"{DAY}T09:21", "resume")
    assert not_paused.exit_code == 3 and "not paused" in not_paused.stderr
    # The agenda gives it its 12 minutes and the 3 of the pause: projected to 09:28.
    assert segment("09:20", "opening")["items"][1]["end"] == at("09:28")
    ok("09:28", "next")
    report = ok("09:29", "report", "--format", "json").json()
    given = [(i["speaker"], i["spoken_seconds"], i["over_seconds"]) for i in report["items"]]
    assert given[1] == ("Secretary-General", 720, 0)
    log = ok("09:29", "log", "--format", "json").json()
    assert [e["change"] for e in log if e["command"] in ("pause", "resume")] == [
        "opening item 2 Secretary-General paused",
        "opening item 2 Secretary-General resumed",
    ]
    # undo takes back the call of the Executive Director, then the resume.
    assert run("undo").exit_code == 0 and run("undo").exit_code == 0
    assert now_json("09:30")["paused"] is True


def test_pause_with_nobody_speaking_is_still_refused(hlm: Path, isolated: Path) -> None:
    ok("08:00", "speakers", "add", "Austria")
    refused = run("--now", f"{DAY}T08:30", "pause")
    assert refused.exit_code == 2
    assert refused.stderr == "hlmctl: nobody is speaking in list 'plenary': nothing to pause\n"

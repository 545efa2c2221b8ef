"""`next` and the projection are one rule (issue 19, point 3), and rights of reply as
practised (point 7): through the CLI, on the bundled 2013 meeting.

Plenary 1 runs 10:00-13:00 on 13 May with 5-minute statements; plenary 2 at 10:00 on
14 May. Rights of reply: 10 minutes for a delegation's first, 5 for its second.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import Result, record_bytes, run

pytestmark = pytest.mark.both_stores

DAY = "2013-05-13"


def at(hhmm: str, day: str = DAY) -> str:
    return f"{day}T{hhmm}:00-04:00"


def hl(when: str, *args: str) -> Result:
    now = when if "T" in when else f"{DAY}T{when}"
    return run("--now", now, *args)


def ok(when: str, *args: str) -> Result:
    result = hl(when, *args)
    assert result.exit_code == 0, result.stderr
    return result


def called(when: str, *args: str) -> dict[str, Any]:
    data: dict[str, Any] = ok(when, "next", *args, "--format", "json").json()
    return data


def listing(when: str) -> dict[str, dict[str, Any]]:
    rows = ok(when, "speakers", "list", "--all", "--format", "json").json()
    return {r["delegation"]: r for r in rows if r["kind"] == "statement"}


def inscribe(*names: str) -> None:
    for name in names:
        ok("09:00", "speakers", "add", name)


def overrun_with_replies() -> None:
    """Austria speaks from 10:00 to 12:56; Belarus asks two replies, Chile one. At 12:56
    no 5-minute statement fits before 13:00: the projection moves Denmark, Egypt and
    France to 14 May 10:00, and takes the day's replies in plenary 1."""
    inscribe("Austria", "Denmark", "Egypt", "France")
    ok("10:00", "next")
    ok("12:40", "reply", "add", "Belarus")
    ok("12:41", "reply", "add", "Belarus")
    ok("12:42", "reply", "add", "Chile")


def test_next_calls_the_replies_when_the_projection_moved_the_statements(hlm: Path) -> None:
    """What `now` and `speakers list` announce at 12:56 is what `next` does: the replies
    (first replies before the second), then exit 3 naming where the list continues."""
    overrun_with_replies()
    now = ok("12:56", "now", "--format", "json").json()
    assert [s["delegation"] for s in now["next"]] == ["Belarus", "Chile", "Belarus"]
    assert [s["minutes"] for s in now["next"]] == [10, 10, 5]
    rows = listing("12:56")
    assert (rows["Denmark"]["segment"], rows["Denmark"]["estimated_start"]) == (
        "plenary-2",
        at("10:00", "2013-05-14"),
    )
    first = called("12:56")
    assert (first["current"]["delegation"], first["current"]["kind"]) == ("Belarus", "reply")
    assert first["current"]["id"] == now["next"][0]["id"]
    assert called("13:06")["current"]["delegation"] == "Chile"
    second = called("13:11")["current"]
    assert (second["delegation"], second["minutes"]) == ("Belarus", 5)
    # The last reply ends: nobody is called, and the answer says where the list goes on.
    last = called("13:16")
    assert last["current"] is None and last["ended"]["id"] == second["id"]
    assert last["continues"] == (
        "the list continues at 10:00 on 14 May (plenary-2); `hlmctl meeting adjourn`"
    )
    text = ok("13:16", "now").stdout
    assert "the list continues at 10:00 on 14 May (plenary-2)" in text
    # Nobody speaking, nobody to call in this meeting: exit 3, nothing recorded.
    before = record_bytes(Path("."))
    stopped = hl("13:17", "next")
    assert stopped.exit_code == 3
    assert stopped.stderr == (
        "hlmctl: the list continues at 10:00 on 14 May (plenary-2); `hlmctl meeting adjourn`\n"
    )
    assert record_bytes(Path(".")) == before


def test_next_continue_goes_on_and_the_projection_shows_it(hlm: Path) -> None:
    """`next --continue` calls Denmark into plenary 1 after all: the agenda shows it
    there, the meeting's overrun with it, and the others still on 14 May."""
    inscribe("Austria", "Denmark", "Egypt", "France")
    ok("10:00", "next")
    stopped = called("12:58")
    assert stopped["current"] is None and "plenary-2" in stopped["continues"]
    going_on = called("12:59", "--continue")
    assert going_on["current"]["delegation"] == "Denmark"
    agenda = ok("13:00", "agenda", "--format", "json").json()
    p1 = next(s for s in agenda["segments"] if s["id"] == "plenary-1")
    items = {i["speaker_id"]: i for i in p1["items"] if i.get("speaker_id")}
    denmark = going_on["current"]["id"]
    assert items[denmark]["start"] == at("12:59")
    assert p1["overrun"] is True and p1["end"] == at("13:04")
    rows = listing("13:00")
    assert rows["Denmark"]["segment"] == "plenary-1"
    assert rows["Egypt"]["segment"] == "plenary-2"
    log = ok("13:00", "log").stdout.splitlines()[-1]
    assert "Denmark called; the meeting goes on" in log


def test_continued_statements_come_before_the_replies(hlm: Path) -> None:
    """A statement the officer goes on with at 12:56 is given before the day's replies,
    which the projection then moves after it."""
    overrun_with_replies()
    going_on = called("12:56", "--continue")
    assert going_on["current"]["delegation"] == "Denmark"
    now = ok("12:57", "now", "--format", "json").json()
    assert [s["kind"] for s in now["next"]] == ["reply", "reply", "reply"]
    assert now["next"][0]["estimated_start"] == at("13:01")


def test_next_ref_calls_that_speaker_now(hlm: Path) -> None:
    """`next France` at 12:58 calls France (moved to 14 May by the projection) into
    plenary 1; Denmark and Egypt stay where they were."""
    inscribe("Austria", "Denmark", "Egypt", "France")
    ok("10:00", "next")
    data = called("12:58", "France")
    assert (data["current"]["delegation"], data["current"]["segment"]) == ("France", "plenary-1")
    assert data["ended"]["delegation"] == "Austria"
    rows = listing("12:59")
    assert rows["Denmark"]["position"] == 1 and rows["Denmark"]["segment"] == "plenary-2"


@pytest.mark.parametrize("ref", ["S99", "Japan", "S1"])
def test_next_ref_that_is_not_waiting_is_refused(hlm: Path, ref: str) -> None:
    """An unknown speaker, a delegation not inscribed, or one already speaking: exit 2,
    one line, the record as it was."""
    inscribe("Austria", "Denmark")
    ok("10:00", "next")
    before = record_bytes(Path("."))
    result = hl("10:02", "next", ref)
    assert result.exit_code == 2
    assert result.stderr.startswith("hlmctl: ") and result.stdout == ""
    assert record_bytes(Path(".")) == before


def test_in_the_meeting_next_and_now_follow_the_list(hlm: Path) -> None:
    """During the meeting nothing changes: `now` announces the next three, `next`
    calls the first of them."""
    inscribe("Austria", "Belarus", "Chile", "Denmark", "Egypt")
    ok("10:00", "next")
    now = ok("10:03", "now", "--format", "json").json()
    assert [s["delegation"] for s in now["next"]] == ["Belarus", "Chile", "Denmark"]
    assert now["continues"] is None
    assert called("10:04")["current"]["delegation"] == "Belarus"


# --- rights of reply in practice ----------------------------------------------------------


def test_first_replies_of_the_day_come_before_second_ones(hlm: Path) -> None:
    """Asked in the order Belarus, Belarus, Chile, Peru, Chile: taken Belarus, Chile,
    Peru (the first replies, in the order asked), then Belarus, Chile (the second)."""
    inscribe("Austria")
    for when, who in (
        ("10:01", "Belarus"),
        ("10:02", "Belarus"),
        ("10:03", "Chile"),
        ("10:04", "Peru"),
        ("10:05", "Chile"),
    ):
        ok(when, "reply", "add", who)
    rows = ok("10:06", "speakers", "list", "--format", "json").json()
    replies = [(r["delegation"], r["minutes"]) for r in rows if r["kind"] == "reply"]
    assert replies == [("Belarus", 10), ("Chile", 10), ("Peru", 10), ("Belarus", 5), ("Chile", 5)]
    assert rows[0]["delegation"] == "Austria"  # the statements first
    order = [called(when)["current"]["delegation"] for when in ("10:10", "10:15", "10:25")]
    assert order == ["Austria", "Belarus", "Chile"]


def test_the_report_counts_replies_apart_from_statements(hlm: Path) -> None:
    """Two statements and two replies: "2 statements were delivered", the replies in
    their own part, and each total counts them apart (by list, level, category and
    regional group)."""
    inscribe("Austria", "Belarus")
    ok("10:00", "reply", "add", "Chile")
    ok("10:00", "reply", "add", "Chile")
    for when in ("10:01", "10:05", "10:11", "10:20", "10:26"):
        ok(when, "next")
    data = ok("10:30", "report", "--format", "json").json()
    assert [s["delegation"] for s in data["statements"]] == ["Austria", "Belarus"]
    assert [(s["delegation"], s["spoken_seconds"]) for s in data["replies"]] == [
        ("Chile", 540),
        ("Chile", 360),
    ]
    assert data["replies"][1]["over_seconds"] == 60
    by_group = {t["key"]: t for t in data["totals"]["regional_group"]}
    latin = by_group["latin-american-and-caribbean"]
    assert (latin["statements"], latin["replies"], latin["reply_seconds"]) == (0, 2, 900)
    western = by_group["western-european-and-other"]
    assert (western["statements"], western["seconds"], western["replies"]) == (1, 240, 0)
    [member_states] = data["totals"]["category"]
    assert (member_states["statements"], member_states["replies"]) == (2, 2)
    [plenary] = data["totals"]["list"]
    assert (plenary["statements"], plenary["seconds"], plenary["overruns"]) == (2, 600, 1)
    assert sum(t["replies"] for t in data["totals"]["level"]) == 2
    text = ok("10:30", "report", "--format", "text").stdout
    assert "2 statements were delivered. 2 rights of reply were exercised." in text
    assert "Rights of reply\n1. S3 Right of reply: Chile" in text
    assert "; 2 rights of reply, 15:00" in text
    french = ok("10:30", "report", "--format", "text", "--lang", "fr").stdout
    assert "2 droits de réponse ont été exercés." in french
    markdown = ok("10:30", "report", "--format", "markdown").stdout
    assert "### Rights of reply" in markdown

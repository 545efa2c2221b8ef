"""Calendars that follow the day: SEQUENCE and LAST-MODIFIED on every event, and
the board's /agenda.ics, read by four calendar libraries (icalendar, vobject, ics,
recurring-ical-events) at the instants of `agenda --format json`, before and after
a `next` that moves the day; and answered with 304 when nothing changed."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from board_helpers import served
from conftest import run

DAY = "2013-05-13"
Instants = dict[str, tuple[datetime, datetime]]


def ok(now: str, *args: str) -> str:
    result = run("--now", now, *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def utc(value: Any) -> datetime:
    assert isinstance(value, datetime), value
    assert value.tzinfo is not None, value
    return value.astimezone(UTC)


def by_json(now: str) -> Instants:
    import json

    data = json.loads(ok(now, "agenda", "--format", "json"))
    return {
        s["id"]: (utc(datetime.fromisoformat(s["start"])), utc(datetime.fromisoformat(s["end"])))
        for s in data["segments"]
        if s["start"] and s["end"]
    }


def readers(text: str) -> dict[str, Instants]:
    """The events' instants as each library reads them, by segment id."""
    import ics
    import recurring_ical_events
    import vobject
    from icalendar import Calendar

    def sid(uid: Any) -> str:
        return str(uid).split("@")[0]

    cal = Calendar.from_ical(text)
    seen = {
        "icalendar": {
            sid(e["uid"]): (utc(e.decoded("dtstart")), utc(e.decoded("dtend")))
            for e in cal.walk("VEVENT")
        },
        "vobject": {
            sid(e.uid.value): (utc(e.dtstart.value), utc(e.dtend.value))
            for e in vobject.readOne(text).vevent_list
        },
        "ics": {
            sid(e.uid): (utc(e.begin.datetime), utc(e.end.datetime))
            for e in ics.Calendar(text).events
        },
        "recurring-ical-events": {
            sid(e["uid"]): (utc(e.decoded("dtstart")), utc(e.decoded("dtend")))
            for e in recurring_ical_events.of(cal).between((2000, 1, 1), (2100, 1, 1))
        },
    }
    return seen


def sequences(text: str) -> dict[str, tuple[int, datetime | None]]:
    from icalendar import Calendar

    return {
        str(e["uid"]).split("@")[0]: (
            int(e.get("sequence", -1)),
            utc(e.decoded("last-modified")) if "last-modified" in e else None,
        )
        for e in Calendar.from_ical(text).walk("VEVENT")
    }


class Clock:
    def __init__(self, at: str) -> None:
        self.at = datetime.fromisoformat(at + "-04:00")

    def __call__(self) -> datetime:
        return self.at


def fetch(base: str, **headers: str) -> httpx.Response:
    return httpx.get(base + "agenda.ics", headers=headers, timeout=20)


def test_agenda_ics_follows_a_next_that_moves_the_day(hlm: Path) -> None:
    pytest.importorskip("vobject")
    for n, name in enumerate(["Chile", "Peru", "Ghana", "Nepal", "Fiji", "Mali", "Oman"]):
        ok(f"{DAY}T09:0{n}", "speakers", "add", name, "--minutes", "30")
    ok(f"{DAY}T10:00", "next")
    clock = Clock(f"{DAY}T10:20")
    with served(hlm, clock=clock) as base:
        first = fetch(base)
        assert first.status_code == 200
        assert first.headers["content-type"] == "text/calendar; charset=utf-8"
        before = by_json(f"{DAY}T10:20")
        for name, seen in readers(first.text).items():
            assert seen == before, name
        seq_before = sequences(first.text)
        # The first statement runs 50 minutes over its 30: every later meeting moves.
        ok(f"{DAY}T11:20", "next")
        clock.at = datetime.fromisoformat(f"{DAY}T11:20-04:00")
        deadline = time.monotonic() + 20
        second = fetch(base, **{"if-none-match": first.headers["etag"]})
        # The board learns of the change from the store's watch; meanwhile its clock
        # alone (11:20, a statement over time) may already move the projection: wait
        # for the calendar of the record after the change.
        while (
            second.status_code == 304 or sequences(second.text) == seq_before
        ) and time.monotonic() < deadline:
            time.sleep(0.2)
            second = fetch(base, **{"if-none-match": first.headers["etag"]})
        assert second.status_code == 200
        assert second.headers["etag"] != first.headers["etag"]
    after = by_json(f"{DAY}T11:20")
    assert after != before
    for name, seen in readers(second.text).items():
        assert seen == after, name
    seq_after = sequences(second.text)
    change = datetime.fromisoformat(f"{DAY}T11:20-04:00").astimezone(UTC)
    for sid, (start, end) in after.items():
        if (start, end) != before[sid]:  # it moved: its SEQUENCE grew
            assert seq_after[sid][0] > seq_before[sid][0], sid
            assert seq_after[sid][1] == change, sid
    assert any(after[s] != before[s] for s in after)
    # The command gives the same SEQUENCE and LAST-MODIFIED as the board.
    assert sequences(ok(f"{DAY}T11:20", "agenda", "--format", "ics")) == seq_after


def test_a_calendar_polls_cheaply(hlm: Path) -> None:
    ok(f"{DAY}T09:00", "speakers", "add", "Chile")
    with served(hlm, clock=Clock(f"{DAY}T09:30")) as base:
        first = fetch(base)
        etag, modified = first.headers["etag"], first.headers["last-modified"]
        assert first.headers["cache-control"] == "no-cache"
        again = fetch(base, **{"if-none-match": etag})
        assert (again.status_code, again.content) == (304, b"")
        assert again.headers["etag"] == etag
        assert fetch(base, **{"if-modified-since": modified}).status_code == 304
        assert fetch(base, **{"if-none-match": '"other"'}).status_code == 200
        assert fetch(base, **{"if-modified-since": "not a date"}).status_code == 200
        old = "Mon, 13 May 2013 00:00:00 GMT"
        assert fetch(base, **{"if-modified-since": old}).status_code == 200
        head = httpx.head(base + "agenda.ics", timeout=20)
        assert head.status_code == 200
        assert head.headers["etag"] == etag
        assert httpx.post(base + "agenda.ics", timeout=20).status_code == 405


def test_sequence_counts_the_changes_until_the_event_ended(hlm: Path) -> None:
    """A change after a meeting ended cannot move it: its SEQUENCE stays."""
    ok(f"{DAY}T09:00", "speakers", "add", "Chile")
    ok(f"{DAY}T09:01", "speakers", "add", "Peru")
    ok(f"{DAY}T10:02", "next")
    seq = sequences(ok(f"{DAY}T10:03", "agenda", "--format", "ics"))
    assert seq["opening"][0] == 2  # the two inscriptions came before its end (10:00)
    assert seq["plenary-1"][0] == 3
    ok(f"{DAY}T10:05", "next")
    later = sequences(ok(f"{DAY}T10:06", "agenda", "--format", "ics"))
    assert later["opening"] == seq["opening"]
    assert later["plenary-1"][0] == 4
    assert later["plenary-1"][1] == datetime(2013, 5, 13, 14, 5, tzinfo=UTC)


def test_no_change_yet_is_sequence_0_without_last_modified(hlm: Path) -> None:
    seq = sequences(ok(f"{DAY}T08:00", "agenda", "--format", "ics"))
    assert seq and all(v == (0, None) for v in seq.values())

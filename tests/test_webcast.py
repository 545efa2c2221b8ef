"""The webcast archive: `report --format vtt` and `--format chapters`, checked with a
WebVTT library (webvtt-py) against every statement the record holds as given."""

from __future__ import annotations

import io
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import webvtt

from conftest import Result, run

DAY = "2013-05-13"


def ok(when: str, *args: str) -> Result:
    result = run("--now", f"{DAY}T{when}", *args)
    assert result.exit_code == 0, result.stderr
    return result


def played(hlm: Path) -> list[dict[str, Any]]:
    """A morning: five statements (one paused, one with a hostile name), a reply, one
    still speaking at the end; the record's statements as `speakers list` gives them."""
    ok(
        "09:00",
        "speakers",
        "add",
        "Belarus",
        "--courtesy",
        "H.E. Mr.",
        "--name",
        "Vladimir Makei",
        "--title",
        "Minister for Foreign Affairs",
    )
    ok("09:00", "speakers", "add", "Egypt", "--name", "محمد كامل عمرو")
    ok("09:00", "speakers", "add", "China", "--name", "王毅 <b>&amp;</b> --> x")
    ok("09:00", "speakers", "add", "Russian Federation", "--name", "Сергей Лавров")
    ok("09:00", "speakers", "add", "Chile", "--on-behalf-of", "Group of 77 and China")
    ok("10:05:00", "next")
    ok("10:12:30", "next")
    ok("10:14:00", "pause")
    ok("10:16:00", "resume")
    ok("10:21:15", "next")
    ok("10:24:00", "reply", "add", "Belarus")
    ok("10:29:59", "next")
    ok("10:33:00", "next")
    ok("10:40:00", "next")  # the reply
    assert run("--now", f"{DAY}T10:41:30", "next").exit_code in (0, 3)
    rows = ok("12:00", "speakers", "list", "--all", "--format", "json").json()
    return [r for r in rows if r["status"] == "spoken"]


def seconds(value: str, origin: datetime) -> float:
    return (datetime.fromisoformat(value) - origin).total_seconds()


def test_vtt_has_one_cue_per_statement_given_matching_the_record(hlm: Path) -> None:
    given = played(hlm)
    assert len(given) >= 5
    result = ok("12:00", "report", "--format", "vtt")
    assert result.stdout.startswith("WEBVTT\n")
    cues = webvtt.from_buffer(io.StringIO(result.stdout)).captions
    origin = datetime.fromisoformat(given[0]["started_at"])  # no opening recorded: the first
    assert [c.identifier for c in cues] == [s["id"] for s in given]
    for cue, s in zip(cues, given, strict=True):
        assert cue.start_in_seconds == pytest.approx(seconds(s["started_at"], origin), abs=0.001)
        assert cue.end_in_seconds == pytest.approx(seconds(s["ended_at"], origin), abs=0.001)
    texts = {c.identifier: c.text for c in cues}
    belarus = next(s["id"] for s in given if s["delegation"] == "Belarus" and s["kind"] != "reply")
    assert texts[belarus] == "Belarus, H.E. Mr. Vladimir Makei, Minister for Foreign Affairs"
    china = next(s["id"] for s in given if s["delegation"] == "China")
    # Markup in a name stays text: the library gives back the entities as written.
    assert "&lt;b&gt;&amp;amp;&lt;/b&gt; --&gt; x" in texts[china]
    reply = next(s["id"] for s in given if s["kind"] == "reply")
    assert texts[reply] == "Right of reply: Belarus"
    chile = next(s["id"] for s in given if s["delegation"] == "Chile")
    assert texts[chile] == "Chile (on behalf of the Group of 77 and China)"


def test_the_statement_still_running_is_not_in_the_index(hlm: Path) -> None:
    ok("09:00", "speakers", "add", "Belarus")
    ok("09:00", "speakers", "add", "Egypt")
    ok("10:05", "next")
    ok("10:10", "next")
    cues = webvtt.from_buffer(io.StringIO(ok("10:11", "report", "-f", "vtt").stdout)).captions
    assert [c.identifier for c in cues] == ["S1"]
    assert (cues[0].start, cues[0].end) == ("00:00:00.000", "00:05:00.000")


def test_from_moves_every_cue_and_leaves_out_what_was_before(hlm: Path) -> None:
    given = played(hlm)
    start = datetime.fromisoformat(given[1]["started_at"])
    result = ok("12:00", "report", "--format", "vtt", "--from", start.strftime("%H:%M:%S"))
    cues = webvtt.from_buffer(io.StringIO(result.stdout)).captions
    assert [c.identifier for c in cues] == [s["id"] for s in given[1:]]
    assert cues[0].start_in_seconds == 0
    full = ok("12:00", "report", "--format", "vtt", "--from", f"{DAY}T10:00:00-04:00")
    first = webvtt.from_buffer(io.StringIO(full.stdout)).captions[0]
    assert first.start == "00:05:00.000"


def test_chapters_are_one_line_per_statement_in_either_language(hlm: Path) -> None:
    given = played(hlm)
    origin = datetime.fromisoformat(given[0]["started_at"])
    lines = ok("12:00", "report", "--format", "chapters").stdout.splitlines()
    assert len(lines) == len(given)
    for line, s in zip(lines, given, strict=True):
        assert re.fullmatch(r"\d\d:\d\d:\d\d \S.*", line), line
        assert sum(
            int(p) * f for p, f in zip(line[:8].split(":"), (3600, 60, 1), strict=True)
        ) == int(seconds(s["started_at"], origin))
    assert lines[0].endswith("Belarus, H.E. Mr. Vladimir Makei, Minister for Foreign Affairs")
    french = ok("12:00", "--lang", "fr", "report", "--format", "chapters").stdout.splitlines()
    assert french[0].endswith("Bélarus, S. E. M. Vladimir Makei, Ministre des affaires étrangères")
    assert any("Droit de réponse" in line for line in french)
    assert [f[:8] for f in french] == [e[:8] for e in lines]


def test_nothing_given_yet_is_an_empty_index(hlm: Path) -> None:
    assert ok("09:00", "report", "--format", "vtt").stdout == "WEBVTT\n"
    assert ok("09:00", "report", "--format", "chapters").stdout == ""


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["--format", "vtt", "--from", "25:00"], "--from: '25:00' is not a time of day"),
        (["--format", "chapters", "--from", "yesterday"], "--from: 'yesterday' is not a date"),
        (["--format", "json", "--from", "10:00"], "--from is for --format vtt or chapters"),
    ],
)
def test_a_bad_from_is_one_line_and_exit_2(hlm: Path, args: list[str], problem: str) -> None:
    result = run("--now", f"{DAY}T12:00", "report", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert problem in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("lang", "second"),
    [("en", "Statement by the Secretary-General"), ("fr", "Déclaration du Secrétaire général")],
)
def test_the_openings_fixed_items_given_are_cues_too(hlm: Path, lang: str, second: str) -> None:
    """The opening's statements run with `next` are in the index, at their record's
    times (the report's `items`), named by their label in the language asked; the
    one still being given is not."""
    for when in ("09:00:00", "09:11:00", "09:23:30"):
        ok(when, "next")
    report = ok("09:30", "report", "--format", "json").json()
    given = [i for i in report["items"] if i["ended_at"] is not None]
    assert len(given) == 2
    result = ok("09:30", "--lang", lang, "report", "--format", "vtt")
    cues = webvtt.from_buffer(io.StringIO(result.stdout)).captions
    assert [c.identifier for c in cues] == ["opening-1", "opening-2"]
    origin = datetime.fromisoformat(given[0]["started_at"])
    for cue, item in zip(cues, given, strict=True):
        assert cue.start_in_seconds == pytest.approx(seconds(item["started_at"], origin))
        assert cue.end_in_seconds == pytest.approx(seconds(item["ended_at"], origin))
    assert cues[1].text == second
    chapters = ok("09:30", "--lang", lang, "report", "--format", "chapters").stdout
    assert chapters.splitlines()[1] == f"00:11:00 {second}"

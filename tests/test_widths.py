"""Readable on any terminal: at 60, 80, 100 and 140 columns, tables never drop the
delegation or the time; plain text has headers, days, and says what is empty or closed;
level and category ids forgive case; -h is help; --now HH:MM is today."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from rich.cells import cell_len

from conftest import run

NOW = "2013-05-13T10:08"
NAMES = [
    "Belarus", "Philippines", "France", "Bolivia", "Holy See", "Israel", "Cuba", "Brazil",
    "United Kingdom of Great Britain and Northern Ireland", "Lao People's Democratic Republic",
    "Saint Vincent and the Grenadines", "Bosnia and Herzegovina", "Micronesia", "Chile",
    "Democratic Republic of the Congo", "Venezuela", "Iran", "Mexico", "Kenya", "Japan",
    "Papua New Guinea", "Central African Republic", "Trinidad and Tobago", "Norway",
    "United Republic of Tanzania", "Sao Tome and Principe", "Egypt", "India", "Peru",
    "Republic of Moldova", "Antigua and Barbuda", "Equatorial Guinea", "Nepal", "Fiji",
    "Syrian Arab Republic", "Dominican Republic", "Kazakhstan", "Ghana", "Mali", "Samoa",
]  # fmt: skip
# The record is built once per module and copied as TOML into each test's folder.
pytestmark = pytest.mark.file_store

WIDTHS = [60, 80, 100, 140]
BOX = re.compile(r"[│┃┏┓┗┛┡┩└┘├┤┼┬┴┳┻╇━─═║\s():;,]+")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 2013 meeting with 40 speakers: groups, names, titles, one has spoken, one
    speaks, a right of reply waits and the list is closed. Built once per module."""
    import os
    import shutil

    from conftest import EXAMPLES

    folder = tmp_path_factory.mktemp("forty")
    meeting = folder / "meeting.toml"
    shutil.copy(EXAMPLES / "hlm-2013.toml", meeting)
    m = ["--meeting", str(meeting)]
    os.environ.setdefault("HLMCTL_OPERATOR", "tester")
    for n, name in enumerate(NAMES):
        extra: list[str] = []
        if n % 4 == 0:
            extra = ["--level", "Minister", "--courtesy", "H.E. Ms.", "--name", f"Person {n}",
                     "--title", "Minister for Foreign Affairs"]  # fmt: skip
        elif n % 4 == 1:
            extra = ["--on-behalf-of", "the Group of 77 and China"]
        result = run(*m, "--now", "2013-05-10T12:00", "speakers", "add", name, *extra)
        assert result.exit_code == 0, result.stderr
    assert run(*m, "--now", "2013-05-13T10:00", "next").exit_code == 0
    assert run(*m, "--now", "2013-05-13T10:06", "next").exit_code == 0
    assert run(*m, "--now", "2013-05-13T10:07", "reply", "add", "Belarus").exit_code == 0
    assert run(*m, "--now", "2013-05-13T10:07", "lists", "close").exit_code == 0
    return folder


@pytest.fixture
def forty(built: Path, isolated: Path) -> Path:
    import shutil

    for name in ("meeting.toml", "meeting.state.toml"):
        shutil.copy(built / name, isolated / name)
    return isolated / "meeting.toml"


def _words(text: str) -> set[str]:
    """The words of a text, wherever a table cell wrapped them."""
    return set(BOX.split(text)) - {""}


def _table(width: int, *args: str) -> str:
    result = run("--now", NOW, *args, "--format", "table", env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.stderr
    for line in result.stdout.splitlines():
        assert cell_len(line) <= width, (width, line)
    assert "…" not in result.stdout, "a cell was cut short"
    return result.stdout


def _speakers() -> list[dict[str, object]]:
    return run("--now", NOW, "speakers", "list", "--all", "--format", "json").json()  # type: ignore[no-any-return]


@pytest.mark.parametrize("width", WIDTHS)
def test_speakers_list_shows_every_delegation_and_time(forty: Path, width: int) -> None:
    out = _table(width, "speakers", "list")
    words = _words(out)
    assert {"Delegation", "Start"} <= words
    for s in _speakers():
        if s["status"] not in ("waiting", "speaking"):
            continue
        for word in _words(str(s["delegation"])):
            assert word in words, (width, s["delegation"])
        start = str(s["estimated_start"] or s["started_at"])
        assert start[11:16] in out, (width, s["id"])
    assert "closed" in out.splitlines()[0]
    assert "Right of reply" in out


@pytest.mark.parametrize("width", WIDTHS)
def test_report_shows_every_delegation_and_time(forty: Path, width: int) -> None:
    out = _table(width, "report")
    words = _words(out)
    for s in _speakers():
        if s["status"] not in ("waiting", "spoken"):  # the report leaves out who speaks now
            continue
        for word in _words(str(s["delegation"])):
            assert word in words, (width, s["delegation"])
        if s["status"] == "spoken":
            assert str(s["started_at"])[11:16] in out


@pytest.mark.parametrize("width", WIDTHS)
def test_agenda_shows_every_delegation_and_time(forty: Path, width: int) -> None:
    out = _table(width, "agenda")
    words = _words(out)
    agenda = run("--now", NOW, "agenda", "--format", "json").json()
    for seg in agenda["segments"]:
        for item in seg["items"]:
            assert item["start"][11:16] in out
    for s in _speakers():
        if s["segment"] is not None:
            for word in _words(str(s["delegation"])):
                assert word in words, (width, s["delegation"])


@pytest.mark.parametrize("width", WIDTHS)
def test_now_shows_the_delegation_and_the_times(forty: Path, width: int) -> None:
    out = _table(width, "now")
    words = _words(out)
    data = run("--now", NOW, "now", "--format", "json").json()
    for word in _words(data["current"]["delegation"]):
        assert word in words
    assert "Elapsed" in out and "2:00" in out


def test_plain_speakers_list_has_a_header_days_and_labels(forty: Path) -> None:
    out = run("--now", NOW, "speakers", "list").stdout
    lines = out.splitlines()
    assert "closed" in lines[0]
    assert lines[1].split()[:4] == ["#", "Id", "Status", "Start"]
    assert "13 May 10:" in out and "14 May" in out  # the list runs into the second day
    assert "Right of reply: Belarus" in out


def test_an_empty_list_says_so(hlm: Path) -> None:
    out = run("--now", NOW, "speakers", "list", "--list", "panel-1").stdout
    assert "Nobody is waiting in the list panel-1." in out
    table = run("--now", NOW, "speakers", "list", "--list", "panel-1", "-f", "table").stdout
    assert "Nobody is waiting in the list panel-1." in table


def test_piped_report_is_plain_text_with_plurals(forty: Path) -> None:
    out = run("--now", NOW, "report").stdout
    assert "┃" not in out and "│" not in out
    assert "1 statement was delivered." in out
    assert "1 statements" not in out and "time(s)" not in out


def test_french_listing_and_report(forty: Path) -> None:
    out = run("--now", NOW, "speakers", "list", "--lang", "fr").stdout
    assert "close, plus d'inscription" in out.splitlines()[0]
    assert "13 mai 10 h " in out and "Droit de réponse\u00a0: Bélarus" in out
    report = run("--now", NOW, "report", "--lang", "fr").stdout
    assert "1 déclaration a été prononcée." in report
    now = run("--now", NOW, "now", "--lang", "fr").stdout
    assert now.startswith("À la parole\u00a0: ")


def test_french_agenda_has_french_dates_and_times(hlm: Path) -> None:
    out = run("--now", "2013-05-10T09:00", "agenda", "--lang", "fr").stdout
    assert "lundi 13 mai 2013" in out and "mardi 14 mai 2013" in out
    assert " 9 h 00-10 h 00  Séance plénière d'ouverture" in out
    assert "Réunion de haut niveau sur la mise en œuvre du Plan d'action mondial" in out
    # A text the meeting file gives only in English says so; it is never translated.
    assert "[en anglais seulement]" in out
    english = run("--now", "2013-05-10T09:00", "agenda").stdout
    assert "Monday 13 May 2013" in english and "[English only]" not in english


def test_json_is_the_same_in_every_language(forty: Path) -> None:
    for args in (["agenda"], ["speakers", "list"], ["now"], ["report"]):
        en = run("--now", NOW, *args, "--format", "json").stdout
        fr = run("--now", NOW, *args, "--format", "json", env={"HLMCTL_LANG": "fr"}).stdout
        assert en == fr


# --- forgiving where it is safe ---------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "level"),
    [("Minister", "minister"), ("HEAD-OF-STATE", "head-of-state"),
     ("head of government", "head-of-government"), ("Vice-Minister", "vice-minister")],
)  # fmt: skip
def test_level_ids_forgive_case_and_spaces(hlm: Path, typed: str, level: str) -> None:
    result = run("--now", NOW, "speakers", "add", "Chile", "--level", typed, "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["level"] == level


def test_category_ids_forgive_case(hlm: Path) -> None:
    result = run("--now", NOW, "speakers", "add", "UN Women", "--category", "UN-Entity", "--json")
    assert result.exit_code == 0, result.stderr
    assert result.json()["category"] == "un-entity"


def test_an_unknown_level_is_still_refused(hlm: Path) -> None:
    result = run("--now", NOW, "speakers", "add", "Chile", "--level", "Emperor")
    assert result.exit_code == 2 and "unknown level 'Emperor'" in result.stderr


@pytest.mark.parametrize("args", [["-h"], ["speakers", "-h"], ["speakers", "add", "-h"]])
def test_dash_h_is_help(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 0
    assert "Usage:" in result.stdout


def test_now_as_a_time_of_day_is_today_in_the_venue(hlm: Path) -> None:
    result = run("--now", "10:00", "speakers", "add", "Chile", "--json")
    assert result.exit_code == 0, result.stderr
    at = datetime.fromisoformat(result.json()["inscribed_at"])
    today = datetime.now(ZoneInfo("America/New_York")).date()
    assert (at.hour, at.minute) == (10, 0)
    assert abs((at.date() - today).days) <= 1  # the test may run across midnight
    assert run("--now", "25:00", "now").exit_code == 2


def test_courtesy_title_is_kept_exactly_and_exported(hlm: Path) -> None:
    added = run("--now", NOW, "speakers", "add", "Chile", "--courtesy", "H.E. Ms.",
                "--name", "Ana Pérez", "--json")  # fmt: skip
    assert added.exit_code == 0 and added.json()["courtesy"] == "H.E. Ms."
    csv_text = run("speakers", "export").stdout
    assert "courtesy" in csv_text.splitlines()[0] and "H.E. Ms." in csv_text


def test_timer_and_lists_in_french(forty: Path) -> None:
    frame = run("--now", NOW, "timer", "--once", "--lang", "fr").stdout
    assert "Reste " in frame and "Remaining" not in frame
    assert "Écoulé" in frame and "Liste des orateurs des séances plénières" in frame
    listing = run("--now", NOW, "lists", "--lang", "fr").stdout
    assert "plenary\u00a0: Liste des orateurs des séances plénières (close)" in listing


@pytest.mark.parametrize("width", [80, 100])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_participants_table_cuts_no_word(hlm: Path, width: int, lang: str) -> None:
    """A column that wraps is cut between words: "Objections" and "consultative" stay
    whole at 80 columns (a column gives way first), in both languages."""
    added = run(
        "--now", NOW, "participants", "add",
        "Coalition Against Trafficking in Women International Federation",
        "--list", "ecosoc-ngos",
        "--country", "United Kingdom of Great Britain and Northern Ireland",
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    out = _table(width, "participants", "list", "--list", "ecosoc-ngos", "--lang", lang)
    words = _words(out)
    if lang == "en":
        expected = {"Organization", "Objections", "consultative", "International", "Federation"}
    else:
        expected = {"Organisation", "Objections", "consultatif", "International", "Federation"}
    assert expected <= words, sorted(words)

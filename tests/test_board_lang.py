"""The board in French: `hlmctl board --lang fr` and `?lang=fr` give the pages, the
pushed texts and the agenda in French (labels, dates, times, names of delegations)
from the commands' catalog; the JSON stays the same in every language."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from board_helpers import DAY, board_process, events, next_state, served
from conftest import run
from hlmctl.board.pages import script_lang

NBSP = "\u00a0"


@pytest.fixture
def speaking(hlm: Path) -> Path:
    for delegation, name in [("Belarus", "Владимир Макей"), ("Egypt", None), ("Germany", None)]:
        args = ["--name", name] if name else []
        ok = run("--now", f"{DAY}T09:00", "speakers", "add", delegation, "--courtesy",
                 "H.E. Mr.", "--title", "Minister for Foreign Affairs", *args)  # fmt: skip
        assert ok.exit_code == 0, ok.stderr
    ok = run("--now", f"{DAY}T09:01", "speakers", "add", "Chile", "--on-behalf-of", "Group of 77")
    assert ok.exit_code == 0, ok.stderr
    assert run("--now", f"{DAY}T11:00", "next").exit_code == 0
    return hlm


def at(meeting: Path, hhmm: str) -> Any:
    from hlmctl.meeting import load_meeting

    when = datetime.fromisoformat(f"{DAY}T{hhmm}").replace(tzinfo=load_meeting(meeting).tz)
    return lambda: when


def test_hall_in_french_from_the_query(speaking: Path) -> None:
    with served(speaking, clock=at(speaking, "11:02")) as url:
        fr = httpx.get(url, params={"lang": "fr"}).text
        en = httpx.get(url).text
        api = httpx.get(url + "api/now").json()
    assert '<html lang="fr"' in fr and '<html lang="en"' in en
    assert ">Bélarus<" in fr and ">Belarus<" in en
    assert ">Ministre des affaires étrangères<" in fr
    assert ">S. E. M.<" in fr and ">H.E. Mr.<" in en
    assert "À la parole" in fr and "Now speaking" in en
    assert '<time class="clock" data-clock>11 h 02</time>' in fr
    assert ">Égypte<" in fr and ">Allemagne<" in fr
    assert "Déclaration" in fr
    assert 'lang="und-Cyrl"' in fr and 'dir="auto"' in fr
    assert api["current"]["delegation"] == "Belarus"  # the JSON is the same in every language


def test_board_lang_option_and_the_push_stream(speaking: Path) -> None:
    with board_process(speaking.parent, "--now", f"{DAY}T11:02", "--lang", "fr") as (_, url):
        page = httpx.get(url, timeout=20).text
        english = httpx.get(url, params={"lang": "en"}, timeout=20).text
        with httpx.stream("GET", url + "api/events", params={"view": "now"}, timeout=20) as r:
            state = next_state(events(r))
    assert '<html lang="fr"' in page and ">Bélarus<" in page
    assert '<html lang="en"' in english and ">Belarus<" in english
    shown = state["display"]
    assert shown["now"]["current"]["delegation"] == "Bélarus"
    assert shown["now"]["current"]["title"] == "Ministre des affaires étrangères"
    assert [s["delegation"] for s in shown["now"]["next"]] == ["Égypte", "Allemagne", "Chili"]
    assert shown["now"]["next"][2]["on_behalf_of"] == f"au nom de{NBSP}: Group of 77" or (
        shown["now"]["next"][2]["on_behalf_of"] == "au nom de : Group of 77"
    )
    assert shown["announce"].startswith("À la parole")
    assert state["now"]["current"]["delegation"] == "Belarus"  # the JSON itself


def test_agenda_in_french(speaking: Path) -> None:
    with served(speaking, clock=at(speaking, "11:02")) as url:
        page = httpx.get(url + "agenda", params={"lang": "fr", "day": DAY}).text
        with httpx.stream(
            "GET", url + "api/events", params={"view": "agenda", "day": DAY, "lang": "fr"}
        ) as r:
            state = next_state(events(r))
    assert "lundi 13 mai 2013" in page
    assert re.search(r">\d\d? h \d\d-\d\d? h \d\d<", page)
    assert "Bélarus" in page and "Ministre des affaires étrangères" in page
    assert 'data-status="speaking"' in page
    segs = state["display"]["agenda"]["segments"]
    labels = [i["label"] for s in segs for i in s["items"]]
    assert any(label.startswith("Bélarus") for label in labels)
    assert all(i["start_text"].count(" h ") == 1 for s in segs for i in s["items"])
    assert state["display"]["announce"].startswith("À la parole")


@pytest.mark.parametrize("path", ["", "speaker", "caption", "agenda", "api/events"])
def test_an_unknown_language_is_refused_in_one_line(hlm: Path, path: str) -> None:
    with served(hlm) as url:
        response = httpx.get(url + path, params={"lang": "de"})
    assert response.status_code == 400
    assert response.text == "lang: 'de' is not one of en, fr\n"


def test_board_lang_bad_value_is_exit_2(hlm: Path) -> None:
    result = run("board", "--lang", "de")
    assert result.exit_code == 2
    assert "de" in result.stderr


def test_the_script_of_a_name_is_its_language_tag() -> None:
    assert script_lang("Владимир Макей") == "und-Cyrl"
    assert script_lang("محمد كامل عمرو") == "und-Arab"
    assert script_lang("王毅") == "und-Hani"
    assert script_lang("שמעון פרס") == "und-Hebr"
    assert script_lang("Heinz Fischer") is None
    assert script_lang("  «Ἀλέξανδρος»") == "und-Grek"
    assert script_lang(None) is None
    assert script_lang("1234 --") is None


def test_the_words_the_script_sets_are_in_the_page(speaking: Path) -> None:
    with served(speaking, clock=at(speaking, "11:02")) as url:
        page = httpx.get(url + "speaker", params={"lang": "fr"}).text
    start = page.index("data-words='") + len("data-words='")
    import html

    words = json.loads(html.unescape(page[start : page.index("'", start)]))
    assert words["not live"] == "pas en direct"
    assert words["over"] == "Temps de parole dépassé"
    assert words["lost"].startswith(f"Connexion au tableau perdue{NBSP}:")

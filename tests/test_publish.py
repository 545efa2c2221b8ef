"""The Journal's list of speakers and the presiding officer's script, in English and
French; the French forms of every delegation; `lists`."""

from __future__ import annotations

import os
import re
import tomllib
import unicodedata
from pathlib import Path

import pytest

from conftest import ROOT, run
from hlmctl import delegations, i18n

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("HLMCTL_UPDATE_GOLDEN") == "1"
GOFR_NOW = "2013-09-26T14:00"
HLM_NOW = "2013-05-12T18:30"

# The 22 States of the Group of Friends (the covering letter of their declaration, its
# chapeau) with "of" as a French Secretariat text writes it before the short name.
GOFR_OF = {
    "Bahrain": "de Bahreïn",
    "Bangladesh": "du Bangladesh",
    "Belarus": "du Bélarus",
    "Bolivia (Plurinational State of)": "de la Bolivie (État plurinational de)",
    "Egypt": "de l'Égypte",
    "United Arab Emirates": "des Émirats arabes unis",
    "Ecuador": "de l'Équateur",
    "Russian Federation": "de la Fédération de Russie",
    "India": "de l'Inde",
    "Kazakhstan": "du Kazakhstan",
    "Kyrgyzstan": "du Kirghizistan",
    "Libya": "de la Libye",
    "Nicaragua": "du Nicaragua",
    "Nigeria": "du Nigéria",
    "Uzbekistan": "de l'Ouzbékistan",
    "Philippines": "des Philippines",
    "Qatar": "du Qatar",
    "Lao People's Democratic Republic": "de la République démocratique populaire lao",
    "Singapore": "de Singapour",
    "Tajikistan": "du Tadjikistan",
    "Turkmenistan": "du Turkménistan",
    "Venezuela (Bolivarian Republic of)": "du Venezuela (République bolivarienne du)",
}


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"differs from tests/golden/{name}"


# --- French forms of every delegation ------------------------------------------------


def _rows() -> list[dict[str, str]]:
    data = tomllib.loads((ROOT / "data/reference/delegations.toml").read_text("utf-8"))
    return list(data["delegation"])


def _vowel(text: str) -> bool:
    return unicodedata.normalize("NFKD", text[0]).casefold()[0] in "aeiou"


# Names that begin with an aspirated h: they take "le"/"la", never "l'".
ASPIRATED_H = {"Honduras", "Hongrie"}


@pytest.mark.parametrize("row", _rows(), ids=lambda r: r["iso3"])
def test_every_delegation_has_a_french_article_that_fits_its_name(row: dict[str, str]) -> None:
    """Every delegation carries UNTERM's article; "l'" exactly before a vowel sound,
    "le"/"la"/"les" never before one, and "of" follows from it by the rule."""
    name, article = row["french"], row["french_article"]
    assert article in delegations.ARTICLES
    if article == "l'":
        assert _vowel(name), name
    elif article in ("le", "la"):
        assert not _vowel(name) and (name[0] != "H" or name in ASPIRATED_H), name
    of = delegations.of_form(name, article)
    expected = {
        "le": "du " + name,
        "la": "de la " + name,
        "les": "des " + name,
        "l'": "de l'" + name,
        "": ("d'" if _vowel(name) or name[0] == "H" else "de ") + name,
    }[article]
    assert of == expected
    assert "de le " not in of and "de les " not in of and "de l' " not in of


@pytest.mark.parametrize("name", sorted(GOFR_OF))
def test_the_22_states_of_the_group_of_friends_read_right_in_french(name: str) -> None:
    known = delegations.french_name(name)
    assert known is not None
    assert delegations.of_form(*known) == GOFR_OF[name]


@pytest.mark.parametrize(
    ("name", "of"),
    [
        ("Belarus", "du Bélarus"),
        ("France", "de la France"),
        ("Philippines", "des Philippines"),
        ("Israel", "d'Israël"),
        ("Cuba", "de Cuba"),
        ("United States of America", "des États-Unis d'Amérique"),
        ("European Union", "de l'Union européenne"),
        ("Haiti", "d'Haïti"),
        ("Honduras", "du Honduras"),
        ("Holy See", "du Saint-Siège"),
    ],
)
def test_the_examples_of_the_issue(name: str, of: str) -> None:
    known = delegations.french_name(name)
    assert known is not None and delegations.of_form(*known) == of


def test_english_names_that_take_the_article() -> None:
    assert delegations.english_with_article("Philippines") == "the Philippines"
    assert delegations.english_with_article("Russian Federation") == "the Russian Federation"
    assert delegations.english_with_article("Belarus") == "Belarus"
    assert delegations.english_with_article("UN Women") == "UN Women"


# --- golden texts --------------------------------------------------------------------


def _hlm_speakers() -> None:
    """Speakers for the 2013 meeting (it ships none): courtesy titles, a group, a reply."""
    now = ["--now", "2013-05-10T12:00"]
    adds = [
        [
            "Belarus",
            "--level",
            "Minister",
            "--courtesy",
            "H.E. Mr.",
            "--name",
            "Ivan Petrov",
            "--title",
            "Minister for Foreign Affairs",
        ],
        [
            "Philippines",
            "--level",
            "head-of-delegation",
            "--courtesy",
            "H.E. Ms.",
            "--name",
            "Maria Santos",
            "--title",
            "Minister of Justice",
        ],
        ["France", "--level", "vice-minister"],
        [
            "Fiji",
            "--on-behalf-of",
            "the Group of 77 and China",
            "--level",
            "minister",
            "--title",
            "Minister for Foreign Affairs",
        ],
        [
            "European Union",
            "--level",
            "head-of-delegation",
            "--courtesy",
            "Mr.",
            "--name",
            "Jan Novak",
        ],
        ["Israel"],
        ["Cuba", "--courtesy", "Dr.", "--name", "Ana Rodríguez"],
        ["United States of America", "--level", "Head of State"],
    ]
    for args in adds:
        result = run(*now, "speakers", "add", *args)
        assert result.exit_code == 0, result.stderr
    assert run("--now", "2013-05-12T17:00", "lists", "close", "plenary").exit_code == 0
    assert run("--now", "2013-05-12T18:00", "reply", "add", "Israel").exit_code == 0


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("command", ["journal", "script"])
def test_golden_hlm_2013(hlm: Path, command: str, lang: str) -> None:
    _hlm_speakers()
    result = run("--now", HLM_NOW, command, "--day", "2013-05-13", "--lang", lang)
    assert result.exit_code == 0, result.stderr
    _golden(f"{command}-hlm-2013.{lang}.txt", result.stdout)


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("command", ["journal", "script"])
def test_golden_gofr_2013(gofr: Path, command: str, lang: str) -> None:
    result = run("--meeting", "gofr.toml", "--now", GOFR_NOW, command, "--lang", lang)
    assert result.exit_code == 0, result.stderr
    _golden(f"{command}-gofr-2013.{lang}.txt", result.stdout)


# The script says the two inverted short names in natural order.
GOFR_SPOKEN_OF = {
    **GOFR_OF,
    "Bolivia (Plurinational State of)": "de l'État plurinational de Bolivie",
    "Venezuela (Bolivarian Republic of)": "de la République bolivarienne du Venezuela",
}


def test_gofr_script_in_french_names_every_state_with_its_preposition(gofr: Path) -> None:
    out = run("--meeting", "gofr.toml", "--now", GOFR_NOW, "script", "--lang", "fr").stdout
    for of in GOFR_SPOKEN_OF.values():
        assert f"la parole à la délégation {of} (Ministre des affaires étrangères)." in out
    assert "(État plurinational de)" not in out and "(République bolivarienne du)" not in out


def test_the_journal_as_at_an_earlier_time_leaves_out_later_inscriptions(hlm: Path) -> None:
    _hlm_speakers()
    now = ["--now", HLM_NOW, "journal", "--day", "2013-05-13"]
    full = run(*now).stdout
    early = run(*now, "--as-at", "2013-05-09T12:00").stdout
    assert "Belarus" in full and "The list of speakers was closed" in full
    assert "Belarus" not in early and "closed" not in early
    assert "No speaker is inscribed." in early


def test_journal_html_is_one_page_with_nothing_fetched(gofr: Path) -> None:
    result = run(
        "--meeting", "gofr.toml", "--now", GOFR_NOW, "journal", "-f", "html", "--lang", "fr"
    )
    assert result.exit_code == 0
    page = result.stdout
    assert page.startswith("<!DOCTYPE html>") and '<html lang="fr">' in page
    assert not re.search(r"(src|href)=|@import|url\(|<script", page)
    # The Journal lists names, one numbered row each.
    assert len(re.findall(r'<td class="n">\d+\.</td>', page)) == 22
    assert "du Bélarus" not in page
    assert "Bélarus" in page


def test_markup_in_user_text_is_escaped_in_html(hlm: Path) -> None:
    assert (
        run(
            "--now", "2013-05-10T12:00", "speakers", "add", "Chile", "--name", "<b>Ana</b> & co"
        ).exit_code
        == 0
    )
    page = run("--now", HLM_NOW, "journal", "-f", "html").stdout
    assert "&lt;b&gt;Ana&lt;/b&gt; &amp; co" in page and "<b>Ana" not in page


@pytest.mark.parametrize(
    "args",
    [["--day", "13 May"], ["--day", "2013-05-20"], ["--as-at", "late"], ["--lang", "de"]],
)
def test_bad_options_exit_2(hlm: Path, args: list[str]) -> None:
    result = run("journal", *args)
    assert result.exit_code == 2
    assert result.stderr.strip()


def test_a_bad_hlmctl_lang_exits_2(hlm: Path) -> None:
    result = run("script", env={"HLMCTL_LANG": "klingon"})
    assert result.exit_code == 2
    assert "HLMCTL_LANG" in result.stderr


def test_hlmctl_lang_chooses_french(gofr: Path) -> None:
    out = run(
        "--meeting", "gofr.toml", "--now", GOFR_NOW, "script", env={"HLMCTL_LANG": "fr_FR.UTF-8"}
    ).stdout
    assert "La séance est ouverte." in out


def test_lang_before_the_command_applies_to_it(gofr: Path) -> None:
    """`hlmctl --lang fr agenda`: the global option, as the README's tour types it;
    the command's own --lang wins over it, and it wins over $HLMCTL_LANG."""
    base = ("--meeting", "gofr.toml", "--now", GOFR_NOW)
    french = run(*base, "--lang", "fr", "script", env={"HLMCTL_LANG": "en"})
    assert french.exit_code == 0 and "La séance est ouverte." in french.stdout
    english = run(*base, "--lang", "fr", "script", "--lang", "en")
    assert english.exit_code == 0 and "La séance est ouverte." not in english.stdout
    agenda = run(*base, "--lang=fr", "agenda", "--format", "text")
    assert agenda.exit_code == 0 and "heure locale" in agenda.stdout
    bad = run(*base, "--lang", "de", "agenda")
    assert bad.exit_code == 2 and "--lang" in bad.stderr


def test_lists_of_names_in_french_put_a_space_before_each_semicolon(hlm: Path) -> None:
    """French typography: "S2 Tchad ; S3 Pérou" (a no-break space), as in the
    catalog's sentences; English keeps "S2 Chad; S3 Peru"."""
    for name in ("Brazil", "Chad"):
        assert run("--now", "2013-05-10T12:00", "speakers", "add", name).exit_code == 0
    assert run("--now", "2013-05-13T10:00", "next").exit_code == 0
    assert run("--now", "2013-05-13T10:01", "speakers", "add", "Peru").exit_code == 0
    french = run("--now", "2013-05-13T10:02", "--lang", "fr", "now", "--format", "text").stdout
    assert "Ensuite\u00a0: S2 Tchad\u00a0; S3 Pérou" in french, french
    english = run("--now", "2013-05-13T10:02", "now", "--format", "text").stdout
    assert "Next: S2 Chad; S3 Peru" in english, english
    report = run("--now", "2013-05-13T10:02", "--lang", "fr", "report", "--format", "text")
    assert "États d'Afrique\u00a0: 1\u00a0; " in report.stdout, report.stdout


# --- lists ---------------------------------------------------------------------------


def test_lists_shows_state_counts_and_meetings(hlm: Path) -> None:
    _hlm_speakers()
    out = run("--now", HLM_NOW, "lists").stdout
    assert (
        "plenary: Plenary list of speakers (closed); waiting: 9, spoken: 0; limit: 5 min, "
        "a group 7 min; meetings: plenary-1, plenary-2, plenary-3" in out
    )
    assert "panel-1: Interactive panel 1: interventions from the floor (open)" in out
    data = run("--now", HLM_NOW, "lists", "-f", "json").json()
    assert data[0]["state"] == "closed" and data[0]["waiting"] == 9
    assert data[0]["replies_waiting"] == 1 and data[1]["state"] == "open"


def test_lists_close_still_works_under_the_overview(hlm: Path) -> None:
    assert run("--now", HLM_NOW, "lists", "close", "panel-1").exit_code == 0
    assert run("--now", HLM_NOW, "lists", "-f", "json").json()[1]["state"] == "closed"


# --- the catalog ---------------------------------------------------------------------


def test_every_message_has_a_french_translation_and_the_mo_is_current() -> None:
    """The .po holds every message of the source, each translated, and the .mo is
    the .po compiled (scripts/catalogs --check)."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "catalogs"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    from babel.messages.pofile import read_po

    with (i18n.LOCALE_DIR / "fr" / "LC_MESSAGES" / "hlmctl.po").open("rb") as handle:
        catalog = read_po(handle)
    untranslated = [
        m.id
        for m in catalog
        if m.id and (not all(m.string) if isinstance(m.string, tuple) else not m.string)
    ]
    assert untranslated == []
    fr = i18n.get("fr")
    for message in catalog:
        if message.id and isinstance(message.id, str):
            # What French output shows: the message in French typography.
            assert fr._(message.id) == i18n.french_typography(message.string)
            # A translation keeps the placeholders of its message.
            assert set(re.findall(r"{\w+}", message.id)) == set(
                re.findall(r"{\w+}", message.string)
            ), message.id


def test_french_dates_times_and_plurals() -> None:
    from datetime import datetime

    fr, en = i18n.get("fr"), i18n.get("en")
    when = datetime(2013, 5, 13, 10, 0)
    assert fr.date(when) == "lundi 13 mai 2013"
    assert fr.time(when) == "10 h 00"
    assert en.date(when) == "Monday 13 May 2013"
    assert en.time(when) == "10:00"


def test_no_message_is_hidden_in_an_f_string() -> None:
    """The extractor does not look inside f-strings: a message there would never
    reach the catalog, so none may be written there."""
    hidden = []
    for path in sorted((ROOT / "src" / "hlmctl").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\{\s*lang\.n?_\(", line):
                hidden.append(f"{path.name}:{number}")
    assert hidden == []

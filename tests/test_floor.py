"""The words of the floor: every delegation's spoken and formal names in English and
French, the entities and groups of the reference data, functions in French, French
typography in every message, and a golden script and Journal for a meeting of the
suite's own (tests/floor/floor.toml) with States, observers, entities, NGOs and
groups."""

from __future__ import annotations

import json
import os
import re
import shutil
import tomllib
import unicodedata
from pathlib import Path

import pytest

from conftest import ROOT, run
from hlmctl import delegations, entities, i18n, spoken, titles

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("HLMCTL_UPDATE_GOLDEN") == "1"
FLOOR = Path(__file__).parent / "floor" / "floor.toml"
NOW = "2026-05-12T18:30"
NBSP = "\u00a0"


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"differs from tests/golden/{name}"


def _data(file: str, table: str) -> list[dict[str, object]]:
    data = tomllib.loads((ROOT / "data" / "reference" / file).read_text("utf-8"))
    assert data["source"] and data["as_of"]
    return list(data[table])


def _vowel(text: str) -> bool:
    return unicodedata.normalize("NFKD", text[0]).casefold()[0] in "aeiou"


ASPIRATED_H = ("Honduras", "Hongrie", "Haut-Commissariat")


def _article_fits(name: str, article: str) -> None:
    """UNTERM's article: "l'" exactly before a vowel sound, never "le"/"la" before one."""
    assert article in delegations.ARTICLES, (name, article)
    if article == "l'":
        assert _vowel(name), name
    elif article in ("le", "la"):
        assert not _vowel(name), name
        assert name[0] != "H" or name.startswith(ASPIRATED_H), name


def _expected_of(name: str, article: str) -> str:
    return {
        "le": "du " + name,
        "la": "de la " + name,
        "les": "des " + name,
        "l'": "de l'" + name,
        "": ("d'" if _vowel(name) or name[0] == "H" else "de ") + name,
    }[article]


def _expected_to(name: str, article: str) -> str:
    return {
        "le": "au " + name,
        "la": "à la " + name,
        "les": "aux " + name,
        "l'": "à l'" + name,
        "": "à " + name,
    }[article]


def _contracted_right(text: str) -> None:
    for wrong in ("de le ", "de les ", "à le ", "à les ", "de l' ", "à l' ", "d' "):
        assert wrong not in text, text


# --- every delegation -------------------------------------------------------------------


def _uninvert(short: str) -> str:
    """ "Bolivia (Plurinational State of)" -> "Plurinational State of Bolivia";
    "Iran (République islamique d')" -> "République islamique d'Iran"."""
    found = re.fullmatch(r"(.+) \((.+)\)", short)
    if found is None:
        return short
    outer, inner = found.groups()
    return inner + ("" if inner.endswith("'") else " ") + outer


@pytest.mark.parametrize("row", _data("delegations.toml", "delegation"), ids=lambda r: r["iso3"])
def test_every_delegation_has_its_spoken_and_formal_forms(row: dict[str, str]) -> None:
    name, french = row["name"], row["french"]
    # English: the short name in natural order, with "the" where UNTERM gives it or
    # where the uninverted name needs it ("the Kingdom of the Netherlands").
    natural = _uninvert(name)
    with_the = row.get("english_article") == "the" or natural != name
    assert row["spoken"] == ("the " + natural if with_the else natural)
    assert "(" not in row["spoken"] and "(" not in row["french_spoken"]
    # French: the short name uninverted; its article is UNTERM's where not inverted.
    assert row["french_spoken"] == _uninvert(french)
    if _uninvert(french) == french:
        assert row["french_spoken_article"] == row["french_article"]
    _article_fits(row["french_spoken"], row["french_spoken_article"])
    _article_fits(row["french_formal"], row["french_formal_article"])
    assert row["formal"] == name or row["formal"].startswith("the ") or row["formal"][0].isupper()
    assert "(" not in row["formal"] and "(" not in row["french_formal"]
    # What the floor says comes from the data by the one rule.
    said = spoken.participant(name)
    assert said.of(False) == "of " + row["spoken"]
    assert said.of(True) == _expected_of(row["french_spoken"], row["french_spoken_article"])
    assert said.to(True) == _expected_to(row["french_spoken"], row["french_spoken_article"])
    formal = spoken.participant(name, formal=True)
    assert formal.of(False) == "of " + row["formal"]
    assert formal.of(True) == _expected_of(row["french_formal"], row["french_formal_article"])
    for text in (said.of(True), said.to(True), formal.of(True)):
        _contracted_right(text)


@pytest.mark.parametrize(
    ("name", "english", "french"),
    [
        (
            "Venezuela (Bolivarian Republic of)",
            "the Bolivarian Republic of Venezuela",
            "la République bolivarienne du Venezuela",
        ),
        ("Philippines", "the Philippines", "les Philippines"),
        (
            "Netherlands (Kingdom of the)",
            "the Kingdom of the Netherlands",
            "le Royaume des Pays-Bas",
        ),
        (
            "Bolivia (Plurinational State of)",
            "the Plurinational State of Bolivia",
            "l'État plurinational de Bolivie",
        ),
        (
            "Iran (Islamic Republic of)",
            "the Islamic Republic of Iran",
            "la République islamique d'Iran",
        ),
        ("Belarus", "Belarus", "le Bélarus"),
        ("Israel", "Israel", "Israël"),
    ],
)
def test_the_spoken_forms_of_the_issue(name: str, english: str, french: str) -> None:
    said = spoken.participant(name)
    assert said.english == english
    assert delegations.with_article(said.french, said.french_article) == french


def test_formal_names_where_a_head_of_state_is_named() -> None:
    assert spoken.participant("France", formal=True).of(False) == "of the French Republic"
    assert spoken.participant("France", formal=True).of(True) == "de la République française"
    assert spoken.participant("Netherlands", formal=True).of(True) == "du Royaume des Pays-Bas"


# --- entities and groups ----------------------------------------------------------------


CATEGORIES = {"un-entity", "igo", "observer"}


@pytest.mark.parametrize("row", _data("entities.toml", "entity"), ids=lambda r: str(r["name"]))
def test_every_entity_in_both_languages(row: dict[str, object]) -> None:
    name, french = str(row["name"]), str(row["french"])
    assert row["category"] in CATEGORIES
    assert row["article"] in ("the", "")
    _article_fits(french, str(row["french_article"]))
    keys = [name, french, row["acronym"], row["french_acronym"], *row["aliases"]]  # type: ignore[misc]
    for key in [str(k) for k in keys if k]:
        for typed in (key, key.upper(), key.lower()):
            found = delegations.match(typed)
            assert found is not None and found.name == name, typed
    entry = delegations.match(name)
    assert entry is not None and entry.category == row["category"] and entry.group == ""
    said = spoken.participant(name)
    assert said.english == (f"the {name}" if row["article"] else name)
    assert said.of(True) == _expected_of(french, str(row["french_article"]))
    assert said.to(True) == _expected_to(french, str(row["french_article"]))
    _contracted_right(said.to(True))
    assert i18n.get("fr").delegation(name) == french
    assert i18n.get("en").delegation(name) == name


@pytest.mark.parametrize("row", _data("groups.toml", "group"), ids=lambda r: str(r["name"]))
def test_every_group_in_both_languages(row: dict[str, object]) -> None:
    name, french = str(row["name"]), str(row["french"])
    assert row["category"] in CATEGORIES | {"other"}
    _article_fits(french, str(row["french_article"]))
    keys = [name, french, row["acronym"], row["french_acronym"], *row["aliases"]]  # type: ignore[misc]
    for key in [str(k) for k in keys if k]:
        found = entities.match_group(key.swapcase())
        assert found is not None and found.name == name, key
    said = spoken.group(name)
    assert said.known
    assert said.of(False) == "of " + (f"the {name}" if row["article"] else name)
    expected = str(row.get("french_of") or _expected_of(french, str(row["french_article"])))
    assert said.of(True) == expected
    _contracted_right(said.of(True))


def test_no_name_belongs_to_two_entries() -> None:
    """An alias, acronym or name names one delegation, entity or group of its file;
    and no entity takes a State's name."""
    seen: dict[str, str] = {}
    for file, table in (("entities.toml", "entity"), ("groups.toml", "group")):
        seen.clear()
        for row in _data(file, table):
            keys = [row["name"], row["french"], row["acronym"], row["french_acronym"]]
            for key in [*keys, *row["aliases"]]:  # type: ignore[misc]
                if not key:
                    continue
                folded = delegations.normalize(str(key))
                assert seen.get(folded, row["name"]) == row["name"], (file, key)
                seen[folded] = str(row["name"])
                if table == "entity":
                    assert folded not in delegations.reference().by_key, key


def test_group_examples_and_text_that_matches_nothing() -> None:
    assert spoken.group("G77").of(True) == "du Groupe des 77 et de la Chine"
    assert spoken.group("the Group of 77 and China").of(False) == "of the Group of 77 and China"
    assert spoken.group("african group").of(True) == "du Groupe des États d'Afrique"
    assert spoken.group("Groupe des Etats arabes").english == "the Group of Arab States"
    assert spoken.group("EU and its member States").of(True) == (
        "de l'Union européenne et de ses États membres"
    )
    typed = spoken.group("Friends of Nobody")
    assert not typed.known and typed.of(False) == "of Friends of Nobody"
    assert entities.group_suggestions("Group of 77 and Chna") == ["Group of 77 and China"]


def test_an_entity_gets_its_category_without_category(isolated: Path) -> None:
    shutil.copy(FLOOR, isolated / "meeting.toml")
    for typed, name, category in (
        ("onudc", "United Nations Office on Drugs and Crime", "un-entity"),
        (
            "ONU-Femmes",
            "United Nations Entity for Gender Equality and the Empowerment of Women",
            "un-entity",
        ),
        ("hcr", "Office of the United Nations High Commissioner for Refugees", "un-entity"),
        ("Union interparlementaire", "Inter-Parliamentary Union", "observer"),
        ("Ligue des Etats arabes", "League of Arab States", "igo"),
    ):
        result = run("--now", "2026-05-10T12:00", "speakers", "add", typed, "--json")
        assert result.exit_code == 0, result.stderr
        added = json.loads(result.stdout)
        assert (added["delegation"], added["category"]) == (name, category)


def test_a_near_miss_of_an_entity_gets_a_did_you_mean_and_changes_nothing(isolated: Path) -> None:
    shutil.copy(FLOOR, isolated / "meeting.toml")
    result = run(
        "--now", "2026-05-10T12:00", "speakers", "add", "United Nations Ofice on Drugs and Crime"
    )
    assert result.exit_code == 2
    assert "did you mean 'United Nations Office on Drugs and Crime'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (isolated / "meeting.state.toml").exists()


# --- functions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "courtesy", "french"),
    [
        ("Permanent Representative", "Ms.", "Représentante permanente"),
        ("Permanent Representative", "H.E. Mr.", "Représentant permanent"),
        ("Permanent Representative", None, "Représentant(e) permanent(e)"),
        ("Permanent Representative", "Dr.", "Représentant(e) permanent(e)"),
        ("permanent  representative", "ms.", "Représentante permanente"),
        ("Minister of Foreign Affairs", "Mrs.", "Ministre des affaires étrangères"),
        ("Deputy Permanent Representative", "Mrs.", "Représentante permanente adjointe"),
        ("Vice-Minister", None, "Vice-Ministre"),
        ("Chargé d'affaires a.i.", "H.E. Ms.", "Chargée d'affaires par intérim"),
        ("Executive Director", "Mr.", "Directeur exécutif"),
        ("Secretary-General", "Ms.", "Secrétaire générale"),
        ("President", "H.E. Mrs.", "Présidente"),
        ("Prime Minister", None, "Premier(ère) Ministre"),
    ],
)
def test_functions_in_french_take_the_gender_only_from_the_courtesy(
    title: str, courtesy: str | None, french: str
) -> None:
    assert i18n.get("fr").title(title, courtesy) == french
    assert i18n.get("en").title(title, courtesy) == title


def test_an_unknown_function_is_printed_as_typed_and_marked_in_french() -> None:
    assert titles.french("Special Envoy", "Mr.") is None
    assert i18n.get("fr").title("Special Envoy", "Mr.") == "Special Envoy [en anglais seulement]"
    assert titles.gender("Her Royal Highness") == ""


def test_every_function_has_its_three_french_forms() -> None:
    for row in _data("titles.toml", "title"):
        found = titles.lookup(str(row["english"]))
        assert found is not None
        assert found.french("m") == row["masculine"]
        assert found.french("f") == (row["feminine"] or row["masculine"])
        assert found.french("") == (row["neutral"] or row["masculine"])
        if row["feminine"] and row["feminine"] != row["masculine"]:
            assert row["neutral"], "a function whose French differs needs a neutral form"


# --- French typography ----------------------------------------------------------------------


def _french_messages() -> list[str]:
    """Every message of the catalog as French output shows it: plural messages in
    each form, their placeholders filled in."""
    from babel.messages.pofile import read_po

    with (i18n.LOCALE_DIR / "fr" / "LC_MESSAGES" / "hlmctl.po").open("rb") as handle:
        catalog = read_po(handle)
    fr = i18n.get("fr")
    out = []
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            singular, plural = message.id[:2]
            fields = {k: "X" for k in re.findall(r"{(\w+)", singular + plural) if k != "n"}
            out += [fr.n_(singular, plural, n, **fields) for n in (1, 2)]
        else:
            out.append(fr._(message.id))
    return out


def test_every_french_message_has_french_typography() -> None:
    """A no-break space before ; : ! ? that end a word and inside « », never a plain
    space or none; lower case after a semicolon."""
    checked = 0
    for text in _french_messages():
        message = text
        for match in re.finditer(r"(.)([;:!?])(?=\s|$)", text):
            assert match.group(1) == NBSP, (message, text)
            checked += 1
        assert not re.search(r"«(?!\u00a0)|(?<!\u00a0)»", text), text
        for after in re.findall(r";\s+(\S)", text):
            assert not after.isupper(), text
    assert checked > 30


def test_french_typography_in_plurals_and_joins() -> None:
    fr = i18n.get("fr")
    assert fr.join(["Bélarus", "Cuba"]) == f"Bélarus{NBSP}; Cuba"
    assert fr.clauses(["Ouverte à 10 h 00", "Levée à 13 h 14"]) == (
        f"Ouverte à 10 h 00{NBSP}; levée à 13 h 14"
    )
    assert i18n.get("en").clauses(["Opened", "Adjourned"]) == "Opened; Adjourned"
    assert fr.clauses(["Australie", "Organisation de la société civile"]) == (
        f"Australie{NBSP}; organisation de la société civile"
    )
    assert fr.clauses(["Pays-Bas", "ONG dotée du statut consultatif"]) == (
        f"Pays-Bas{NBSP}; ONG dotée du statut consultatif"
    )
    assert i18n.french_typography("« x »  a : b ; c ! d ?") == (
        f"«{NBSP}x{NBSP}»  a{NBSP}: b{NBSP}; c{NBSP}! d{NBSP}?"
    )
    for untouched in ("{list!r}", "{n:>4}", "10:00", "http://example.org"):
        assert i18n.french_typography(untouched) == untouched
    # A catalog that already has the no-break spaces keeps one of each, not two.
    typed = f"la liste «{NBSP}{{list}}{NBSP}» ; a{NBSP}: b"
    once = i18n.french_typography(typed)
    assert once == f"la liste «{NBSP}{{list}}{NBSP}»{NBSP}; a{NBSP}: b"
    assert i18n.french_typography(once) == once


def test_nobody_speaking_names_the_list_in_french_quotes(hlm: Path) -> None:
    """`now --lang fr` with nobody speaking: « plenary », one no-break space inside each."""
    result = run("--meeting", str(hlm), "--now", "2013-05-13T10:00", "now", "--lang", "fr")
    assert result.exit_code == 0, result.stderr
    assert f"sur la liste «{NBSP}plenary{NBSP}»." in result.stdout, result.stdout


def test_the_openings_statements_are_named_in_french(hlm: Path) -> None:
    """`now --lang fr` during the opening names the item and its speaker as the meeting
    file words them in French (label_fr, speaker_fr), not in English."""
    assert run("--meeting", str(hlm), "--now", "2013-05-13T09:00", "next").exit_code == 0
    result = run("--meeting", str(hlm), "--now", "2013-05-13T09:05", "now", "--lang", "fr")
    assert result.exit_code == 0, result.stderr
    first, _, then = result.stdout.splitlines()
    assert first == (
        f"À la parole{NBSP}: Président de l'Assemblée générale "
        "(Déclaration du Président de l'Assemblée générale)"
    )
    assert then.startswith(f"Ensuite{NBSP}: Secrétaire général{NBSP}; Directeur exécutif")
    assert "General Assembly" not in result.stdout and "English" not in result.stdout


# --- the golden script and Journal of the suite's own meeting --------------------------------

SPEAKERS: list[list[str]] = [
    [
        "Bolivia",
        "--level",
        "head-of-state",
        "--courtesy",
        "H.E. Mr.",
        "--name",
        "Evo Morales Ayma",
        "--title",
        "President",
    ],
    [
        "France",
        "--level",
        "head-of-state",
        "--courtesy",
        "Mr.",
        "--name",
        "Jean Dupont",
        "--title",
        "President",
    ],
    ["netherlands"],
    [
        "Venezuela",
        "--level",
        "minister",
        "--courtesy",
        "H.E. Ms.",
        "--name",
        "Delcy Rodríguez",
        "--title",
        "Minister for Foreign Affairs",
    ],
    [
        "Fiji",
        "--courtesy",
        "Ms.",
        "--name",
        "Mere Tora",
        "--title",
        "Permanent Representative",
        "--on-behalf-of",
        "G77",
    ],
    [
        "Philippines",
        "--courtesy",
        "Mr.",
        "--name",
        "Jose Cruz",
        "--title",
        "Deputy Permanent Representative",
    ],
    ["Iran (Islamic Republic of)"],
    ["Holy See"],
    [
        "European Union",
        "--courtesy",
        "Mr.",
        "--name",
        "Jan Novak",
        "--on-behalf-of",
        "European Union and its member States",
    ],
    ["ONUDC", "--courtesy", "Mr.", "--name", "Yury Fedotov", "--title", "Executive Director"],
    ["UN Women"],
    ["Inter-Parliamentary Union"],
    [
        "La Strada International",
        "--category",
        "ngo",
        "--courtesy",
        "Ms.",
        "--name",
        "Suzanne Hoff",
        "--title",
        "Director",
    ],
    ["Polaris Project", "--category", "ngo"],
    [
        "Belarus",
        "--level",
        "minister",
        "--courtesy",
        "H.E. Mr.",
        "--name",
        "Vladimir Makei",
        "--title",
        "Special Envoy",
        "--on-behalf-of",
        "group of friends united against human trafficking",
    ],
    [
        "Mexico",
        "--level",
        "minister",
        "--title",
        "Minister for Foreign Affairs",
        "--on-behalf-of",
        "CELAC",
    ],
    ["Cuba", "--courtesy", "Dr.", "--name", "Ana Rodríguez"],
    ["Israel", "--title", "Permanent Representative"],
    ["Chile", "--on-behalf-of", "Friends of Nobody"],
]


@pytest.fixture
def floor(isolated: Path) -> Path:
    """The suite's meeting with its speakers and two replies of one delegation."""
    shutil.copy(FLOOR, isolated / "meeting.toml")
    for args in SPEAKERS:
        result = run("--now", "2026-05-10T12:00", "speakers", "add", *args)
        assert result.exit_code == 0, result.stderr
    for at in ("2026-05-12T17:00", "2026-05-12T17:01"):
        assert run("--now", at, "reply", "add", "Iran").exit_code == 0
    return isolated / "meeting.toml"


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("command", ["journal", "script"])
def test_golden_floor(floor: Path, command: str, lang: str) -> None:
    result = run("--now", NOW, command, "--lang", lang)
    assert result.exit_code == 0, result.stderr
    _golden(f"{command}-floor.{lang}.txt", result.stdout)


def _words(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.startswith("    ")]


def test_the_french_script_reads_as_the_issue_asks(floor: Path) -> None:
    out = run("--now", NOW, "script", "--lang", "fr").stdout
    assert "de la République bolivarienne du Venezuela." in out
    assert "la parole à l'Entité des Nations Unies pour l'égalité des sexes" in out
    assert "Directeur exécutif de l'Office des Nations Unies contre la drogue et le crime." in out
    assert "au nom du Groupe des 77 et de la Chine." in out
    assert "Président de l'État plurinational de Bolivie." in out
    assert "Président de la République française." in out
    assert "au nom de Friends of Nobody [en anglais seulement]." in out
    assert "exerce son droit de réponse pour la deuxième fois." in out
    # No inverted name anywhere, no "délégation" of an entity or an NGO.
    assert not re.search(r"\((?:[^()]* )?(de|du|des|d'|of|of the)\)", out)
    for line in _words(out):
        if "délégation" in line:
            assert not re.search(r"Nations Unies|Union interparlementaire|Strada|Polaris", line)


def test_the_english_script_reads_like_the_verbatim_record(floor: Path) -> None:
    out = run("--now", NOW, "script").stdout
    words = _words(out)
    assert "I now give the floor to the representative of the Kingdom of the Netherlands." in words
    assert (
        "I now give the floor to His Excellency Mr. Evo Morales Ayma, "
        "President of the Plurinational State of Bolivia."
    ) in words
    assert "I now give the floor to the observer of the Holy See." in words
    assert "I now give the floor to the non-governmental organization Polaris Project." in words
    assert any(w.endswith("in exercise of the right of reply for the second time.") for w in words)
    assert sum(w.endswith("in exercise of the right of reply.") for w in words) == 1
    assert not re.search(r"\((?:[^()]* )?(of|of the)\)", out)


def test_lists_and_reports_name_groups_and_functions_in_the_readers_language(
    floor: Path,
) -> None:
    french = run("--now", NOW, "speakers", "list", "--lang", "fr", "--format", "text").stdout
    assert f"Fidji (au nom de{NBSP}: le Groupe des 77 et la Chine)" in french
    assert "Mme Mere Tora, Représentante permanente" in french
    assert "Friends of Nobody [en anglais seulement]" in french
    english = run("--now", NOW, "speakers", "list", "--format", "text").stdout
    assert "Fiji (on behalf of the Group of 77 and China)" in english
    assert "Chile (on behalf of Friends of Nobody)" in english


def test_an_entity_typed_by_its_english_acronym_keeps_it_and_any_name_finds_it(
    isolated: Path,
) -> None:
    shutil.copy(FLOOR, isolated / "meeting.toml")
    added = run("--now", "2026-05-10T12:00", "speakers", "add", "UN Women", "--json")
    assert added.exit_code == 0, added.stderr
    assert json.loads(added.stdout)["delegation"] == "UN Women"
    again = run("--now", "2026-05-10T12:01", "speakers", "add", "ONU-Femmes")
    assert again.exit_code == 2 and "already" in again.stderr  # the same entity
    removed = run("--now", "2026-05-10T12:02", "speakers", "remove", "ONU-Femmes")
    assert removed.exit_code == 0, removed.stderr
    listed = run("--now", "2026-05-10T12:03", "speakers", "list", "--all", "--format", "json")
    assert [s["status"] for s in json.loads(listed.stdout)] == ["withdrawn"]

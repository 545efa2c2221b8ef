"""The list of speakers through the CLI: inscription in protocol order and hand placement."""

from __future__ import annotations

import json
import tomllib
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, record_bytes, run

# Inscription and ordering: the same on both stores (see conftest.py).
pytestmark = pytest.mark.both_stores


BEFORE = "2013-05-10T09:00"  # not a day of the meeting: meetings start at their scheduled time

CONTRACT_FIELDS = {
    "id",
    "list",
    "position",
    "delegation",
    "category",
    "level",
    "name",
    "title",
    "on_behalf_of",
    "minutes",
    "status",
    "inscribed_at",
    "estimated_start",
    "started_at",
    "ended_at",
    "spoken_seconds",
    "segment",
}

# The scrambled list of the issue, in the order the inscription desk received it:
# (typed delegation, options, official name, expected category, expected level).
SCRAMBLED: list[tuple[str, list[str], str, str, str]] = [
    (
        "Belarus",
        ["--level", "minister", "--title", "Minister for Foreign Affairs"],
        "Belarus",
        "member-state",
        "minister",
    ),
    ("UN Women", ["--category", "un-entity"], "UN Women", "un-entity", "other"),
    ("Holy See", [], "Holy See", "observer-state", "head-of-delegation"),
    (
        "Austria",
        ["--level", "head-of-delegation", "--title", "Permanent Representative"],
        "Austria",
        "member-state",
        "head-of-delegation",
    ),
    ("Nigeria", ["--level", "vice-minister"], "Nigeria", "member-state", "vice-minister"),
    (
        "European Union",
        [
            "--level",
            "head-of-delegation",
            "--on-behalf-of",
            "the European Union and its member States",
        ],
        "European Union",
        "observer",
        "head-of-delegation",
    ),
    ("Palestine", ["--level", "minister"], "State of Palestine", "observer-state", "minister"),
    (
        "bolivia",
        ["--level", "head-of-state", "--title", "President"],
        "Bolivia (Plurinational State of)",
        "member-state",
        "head-of-state",
    ),
    ("La Strada International", ["--category", "ngo"], "La Strada International", "ngo", "other"),
    (
        "Cape Verde",
        ["--title", "Permanent Representative"],
        "Cabo Verde",
        "member-state",
        "head-of-delegation",
    ),
    (
        "Thailand",
        ["--level", "head-of-government", "--title", "Prime Minister"],
        "Thailand",
        "member-state",
        "head-of-government",
    ),
    ("Turkey", ["--level", "minister"], "Türkiye", "member-state", "minister"),
    ("Egypt", ["--level", "vice-minister"], "Egypt", "member-state", "vice-minister"),
    ("Qatar", ["--level", "head-of-state"], "Qatar", "member-state", "head-of-state"),
    (
        "International Organization for Migration",
        ["--category", "igo"],
        "International Organization for Migration",
        "igo",
        "other",
    ),
]

# Worked out by hand from README "The order of a list of speakers", rule 1:
# level first, then category, then first come, first served.
PROTOCOL_ORDER = [
    "Bolivia (Plurinational State of)",  # head of State, inscribed 8th
    "Qatar",  # head of State, inscribed 14th
    "Thailand",  # head of Government
    "Belarus",  # minister, Member State, 1st
    "Türkiye",  # minister, Member State, 12th
    "State of Palestine",  # minister, observer State
    "Nigeria",  # vice-minister, 5th
    "Egypt",  # vice-minister, 13th
    "Austria",  # head of delegation, Member State, 4th
    "Cabo Verde",  # head of delegation, Member State, 10th
    "Holy See",  # head of delegation, observer State
    "European Union",  # head of delegation, observer
    "UN Women",  # other: UN entity
    "International Organization for Migration",  # other: IGO
    "La Strada International",  # other: NGO
]


def plenary_limits() -> tuple[float, float]:
    """The plenary list's time limits, read from the bundled meeting file."""
    data = tomllib.loads((EXAMPLES / "hlm-2013.toml").read_text(encoding="utf-8"))
    plenary = next(lst for lst in data["lists"] if lst["id"] == "plenary")
    return float(plenary["minutes"]), float(plenary["group_minutes"])


def at(minutes: int) -> str:
    """An inscription time: `minutes` after 10 May 2013, 09:00 (BEFORE), venue time; the
    record refuses a time earlier than its latest one, so the tests keep the clock going."""
    return (datetime(2013, 5, 10, 9, 0) + timedelta(minutes=minutes)).isoformat(timespec="minutes")


def add(delegation: str, *options: str, now: str = BEFORE) -> str:
    """Inscribe through the CLI; return the new speaker id printed first on stdout."""
    result = run("--now", now, "speakers", "add", delegation, *options)
    assert result.exit_code == 0, result.stderr
    return result.stdout.split("\t", 1)[0]


def listed(*options: str, now: str = BEFORE) -> list[dict[str, Any]]:
    result = run("--now", now, "speakers", "list", "--format", "json", *options)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    rows: list[dict[str, Any]] = result.json()
    return rows


def order(now: str = BEFORE) -> list[str]:
    return [row["delegation"] for row in listed(now=now)]


def inscribe_scrambled() -> dict[str, str]:
    """The scrambled list of the issue; returns official name -> speaker id."""
    ids = {}
    for i, (typed, options, official, _, _) in enumerate(SCRAMBLED):
        ids[official] = add(typed, *options, now=at(i))
    return ids


# --- add -----------------------------------------------------------------------------


def test_add_prints_the_new_id_and_position(hlm: Path) -> None:
    """`speakers add` prints the id, then where the speaker stands in the list."""
    first = run("--now", BEFORE, "speakers", "add", "Belarus", "--level", "minister")
    assert first.exit_code == 0
    assert first.stderr == ""
    assert first.stdout.startswith("S1\t")
    assert "position 1" in first.stdout
    second = run("--now", BEFORE, "speakers", "add", "Qatar", "--level", "head-of-state")
    assert second.exit_code == 0
    assert second.stdout.startswith("S2\t")
    assert "position 1" in second.stdout  # a head of State goes before a minister
    third = run("--now", BEFORE, "speakers", "add", "Austria")
    assert third.stdout.startswith("S3\t")
    assert "position 3" in third.stdout


def test_add_json_prints_the_speaker_object(hlm: Path) -> None:
    """`speakers add --json` prints one speaker object with the contract's fields."""
    result = run("--now", BEFORE, "speakers", "add", "Turkey", "--level", "minister", "--json")
    assert result.exit_code == 0
    speaker = result.json()
    assert speaker.keys() >= CONTRACT_FIELDS
    assert speaker["id"] == "S1"
    assert speaker["delegation"] == "Türkiye"
    assert speaker["position"] == 1


def test_scrambled_list_comes_out_in_protocol_order(hlm: Path) -> None:
    """Heads of State down to NGOs, inscribed out of order, are listed in protocol order."""
    ids = inscribe_scrambled()
    rows = listed()
    assert [r["delegation"] for r in rows] == PROTOCOL_ORDER
    assert [r["position"] for r in rows] == list(range(1, len(PROTOCOL_ORDER) + 1))
    minutes, group_minutes = plenary_limits()
    expected = {official: (cat, lvl) for _, _, official, cat, lvl in SCRAMBLED}
    typed_order = [official for _, _, official, _, _ in SCRAMBLED]
    for row in rows:
        assert row.keys() >= CONTRACT_FIELDS, CONTRACT_FIELDS - row.keys()
        name = row["delegation"]
        assert row["id"] == ids[name]
        assert row["list"] == "plenary"
        assert (row["category"], row["level"]) == expected[name]
        assert row["status"] == "waiting"
        assert row["started_at"] is None
        assert row["ended_at"] is None
        assert row["spoken_seconds"] is None
        assert row["segment"] == "plenary-1"
        inscribed = at(typed_order.index(name))
        assert row["inscribed_at"] == f"{inscribed}:00-04:00"  # New York, daylight time
        group = name == "European Union"
        assert row["on_behalf_of"] == (
            "the European Union and its member States" if group else None
        )
        assert row["minutes"] == (group_minutes if group else minutes)
    by_name = {r["delegation"]: r for r in rows}
    assert by_name["Belarus"]["title"] == "Minister for Foreign Affairs"
    assert by_name["Thailand"]["title"] == "Prime Minister"
    assert by_name["Austria"]["name"] is None


def test_estimated_starts_follow_the_list_from_the_first_plenary(hlm: Path) -> None:
    """Before the meeting, the list runs from plenary-1's 10:00, one limit after another."""
    inscribe_scrambled()
    rows = listed()
    start = datetime.fromisoformat("2013-05-13T10:00:00-04:00")
    for row in rows:
        assert datetime.fromisoformat(row["estimated_start"]) == start
        start += timedelta(minutes=row["minutes"])


def test_agenda_spreads_the_list_across_plenary_meetings(hlm: Path) -> None:
    """At 12:45 on day one only three statements fit plenary-1; the rest go to plenary-2."""
    ids = inscribe_scrambled()
    now = "2013-05-13T12:45"
    result = run("--now", now, "agenda", "--format", "json")
    assert result.exit_code == 0, result.stderr
    agenda = result.json()
    items: dict[str, tuple[str, dict[str, Any]]] = {}
    for seg in agenda["segments"]:
        for item in seg["items"]:
            if item.get("speaker_id"):
                items[item["speaker_id"]] = (seg["id"], item)
    assert set(items) == set(ids.values())
    placed = [items[ids[name]] for name in PROTOCOL_ORDER]
    assert [seg for seg, _ in placed] == ["plenary-1"] * 3 + ["plenary-2"] * 12
    assert [item["start"] for _, item in placed[:4]] == [
        "2013-05-13T12:45:00-04:00",
        "2013-05-13T12:50:00-04:00",
        "2013-05-13T12:55:00-04:00",
        "2013-05-14T10:00:00-04:00",
    ]
    for (_, a), (_, b) in pairwise(placed[3:]):
        assert a["end"] == b["start"]  # back to back within plenary-2
    assert agenda["overflow"] == []
    rows = listed(now=now)
    assert [r["segment"] for r in rows] == [seg for seg, _ in placed]
    assert [r["estimated_start"] for r in rows] == [item["start"] for _, item in placed]


# --- move and swap -------------------------------------------------------------------


def four_speakers() -> dict[str, str]:
    """Bolivia (head of State), Belarus (minister), Austria (head of delegation), UN Women."""
    return {
        "Austria": add("Austria", now=at(0)),
        "UN Women": add("UN Women", "--category", "un-entity", now=at(1)),
        "Belarus": add("Belarus", "--level", "minister", now=at(2)),
        "Bolivia": add("Bolivia", "--level", "head-of-state", now=at(3)),
    }


def test_move_to_sticks_across_later_inscriptions(hlm: Path) -> None:
    """A speaker moved to the top stays there; later inscriptions go around it."""
    ids = four_speakers()
    assert order() == ["Bolivia (Plurinational State of)", "Belarus", "Austria", "UN Women"]
    moved = run("--now", at(5), "speakers", "move", ids["UN Women"], "--to", "1")
    assert moved.exit_code == 0, moved.stderr
    assert "position 1" in moved.stdout
    add("Thailand", "--level", "head-of-government", now=at(10))
    add("Qatar", "--level", "head-of-state", now=at(11))
    add("Ghana", "--level", "other", now=at(12))
    assert order() == [
        "UN Women",
        "Bolivia (Plurinational State of)",
        "Qatar",
        "Thailand",
        "Belarus",
        "Austria",
        "Ghana",
    ]
    rows = {r["delegation"]: r for r in listed()}
    assert rows["UN Women"]["placed"] is True
    assert rows["Qatar"]["placed"] is False


def test_move_after_keeps_its_place(hlm: Path) -> None:
    """`move --after` places a speaker; a vice-minister inscribed later goes after Belarus."""
    four_speakers()
    moved = run("--now", at(5), "speakers", "move", "UN Women", "--after", "Bolivia")
    assert moved.exit_code == 0, moved.stderr
    assert "position 2" in moved.stdout
    add("Egypt", "--level", "vice-minister", now=at(10))
    assert order() == [
        "Bolivia (Plurinational State of)",
        "UN Women",
        "Belarus",
        "Egypt",
        "Austria",
    ]


def test_move_before_and_an_inscription_with_no_earlier_unplaced_speaker(hlm: Path) -> None:
    """With no unplaced speaker before it in protocol order, a newcomer goes before the first."""
    ids = four_speakers()
    moved = run("--now", at(5), "speakers", "move", ids["Bolivia"], "--before", ids["Austria"])
    assert moved.exit_code == 0, moved.stderr
    assert order() == ["Belarus", "Bolivia (Plurinational State of)", "Austria", "UN Women"]
    add("Qatar", "--level", "head-of-state", now=at(10))
    add("Thailand", "--level", "head-of-government", now=at(11))
    assert order() == [
        "Qatar",
        "Thailand",
        "Belarus",
        "Bolivia (Plurinational State of)",
        "Austria",
        "UN Women",
    ]


def test_swap_sticks_across_later_inscriptions(hlm: Path) -> None:
    """Two swapped speakers keep their places and their relative order."""
    ids = four_speakers()
    swapped = run("--now", at(5), "speakers", "swap", ids["Bolivia"], "UN Women")
    assert swapped.exit_code == 0, swapped.stderr
    assert f"{ids['UN Women']}\t" in swapped.stdout
    assert order() == ["UN Women", "Belarus", "Austria", "Bolivia (Plurinational State of)"]
    add("Qatar", "--level", "head-of-state", now=at(10))
    add("Cape Verde", now=at(11))
    assert order() == [
        "UN Women",
        "Qatar",
        "Belarus",
        "Austria",
        "Cabo Verde",
        "Bolivia (Plurinational State of)",
    ]


def test_when_every_waiting_speaker_was_placed_a_newcomer_goes_last(hlm: Path) -> None:
    """README rule 2: if every waiting speaker was placed by hand, at the end."""
    add("Austria", now=at(0))
    add("Belarus", "--level", "minister", now=at(1))
    assert run("--now", at(5), "speakers", "swap", "Austria", "Belarus").exit_code == 0
    add("Qatar", "--level", "head-of-state", now=at(6))
    assert order() == ["Austria", "Belarus", "Qatar"]


def test_move_refuses_bad_positions_and_changes_nothing(hlm: Path, isolated: Path) -> None:
    """Out of range, no target, two targets, itself: exit 2 and the record untouched."""
    four_speakers()
    before = record_bytes(isolated)
    for args in (
        ["S1", "--to", "0"],
        ["S1", "--to", "5"],
        ["S1"],
        ["S1", "--to", "1", "--before", "S2"],
        ["S1", "--before", "S1"],
    ):
        result = run("--now", at(5), "speakers", "move", *args)
        assert result.exit_code == 2, args
        assert result.stdout == ""
        assert result.stderr.startswith("hlmctl: ")
        assert record_bytes(isolated) == before


# --- REF -----------------------------------------------------------------------------


def test_ref_by_delegation_name_forgives_case_and_variants(hlm: Path) -> None:
    """A REF may be a delegation name unique among waiting speakers, typed loosely."""
    add("Turkey", "--level", "minister", now=at(0))
    add("Belarus", "--level", "minister", now=at(1))
    moved = run("--now", at(5), "speakers", "move", "belarus", "--to", "1")
    assert moved.exit_code == 0, moved.stderr
    assert order() == ["Belarus", "Türkiye"]
    swapped = run("--now", at(5), "speakers", "swap", "TURKEY", "Bélarus")
    assert swapped.exit_code == 0, swapped.stderr
    assert order() == ["Türkiye", "Belarus"]
    removed = run("--now", at(5), "speakers", "remove", "s1")
    assert removed.exit_code == 0, removed.stderr
    assert order() == ["Belarus"]
    everyone = listed("--all")
    assert {r["id"]: r["status"] for r in everyone} == {"S1": "withdrawn", "S2": "waiting"}
    assert next(r for r in everyone if r["id"] == "S1")["position"] is None


def test_ambiguous_ref_exits_2_and_names_the_candidates(hlm: Path, isolated: Path) -> None:
    """A delegation inscribed twice cannot be named by delegation: exit 2, ids listed."""
    add("Belarus", "--level", "minister", now=at(0))
    add("Belarus", "--on-behalf-of", "the Group of Friends united against Human Trafficking")
    before = record_bytes(isolated)
    for args in (
        ["remove", "Belarus"],
        ["move", "Belarus", "--to", "2"],
        ["swap", "Belarus", "S1"],
    ):
        result = run("--now", BEFORE, "speakers", *args)
        assert result.exit_code == 2, args
        assert result.stdout == ""
        assert "S1" in result.stderr and "S2" in result.stderr
        assert record_bytes(isolated) == before


def test_list_option_tells_apart_one_delegation_in_two_lists(hlm: Path, isolated: Path) -> None:
    """Belarus in the plenary and in panel 1: `--list` picks one; the name alone is refused."""
    plenary = add("Belarus", now=at(0))
    panel = add("Belarus", "--list", "panel-1", now=at(1))
    before = record_bytes(isolated)
    ambiguous = run("--now", at(5), "speakers", "remove", "Belarus")
    assert ambiguous.exit_code == 2
    assert plenary in ambiguous.stderr and panel in ambiguous.stderr
    assert record_bytes(isolated) == before
    removed = run("--now", at(5), "speakers", "remove", "Belarus", "--list", "panel-1")
    assert removed.exit_code == 0, removed.stderr
    assert removed.stdout.startswith(f"{panel}\t")
    assert listed("--list", "panel-1") == []
    assert [r["id"] for r in listed()] == [plenary]


def test_unknown_ref_exits_2(hlm: Path, isolated: Path) -> None:
    """An id that does not exist, or a delegation not inscribed, is refused."""
    add("Belarus", now=at(0))
    before = record_bytes(isolated)
    for args in (
        ["remove", "S99"],
        ["remove", "France"],
        ["move", "S1", "--after", "S42"],
        ["swap", "S1", "Atlantis"],
    ):
        result = run("--now", BEFORE, "speakers", *args)
        assert result.exit_code == 2, args
        assert result.stdout == ""
        assert result.stderr.startswith("hlmctl: ")
        assert record_bytes(isolated) == before


# --- duplicates and groups -----------------------------------------------------------


def test_duplicate_is_refused_unless_on_behalf_of_or_force(hlm: Path, isolated: Path) -> None:
    """The same delegation twice: refused (exit 2), allowed for a group or with --force."""
    first = add("Belarus", "--level", "minister", now=at(0))
    before = record_bytes(isolated)
    again = run("--now", at(5), "speakers", "add", "bélarus")
    assert again.exit_code == 2
    assert again.stdout == ""
    assert first in again.stderr
    assert "--on-behalf-of" in again.stderr
    assert record_bytes(isolated) == before
    group = add(
        "Belarus", "--on-behalf-of", "the Group of Friends united against Human Trafficking"
    )
    forced = add("Belarus", "--force", now=at(2))
    assert len({first, group, forced}) == 3
    assert [r["delegation"] for r in listed()] == ["Belarus"] * 3


def test_group_statement_gets_the_group_time_limit(hlm: Path) -> None:
    """A statement on behalf of a group has the list's group_minutes; others its minutes."""
    minutes, group_minutes = plenary_limits()
    assert minutes != group_minutes
    single = add("Austria", now=at(0))
    group = add(
        "European Union",
        "--level",
        "head-of-delegation",
        "--on-behalf-of",
        "the European Union and its member States",
        now=at(1),
    )
    own = add("Belarus", "--minutes", "3", now=at(2))
    rows = {r["id"]: r for r in listed()}
    assert rows[single]["minutes"] == minutes
    assert rows[group]["minutes"] == group_minutes
    assert rows[group]["category"] == "observer"
    assert rows[own]["minutes"] == 3


# --- text from users -----------------------------------------------------------------

NAMES = [
    ("State of Palestine", "رياض المالكي", "وزير الخارجية"),
    ("China", "王民", "常驻联合国副代表"),
    ("Belarus", "Владимир Макей", "Министр иностранных дел"),
    ("Colombia", "María Ángela Holguín Cuéllar", "Ministra de Relaciones Exteriores"),
    ("Côte d'Ivoire", "Koffi Ko\u0301nan", "Représentant permanent"),  # decomposed accent
]


def test_names_in_every_script_are_kept_exactly(hlm: Path, isolated: Path) -> None:
    """Arabic, Chinese, Cyrillic and accented Latin survive the record and the JSON."""
    for i, (delegation, name, title) in enumerate(NAMES):
        add(delegation, "--name", name, "--title", title, now=at(i))
    rows = {r["delegation"]: r for r in listed()}
    for delegation, name, title in NAMES:
        assert rows[delegation]["name"] == name
        assert rows[delegation]["title"] == title
    record = tomllib.loads((record_bytes(isolated) or b"").decode("utf-8"))
    kept = {(s["name"], s["title"]) for s in record["speakers"]}
    assert kept == {(name, title) for _, name, title in NAMES}
    exported = run("--now", BEFORE, "speakers", "export", "--format", "json")
    assert exported.exit_code == 0
    assert {(r["name"], r["title"]) for r in json.loads(exported.stdout)} == kept
    text = run("--now", BEFORE, "speakers", "list", "--format", "text")
    for _, name, title in NAMES:
        assert name in text.stdout and title in text.stdout


def test_rich_markup_in_a_name_is_printed_literally(hlm: Path) -> None:
    """A name like `[red]x[/red]` is text, not markup, in every human format."""
    added = run(
        "--now", BEFORE, "speakers", "add", "[bold]Org[/bold]", "--category", "ngo",
        "--name", "[red]x[/red]",
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    assert "[bold]Org[/bold]" in added.stdout
    for fmt in ("text", "table"):
        shown = run("--now", BEFORE, "speakers", "list", "--format", fmt)
        assert shown.exit_code == 0
        assert "[red]x[/red]" in shown.stdout, fmt
        assert "[bold]Org[/bold]" in shown.stdout, fmt
        assert "\x1b[" not in shown.stdout
    assert listed()[0]["name"] == "[red]x[/red]"
    agenda = run("--now", BEFORE, "agenda", "--format", "table")
    assert agenda.exit_code == 0
    assert "[red]x[/red]" in agenda.stdout


# --- closed list ---------------------------------------------------------------------


def test_a_closed_list_refuses_add_with_exit_2(hlm: Path, isolated: Path) -> None:
    """After `lists close`, an inscription is refused and the record is not touched."""
    add("Belarus", now=at(0))
    add("Chile", now=at(1))
    closed = run("--now", "2013-05-13T10:30", "lists", "close", "plenary")
    assert closed.exit_code == 0, closed.stderr
    before = record_bytes(isolated)
    refused = run("--now", "2013-05-13T10:31", "speakers", "add", "Austria")
    assert refused.exit_code == 2
    assert refused.stdout == ""
    assert "closed" in refused.stderr
    assert record_bytes(isolated) == before
    other = run("--now", "2013-05-13T10:31", "speakers", "add", "Austria", "--list", "panel-1")
    assert other.exit_code == 0, other.stderr  # only the plenary list was closed
    moved = run("--now", "2013-05-13T10:32", "speakers", "move", "Chile", "--to", "1")
    assert moved.exit_code == 0, moved.stderr  # README rule 5: moving still works


def test_on_behalf_of_a_group_close_to_a_known_one_says_did_you_mean(hlm: Path) -> None:
    """Issue 20: a typo of a known group is warned of on stderr with "did you mean";
    the text is kept as typed and the inscription made (exit 0). A known group, or
    a name close to none, is not warned of; `speakers edit` warns alike."""
    at = "2013-05-13T09:00"
    typo = run("--now", at, "speakers", "add", "Chile", "--on-behalf-of", "Group of 77 and Chna")
    assert typo.exit_code == 0, typo.stderr
    assert typo.stderr == (
        "hlmctl: warning: --on-behalf-of 'Group of 77 and Chna' is no group hlmctl knows: "
        "did you mean 'Group of 77 and China'? (kept as typed)\n"
    )
    assert "S1\tChile inscribed in plenary" in typo.stdout
    known = run("--now", at, "speakers", "add", "Cuba", "--on-behalf-of", "G77")
    unknown = run("--now", at, "speakers", "add", "Peru", "--on-behalf-of", "Friends of Xyz")
    assert (known.exit_code, known.stderr, unknown.exit_code, unknown.stderr) == (0, "", 0, "")
    edited = run("--now", at, "speakers", "edit", "Peru", "--on-behalf-of", "Arab Grup")
    assert edited.exit_code == 0, edited.stderr
    assert "did you mean 'Group of Arab States'? (kept as typed)" in edited.stderr
    rows = run("--now", at, "speakers", "list", "--format", "json").json()
    assert {r["delegation"]: r["on_behalf_of"] for r in rows} == {
        "Chile": "Group of 77 and Chna",
        "Cuba": "G77",
        "Peru": "Arab Grup",
    }


def test_a_known_groups_name_in_look_alike_letters_is_refused_unless_forced(
    hlm: Path, isolated: Path
) -> None:
    """ "Grоup of 77 and China" with a Cyrillic "о" would be counted as another group:
    refused (exit 2, the letter named, nothing written) by `speakers add` and `speakers
    edit`, as a delegation's look-alike is; --force keeps it as typed."""
    at = "2013-05-13T09:00"
    look_alike = "Grоup of 77 and China"  # Cyrillic о (U+043E)
    assert run("--now", at, "speakers", "add", "Chile").exit_code == 0
    before = record_bytes(isolated)
    refused = run("--now", at, "speakers", "add", "Peru", "--on-behalf-of", look_alike)
    assert (refused.exit_code, refused.stdout) == (2, "")
    assert refused.stderr == (
        f"hlmctl: --on-behalf-of {look_alike!r} looks like 'Group of 77 and China' but is "
        "written with letters of another script: 'о' (U+043E CYRILLIC SMALL LETTER O); "
        "type the group's name, or --force to keep it as typed\n"
    )
    edited = run("--now", at, "speakers", "edit", "Chile", "--on-behalf-of", "Аrab Group")
    assert edited.exit_code == 2
    assert "looks like 'Group of Arab States'" in edited.stderr
    assert "(U+0410 CYRILLIC CAPITAL LETTER A)" in edited.stderr
    assert record_bytes(isolated) == before
    forced = run("--now", at, "speakers", "add", "Peru", "--on-behalf-of", look_alike, "--force")
    assert forced.exit_code == 0, forced.stderr
    rows = run("--now", at, "speakers", "list", "--format", "json").json()
    assert [r["on_behalf_of"] for r in rows] == [None, look_alike]


def test_group_look_alike_unit() -> None:
    from hlmctl.entities import group_look_alike

    assert group_look_alike("Grоup of 77 and China") is not None  # Cyrillic о
    assert group_look_alike("Group of 77 and China") is None  # the name itself
    assert group_look_alike("Groupe des États d'Afrique") is None  # accents are not that
    assert group_look_alike("Дружба народов") is None  # Cyrillic that imitates no group


def test_group_warning_unit() -> None:
    from hlmctl.entities import group_warning

    assert group_warning("Group of 77 and China") is None
    assert group_warning(None) is None and group_warning("  ") is None
    assert group_warning("Nothing Like Any Group At All") is None
    warning = group_warning("Afrian Group")
    assert warning is not None and "'Group of African States'" in warning

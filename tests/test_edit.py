"""`speakers edit` (an inscription corrected in place) and the rule that a delegation is
what it says it is (a State of the reference data; no typo of a known name)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import Result, record_bytes, run

DAY = "2013-05-13"


def hl(hhmm: str, *args: str) -> Result:
    return run("--now", f"{DAY}T{hhmm}", *args)


def ok(hhmm: str, *args: str) -> Result:
    result = hl(hhmm, *args)
    assert result.exit_code == 0, result.stderr
    return result


def rows(hhmm: str = "12:00") -> list[dict[str, Any]]:
    return ok(hhmm, "speakers", "list", "--all", "--format", "json").json()  # type: ignore[no-any-return]


def by_id(hhmm: str = "12:00") -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in rows(hhmm)}


def waiting(hhmm: str = "12:00") -> list[str]:
    return [r["delegation"] for r in rows(hhmm) if r["status"] == "waiting"]


# --- speakers edit ------------------------------------------------------------------


def test_an_upgrade_keeps_id_and_inscription_time_and_replaces_by_protocol(hlm: Path) -> None:
    """Peru, inscribed last at head-of-delegation level, is upgraded to a minister: it
    keeps S4 and 09:33, and goes before the heads of delegation; among ministers it
    keeps its first-come place (before Chile, a minister inscribed later)."""
    for n, d in enumerate(("Austria", "Belarus", "Brazil", "Peru")):
        ok(f"09:3{n}", "speakers", "add", d)
    ok("09:40", "speakers", "add", "Chile", "--level", "minister")
    assert waiting("09:41") == ["Chile", "Austria", "Belarus", "Brazil", "Peru"]
    edited = ok("09:45", "speakers", "edit", "Peru", "--level", "Minister", "--name", "Ana Pérez")
    assert edited.stdout.startswith("S4\tPeru edited: ")
    assert "level head-of-delegation -> minister" in edited.stdout
    assert "position 1 of plenary" in edited.stdout
    peru = by_id("09:46")["S4"]
    assert peru["level"] == "minister" and peru["name"] == "Ana Pérez"
    assert peru["inscribed_at"] == f"{DAY}T09:33:00-04:00"
    assert waiting("09:46") == ["Peru", "Chile", "Austria", "Belarus", "Brazil"]
    log = ok("09:47", "log", "--format", "json").json()[-1]
    assert log["command"] == "speakers edit" and "S4 Peru edited" in log["change"]
    assert "name none -> 'Ana Pérez'" in log["change"]


def test_a_speaker_placed_by_hand_keeps_its_place(hlm: Path) -> None:
    for d in ("Austria", "Belarus", "Brazil"):
        ok("09:30", "speakers", "add", d)
    ok("09:31", "speakers", "move", "Brazil", "--to", "2")
    ok("09:32", "speakers", "edit", "Brazil", "--level", "head-of-state")
    assert waiting("09:33") == ["Austria", "Brazil", "Belarus"]
    assert by_id("09:33")["S3"]["level"] == "head-of-state"


def test_edit_is_one_change_that_undo_reverts(hlm: Path, isolated: Path) -> None:
    for d in ("Austria", "Belarus"):
        ok("09:30", "speakers", "add", d)
    before = record_bytes(isolated)
    ok("09:31", "speakers", "edit", "S2", "--level", "minister", "--title", "Foreign Minister")
    assert waiting("09:32") == ["Belarus", "Austria"]
    assert run("undo").exit_code == 0
    assert record_bytes(isolated) == before


def test_a_spoken_statement_is_corrected_only_in_name_title_and_courtesy(
    hlm: Path, isolated: Path
) -> None:
    for d in ("Austria", "Belarus"):
        ok("09:30", "speakers", "add", d)
    ok("10:00", "next")
    ok("10:04", "next")
    before = record_bytes(isolated)
    for option, value in (
        ("--level", "minister"),
        ("--category", "observer"),
        ("--minutes", "3"),
        ("--on-behalf-of", "Group of 77"),
    ):
        refused = hl("10:05", "speakers", "edit", "S1", option, value)
        assert refused.exit_code == 2, (option, refused.stderr)
        assert "spoken: only its name, title and courtesy" in refused.stderr
        assert record_bytes(isolated) == before
    ok("10:05", "speakers", "edit", "S1", "--courtesy", "H.E. Mr.", "--name", "Jan Kovač")
    spoke = by_id("10:06")["S1"]
    assert (spoke["courtesy"], spoke["name"]) == ("H.E. Mr.", "Jan Kovač")
    assert spoke["started_at"] == f"{DAY}T10:00:00-04:00"
    assert spoke["ended_at"] == f"{DAY}T10:04:00-04:00"
    assert spoke["limit_seconds"] == 300
    # ... and the one speaking too: its times and limit stay.
    ok("10:06", "speakers", "edit", "S2", "--title", "Ambassador")
    assert hl("10:06", "speakers", "edit", "S2", "--level", "minister").exit_code == 2


def test_an_edit_that_changes_nothing_is_exit_3(hlm: Path, isolated: Path) -> None:
    ok("09:30", "speakers", "add", "Austria", "--name", "A")
    before = record_bytes(isolated)
    for args in (("--name", "A"), ("--level", "head-of-delegation"), ()):
        same = hl("09:31", "speakers", "edit", "Austria", *args)
        assert same.exit_code == 3, same.stderr
    assert record_bytes(isolated) == before


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("S9", "--name", "X"), "no speaker S9"),
        (("Austria", "--level", "emperor"), "unknown level"),
        (("Austria", "--category", "martians"), "unknown category"),
        # --minutes follows the rule of `speakers add --minutes` (0.001 was let in once).
        (("Austria", "--minutes", "0"), "from 0.01 to 1440 minutes"),
        (("Austria", "--minutes", "0.001"), "with at most 2 decimals"),
        (("Austria", "--minutes", "nan"), "not a number as a person types it"),
        (("Austria", "--minutes", "900"), "longer than the time"),
        (("Austria", "--name", "a\u202eb"), "name"),
        (("Austria", "--on-behalf-of", ""), "already inscribed"),
    ],
)
def test_a_wrong_edit_is_refused_with_exit_2(
    hlm: Path, isolated: Path, args: tuple[str, ...], needle: str
) -> None:
    ok("09:30", "speakers", "add", "Austria")
    ok("09:30", "speakers", "add", "Austria", "--on-behalf-of", "European Union")
    ok("09:30", "speakers", "add", "Belarus")
    before = record_bytes(isolated)
    ref, *rest = args
    if ref == "Austria" and "--on-behalf-of" in rest:
        ref = "S2"  # the group statement, made the delegation's own: a duplicate
    elif ref == "Austria":
        ref = "S1"
    result = hl("09:31", "speakers", "edit", ref, *rest)
    assert result.exit_code == 2, result.stderr
    assert needle in result.stderr
    assert record_bytes(isolated) == before


def test_the_report_shows_the_edited_delegation_as_having_spoken(hlm: Path) -> None:
    """Edit, not remove-then-add: no withdrawn inscription lingers in the report."""
    for d in ("Austria", "Belarus"):
        ok("09:30", "speakers", "add", d)
    ok("09:40", "speakers", "edit", "Belarus", "--level", "minister")
    ok("10:00", "next")
    ok("10:04", "next")
    ok("10:09", "next")
    report = ok("10:10", "report", "--format", "json").json()
    assert [s["delegation"] for s in report["statements"]] == ["Belarus", "Austria"]
    assert report["not_spoken"] == []
    levels = {t["key"]: t["statements"] for t in report["totals"]["level"]}
    assert levels == {"minister": 1, "head-of-delegation": 1}


# --- delegations are what they say they are ------------------------------------------


def test_a_state_must_be_one_of_the_reference_data(hlm: Path, isolated: Path) -> None:
    for category in ("member-state", "observer-state", "Member State"):
        result = hl("09:30", "speakers", "add", "Argentinia", "--category", category)
        assert result.exit_code == 2, result.stderr
        assert "did you mean 'Argentina'" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    made_up = hl("09:30", "speakers", "add", "Freedonia", "--category", "member-state")
    assert made_up.exit_code == 2 and "not a State of the reference data" in made_up.stderr
    # --force does not make a State of a name the reference data does not know.
    forced = hl("09:30", "speakers", "add", "Freedonia", "--category", "member-state", "--force")
    assert forced.exit_code == 2
    assert record_bytes(isolated) is None


@pytest.mark.parametrize(
    ("typed", "near"),
    [
        ("Argentinia", "Argentina"),
        ("Frnace", "France"),
        ("Holy Se", "Holy See"),
        ("European Unoin", "European Union"),
        ("Kanada", "Canada"),
    ],
)
def test_a_name_a_typo_away_from_a_delegation_needs_force(
    hlm: Path, isolated: Path, typed: str, near: str
) -> None:
    refused = hl("09:30", "speakers", "add", typed, "--category", "ngo")
    assert refused.exit_code == 2
    assert f"did you mean {near!r}" in refused.stderr
    assert record_bytes(isolated) is None
    forced = ok("09:30", "speakers", "add", typed, "--category", "ngo", "--force")
    assert f"{typed} inscribed" in forced.stdout


@pytest.mark.parametrize("name", ["Women Deliver", "UNICEF", "Save the Children", "IOM"])
def test_names_far_from_any_delegation_need_no_force(hlm: Path, name: str) -> None:
    ok("09:30", "speakers", "add", name, "--category", "ngo")


def test_the_same_rule_for_edit_import_and_reply(hlm: Path, isolated: Path) -> None:
    ok("09:30", "speakers", "add", "Women Deliver", "--category", "ngo")
    ok("09:30", "speakers", "add", "Frnace", "--category", "ngo", "--force")
    before = record_bytes(isolated)
    as_state = hl("09:31", "speakers", "edit", "Women Deliver", "--category", "member-state")
    assert as_state.exit_code == 2 and "not a State" in as_state.stderr
    typo = hl("09:31", "speakers", "edit", "S2", "--category", "igo")
    assert typo.exit_code == 2 and "did you mean 'France'" in typo.stderr
    rows_file = isolated / "rows.csv"
    rows_file.write_text("delegation,category\nChile,\nArgentinia,ngo\nPeru,\nSweeden,igo\n")
    imported = hl("09:32", "speakers", "import", str(rows_file))
    assert imported.exit_code == 2
    assert "row 3:" in imported.stderr and "'Argentina'" in imported.stderr
    assert "row 5:" in imported.stderr and "'Sweden'" in imported.stderr
    reply = hl("09:33", "reply", "add", "Sweeden", "--category", "igo")
    assert reply.exit_code == 2 and "did you mean 'Sweden'" in reply.stderr
    assert record_bytes(isolated) == before
    assert hl("09:32", "speakers", "import", str(rows_file), "--force").exit_code == 0
    assert hl("09:33", "reply", "add", "Sweeden", "--category", "igo", "--force").exit_code == 0

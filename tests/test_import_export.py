"""`speakers import` and `speakers export`: CSV and JSON, all or nothing, round trips."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, record_bytes, run

NOW = "2013-05-10T09:00"
COMPARED = ("delegation", "level", "category", "name", "title", "on_behalf_of")

SCRAMBLED_CSV = """delegation,level,category,name,title,on_behalf_of
Belarus,minister,,Vladimir Makei,Minister for Foreign Affairs,
UN Women,,un-entity,,,
Holy See,,,,,
bolivia,head-of-state,,,President,
European Union,head-of-delegation,,,,the European Union and its member States
Turkey,minister,,,,
Thailand,head-of-government,,,Prime Minister,
"""
# README rule 1, by hand: level, then category, then first come, first served.
SCRAMBLED_ORDER = [
    "Bolivia (Plurinational State of)",
    "Thailand",
    "Belarus",
    "Türkiye",
    "Holy See",
    "European Union",
    "UN Women",
]


def listed(*options: str) -> list[dict[str, Any]]:
    result = run("--now", NOW, "speakers", "list", "--format", "json", *options)
    assert result.exit_code == 0, result.stderr
    rows: list[dict[str, Any]] = result.json()
    return rows


def fields(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [tuple(r[k] for k in COMPARED) for r in rows]


def test_csv_import_from_a_file_inscribes_in_protocol_order(hlm: Path, isolated: Path) -> None:
    """A CSV without positions is inscribed row by row, each in protocol order."""
    (isolated / "speakers.csv").write_text(SCRAMBLED_CSV, encoding="utf-8")
    result = run("--now", NOW, "speakers", "import", "speakers.csv")
    assert result.exit_code == 0, result.stderr
    assert "7" in result.stdout
    rows = listed()
    assert [r["delegation"] for r in rows] == SCRAMBLED_ORDER
    by_name = {r["delegation"]: r for r in rows}
    assert by_name["Belarus"]["name"] == "Vladimir Makei"
    assert by_name["Belarus"]["title"] == "Minister for Foreign Affairs"
    assert by_name["European Union"]["category"] == "observer"
    assert by_name["European Union"]["on_behalf_of"] == "the European Union and its member States"
    assert by_name["UN Women"]["level"] == "other"
    assert all(r["inscribed_at"] == "2013-05-10T09:00:00-04:00" for r in rows)


def test_csv_import_from_stdin(hlm: Path) -> None:
    """`-` reads the file from stdin."""
    result = run("--now", NOW, "speakers", "import", "-", input=SCRAMBLED_CSV)
    assert result.exit_code == 0, result.stderr
    assert [r["delegation"] for r in listed()] == SCRAMBLED_ORDER


def test_json_import_from_a_file_and_from_stdin(hlm: Path, isolated: Path) -> None:
    """A JSON array of speaker objects, from a file and from stdin, into two lists."""
    plenary = [
        {"delegation": "Austria", "title": "Permanent Representative"},
        {"delegation": "Qatar", "level": "head-of-state", "name": "Tamim bin Hamad Al Thani"},
    ]
    panel = [
        {"delegation": "Nigeria", "list": "panel-1", "level": "vice-minister"},
        {"delegation": "La Strada International", "list": "panel-1", "category": "ngo"},
    ]
    (isolated / "plenary.json").write_text(json.dumps(plenary), encoding="utf-8")
    first = run("--now", NOW, "speakers", "import", "plenary.json")
    assert first.exit_code == 0, first.stderr
    # In a panel, an NGO speaks from an approved list of participants (paras. 8, 9).
    approved = ("participants", "add", "La Strada International", "--list", "ecosoc-ngos")
    assert run("--now", NOW, *approved).exit_code == 0
    second = run("--now", NOW, "speakers", "import", "-", input=json.dumps(panel))
    assert second.exit_code == 0, second.stderr
    assert [(r["delegation"], r["name"]) for r in listed()] == [
        ("Qatar", "Tamim bin Hamad Al Thani"),
        ("Austria", None),
    ]
    assert [r["delegation"] for r in listed("--list", "panel-1")] == [
        "Nigeria",
        "La Strada International",
    ]


BAD_CSV_ROWS = [
    ("Atlantis,,,,,", "unknown delegation"),
    ("Austria,emperor,,,,", "level"),
    ("Austria,,planet,,,", "category"),
    ("Belarus,,,,,", "already inscribed"),  # Belarus is in row 2 too
]


@pytest.mark.parametrize(("bad", "why"), BAD_CSV_ROWS)
def test_one_bad_csv_row_refuses_the_whole_file(
    hlm: Path, isolated: Path, bad: str, why: str
) -> None:
    """Nothing is imported, the row is named, and the record does not exist afterwards."""
    text = f"delegation,level,category,name,title,on_behalf_of\nBelarus,minister,,,,\n{bad}\n"
    (isolated / "bad.csv").write_text(text, encoding="utf-8")
    result = run("--now", NOW, "speakers", "import", "bad.csv")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "row 3" in result.stderr  # the header is line 1, Belarus line 2
    assert why in result.stderr
    assert record_bytes(isolated) is None
    assert not (isolated / "meeting.state.undo").exists() or not any(
        (isolated / "meeting.state.undo").iterdir()
    )


def test_bad_json_item_refuses_the_file_and_keeps_the_record(hlm: Path, isolated: Path) -> None:
    """With a record already there, a bad item leaves it byte for byte as it was."""
    assert run("--now", NOW, "speakers", "add", "Austria").exit_code == 0
    before = record_bytes(isolated)
    items = [
        {"delegation": "Belarus", "level": "minister"},
        {"delegation": "Qatar", "minutes": "five"},
        {"delegation": "Thailand"},
    ]
    result = run("--now", NOW, "speakers", "import", "-", input=json.dumps(items))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "row 2" in result.stderr
    assert record_bytes(isolated) == before
    assert [r["delegation"] for r in listed()] == ["Austria"]


@pytest.mark.parametrize(
    "content",
    [
        "name,title\nX,Y\n",  # no delegation column
        "delegation,level\nBelarus,minister,extra\n",  # too many cells
        "delegation,colour\nBelarus,blue\n",  # unknown column
        '[{"delegation": "Belarus"}, 42]',  # not an object
        "[{",  # broken JSON
        "",  # empty
    ],
)
def test_malformed_files_are_refused_with_exit_2(hlm: Path, isolated: Path, content: str) -> None:
    result = run("--now", NOW, "speakers", "import", "-", input=content)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("hlmctl: ")
    assert record_bytes(isolated) is None


def test_import_into_a_closed_list_is_refused(hlm: Path, isolated: Path) -> None:
    assert run("--now", NOW, "speakers", "add", "Austria").exit_code == 0
    assert run("--now", NOW, "lists", "close", "plenary").exit_code == 0
    before = record_bytes(isolated)
    result = run("--now", NOW, "speakers", "import", "-", input=SCRAMBLED_CSV)
    assert result.exit_code == 2
    assert "closed" in result.stderr
    assert record_bytes(isolated) == before


def test_missing_file_exits_2(hlm: Path) -> None:
    result = run("--now", NOW, "speakers", "import", "nowhere.csv")
    assert result.exit_code == 2
    assert "nowhere.csv" in result.stderr


def build_list_with_hand_placements() -> list[dict[str, Any]]:
    """A list with group statements, names in several scripts and two hand placements."""
    for args in (
        ["Belarus", "--level", "minister", "--name", "Владимир Макей"],
        ["UN Women", "--category", "un-entity", "--name", "Phumzile Mlambo-Ngcuka"],
        ["China", "--name", "王民", "--title", "常驻联合国副代表"],
        [
            "European Union",
            "--level",
            "head-of-delegation",
            "--on-behalf-of",
            "the European Union and its member States",
        ],
        ["Palestine", "--level", "minister", "--name", "رياض المالكي"],
        ["Qatar", "--level", "head-of-state"],
    ):
        result = run("--now", NOW, "speakers", "add", *args)
        assert result.exit_code == 0, result.stderr
    assert run("--now", NOW, "speakers", "move", "UN Women", "--to", "1").exit_code == 0
    assert run("--now", NOW, "speakers", "swap", "Qatar", "China").exit_code == 0
    return listed()


@pytest.mark.file_store  # two folders of one meeting id, or the TOML files themselves
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_then_import_into_a_fresh_meeting_gives_the_same_list(
    hlm: Path, isolated: Path, fmt: str
) -> None:
    """The order (hand placements included) and every field come back the same."""
    original = build_list_with_hand_placements()
    assert original[0]["delegation"] == "UN Women"  # the move took effect
    exported = run("--now", NOW, "speakers", "export", "--format", fmt)
    assert exported.exit_code == 0, exported.stderr
    fresh = isolated / "fresh"
    fresh.mkdir()
    shutil.copy(EXAMPLES / "hlm-2013.toml", fresh / "meeting.toml")
    imported = run(
        "--meeting", str(fresh / "meeting.toml"), "--now", NOW, "speakers", "import", "-",
        input=exported.stdout,
    )  # fmt: skip
    assert imported.exit_code == 0, imported.stderr
    again = run(
        "--meeting", str(fresh / "meeting.toml"), "--now", NOW, "speakers", "list",
        "--format", "json",
    ).json()  # fmt: skip
    assert fields(again) == fields(original)
    assert [r["placed"] for r in again] == [r["placed"] for r in original]
    # A later inscription still goes around the hand-placed speakers in the copy.
    later = run("--meeting", str(fresh / "meeting.toml"), "--now", NOW, "speakers", "add", "Peru")
    assert later.exit_code == 0, later.stderr


FORMULAS = {
    "delegation": '=HYPERLINK("http://x")',
    "name": "+1+1",
    "title": "-2+3",
    "on_behalf_of": "@SUM(A1:A9)",
}


@pytest.mark.file_store  # two folders of one meeting id, or the TOML files themselves
def test_csv_export_neutralizes_formulas_and_import_strips_the_quote(
    hlm: Path, isolated: Path
) -> None:
    """Cells starting with = + - @ get a leading ' on export; import gives the text back."""
    added = run(
        "--now", NOW, "speakers", "add", FORMULAS["delegation"], "--category", "ngo",
        "--name", FORMULAS["name"], "--title", FORMULAS["title"],
        "--on-behalf-of", FORMULAS["on_behalf_of"],
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    assert run("--now", NOW, "speakers", "add", "Austria").exit_code == 0
    exported = run("--now", NOW, "speakers", "export")
    assert exported.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    ngo = next(r for r in rows if r["category"] == "ngo")
    for key, value in FORMULAS.items():
        assert ngo[key] == "'" + value, key
    for row in rows:  # no cell of the export starts like a formula
        assert not any(cell[:1] in ("=", "+", "-", "@") for cell in row.values()), row
    austria = next(r for r in rows if r["delegation"] == "Austria")
    assert austria["title"] == ""  # ordinary cells are untouched
    fresh = isolated / "fresh"
    fresh.mkdir()
    shutil.copy(EXAMPLES / "hlm-2013.toml", fresh / "meeting.toml")
    imported = run(
        "--meeting", str(fresh / "meeting.toml"), "--now", NOW, "speakers", "import", "-",
        input=exported.stdout,
    )  # fmt: skip
    assert imported.exit_code == 0, imported.stderr
    back = run(
        "--meeting", str(fresh / "meeting.toml"), "--now", NOW, "speakers", "list",
        "--format", "json",
    ).json()  # fmt: skip
    ngo_back = next(r for r in back if r["category"] == "ngo")
    for key, value in FORMULAS.items():
        assert ngo_back[key] == value, key


def test_csv_list_output_is_neutralized_too(hlm: Path) -> None:
    """`speakers list --format csv` is a spreadsheet export as well."""
    added = run("--now", NOW, "speakers", "add", "@evil", "--category", "ngo", "--name", "=1+1")
    assert added.exit_code == 0, added.stderr
    shown = run("--now", NOW, "speakers", "list", "--format", "csv")
    row = next(csv.DictReader(io.StringIO(shown.stdout)))
    assert row["delegation"] == "'@evil"
    assert row["name"] == "'=1+1"


@pytest.mark.file_store  # two folders of one meeting id, or the TOML files themselves
def test_a_leading_quote_before_a_formula_character_survives_the_round_trip(
    hlm: Path, isolated: Path
) -> None:
    """Text that already starts with ' and a formula character comes back unchanged."""
    name = "'=x"
    added = run("--now", NOW, "speakers", "add", "Peru", "--name", name, "--title", "'plain'")
    assert added.exit_code == 0, added.stderr
    exported = run("--now", NOW, "speakers", "export")
    fresh = isolated / "fresh"
    fresh.mkdir()
    shutil.copy(EXAMPLES / "hlm-2013.toml", fresh / "meeting.toml")
    meeting = str(fresh / "meeting.toml")
    imported = run(
        "--meeting", meeting, "--now", NOW, "speakers", "import", "-", input=exported.stdout
    )
    assert imported.exit_code == 0, imported.stderr
    back = run("--meeting", meeting, "--now", NOW, "speakers", "list", "--format", "json").json()
    assert (back[0]["name"], back[0]["title"]) == (name, "'plain'")


def test_csv_export_has_a_column_for_every_contract_field(hlm: Path) -> None:
    assert run("--now", NOW, "speakers", "add", "Peru").exit_code == 0
    exported = run("--now", NOW, "speakers", "export")
    header = next(csv.reader(io.StringIO(exported.stdout)))
    assert set(header) >= {
        "id", "list", "position", "delegation", "category", "level", "name", "title",
        "on_behalf_of", "minutes", "status", "inscribed_at", "estimated_start", "started_at",
        "ended_at", "spoken_seconds", "segment",
    }  # fmt: skip


def test_importing_an_export_into_a_list_with_speakers_keeps_the_protocol_order(
    hlm: Path,
) -> None:
    """An unplaced head of State imported with a position still goes before Austria.

    Rows with a position keep the file's order among themselves; README rule 1 still
    puts speakers nobody placed by hand in protocol order.
    """
    assert run("--now", NOW, "speakers", "add", "Austria").exit_code == 0
    text = "position,delegation,level\n1,Qatar,head-of-state\n2,Thailand,head-of-government\n"
    result = run("--now", NOW, "speakers", "import", "-", input=text)
    assert result.exit_code == 0, result.stderr
    rows = listed()
    assert [r["delegation"] for r in rows] == ["Qatar", "Thailand", "Austria"]
    assert not any(r["placed"] for r in rows)

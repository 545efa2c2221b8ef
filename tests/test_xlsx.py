"""Spreadsheets: `--format xlsx` (read back with openpyxl, and opened in LibreOffice
Calc headless where it is installed), `speakers import` of an .xlsx (the CSV's
checks, all or nothing), and `--excel-csv`."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from conftest import Result, record_bytes, run
from hlmctl.cli import app

DAY = "2013-05-13"
NAMES = {
    "Egypt": "محمد كامل عمرو",
    "China": "王毅",
    "Russian Federation": "Сергей Лавров",
    "Türkiye": '=HYPERLINK("http://example.org","x")',
    "Belarus": "@SUM(1+1)*cmd|' /C calc'!A0",
}


def ok(when: str, *args: str) -> Result:
    result = run("--now", f"{DAY}T{when}", *args)
    assert result.exit_code == 0, result.stderr
    return result


def binary(*args: str) -> bytes:
    """stdout's bytes (a spreadsheet is not text)."""
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    return result.stdout_bytes


def inscribe() -> None:
    for delegation, name in NAMES.items():
        ok("09:00", "speakers", "add", delegation, "--name", name, "--title", "Minister")
    ok("09:01", "speakers", "add", "Chile", "--minutes", "3.5")
    ok("10:00", "next")
    ok("10:07:30", "next")


def book(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data))


def wall_clock(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value).replace(tzinfo=None) if value else None


def test_speakers_export_is_a_typed_sheet_with_every_name_intact(hlm: Path) -> None:
    inscribe()
    rows = ok("10:08", "speakers", "list", "--all", "--format", "json").json()
    data = binary("--now", f"{DAY}T10:08", "speakers", "export", "--format", "xlsx")
    ws = book(data).worksheets[0]
    assert ws.title == "plenary"
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:U{len(rows) + 1}"
    header = [c.value for c in ws[1]]
    assert header[:4] == ["id", "list", "position", "delegation"]
    cells = {r[0].value: {h: c for h, c in zip(header, r, strict=True)} for r in ws.iter_rows(2)}
    assert [r["id"] for r in rows] == list(cells)
    for r in rows:
        got = cells[r["id"]]
        assert got["name"].value == r["name"]
        assert got["delegation"].value == r["delegation"]
        assert got["inscribed_at"].value == wall_clock(r["inscribed_at"])
        assert got["started_at"].value == wall_clock(r["started_at"])
        assert got["estimated_start"].value == wall_clock(r["estimated_start"])
        assert got["minutes"].value == r["minutes"]
        assert got["minutes"].data_type == "n"
        assert got["placed"].value is False
        if r["spoken_seconds"] is not None:
            assert got["spoken_seconds"].value == timedelta(seconds=r["spoken_seconds"])
    for name in NAMES.values():  # a formula-like name is a string cell, as typed
        cell = next(c["name"] for c in cells.values() if c["name"].value == name)
        assert cell.data_type == "s"
    # Widths fit: the longest name fits its column, the header its own.
    name_col = openpyxl.utils.get_column_letter(header.index("name") + 1)
    assert ws.column_dimensions[name_col].width >= max(len(n) for n in NAMES.values())


def test_an_export_imports_back_from_the_spreadsheet(hlm: Path, tmp_path: Path) -> None:
    inscribe()
    before = ok("10:08", "speakers", "list", "--format", "json").json()
    data = binary("--now", f"{DAY}T10:08", "speakers", "export", "--format", "xlsx")
    (tmp_path / "list.xlsx").write_bytes(data)
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(hlm, other / "meeting.toml")
    result = run("--meeting", str(other / "meeting.toml"), "--now", f"{DAY}T10:08",
                 "speakers", "import", str(tmp_path / "list.xlsx"))  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "skipped 2 rows" in result.stderr  # spoken and speaking
    after = run("--meeting", str(other / "meeting.toml"), "--now", f"{DAY}T10:08",
                "speakers", "list", "--format", "json").json()  # fmt: skip
    keys = ("delegation", "name", "title", "minutes", "inscribed_at", "kind", "level")
    waiting = [r for r in before if r["status"] == "waiting"]
    assert [{k: r[k] for k in keys} for r in after] == [{k: r[k] for k in keys} for r in waiting]


def test_report_has_one_sheet_per_table(hlm: Path) -> None:
    inscribe()
    report = ok("10:08", "report", "--format", "json").json()
    wb = book(binary("--now", f"{DAY}T10:08", "report", "--format", "xlsx"))
    assert wb.sheetnames == [
        "statements",
        "by_list",
        "by_level",
        "by_category",
        "by_regional_group",
        "not_spoken",
        "by_regional_group_per_list",
        "panels",
    ]
    ws = wb["statements"]
    header = [c.value for c in ws[1]]
    got = list(ws.iter_rows(2, values_only=True))
    assert len(got) == len(report["statements"]) == 1
    row = dict(zip(header, got[0], strict=True))
    s = report["statements"][0]
    assert row["limit_seconds"] == timedelta(seconds=s["limit_seconds"])
    assert row["over_seconds"] == timedelta(seconds=s["over_seconds"])
    assert row["started_at"] == wall_clock(s["started_at"])
    totals = list(wb["by_level"].iter_rows(2, values_only=True))
    assert [(t[0], t[2]) for t in totals] == [
        (t["key"], t["statements"]) for t in report["totals"]["level"]
    ]
    assert len(list(wb["not_spoken"].iter_rows(2))) == len(report["not_spoken"])
    panels = list(wb["panels"].iter_rows(2, values_only=True))
    assert panels == [
        (p["segment"], m["role"], m["name"], m["delegation"], m["regional_group"])
        for p in report["panels"]
        for m in p["members"]
    ]
    assert panels  # the bundled meeting names its panels' chairs


def test_agenda_times_are_the_projections_instants(hlm: Path) -> None:
    inscribe()
    data = ok("10:08", "agenda", "--format", "json").json()
    ws = book(binary("--now", f"{DAY}T10:08", "agenda", "--format", "xlsx"))["agenda"]
    header = [c.value for c in ws[1]]
    got = [dict(zip(header, r, strict=True)) for r in ws.iter_rows(2, values_only=True)]
    expected = [
        (wall_clock(x["start"]), wall_clock(x["end"]))
        for seg in data["segments"]
        for x in [seg, *seg["items"]]
    ]
    assert [(g["start"], g["end"]) for g in got if g["kind"] != "overflow"] == expected
    assert all(isinstance(g["projected"], bool) for g in got)


def test_excel_csv_has_a_bom_and_wall_clock_times_and_imports_back(
    hlm: Path, tmp_path: Path
) -> None:
    inscribe()
    text = ok("10:08", "speakers", "export", "--excel-csv").stdout
    assert text.startswith("\ufeffid,list,")
    assert "2013-05-13 09:00:00" in text
    assert "T09:00:00-04:00" not in text
    plain = ok("10:08", "speakers", "export").stdout
    assert not plain.startswith("\ufeff")
    assert "2013-05-13T09:00:00-04:00" in plain
    assert ok("10:08", "agenda", "--excel-csv").stdout.startswith("\ufeffdate,")
    listed = ok("10:08", "speakers", "list", "--excel-csv").stdout
    assert listed.startswith("\ufeffid,")
    (tmp_path / "x.csv").write_text(text, encoding="utf-8")
    other = tmp_path / "o"
    other.mkdir()
    shutil.copy(hlm, other / "meeting.toml")
    result = run("--meeting", str(other / "meeting.toml"), "--now", f"{DAY}T10:08",
                 "speakers", "import", str(tmp_path / "x.csv"))  # fmt: skip
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["speakers", "export", "--excel-csv", "--format", "json"],
        ["agenda", "--excel-csv", "--format", "xlsx"],
        ["speakers", "list", "--excel-csv", "--format", "table"],
    ],
)
def test_excel_csv_with_another_format_is_exit_2(hlm: Path, args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert "--excel-csv writes CSV" in result.stderr
    assert result.stdout == ""


# --- importing a spreadsheet: the CSV's checks ----------------------------------------


class Text(str):
    """A cell of text that starts like a formula (typed with a quote in a spreadsheet)."""


def sheet(rows: list[list[Any]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
        for cell, value in zip(ws[ws.max_row], row, strict=False):
            if isinstance(value, Text):
                cell.data_type = "s"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def import_bytes(data: bytes, tmp_path: Path, name: str = "in.xlsx") -> Result:
    (tmp_path / name).write_bytes(data)
    return run("--now", f"{DAY}T09:00", "speakers", "import", str(tmp_path / name))


def refused(result: Result, problem: str, hlm: Path) -> None:
    assert result.exit_code == 2, result.stderr
    assert problem in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert record_bytes(hlm.parent) is None  # nothing was imported


def test_a_sheet_of_a_person_imports_with_its_types(hlm: Path, tmp_path: Path) -> None:
    data = sheet(
        [
            ["delegation", "name", "minutes", "inscribed_at", "placed"],
            ["Egypt", NAMES["Egypt"], 4, datetime(2013, 5, 13, 8, 30), False],
            [],  # a blank row is skipped, as in a CSV
            ["China", Text(NAMES["Türkiye"]), 2.5, None, None],
        ]
    )
    result = import_bytes(data, tmp_path)
    assert result.exit_code == 0, result.stderr
    rows = ok("09:00", "speakers", "list", "--format", "json").json()
    assert [(r["delegation"], r["name"], r["minutes"]) for r in rows] == [
        ("Egypt", NAMES["Egypt"], 4),
        ("China", NAMES["Türkiye"], 2.5),
    ]
    assert rows[0]["inscribed_at"] == "2013-05-13T08:30:00-04:00"


def test_a_bad_row_refuses_the_whole_sheet_naming_its_row(hlm: Path, tmp_path: Path) -> None:
    data = sheet([["delegation", "level"], ["Egypt", "minister"], ["China", "emperor"]])
    refused(import_bytes(data, tmp_path), "row 3", hlm)


def _stale_dimension(data: bytes) -> bytes:
    """The sheet says it is A1:A2 (<dimension>), as a program that appended rows
    without updating it leaves it, and holds more rows than that."""
    import re
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            part = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                part = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:A2"', part)
            target.writestr(name, part)
    return out.getvalue()


def test_rows_past_a_stale_sheet_size_are_read_not_dropped(hlm: Path, tmp_path: Path) -> None:
    """Every row of the sheet is imported, whatever size the sheet states (only the
    first row past its header was, silently); a bad one there still refuses it all."""
    rows = [["delegation"], ["Egypt"], ["China"], ["Chile"]]
    result = import_bytes(_stale_dimension(sheet(rows)), tmp_path)
    assert result.exit_code == 0, result.stderr
    listed = ok("09:00", "speakers", "list", "--format", "json").json()
    assert [r["delegation"] for r in listed] == ["Egypt", "China", "Chile"]
    assert ok("09:00", "undo").exit_code == 0
    bad = _stale_dimension(sheet([["delegation", "level"], ["Egypt", "minister"], ["Chile", "x"]]))
    refused(import_bytes(bad, tmp_path), "row 3", hlm)


def test_a_formula_is_refused(hlm: Path, tmp_path: Path) -> None:
    data = sheet([["delegation", "minutes"], ["Egypt", "=1+2"]])
    refused(import_bytes(data, tmp_path), "row 2, column 2: a formula", hlm)


def test_no_delegation_column_is_refused(hlm: Path, tmp_path: Path) -> None:
    refused(import_bytes(sheet([["country"], ["Egypt"]]), tmp_path), "no 'delegation'", hlm)


def test_a_row_wider_than_the_header_is_refused(hlm: Path, tmp_path: Path) -> None:
    data = sheet([["delegation"], ["Egypt", "extra"]])
    refused(import_bytes(data, tmp_path), "row 2: 2 cells, but the header has 1", hlm)


def test_a_damaged_file_is_refused(hlm: Path, tmp_path: Path) -> None:
    refused(import_bytes(b"PK\x03\x04" + b"\x00" * 100, tmp_path), "not a valid .xlsx", hlm)
    good = sheet([["delegation"], ["Egypt"]])
    refused(import_bytes(good[: len(good) // 2], tmp_path), "not a valid .xlsx", hlm)
    # A ZIP that is not a spreadsheet at all.
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "hello")
    refused(import_bytes(out.getvalue(), tmp_path), "not a spreadsheet that can be read", hlm)


def test_an_entity_bomb_is_refused(hlm: Path, tmp_path: Path) -> None:
    """A sheet whose XML expands entities a billion times: refused, in one line."""
    entities = '<!ENTITY l0 "lol">' + "".join(
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)
    )
    source = zipfile.ZipFile(io.BytesIO(sheet([["delegation"], ["Egypt"]])))
    out, bombed = io.BytesIO(), ""
    with zipfile.ZipFile(out, "w") as z:
        for name in source.namelist():
            data = source.read(name)
            if b">Egypt<" in data:  # the sheet, or its shared strings
                body = data.decode("utf-8").split("?>", 1)[-1]
                data = (f"<!DOCTYPE x [{entities}]>" + body.replace(">Egypt<", ">&l9;<")).encode()
                bombed = name
            z.writestr(name, data)
    assert bombed
    refused(import_bytes(out.getvalue(), tmp_path), "not a spreadsheet that can be read", hlm)


def test_size_limits_are_checked_while_reading(
    hlm: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hlmctl import csvio, xlsxio

    rows = [["delegation"], *([d] for d in ("Egypt", "China", "Chile", "Peru", "Fiji"))]
    monkeypatch.setattr(csvio, "MAX_ROWS", 3)
    refused(import_bytes(sheet(rows), tmp_path), "more than 3 speakers", hlm)
    monkeypatch.setattr(csvio, "MAX_ROWS", 100)
    monkeypatch.setattr(xlsxio, "MAX_UNPACKED", 1000)
    refused(import_bytes(sheet(rows), tmp_path), "too large unpacked", hlm)


def test_xlsx_on_a_terminal_is_refused() -> None:
    from hlmctl import render_xlsx
    from hlmctl.context import Env
    from hlmctl.errors import InputError

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    with pytest.raises(InputError, match="not text for a terminal"):
        render_xlsx.write(Env(stdout=Terminal()), b"PK")


# --- LibreOffice Calc, headless -------------------------------------------------------


def soffice(tmp_path: Path, *args: str) -> None:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        message = (
            "LibreOffice is not installed: `apt-get install libreoffice-calc-nogui` "
            "(scripts/system-deps does it)"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    profile = (tmp_path / "lo-profile").as_uri()
    done = subprocess.run(
        [exe, f"-env:UserInstallation={profile}", "--headless", *args],
        capture_output=True,
        timeout=240,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr


def test_libreoffice_opens_the_export_with_names_and_times_intact(
    hlm: Path, tmp_path: Path
) -> None:
    inscribe()
    rows = ok("10:08", "speakers", "list", "--all", "--format", "json").json()
    (tmp_path / "list.xlsx").write_bytes(
        binary("--now", f"{DAY}T10:08", "speakers", "export", "--format", "xlsx")
    )
    (tmp_path / "excel.csv").write_text(
        ok("10:08", "speakers", "export", "--excel-csv").stdout, encoding="utf-8"
    )
    out = tmp_path / "out"
    # The spreadsheet, as Calc shows it, saved as UTF-8 CSV.
    soffice(tmp_path, "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir", str(out), "list.xlsx")  # fmt: skip
    import csv

    shown = list(csv.DictReader(io.StringIO((out / "list.csv").read_text(encoding="utf-8"))))
    assert [r["name"] for r in shown] == [r["name"] or "" for r in rows]
    for name in NAMES.values():  # formula-like names are shown as typed, never run
        assert name in [r["name"] for r in shown]
    # Date-times are formatted as such (text would keep its ISO form with the offset).
    assert [r["inscribed_at"] for r in shown] == [
        wall_clock(r["inscribed_at"]).strftime("%Y-%m-%d %H:%M:%S")  # type: ignore[union-attr]
        for r in rows
    ]
    # The CSV for a person: with number detection on, the times become date-times.
    soffice(tmp_path, "--infilter=CSV:44,34,76,1,,1033,false,true", "--convert-to", "xlsx",
            "--outdir", str(out), "excel.csv")  # fmt: skip
    ws = openpyxl.load_workbook(out / "excel.xlsx").worksheets[0]
    header = [c.value for c in ws[1]]
    read = [dict(zip(header, r, strict=True)) for r in ws.iter_rows(2, values_only=True)]
    assert [r["inscribed_at"] for r in read] == [wall_clock(r["inscribed_at"]) for r in rows]
    assert [r["name"] for r in read if r["delegation"] == "Egypt"] == [NAMES["Egypt"]]

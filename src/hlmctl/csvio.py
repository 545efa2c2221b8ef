"""Reading speakers from CSV or JSON, as exported by hlmctl or by another tool.

The rendering of every command uses ``needs_quote``: the parsers are imported when read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hlmctl.errors import InputError

MAX_BYTES = 20 * 1024 * 1024  # also files.IMPORT_MAX_BYTES, checked while reading
MAX_ROWS = 100_000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def needs_quote(value: str) -> bool:
    """A cell a spreadsheet would run as a formula, even behind quotes we added."""
    return value.lstrip("'").startswith(FORMULA_START)


def unneutralize(value: str) -> str:
    """Undo the quote that export puts before a formula-like cell."""
    if value.startswith("'") and needs_quote(value):
        return value[1:]
    return value


def read_rows(raw: bytes, name: str, what: str = "speakers") -> list[tuple[int, Mapping[str, Any]]]:
    """Rows with their line (CSV, a spreadsheet's row) or index (JSON) number, for
    error messages (``what``: what a row is, for them). A file named .xlsx is a
    spreadsheet (a ZIP file) or refused, never read as text."""
    if len(raw) > MAX_BYTES:
        raise InputError(f"{name}: too large ({len(raw)} bytes; at most {MAX_BYTES})")
    if raw.startswith(b"PK\x03\x04"):  # a ZIP file: a spreadsheet (.xlsx), read as a CSV
        from hlmctl.xlsxio import sheet_as_csv

        return _csv_rows(sheet_as_csv(raw, name, MAX_ROWS, what), name, what)
    if name.lower().endswith(".xlsx"):
        raise InputError(
            f"{name}: not a spreadsheet (.xlsx): its name says so, but it is not one "
            "(save it again as an Excel workbook, or as CSV under a .csv name)"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    stripped = text.lstrip()
    if not stripped:
        raise InputError(f"{name}: the file is empty")
    if stripped[0] in "[{":
        return _json_rows(stripped, name, what)
    return _csv_rows(text, name, what)


def _json_rows(text: str, name: str, what: str) -> list[tuple[int, Mapping[str, Any]]]:
    import json

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}: not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except RecursionError:
        raise InputError(f"{name}: not valid JSON (nested too deeply)") from None
    except ValueError as exc:  # an integer too long to convert
        raise InputError(f"{name}: not valid JSON ({exc})") from None
    if isinstance(data, dict):
        data = data.get("speakers")
    if not isinstance(data, list):
        raise InputError(f"{name}: expected a JSON array of speakers")
    if len(data) > MAX_ROWS:
        raise InputError(f"{name}: more than {MAX_ROWS:,} {what}")
    rows: list[tuple[int, Mapping[str, Any]]] = []
    for index, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise InputError(f"{name}: item {index} is not an object")
        rows.append((index, {k: _scalar(v) for k, v in item.items() if v is not None}))
    return rows


def _scalar(value: Any) -> Any:
    if isinstance(value, list):
        return value if value else None
    return value


def _csv_rows(text: str, name: str, what: str) -> list[tuple[int, Mapping[str, Any]]]:
    import csv
    import io

    reader = csv.reader(io.StringIO(text, newline=""), strict=True)  # a quote left open: refused
    try:
        header = next(reader)
    except csv.Error as exc:
        raise InputError(f"{name}: not valid CSV ({exc})") from None
    columns = [h.strip() for h in header]
    if "delegation" not in columns:
        raise InputError(
            f"{name}: the header row has no 'delegation' column (found: {', '.join(columns)})"
        )
    dupes = sorted({c for c in columns if columns.count(c) > 1})
    if dupes:
        raise InputError(f"{name}: column {dupes[0]!r} appears twice in the header row")
    rows: list[tuple[int, Mapping[str, Any]]] = []
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            line = reader.line_num
            if len(rows) >= MAX_ROWS:
                raise InputError(f"{name}: more than {MAX_ROWS:,} {what}")
            if len(cells) != len(columns):
                raise InputError(
                    f"{name}: row {line}: {len(cells)} cells, but the header has "
                    f"{len(columns)} columns"
                )
            row = {
                c: unneutralize(v) for c, v in zip(columns, cells, strict=True) if v.strip() != ""
            }
            rows.append((line, row))
    except csv.Error as exc:
        raise InputError(f"{name}: row {reader.line_num}: not valid CSV ({exc})") from None
    return rows

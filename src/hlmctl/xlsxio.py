"""Reading a spreadsheet (.xlsx) for `speakers import`: its first sheet, as the CSV
it stands for, so that one set of checks (``csvio``) reads both.

Checked before and while reading: the ZIP's declared contents (what it unpacks to),
the number of rows and columns; a formula is refused (an import takes values).
Dates become venue-local ISO times (a spreadsheet date has no offset), durations
seconds, booleans true or false. openpyxl is imported only for such a file.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from typing import Any

from hlmctl.errors import InputError

MAX_UNPACKED = 200 * 1024 * 1024  # what the parts of the file may unpack to, together
MAX_PARTS = 1000
MAX_COLUMNS = 200


def _unpacked_size(raw: bytes, name: str) -> None:
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise InputError(f"{name}: not a valid .xlsx file (a damaged ZIP: {exc})") from None
    if len(parts) > MAX_PARTS:
        raise InputError(f"{name}: not a plain spreadsheet (more than {MAX_PARTS} parts)")
    total = sum(p.file_size for p in parts)
    if total > MAX_UNPACKED:
        raise InputError(f"{name}: too large unpacked ({total:,} bytes; at most {MAX_UNPACKED:,})")


def cell_text(value: Any) -> str:
    """A cell as the CSV export writes it (``csvio`` then reads it as such)."""
    from hlmctl.csvio import needs_quote

    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        # Dates are stored as fractions of a day: round to the millisecond.
        ms = round(value.microsecond / 1000)
        at = value.replace(microsecond=0) + timedelta(milliseconds=ms)
        return at.isoformat(timespec="milliseconds" if at.microsecond else "seconds")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return f"{value.total_seconds():g}"
    text = str(value)
    # csvio undoes the quote the export puts before formula-like text: give it one,
    # so that the text comes back exactly as the cell holds it.
    return "'" + text if needs_quote(text) else text


def sheet_as_csv(raw: bytes, name: str, max_rows: int, what: str = "speakers") -> str:
    """The first sheet as CSV text, one line per row of the sheet (blank rows too, so
    that a row's number in a message is its number in the sheet)."""
    import csv

    _unpacked_size(raw, name)
    try:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=False)
    except InputError:
        raise
    except Exception as exc:  # a damaged or foreign file: openpyxl's errors vary
        raise InputError(f"{name}: not a spreadsheet that can be read ({exc})") from None
    rows: list[list[str]] = []
    filled = 0
    try:
        if not book.worksheets:
            raise InputError(f"{name}: the spreadsheet has no sheet")
        sheet = book.worksheets[0]
        # The sheet's stated size (<dimension>) may be stale or false: read every row
        # there is, never only those it states (rows past it would be dropped unseen).
        reset = getattr(sheet, "reset_dimensions", None)
        if reset is not None:
            reset()
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            values = []
            for col, cell in enumerate(cells, start=1):
                if getattr(cell, "data_type", None) == "f":
                    raise InputError(
                        f"{name}: row {number}, column {col}: a formula; an import "
                        "takes values (paste the cells as values)"
                    )
                values.append(cell_text(cell.value))
            while values and not values[-1].strip():
                values.pop()
            if len(values) > MAX_COLUMNS:
                raise InputError(f"{name}: row {number}: more than {MAX_COLUMNS} columns")
            if any(v.strip() for v in values):
                filled += 1
                if filled > max_rows + 1:  # the header row, then the speakers
                    raise InputError(f"{name}: more than {max_rows:,} {what}")
            rows.append(values)
    except InputError:
        raise
    except Exception as exc:
        raise InputError(f"{name}: not a spreadsheet that can be read ({exc})") from None
    finally:
        book.close()
    if not filled:
        raise InputError(f"{name}: the spreadsheet is empty")
    # A spreadsheet leaves out the empty cells at the end of a row: a row shorter than
    # the header gets them back; a longer one stays so, for the CSV's check to name.
    width = len(rows[0])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow(row + [""] * (width - len(row)) if row else row)
    return out.getvalue()

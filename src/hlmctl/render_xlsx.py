"""Spreadsheets (``--format xlsx``): the CSV's columns as typed cells.

Times are date-times on the venue's wall clock (a spreadsheet's date-time has no
time zone: the meeting's is the venue's), durations are durations ([h]:mm:ss), limits
and counts are numbers; every text is written as a string, which a spreadsheet
never runs as a formula. Each sheet has its header row frozen, a filter on every
column and widths that fit. XlsxWriter is imported only by this format.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from hlmctl.errors import InputError

if TYPE_CHECKING:
    from hlmctl.context import Env

Kind = Literal["text", "time", "duration", "number", "integer", "bool", "list"]

MAX_WIDTH = 60  # characters: longer text wraps in the cell rather than widening it
DATE_FORMAT = "yyyy-mm-dd hh:mm:ss"
DURATION_FORMAT = "[h]:mm:ss"

# The type of each column the views share (CSV and JSON field names); text otherwise.
KINDS: dict[str, Kind] = {
    "position": "integer",
    "minutes": "number",
    "placed": "bool",
    "projected": "bool",
    "inscribed_at": "time",
    "estimated_start": "time",
    "estimated_end": "time",
    "started_at": "time",
    "ended_at": "time",
    "start": "time",
    "end": "time",
    "date": "text",
    "spoken_seconds": "duration",
    "limit_seconds": "duration",
    "over_seconds": "duration",
    "seconds": "duration",
    "overrun_seconds": "duration",
    "statements": "integer",
    "overruns": "integer",
    "absences": "list",
}


@dataclass
class Sheet:
    name: str  # at most 31 characters, none of []:*?/\
    columns: Sequence[str]
    rows: Iterable[Mapping[str, Any]]
    kinds: Mapping[str, Kind] = field(default_factory=dict)  # beside ``KINDS``


def _local(value: str) -> datetime:
    """An ISO time of a view (with the venue's offset), as the venue's wall clock."""
    return datetime.fromisoformat(value).replace(tzinfo=None)


def _text(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return str(value)


def workbook(sheets: Sequence[Sheet]) -> bytes:
    """The .xlsx file's bytes: one sheet per table."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            # Never turn text into numbers, formulas or links: text stays text.
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    header = book.add_format({"bold": True, "bottom": 1})
    as_date = book.add_format({"num_format": DATE_FORMAT})
    as_duration = book.add_format({"num_format": DURATION_FORMAT})
    for sheet in sheets:
        ws = book.add_worksheet(sheet.name)
        kinds = [sheet.kinds.get(c) or KINDS.get(c, "text") for c in sheet.columns]
        titles = list(sheet.columns)
        widths = [len(t) + 3 for t in titles]  # room for the filter's button
        for col, title in enumerate(titles):
            ws.write_string(0, col, title, header)
        last = 0
        for n, row in enumerate(sheet.rows, start=1):
            last = n
            for col, (name, kind) in enumerate(zip(sheet.columns, kinds, strict=True)):
                value = row.get(name)
                if value is None or value == []:
                    continue
                if kind == "time":
                    ws.write_datetime(n, col, _local(value), as_date)
                    width = len(DATE_FORMAT)
                elif kind == "duration":
                    # XlsxWriter writes a timedelta as a number of days.
                    ws.write_datetime(n, col, timedelta(seconds=float(value)), as_duration)
                    width = 9
                elif kind in ("number", "integer") and not isinstance(value, bool):
                    ws.write_number(n, col, value)
                    width = len(str(value))
                elif kind == "bool":
                    ws.write_boolean(n, col, bool(value))
                    width = 5
                else:
                    text = _text(value)
                    ws.write_string(n, col, text)
                    width = max((len(line) for line in text.split("\n")), default=0)
                widths[col] = max(widths[col], min(width, MAX_WIDTH) + 1)
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(last, 1), max(len(titles) - 1, 0))
    book.close()
    return buffer.getvalue()


TOTAL_COLUMNS = ("key", "label", "statements", "seconds", "overruns", "overrun_seconds")


def report_sheets(data: Mapping[str, Any]) -> list[Sheet]:
    """One sheet per table of the report (its JSON, with ids rather than labels, as
    the CSV): the statements, the totals by list, level, category and regional
    group, the speakers who did not speak, each list's speakers by group, and the
    members of each panel with their regional group."""
    from hlmctl.render_speakers import SPEAKER_CSV
    from hlmctl.report import FIVE_GROUPS

    statement_columns = [*SPEAKER_CSV, "limit_seconds", "over_seconds"]
    sheets = [Sheet("statements", statement_columns, data["statements"])]
    sheets += [
        Sheet(f"by_{name}", TOTAL_COLUMNS, totals) for name, totals in data["totals"].items()
    ]
    sheets.append(Sheet("not_spoken", SPEAKER_CSV, data["not_spoken"]))
    groups = [*FIVE_GROUPS, "none"]
    spread = [{"list": s["list"], **s["by_regional_group"]} for s in data["spread"]]
    counts: dict[str, Kind] = dict.fromkeys(groups, "integer")
    sheets.append(Sheet("by_regional_group_per_list", ["list", *groups], spread, counts))
    members = [{"segment": p["segment"], **m} for p in data["panels"] for m in p["members"]]
    panel_columns = ("segment", "role", "name", "delegation", "regional_group")
    sheets.append(Sheet("panels", panel_columns, members))
    return sheets


def write(env: Env, data: bytes) -> None:
    """The file on stdout, which must not be a terminal (a spreadsheet is binary)."""
    out = env.stdout
    isatty = getattr(out, "isatty", None)
    if isatty is not None and isatty():
        raise InputError(
            "--format xlsx writes a spreadsheet file, not text for a terminal",
            hint="redirect it to a file: ... --format xlsx > list.xlsx",
        )
    write_bytes = getattr(out, "write_bytes", None)
    if write_bytes is not None:
        write_bytes(data)
        return
    out.flush()
    out.buffer.write(data)
    out.buffer.flush()

"""Output: what every listing shares, whatever its subject: literal text (``printable``,
``md``), the console, JSON, CSV, and tables that fit the terminal. The listings
themselves are in ``render_agenda``, ``render_ics``, ``render_speakers``,
``render_status``, ``render_lists`` (and ``render_report``, ``render_publish``, ...).

Text that comes from users or meeting files is always printed literally: Rich
cells are ``Text`` objects (never markup), and control characters are shown as
escapes. JSON is written straight to stdout, never wrapped or coloured.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from hlmctl.csvio import needs_quote

if TYPE_CHECKING:
    from rich.console import Console, JustifyMethod
    from rich.table import Table

    from hlmctl.context import Env
    from hlmctl.i18n import Lang


def printable(text: str | None) -> str:
    """User text with control characters made visible, never executed."""
    if not text:
        return ""
    return "".join(
        f"\\u{ord(c):04x}" if unicodedata.category(c) == "Cc" and c not in "\t\n" else c
        for c in text
    )


def english() -> Lang:
    """English, for a listing given no language (the catalog is read only then)."""
    from hlmctl.i18n import english as english_lang

    return english_lang()


def console(env: Env) -> Console:
    from rich.console import Console

    from hlmctl.environment import check_terminal

    columns = check_terminal(env.environ)  # $COLUMNS and $LINES, before Rich reads them
    if env.is_terminal:
        return Console(file=env.stdout, highlight=False)
    width = columns or 200
    return Console(
        file=env.stdout,
        highlight=False,
        color_system=None,
        force_terminal=False,
        width=width,
        no_color=True,
        emoji=False,
    )


def write_json(env: Env, data: Any) -> None:
    # orjson writes the same indented UTF-8 document as json.dumps(indent=2), 20 to
    # 50 times faster: at 10,000 speakers the agenda is 7 MB of JSON.
    import orjson

    text = orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS)
    env.stdout.write(text.decode("utf-8") + "\n")


def csv_cell(value: Any) -> str:
    """A CSV cell; text a spreadsheet would run as a formula is neutralized (OWASP)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = " ".join(str(v) for v in value)
    text = str(value)
    # Quotes already before a formula character get one more, so import gives them back.
    if isinstance(value, str) and needs_quote(text):
        return "'" + text
    return text


def write_csv(
    env: Env, columns: Sequence[str], rows: Iterable[dict[str, Any]], *, excel: bool = False
) -> None:
    """``excel``: for a person who opens it in a spreadsheet (``--excel-csv``): a
    byte-order mark first, so that Excel reads UTF-8, and times as the venue's wall
    clock ("2013-05-13 10:31:00"), which spreadsheets read as date-times."""
    import csv

    buffer = io.StringIO()
    if excel:
        buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        cells = [csv_cell(row.get(c)) for c in columns]
        writer.writerow([_wall_clock(c) for c in cells] if excel else cells)
    env.stdout.write(buffer.getvalue())


def _wall_clock(cell: str) -> str:
    """An ISO time with its offset, as a spreadsheet reads a date-time; else as is."""
    if len(cell) >= 25 and cell[10] == "T" and cell[-6] in "+-" and cell[-3] == ":":
        try:
            return datetime.fromisoformat(cell).strftime("%Y-%m-%d %H:%M:%S")
        except ValueError:
            return cell
    return cell


def md(text: str | None) -> str:
    """Markdown-safe: special characters escaped, control characters shown."""
    value = printable(text)
    for char in "\\`*_[]<>|#":
        value = value.replace(char, "\\" + char)
    return value


class Column(NamedTuple):
    """A table column: ``drop`` orders which give way first when the terminal is
    narrow (1 first; 0 never); a column that wraps needs ``min_width``."""

    header: str
    drop: int = 0
    wrap: bool = False
    min_width: int = 0
    justify: JustifyMethod = "left"


def _longest(col: Column, rows: list[list[str]], i: int) -> int:
    from rich.cells import cell_len

    lines = [col.header, *(line for r in rows for line in r[i].split("\n"))]
    return max(cell_len(line) for line in lines)


WORD_MAX = 16  # a longer word (an address, a long compound) may be cut


def _longest_word(col: Column, rows: list[list[str]], i: int) -> int:
    from rich.cells import cell_len

    words = [w for text in (col.header, *(r[i] for r in rows)) for w in text.split()]
    return min(WORD_MAX, max((cell_len(w) for w in words), default=0))


def fit(columns: list[Column], rows: list[list[str]], width: int) -> dict[int, int]:
    """The columns that fit ``width`` and the width of each: a column that does not
    wrap gets its longest text; the others share what is left, none below its
    ``min_width``. Columns give way by ``drop`` (1 first) until the rest fit."""
    longest = [_longest(col, rows, i) for i, col in enumerate(columns)]
    # A column that wraps is cut between words, never inside one ("Objectio/ns",
    # "consultati/ve"): it needs its longest word (up to WORD_MAX), header included.
    need = [
        min(n, max(c.min_width, _longest_word(c, rows, i))) if c.wrap else n
        for i, (n, c) in enumerate(zip(longest, columns, strict=True))
    ]
    kept = list(range(len(columns)))
    order = sorted((c.drop, i) for i, c in enumerate(columns) if c.drop)
    while sum(need[i] + 3 for i in kept) + 1 > width and order:
        _, gone = order.pop(0)
        kept.remove(gone)
    widths = {i: longest[i] for i in kept}
    room = width - 1 - 3 * len(kept) - sum(w for i, w in widths.items() if not columns[i].wrap)
    wrapping = [i for i in kept if columns[i].wrap]
    # The widest wrapping column gives way a character at a time.
    while wrapping and sum(widths[i] for i in wrapping) > room:
        widest = max(wrapping, key=lambda i: widths[i] if widths[i] > need[i] else -1)
        if widths[widest] <= need[widest]:
            break
        widths[widest] -= 1
    return widths


def fitted_table(
    env: Env, title: str, columns: list[Column], rows: list[list[str]], styles: list[str]
) -> Table:
    """A Rich table of the columns that fit the console; every cell literal text."""
    from rich.table import Table
    from rich.text import Text

    widths = fit(columns, rows, console(env).width)
    table = Table(title=Text(title, style="bold"), title_justify="left")
    for i, width in widths.items():
        col = columns[i]
        table.add_column(
            col.header,
            width=width,
            no_wrap=not col.wrap,
            overflow="fold",
            justify=col.justify,
        )
    for row, style in zip(rows, styles, strict=True):
        table.add_row(*(Text(row[i]) for i in widths), style=style)
    return table

"""The environment variables that hlmctl's libraries read, checked before they are
used: a value they cannot use is one line naming the variable and exit 2, never a
traceback from deep inside Rich or Babel.

hlmctl's own variables (``HLMCTL_*``) are checked where they are read (context.py,
i18n.py, cache.py). Here: ``COLUMNS`` and ``LINES`` (the width and height of the
output, read by hlmctl and by Rich), and ``TZ`` (read by Babel when French dates
are formatted; hlmctl itself only uses the meeting's time zone). ``TERM``,
``NO_COLOR`` and ``FORCE_COLOR`` need nothing: Rich reads any value of them safely
(``NO_COLOR`` counts when it is set at all, as no-color.org says).
"""

from __future__ import annotations

from collections.abc import Mapping

from hlmctl.errors import InputError

MAX_CELLS = 10_000  # wider or taller than any screen: a value typed by mistake


def dimension(environ: Mapping[str, str], name: str) -> int | None:
    """``$COLUMNS`` or ``$LINES``: a whole number from 1 to ``MAX_CELLS``; unset,
    empty or 0 is None (the default)."""
    text = (environ.get(name) or "").strip()
    if text in ("", "0"):
        return None
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_CELLS):
        from hlmctl.text import quoted

        unit = "columns" if name == "COLUMNS" else "lines"
        raise InputError(
            f"{name}={quoted(text, 40)} is not a number of {unit} "
            f"(a whole number from 1 to {MAX_CELLS}; unset or 0: the default)"
        )
    return int(text)


def check_terminal(environ: Mapping[str, str]) -> int | None:
    """``$COLUMNS`` (returned) and ``$LINES``, before Rich reads them."""
    dimension(environ, "LINES")
    return dimension(environ, "COLUMNS")


def check_time_zone(environ: Mapping[str, str]) -> None:
    """``$TZ``, which Babel reads (as a zone name or a file) when it is first imported:
    one that it cannot read is refused here, naming the variable."""
    import sys

    if "babel.localtime" in sys.modules or not environ.get("TZ"):
        return
    import os

    path = environ["TZ"].removeprefix(":")
    if os.path.exists(path) and not os.path.isfile(path):  # a pipe or a device would block
        from hlmctl.text import quoted

        raise InputError(f"TZ={quoted(environ['TZ'])} is not a time zone file")
    try:
        import babel.localtime  # noqa: F401  # reads $TZ once, on import
    except Exception as exc:  # whatever Babel and pytz raise for an unreadable zone
        from hlmctl.text import quoted

        raise InputError(
            f"TZ={quoted(environ.get('TZ', ''))} is not a time zone that Babel can read "
            f"({type(exc).__name__}): unset it or name a zone such as Europe/Paris",
        ) from None

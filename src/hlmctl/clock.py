"""The one clock: system time, or a time given by ``--now`` / ``$HLMCTL_NOW``."""

from __future__ import annotations

import re
from datetime import datetime, time
from zoneinfo import ZoneInfo

from hlmctl.errors import InputError

_TIME_OF_DAY = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?$")


def parse_now(value: str, tz: ZoneInfo) -> datetime:
    """Parse an ISO 8601 time; without an offset it is venue-local time. A time of
    day alone (``10:00``) is that time today, in the venue's time zone."""
    text = value.strip()
    if _TIME_OF_DAY.match(text):
        try:
            of_day = time.fromisoformat(text if text.index(":") == 2 else "0" + text)
        except ValueError:
            raise InputError(f"--now: {value!r} is not a time of day (00:00 to 23:59)") from None
        return datetime.combine(system_now(tz).date(), of_day, tz)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"--now: {value!r} is not a date and time (expected ISO 8601, "
            "for example 2013-05-13T10:05 or 2013-05-13T10:05:00-04:00)"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.astimezone(tz)


def system_now(tz: ZoneInfo) -> datetime:
    return datetime.now(tz).replace(microsecond=0)


def format_duration(seconds: float) -> str:
    """``-1:05`` style minutes:seconds, with hours when needed."""
    sign = "-" if seconds < 0 else ""
    total = int(abs(round(seconds)))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{sign}{minutes}:{secs:02d}"

"""The one clock: system time, or a time given by ``--now`` / ``$HLMCTL_NOW``."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from hlmctl.errors import InputError


def parse_now(value: str, tz: ZoneInfo, *, source: str = "--now") -> datetime:
    """Parse an ISO 8601 time; without an offset it is venue-local time. ``source``
    names where the text came from (``--now`` or ``HLMCTL_NOW``) in the error."""
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"{source}: {value!r} is not a date and time (expected ISO 8601, "
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

"""The one clock: system time, or a time given by ``--now`` / ``$HLMCTL_NOW``.

Every time hlmctl accepts or reads (the clock, imports, the record, the meeting
file's days) lies in one range, ``EARLIEST`` to ``LATEST``: wide enough for the
system clock of any real day and for old meetings, narrow enough that no date or
offset arithmetic (a day of projection, a venue's UTC offset) can overflow.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from hlmctl.errors import InputError

if TYPE_CHECKING:
    from hlmctl.record import Record

EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
RANGE_TEXT = "from 1970-01-01 to 2199-12-31"


def in_range(value: datetime) -> bool:
    """An aware time within the one range. A local year from 1971 to 2198 is within it
    whatever the offset (less than a day): that is checked first, as comparing two
    aware times asks each for its offset (10,000 speakers' times: several ms)."""
    return EARLIEST.year < value.year < LATEST.year - 1 or EARLIEST <= value < LATEST


def day_in_range(value: date) -> bool:
    return EARLIEST.date() < value < LATEST.date()


def out_of_range(what: str, value: object) -> str:
    return f"{what}: {value} is outside the times hlmctl accepts ({RANGE_TEXT})"


_TIME_OF_DAY = r"^\d{1,2}:\d{2}(:\d{2})?$"  # compiled by ``re`` when first used


def parse_now(value: str, tz: ZoneInfo, *, source: str = "--now") -> datetime:
    """Parse an ISO 8601 time; without an offset it is venue-local time. A time of
    day alone (``10:00``) is that time today, in the venue's time zone. ``source``
    names where the text came from (``--now`` or ``HLMCTL_NOW``) in the error."""
    text = value.strip()
    if re.match(_TIME_OF_DAY, text):
        try:
            of_day = time.fromisoformat(text if text.index(":") == 2 else "0" + text)
        except ValueError:
            raise InputError(f"{source}: {value!r} is not a time of day (00:00 to 23:59)") from None
        return datetime.combine(system_now(tz).date(), of_day, tz)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"{source}: {value!r} is not a date and time (expected ISO 8601, "
            "for example 2013-05-13T10:05 or 2013-05-13T10:05:00-04:00)"
        ) from None
    if not EARLIEST.date() <= parsed.date() < LATEST.date():
        raise InputError(out_of_range(source, text))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    if not in_range(parsed):  # the day passed, but the instant (with its offset) is out
        raise InputError(out_of_range(source, text))
    return parsed.astimezone(tz)


def parse_deadline(value: str, tz: ZoneInfo, *, source: str = "--deadline") -> datetime:
    """A deadline: as ``parse_now``, except that a date alone (``2013-05-10``) means
    the end of that day in the venue's time zone (23:59:59), not its first second:
    "objections by 10 May" admits an objection received on 10 May."""
    text = value.strip()
    if re.match(r"^\d{4}-\d{2}-\d{2}$", text):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise InputError(f"{source}: {value!r} is not a date (YYYY-MM-DD)") from None
        end = datetime.combine(day, time(23, 59, 59), tz)
        if not EARLIEST.date() <= day < LATEST.date() or not in_range(end):
            raise InputError(out_of_range(source, text))
        return end
    return parse_now(value, tz, source=source)


def system_now(tz: ZoneInfo, offset: timedelta = timedelta(0)) -> datetime:
    """The system clock, to the second; ``offset`` is added first (the database
    server's clock is the desk's plus that offset)."""
    return _whole_seconds(datetime.now(tz) + offset, tz, "the system clock")


def _whole_seconds(value: datetime, tz: ZoneInfo, what: str) -> datetime:
    now = value.astimezone(tz).replace(microsecond=0)
    if not in_range(now):
        raise InputError(
            out_of_range(what, now.isoformat()),
            hint="set the system clock, or give the time with --now",
        )
    return now


@dataclass(frozen=True)
class Clock:
    """Where the time of a change comes from. The store reads it once it holds its
    lock (the file lock, or the PostgreSQL row lock), so that writers who waited for
    each other record times in the order they wrote.

    ``given`` is a time the user gave (``--now``, ``$HLMCTL_NOW``): it is recorded
    as given, and refused (exit 2) when earlier than the latest time in the record,
    so a mistyped time cannot rewrite the past. Without it the clock is the system
    clock, or the database server's when the store passes it (``server``); a clock
    behind the record does not stop the meeting: the change is recorded at the
    record's latest time, never earlier, and ``warn`` says so in one line.

    ``running`` is a clock that runs on its own from a time given (the desk's in a
    rehearsal, started with ``--now``): it stands for the system clock, and is
    treated as it is (behind the record: the record's latest time, with ``warn``),
    for no delegation is to be refused because a command was given a later time.
    """

    tz: ZoneInfo
    given: datetime | None = None
    warn: Callable[[str], None] | None = None
    running: Callable[[], datetime] | None = None

    def read(self, record: Record, server: datetime | None = None) -> datetime:
        """The time to record a change to ``record`` at."""
        if self.given is not None:
            record.check_clock(self.given)
            return self.given
        if self.running is not None:
            now, whose = _whole_seconds(self.running(), self.tz, "the desk's clock"), "running"
        elif server is not None:
            now, whose = _whole_seconds(server, self.tz, "the database server's clock"), "server"
        else:
            now, whose = system_now(self.tz), "system"
        latest = record.latest_time()
        if latest is None or now >= latest:
            return now
        latest = latest.astimezone(self.tz)
        if self.warn is not None:
            clock, check = {
                "server": ("the database server's clock", "check the database server's clock"),
                "running": (
                    "the desk's clock",
                    "it runs on from the time the desk was started at (--now)",
                ),
            }.get(whose, ("this machine's clock", "check this machine's clock"))
            self.warn(
                f"hlmctl: warning: {clock} ({now:%Y-%m-%d %H:%M:%S}) is behind the latest "
                f"time in the record ({latest:%Y-%m-%d %H:%M:%S}): the change is recorded "
                f"at {latest:%H:%M:%S}; {check}"
            )
        return latest


def format_duration(seconds: float) -> str:
    """``-1:05`` style minutes:seconds, with hours when needed."""
    sign = "-" if seconds < 0 else ""
    total = int(abs(round(seconds)))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{sign}{minutes}:{secs:02d}"

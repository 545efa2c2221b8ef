"""``hlmctl timer``: a full-screen countdown of the current statement, and the
phases of a countdown that the terminal and the board's pages share.

It only reads the record, and reads it again only when the store says that it
may have changed (``RecordStore.watch``): it follows ``next`` run from another
terminal without re-reading the file on a timer. It never writes the record.
"""

from __future__ import annotations

import contextlib
import math
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

from hlmctl.clock import format_duration
from hlmctl.live import status
from hlmctl.projection import project
from hlmctl.render import console, printable

if TYPE_CHECKING:
    from rich.console import RenderableType

    from hlmctl.context import Env
    from hlmctl.i18n import Lang
    from hlmctl.meeting import Meeting
    from hlmctl.projection import Agenda
    from hlmctl.record import Record
    from hlmctl.store import RecordStore

Phase = Literal["normal", "amber", "red", "over", "paused"]
AGENDA_EVERY = timedelta(seconds=5)
PHASES: tuple[Phase, ...] = ("normal", "amber", "red", "over", "paused")

# A five-line font for the countdown, readable from the podium.
BIG = {
    "0": ("███", "█ █", "█ █", "█ █", "███"),
    "1": (" █ ", "██ ", " █ ", " █ ", "███"),
    "2": ("███", "  █", "███", "█  ", "███"),
    "3": ("███", "  █", "███", "  █", "███"),
    "4": ("█ █", "█ █", "███", "  █", "  █"),
    "5": ("███", "█  ", "███", "  █", "███"),
    "6": ("███", "█  ", "███", "█ █", "███"),
    "7": ("███", "  █", "  █", "  █", "  █"),
    "8": ("███", "█ █", "███", "█ █", "███"),
    "9": ("███", "█ █", "███", "  █", "███"),
    ":": ("   ", " █ ", "   ", " █ ", "   "),
    "-": ("   ", "   ", "███", "   ", "   "),
}


def big(text: str) -> str:
    """``text`` (digits, colon, minus) drawn five lines high."""
    rows = ["  ".join(BIG[c][row] for c in text if c in BIG) for row in range(5)]
    return "\n".join(rows)


def phase(remaining: float | None, *, paused: bool, amber_seconds: float) -> Phase | None:
    """The countdown's phase: ``normal``; ``amber`` within ``amber_seconds`` of the
    limit; ``red`` at zero (while 0:00 shows); ``over`` once the overrun counts up
    from +0:01; ``paused`` while the clock is stopped. None when nobody speaks.
    The board's pages (board/static/board.js) apply the same rule."""
    if remaining is None:
        return None
    if paused:
        return "paused"
    if remaining > amber_seconds:
        return "normal"
    if remaining > 0:
        return "amber"
    if remaining > -1:
        return "red"
    return "over"


def countdown(remaining: float) -> str:
    """What the countdown shows: whole seconds left rounded up (``1:20``), ``0:00``
    at the limit, then the overrun counting up (``+0:07``)."""
    if remaining > 0:
        return format_duration(math.ceil(remaining - 1e-9))
    if remaining > -1:
        return "0:00"
    return "+" + format_duration(math.floor(-remaining + 1e-9))


STYLES: dict[Phase, str] = {
    "normal": "bold green",
    "amber": "bold dark_orange",
    "red": "bold red",
    "over": "bold red",
    "paused": "bold bright_black",
}


def frame(
    meeting: Meeting,
    record: Record,
    list_id: str,
    now: datetime,
    *,
    large: bool = False,
    lang: Lang | None = None,
    agenda: Agenda | None = None,
) -> tuple[RenderableType, Phase | None]:
    """The screen at ``now``, and the countdown's phase (``agenda``: the projection
    that says who is next, when the caller keeps one)."""
    from rich.align import Align
    from rich.console import Group
    from rich.panel import Panel
    from rich.text import Text

    from hlmctl.i18n import english

    lang = lang or english()
    st = status(meeting, record, list_id, now, agenda=agenda)
    ph = phase(st.remaining_seconds, paused=st.paused, amber_seconds=meeting.rules.amber_seconds)
    lines: list[RenderableType] = []
    if st.current is None and st.item is None:
        lines.append(Text(lang._("Nobody is speaking"), style="bold"))
    else:
        if st.item is not None:  # a fixed item of the programme (the opening statements)
            item = st.item.item
            lines.append(Text(printable(item.speaker or item.label), style="bold"))
            if item.speaker:
                lines.append(Text(printable(lang.text(item.label, item.label_fr))))
        else:
            cur = st.current
            assert cur is not None
            name = printable(lang.delegation(cur.delegation))
            if cur.kind == "reply":
                name = lang._("Right of reply: {delegation}").format(delegation=name)
            lines.append(Text(name, style="bold"))
            person = " ".join(x for x in (cur.courtesy, cur.name) if x)
            function = lang.title(cur.title, cur.courtesy)
            who = ", ".join(printable(x) for x in (person, function) if x)
            if who:
                lines.append(Text(who))
            if cur.on_behalf_of:
                lines.append(
                    Text(
                        lang._("on behalf of {group}").format(group=printable(cur.on_behalf_of)),
                        style="italic",
                    )
                )
        remaining = st.remaining_seconds or 0.0
        shown = countdown(remaining)
        label = (lang._("OVER TIME {time}") if ph == "over" else lang._("Remaining {time}")).format(
            time=shown
        )
        style = STYLES[ph or "normal"]
        lines.append(Text(""))
        if large:
            lines.append(Text(big(shown.lstrip("+")), style=style))
        lines.append(Text(label, style=style))
        elapsed = {
            "elapsed": format_duration(st.elapsed_seconds or 0),
            "limit": format_duration(st.limit_seconds or 0),
        }
        lines.append(
            Text(
                (
                    lang._("Elapsed {elapsed} of {limit}  (paused)")
                    if st.paused
                    else lang._("Elapsed {elapsed} of {limit}")
                ).format(**elapsed),
                style="dim",
            )
        )
    lines.append(Text(""))
    if st.next_items:
        names = lang.join(printable(i.item.speaker or i.item.label) for i in st.next_items)
        lines.append(Text(lang._("Next: {speakers}").format(speakers=names), style="cyan"))
    elif st.next:
        names = lang.join(printable(lang.delegation(s.delegation)) for s in st.next)
        lines.append(Text(lang._("Next: {speakers}").format(speakers=names), style="cyan"))
    body = Group(*[Align.center(line) for line in lines])
    lst = meeting.speaker_list(list_id)
    title = printable(lang.text(lst.title, lst.title_fr))
    subtitle = lang._("{time}  q quits").format(time=f"{now:%H:%M:%S}")
    panel = Panel(body, title=Text(title), subtitle=Text(subtitle), padding=(1, 2))
    return panel, ph


@contextlib.contextmanager
def _keys() -> Iterator[object]:
    """Single key presses from the terminal, without echo."""
    import termios
    import tty

    fd = sys.stdin.fileno()
    old = termios.tcgetattr(fd)
    try:
        tty.setcbreak(fd)
        yield fd
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, old)


class _Follower:
    """The record, read again only when the store's watch says it may have changed."""

    def __init__(self, store: RecordStore, meeting: Meeting) -> None:
        self.store, self.meeting = store, meeting
        self.stop = threading.Event()
        self.changed = threading.Event()
        self.thread = threading.Thread(target=self._watch, name="hlmctl-watch", daemon=True)
        self.record = store.read_record(meeting)

    def _watch(self) -> None:
        for _ in self.store.watch(self.stop):
            self.changed.set()

    def current(self) -> Record:
        if self.changed.is_set():
            self.changed.clear()
            self.record = self.store.read_record(self.meeting)
        return self.record

    def __enter__(self) -> _Follower:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=2)


def run_timer(
    env: Env,
    store: RecordStore,
    meeting: Meeting,
    list_id: str,
    *,
    once: bool,
    bell: bool,
    lang: Lang | None = None,
) -> None:
    con = console(env)
    if once:
        if not env.is_terminal:
            con.width = min(con.width, 80)
        con.print(
            frame(meeting, store.read_record(meeting), list_id, env.now(meeting), lang=lang)[0]
        )
        return
    import select

    from rich.live import Live

    offset = env.now(meeting) - datetime.now(meeting.tz)  # follows --now in a rehearsal
    interactive = sys.stdin.isatty()
    with contextlib.ExitStack() as stack:
        follower = stack.enter_context(_Follower(store, meeting))
        if interactive:
            stack.enter_context(_keys())
        live = stack.enter_context(Live(console=con, screen=True, auto_refresh=False))
        last: Phase | None = None
        # Who is next comes from the projection: made again when the record changes,
        # and every AGENDA_SECONDS (it moves with the clock), not at every frame.
        kept: tuple[Record, datetime, Agenda] | None = None
        try:
            while True:
                now = datetime.now(meeting.tz) + offset
                record = follower.current()
                if kept is None or kept[0] is not record or now - kept[1] > AGENDA_EVERY:
                    kept = (record, now, project(meeting, record, now))
                screen, ph = frame(
                    meeting, record, list_id, now, large=True, lang=lang, agenda=kept[2]
                )
                live.update(screen, refresh=True)
                if bell and ph in ("red", "over") and last in ("normal", "amber"):
                    con.bell()
                last = ph
                if interactive:
                    ready, _, _ = select.select([sys.stdin], [], [], 0.25)
                    if ready and sys.stdin.read(1).lower() == "q":
                        break
                else:
                    time.sleep(0.25)
        except KeyboardInterrupt:
            pass

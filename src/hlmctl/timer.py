"""``hlmctl timer``: a full-screen countdown of the current statement.

It only reads the record (it follows ``next`` run from another terminal) and
never writes it.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING

from hlmctl.clock import format_duration
from hlmctl.live import status
from hlmctl.render import console, printable

if TYPE_CHECKING:
    from rich.console import RenderableType

    from hlmctl.context import Env
    from hlmctl.i18n import Lang
    from hlmctl.meeting import Meeting
    from hlmctl.store import Store

AMBER_SECONDS = 30

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


def colour(remaining: float | None, limit: float | None) -> str:
    if remaining is None or limit is None:
        return "white"
    if remaining < 0:
        return "bold red"
    if remaining <= min(AMBER_SECONDS, limit * 0.2):
        return "bold dark_orange"
    return "bold green"


def frame(
    meeting: Meeting,
    record_store: Store,
    list_id: str,
    now: datetime,
    *,
    large: bool = False,
    lang: Lang | None = None,
) -> RenderableType:
    from rich.align import Align
    from rich.console import Group
    from rich.panel import Panel
    from rich.text import Text

    from hlmctl.i18n import english

    lang = lang or english()
    record = record_store.read_record(meeting)
    st = status(meeting, record, list_id, now)
    lines: list[RenderableType] = []
    if st.current is None:
        lines.append(Text(lang._("Nobody is speaking"), style="bold"))
    else:
        cur = st.current
        name = printable(lang.delegation(cur.delegation))
        if cur.kind == "reply":
            name = lang._("Right of reply: {delegation}").format(delegation=name)
        lines.append(Text(name, style="bold"))
        person = " ".join(x for x in (cur.courtesy, cur.name) if x)
        who = ", ".join(printable(x) for x in (person, lang.title(cur.title)) if x)
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
        shown = format_duration(remaining)
        label = (
            lang._("OVER TIME {time}") if remaining < 0 else lang._("Remaining {time}")
        ).format(time=shown)
        style = colour(st.remaining_seconds, st.limit_seconds)
        lines.append(Text(""))
        if large:
            lines.append(Text(big(shown), style=style))
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
    if st.next:
        names = "; ".join(printable(lang.delegation(s.delegation)) for s in st.next)
        lines.append(Text(lang._("Next: {speakers}").format(speakers=names), style="cyan"))
    body = Group(*[Align.center(line) for line in lines])
    lst = meeting.speaker_list(list_id)
    title = printable(lang.text(lst.title, lst.title_fr))
    subtitle = lang._("{time}  q quits").format(time=f"{now:%H:%M:%S}")
    return Panel(body, title=Text(title), subtitle=Text(subtitle), padding=(1, 2))


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


def run_timer(
    env: Env, store: Store, meeting: Meeting, list_id: str, *, once: bool, lang: Lang | None = None
) -> None:
    con = console(env)
    if once:
        if not env.is_terminal:
            con.width = min(con.width, 80)
        con.print(frame(meeting, store, list_id, env.now(meeting), lang=lang))
        return
    import select

    from rich.live import Live

    offset = env.now(meeting) - datetime.now(meeting.tz)  # follows --now in a rehearsal
    interactive = sys.stdin.isatty()
    with contextlib.ExitStack() as stack:
        if interactive:
            stack.enter_context(_keys())
        live = stack.enter_context(Live(console=con, screen=True, auto_refresh=False))
        try:
            while True:
                now = datetime.now(meeting.tz) + offset
                live.update(
                    frame(meeting, store, list_id, now, large=True, lang=lang), refresh=True
                )
                if interactive:
                    ready, _, _ = select.select([sys.stdin], [], [], 0.25)
                    if ready and sys.stdin.read(1).lower() == "q":
                        break
                else:
                    time.sleep(0.25)
        except KeyboardInterrupt:
            pass

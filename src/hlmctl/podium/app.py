"""The podium's console, drawn with Textual (imported only by ``hlmctl podium``).

One key per action; each runs the command of the same name (``actions.Desk``).
The record is read again after each key and each time the store's watch says it
changed (another terminal, another desk); the countdown is redrawn five times a
second from the record and the clock, with the timer's rules.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Footer, Input, Static

from hlmctl.errors import HlmError
from hlmctl.podium import view as views
from hlmctl.podium.actions import Desk, Outcome
from hlmctl.timer import STYLES, big

if TYPE_CHECKING:
    from textual.events import Key, Resize

    from hlmctl.context import Env
    from hlmctl.i18n import Lang
    from hlmctl.meeting import Meeting
    from hlmctl.record import Record
    from hlmctl.store import RecordStore

TICK_SECONDS = 0.2
BIG_MIN_WIDTH = 70  # below this, the countdown is one line


class Confirm(ModalScreen[bool]):
    """A yes/no question (closing a list): y or Enter confirms, n or Escape does not."""

    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("y,enter", "answer(True)", show=False),
        Binding("n,escape", "answer(False)", show=False),
    ]
    DEFAULT_CSS = """
    Confirm { align: center middle; }
    Confirm > Static { width: 60; max-width: 100%; padding: 1 2; border: thick $warning;
        background: $surface; }
    """

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        yield Static(Text(self.question), id="question")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class Help(ModalScreen[None]):
    """Every key of the console; any key closes it."""

    DEFAULT_CSS = """
    Help { align: center middle; }
    Help > Static { width: 76; max-width: 100%; padding: 0 1; border: thick $accent;
        background: $surface; }
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield Static(Text(self.text), id="help")

    def on_key(self, event: Key) -> None:
        event.stop()
        self.dismiss(None)


class Prompt(Input):
    """The console's one line of input: Tab (as Right) takes the completion offered."""

    BINDINGS: ClassVar[list[Binding | tuple[str, str] | tuple[str, str, str]]] = [
        Binding("tab", "cursor_right", show=False),
    ]


class Podium(App[None]):
    """The console of the podium."""

    TITLE = "hlmctl podium"
    ENABLE_COMMAND_PALETTE = False
    AUTO_FOCUS = None  # the keys are the app's; the prompt takes focus only when it asks
    CSS = """
    Screen { layout: vertical; }
    #top { height: 1; background: $primary; color: $text; padding: 0 1; }
    #body { height: 1fr; }
    #now { width: 3fr; padding: 0 1; border: round $primary; }
    #upcoming { width: 2fr; padding: 0 1; border: round $primary; }
    #countdown { content-align: center middle; width: 100%; height: auto; }
    #message { color: $warning; text-style: bold; height: auto; }
    #warning { height: auto; max-height: 3; color: $warning; padding: 0 1; }
    #log { height: auto; max-height: 4; color: $text-muted; padding: 0 1;
        text-wrap: nowrap; text-overflow: ellipsis; }
    #feedback { height: 1; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    #feedback.error { color: $error; text-style: bold; }
    #prompt { display: none; }
    #prompt.asking { display: block; }
    """

    def __init__(
        self,
        desk: Desk,
        store: RecordStore,
        meeting: Meeting,
        list_id: str,
        lang: Lang,
        clock: datetime,
    ) -> None:
        super().__init__()
        self.desk, self.store, self.meeting, self.lang = desk, store, meeting, lang
        self.list_ids = [lst.id for lst in meeting.lists]
        self.list_id = list_id
        # The screen's clock starts at the command's clock (a rehearsal's --now) and runs
        # on; each key acts at the command's own clock, as the same command typed would.
        self.offset: timedelta = clock - datetime.now(meeting.tz)
        self.record: Record | None = None
        self.problem = ""
        self.warning = ""
        self.asking: str | None = None  # "reply", "find" or "message" while a prompt is open
        self.found: list[str] = []
        self.last: Outcome | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._kept = False  # known.keep() called, until unmounted
        _ = lang._
        keys = [
            ("n", "next", _("Next"), True),
            ("p,space", "pause_resume", _("Pause"), True),
            ("a", "absent", _("Absent"), True),
            ("u", "undo", _("Undo"), True),
            ("r", "reply", _("Reply"), True),
            ("c", "close_reopen", _("Close/reopen"), False),
            ("l", "switch_list", _("List"), False),
            ("f,slash", "find", _("Find"), False),
            ("m", "message", _("Message"), False),
            ("0", "clear_message", _("Clear message"), False),
            ("question_mark,h", "help", _("Help"), True),
            ("q", "quit", _("Quit"), True),
        ]
        for key, action, description, show in keys:
            self.bind(key, action, description=description, show=show)
        for number in range(1, len(meeting.rules.messages) + 1):
            self.bind(str(number), f"usual_message({number})", show=False)

    # --- layout ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="top")
        with Horizontal(id="body"):
            with Vertical(id="now"):
                yield Static(id="speaker")
                yield Static(id="countdown")
                yield Static(id="elapsed")
                yield Static(id="message")
            yield Static(id="upcoming")
        yield Static(id="warning")
        yield Static(id="log")
        yield Static(id="feedback")
        yield Prompt(id="prompt", disabled=True)
        yield Footer()

    def part(self, name: str) -> Static:
        """A part of the main screen (the app's ``query_one`` would look in a dialog
        on top of it)."""
        return self.screen_stack[0].query_one(f"#{name}", Static)

    def on_mount(self) -> None:
        from hlmctl.store import known

        known.keep()  # the record is read after each key, and again: see store/known.py
        self._kept = True
        self.reload()
        self.set_interval(TICK_SECONDS, self.draw)
        self._thread = threading.Thread(target=self._follow, name="hlmctl-podium-watch")
        self._thread.daemon = True
        self._thread.start()

    def on_unmount(self) -> None:
        self._stop.set()
        if self._kept:
            from hlmctl.store import known

            self._kept = False
            known.release()

    def on_resize(self, event: Resize) -> None:
        self.draw()

    # --- following the record -------------------------------------------------------

    def _follow(self) -> None:
        try:
            for _ in self.store.watch(self._stop):
                if self._stop.is_set():
                    return
                self.call_from_thread(self.reload, only_if_changed=True)
        except RuntimeError:  # the app has ended meanwhile
            return
        except Exception as exc:  # the store can no longer tell: say so on screen
            message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
            problem = self.lang._("the console no longer follows the record ({problem})")
            try:
                self.call_from_thread(self._set_problem, problem.format(problem=message))
            except RuntimeError:
                return

    def _set_problem(self, problem: str) -> None:
        self.problem = problem
        self.draw()

    def now(self) -> datetime:
        return datetime.now(self.meeting.tz) + self.offset

    def reload(self, *, only_if_changed: bool = False) -> None:
        """Read the record again (after a key, or when the watch says it changed).
        ``only_if_changed`` (the watch): a record equal to the one drawn, the
        console's own write read again after its key, is not drawn again (the
        projection of the agenda, twice; the tick draws the clock within
        ``TICK_SECONDS``)."""
        try:
            record = self.store.read_record(self.meeting)
            if only_if_changed and not self.problem and record == self.record:
                return
            self.record = record
            self.problem = ""
            self.warning = views.overflow_warning(
                self.meeting, self.record, self.list_id, self.now()
            )
        except HlmError as exc:  # a damaged record: keep showing the last good one
            self.problem = exc.message
        self.draw()

    # --- drawing --------------------------------------------------------------------

    def draw(self) -> None:
        if self._stop.is_set() or not self.screen_stack:
            return  # the console is closing
        try:
            self._draw()
        except NoMatches:  # the console is closing: its parts are gone
            return

    def _draw(self) -> None:
        if self.record is None:
            self.part("feedback").update(Text(self.problem))
            return
        _ = self.lang._
        v = views.build(self.meeting, self.record, self.list_id, self.now(), self.lang)
        width = self.size.width
        # What the officer needs first comes first: at 60 columns the rest is cut.
        top = Text(f"{self.now():%H:%M:%S}  ")
        if v.closed:
            top.append(_("CLOSED"), style="bold reverse")
            top.append("  ")
        top.append(f"{v.list_title} ({v.list_id})", style="bold")
        top.append("  ")
        top.append(v.meeting_title, style="dim")
        top.truncate(max(10, width - 2), overflow="ellipsis")
        self.part("top").update(top)

        speaker = Text()
        if v.current_id is None:
            speaker.append(_("Nobody is speaking"), style="bold")
        else:
            if v.reply:
                speaker.append(_("Right of reply") + ": ", style="italic")
            speaker.append(f"{v.current_id} {v.delegation}", style="bold")
            if v.who:
                speaker.append("\n" + v.who)
        self.part("speaker").update(speaker)

        style = STYLES[v.phase or "normal"]
        if v.current_id is None:
            shown = Text("")
        elif width >= BIG_MIN_WIDTH and self.size.height >= 22:
            shown = Text(big(v.countdown.lstrip("+")), style=style)
        else:
            shown = Text(v.countdown, style=style)
        if v.phase in ("over", "paused"):
            label = _("OVER TIME {time}") if v.phase == "over" else _("PAUSED {time}")
            shown.append("\n" + label.format(time=v.countdown), style=style)
        self.part("countdown").update(shown)
        self.part("elapsed").update(Text(v.elapsed, style="dim"))

        message = Text()
        if v.message:
            line = (
                _("Message to the hall: {text}")
                if v.message_to_hall
                else _("Message to the speaker: {text}")
            )
            message.append("✉ " + line.format(text=v.message))
        self.part("message").update(message)

        self.part("upcoming").update(self._upcoming(v))
        warning = self.problem or self.warning
        self.part("warning").update(Text(warning))
        self.part("log").update(Text("\n".join(v.log), no_wrap=True))

    def _upcoming(self, v: views.PodiumView) -> Text:
        _ = self.lang._
        out = Text()
        if self.asking == "find":
            out.append(_("Found") + "\n", style="bold")
            if self.record is not None:
                for line in self.found:
                    out.append(line + "\n")
            return out
        out.append(
            self.lang.n_("{n} waiting", "{n} waiting", v.waiting) + "\n", style="bold underline"
        )
        for w in v.next:
            kind = _("reply") + " " if w.reply else ""
            out.append(f"{w.position}. ", style="dim")
            out.append(f"{w.id} {kind}{w.delegation}\n", style="bold" if w.position == 1 else "")
            if w.who:
                out.append(f"   {w.who}\n", style="dim")
        return out

    def show(self, outcome: Outcome) -> None:
        self.last = outcome
        feedback = self.part("feedback")
        feedback.set_class(not outcome.ok, "error")
        mark = "✓ " if outcome.ok else f"✗ ({outcome.code}) "
        feedback.update(Text(mark + outcome.line, no_wrap=True, overflow="ellipsis"))
        self.reload()

    # --- the keys -------------------------------------------------------------------

    def action_next(self) -> None:
        self.show(self.desk.next(self.list_id))

    def action_pause_resume(self) -> None:
        paused = False
        if self.record is not None:
            current = self.record.current(self.list_id)
            if current is not None:
                paused = current.paused_at is not None
            else:  # an item of the opening being given pauses as a statement does
                from hlmctl import fixed_items

                item = fixed_items.speaking(self.meeting, self.record, self.list_id)
                paused = (
                    item is not None
                    and item.state is not None
                    and (item.state.paused_at is not None)
                )
        if paused:
            self.show(self.desk.resume(self.list_id))
        else:
            self.show(self.desk.pause(self.list_id))

    def action_absent(self) -> None:
        self.show(self.desk.absent(self.list_id))

    def action_undo(self) -> None:
        self.show(self.desk.undo())

    def action_close_reopen(self) -> None:
        if self.record is not None and self.record.list_state(self.list_id).closed:
            self.show(self.desk.reopen(self.list_id))
            return
        question = self.lang._(
            "Close the list {list}? No new inscription (rule 73). y: close, n: keep it open"
        ).format(list=self.list_id)

        def answered(yes: bool | None) -> None:
            if yes:
                self.show(self.desk.close(self.list_id))

        self.push_screen(Confirm(question), answered)

    def action_switch_list(self) -> None:
        at = self.list_ids.index(self.list_id)
        self.list_id = self.list_ids[(at + 1) % len(self.list_ids)]
        self.reload()

    def action_usual_message(self, number: int) -> None:
        usual = self.meeting.rules.messages[number - 1]
        text = (usual.text_fr or usual.text) if self.lang.french else usual.text
        self.show(self.desk.message(text))

    def action_clear_message(self) -> None:
        self.show(self.desk.clear_message())

    def action_help(self) -> None:
        _ = self.lang._
        lines = [
            _("n  next speaker (ends the current statement)"),
            _("p  pause or resume the statement's clock (also Space)"),
            _("a  the called delegation is absent"),
            _("u  undo your last change"),
            _("r  a right of reply (type the delegation; Tab completes)"),
            _("c  close the list (asks to confirm), or reopen it"),
            _("l  switch to the next list of speakers"),
            _("f  find a speaker (also /)"),
            _("m  a message to the speaker (type it)"),
        ]
        for number, usual in enumerate(self.meeting.rules.messages, start=1):
            text = (usual.text_fr or usual.text) if self.lang.french else usual.text
            lines.append(_("{key}  message: {text}").format(key=number, text=text))
        lines += [
            _("0  clear the message"),
            _("?  this help; q quits"),
            "",
            _("Each key runs the command of the same name; `hlmctl log` shows it."),
        ]
        self.push_screen(Help("\n".join(lines)))

    # --- prompts --------------------------------------------------------------------

    def _ask(self, mode: str, placeholder: str, suggestions: list[str] | None = None) -> None:
        prompt = self.screen_stack[0].query_one("#prompt", Input)
        prompt.value = ""
        prompt.placeholder = placeholder
        prompt.suggester = (
            SuggestFromList(suggestions, case_sensitive=False) if suggestions else None
        )
        prompt.add_class("asking")
        prompt.disabled = False
        self.asking = mode
        prompt.focus()

    def _done_asking(self) -> None:
        prompt = self.screen_stack[0].query_one("#prompt", Input)
        prompt.remove_class("asking")
        prompt.disabled = True
        prompt.value = ""
        self.asking = None
        self.found = []
        self.set_focus(None)
        self.draw()

    def action_reply(self) -> None:
        from hlmctl.delegations import reference

        names = sorted({d.name for d in reference().delegations} | self._french_names())
        self._ask("reply", self.lang._("Right of reply: the delegation (Tab completes)"), names)

    def _french_names(self) -> set[str]:
        if not self.lang.french:
            return set()
        from hlmctl.delegations import reference

        return {d.french for d in reference().delegations if d.french}

    def action_find(self) -> None:
        self._ask("find", self.lang._("Find a speaker: id, delegation or name"))

    def action_message(self) -> None:
        self._ask("message", self.lang._("Message to the speaker (Enter shows it)"))

    def on_input_changed(self, event: Input.Changed) -> None:
        if self.asking == "find" and self.record is not None:
            found = views.find(self.record, self.list_id, event.value)
            self.found = [self._found_line(s.id) for s in found]
            self.draw()

    def _found_line(self, speaker_id: str) -> str:
        assert self.record is not None
        s = self.record.speaker(speaker_id)
        assert s is not None
        from hlmctl.ordering import waiting_position

        _ = self.lang._
        position = waiting_position(self.record, s)
        states = {"speaking": _("speaking"), "spoken": _("spoken"), "withdrawn": _("withdrawn")}
        where = f"#{position}" if position is not None else states.get(s.status, s.status)
        return f"{s.id} {self.lang.delegation(s.delegation)} ({where})"

    def on_input_submitted(self, event: Input.Submitted) -> None:
        mode, value = self.asking, event.value.strip()
        self._done_asking()
        if not value:
            return
        if mode == "reply":
            self.show(self.desk.reply(self.list_id, value))
        elif mode == "message":
            self.show(self.desk.message(value))
        elif mode == "find" and self.record is not None:
            found = views.find(self.record, self.list_id, value)
            lines = [self._found_line(s.id) for s in found]
            none = self.lang._("no speaker matches {text}").format(text=value)
            self.show(Outcome(0 if lines else 2, "; ".join(lines) or none))

    def on_key(self, event: Key) -> None:
        if event.key == "escape" and self.asking is not None:
            event.stop()
            self._done_asking()


def open_console(env: Env, list_id: str | None, lang: Lang) -> Podium:
    """The console of a meeting, with the global options of ``env`` (--meeting, --now,
    --store): the same as each of its keys runs with. It needs a meeting file."""
    store = env.store(write=True)
    meeting = store.load_meeting()
    lst = meeting.speaker_list(list_id)
    return Podium(Desk(env), store, meeting, lst.id, lang, env.now(meeting))

"""Issue 5: random sequences of list commands keep the record sound.

A Hypothesis state machine drives the domain (hlmctl.speakers, hlmctl.live) through
``Store.change`` and ``Store.undo`` on a real meeting file in a temporary folder;
a shorter sequence test drives the CLI in-process. The clock only moves forward.
Invariants: no speaker is lost or duplicated, waiting positions are 1..n in each
list, undo restores the exact bytes, projected times never run backwards.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from conftest import EXAMPLES, run
from hlmctl import live, speakers
from hlmctl.clock import Clock
from hlmctl.errors import InputError, NothingToDo
from hlmctl.ordering import waiting_position
from hlmctl.projection import project
from hlmctl.record import Record, Speaker
from hlmctl.store import Store
from hlmctl.views import agenda_view, speakers_view

POOL = ("France", "Chile", "Peru", "Mali", "Togo", "Fiji", "Nepal", "Spain", "Holy See")
LEVELS = ("head-of-state", "minister", "head-of-delegation", "other")
LISTS = ("plenary", "panel-1")
STARTS = ("2013-05-13T09:55", "2013-05-13T12:40", "2013-05-13T15:20", "2013-05-14T10:00")
OPERATOR = "property"


def _iso(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def check_agenda(agenda: dict[str, Any], now: datetime, order: dict[str, list[str]]) -> None:
    """Within each meeting, speakers' times never run backwards and follow the list order."""
    for segment in agenda["segments"]:
        items = [i for i in segment["items"] if i.get("speaker_id")]
        previous_end: datetime | None = None
        for item in items:
            start, end = _iso(item["start"]), _iso(item["end"])
            assert start is not None and end is not None
            assert end >= start, item
            if previous_end is not None:
                assert start >= previous_end, (segment["id"], item)
            previous_end = end
            if item["status"] == "waiting":
                assert start >= now, (segment["id"], item, now)
        waiting = [i["speaker_id"] for i in items if i["status"] == "waiting"]
        holder = segment.get("list")
        if holder in order:
            in_list = [sid for sid in order[holder] if sid in waiting]
            assert waiting == in_list, (segment["id"], waiting, order[holder])


class ListMachine(RuleBasedStateMachine):
    """The domain under random add/remove/move/swap/next/undo, one clock going forward."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="hlmctl-prop-"))
        shutil.copy(EXAMPLES / "hlm-2013.toml", self.folder / "meeting.toml")
        self.store = Store(self.folder / "meeting.toml", lock_timeout=5)
        self.meeting = self.store.load_meeting()
        self.now = datetime.fromisoformat(STARTS[0]).replace(tzinfo=self.meeting.tz)
        self.known: dict[str, str] = {}  # id -> delegation of every speaker in the record
        self.undo_stack: list[tuple[bytes | None, dict[str, str]]] = []

    def teardown(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    # --- helpers ------------------------------------------------------------------------

    def raw(self) -> bytes | None:
        path = self.store.record_path
        return path.read_bytes() if path.exists() else None

    def record(self) -> Record:
        return self.store.read_record(self.meeting)

    def tick(self, minutes: int) -> None:
        self.now += timedelta(minutes=minutes)

    def change(self, command: str, apply: Callable[[Record], Any]) -> tuple[bool, Any]:
        """One change through the store: (landed, result). A refusal leaves the bytes alone."""
        before = self.raw()
        known = dict(self.known)
        try:
            _, result = self.store.change(
                self.meeting,
                lambda record, _: apply(record),
                clock=Clock(self.meeting.tz, self.now),
                operator=OPERATOR,
                command=command,
                describe=lambda _: command,
            )
        except (InputError, NothingToDo):
            assert self.raw() == before
            return False, None
        self.undo_stack.append((before, known))
        return True, result

    def waiting(self, list_id: str) -> list[Speaker]:
        return self.record().waiting(list_id)

    # --- rules --------------------------------------------------------------------------

    @initialize(start=st.sampled_from(STARTS))
    def set_clock(self, start: str) -> None:
        self.now = datetime.fromisoformat(start).replace(tzinfo=self.meeting.tz)

    @rule(
        delegation=st.sampled_from(POOL),
        level=st.sampled_from(LEVELS),
        list_id=st.sampled_from(LISTS),
        minutes=st.integers(0, 3),
    )
    def add(self, delegation: str, level: str, list_id: str, minutes: int) -> None:
        self.tick(minutes)
        others = [s.id for s in self.waiting(list_id)]
        req = speakers.Inscription(delegation=delegation, list_id=list_id, level=level)
        landed, added = self.change(
            "speakers add", lambda r: speakers.add(self.meeting, r, req, self.now)
        )
        if not landed:
            return
        self.known[added.id] = added.delegation
        after = [s.id for s in self.waiting(list_id)]
        assert added.id in after
        # an inscription never reorders the speakers already waiting
        assert [sid for sid in after if sid != added.id] == others

    @rule(list_id=st.sampled_from(LISTS), pick=st.integers(0, 20), minutes=st.integers(0, 3))
    def remove(self, list_id: str, pick: int, minutes: int) -> None:
        self.tick(minutes)
        waiting = self.waiting(list_id)
        if not waiting:
            return
        target = waiting[pick % len(waiting)].id

        def apply(r: Record) -> None:
            speakers.remove(r, speakers.resolve_ref(r, target))

        landed, _ = self.change("speakers remove", apply)
        assert landed, f"removing waiting speaker {target} was refused"
        after = self.waiting(list_id)
        assert [s.id for s in after] == [s.id for s in waiting if s.id != target]
        removed = self.record().speaker(target)
        assert removed is not None and removed.status == "withdrawn"

    @rule(
        list_id=st.sampled_from(LISTS),
        pick=st.integers(0, 20),
        to=st.integers(1, 20),
        minutes=st.integers(0, 3),
    )
    def move(self, list_id: str, pick: int, to: int, minutes: int) -> None:
        self.tick(minutes)
        waiting = self.waiting(list_id)
        if not waiting:
            return
        target = waiting[pick % len(waiting)].id
        position = (to - 1) % len(waiting) + 1

        def apply(r: Record) -> int:
            return speakers.move(r, speakers.resolve_ref(r, target), to=position)

        if [s.id for s in waiting].index(target) + 1 == position:
            # Already there: nothing to do (exit 3), nothing written.
            assert self.change("speakers move", apply) == (False, None)
            return
        assert self.change("speakers move", apply) == (True, position)
        record = self.record()
        speaker = record.speaker(target)
        assert speaker is not None and speaker.placed
        assert waiting_position(record, speaker) == position
        others = [s.id for s in waiting if s.id != target]
        assert [s.id for s in record.waiting(list_id) if s.id != target] == others

    @rule(
        list_id=st.sampled_from(LISTS),
        pick=st.integers(0, 20),
        anchor=st.integers(0, 20),
        after=st.booleans(),
        minutes=st.integers(0, 3),
    )
    def move_relative(
        self, list_id: str, pick: int, anchor: int, after: bool, minutes: int
    ) -> None:
        self.tick(minutes)
        waiting = self.waiting(list_id)
        if len(waiting) < 2:
            return
        target = waiting[pick % len(waiting)].id
        rest = [s.id for s in waiting if s.id != target]
        other = rest[anchor % len(rest)]

        def apply(r: Record) -> int:
            me, them = speakers.resolve_ref(r, target), speakers.resolve_ref(r, other)
            if after:
                return speakers.move(r, me, after=them)
            return speakers.move(r, me, before=them)

        ids = [s.id for s in waiting]
        already = ids.index(target) == ids.index(other) + (1 if after else -1)
        landed, _ = self.change("speakers move", apply)
        assert landed != already  # already there: nothing to do, nothing written
        order = [s.id for s in self.waiting(list_id)]
        assert order.index(target) == order.index(other) + (1 if after else -1)
        assert [sid for sid in order if sid != target] == rest

    @rule(
        list_id=st.sampled_from(LISTS),
        first=st.integers(0, 20),
        second=st.integers(0, 20),
        minutes=st.integers(0, 3),
    )
    def swap(self, list_id: str, first: int, second: int, minutes: int) -> None:
        self.tick(minutes)
        waiting = self.waiting(list_id)
        if len(waiting) < 2:
            return
        a = waiting[first % len(waiting)].id
        b = waiting[second % len(waiting)].id
        if a == b:
            return
        ids = [s.id for s in waiting]

        def apply(r: Record) -> None:
            speakers.swap_speakers(r, speakers.resolve_ref(r, a), speakers.resolve_ref(r, b))

        landed, _ = self.change("speakers swap", apply)
        assert landed
        ia, ib = ids.index(a), ids.index(b)
        ids[ia], ids[ib] = b, a
        assert [s.id for s in self.waiting(list_id)] == ids

    @rule(list_id=st.sampled_from(LISTS), minutes=st.integers(0, 4))
    def next_speaker(self, list_id: str, minutes: int) -> None:
        self.tick(minutes)
        before = self.record()
        current = before.current(list_id)
        waiting = before.waiting(list_id)
        # Who `now` announces: the speakers the projection places in the meeting in
        # progress (none when it has moved them all to a later meeting).
        announced = live.status(self.meeting, before, list_id, self.now).next
        landed, _ = self.change(
            "next", lambda r: live.next_speaker(self.meeting, r, list_id, self.now)
        )
        if not landed:
            # Only nothing to call refuses: an exhausted list, or nobody left for now.
            assert current is None and not announced
            return
        record = self.record()
        if current is not None:
            ended = record.speaker(current.id)
            assert ended is not None and ended.status == "spoken" and ended.ended_at == self.now
        if waiting:
            called = record.current(list_id)
            if announced:
                assert called is not None and called.id == announced[0].id
                assert called.started_at == self.now
                assert [s.id for s in record.waiting(list_id)] == [s.id for s in waiting[1:]]
            else:  # an item of the opening, or the day's replies: the list waits as it was
                assert called is None
                assert [s.id for s in record.waiting(list_id)] == [s.id for s in waiting]

    @rule()
    def undo(self) -> None:
        if not self.undo_stack:
            try:
                self.store.undo(self.meeting)
            except NothingToDo:
                return
            raise AssertionError("undo with no change left did something")
        before, known = self.undo_stack.pop()
        self.store.undo(self.meeting)
        assert self.raw() == before  # the exact bytes, or no record at all
        self.known = known

    # --- invariants ---------------------------------------------------------------------

    @invariant()
    def record_is_sound(self) -> None:
        """No speaker lost or duplicated; positions 1..n; projected times move forward."""
        record = self.record()
        ids = [s.id for s in record.speakers]
        assert len(ids) == len(set(ids))
        assert {s.id: s.delegation for s in record.speakers} == self.known
        agenda = project(self.meeting, record, self.now)
        for list_id in LISTS:
            in_list = record.in_list(list_id)
            active = [
                s.delegation
                for s in in_list
                if s.status in ("waiting", "speaking") and s.on_behalf_of is None
            ]
            assert len(active) == len(set(active)), active  # duplicates = "refuse"
            assert sum(s.status == "speaking" for s in in_list) <= 1
            rows = speakers_view(self.meeting, record, in_list, agenda)
            positions = [r["position"] for r in rows if r["status"] == "waiting"]
            assert positions == list(range(1, len(positions) + 1))
            assert all(r["position"] is None for r in rows if r["status"] != "waiting")
        view = agenda_view(self.meeting, record, agenda, None)
        order = {lst: [s.id for s in record.waiting(lst)] for lst in LISTS}
        check_agenda(view, self.now, order)


def test_random_command_sequences_keep_the_record_sound() -> None:
    """Stateful: add/remove/move/swap/next/undo in any order keep every invariant."""
    run_state_machine_as_test(
        ListMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )


# --- the same through the CLI -----------------------------------------------------------------

CLI_STEP = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(POOL), st.sampled_from(LISTS)),
    st.tuples(st.just("remove"), st.integers(1, 6)),
    st.tuples(st.just("move"), st.integers(1, 6), st.integers(1, 5)),
    st.tuples(st.just("swap"), st.integers(1, 6), st.integers(1, 6)),
    st.tuples(st.just("next"), st.sampled_from(LISTS)),
    st.tuples(st.just("undo")),
)


def cli_args(step: tuple[Any, ...]) -> tuple[str, ...]:
    kind = step[0]
    if kind == "add":
        return ("speakers", "add", step[1], "--list", step[2])
    if kind == "remove":
        return ("speakers", "remove", f"S{step[1]}")
    if kind == "move":
        return ("speakers", "move", f"S{step[1]}", "--to", str(step[2]))
    if kind == "swap":
        return ("speakers", "swap", f"S{step[1]}", f"S{step[2]}")
    if kind == "next":
        return ("next", "--list", step[1])
    return ("undo",)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(CLI_STEP, min_size=1, max_size=7))
def test_cli_sequences_undo_exactly_and_project_forward(steps: list[tuple[Any, ...]]) -> None:
    """Through the CLI: refusals change nothing, undo restores bytes, the agenda runs forward."""
    folder = Path(tempfile.mkdtemp(prefix="hlmctl-cli-prop-"))
    try:
        meeting = folder / "meeting.toml"
        shutil.copy(EXAMPLES / "hlm-2013.toml", meeting)
        record_path = folder / "meeting.state.toml"

        def raw() -> bytes | None:
            return record_path.read_bytes() if record_path.exists() else None

        clock = datetime.fromisoformat("2013-05-13T10:00")
        stack: list[bytes | None] = []
        for step in steps:
            clock += timedelta(minutes=2)
            now = clock.isoformat(timespec="minutes")
            before = raw()
            result = run("--meeting", str(meeting), "--now", now, *cli_args(step))
            assert result.exit_code in (0, 2, 3), (step, result)
            assert "Traceback" not in result.stderr
            if step[0] == "undo":
                if stack:
                    assert result.exit_code == 0, result.stderr
                    assert raw() == stack.pop()
                else:
                    assert result.exit_code == 3
                    assert raw() == before
            elif result.exit_code == 0:
                stack.append(before)
            else:
                assert result.stderr.startswith("hlmctl: ")
                assert raw() == before
            agenda = run("--meeting", str(meeting), "--now", now, "agenda", "--format", "json")
            assert agenda.exit_code == 0, agenda.stderr
            listed = {
                lst: [
                    s["id"]
                    for s in run(
                        "--meeting",
                        str(meeting),
                        "--now",
                        now,
                        "speakers",
                        "list",
                        "--list",
                        lst,
                        "--format",
                        "json",
                    ).json()
                    if s["status"] == "waiting"
                ]
                for lst in LISTS
            }
            tz = datetime.fromisoformat(agenda.json()["segments"][0]["start"]).tzinfo
            check_agenda(agenda.json(), clock.replace(tzinfo=tz), listed)
        # Undo everything, newest first: each step gives back the bytes before its change.
        while stack:
            assert run("--meeting", str(meeting), "undo").exit_code == 0
            assert raw() == stack.pop()
        assert raw() is None
        assert run("--meeting", str(meeting), "undo").exit_code == 3
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_next_in_the_last_minutes_of_the_opening_runs_its_item_and_the_list_waits() -> None:
    """The case Hypothesis found: at 09:55, in the opening, `next` of the plenary list
    runs the opening's next item; the speaker inscribed waits, and nothing is lost."""
    machine = ListMachine()
    try:
        machine.set_clock(start="2013-05-13T09:55")
        machine.add(delegation="France", level="head-of-state", list_id="plenary", minutes=0)
        machine.next_speaker(list_id="plenary", minutes=0)
        machine.record_is_sound()
        record = machine.record()
        assert record.current("plenary") is None
        assert [s.delegation for s in record.waiting("plenary")] == ["France"]
    finally:
        machine.teardown()

"""Property tests of the list order (ordering.py, speakers.py) on in-memory records."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES
from hlmctl import speakers
from hlmctl.errors import InputError, NothingToDo
from hlmctl.meeting import Meeting, load_meeting
from hlmctl.ordering import protocol_key
from hlmctl.record import Record, Speaker, empty_record

LISTS = ("plenary", "panel-1")
LEVELS = (
    "head-of-state",
    "vice-president",
    "crown-prince",
    "head-of-government",
    "deputy-prime-minister",
    "minister",
    "vice-minister",
    "head-of-delegation",
    "other",
)
CATEGORIES = ("member-state", "observer-state", "observer", "un-entity", "igo", "ngo", "other")
START = datetime.fromisoformat("2013-05-01T09:00:00-04:00")


@cache
def meeting() -> Meeting:
    # The order alone: an NGO in a panel needs no approved list of participants here
    # (that rule is test_participants.py's).
    return load_meeting(EXAMPLES / "hlm-2013.toml").model_copy(update={"participant_lists": []})


@cache
def state_names() -> tuple[str, ...]:
    from hlmctl.delegations import reference

    return tuple(d.name for d in reference().delegations)


def name_for(n: int, category: str) -> str:
    """A State is a State of the reference data (each n its own); others are made up."""
    if category in speakers.STATES:
        return state_names()[n % len(state_names())]
    return f"Delegation {n}"


@dataclass(frozen=True)
class Add:
    list_id: str
    level: str
    category: str


@dataclass(frozen=True)
class Move:
    who: int
    to: int
    how: str  # "to", "before", "after"
    anchor: int


@dataclass(frozen=True)
class Swap:
    a: int
    b: int


@dataclass(frozen=True)
class Remove:
    who: int


adds = st.builds(Add, st.sampled_from(LISTS), st.sampled_from(LEVELS), st.sampled_from(CATEGORIES))
moves = st.builds(
    Move,
    st.integers(0, 40),
    st.integers(1, 40),
    st.sampled_from(("to", "before", "after")),
    st.integers(0, 40),
)
swaps = st.builds(Swap, st.integers(0, 40), st.integers(0, 40))
removes = st.builds(Remove, st.integers(0, 40))
operations = st.lists(st.one_of(adds, adds, moves, swaps, removes), min_size=1, max_size=30)

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


class Desk:
    """An inscription desk working on one record in memory."""

    def __init__(self) -> None:
        self.m = meeting()
        self.record: Record = empty_record(self.m.meeting.id)
        self.count = 0
        self.ids: list[str] = []

    def add(self, op: Add) -> Speaker:
        self.count += 1
        req = speakers.Inscription(
            delegation=name_for(self.count, op.category),
            list_id=op.list_id,
            level=op.level,
            category=op.category,
            inscribed_at=START + timedelta(minutes=self.count),
        )
        speaker = speakers.add(self.m, self.record, req, START + timedelta(minutes=self.count))
        self.ids.append(speaker.id)
        return speaker

    def waiting(self, list_id: str) -> list[Speaker]:
        return self.record.waiting(list_id)

    def pick(self, index: int, list_id: str | None = None) -> Speaker | None:
        pool = [
            s
            for s in self.record.speakers
            if s.status == "waiting" and (list_id is None or s.list == list_id)
        ]
        return pool[index % len(pool)] if pool else None

    def apply(self, op: Add | Move | Swap | Remove) -> None:
        if isinstance(op, Add):
            self.add(op)
        elif isinstance(op, Remove):
            who = self.pick(op.who)
            if who is not None:
                speakers.remove(self.record, who)
        elif isinstance(op, Swap):
            a = self.pick(op.a)
            b = self.pick(op.b, a.list) if a else None
            if a is not None and b is not None and a.id != b.id:
                speakers.swap_speakers(self.record, a, b)
        else:
            # Already there: nothing to do, and the record is as it was.
            with contextlib.suppress(NothingToDo):
                self.move(op)

    def move(self, op: Move) -> None:
        who = self.pick(op.who)
        if who is None:
            return
        if op.how == "to":
            size = len(self.waiting(who.list))
            speakers.move(self.record, who, to=(op.to - 1) % size + 1)
            return
        anchor = self.pick(op.anchor, who.list)
        if anchor is None or anchor.id == who.id:
            return
        if op.how == "before":
            speakers.move(self.record, who, before=anchor)
        else:
            speakers.move(self.record, who, after=anchor)


def fcfs_key(m: Meeting, s: Speaker) -> tuple[int, int, int]:
    """README rule 1 as data: level, then category, then order of inscription."""
    level, category = protocol_key(m, s)
    return (level, category, int(s.id[1:]))


def check_invariants(desk: Desk) -> None:
    ids = [s.id for s in desk.record.speakers]
    assert len(ids) == len(set(ids)), "a speaker appears twice"
    assert sorted(ids) == sorted(desk.ids), "a speaker was lost or invented"
    for list_id in LISTS:
        unplaced = [s for s in desk.waiting(list_id) if not s.placed]
        keys = [fcfs_key(desk.m, s) for s in unplaced]
        assert keys == sorted(keys), f"unplaced speakers of {list_id} are out of protocol order"


def test_the_rank_of_the_default_ladder_and_categories() -> None:
    """The bundled meeting uses the contract's ladder and categories, in that order."""
    m = meeting()
    assert [lv.id for lv in m.levels] == list(LEVELS)
    assert [c.id for c in m.categories] == list(CATEGORIES)
    ranks = [m.level_rank(lv) for lv in LEVELS]
    assert ranks == sorted(ranks)
    # Vice-President and Crown Prince share a rung (README: "Vice-President or Crown Prince").
    assert m.level_rank("vice-president") == m.level_rank("crown-prince")
    assert m.level_rank("head-of-state") < m.level_rank("vice-president")
    assert m.level_rank("crown-prince") < m.level_rank("head-of-government")
    cats = [m.category_rank(c) for c in CATEGORIES]
    assert cats == sorted(cats) and len(set(cats)) == len(cats)


@PROPERTY
@given(operations)
def test_no_speaker_is_lost_or_duplicated_and_unplaced_stay_in_protocol_order(
    ops: list[Add | Move | Swap | Remove],
) -> None:
    """Any sequence of add, move, swap, remove keeps every speaker exactly once."""
    desk = Desk()
    for op in ops:
        desk.apply(op)
        check_invariants(desk)
    withdrawn = [s for s in desk.record.speakers if s.status == "withdrawn"]
    removed = sum(isinstance(op, Remove) for op in ops)
    assert len(withdrawn) <= removed


@PROPERTY
@given(operations, st.lists(adds, min_size=1, max_size=10))
def test_later_adds_never_reorder_anyone_and_follow_the_insertion_rule(
    ops: list[Add | Move | Swap | Remove], later: list[Add]
) -> None:
    """Inscriptions only insert: hand-placed speakers keep their relative order and places.

    Each newcomer goes right after the last unplaced waiting speaker before it in
    protocol order; if none, right before the first unplaced one; if every waiting
    speaker was placed by hand, at the end (README, "The order of a list of speakers").
    """
    desk = Desk()
    for op in ops:
        desk.apply(op)
    for op in later:
        before = [s.id for s in desk.record.speakers]
        waiting_before = desk.waiting(op.list_id)
        new = desk.add(op)
        after = [s.id for s in desk.record.speakers]
        assert [i for i in after if i != new.id] == before
        waiting = [s.id for s in desk.waiting(op.list_id)]
        key = fcfs_key(desk.m, new)
        unplaced = [s for s in waiting_before if not s.placed]
        earlier = [s for s in unplaced if fcfs_key(desk.m, s) < key]
        index = waiting.index(new.id)
        if earlier:
            assert waiting[index - 1] == earlier[-1].id
        elif unplaced:
            assert waiting[index + 1] == unplaced[0].id
        else:
            assert index == len(waiting) - 1
        check_invariants(desk)


@PROPERTY
@given(operations, st.lists(adds, min_size=1, max_size=10))
def test_hand_placed_speakers_keep_their_positions_relative_to_each_other(
    ops: list[Add | Move | Swap | Remove], later: list[Add]
) -> None:
    """The placed speakers' sequence in each list is the same before and after new adds."""
    desk = Desk()
    for op in ops:
        desk.apply(op)
    placed = {lid: [s.id for s in desk.waiting(lid) if s.placed] for lid in LISTS}
    for op in later:
        desk.add(op)
    for lid in LISTS:
        assert [s.id for s in desk.waiting(lid) if s.placed] == placed[lid]


@PROPERTY
@given(operations, st.integers(0, 40), st.integers(1, 40))
def test_move_to_puts_the_speaker_there_and_keeps_everyone_else_in_order(
    ops: list[Add | Move | Swap | Remove], who: int, to: int
) -> None:
    desk = Desk()
    for op in ops:
        desk.apply(op)
    speaker = desk.pick(who)
    if speaker is None:
        return
    others = [s.id for s in desk.waiting(speaker.list) if s.id != speaker.id]
    position = (to - 1) % (len(others) + 1) + 1
    before = [s.id for s in desk.waiting(speaker.list)]
    if before.index(speaker.id) + 1 == position:
        try:
            speakers.move(desk.record, speaker, to=position)
        except NothingToDo:
            assert [s.id for s in desk.waiting(speaker.list)] == before
            return
        raise AssertionError("a move to the place it has should be nothing to do")
    reported = speakers.move(desk.record, speaker, to=position)
    waiting = [s.id for s in desk.waiting(speaker.list)]
    assert reported == position
    assert waiting.index(speaker.id) == position - 1
    assert [i for i in waiting if i != speaker.id] == others
    assert speaker.placed


@PROPERTY
@given(operations, st.integers(0, 40), st.integers(0, 40))
def test_swap_exchanges_two_places_and_nothing_else(
    ops: list[Add | Move | Swap | Remove], a: int, b: int
) -> None:
    desk = Desk()
    for op in ops:
        desk.apply(op)
    first = desk.pick(a)
    second = desk.pick(b, first.list) if first else None
    if first is None or second is None:
        return
    before = [s.id for s in desk.waiting(first.list)]
    if first.id == second.id:
        try:
            speakers.swap_speakers(desk.record, first, second)
        except InputError:
            return
        raise AssertionError("swapping a speaker with itself should be refused")
    speakers.swap_speakers(desk.record, first, second)
    after = [s.id for s in desk.waiting(first.list)]
    i, j = before.index(first.id), before.index(second.id)
    expected = list(before)
    expected[i], expected[j] = expected[j], expected[i]
    assert after == expected
    assert first.placed and second.placed


def _speaker(n: int, list_id: str, level: str, category: str, placed: bool) -> Speaker:
    return Speaker(
        id=f"S{n}",
        list=list_id,
        delegation=f"Delegation {n}",
        category=category,
        level=level,
        inscribed_at=START,
        placed=placed,
    )


@settings(max_examples=80, deadline=None)
@given(
    existing=st.lists(
        st.tuples(
            st.sampled_from(LISTS),
            st.sampled_from(LEVELS[:4]),
            st.sampled_from(CATEGORIES[:3]),
            st.booleans(),
        ),
        max_size=10,
    ),
    new=st.lists(
        st.tuples(
            st.sampled_from(LISTS),
            st.sampled_from(LEVELS[:4]),
            st.sampled_from(CATEGORIES[:3]),
            st.booleans(),
        ),
        min_size=1,
        max_size=12,
    ),
)
def test_placing_many_at_once_is_the_same_as_one_by_one(
    existing: list[tuple[str, str, str, bool]], new: list[tuple[str, str, str, bool]]
) -> None:
    """The one-pass placement of an import gives exactly the one-by-one order."""
    from hlmctl.ordering import insert_all_in_protocol_order, insert_in_protocol_order

    m = meeting()
    one_by_one, at_once = empty_record("hlm-2013"), empty_record("hlm-2013")
    for record in (one_by_one, at_once):
        for n, (lst, level, cat, _) in enumerate(existing, start=1):
            insert_in_protocol_order(m, record, _speaker(n, lst, level, cat, False))
    base = len(existing) + 1
    rows = [
        (_speaker(base + n, lst, level, cat, False), at_end)
        for n, (lst, level, cat, at_end) in enumerate(new)
    ]
    for speaker, at_end in rows:
        copy = speaker.model_copy()
        if at_end:
            one_by_one.speakers.append(copy)
        else:
            insert_in_protocol_order(m, one_by_one, copy)
    insert_all_in_protocol_order(m, at_once, rows)
    assert [s.id for s in at_once.speakers] == [s.id for s in one_by_one.speakers]

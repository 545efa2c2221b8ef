"""Inscribing speakers and editing a list: add, remove, move, swap, import.

Each function changes a ``Record`` in memory or raises ``InputError`` having
changed nothing; ``Store.change`` writes the result.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hlmctl import delegations
from hlmctl.errors import InputError, NothingToDo
from hlmctl.meeting import Meeting
from hlmctl.ordering import (
    insert_all_in_protocol_order,
    insert_in_protocol_order,
    place_at,
    place_relative,
    swap,
)
from hlmctl.record import Record, Speaker
from hlmctl.text import clean_text, describe_unsafe, unsafe_character

STATE_LIKE = ("member-state", "observer-state", "observer")


@dataclass
class Inscription:
    """A request to speak, as the inscription desk receives it."""

    delegation: str
    list_id: str | None = None
    level: str | None = None
    category: str | None = None
    name: str | None = None
    title: str | None = None
    on_behalf_of: str | None = None
    minutes: float | None = None
    force: bool = False
    courtesy: str | None = None
    inscribed_at: datetime | None = None
    placed: bool = False
    kind: str = "statement"
    absences: list[datetime] = field(default_factory=list)
    meeting: str | None = None  # a right of reply: the meeting at which it is taken


def id_of(typed: str | None, choices: Iterable[tuple[str, str]]) -> str | None:
    """A level or category id as typed, forgiving case and spaces: ``Minister``,
    ``head of state`` and the label ``Head of State`` all give ``head-of-state``.
    ``choices`` are (id, label) pairs; text that matches none is kept as typed."""
    if typed is None:
        return None
    key = "-".join(typed.replace("_", " ").casefold().split())
    for choice_id, label in choices:
        if key == choice_id or key == "-".join(label.casefold().split()):
            return choice_id
    return typed


# Categories that only a delegation of the reference data can have.
STATES = ("member-state", "observer-state")


def resolve_delegation(
    meeting: Meeting, typed: str, category: str | None, *, force: bool = False
) -> tuple[str, str]:
    """The official name and category of a delegation, from the reference data.

    A State is a State of the reference data: ``member-state`` and ``observer-state``
    are refused for any other name. A name a typo away from a known delegation
    (``delegations.near_miss``) is refused in any category unless ``force``."""
    category = id_of(category, ((c.id, c.label) for c in meeting.categories))
    if category is not None and category not in {c.id for c in meeting.categories}:
        known = ", ".join(c.id for c in meeting.categories)
        raise InputError(f"unknown category {category!r} (this meeting has: {known})")
    entry = delegations.match(typed)
    if entry is not None:
        return delegations.recorded_name(typed, entry), category or entry.category
    if category in STATES:
        hint = delegations.suggestions(typed)
        near = delegations.near_miss(typed)
        if near is not None and near not in hint:
            hint.insert(0, near)
        maybe = f" (did you mean {' or '.join(repr(h) for h in hint)}?)" if hint else ""
        raise InputError(
            f"{typed!r} is not a State of the reference data{maybe}: --category {category} "
            "is only for the Member States and observer States it lists"
        )
    if category is not None:
        near = delegations.near_miss(typed)
        if near is not None and not force:
            raise InputError(
                f"{typed!r} is a letter or two away from {near!r} (did you mean {near!r}?): "
                f"use the delegation's own name, or --force to inscribe {typed!r} as it is"
            )
        return typed, category
    hint = delegations.suggestions(typed)
    maybe = f" (did you mean {' or '.join(repr(h) for h in hint)}?)" if hint else ""
    raise InputError(
        f"unknown delegation {typed!r}{maybe}: a delegation that is not a State or the "
        "European Union needs --category (un-entity, igo, ngo or other)"
    )


def group_text(typed: str | None, *, force: bool = False) -> str | None:
    """The group a statement is made on behalf of, as typed (a group the reference
    data does not know is allowed). A known group's name written with letters of
    another script that look like Latin ones is refused unless ``force``, as a
    delegation's look-alike is: it would be counted as another group."""
    group = clean_text("on-behalf-of", typed)
    if group is None or group.isascii() or force:
        return group
    from hlmctl.entities import group_look_alike

    known = group_look_alike(group)
    if known is None:
        return group
    letters = ", ".join(
        f"{c!r} (U+{ord(c):04X} {unicodedata.name(c, '?')})"
        for c in delegations.look_alike_letters(group)
    )
    raise InputError(
        f"--on-behalf-of {group!r} looks like {known.name!r} but is written with letters "
        f"of another script: {letters}; type the group's name, or --force to keep it as typed"
    )


def default_level(meeting: Meeting, category: str) -> str:
    ids = [lv.id for lv in meeting.levels]
    if category in STATE_LIKE and "head-of-delegation" in ids:
        return "head-of-delegation"
    return "other" if "other" in ids else ids[-1]


class Inscribed:
    """The speakers a new inscription of the same delegation would duplicate, by list
    and delegation, for many inscriptions in a row (an import). Keep it up to date with
    ``add`` for each speaker put in the record."""

    def __init__(self, record: Record) -> None:
        self._first: dict[tuple[str, str], Speaker] = {}
        for s in record.speakers:
            self.add(s)

    def add(self, speaker: Speaker) -> None:
        if (
            speaker.status in ("waiting", "speaking")
            and speaker.on_behalf_of is None
            and speaker.kind == "statement"
        ):
            key = (speaker.list, delegations.identity(speaker.delegation))
            self._first.setdefault(key, speaker)

    def find(self, list_id: str, key: str) -> Speaker | None:
        return self._first.get((list_id, key))


def build_speaker(
    meeting: Meeting,
    record: Record,
    req: Inscription,
    now: datetime,
    inscribed: Inscribed | None = None,
) -> Speaker:
    """Check a request against the meeting's rules and make the speaker (not yet placed)."""
    lst = meeting.speaker_list(req.list_id)
    typed = clean_text("delegation", req.delegation, required=True)
    assert typed is not None
    name = clean_text("name", req.name)
    courtesy = clean_text("courtesy", req.courtesy)
    title = clean_text("title", req.title)
    group = group_text(req.on_behalf_of, force=req.force)
    # First, so that a look-alike of a delegation inscribed is named as its duplicate.
    if (
        meeting.rules.duplicates == "refuse"
        and not group
        and not req.force
        and req.kind == "statement"
    ):
        key = delegations.identity(typed)
        other = (inscribed or Inscribed(record)).find(lst.id, key)
        if other is not None:
            raise InputError(
                f"{other.delegation} is already inscribed in {lst.id!r} as {other.id}: "
                "use --on-behalf-of for a group statement, or --force"
            )
    delegation, category = resolve_delegation(meeting, typed, req.category, force=req.force)
    if category == "ngo" and meeting.participant_lists and req.kind == "statement":
        # An NGO speaks from an approved list of participants (paras. 8, 9), as it spells it.
        from hlmctl.participants import check_speaker

        delegation, _ = check_speaker(meeting, record, delegation, lst.id, now, force=req.force)
    level = id_of(req.level, ((lv.id, lv.label) for lv in meeting.levels)) or default_level(
        meeting, category
    )
    if level not in {lv.id for lv in meeting.levels}:
        known = ", ".join(lv.id for lv in meeting.levels)
        raise InputError(f"unknown level {level!r} (this meeting's ladder: {known})")
    if req.minutes is not None and not 0 < req.minutes <= 24 * 60:
        raise InputError(f"minutes must be more than 0 and at most 1440, not {req.minutes:g}")
    if req.minutes is not None:
        from hlmctl.projection import refuse_longer_than_slots

        refuse_longer_than_slots(meeting, lst.id, req.minutes)
    state = record.list_state(lst.id)
    if state.closed:
        when = f" at {state.closed_at:%H:%M on %d %B}" if state.closed_at else ""
        raise InputError(
            f"the list {lst.id!r} was closed{when} (rule 73): no new inscription; "
            f"`hlmctl lists reopen {lst.id}` reopens it"
        )
    return Speaker(
        id=record.new_id(),
        list=lst.id,
        delegation=delegation,
        category=category,
        level=level,
        courtesy=courtesy,
        name=name,
        title=title,
        on_behalf_of=group,
        minutes=req.minutes,
        inscribed_at=req.inscribed_at or now,
        placed=req.placed,
        kind="reply" if req.kind == "reply" else "statement",
        absences=list(req.absences),
        meeting=req.meeting,
    )


def add(meeting: Meeting, record: Record, req: Inscription, now: datetime) -> Speaker:
    speaker = build_speaker(meeting, record, req, now)
    insert_in_protocol_order(meeting, record, speaker)
    return speaker


@dataclass
class Edit:
    """``speakers edit``: the fields to change (None: leave as it is; "" clears a
    text field)."""

    level: str | None = None
    category: str | None = None
    name: str | None = None
    title: str | None = None
    courtesy: str | None = None
    on_behalf_of: str | None = None
    minutes: float | None = None
    force: bool = False


# The descriptive fields: the only ones a statement already called can have corrected.
DESCRIPTIVE = ("name", "title", "courtesy")


def edit(meeting: Meeting, record: Record, speaker: Speaker, req: Edit, now: datetime) -> list[str]:
    """Correct an inscription in place: its id and time of inscription (its first-come
    place) stay. A waiting speaker whose level or category changes goes where the
    protocol order puts it, unless it was placed by hand. A statement called or given
    can be corrected only in its descriptive fields. Returns what changed, in words."""
    wanted: dict[str, object] = {}
    for field_name in DESCRIPTIVE:
        value = getattr(req, field_name)
        if value is not None:
            wanted[field_name] = clean_text(field_name, value)
    if req.on_behalf_of is not None:
        wanted["on_behalf_of"] = group_text(req.on_behalf_of, force=req.force)
    if req.category is not None:
        # The State rule and the typo rule, as for an inscription.
        _, category = resolve_delegation(meeting, speaker.delegation, req.category, force=req.force)
        wanted["category"] = category
    if req.level is not None:
        level = id_of(req.level, ((lv.id, lv.label) for lv in meeting.levels))
        if level not in {lv.id for lv in meeting.levels}:
            known = ", ".join(lv.id for lv in meeting.levels)
            raise InputError(f"unknown level {level!r} (this meeting's ladder: {known})")
        wanted["level"] = level
    if req.minutes is not None:
        if not 0 < req.minutes <= 24 * 60:
            raise InputError(f"minutes must be more than 0 and at most 1440, not {req.minutes:g}")
        from hlmctl.projection import refuse_longer_than_slots

        refuse_longer_than_slots(meeting, speaker.list, req.minutes)
        wanted["minutes"] = req.minutes
    changes = {k: v for k, v in wanted.items() if getattr(speaker, k) != v}
    if not changes:
        raise NothingToDo(f"{speaker.id} ({speaker.delegation}) already has what was given")
    if speaker.status != "waiting":
        fixed = [k.replace("_", "-") for k in changes if k not in DESCRIPTIVE]
        if fixed:
            raise InputError(
                f"{speaker.id} ({speaker.delegation}) is {speaker.status}: only its name, "
                f"title and courtesy can be corrected, not --{', --'.join(fixed)}"
            )
    forced = ""
    if changes.get("category") == "ngo" and speaker.kind == "statement":
        # An NGO speaks from an approved list of participants, as for an inscription.
        from hlmctl.participants import check_speaker, lists_for_speakers

        _, by_force = check_speaker(
            meeting, record, speaker.delegation, speaker.list, now, force=req.force
        )
        if by_force:
            ids = ", ".join(p.id for p in lists_for_speakers(meeting, speaker.list))
            forced = f" (forced: on no approved list of participants: {ids})"
    # A group statement becoming the delegation's own: the duplicate rule.
    if (
        "on_behalf_of" in changes
        and not changes["on_behalf_of"]
        and meeting.rules.duplicates == "refuse"
        and not req.force
    ):
        key = delegations.identity(speaker.delegation)
        other = next(
            (
                s
                for s in record.speakers
                if s is not speaker
                and s.list == speaker.list
                and s.status in ("waiting", "speaking")
                and s.on_behalf_of is None
                and s.kind == "statement"
                and delegations.identity(s.delegation) == key
            ),
            None,
        )
        if other is not None:
            raise InputError(
                f"{speaker.delegation} is already inscribed in {speaker.list!r} as "
                f"{other.id}: keep --on-behalf-of, or --force"
            )
    said = [
        f"{k.replace('_', '-')} {_shown(getattr(speaker, k))} -> {_shown(v)}"
        for k, v in changes.items()
    ]
    for key, value in changes.items():
        setattr(speaker, key, value)
    if (
        speaker.status == "waiting"
        and not speaker.placed
        and ("level" in changes or "category" in changes)
    ):
        _replace_in_protocol_order(meeting, record, speaker)
    if forced:
        said[-1] += forced
    return said


def _shown(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, float):
        return f"{value:g} min"
    return repr(value) if isinstance(value, str) and " " in value else str(value)


def _replace_in_protocol_order(meeting: Meeting, record: Record, speaker: Speaker) -> None:
    """Put a waiting speaker not placed by hand back where the protocol order puts it,
    with its own time of inscription (its first-come place among its equals)."""
    from datetime import UTC

    from hlmctl.ordering import protocol_key

    record.speakers.remove(speaker)
    mine = (protocol_key(meeting, speaker), speaker.inscribed_at.astimezone(UTC))
    first: int | None = None
    index: int | None = None
    for i, s in enumerate(record.speakers):
        if s.list == speaker.list and s.status == "waiting" and not s.placed:
            if first is None:
                first = i
            if (protocol_key(meeting, s), s.inscribed_at.astimezone(UTC)) <= mine:
                index = i + 1
    if index is None:
        index = first if first is not None else len(record.speakers)
    record.speakers.insert(index, speaker)


def resolve_ref(
    record: Record,
    ref: str,
    *,
    list_id: str | None = None,
    statuses: Iterable[str] = ("waiting",),
) -> Speaker:
    """A speaker named by id (``S12``) or by a delegation unique among the waiting."""
    wanted = tuple(statuses)
    text = ref.strip()
    found_unsafe = unsafe_character(text)
    if found_unsafe:
        raise InputError(f"the speaker reference {describe_unsafe(*found_unsafe)}")
    by_id = record.speaker(text.upper()) if text[:1] in "sS" and text[1:].isdigit() else None
    if by_id is not None:
        if by_id.status not in wanted:
            raise InputError(
                f"{by_id.id} ({by_id.delegation}) is {by_id.status}, not {' or '.join(wanted)}"
            )
        if list_id is not None and by_id.list != list_id:
            raise InputError(f"{by_id.id} is in list {by_id.list!r}, not {list_id!r}")
        return by_id
    if text[:1] in "sS" and text[1:].isdigit():
        raise InputError(f"no speaker {text.upper()} in the record")
    key = delegations.identity(text)  # "UN Women" and "ONU-Femmes" name one entity
    found = [
        s
        for s in record.speakers
        if s.status in wanted
        and (list_id is None or s.list == list_id)
        and delegations.identity(s.delegation) == key
    ]
    if not found:
        raise InputError(f"no {' or '.join(wanted)} speaker matches {ref!r}")
    if len(found) > 1:
        ids = ", ".join(f"{s.id} ({s.list})" for s in found)
        raise InputError(f"{ref!r} matches several speakers: {ids}; name one by its id")
    return found[0]


def remove(record: Record, speaker: Speaker) -> None:
    """Withdraw a waiting speaker: it stays in the record, marked withdrawn."""
    speaker.status = "withdrawn"


def move(
    record: Record,
    speaker: Speaker,
    *,
    to: int | None = None,
    before: Speaker | None = None,
    after: Speaker | None = None,
) -> int:
    if sum(x is not None for x in (to, before, after)) != 1:
        raise InputError("move needs exactly one of --to, --before, --after")
    waiting = record.waiting(speaker.list)
    here = waiting.index(speaker) + 1
    if to is not None:
        count = len(waiting)
        if not 1 <= to <= count:
            raise InputError(f"--to {to} is not a position of the list (1 to {count})")
        if to == here:
            _same_place(speaker, here)
        place_at(record, speaker, to)
    else:
        anchor = before or after
        assert anchor is not None
        if anchor.id == speaker.id:
            raise InputError("a speaker cannot be moved relative to itself")
        if anchor.list != speaker.list:
            raise InputError(f"{anchor.id} is in list {anchor.list!r}, not {speaker.list!r}")
        there = waiting.index(anchor) + 1 if anchor in waiting else None
        if there is not None and there == (here - 1 if after is not None else here + 1):
            _same_place(speaker, here)
        place_relative(record, speaker, anchor, after=after is not None)
    if speaker.kind == "statement":
        # A place given by hand is the operator's: a statement held for a preferred
        # meeting (``preferences``) is held no longer, so it is heard where it is put.
        speaker.meeting = None
    from hlmctl.ordering import waiting_position

    position = waiting_position(record, speaker)
    assert position is not None
    return position


def _same_place(speaker: Speaker, position: int) -> None:
    raise NothingToDo(
        f"{speaker.id} ({speaker.delegation}) is already at position {position} of "
        f"{speaker.list}: nothing to move"
    )


def swap_speakers(record: Record, a: Speaker, b: Speaker) -> None:
    if a.id == b.id:
        raise InputError("a speaker cannot be swapped with itself")
    if a.list != b.list:
        raise InputError(f"{a.id} and {b.id} are in different lists")
    swap(record, a, b)


# --- import ---------------------------------------------------------------------------

IMPORT_FIELDS = (
    "delegation",
    "list",
    "level",
    "category",
    "courtesy",
    "name",
    "title",
    "on_behalf_of",
    "minutes",
    "inscribed_at",
    "placed",
)
EXPORT_ONLY = (
    "id",
    "position",
    "status",
    "estimated_start",
    "estimated_end",
    "started_at",
    "ended_at",
    "spoken_seconds",
    "segment",
    "kind",
    "limit_minutes",
    "regional_group",
    "absences",
    "limit_seconds",
)


STATUSES = ("waiting", "speaking", "spoken", "withdrawn")
MAX_ROW_PROBLEMS = 50  # an import names this many bad rows, then says how many more
KINDS = ("statement", "reply")


class ColumnError(InputError):
    """A value of an import that is not understood, with the column it is in."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(f"column {column!r}: {message}")


def row_to_inscription(row: Mapping[str, Any], meeting: Meeting) -> Inscription | None:
    """One row of an import; ``None`` for a row of a statement already spoken, in
    progress or withdrawn (a fresh meeting starts no history)."""
    unknown = [k for k in row if k not in IMPORT_FIELDS and k not in EXPORT_ONLY]
    if unknown:
        raise InputError(f"unknown column {unknown[0]!r}")
    status = _text(row.get("status"), "status")
    if status is not None and status not in STATUSES:
        raise ColumnError(
            "status", f"unknown status {status!r} (expected one of {', '.join(STATUSES)})"
        )
    kind = _text(row.get("kind"), "kind") or "statement"
    if kind not in KINDS:
        raise ColumnError("kind", f"unknown kind {kind!r} (expected statement or reply)")
    # Every value is checked, even in a row that is then skipped.
    delegation = _text(row.get("delegation"), "delegation")
    if delegation is None:
        raise ColumnError("delegation", "it is empty")
    minutes = _number(row.get("minutes"), "minutes")
    inscribed = _time(row.get("inscribed_at"), "inscribed_at", meeting)
    placed = _flag(row.get("placed"))
    absences = _times(row.get("absences"), "absences", meeting)
    for column in ("started_at", "ended_at", "estimated_start", "estimated_end"):
        _time(row.get(column), column, meeting)
    segment = _text(row.get("segment"), "segment")
    if segment is not None and segment not in {s.id for s in meeting.segments}:
        raise ColumnError("segment", f"no meeting {segment!r} in the meeting file")
    if status not in (None, "waiting"):
        return None
    return Inscription(
        delegation=delegation,
        list_id=_text(row.get("list"), "list"),
        level=_text(row.get("level"), "level"),
        category=_text(row.get("category"), "category"),
        courtesy=_text(row.get("courtesy"), "courtesy"),
        name=_text(row.get("name"), "name"),
        title=_text(row.get("title"), "title"),
        on_behalf_of=_text(row.get("on_behalf_of"), "on_behalf_of"),
        minutes=minutes,
        inscribed_at=inscribed,
        placed=placed,
        kind=kind,
        absences=absences,
        meeting=segment if kind == "reply" else None,
    )


def _text(value: Any, column: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ColumnError(column, f"expected text, got {type(value).__name__} {value!r:.40}")
    return value if value.strip() else None


def _number(value: Any, field: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    from hlmctl.figures import RULE, minutes_problem

    problem = minutes_problem(value)  # the one rule for a number of minutes
    if problem is not None:
        raise ColumnError(field, f"{value!r:.40} {problem}: {RULE}")
    return float(value.strip() if isinstance(value, str) else value)


def _flag(value: Any) -> bool:
    if value is None or value == "":
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0", "yes", "no"):
        return value.strip().lower() in ("true", "1", "yes")
    raise ColumnError("placed", f"must be true or false, not {value!r:.40}")


def _time(value: Any, column: str, meeting: Meeting) -> datetime | None:
    from hlmctl.clock import in_range, out_of_range

    text = _text(value, column)
    if text is None:
        return None
    try:
        parsed = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ColumnError(column, f"not an ISO 8601 time: {text!r:.60}") from None
    if not 1970 <= parsed.year < 2200:
        raise ColumnError(column, out_of_range("the time", text))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=meeting.tz)
    if not in_range(parsed):
        raise ColumnError(column, out_of_range("the time", text))
    return parsed


def _times(value: Any, column: str, meeting: Meeting) -> list[datetime]:
    """Absences: a JSON array of times, or times separated by spaces in a CSV cell."""
    if value is None:
        return []
    items = value.split() if isinstance(value, str) else value
    if not isinstance(items, list):
        raise ColumnError(column, f"expected a list of times, got {value!r:.40}")
    if len(items) > 1000:
        raise ColumnError(column, "more than 1000 times")
    times = [_time(item, column, meeting) for item in items]
    return [t for t in times if t is not None]


def import_rows(
    meeting: Meeting,
    record: Record,
    rows: list[tuple[int, Mapping[str, Any]]],
    now: datetime,
    *,
    force: bool = False,
) -> tuple[list[Speaker], int]:
    """All or nothing: a bad row refuses the whole import; every bad row is named
    (up to ``MAX_ROW_PROBLEMS``, then how many more), in one line.

    Rows that carry ``position`` (as ``speakers export`` writes them) keep the order
    of the file; other rows are inscribed one by one in protocol order.
    """
    from hlmctl.projection import list_limit_minutes

    added: list[Speaker] = []
    skipped = 0
    # An export (rows with a position) keeps its order in a list that has no waiting
    # speaker yet; otherwise each row goes where the protocol order puts it.
    from_export = any(str(r.get("position") or "").strip() for _, r in rows)
    busy = {s.list for s in record.speakers if s.status == "waiting"}
    inscribed = Inscribed(record)
    placing: list[tuple[Speaker, bool]] = []  # (speaker, at the end)
    problems: list[str] = []
    unknown_seen: set[str] = set()
    for number, row in rows:
        # An unknown column is named once, at the first row that has it.
        unknown = [k for k in row if k not in IMPORT_FIELDS and k not in EXPORT_ONLY]
        if unknown:
            fresh = [k for k in unknown if k not in unknown_seen]
            unknown_seen.update(unknown)
            if fresh:
                problems.append(f"row {number}: unknown column {fresh[0]!r}")
            continue
        try:
            req = row_to_inscription(row, meeting)
            if req is None:
                skipped += 1
                continue
            req.force = force
            speaker = build_speaker(meeting, record, req, now, inscribed)
        except InputError as exc:
            problems.append(f"row {number}: {exc.message}")
            continue
        lst = meeting.speaker_list(speaker.list)
        if speaker.kind == "reply" and speaker.meeting is None:
            from hlmctl.projection import reply_meeting

            speaker.meeting = reply_meeting(meeting, lst.id, speaker.inscribed_at)
        if speaker.kind == "statement" and speaker.minutes == list_limit_minutes(
            meeting, record, lst.id, speaker.on_behalf_of, speaker.category
        ):
            speaker.minutes = None  # the list's own limit, not one of its own
        inscribed.add(speaker)
        placing.append((speaker, (from_export and speaker.list not in busy) or speaker.placed))
        added.append(speaker)
    if problems:
        shown = "; ".join(problems[:MAX_ROW_PROBLEMS])
        more = len(problems) - MAX_ROW_PROBLEMS
        count = f"{len(problems)} bad rows: " if len(problems) > 1 else ""
        tail = f"; and {more} more bad rows" if more > 0 else ""
        raise InputError(f"{count}{shown}{tail}")
    if not added:
        raise NothingToDo("nothing to import: the file has no waiting speaker")
    # The rows only look the record up, never its order: place them all at once, as
    # one by one.
    insert_all_in_protocol_order(meeting, record, placing)
    return added, skipped

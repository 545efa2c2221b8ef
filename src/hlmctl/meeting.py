"""The meeting file: the modalities of a meeting, as Pydantic models.

People write the meeting file; hlmctl only reads it. These models are the one
description of its format: defaults, validation and error messages come from here.
"""

import datetime as dt
import re
from datetime import date, datetime, time
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal, Self, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from hlmctl.errors import InvalidFileError
from hlmctl.figures import checked_minutes
from hlmctl.text import SafeText as Text

Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]
Minutes = Annotated[float, Field(gt=0, le=24 * 60), AfterValidator(checked_minutes)]

# A "hearing" is an informal meeting (an interactive multi-stakeholder hearing, as
# resolution 71/287 asked for one): it may be held on a day outside ``days``.
SegmentKind = Literal["opening-plenary", "plenary", "panel", "closing-plenary", "hearing"]
ItemKind = Literal["statement", "presentation", "discussion", "summary", "remarks", "other", "list"]


M = TypeVar("M", bound="Model")


class Model(BaseModel):
    # defer_build: a model's validator is built when it first validates, not when
    # hlmctl is imported; the defaults below are made without validating (they are
    # checked by a test) so that importing this module builds nothing.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Level(Model):
    """One rung of the ladder of levels of representation, highest first."""

    id: Id
    label: Text


class Category(Model):
    """A category of participant, in the order of precedence of the list."""

    id: Id
    label: Text


# The customary ladder (../docs/domain.md): no single UN text spells it out,
# so it is a default that a meeting file may replace.
DEFAULT_LEVELS: tuple[Level, ...] = (
    Level.model_construct(id="head-of-state", label="Head of State"),
    Level.model_construct(id="vice-president", label="Vice-President"),
    Level.model_construct(id="crown-prince", label="Crown Prince"),
    Level.model_construct(id="head-of-government", label="Head of Government"),
    Level.model_construct(id="deputy-prime-minister", label="Deputy Prime Minister"),
    Level.model_construct(id="minister", label="Minister"),
    Level.model_construct(id="vice-minister", label="Vice-Minister"),
    Level.model_construct(id="head-of-delegation", label="Head of delegation"),
    Level.model_construct(id="other", label="Other"),
)

# Ranks: the Vice-President and the Crown Prince share a rung.
DEFAULT_LEVEL_RANKS = {"crown-prince": 1}

DEFAULT_CATEGORIES: tuple[Category, ...] = (
    Category.model_construct(id="member-state", label="Member State"),
    Category.model_construct(id="observer-state", label="Observer State"),
    Category.model_construct(id="observer", label="Observer"),
    Category.model_construct(id="un-entity", label="United Nations entity"),
    Category.model_construct(id="igo", label="Intergovernmental organization"),
    Category.model_construct(id="ngo", label="Non-governmental organization"),
    Category.model_construct(id="other", label="Other"),
)


class UsualMessage(Model):
    """A message to the speaker that the podium sends with one key (``hlmctl podium``)."""

    text: Text = Field(min_length=1, max_length=120)  # record.MAX_MESSAGE, as `hlmctl message`
    text_fr: Text | None = Field(default=None, max_length=120, description="The text in French.")


DEFAULT_MESSAGES: tuple[UsualMessage, ...] = (
    UsualMessage.model_construct(text="Please conclude", text_fr="Veuillez conclure"),
    UsualMessage.model_construct(text="Time is up", text_fr="Le temps de parole est écoulé"),
)


class Rules(Model):
    """Rules that no written text fixes: each has the default of domain.md."""

    absent: Literal["end-of-meeting", "end-of-list"] = Field(
        default="end-of-meeting",
        description="Where a delegation that is absent when called goes.",
    )
    duplicates: Literal["refuse", "allow"] = Field(
        default="refuse",
        description="A second waiting inscription of one delegation in one list.",
    )
    # Decision 34/401 (annex V of the rules of procedure).
    reply_minutes: list[Minutes] = Field(default=[10.0, 5.0], min_length=1, max_length=10)
    # The countdown (timer and board): amber from this many seconds before the end.
    amber_seconds: int = Field(
        default=30,
        ge=0,
        le=3600,
        description="The countdown turns amber this many seconds before the limit.",
    )
    bell: bool = Field(default=False, description="Sound a bell when the limit is reached.")
    messages: tuple[UsualMessage, ...] = Field(
        default=DEFAULT_MESSAGES,
        max_length=9,
        description="The usual messages to the speaker: the podium's keys 1 to 9.",
    )


class Person(Model):
    role: Text = ""
    name: Text | None = None
    delegation: Text | None = None
    organization: Text | None = Field(
        default=None,
        description="A civil-society speaker's organization: `validate` checks it against "
        "the approved lists of participants.",
    )
    note: Text | None = None
    note_fr: Text | None = Field(default=None, description="The note in French.")

    def describe(self) -> str:
        who = self.name or "to be announced"
        if self.delegation:
            who += f" ({self.delegation})"
        return who


class Item(Model):
    """A fixed item of a segment's programme, or the place of its list."""

    kind: ItemKind = "statement"
    label: Text
    minutes: Minutes | None = None
    speaker: Text | None = None
    organization: Text | None = Field(
        default=None,
        description="A civil-society speaker's organization: `validate` checks it against "
        "the approved lists of participants.",
    )
    assumed: bool = Field(default=False, description="The length is an assumption.")
    note: Text | None = None
    label_fr: Text | None = Field(default=None, description="The label in French.")
    speaker_fr: Text | None = Field(default=None, description="The speaker in French.")

    @model_validator(mode="after")
    def _needs_minutes(self) -> Self:
        if self.kind != "list" and self.minutes is None:
            raise ValueError(f"item {self.label!r} needs 'minutes' (only kind = 'list' has none)")
        return self


def _day_in_range(value: date) -> date:
    from hlmctl.clock import RANGE_TEXT, day_in_range

    if not day_in_range(value):
        raise ValueError(f"{value.isoformat()} is outside the days hlmctl accepts ({RANGE_TEXT})")
    return value


def _venue_time(value: dt.time) -> dt.time:
    if value.tzinfo is not None:
        raise ValueError(
            f"{value.isoformat()} has a UTC offset: meeting times are the venue's local "
            "time (the meeting's time_zone gives the offset)"
        )
    return value


Day = Annotated[date, AfterValidator(_day_in_range)]
VenueTime = Annotated[dt.time, AfterValidator(_venue_time)]


class Segment(Model):
    id: Id
    kind: SegmentKind
    title: Text
    date: Day | None = None
    start: VenueTime | None = None
    end: VenueTime | None = None
    room: Text = "General Assembly Hall"
    room_fr: Text | None = Field(default=None, description="The room in French.")
    theme: Text | None = None
    title_fr: Text | None = Field(default=None, description="The title in French.")
    theme_fr: Text | None = Field(default=None, description="The theme in French.")
    chairs: list[Person] = []
    moderator: Person | None = None
    panelists: list[Person] = []
    items: list[Item] = []
    after: list[Id] = Field(default=[], description="Closing plenary: the segments it comes after.")
    after_list: Id | None = Field(
        default=None, description="Closing plenary: the list that must be exhausted first."
    )
    source: Text | None = None
    note: Text | None = None

    @model_validator(mode="after")
    def _times(self) -> Self:
        if self.kind == "closing-plenary":
            if self.start is not None or self.end is not None:
                raise ValueError(
                    "a closing plenary has no fixed start or end: it follows 'after_list' "
                    "and 'after'"
                )
            return self
        missing = [k for k in ("date", "start", "end") if getattr(self, k) is None]
        if missing:
            raise ValueError(f"a {self.kind} segment needs {', '.join(missing)}")
        assert self.start is not None and self.end is not None
        if self.end <= self.start:
            raise ValueError(f"ends ({self.end:%H:%M}) before it starts ({self.start:%H:%M})")
        if sum(1 for i in self.items if i.kind == "list") > 1:
            raise ValueError("at most one item of kind 'list'")
        return self

    def start_at(self, tz: ZoneInfo) -> datetime | None:
        if self.date is None or self.start is None:
            return None
        return datetime.combine(self.date, self.start, tz)

    def end_at(self, tz: ZoneInfo) -> datetime | None:
        if self.date is None or self.end is None:
            return None
        return datetime.combine(self.date, self.end, tz)


class SpeakerList(Model):
    id: Id
    title: Text
    segments: list[Id] = Field(min_length=1)
    minutes: Minutes = Field(description="Time limit of a statement.")
    group_minutes: Minutes | None = Field(
        default=None, description="Time limit of a statement on behalf of a group."
    )
    category_minutes: dict[Id, Minutes] = Field(
        default={},
        description="Time limit of a statement by category of participant (category id "
        "-> minutes); a category not named has 'minutes'.",
    )
    assumed: bool = Field(default=False, description="The limits are an assumption.")
    note: Text | None = None
    title_fr: Text | None = Field(default=None, description="The title in French.")
    requests: Literal["secretariat", "auto"] = Field(
        default="secretariat",
        description="Requests to speak from the delegations' desk: decided by the "
        "Secretariat (`requests accept`), or accepted at once while the list is open.",
    )

    def limit_minutes(self, on_behalf_of: str | None, category: str | None = None) -> float:
        """A group statement has ``group_minutes``; else the category's limit; else
        ``minutes``."""
        if on_behalf_of and self.group_minutes is not None:
            return self.group_minutes
        if category is not None and category in self.category_minutes:
            return self.category_minutes[category]
        return self.minutes


# --- lists of participants (the President's lists: modalities paras. 8 and 9) --------

ParticipantKind = Literal[
    "ecosoc-ngo", "ngo", "civil-society", "academic", "private-sector", "media"
]


class ParticipantList(Model):
    """A list of participants beyond States that the modalities ask the President to
    draw up; with ``non_objection``, it is submitted to Member States first."""

    id: Id
    title: Text
    title_fr: Text | None = Field(default=None, description="The title in French.")
    paragraph: Text = Field(description="The number of the paragraph of the modalities, e.g. '9'.")
    source: Text = Field(description="The paragraph's words that create the list.")
    source_fr: Text | None = Field(default=None, description="Those words in French.")
    kinds: list[ParticipantKind] = Field(
        default=[], description="The kinds of organization the list takes (empty: any)."
    )
    non_objection: bool = Field(
        default=False,
        description="Submitted to Member States for their consideration on a "
        "non-objection basis before it is final.",
    )
    name_objectors: bool = Field(
        default=False,
        description="Documents name the States that objected (default: only counted).",
    )
    speaker_lists: list[Id] = Field(
        default=[],
        description="Lists of speakers where an inscription of category ngo must be "
        "an organization this list approved.",
    )


class MeetingInfo(Model):
    id: Id
    title: Text
    venue: Text
    timezone: str
    title_fr: Text | None = Field(default=None, description="The title in French.")
    venue_fr: Text | None = Field(default=None, description="The venue in French.")
    days: list[Day] = Field(min_length=1)
    source: Text | None = None
    notes: list[Text] = []

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r} (use an IANA name such as America/New_York)"
            ) from None
        return value


class Meeting(Model):
    meeting: MeetingInfo
    rules: Rules = Rules.model_construct()
    levels: list[Level] = Field(default=list(DEFAULT_LEVELS), min_length=1)
    level_ranks: dict[Id, int] = Field(
        default_factory=lambda: dict(DEFAULT_LEVEL_RANKS),
        description="Levels that share a rung with an earlier one: id -> 0-based rung.",
    )
    categories: list[Category] = Field(default=list(DEFAULT_CATEGORIES), min_length=1)
    lists: list[SpeakerList] = Field(min_length=1)
    segments: list[Segment] = Field(min_length=1)
    participant_lists: list[ParticipantList] = []

    @model_validator(mode="after")
    def _cross_checks(self) -> Self:
        problems = _located(_cross_problems(self), None)
        if problems:
            raise ValueError("\n".join(problems))
        return self

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.meeting.timezone)

    @cached_property
    def held_days(self) -> list[date]:
        """The meeting's days and the days of its hearings (which may be others)."""
        hearings = {s.date for s in self.segments if s.kind == "hearing" and s.date}
        return sorted(set(self.meeting.days) | hearings)

    def segment(self, segment_id: str) -> Segment:
        return next(s for s in self.segments if s.id == segment_id)

    def speaker_list(self, list_id: str | None) -> SpeakerList:
        if list_id is None:
            return self.lists[0]
        for lst in self.lists:
            if lst.id == list_id:
                return lst
        from hlmctl.errors import InputError

        known = ", ".join(lst.id for lst in self.lists)
        raise InputError(f"unknown list {list_id!r} (this meeting has: {known})")

    def level_rank(self, level_id: str) -> int:
        for index, level in enumerate(self.levels):
            if level.id == level_id:
                return self.level_ranks.get(level_id, index)
        return len(self.levels)

    def category_rank(self, category_id: str) -> int:
        for index, category in enumerate(self.categories):
            if category.id == category_id:
                return index
        return len(self.categories)

    def level_label(self, level_id: str) -> str:
        return next((lv.label for lv in self.levels if lv.id == level_id), level_id)

    def category_label(self, category_id: str) -> str:
        return next((c.label for c in self.categories if c.id == category_id), category_id)

    def list_segments(self, list_id: str) -> list[Segment]:
        """The meetings of a list, in time order."""
        lst = self.speaker_list(list_id)
        segs = [self.segment(s) for s in lst.segments]
        return sorted(segs, key=lambda s: (s.date or date.max, s.start or time.max))


Loc = tuple[int | str, ...]


def _cross_problems(
    m: Meeting,
    *,
    seg_index: dict[str, int] | None = None,
    list_index: dict[str, int] | None = None,
) -> list[tuple[Loc, str]]:
    """Checks across fields, each with the location of the field to fix.

    ``seg_index``/``list_index`` map ids to their place in the file; they also name
    entries that exist but failed their own validation (not "missing").
    """
    segs = seg_index or {s.id: i for i, s in enumerate(m.segments)}
    lsts = list_index or {lst.id: i for i, lst in enumerate(m.lists)}
    problems: list[tuple[Loc, str]] = []
    id_lists: dict[str, list[str]] = {
        "segments": [s.id for s in m.segments],
        "lists": [lst.id for lst in m.lists],
        "levels": [lv.id for lv in m.levels],
        "categories": [c.id for c in m.categories],
        "participant_lists": [p.id for p in m.participant_lists],
    }
    for key, ids in id_lists.items():
        for i, entry_id in enumerate(ids):
            if entry_id in ids[:i]:
                problems.append(((key, i, "id"), f"id {entry_id!r} is used more than once"))
    level_ids = {lv.id for lv in m.levels}
    for lid in m.level_ranks:
        if lid not in level_ids:
            problems.append((("level_ranks", lid), "not a level of this meeting"))
    days = set(m.meeting.days)
    by_id = {s.id: s for s in m.segments}
    for lst in m.lists:
        for sid in lst.segments:
            loc: Loc = ("lists", lsts.get(lst.id, 0), "segments")
            if sid not in segs:
                problems.append((loc, f"no segment {sid!r}"))
            elif sid in by_id and by_id[sid].kind == "closing-plenary":
                problems.append(
                    (
                        loc,
                        f"{sid!r} is a closing plenary, which follows a list rather than "
                        "holding one",
                    )
                )
    for seg in m.segments:
        i = segs.get(seg.id, 0)
        if seg.date is not None and seg.date not in days and seg.kind != "hearing":
            problems.append(
                (
                    ("segments", i, "date"),
                    f"{seg.date.isoformat()} is not one of the meeting's days "
                    f"({', '.join(d.isoformat() for d in sorted(days))}); only a meeting "
                    "of kind 'hearing' may be held on another day",
                )
            )
        if seg.kind == "closing-plenary":
            if seg.after_list is None:
                problems.append(
                    (("segments", i, "after_list"), "a closing plenary needs the list it follows")
                )
            elif seg.after_list not in lsts:
                problems.append((("segments", i, "after_list"), f"no list {seg.after_list!r}"))
        elif seg.after or seg.after_list:
            problems.append(
                (("segments", i, "kind"), "only a closing plenary has 'after' or 'after_list'")
            )
        for ref in seg.after:
            if ref not in segs:
                problems.append((("segments", i, "after"), f"no segment {ref!r}"))
    category_ids = set(id_lists["categories"])
    for lst in m.lists:
        for cat in lst.category_minutes:
            if cat not in category_ids:
                problems.append(
                    (
                        ("lists", lsts.get(lst.id, 0), "category_minutes", cat),
                        f"{cat!r} is not a category of this meeting "
                        f"({', '.join(sorted(category_ids))})",
                    )
                )
    for lst in m.lists:
        slots = []
        for sid in lst.segments:
            found = by_id.get(sid)
            if found is None or found.start is None or found.end is None:
                break
            day = dt.date(2000, 1, 1)
            length = datetime.combine(day, found.end) - datetime.combine(day, found.start)
            slots.append(length.total_seconds() / 60 - sum(i.minutes or 0 for i in found.items))
        else:
            limits = [lst.minutes, lst.group_minutes or 0, *lst.category_minutes.values()]
            if slots and max(limits) > max(slots):
                problems.append(
                    (
                        ("lists", lsts.get(lst.id, 0), "minutes"),
                        f"a statement of {max(limits):g} minutes is longer than the list's "
                        f"time in any of its meetings (at most {max(slots):g} minutes)",
                    )
                )
    for i, plist in enumerate(m.participant_lists):
        for ref in plist.speaker_lists:
            if ref not in lsts:
                problems.append((("participant_lists", i, "speaker_lists"), f"no list {ref!r}"))
    timed = [s for s in m.segments if s.date and s.start and s.end]
    for n, a in enumerate(timed):
        for b in timed[n + 1 :]:
            if a.room == b.room and a.date == b.date:
                assert a.start and a.end and b.start and b.end
                if a.start < b.end and b.start < a.end:
                    problems.append(
                        (
                            ("segments", segs.get(a.id, 0), "end"),
                            f"{a.id!r} ({a.start:%H:%M}-{a.end:%H:%M}) overlaps {b.id!r} "
                            f"({b.start:%H:%M}-{b.end:%H:%M}) in {a.room} on {a.date}",
                        )
                    )
    return problems


def _located(problems: list[tuple[Loc, str]], text: str | None) -> list[str]:
    out = []
    for loc, message in problems:
        line = locate(text, loc) if text is not None else None
        prefix = f"line {line}: " if line else ""
        out.append(f"{prefix}{_dotted(loc)}: {message}")
    return out


# --- loading -------------------------------------------------------------------------


def load_meeting(path: Path, *, cached: bool = True) -> Meeting:
    """Read and validate a meeting file; every problem is listed in one error.

    With ``cached``, a file validated before (the same bytes, by the same code) is
    read back from the user's cache (``cache.py``) instead of validated again."""
    from hlmctl import cache, clock, text
    from hlmctl.files import MEETING_MAX_BYTES, NotThere, read_bounded

    try:
        raw = read_bounded(path, MEETING_MAX_BYTES, "meeting file")
    except NotThere:
        raise InvalidFileError(str(path), ["no such file"]) from None
    if not cached:
        return parse_meeting(raw, str(path))
    # The code that decides what a valid file gives: its models, the text rule, the
    # range of days.
    code = (__file__, text.__file__, clock.__file__)
    return cache.validated(raw, code, Meeting, lambda: parse_meeting(raw, str(path)))


def parse_meeting(raw: bytes, name: str) -> Meeting:
    import tomllib

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidFileError(
            name, [f"is not UTF-8 text (byte {exc.start}: {raw[exc.start : exc.start + 1]!r})"]
        ) from None
    text = text.removeprefix("\ufeff")
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError, RecursionError) as exc:
        cause = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise InvalidFileError(name, [f"is not valid TOML: {cause}"]) from None
    try:
        return Meeting.model_validate(data)
    except ValidationError as exc:
        # Checks across fields run here on the valid parts, with their lines.
        problems = describe_errors(exc, text, skip_cross_checks=True)
        problems += _located(_cross_problems_of_parts(data), text)
        raise InvalidFileError(name, problems) from None


def _cross_problems_of_parts(data: dict[str, object]) -> list[tuple[Loc, str]]:
    """The checks across fields, run on the parts of the file that are valid."""
    from pydantic import TypeAdapter

    raw_segments = _array(data.get("segments"))
    raw_lists = _array(data.get("lists"))
    segments = [s for s in (_valid(Segment, raw) for raw in raw_segments) if s is not None]
    lists = [s for s in (_valid(SpeakerList, raw) for raw in raw_lists) if s is not None]
    info = data.get("meeting")
    raw_days = info.get("days") if isinstance(info, dict) else None
    try:
        days = TypeAdapter(list[date]).validate_python(raw_days)
    except ValidationError:
        days = sorted({s.date for s in segments if s.date})
    levels = [s for s in (_valid(Level, raw) for raw in _array(data.get("levels"))) if s]
    categories = [c for c in (_valid(Category, r) for r in _array(data.get("categories"))) if c]
    ranks = data.get("level_ranks")
    stand_in = Meeting.model_construct(
        meeting=MeetingInfo.model_construct(id="", title="", venue="", timezone="UTC", days=days),
        levels=levels or list(DEFAULT_LEVELS),
        level_ranks={str(k): 0 for k in ranks} if isinstance(ranks, dict) else {},
        categories=categories or list(DEFAULT_CATEGORIES),
        lists=lists,
        segments=segments,
        participant_lists=[
            p
            for p in (_valid(ParticipantList, r) for r in _array(data.get("participant_lists")))
            if p
        ],
    )
    # An entry that failed its own validation still exists: references to it stand.
    problems = _cross_problems(stand_in, seg_index=_ids(raw_segments), list_index=_ids(raw_lists))
    # ... and its category limits still name categories (a valid list is checked above).
    category_ids = {c.id for c in stand_in.categories}
    for i, raw in enumerate(raw_lists):
        limits = raw.get("category_minutes") if isinstance(raw, dict) else None
        if _valid(SpeakerList, raw) is not None or not isinstance(limits, dict):
            continue
        for cat in limits:
            if cat not in category_ids:
                problems.append(
                    (
                        ("lists", i, "category_minutes", str(cat)),
                        f"{cat!r} is not a category of this meeting "
                        f"({', '.join(sorted(category_ids))})",
                    )
                )
    return problems


def _ids(raw: list[object]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for i, entry in enumerate(raw):
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            ids.setdefault(entry["id"], i)
    return ids


def _valid(model: type[M], raw: object) -> M | None:
    try:
        return model.model_validate(raw)
    except ValidationError:
        return None


def _array(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def describe_errors(
    exc: ValidationError, text: str, *, skip_cross_checks: bool = False
) -> list[str]:
    """One line per problem: the field's path, the line where it is, the message."""
    problems: list[str] = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        if skip_cross_checks and not loc and err["type"] == "value_error":
            continue
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key (check its spelling)"
        elif err["type"] == "missing":
            msg = "required key is missing"
        line = locate(text, loc)
        field = _dotted(loc) or "(top level)"
        prefix = f"line {line}: " if line else ""
        for part in msg.split("\n"):
            problems.append(f"{prefix}{field}: {part}" if loc else f"{prefix}{part}")
    return problems


def _dotted(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


# Compiled by ``re`` the first time an error is located, not at every start-up.
_HEADER = r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\"' ]+?)\s*\]\]?\s*(#.*)?$"
_KEY = r"^\s*([A-Za-z0-9_\-]+)\s*="


def locate(text: str, loc: tuple[int | str, ...]) -> int | None:
    """Best effort: the 1-based line of the TOML text where ``loc`` is written."""
    counters: dict[str, int] = {}
    table: tuple[int | str, ...] = ()
    best: int | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(_HEADER, line)
        if header:
            names = [n.strip().strip("\"'") for n in header.group(2).split(".")]
            if header.group(1) == "[[":
                key = ".".join(names)
                # A nested array restarts its count under each new parent entry.
                counters[key] = counters.get(key, -1) + 1
                for other in [k for k in counters if k.startswith(key + ".")]:
                    del counters[other]
            path: list[int | str] = []
            for depth, n in enumerate(names):
                path.append(n)
                sub = ".".join(names[: depth + 1])
                if sub in counters:
                    path.append(counters[sub])
            table = tuple(path)
            if table and loc[: len(table)] == table:
                best = number
            continue
        key_match = re.match(_KEY, line)
        if (
            key_match
            and table == loc[: len(table)]
            and len(loc) > len(table)
            and loc[len(table)] == key_match.group(1)
        ):
            return number
    return best

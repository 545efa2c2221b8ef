"""The record: what happens at the meeting (speakers, statements, the change log).

hlmctl writes it, beside the meeting file, as ``NAME.state.toml``. TOML has no
null, so an empty optional value is simply left out of the file.

The record is read and written with rtoml (a compiled TOML library): at 10,000
speakers it parses in about a tenth of the time of ``tomllib`` and writes in a
tenth of the time of ``tomli_w``, and what it writes reads back exactly. The
meeting file, which people write, stays on ``tomllib`` (see meeting.py).
"""

import builtins
from datetime import UTC, datetime, timedelta, timezone
from typing import Annotated, Any, Literal, Self

import rtoml
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from hlmctl.clock import RANGE_TEXT, in_range
from hlmctl.errors import InvalidFileError
from hlmctl.text import LinesText, SafeText, ShortText

MAX_ID = 10**9  # speaker ids and next_id: far beyond any meeting, far below overflow


# The offset class of the times rtoml reads: it can be neither copied nor pickled.
_RTOML_OFFSET = type(rtoml.loads("t = 2013-05-13T09:30:00-04:00")["t"].tzinfo)
_OFFSETS: dict[timedelta | None, timezone] = {}


def _time_in_range(value: datetime) -> datetime:
    if type(value.tzinfo) is _RTOML_OFFSET:
        # A time read from the record gets the standard library's fixed offset (the
        # same instant and offset), so that the record can be deep-copied and pickled;
        # first, as the range check then compares in C (at 10,000 speakers, 4 ms).
        offset = value.utcoffset()
        tz = _OFFSETS.get(offset) or _OFFSETS.setdefault(offset, timezone(offset or timedelta()))
        value = value.replace(tzinfo=tz)
    if not in_range(value):
        raise ValueError(f"{value.isoformat()} is outside the times hlmctl accepts ({RANGE_TEXT})")
    return value


# Every time in the record: with its UTC offset, within the one range of clock.py.
Time = Annotated[AwareDatetime, AfterValidator(_time_in_range)]

RECORD_FORMAT = 1
# The version of the rules of this module's models: a record an hlmctl wrote under
# other rules is validated in full when read (trusted.py, store/file.py). Change it
# with any rule (a field, a type, a limit, a validator) when the version does not.
RECORD_RULES = 1

Status = Literal["waiting", "speaking", "spoken", "withdrawn"]
SpeakerKind = Literal["statement", "reply"]


def _no_absences() -> list[datetime]:
    """A new empty list. Not ``default_factory=list``: Pydantic reads the signature of
    a factory, and a builtin's costs 2 ms the first time (the tokenize module and its
    regular expression); nor ``default=[]``, which is deep-copied for each speaker
    (10 ms at 10,000)."""
    return []


class RecordModel(BaseModel):
    model_config = ConfigDict(
        extra="forbid", validate_assignment=False, allow_inf_nan=False, defer_build=True
    )


class Speaker(RecordModel):
    id: str = Field(pattern=r"^S[1-9][0-9]{0,8}$")
    list: str
    delegation: ShortText = Field(min_length=1)
    category: str
    level: str
    courtesy: ShortText | None = None
    name: ShortText | None = None
    title: ShortText | None = None
    on_behalf_of: ShortText | None = None
    minutes: float | None = Field(default=None, gt=0, le=24 * 60)
    kind: SpeakerKind = "statement"
    status: Status = "waiting"
    inscribed_at: Time
    placed: bool = False
    started_at: Time | None = None
    ended_at: Time | None = None
    paused_seconds: float = Field(default=0, ge=0, le=366 * 24 * 3600)
    paused_at: Time | None = None
    absences: builtins.list[Time] = Field(default_factory=_no_absences, max_length=10_000)
    meeting: str | None = None
    # The limit the statement was given when it was called (``next``): later
    # announcements and edits of the meeting file leave it as it was.
    limit_seconds: float | None = Field(default=None, gt=0, le=24 * 3600)

    @model_validator(mode="after")
    def _times_fit_status(self) -> Self:
        """Each status has the times the commands rely on, in order."""
        started, ended, paused = self.started_at, self.ended_at, self.paused_at
        if self.status in ("waiting", "withdrawn"):
            # Checked first without building anything: this runs for every speaker.
            if started is not None or ended is not None or paused is not None:
                extra = [k for k in ("started_at", "ended_at", "paused_at") if getattr(self, k)]
                raise ValueError(f"a {self.status} speaker has no {' or '.join(extra)}")
        elif self.status == "speaking":
            if started is None:
                raise ValueError("a speaking speaker needs started_at")
            if ended is not None:
                raise ValueError("a speaking speaker has no ended_at (it has not ended)")
        else:  # spoken
            if started is None or ended is None:
                raise ValueError("a spoken speaker needs started_at and ended_at")
            if paused is not None:
                raise ValueError("a spoken speaker has no paused_at")
        if started is not None and ended is not None and ended < started:
            raise ValueError("ended_at is before started_at")
        if started is not None and paused is not None and paused < started:
            raise ValueError("paused_at is before started_at")
        return self

    def spoken_seconds(self, now: datetime | None = None) -> float | None:
        """Speaking time without pauses: final once ended, running with ``now``."""
        if self.started_at is None:
            return None
        end = self.ended_at or now
        if end is None:
            return None
        paused = self.paused_seconds
        if self.paused_at is not None and self.ended_at is None:
            paused += max(
                0.0, (end.astimezone(UTC) - self.paused_at.astimezone(UTC)).total_seconds()
            )
        # In UTC: across a change of clocks the wall-clock difference is not the time.
        elapsed = end.astimezone(UTC) - self.started_at.astimezone(UTC)
        return max(0.0, elapsed.total_seconds() - paused)


class ListState(RecordModel):
    closed: bool = False
    closed_at: Time | None = None
    # `lists close --at`: requests to speak (the delegations' desk) are taken until then.
    requests_close_at: Time | None = None

    @model_validator(mode="after")
    def _closed_at_only_when_closed(self) -> Self:
        if self.closed_at is not None and not self.closed:
            raise ValueError("an open list has no closed_at")
        return self


class ItemState(RecordModel):
    """A fixed item of a meeting's programme (the Secretary-General's statement at the
    opening) as `next` ran it: ``index`` among the meeting's items (0-based)."""

    index: int = Field(ge=0, le=1000)
    started_at: Time
    ended_at: Time | None = None
    # `pause` and `resume` during the item, as during a statement.
    paused_at: Time | None = None
    paused_seconds: float = Field(default=0, ge=0, le=366 * 24 * 3600)

    @model_validator(mode="after")
    def _in_order(self) -> Self:
        if self.ended_at is not None and self.ended_at < self.started_at:
            raise ValueError("an item ends before it starts")
        return self

    def spoken_seconds(self, now: datetime | None = None) -> float | None:
        """Its time without pauses: final once ended, running with ``now``."""
        end = self.ended_at or now
        if end is None:
            return None
        paused = self.paused_seconds
        if self.paused_at is not None and self.ended_at is None:
            paused += max(0.0, (_as_utc(end) - _as_utc(self.paused_at)).total_seconds())
        return max(0.0, (_as_utc(end) - _as_utc(self.started_at)).total_seconds() - paused)

    def ended(self, at: datetime) -> "ItemState":
        """The item ended at ``at``, a pause in progress counted."""
        paused = self.paused_seconds
        if self.paused_at is not None:
            paused += max(0.0, (_as_utc(at) - _as_utc(self.paused_at)).total_seconds())
        return self.model_copy(update={"ended_at": at, "paused_at": None, "paused_seconds": paused})


def _as_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _no_items() -> list[ItemState]:
    return []


class MeetingState(RecordModel):
    """When a meeting (a segment) actually opened and was adjourned, and the times of
    its fixed items."""

    opened_at: Time | None = None
    adjourned_at: Time | None = None
    items: builtins.list[ItemState] = Field(default_factory=_no_items, max_length=1000)

    @model_validator(mode="after")
    def _in_order(self) -> Self:
        if self.adjourned_at is not None and self.opened_at is None:
            raise ValueError("a meeting is adjourned but was never opened")
        if self.opened_at and self.adjourned_at and self.adjourned_at < self.opened_at:
            raise ValueError("a meeting is adjourned before it opened")
        return self


class LimitAnnouncement(RecordModel):
    """The President announces a new time limit for a list (``lists limit``): it
    applies to the statements not yet begun."""

    list: str
    at: Time
    operator: ShortText
    minutes: float = Field(gt=0, le=24 * 60)
    old_minutes: float = Field(gt=0, le=24 * 60)
    group_minutes: float | None = Field(default=None, gt=0, le=24 * 60)
    old_group_minutes: float | None = Field(default=None, gt=0, le=24 * 60)


class LogEntry(RecordModel):
    at: Time
    operator: ShortText
    command: ShortText
    change: SafeText
    host: ShortText | None = None  # the desk (host name); absent in older records


# --- lists of participants (participants.py: the non-objection procedure) ----------


class Representative(RecordModel):
    """Who represents an organization; the courtesy title only as given."""

    courtesy: ShortText | None = None
    name: ShortText = Field(min_length=1)
    title: ShortText | None = None


class Objection(RecordModel):
    """An objection received from a Member State (for example by letter)."""

    by: ShortText = Field(min_length=1)  # the State's official short name
    at: Time
    note: SafeText | None = None
    withdrawn_at: Time | None = None


class Participant(RecordModel):
    """An organization on one of the President's lists of participants."""

    id: str = Field(pattern=r"^P[1-9][0-9]{0,8}$")
    list: str
    organization: ShortText = Field(min_length=1)
    organization_fr: ShortText | None = None
    kind: str
    ecosoc_status: Literal["general", "special", "roster"] | None = None
    country: ShortText | None = None  # of its headquarters: a State's official name
    representatives: builtins.list[Representative] = Field(default=[], max_length=100)
    added_at: Time
    withdrawn_at: Time | None = None
    objections: builtins.list[Objection] = Field(default=[], max_length=1000)


class Circulation(RecordModel):
    """A list as submitted to Member States: when, the deadline, what it held."""

    at: Time
    deadline: Time
    entries: builtins.list[str] = Field(default=[], max_length=100_000)


MAX_MESSAGE = 120  # characters: a message is read at a glance from the podium


class Message(RecordModel):
    """A short message on the speaker's screen (``hlmctl message``), until cleared."""

    text: ShortText = Field(min_length=1, max_length=MAX_MESSAGE)
    to: Literal["speaker", "hall"] = "speaker"
    flash: bool = False
    at: Time


# --- the delegations' desk (requests.py): invitations and requests to speak ----------


class Invite(RecordModel):
    """A personal link of a delegation to the desk. The secret itself is never kept:
    only its SHA-256, to recognize it."""

    id: str = Field(pattern=r"^I[1-9][0-9]{0,8}$")
    delegation: ShortText = Field(min_length=1)
    category: str
    secret_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    issued_by: ShortText
    issued_at: Time
    expires_at: Time | None = None
    revoked_at: Time | None = None
    revoked_by: ShortText | None = None


RequestStatus = Literal["pending", "accepted", "declined", "withdrawn"]
MAX_NOTE = 500  # characters of a request's note


class SpeakRequest(RecordModel):
    """A delegation's request to speak, until the Secretariat decides (or the list's
    ``requests = "auto"`` accepts it at once). Its id is the reference number."""

    id: str = Field(pattern=r"^R[1-9][0-9]{0,8}$")
    delegation: ShortText = Field(min_length=1)
    category: str
    invite: str | None = None  # the Invite it came through; None when imported
    source: Literal["desk", "import"] = "desk"
    external_ref: ShortText | None = None  # the other system's reference (import)
    list: str
    kind: SpeakerKind = "statement"
    level: str | None = None
    courtesy: ShortText | None = None
    name: ShortText | None = None
    title: ShortText | None = None
    on_behalf_of: ShortText | None = None
    preferences: builtins.list[str] = Field(default=[], max_length=2)  # meeting ids
    note: LinesText | None = Field(default=None, max_length=MAX_NOTE)  # LF between lines
    status: RequestStatus = "pending"
    requested_at: Time
    changed_at: Time | None = None
    decided_at: Time | None = None
    decided_by: ShortText | None = None
    reason: SafeText | None = None  # of a decline
    speaker: str | None = None  # the Speaker id once accepted


class Record(RecordModel):
    format: int = Field(default=RECORD_FORMAT, ge=1, le=RECORD_FORMAT)
    meeting: str
    next_id: int = Field(default=1, ge=1, le=MAX_ID)
    lists: dict[str, ListState] = {}
    meetings: dict[str, MeetingState] = {}
    speakers: list[Speaker] = []
    limits: list[LimitAnnouncement] = []  # in the order announced
    log: list[LogEntry] = []
    participants: list[Participant] = []
    circulations: dict[str, Circulation] = {}
    next_participant: int = Field(default=1, ge=1, le=MAX_ID)
    message: Message | None = None
    invites: list[Invite] = []
    requests: list[SpeakRequest] = []
    next_invite: int = Field(default=1, ge=1, le=MAX_ID)
    next_request: int = Field(default=1, ge=1, le=MAX_ID)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        seen: set[str] = set()
        speaking: set[str] = set()
        for s in self.speakers:
            if s.id in seen:
                raise ValueError(f"speaker id {s.id} appears twice")
            seen.add(s.id)
            if int(s.id[1:]) >= self.next_id:
                raise ValueError(f"speaker id {s.id} is not below next_id ({self.next_id})")
            if s.status == "speaking":
                if s.list in speaking:
                    raise ValueError(f"two speakers are speaking at once in list {s.list}")
                speaking.add(s.list)
        for items, counter, what in (
            (self.invites, self.next_invite, "invitation"),
            (self.requests, self.next_request, "request"),
        ):
            ids: set[str] = set()
            for item in items:
                if item.id in ids:
                    raise ValueError(f"{what} id {item.id} appears twice")
                ids.add(item.id)
                if int(item.id[1:]) >= counter:
                    raise ValueError(f"{what} id {item.id} is not below its counter ({counter})")
        return self

    # --- queries ---------------------------------------------------------------------

    def speaker(self, speaker_id: str) -> Speaker | None:
        return next((s for s in self.speakers if s.id == speaker_id), None)

    def in_list(self, list_id: str) -> list[Speaker]:
        return [s for s in self.speakers if s.list == list_id]

    def waiting(self, list_id: str) -> list[Speaker]:
        return [s for s in self.speakers if s.list == list_id and s.status == "waiting"]

    def current(self, list_id: str) -> Speaker | None:
        return next(
            (s for s in self.speakers if s.list == list_id and s.status == "speaking"), None
        )

    def list_state(self, list_id: str) -> ListState:
        return self.lists.get(list_id) or ListState()

    def meeting_state(self, segment_id: str) -> MeetingState:
        return self.meetings.get(segment_id) or MeetingState()

    def announced(self, list_id: str) -> LimitAnnouncement | None:
        """The list's last announced limit, if the President announced one."""
        return next((a for a in reversed(self.limits) if a.list == list_id), None)

    def latest_time(self) -> datetime | None:
        """The latest time the record holds: no writer may record an earlier one."""
        times: builtins.list[datetime] = [e.at for e in self.log]
        # One pass per field (at 10,000 speakers, half the time of one pass per speaker).
        speakers = self.speakers
        times += [s.inscribed_at for s in speakers]
        times += [s.started_at for s in speakers if s.started_at is not None]
        times += [s.ended_at for s in speakers if s.ended_at is not None]
        times += [s.paused_at for s in speakers if s.paused_at is not None]
        times += [a for s in speakers if s.absences for a in s.absences]
        times += [ls.closed_at for ls in self.lists.values() if ls.closed_at]
        times += [a.at for a in self.limits]
        for ms in self.meetings.values():
            times += [t for t in (ms.opened_at, ms.adjourned_at) if t]
            times += [t for it in ms.items for t in (it.started_at, it.ended_at) if t]
        if self.message is not None:
            times.append(self.message.at)
        for invite in self.invites:
            times += [t for t in (invite.issued_at, invite.revoked_at) if t]
        for req in self.requests:
            times += [t for t in (req.requested_at, req.changed_at, req.decided_at) if t]
        return max(times, default=None)

    def check_clock(self, now: datetime) -> Self:
        """One clock for every writer: refuse a time earlier than the record's latest."""
        from hlmctl.errors import InputError

        latest = self.latest_time()
        if latest is not None and now.astimezone(UTC) < latest.astimezone(UTC):
            shown = latest.astimezone(now.tzinfo)
            raise InputError(
                f"the clock ({now:%Y-%m-%d %H:%M:%S}) is earlier than the latest time in the "
                f"record ({shown:%Y-%m-%d %H:%M:%S}): a change cannot be recorded in the past",
                hint="check --now or $HLMCTL_NOW",
            )
        return self

    def new_id(self) -> str:
        if self.next_id >= MAX_ID:
            from hlmctl.errors import InputError

            raise InputError(f"the record has used every speaker id (up to S{MAX_ID - 1})")
        sid = f"S{self.next_id}"
        self.next_id += 1
        return sid


def empty_record(meeting_id: str) -> Record:
    return Record(meeting=meeting_id)


def parse_record(raw: bytes, name: str, *, trusted: bool = False) -> Record:
    """The record in ``raw``, validated; ``trusted``: bytes hlmctl wrote itself and
    nobody changed since (``Store._wrote``), built without validation when they hold
    nothing unexpected (trusted.py)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidFileError(
            name, [f"is not UTF-8 text (byte {exc.start})"], what="record"
        ) from None
    try:
        data = rtoml.loads(text)
    except (ValueError, RecursionError) as exc:
        # rtoml.TomlParsingError is a ValueError; RecursionError: nested too deeply.
        cause = str(exc) if not isinstance(exc, RecursionError) else "nested too deeply"
        raise InvalidFileError(
            name,
            [
                f"is not valid TOML ({cause}); it may be damaged: restore it from a copy, "
                "hlmctl will not overwrite it"
            ],
            what="record",
        ) from None
    if trusted:
        from hlmctl.trusted import build

        record = build(data)
        if record is not None:
            return record
    try:
        return Record.model_validate(data)
    except ValidationError as exc:
        from hlmctl.meeting import describe_errors

        raise InvalidFileError(name, describe_errors(exc, text), what="record") from None


def dump_record(record: Record) -> bytes:
    data: dict[str, Any] = record.model_dump(exclude_none=True)
    # Keep the file short and readable: leave defaults out of each speaker.
    for speaker in data["speakers"]:
        if speaker.get("kind") == "statement":
            del speaker["kind"]
        if speaker.get("placed") is False:
            del speaker["placed"]
        if speaker.get("paused_seconds") == 0:
            del speaker["paused_seconds"]
        if speaker.get("absences") == []:
            del speaker["absences"]
    if not data.get("meetings"):
        data.pop("meetings", None)
    for key in ("participants", "circulations", "invites", "requests"):  # only if any
        if not data.get(key):
            data.pop(key, None)
    for entry in data.get("participants", []):
        for key in ("representatives", "objections"):
            if entry.get(key) == []:
                del entry[key]
    for key in ("next_participant", "next_invite", "next_request"):
        if data.get(key) == 1:
            del data[key]
    for entry in data.get("requests", []):
        for key, default in (("preferences", []), ("kind", "statement"), ("source", "desk")):
            if entry.get(key) == default:
                del entry[key]
    for state in data.get("meetings", {}).values():
        if state.get("items") == []:
            del state["items"]
        for item in state.get("items", []):
            if item.get("paused_seconds") == 0:
                del item["paused_seconds"]
    if not data.get("limits"):
        data.pop("limits", None)
    for state in data["lists"].values():
        if state.get("closed") is False:
            del state["closed"]
    header = (
        "# The record of a meeting, written by hlmctl: do not edit while hlmctl runs.\n"
        "# Speakers are in list order; `hlmctl log` shows every change.\n\n"
    )
    return (header + rtoml.dumps(data)).encode("utf-8")

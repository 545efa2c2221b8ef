"""Requests to speak from the delegations (through the delegations' desk, or imported
from another inscription system), and the Secretariat's decisions on them. The
personal links that open the desk are ``invites``.

A request is checked when it is made by building the speaker it would become, with the
rules of ``speakers add`` (``speakers.build_speaker``): text, lengths, level, list,
group, the duplicate rule, a closed list, an NGO's approved list. All or nothing: a
request that would be refused as an inscription is refused as a request. When the
Secretariat accepts it, it is inscribed by the same code as ``speakers add``.

Each function changes a ``Record`` in memory or raises an ``HlmError`` having changed
nothing that counts (``Store.change`` keeps the record only when it returns).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from hlmctl import delegations, said
from hlmctl.errors import HlmError, InputError, NothingToDo
from hlmctl.i18n import N_
from hlmctl.invites import approved_name
from hlmctl.meeting import Meeting, SpeakerList
from hlmctl.record import MAX_ID, MAX_NOTE, Invite, Record, Speaker, SpeakRequest
from hlmctl.text import (
    MAX_NOTE_LINES,
    MAX_TEXT,
    clean_text,
    has_visible,
    note_lines,
    unsafe_character,
    unsafe_in_lines,
)

if TYPE_CHECKING:
    from hlmctl.i18n import Lang
    from hlmctl.speakers import Inscribed

KINDS = ("statement", "reply")
STATUSES = ("pending", "accepted", "declined", "withdrawn")
AUTO_DECIDER = "auto (requests = auto)"  # who decided a request accepted at once
# At most this many pending requests of one delegation in one list (a right of reply
# counts too): what a delegation's link, however often opened, can leave waiting.
MAX_PENDING = 3


class RequestError(InputError):
    """A request that cannot be taken as given (exit 2). ``template`` (in the message
    catalog) and ``fields`` let the desk say it in the delegation's language (a field
    that is a ``said.Said`` by its title or label, never an id); ``form_field``: the
    desk's form field it is about."""

    def __init__(self, template: str, *, form_field: str | None = None, **fields: object) -> None:
        super().__init__(template.format(**fields))
        self.template, self.fields, self.form_field = template, fields, form_field


class RequestRefused(NothingToDo):
    """The state of the list or of the request refuses it (exit 3): the list is closed,
    the deadline for requests passed, the request was decided already, the delegation
    has as many requests pending as it may (``form_field``: as ``RequestError``)."""

    def __init__(self, template: str, *, form_field: str | None = None, **fields: object) -> None:
        super().__init__(template.format(**fields))
        self.template, self.fields, self.form_field = template, fields, form_field


class RowsRefused(NothingToDo):
    """An import whose every bad row is refused by the limit on pending requests."""


def said_in(lang: Lang, error: HlmError) -> str:
    """An error's message in ``lang``: a request's own errors are in the catalog, a
    list, meeting, delegation or field said as the desk says it (``said``); the rules
    shared with `speakers add` say theirs in English (check_draft checks first what a
    delegation can type, so that these are reached only for what it cannot)."""
    template = getattr(error, "template", None)
    fields = getattr(error, "fields", None)
    if isinstance(template, str) and isinstance(fields, dict):
        shown = {k: said.shown(lang, v) for k, v in fields.items()}
        status = shown.get("status")
        if isinstance(status, str):  # a state, said in the language too
            shown["status"] = lang._(status)
        return lang._(template).format(**shown)
    return error.message


@dataclass
class Draft:
    """What a delegation types (strings as typed; None: not given)."""

    list_id: str
    kind: str = "statement"  # "statement" | "reply"
    level: str | None = None
    courtesy: str | None = None
    name: str | None = None
    title: str | None = None
    on_behalf_of: str | None = None
    preferences: list[str] = field(default_factory=list)
    note: str | None = None


@dataclass
class Adjust:
    """``requests accept``: what the Secretariat changes as it accepts (None: as the
    delegation asked)."""

    list_id: str | None = None
    level: str | None = None
    category: str | None = None
    courtesy: str | None = None
    name: str | None = None
    title: str | None = None
    on_behalf_of: str | None = None
    minutes: float | None = None
    meeting: str | None = None  # place the statement in this meeting of the list
    force: bool = False


# --- the state of a list --------------------------------------------------------------


def _closed_because(
    meeting: Meeting, record: Record, list_id: str, now: datetime, kind: str = "statement"
) -> RequestRefused | None:
    lst = meeting.speaker_list(list_id)
    segments = meeting.list_segments(lst.id)
    if segments and all(record.meeting_state(s.id).adjourned_at for s in segments):
        return RequestRefused(
            N_("every meeting of the list {list} is over"), list=said.list_of(meeting, lst.id)
        )
    if kind == "reply":  # rights of reply stay open on a closed list (rule 73)
        return None
    state = record.list_state(lst.id)
    if state.closed:
        return RequestRefused(
            N_("the list {list} is closed (rule 73): no new request to speak"),
            list=said.list_of(meeting, lst.id),
        )
    closes = state.requests_close_at
    if closes is not None and closes.astimezone(UTC) <= now.astimezone(UTC):
        return RequestRefused(
            N_("the deadline for requests to speak in {list} passed at {time}"),
            list=said.list_of(meeting, lst.id),
            time=f"{closes.astimezone(meeting.tz):%Y-%m-%d %H:%M}",
        )
    return None


def open_for_requests(
    meeting: Meeting,
    record: Record,
    list_id: str,
    now: datetime,
    kind: str = "statement",
    *,
    lang: Lang | None = None,
) -> str | None:
    """None when the list takes requests (of ``kind``); else why not, in words (a
    right of reply is taken on a closed list, and after the deadline); with ``lang``,
    as the desk says it in that language."""
    reason = _closed_because(meeting, record, list_id, now, kind)
    if reason is None:
        return None
    return said_in(lang, reason) if lang is not None else reason.message


# --- requests -------------------------------------------------------------------------


def _new_request_id(record: Record) -> str:
    if record.next_request >= MAX_ID:
        raise InputError(f"the record has used every request id (up to R{MAX_ID - 1})")
    rid = f"R{record.next_request}"
    record.next_request += 1
    return rid


def _preferences(meeting: Meeting, list_id: str, typed: Sequence[str]) -> list[str]:
    chosen = [p.strip() for p in typed if p.strip()]
    if len(chosen) > 2:
        raise RequestError(
            N_("at most two preferences of meeting, not {n}"), n=len(chosen), form_field="second"
        )
    ids = [s.id for s in meeting.list_segments(list_id)]
    for rank, pref in enumerate(chosen):
        if pref not in ids:
            raise RequestError(
                N_(
                    "preference {meeting} is not a meeting of the list {list} (its meetings: {ids})"
                ),
                meeting=repr(pref),
                list=said.list_of(meeting, list_id),
                ids=said.meetings_of(meeting, ids),
                form_field="first" if rank == 0 else "second",
            )
    if len(chosen) == 2 and chosen[0] == chosen[1]:
        raise RequestError(
            N_("the second preference is the first one again ({meeting})"),
            meeting=said.meeting_of(meeting, chosen[0]),
            form_field="second",
        )
    return chosen


def _list_of(meeting: Meeting, typed: str) -> SpeakerList:
    """The list chosen in the form."""
    wanted = typed.strip()
    try:
        return meeting.speaker_list(wanted)
    except InputError:
        raise RequestError(
            N_("{field}: unknown list {list}"),
            field=said.field("list"),
            list=repr(wanted),
            form_field="list",
        ) from None


def _check_level(meeting: Meeting, typed: str | None) -> None:
    """The level chosen in the form is one of the meeting's ladder."""
    from hlmctl.speakers import id_of

    if typed is None or not typed.strip():
        return
    if id_of(typed, ((lv.id, lv.label) for lv in meeting.levels)) not in {
        lv.id for lv in meeting.levels
    }:
        raise RequestError(
            N_("{field}: unknown level {level} (this meeting's: {known})"),
            field=said.field("level"),
            level=repr(typed.strip()),
            known=said.levels_of(meeting),
            form_field="level",
        )


def _check_approved(
    meeting: Meeting, record: Record, organization: str, list_id: str, now: datetime
) -> None:
    """An organization speaks in a list only from an approved list of participants
    (participants.check_speaker's rule), said at the desk in its language."""
    from hlmctl.participants import approved_organization, lists_for_speakers

    governing = lists_for_speakers(meeting, list_id)
    if governing and approved_organization(meeting, record, organization, list_id, now) is None:
        raise RequestError(
            N_(
                "{list}: a non-governmental organization speaks there only from an approved "
                "list of participants, and {organization} is on none (paras. {paragraphs})"
            ),
            list=said.list_of(meeting, list_id),
            organization=organization,
            paragraphs=", ".join(str(p.paragraph) for p in governing),
            form_field="list",
        )


def _check_replies(
    meeting: Meeting, record: Record, delegation: str, list_id: str, now: datetime
) -> None:
    """Decision 34/401 (live.add_reply's rule), said at the desk in its language."""
    from hlmctl.projection import reply_meeting

    seg_id = reply_meeting(meeting, list_id, now)
    key = delegations.normalize(delegation)
    earlier = [
        s
        for s in record.in_list(list_id)
        if s.kind == "reply"
        and s.meeting == seg_id
        and s.status != "withdrawn"
        and delegations.normalize(s.delegation) == key
    ]
    allowed = len(meeting.rules.reply_minutes)
    if len(earlier) >= allowed:
        raise RequestError(
            N_(
                "rights of reply {of_delegation} at this meeting ({meeting}): {n} already; "
                "decision 34/401 allows at most {max}"
            ),
            of_delegation=said.of_delegation(delegation),
            meeting=said.meeting_of(meeting, seg_id),
            n=len(earlier),
            max=allowed,
            form_field="kind",
        )


def _clean_note(value: str | None) -> str | None:
    """The note as typed in the form's textarea: CRLF and CR become LF, at most
    ``MAX_NOTE`` characters and ``MAX_NOTE_LINES`` lines; every other rule of text
    (no control or invisible character, something visible) holds on each line."""
    if value is None:
        return None
    text = "\n".join(line.rstrip() for line in note_lines(value.strip()))
    if not text:
        return None
    if len(text) > MAX_NOTE:
        raise RequestError(
            N_("{field} is too long ({n} characters; at most {max})"),
            field=said.field("note"),
            n=len(text),
            max=MAX_NOTE,
            form_field="note",
        )
    lines = text.count("\n") + 1
    if lines > MAX_NOTE_LINES:
        raise RequestError(
            N_("{field} has {n} lines; at most {max}"),
            field=said.field("note"),
            n=lines,
            max=MAX_NOTE_LINES,
            form_field="note",
        )
    _refuse_unsafe("note", unsafe_in_lines(text), has_visible(text.replace("\n", " ")))
    return text


def _refuse_unsafe(key: str, found: tuple[int, str] | None, visible: bool) -> None:
    """The text rule, said with the form's field (text.describe_unsafe's rule)."""
    if found is not None:
        position, char = found
        raise RequestError(
            N_(
                "{field} contains a character that breaks lines or hides text (U+{code}) "
                "at position {position}: control and format characters, line separators, "
                "bidi overrides and stray zero-width, invisible or variation characters "
                "are not allowed"
            ),
            field=said.field(key),
            code=f"{ord(char):04X}",
            position=position,
            form_field=key,
        )
    if not visible:
        raise RequestError(
            N_("{field} shows nothing: it has no visible character"),
            field=said.field(key),
            form_field=key,
        )


def _clean_field(key: str, value: str | None) -> str | None:
    """A line of text typed in the form (courtesy, name, title, on behalf of): the text
    rule and its length, said with the form's field."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    _refuse_unsafe(key, unsafe_character(text), has_visible(text))
    if len(text) > MAX_TEXT:
        raise RequestError(
            N_("{field} is too long ({n} characters; at most {max})"),
            field=said.field(key),
            n=len(text),
            max=MAX_TEXT,
            form_field=key,
        )
    return text


class Pending:
    """The pending requests of a record by delegation and list, kept up to date as
    requests are added (an import checks thousands of rows against it)."""

    def __init__(self, record: Record) -> None:
        self.by_key: dict[tuple[str, str], list[SpeakRequest]] = {}
        for request in record.requests:
            if request.status == "pending":
                self.add(request)

    def add(self, request: SpeakRequest) -> None:
        key = (delegations.identity(request.delegation), request.list)
        self.by_key.setdefault(key, []).append(request)

    def of(self, delegation: str, list_id: str) -> list[SpeakRequest]:
        return [
            r
            for r in self.by_key.get((delegations.identity(delegation), list_id), [])
            if r.status == "pending"
        ]


def _group_key(group: str | None) -> str:
    return delegations.identity(group) if group else ""


def _check_pending(
    meeting: Meeting,
    record: Record,
    delegation: str,
    list_id: str,
    kind: str,
    group: str | None,
    replacing: str | None,
    pending: Pending | None = None,
) -> None:
    """At most ``MAX_PENDING`` pending requests of a delegation in a list, none the same
    as another (list, kind, on behalf of): a refusal by the state of the record
    (exit 3), whatever the duplicate rule and ``force`` say. A link opened many times
    opens many sessions; this limit holds for the delegation, whatever its sessions."""
    waiting = [r for r in (pending or Pending(record)).of(delegation, list_id) if r.id != replacing]
    same = next(
        (r for r in waiting if r.kind == kind and _group_key(r.on_behalf_of) == _group_key(group)),
        None,
    )
    if same is not None:
        raise RequestRefused(
            N_(
                "{list}: the same request {of_delegation} is pending already ({id}): "
                "change that request"
            ),
            list=said.list_of(meeting, list_id),
            of_delegation=said.of_delegation(same.delegation),
            id=same.id,
            form_field="on_behalf_of" if group else ("kind" if kind == "reply" else "list"),
        )
    if len(waiting) >= MAX_PENDING:
        raise RequestRefused(
            N_(
                "{list}: {n} requests {of_delegation} are pending already ({ids}); at most "
                "{max} may wait for a decision: change or withdraw one"
            ),
            list=said.list_of(meeting, list_id),
            of_delegation=said.of_delegation(delegation),
            n=len(waiting),
            ids=", ".join(r.id for r in waiting),
            max=MAX_PENDING,
            form_field="list",
        )


def _sandbox(record: Record) -> Record:
    """A copy of the record whose list of speakers and counters can be changed freely:
    a check builds the speaker there (the speakers themselves are not changed)."""
    return record.model_copy(update={"speakers": list(record.speakers)})


def check_draft(
    meeting: Meeting,
    record: Record,
    delegation: str,
    category: str | None,
    draft: Draft,
    now: datetime,
    *,
    replacing: str | None = None,
    force: bool = False,
    inscribed: Inscribed | None = None,
    pending: Pending | None = None,
) -> dict[str, Any]:
    """Every field of a request, checked by building the speaker it would become (the
    record is left as it was). Returns the request's fields, the delegation's name and
    category as ``speakers add`` resolves them. ``inscribed``: for many checks in a row
    (an import), ``speakers.Inscribed`` of the record and ``Pending`` of it. Then the
    limit on what waits (``_check_pending``), even with ``force``."""
    from hlmctl.speakers import Inscription, build_speaker

    if not isinstance(draft.list_id, str) or not draft.list_id.strip():
        raise RequestError(N_("the list is required"), form_field="list")
    for name_of in ("kind", "level", "courtesy", "name", "title", "on_behalf_of", "note"):
        if getattr(draft, name_of) is not None and not isinstance(getattr(draft, name_of), str):
            raise RequestError(
                N_("{field} must be text"), field=said.field(name_of), form_field=name_of
            )
    if not isinstance(draft.preferences, list) or not all(
        isinstance(p, str) for p in draft.preferences
    ):
        raise RequestError(N_("the preferences must be meeting ids"), form_field="first")
    lst = _list_of(meeting, draft.list_id)
    if draft.kind not in KINDS:
        raise RequestError(
            N_("unknown kind {kind} (statement or reply)"), kind=repr(draft.kind), form_field="kind"
        )
    # Field by field, each refusal naming the form's field: the rules shared with
    # `speakers add` below are reached only for what cannot be typed at the desk.
    note = _clean_note(draft.note)
    preferences = _preferences(meeting, lst.id, draft.preferences)
    courtesy = _clean_field("courtesy", draft.courtesy)
    name = _clean_field("name", draft.name)
    title = _clean_field("title", draft.title)
    group = _clean_field("on_behalf_of", draft.on_behalf_of)
    if draft.kind == "statement":
        _check_level(meeting, draft.level)
        if category == "ngo" and meeting.participant_lists and not force:
            _check_approved(meeting, record, delegation, lst.id, now)
    sandbox = _sandbox(record)
    if draft.kind == "reply":
        from hlmctl.live import add_reply

        if preferences:
            raise RequestError(
                N_("a right of reply is taken at the end of the day: no preference of meeting"),
                form_field="first",
            )
        if not force:
            _check_replies(meeting, record, delegation, lst.id, now)
        speaker = add_reply(meeting, sandbox, delegation, lst.id, now, category, force=force)
        level = None
    else:
        key = delegations.identity(delegation)
        if not group and meeting.rules.duplicates == "refuse" and not force:
            twin = next(
                (
                    r
                    for r in record.requests
                    if r.status == "pending"
                    and r.id != replacing
                    and r.list == lst.id
                    and r.kind == "statement"
                    and r.on_behalf_of is None
                    and delegations.identity(r.delegation) == key
                ),
                None,
            )
            if twin is not None:
                raise RequestError(
                    N_(
                        "{list}: a request to speak {of_delegation} is pending already "
                        "({id}): change that request"
                    ),
                    of_delegation=said.of_delegation(twin.delegation),
                    list=said.list_of(meeting, lst.id),
                    id=twin.id,
                    form_field="list",
                )
            if inscribed is None:
                from hlmctl.speakers import Inscribed

                inscribed = Inscribed(record)
            other = inscribed.find(lst.id, key)
            if other is not None:
                raise RequestError(
                    N_(
                        "{list}: a statement {of_delegation} is inscribed already ({id}); "
                        "a statement on behalf of a group may still be requested ({field})"
                    ),
                    of_delegation=said.of_delegation(other.delegation),
                    list=said.list_of(meeting, lst.id),
                    id=other.id,
                    field=said.field("on_behalf_of", "on_behalf_of"),
                    form_field="list",
                )
        speaker = build_speaker(
            meeting,
            sandbox,
            Inscription(
                delegation=delegation,
                list_id=lst.id,
                level=draft.level,
                category=category,
                name=name,
                title=title,
                on_behalf_of=group,
                courtesy=courtesy,
                force=force,
            ),
            now,
            inscribed,
        )
        level = speaker.level if draft.level is not None and draft.level.strip() else None
    _check_pending(meeting, record, delegation, lst.id, draft.kind, group, replacing, pending)
    return {
        "delegation": speaker.delegation,
        "category": speaker.category,
        "list": lst.id,
        "kind": draft.kind,
        "level": level,
        "courtesy": courtesy,
        "name": name,
        "title": title,
        "on_behalf_of": group,
        "preferences": preferences,
        "note": note,
    }


def _refuse_unless_open(
    meeting: Meeting, record: Record, list_id: str, now: datetime, kind: str
) -> None:
    reason = _closed_because(meeting, record, list_id, now, kind)
    if reason is not None:
        raise reason


def submit(
    meeting: Meeting, record: Record, invite: Invite, draft: Draft, now: datetime
) -> SpeakRequest:
    """A delegation's request, from the desk: checked whole; accepted at once when the
    list's ``requests = "auto"``."""
    if not isinstance(draft.list_id, str) or not draft.list_id.strip():
        raise RequestError(N_("the list is required"), form_field="list")
    lst = _list_of(meeting, draft.list_id)
    _refuse_unless_open(meeting, record, lst.id, now, draft.kind)
    fields = check_draft(meeting, record, invite.delegation, invite.category, draft, now)
    request = SpeakRequest(
        id=_new_request_id(record),
        invite=invite.id,
        source="desk",
        requested_at=now,
        **fields,
    )
    record.requests.append(request)
    if lst.requests == "auto":
        accept(meeting, record, request.id, now, operator=AUTO_DECIDER)
    return request


def _own(record: Record, invite: Invite, request_id: str) -> SpeakRequest:
    """The delegation's own request: another delegation's id gets the same answer as an
    id that does not exist."""
    wanted = (request_id or "").strip().upper()
    key = delegations.identity(invite.delegation)
    found = next((r for r in record.requests if r.id == wanted), None)
    if found is None or delegations.identity(found.delegation) != key:
        shown = wanted if wanted[:1] == "R" and wanted[1:].isdigit() else "?"
        raise RequestError(
            N_("no request {id} {of_delegation}"),
            id=shown,
            of_delegation=said.of_delegation(invite.delegation),
        )
    return found


def change(
    meeting: Meeting,
    record: Record,
    invite: Invite,
    request_id: str,
    draft: Draft,
    now: datetime,
) -> SpeakRequest:
    """A delegation changes its own pending request (its reference number stays)."""
    request = _own(record, invite, request_id)
    if request.status != "pending":
        raise RequestRefused(
            N_("{id} is {status}: only a pending request can be changed"),
            id=request.id,
            status=request.status,
        )
    if not isinstance(draft.list_id, str) or not draft.list_id.strip():
        raise RequestError(N_("the list is required"), form_field="list")
    lst = _list_of(meeting, draft.list_id)
    _refuse_unless_open(meeting, record, lst.id, now, draft.kind)
    fields = check_draft(
        meeting, record, invite.delegation, invite.category, draft, now, replacing=request.id
    )
    current = {k: getattr(request, k) for k in fields}
    if current == fields:
        raise RequestRefused(N_("{id} already says that: nothing to change"), id=request.id)
    for key, value in fields.items():
        setattr(request, key, value)
    request.changed_at = now
    if lst.requests == "auto":
        accept(meeting, record, request.id, now, operator=AUTO_DECIDER)
    return request


def withdraw(
    meeting: Meeting, record: Record, invite: Invite, request_id: str, now: datetime
) -> SpeakRequest:
    """A delegation withdraws its request; accepted and still waiting, its speaker is
    withdrawn from the list too."""
    request = _own(record, invite, request_id)
    if request.status in ("declined", "withdrawn"):
        raise RequestRefused(N_("{id} is {status} already"), id=request.id, status=request.status)
    if request.status == "accepted":
        speaker = record.speaker(request.speaker or "")
        if speaker is not None and speaker.status in ("speaking", "spoken"):
            raise RequestRefused(
                N_(
                    "{id} is accepted and its speaker {speaker} is {status}: it can no "
                    "longer be withdrawn"
                ),
                id=request.id,
                speaker=speaker.id,
                status=speaker.status,
            )
        if speaker is not None and speaker.status == "waiting":
            speaker.status = "withdrawn"
    request.status = "withdrawn"
    request.changed_at = now
    return request


def requests_of(record: Record, delegation: str) -> list[SpeakRequest]:
    key = delegations.identity(delegation)
    return [r for r in record.requests if delegations.identity(r.delegation) == key]


def find(record: Record, request_id: str) -> SpeakRequest:
    wanted = (request_id or "").strip().upper()
    found = next((r for r in record.requests if r.id == wanted), None)
    if found is None:
        raise InputError(f"no request {wanted or '(empty)'} in the record")
    return found


# --- the Secretariat's decisions ------------------------------------------------------


@dataclass
class Acceptance:
    speaker: Speaker
    request: SpeakRequest
    placement: str  # how the preference was used, in words ("" when it did not arise)


def accept(
    meeting: Meeting,
    record: Record,
    request_id: str,
    now: datetime,
    *,
    operator: str,
    adjust: Adjust | None = None,
) -> Speaker:
    """Accept a pending request: the speaker it became (``accept_request`` also says
    how its preferences were used)."""
    return accept_request(
        meeting, record, request_id, now, operator=operator, adjust=adjust
    ).speaker


def accept_request(
    meeting: Meeting,
    record: Record,
    request_id: str,
    now: datetime,
    *,
    operator: str,
    adjust: Adjust | None = None,
) -> Acceptance:
    """Inscribe a pending request by the code of ``speakers add`` (protocol order), with
    the Secretariat's adjustments; then use its preferences (preferences.py)."""
    from hlmctl.speakers import Inscription
    from hlmctl.speakers import add as add_speaker

    request = find(record, request_id)
    if request.status != "pending":
        raise RequestRefused(
            N_("{id} {of_delegation} is {status} already"),
            id=request.id,
            of_delegation=said.of_delegation(request.delegation),
            status=request.status,
        )
    how = adjust or Adjust()
    list_id = how.list_id or request.list
    lst = meeting.speaker_list(list_id)

    def pick(given: str | None, asked: str | None) -> str | None:
        return asked if given is None else (given if given.strip() else None)

    if request.kind == "reply":
        from hlmctl.live import add_reply

        speaker = add_reply(
            meeting,
            record,
            request.delegation,
            lst.id,
            now,
            how.category or request.category,
            force=how.force,
        )
        for key in ("courtesy", "name", "title"):
            value = clean_text(key, pick(getattr(how, key), getattr(request, key)))
            setattr(speaker, key, value)
        placement = ""
    else:
        speaker = add_speaker(
            meeting,
            record,
            Inscription(
                delegation=request.delegation,
                list_id=lst.id,
                level=pick(how.level, request.level),
                category=how.category or request.category,
                name=pick(how.name, request.name),
                title=pick(how.title, request.title),
                on_behalf_of=pick(how.on_behalf_of, request.on_behalf_of),
                courtesy=pick(how.courtesy, request.courtesy),
                minutes=how.minutes,
                force=how.force,
            ),
            now,
        )
        from hlmctl.preferences import place_by_preference, place_in_meeting

        if how.meeting is not None:
            placement = place_in_meeting(meeting, record, speaker, how.meeting, now)
        elif lst.id == request.list:
            placement = place_by_preference(meeting, record, speaker, request.preferences, now)
        else:
            placement = "in protocol order (the preferences were for another list)"
    request.status = "accepted"
    request.decided_at = now
    request.decided_by = operator
    request.speaker = speaker.id
    return Acceptance(speaker, request, placement)


def decline(
    record: Record, request_id: str, reason: str, now: datetime, *, operator: str
) -> SpeakRequest:
    request = find(record, request_id)
    text = clean_text("--reason", reason, required=True)
    if request.status != "pending":
        raise RequestRefused(
            N_("{id} {of_delegation} is {status} already"),
            id=request.id,
            of_delegation=said.of_delegation(request.delegation),
            status=request.status,
        )
    request.status = "declined"
    request.reason = text
    request.decided_at = now
    request.decided_by = operator
    return request


def describe_request(request: SpeakRequest) -> str:
    """The log line of a request made ("desk request")."""
    return _described(request, "requested")


def describe_changed(request: SpeakRequest) -> str:
    """The log line of a request changed ("desk change")."""
    return _described(request, "changed its request")


def describe_withdrawn(request: SpeakRequest) -> str:
    """The log line of a request withdrawn ("desk withdraw")."""
    line = f"{request.id} of {request.delegation} withdrawn"
    if request.speaker:
        line += f", with its speaker {request.speaker}"
    return line


def _described(request: SpeakRequest, verb: str) -> str:
    what = "a right of reply" if request.kind == "reply" else "to speak"
    if verb != "requested":
        what = "to speak" if request.kind == "statement" else "for a right of reply"
    group = f" on behalf of {request.on_behalf_of}" if request.on_behalf_of else ""
    prefs = f"; preferences {', '.join(request.preferences)}" if request.preferences else ""
    line = f"{request.id} {request.delegation} {verb} {what} in {request.list}{group}{prefs}"
    if request.status == "accepted" and request.speaker:
        line += f"; accepted at once as {request.speaker} (requests = auto)"
    return line


def describe_acceptance(result: Acceptance) -> str:
    s = result.speaker
    how = f"; {result.placement}" if result.placement else ""
    return (
        f"accepted {result.request.id} of {result.request.delegation} as {s.id} in "
        f"{s.list} ({s.level}, {s.category}){how}"
    )


def describe_decline(request: SpeakRequest) -> str:
    return f"declined {request.id} of {request.delegation}: {request.reason}"


# --- import (another inscription system's export) -------------------------------------

IMPORT_COLUMNS = (
    "delegation",
    "category",
    "list",
    "kind",
    "level",
    "name",
    "title",
    "courtesy",
    "on_behalf_of",
    "preference_1",
    "preference_2",
    "note",
    "reference",
)
MAX_ROW_PROBLEMS = 50


def _cell(row: Mapping[str, Any], key: str) -> str | None:
    value = row.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        value = str(value)
    return value if value.strip() else None


def import_rows(
    meeting: Meeting,
    record: Record,
    rows: Sequence[tuple[int, Mapping[str, Any]]],
    now: datetime,
    *,
    list_id: str | None = None,
    force: bool = False,
) -> list[SpeakRequest]:
    """Rows of another system's export, as pending requests (source "import"): all or
    nothing, every bad row named (up to ``MAX_ROW_PROBLEMS``). A closed list refuses
    them as it refuses an inscription; the deadline for requests is the desk's only."""
    from hlmctl.speakers import Inscribed

    problems: list[str] = []
    added: list[SpeakRequest] = []
    unknown_seen: set[str] = set()
    inscribed = Inscribed(record)  # pending requests inscribe nobody: it stays true
    pending = Pending(record)
    refused_only = True  # every bad row refused by the limit on pending requests (exit 3)
    for number, row in rows:
        unknown = [k for k in row if k not in IMPORT_COLUMNS]
        fresh = [k for k in unknown if k not in unknown_seen]
        unknown_seen.update(unknown)
        if fresh:
            refused_only = False
            problems.append(f"row {number}: unknown column {fresh[0]!r}")
            continue
        if unknown:
            continue
        try:
            typed = _cell(row, "delegation")
            if typed is None:
                raise InputError("column 'delegation': it is empty")
            text = clean_text("delegation", typed, required=True)
            assert text is not None
            # Resolved once, by building the speaker (a name's near misses cost time).
            category = _cell(row, "category")
            approved = approved_name(meeting, record, text, category, now)
            delegation, category = (approved, "ngo") if approved else (text, category)
            chosen = _cell(row, "list") or list_id
            draft = Draft(
                list_id=chosen or meeting.speaker_list(None).id,
                kind=(_cell(row, "kind") or "statement").strip().lower(),
                level=_cell(row, "level"),
                courtesy=_cell(row, "courtesy"),
                name=_cell(row, "name"),
                title=_cell(row, "title"),
                on_behalf_of=_cell(row, "on_behalf_of"),
                preferences=[
                    p for p in (_cell(row, "preference_1"), _cell(row, "preference_2")) if p
                ],
                note=_cell(row, "note"),
            )
            if _cell(row, "preference_2") and not _cell(row, "preference_1"):
                raise InputError("column 'preference_2' is given without 'preference_1'")
            fields = check_draft(
                meeting,
                record,
                delegation,
                category,
                draft,
                now,
                force=force,
                inscribed=inscribed,
                pending=pending,
            )
            reference = clean_text("reference", _cell(row, "reference"))
            request = SpeakRequest(
                id=_new_request_id(record),
                source="import",
                external_ref=reference,
                requested_at=now,
                **fields,
            )
        except (InputError, RequestRefused) as exc:
            refused_only = refused_only and isinstance(exc, RequestRefused)
            problems.append(f"row {number}: {exc.message}")
            continue
        record.requests.append(request)  # so that a second row of it is a duplicate
        pending.add(request)
        added.append(request)
    if problems:
        shown = "; ".join(problems[:MAX_ROW_PROBLEMS])
        more = len(problems) - MAX_ROW_PROBLEMS
        count = f"{len(problems)} bad rows: " if len(problems) > 1 else ""
        tail = f"; and {more} more bad rows" if more > 0 else ""
        # Bad input is exit 2; rows refused only by the limit on pending requests, 3.
        error = RowsRefused if refused_only else InputError
        raise error(f"{count}{shown}{tail}")
    if not added:
        raise NothingToDo("nothing to import: the file has no request")
    return added

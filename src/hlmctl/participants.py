"""The President's lists of participants and the non-objection procedure.

The modalities ask the President of the General Assembly to draw up lists of
participants beyond States (resolution 67/260, paragraphs 8 and 9): the meeting
file names the lists (``participant_lists``), the record holds their entries
(``Record.participants``), each list's circulation to Member States
(``Record.circulations``) and the objections received.

An entry's state follows from the record and the one clock, never stored:

- proposed: on the list, not (yet) circulated;
- circulated: submitted to Member States, the deadline not passed, no objection;
- objected: a Member State objected and has not withdrawn its objection;
- approved: no objection by the deadline (at once on a list the modalities do
  not submit to Member States);
- withdrawn: taken off the list.

Each function changes a ``Record`` in memory or raises ``InputError`` having
changed nothing; ``Store.change`` writes the result. No Typer, no Rich here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, get_args

from hlmctl import delegations
from hlmctl.errors import InputError, NothingToDo
from hlmctl.meeting import Meeting, ParticipantKind, ParticipantList
from hlmctl.record import (
    MAX_ID,
    Circulation,
    Objection,
    Participant,
    Record,
    Representative,
    Speaker,
)
from hlmctl.text import clean_text, describe_unsafe, unsafe_character

if TYPE_CHECKING:
    from hlmctl.spoken import Spoken

KINDS: tuple[str, ...] = get_args(ParticipantKind)
ECOSOC_STATUSES = ("general", "special", "roster")
STATES = ("proposed", "circulated", "objected", "approved", "withdrawn")
# The five regional groups, in the order the UN lists them.
FIVE_GROUPS = (
    "african",
    "asia-pacific",
    "eastern-european",
    "latin-american-and-caribbean",
    "western-european-and-other",
)
MAX_REPRESENTATIVES = 100


# --- reading the meeting file and the record ------------------------------------------


def participant_list(meeting: Meeting, list_id: str | None) -> ParticipantList:
    """A list of participants of the meeting file (the first when None)."""
    if not meeting.participant_lists:
        raise InputError(
            "this meeting file defines no list of participants (add [[participant_lists]] "
            "tables: the README's section on the President's lists shows how)"
        )
    if list_id is None:
        return meeting.participant_lists[0]
    for plist in meeting.participant_lists:
        if plist.id == list_id:
            return plist
    known = ", ".join(p.id for p in meeting.participant_lists)
    raise InputError(f"unknown list of participants {list_id!r} (this meeting has: {known})")


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def is_final(meeting: Meeting, record: Record, list_id: str, now: datetime) -> bool:
    """A list is final once its deadline for objections has passed (at once when the
    modalities do not submit it to Member States)."""
    plist = participant_list(meeting, list_id)
    if not plist.non_objection:
        return True
    circulation = record.circulations.get(list_id)
    return circulation is not None and _utc(now) >= _utc(circulation.deadline)


def state_of(meeting: Meeting, record: Record, entry: Participant, now: datetime) -> str:
    if entry.withdrawn_at is not None:
        return "withdrawn"
    plist = participant_list(meeting, entry.list)
    if not plist.non_objection:
        return "approved"
    circulation = record.circulations.get(entry.list)
    if circulation is None or entry.id not in circulation.entries:
        return "proposed"
    if any(o.withdrawn_at is None for o in entry.objections):
        return "objected"
    if _utc(now) >= _utc(circulation.deadline):
        return "approved"
    return "circulated"


def entries(record: Record, list_id: str) -> list[Participant]:
    return [p for p in record.participants if p.list == list_id]


def group_of(entry: Participant) -> str:
    """The regional group of the country of its headquarters ("" when none)."""
    return delegations.group_of(entry.country) if entry.country else ""


def active_objections(entry: Participant) -> list[Objection]:
    return [o for o in entry.objections if o.withdrawn_at is None]


@dataclass
class Balance:
    """Paragraph 9's "equitable geographical representation": the entries on a list
    (not withdrawn; once final, not objected) by regional group and by kind."""

    list_id: str
    final: bool
    by_group: dict[str, int]  # each of FIVE_GROUPS, then "" (no group, or no country)
    by_kind: dict[str, int]
    missing: list[str]  # groups with no entry


def on_the_list(state: str, final: bool) -> bool:
    return state != "withdrawn" and not (final and state == "objected")


def balance(meeting: Meeting, record: Record, list_id: str, now: datetime) -> Balance:
    final = is_final(meeting, record, list_id, now)
    by_group = dict.fromkeys((*FIVE_GROUPS, ""), 0)
    by_kind: dict[str, int] = {}
    for entry in entries(record, list_id):
        if not on_the_list(state_of(meeting, record, entry, now), final):
            continue
        group = group_of(entry)
        by_group[group if group in by_group else ""] += 1
        by_kind[entry.kind] = by_kind.get(entry.kind, 0) + 1
    missing = [g for g in FIVE_GROUPS if not by_group[g]]
    return Balance(list_id, final, by_group, by_kind, missing)


# --- finding an entry ---------------------------------------------------------------


def _key(name: str) -> str:
    return delegations.fold(name)


def find(
    meeting: Meeting,
    record: Record,
    ref: str,
    *,
    list_id: str | None = None,
    withdrawn: bool = False,
) -> Participant:
    """An entry named by id (``P3``) or by its organization's name (English or
    French, forgiving case and accents), in ``list_id`` when given (a list of the
    meeting file, else an input error)."""
    if list_id is not None:
        participant_list(meeting, list_id)
    text = ref.strip()
    found_unsafe = unsafe_character(text)
    if found_unsafe:
        raise InputError(f"the organization reference {describe_unsafe(*found_unsafe)}")
    if not text:
        raise InputError("the organization reference is empty")
    if text[:1] in "pP" and text[1:].isdigit():
        by_id = next((p for p in record.participants if p.id == text.upper()), None)
        if by_id is None:
            raise InputError(f"no participant {text.upper()} in the record")
        if list_id is not None and by_id.list != list_id:
            raise InputError(f"{by_id.id} is on the list {by_id.list!r}, not {list_id!r}")
        return by_id
    key = _key(text)
    matches = [
        p
        for p in record.participants
        if (list_id is None or p.list == list_id)
        and (withdrawn or p.withdrawn_at is None)
        and key in (_key(p.organization), _key(p.organization_fr or ""))
    ]
    if not matches:
        where = f" on the list {list_id!r}" if list_id else ""
        raise InputError(f"no organization {text!r}{where} (`hlmctl participants list` shows them)")
    if len(matches) > 1:
        ids = ", ".join(f"{p.id} ({p.list})" for p in matches)
        raise InputError(f"{text!r} names several entries ({ids}): give its id or --list")
    return matches[0]


# --- proposing, editing, withdrawing ------------------------------------------------


@dataclass
class Proposal:
    """An organization to put on a list, or the fields of an entry to change
    (``None``: left as it is)."""

    organization: str | None = None
    list_id: str | None = None
    kind: str | None = None
    ecosoc_status: str | None = None
    country: str | None = None
    organization_fr: str | None = None
    # Each as typed: "NAME", "NAME; TITLE" or "NAME; TITLE; COURTESY".
    representatives: Sequence[str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _kind(plist: ParticipantList, typed: str | None, current: str | None) -> str:
    if typed is None:
        if current is not None:
            return current
        allowed: list[str] = [*plist.kinds] or list(KINDS)
        return "ngo" if "ngo" in allowed else allowed[0]
    kind = "-".join(typed.replace("_", " ").casefold().split())
    if kind not in KINDS:
        raise InputError(f"unknown kind {typed!r} (one of: {', '.join(KINDS)})")
    if plist.kinds and kind not in plist.kinds:
        raise InputError(
            f"the list {plist.id!r} (para. {plist.paragraph}) does not take kind {kind!r} "
            f"(it takes: {', '.join(plist.kinds)})"
        )
    return kind


def _country(typed: str | None) -> str | None:
    text = clean_text("country", typed)
    if text is None:
        return None
    entry = delegations.match(text)
    if entry is None or entry.category not in ("member-state", "observer-state"):
        hint = delegations.suggestions(text)
        maybe = f" (did you mean {' or '.join(repr(h) for h in hint)}?)" if hint else ""
        raise InputError(
            f"unknown country {text!r}{maybe}: the country of the headquarters is a State "
            "of the reference data"
        )
    return entry.name


def parse_representative(typed: str) -> Representative:
    """``NAME``, ``NAME; TITLE`` or ``NAME; TITLE; COURTESY``: the courtesy title is
    kept only as given, never guessed."""
    parts = [p.strip() for p in typed.split(";")]
    if len(parts) > 3:
        raise InputError(
            f"representative {typed!r}: give NAME, NAME; TITLE or NAME; TITLE; COURTESY"
        )
    name = clean_text("representative", parts[0], required=True)
    assert name is not None
    title = clean_text("representative's title", parts[1]) if len(parts) > 1 else None
    courtesy = clean_text("representative's courtesy", parts[2]) if len(parts) > 2 else None
    return Representative(name=name, title=title, courtesy=courtesy)


def _representatives(typed: Sequence[str]) -> list[Representative]:
    if len(typed) > MAX_REPRESENTATIVES:
        raise InputError(f"at most {MAX_REPRESENTATIVES} representatives per organization")
    return [parse_representative(t) for t in typed]


def _ecosoc(kind: str, typed: str | None, current: str | None) -> str | None:
    if kind != "ecosoc-ngo":
        if typed is not None:
            raise InputError("--ecosoc-status is for kind ecosoc-ngo only")
        return None
    if typed is None:
        return current
    status = typed.strip().casefold()
    if status not in ECOSOC_STATUSES:
        raise InputError(f"unknown ECOSOC status {typed!r} (one of: general, special, roster)")
    return status


def refuse_if_frozen(record: Record, plist: ParticipantList, what: str) -> None:
    circulation = record.circulations.get(plist.id)
    if circulation is not None:
        raise InputError(
            f"the list {plist.id!r} was circulated to Member States on "
            f"{circulation.at:%Y-%m-%d %H:%M}: its content is frozen as circulated; "
            f"no {what}"
        )


def _refuse_duplicate(
    record: Record, plist: ParticipantList, entry: Participant, *, itself: str | None = None
) -> None:
    names = {_key(entry.organization), _key(entry.organization_fr or "")} - {""}
    for other in entries(record, plist.id):
        if other.id == itself or other.withdrawn_at is not None:
            continue
        if names & {_key(other.organization), _key(other.organization_fr or "")}:
            raise InputError(
                f"{other.organization} is already on the list {plist.id!r} as {other.id}"
            )


def _new_id(record: Record) -> str:
    if record.next_participant >= MAX_ID:
        raise InputError(f"the record has used every participant id (up to P{MAX_ID - 1})")
    pid = f"P{record.next_participant}"
    record.next_participant += 1
    return pid


def build(meeting: Meeting, record: Record, proposal: Proposal, now: datetime) -> Participant:
    """Check a proposal and make the entry (not yet in the record)."""
    plist = participant_list(meeting, proposal.list_id)
    organization = clean_text("organization", proposal.organization, required=True)
    assert organization is not None
    kind = _kind(plist, proposal.kind, None)
    entry = Participant(
        id="P1",  # its own id once every check has passed
        list=plist.id,
        organization=organization,
        organization_fr=clean_text("french name", proposal.organization_fr),
        kind=kind,
        ecosoc_status=_ecosoc(kind, proposal.ecosoc_status, None),
        country=_country(proposal.country),
        representatives=_representatives(proposal.representatives or ()),
        added_at=now,
    )
    _refuse_duplicate(record, plist, entry)
    refuse_if_frozen(record, plist, "organization can be added")
    entry.id = _new_id(record)
    return entry


def add(meeting: Meeting, record: Record, proposal: Proposal, now: datetime) -> Participant:
    entry = build(meeting, record, proposal, now)
    record.participants.append(entry)
    return entry


def edit(meeting: Meeting, record: Record, entry: Participant, proposal: Proposal) -> list[str]:
    """Change the fields given; returns the names of the fields changed."""
    plist = participant_list(meeting, entry.list)
    if entry.withdrawn_at is not None:
        raise InputError(f"{entry.id} {entry.organization} was withdrawn: nothing to edit")
    if proposal.list_id is not None and proposal.list_id != entry.list:
        raise InputError(
            "an entry stays on its list: remove it and add it to the other list instead"
        )
    refuse_if_frozen(record, plist, "entry can be edited")
    changes: dict[str, Any] = {}
    if proposal.organization is not None:
        changes["organization"] = clean_text("organization", proposal.organization, required=True)
    if proposal.organization_fr is not None:
        changes["organization_fr"] = clean_text("french name", proposal.organization_fr)
    kind = _kind(plist, proposal.kind, entry.kind)
    if kind != entry.kind:
        changes["kind"] = kind
    status = _ecosoc(kind, proposal.ecosoc_status, entry.ecosoc_status)
    if status != entry.ecosoc_status:
        changes["ecosoc_status"] = status
    if proposal.country is not None:
        changes["country"] = _country(proposal.country)
    if proposal.representatives is not None:
        changes["representatives"] = _representatives(proposal.representatives)
    changed = [k for k, v in changes.items() if getattr(entry, k) != v]
    if not changed:
        raise NothingToDo(f"{entry.id} {entry.organization}: nothing to change")
    updated = entry.model_copy(update={k: changes[k] for k in changed})
    _refuse_duplicate(record, plist, updated, itself=entry.id)
    for k in changed:
        setattr(entry, k, changes[k])
    return changed


def remove(record: Record, entry: Participant, now: datetime) -> None:
    if entry.withdrawn_at is not None:
        # Nothing to do, as `speakers remove` of a speaker withdrawn already (exit 3).
        raise NothingToDo(f"{entry.id} {entry.organization} was already withdrawn")
    entry.withdrawn_at = now


# --- the non-objection procedure ------------------------------------------------------


def circulate(
    meeting: Meeting, record: Record, list_id: str | None, deadline: datetime, now: datetime
) -> Circulation:
    """Submit the proposed list to Member States: its content is frozen as it is."""
    plist = participant_list(meeting, list_id)
    if not plist.non_objection:
        raise InputError(
            f"the list {plist.id!r} (para. {plist.paragraph}) is not submitted to Member States on "
            "a non-objection basis (the meeting file's non_objection): it is final as drawn up"
        )
    done = record.circulations.get(plist.id)
    if done is not None:
        raise InputError(
            f"the list {plist.id!r} was already circulated on {done.at:%Y-%m-%d %H:%M}, "
            f"with objections due by {done.deadline:%Y-%m-%d %H:%M}"
        )
    if _utc(deadline) <= _utc(now):
        raise InputError(
            f"the deadline ({deadline:%Y-%m-%d %H:%M}) is not after the clock "
            f"({now:%Y-%m-%d %H:%M}): Member States need time to consider the list"
        )
    ids = [p.id for p in entries(record, plist.id) if p.withdrawn_at is None]
    if not ids:
        raise InputError(f"the list {plist.id!r} has no organization to circulate")
    circulation = Circulation(at=now, deadline=deadline, entries=ids)
    record.circulations[plist.id] = circulation
    return circulation


def member_state(typed: str) -> str:
    """The official name of the Member State ``typed`` names; anyone else is refused:
    only Member States consider the list (para. 9)."""
    text = clean_text("--by", typed, required=True)
    assert text is not None
    entry = delegations.match(text)
    if entry is None:
        hint = delegations.suggestions(text)
        maybe = f" (did you mean {' or '.join(repr(h) for h in hint)}?)" if hint else ""
        raise InputError(
            f"{text!r} is not a Member State of the reference data{maybe}: only Member "
            "States may object"
        )
    if entry.category != "member-state":
        raise InputError(f"{entry.name} is not a Member State: only Member States may object")
    return entry.name


def _open_for_objections(
    meeting: Meeting, record: Record, entry: Participant, now: datetime
) -> Circulation:
    plist = participant_list(meeting, entry.list)
    if not plist.non_objection:
        raise InputError(
            f"the list {plist.id!r} is not submitted to Member States: no objection to receive"
        )
    circulation = record.circulations.get(entry.list)
    if circulation is None:
        raise InputError(
            f"the list {entry.list!r} has not been circulated yet: `hlmctl participants "
            f"circulate {entry.list} --deadline TIME` submits it to Member States"
        )
    if entry.id not in circulation.entries:
        raise InputError(f"{entry.id} {entry.organization} was not on the list as circulated")
    if _utc(now) >= _utc(circulation.deadline):
        raise InputError(
            f"the deadline for objections to the list {entry.list!r} passed at "
            f"{circulation.deadline:%Y-%m-%d %H:%M}: the list is final"
        )
    if entry.withdrawn_at is not None:
        raise InputError(f"{entry.id} {entry.organization} was withdrawn from the list")
    return circulation


def object_to(
    meeting: Meeting,
    record: Record,
    entry: Participant,
    state: str,
    now: datetime,
    note: str | None = None,
) -> Objection:
    """Record an objection from a Member State: one per State per organization."""
    _open_for_objections(meeting, record, entry, now)
    by = member_state(state)
    if any(o.by == by for o in active_objections(entry)):
        raise InputError(f"{by} has already objected to {entry.id} {entry.organization}")
    objection = Objection(by=by, at=now, note=clean_text("--note", note))
    entry.objections.append(objection)
    return objection


def withdraw_objection(
    meeting: Meeting, record: Record, entry: Participant, state: str, now: datetime
) -> Objection:
    _open_for_objections(meeting, record, entry, now)
    by = member_state(state)
    found = next((o for o in active_objections(entry) if o.by == by), None)
    if found is None:
        raise InputError(f"{by} has no objection to {entry.id} {entry.organization} to withdraw")
    found.withdrawn_at = now
    return found


# --- who may speak for civil society (point 4) ----------------------------------------


def lists_for_speakers(meeting: Meeting, speaker_list: str) -> list[ParticipantList]:
    """The lists of participants whose approval an ngo inscription in ``speaker_list``
    needs (none: the meeting file asks no such check there)."""
    return [p for p in meeting.participant_lists if speaker_list in p.speaker_lists]


def approved_organization(
    meeting: Meeting, record: Record, organization: str, speaker_list: str, now: datetime
) -> Participant | None:
    """The approved entry that ``organization`` names on a list that governs
    ``speaker_list``, or None."""
    key = _key(organization)
    for plist in lists_for_speakers(meeting, speaker_list):
        for entry in entries(record, plist.id):
            if key in (_key(entry.organization), _key(entry.organization_fr or "")) and (
                state_of(meeting, record, entry, now) == "approved"
            ):
                return entry
    return None


def approved_names(meeting: Meeting, record: Record, now: datetime) -> dict[str, Spoken]:
    """The organizations approved at ``now`` on any list, as their lists spell them in
    English and French: what the Journal and the script name them by."""
    from hlmctl import spoken

    approved = [
        (entry.organization, entry.organization_fr)
        for entry in record.participants
        if entry.list in {p.id for p in meeting.participant_lists}
        and state_of(meeting, record, entry, now) == "approved"
    ]
    return spoken.listed(approved)


def named_in_meeting_file(meeting: Meeting) -> list[tuple[str, str]]:
    """The civil-society speakers the meeting file names for its fixed items (the
    opening's NGO representative) and its panels: (where, organization) each."""
    named = []
    for seg in meeting.segments:
        for n, item in enumerate(seg.items):
            if item.organization:
                named.append((f"segment {seg.id!r}, item {n + 1}", item.organization))
        people = [("chairs", p) for p in seg.chairs] + [("panelists", p) for p in seg.panelists]
        if seg.moderator is not None:
            people.append(("moderator", seg.moderator))
        for role, person in people:
            if person.organization:
                named.append((f"segment {seg.id!r}, {role}", person.organization))
    return named


def unapproved_in_meeting_file(meeting: Meeting, record: Record, now: datetime) -> list[str]:
    """The organizations the meeting file names for a civil-society speaker that no
    list of participants approves at ``now``: one note each, for `validate`."""
    notes = []
    lists = ", ".join(p.id for p in meeting.participant_lists)
    for where, organization in named_in_meeting_file(meeting):
        key = _key(organization)
        approved = any(
            key in (_key(e.organization), _key(e.organization_fr or ""))
            and state_of(meeting, record, e, now) == "approved"
            for e in record.participants
            if e.list in {p.id for p in meeting.participant_lists}
        )
        if approved:
            continue
        if not lists:
            notes.append(
                f"{where}: organization {organization!r} cannot be checked: the meeting "
                "file defines no list of participants"
            )
        else:
            notes.append(
                f"{where}: organization {organization!r} is not (yet) approved on a list "
                f"of participants ({lists}; `hlmctl participants list` shows them)"
            )
    return notes


def check_speaker(
    meeting: Meeting,
    record: Record,
    organization: str,
    speaker_list: str,
    now: datetime,
    *,
    force: bool,
) -> tuple[str, bool]:
    """An inscription of category ngo: the organization as its approved list spells it,
    and whether it was inscribed by force although on no approved list. Refused,
    naming the lists, when it is on none and not forced."""
    governing = lists_for_speakers(meeting, speaker_list)
    if not governing:
        return organization, False
    entry = approved_organization(meeting, record, organization, speaker_list, now)
    if entry is not None:
        return entry.organization, False
    if force:
        return organization, True
    names = ", ".join(f"{p.id} (para. {p.paragraph})" for p in governing)
    raise InputError(
        f"{organization!r} is on no approved list of participants ({names}): in "
        f"{speaker_list!r}, a non-governmental organization must be on one "
        "(`hlmctl participants list` shows them); `speakers add --force` inscribes it "
        "anyway, and the log says so"
    )


def forced_note(
    meeting: Meeting, record: Record, speaker: Speaker, now: datetime, *, force: bool
) -> str:
    """What the log adds when --force inscribed an NGO on no approved list ("" else)."""
    if not force or speaker.category != "ngo" or speaker.kind != "statement":
        return ""
    governing = lists_for_speakers(meeting, speaker.list)
    if not governing or approved_organization(
        meeting, record, speaker.delegation, speaker.list, now
    ):
        return ""
    ids = ", ".join(p.id for p in governing)
    return f" (forced: on no approved list of participants: {ids})"


# --- importing ------------------------------------------------------------------------

IMPORT_COLUMNS = (
    "organization",
    "organization_fr",
    "list",
    "kind",
    "ecosoc_status",
    "country",
    "representatives",
)


# Columns of `participants list --format csv` that the record derives or keeps itself:
# an import reads past them (each row is proposed afresh).
DERIVED = ("id", "regional_group", "state", "objections", "added_at", "withdrawn_at")


def _cell(row: Mapping[str, Any], key: str) -> str | None:
    value = row.get(key)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def read_rows(raw: bytes, name: str) -> list[tuple[int, dict[str, str]]]:
    """The rows of a participants CSV (a header row naming ``organization``), each
    with its line number; a cell that export neutralized as a formula is given back."""
    import csv
    import io

    from hlmctl.csvio import MAX_BYTES, MAX_ROWS, unneutralize

    if len(raw) > MAX_BYTES:
        raise InputError(f"{name}: too large ({len(raw)} bytes; at most {MAX_BYTES})")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    if not text.strip():
        raise InputError(f"{name}: the file is empty")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)  # a quote left open: refused
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        columns = [h.strip() for h in next(reader)]
        if "organization" not in columns:
            raise InputError(
                f"{name}: the header row has no 'organization' column (found: {', '.join(columns)})"
            )
        dupes = sorted({c for c in columns if columns.count(c) > 1})
        if dupes:
            raise InputError(f"{name}: column {dupes[0]!r} appears twice in the header row")
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise InputError(f"{name}: more than {MAX_ROWS:,} rows")
            if len(cells) != len(columns):
                raise InputError(
                    f"{name}: row {reader.line_num}: {len(cells)} cells, but the header has "
                    f"{len(columns)} columns"
                )
            row = {c: unneutralize(v) for c, v in zip(columns, cells, strict=True) if v.strip()}
            rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise InputError(f"{name}: row {reader.line_num}: not valid CSV ({exc})") from None
    return rows


def import_rows(
    meeting: Meeting,
    record: Record,
    rows: list[tuple[int, Mapping[str, Any]]],
    now: datetime,
    list_id: str | None = None,
) -> list[Participant]:
    """All or nothing: the first bad row refuses the whole import, naming it.
    ``representatives``: several separated by ``|``, each NAME; TITLE; COURTESY."""
    added: list[Participant] = []
    for number, row in rows:
        unknown = sorted(k for k in row if k and k not in IMPORT_COLUMNS and k not in DERIVED)
        try:
            if unknown:
                raise InputError(
                    f"unknown column {unknown[0]!r} (columns: {', '.join(IMPORT_COLUMNS)})"
                )
            cells = {k: _cell(row, k) for k in IMPORT_COLUMNS}
            reps = cells["representatives"]
            proposal = Proposal(
                organization=cells["organization"],
                list_id=cells["list"] or list_id,
                kind=cells["kind"],
                ecosoc_status=cells["ecosoc_status"],
                country=cells["country"],
                organization_fr=cells["organization_fr"],
                representatives=[r for r in reps.split("|") if r.strip()] if reps else (),
            )
            entry = build(meeting, record, proposal, now)
        except InputError as exc:
            raise InputError(f"row {number}: {exc.message}") from None
        record.participants.append(entry)
        added.append(entry)
    if not added:
        raise InputError("nothing to import: the file has no row")
    return added

"""Plain data views of domain objects: the JSON and CSV shapes of the contract."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from hlmctl.meeting import Meeting, Person
from hlmctl.ordering import waiting_position
from hlmctl.projection import (
    Agenda,
    AgendaSegment,
    Overflow,
    limit_minutes,
    limit_seconds,
    limit_words,
)
from hlmctl.record import Record, Speaker

if TYPE_CHECKING:
    from hlmctl.fixed_items import ItemCall
    from hlmctl.live import Status
    from hlmctl.report import Report, Total


def iso(value: datetime | None, meeting: Meeting) -> str | None:
    return value.astimezone(meeting.tz).isoformat() if value else None


def speaker_view(
    meeting: Meeting,
    record: Record,
    speaker: Speaker,
    agenda: Agenda | None,
    *,
    position: int | None = None,
    groups: bool = True,
) -> dict[str, Any]:
    """``groups=False`` leaves ``regional_group`` out (None): it needs the reference
    data, which a view for people does not show."""
    place = agenda.placements.get(speaker.id) if agenda else None
    spoken = speaker.spoken_seconds() if speaker.ended_at else None
    return {
        "id": speaker.id,
        "list": speaker.list,
        "position": position if position is not None else waiting_position(record, speaker),
        "delegation": speaker.delegation,
        "category": speaker.category,
        "level": speaker.level,
        "courtesy": speaker.courtesy,
        "name": speaker.name,
        "title": speaker.title,
        "on_behalf_of": speaker.on_behalf_of,
        "minutes": limit_minutes(meeting, speaker, record),
        "kind": speaker.kind,
        "placed": speaker.placed,
        "status": speaker.status,
        "inscribed_at": iso(speaker.inscribed_at, meeting),
        "estimated_start": iso(place.start, meeting)
        if place and speaker.status == "waiting"
        else None,
        "estimated_end": iso(place.end, meeting)
        if place and speaker.status != "spoken" and speaker.status != "withdrawn"
        else None,
        "started_at": iso(speaker.started_at, meeting),
        "ended_at": iso(speaker.ended_at, meeting),
        "spoken_seconds": round(spoken, 3) if spoken is not None else None,
        "segment": place.segment_id if place else None,
        "regional_group": _group_of(speaker.delegation) if groups else None,
        "absences": [iso(a, meeting) for a in speaker.absences],
        # The limit the statement was given when called (null until then).
        "limit_seconds": limit_seconds(meeting, speaker, record)
        if speaker.status in ("speaking", "spoken")
        else None,
    }


def _group_of(delegation: str) -> str | None:
    # The reference data is imported (and read) only when a view shows a group.
    from hlmctl import delegations

    return delegations.group_of(delegation) or None


def _reference_data() -> dict[str, str]:
    from hlmctl import delegations

    ref = delegations.reference()
    return {"source": ref.source, "as_of": ref.as_of}


def speakers_view(
    meeting: Meeting, record: Record, speakers: list[Speaker], agenda: Agenda | None
) -> list[dict[str, Any]]:
    positions: dict[str, int] = {}
    counters: dict[str, int] = {}
    for s in record.speakers:
        if s.status == "waiting":
            counters[s.list] = counters.get(s.list, 0) + 1
            positions[s.id] = counters[s.list]
    return [
        speaker_view(meeting, record, s, agenda, position=positions.get(s.id)) for s in speakers
    ]


def _person(p: Person) -> dict[str, Any]:
    return {"role": p.role, "name": p.name, "delegation": p.delegation, "note": p.note}


def segment_view(meeting: Meeting, a: AgendaSegment) -> dict[str, Any]:
    seg = a.segment
    holder = next((lst.id for lst in meeting.lists if seg.id in lst.segments), None)
    return {
        "id": seg.id,
        "kind": seg.kind,
        "title": seg.title,
        "start": iso(a.start, meeting),
        "end": iso(a.end, meeting),
        "projected": a.projected,
        "status": a.status,
        "scheduled_start": iso(seg.start_at(meeting.tz), meeting),
        "scheduled_end": iso(seg.end_at(meeting.tz), meeting),
        "late_start": a.late_start,
        "overrun": a.overrun,
        "early_end": a.early_end,
        "room": seg.room,
        "theme": seg.theme,
        "list": holder,
        "chairs": [_person(p) for p in seg.chairs],
        "moderator": _person(seg.moderator) if seg.moderator else None,
        "panelists": [_person(p) for p in seg.panelists],
        "source": seg.source,
        "note": a.note or seg.note,
        "not_taken": [
            {"kind": it.kind, "label": it.label, "speaker": it.speaker} for it in a.not_taken
        ],
        "items": [
            {
                "start": iso(i.start, meeting),
                "end": iso(i.end, meeting),
                "kind": i.kind,
                "label": i.label,
                "projected": i.projected,
                "speaker_id": i.speaker_id,
                **({"status": i.speaker.status} if i.speaker else {}),
                **(
                    {"speaker": i.item.speaker, "assumed": i.item.assumed}
                    if i.item is not None
                    else {}
                ),
            }
            for i in a.items
        ],
    }


def overflow_message(o: Overflow) -> str:
    """One sentence a President could read out."""
    fix = (
        f"a limit of {limit_words(o.limit_seconds)} per statement would let all {o.waiting} speak"
        if o.limit_seconds
        else "no limit of 30 seconds or more would let them all speak"
    )
    return (
        f"the list {o.list_id!r} does not fit its meetings: {len(o.speakers)} of its "
        f"waiting speakers are not reached; {fix}"
    )


def agenda_view(
    meeting: Meeting, record: Record, agenda: Agenda, day: str | None
) -> dict[str, Any]:
    info = meeting.meeting
    return {
        "meeting": {
            "id": info.id,
            "title": info.title,
            "venue": info.venue,
            "timezone": info.timezone,
            "days": [d.isoformat() for d in info.days],
            "source": info.source,
            "notes": info.notes,
        },
        "segments": [segment_view(meeting, a) for a in agenda.for_day(day)],
        "overflow": [
            {
                "list": o.list_id,
                "count": len(o.speakers),
                "speaker_ids": [s.id for s in o.speakers],
                "speakers": speakers_view(meeting, record, o.speakers, agenda),
                "waiting": o.waiting,
                "fits_with_limit_seconds": o.limit_seconds,
                "fits_with_limit_minutes": round(o.limit_seconds / 60, 2)
                if o.limit_seconds
                else None,
                "message": overflow_message(o),
            }
            for o in agenda.overflow
        ],
    }


def item_view(meeting: Meeting, call: ItemCall, agenda: Agenda | None) -> dict[str, Any]:
    """A fixed item of a meeting's programme (the Secretary-General's statement) in the
    shape of a speaker object, so that `now`, the board and the caption show who speaks:
    ``kind`` is ``item``, ``id`` null, ``delegation`` who gives it, ``title`` the item."""
    item, state = call.item, call.state
    shown = next(
        (
            i
            for a in (agenda.segments if agenda else [])
            if a.segment.id == call.segment.id
            for i in a.items
            if i.item is item
        ),
        None,
    )
    spoken = None
    if state is not None and state.ended_at is not None:
        spoken = round(state.spoken_seconds() or 0.0, 3)
    status = "waiting" if state is None else ("spoken" if state.ended_at else "speaking")
    return {
        "id": None,
        "list": None,
        "position": None,
        "delegation": item.speaker or item.label,
        "category": None,
        "level": None,
        "courtesy": None,
        "name": None,
        "title": item.label if item.speaker else None,
        "on_behalf_of": None,
        "minutes": item.minutes,
        "kind": "item",
        "placed": False,
        "status": status,
        "inscribed_at": None,
        "estimated_start": iso(shown.start, meeting) if shown and state is None else None,
        "estimated_end": iso(shown.end, meeting) if shown and status != "spoken" else None,
        "started_at": iso(state.started_at, meeting) if state else None,
        "ended_at": iso(state.ended_at, meeting) if state else None,
        "spoken_seconds": spoken,
        "segment": call.segment.id,
        "regional_group": None,
        "absences": [],
        "item": {"segment": call.segment.id, "index": call.item_index, "kind": item.kind},
    }


def status_view(
    meeting: Meeting, record: Record, st: Status, agenda: Agenda, *, groups: bool = True
) -> dict[str, Any]:
    def one(s: Speaker | None) -> dict[str, Any] | None:
        return speaker_view(meeting, record, s, agenda, groups=groups) if s else None

    upcoming: list[dict[str, Any] | None]
    if st.item is not None or st.next_items:
        current = item_view(meeting, st.item, agenda) if st.item else None
        upcoming = [item_view(meeting, i, agenda) for i in st.next_items]
    else:
        current, upcoming = one(st.current), [one(s) for s in st.next]
    return {
        "list": st.list_id,
        "current": current,
        "elapsed_seconds": round(st.elapsed_seconds, 3) if st.elapsed_seconds is not None else None,
        "remaining_seconds": round(st.remaining_seconds, 3)
        if st.remaining_seconds is not None
        else None,
        "limit_seconds": st.limit_seconds,
        "paused": st.paused,
        "next": upcoming,
        "ended": item_view(meeting, st.ended_item, agenda) if st.ended_item else one(st.ended),
        "then": st.then,
        "continues": st.continues,
        "message": message_view(meeting, record),
    }


def message_view(meeting: Meeting, record: Record) -> dict[str, Any] | None:
    """The message on the speaker's screen (``hlmctl message``), or None."""
    m = record.message
    if m is None:
        return None
    return {"text": m.text, "to": m.to, "flash": m.flash, "at": iso(m.at, meeting)}


def _total(t: Total) -> dict[str, Any]:
    return {
        "key": t.key,
        "label": t.label,
        "statements": t.statements,
        "seconds": round(t.seconds, 3),
        "overruns": t.overruns,
        "overrun_seconds": round(t.overrun_seconds, 3),
        "replies": t.replies,
        "reply_seconds": round(t.reply_seconds, 3),
    }


def report_view(meeting: Meeting, record: Record, report: Report) -> dict[str, Any]:
    return {
        "meeting": {"id": meeting.meeting.id, "title": meeting.meeting.title},
        "statements": [
            {
                **speaker_view(meeting, record, st.speaker, report.agenda),
                "limit_seconds": st.limit,
                "over_seconds": round(st.over, 3),
            }
            for st in report.statements
        ],
        "replies": [
            {
                **speaker_view(meeting, record, st.speaker, report.agenda),
                "limit_seconds": st.limit,
                "over_seconds": round(st.over, 3),
            }
            for st in report.replies
        ],
        "totals": {name: [_total(t) for t in totals] for name, totals in report.by.items()},
        # One pass for the positions of all (speaker_view alone looks each one up).
        "not_spoken": speakers_view(meeting, record, report.not_spoken, report.agenda),
        "items": [
            {
                "segment": i.segment,
                "index": i.index,
                "kind": i.item.kind,
                "label": i.item.label,
                "speaker": i.item.speaker,
                "started_at": iso(i.started_at, meeting),
                "ended_at": iso(i.ended_at, meeting),
                "spoken_seconds": round(i.seconds, 3),
                "limit_seconds": i.limit,
                "over_seconds": round(i.seconds - i.limit, 3),
            }
            for i in report.items
        ],
        "chairs": [
            {"segment": seg, "delegation": d, "regional_group": g} for seg, d, g in report.chairs
        ],
        "panels": [
            {
                "segment": p.segment,
                "members": [
                    {
                        "role": m.role,
                        "name": m.name,
                        "delegation": m.delegation,
                        "regional_group": m.group or None,
                    }
                    for m in p.members
                ],
                "regional_groups": p.groups,
                "missing_groups": p.missing,
                "not_yet_named": p.unnamed,
            }
            for p in report.panels
        ],
        "spread": [
            {
                "list": s.list_id,
                "by_regional_group": {k or "none": v for k, v in s.counts.items()},
                "missing_groups": s.missing,
            }
            for s in report.spread
        ],
        "reference_data": _reference_data(),
    }

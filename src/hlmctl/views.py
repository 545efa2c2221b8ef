"""Plain data views of domain objects: the JSON and CSV shapes of the contract."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from hlmctl.meeting import Meeting, Person
from hlmctl.ordering import waiting_position
from hlmctl.projection import Agenda, AgendaSegment, Overflow, limit_minutes, limit_words
from hlmctl.record import Record, Speaker

if TYPE_CHECKING:
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
        "minutes": limit_minutes(meeting, speaker),
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


def status_view(
    meeting: Meeting, record: Record, st: Status, agenda: Agenda, *, groups: bool = True
) -> dict[str, Any]:
    def one(s: Speaker | None) -> dict[str, Any] | None:
        return speaker_view(meeting, record, s, agenda, groups=groups) if s else None

    return {
        "list": st.list_id,
        "current": one(st.current),
        "elapsed_seconds": round(st.elapsed_seconds, 3) if st.elapsed_seconds is not None else None,
        "remaining_seconds": round(st.remaining_seconds, 3)
        if st.remaining_seconds is not None
        else None,
        "limit_seconds": st.limit_seconds,
        "paused": st.paused,
        "next": [one(s) for s in st.next],
        "ended": one(st.ended),
        "then": st.then,
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
        "totals": {name: [_total(t) for t in totals] for name, totals in report.by.items()},
        # One pass for the positions of all (speaker_view alone looks each one up).
        "not_spoken": speakers_view(meeting, record, report.not_spoken, report.agenda),
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

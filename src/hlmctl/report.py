"""After the meeting: who spoke, for how long, against which limit, and the balance
by list, level of representation, category and regional group."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from hlmctl import delegations
from hlmctl.meeting import Meeting
from hlmctl.projection import Agenda, limit_seconds, project
from hlmctl.record import Record, Speaker


@dataclass
class Statement:
    speaker: Speaker
    seconds: float
    limit: float

    @property
    def over(self) -> float:
        return self.seconds - self.limit


@dataclass
class Total:
    key: str
    label: str
    statements: int = 0
    seconds: float = 0.0
    overruns: int = 0
    overrun_seconds: float = 0.0


@dataclass
class Report:
    statements: list[Statement]
    not_spoken: list[Speaker]
    by: dict[str, list[Total]] = field(default_factory=dict)
    chairs: list[tuple[str, str, str]] = field(default_factory=list)
    # Each statement's meeting, start and end, as `agenda`, `now` and `speakers list`
    # give them: one function (the projection) computes them for all.
    agenda: Agenda | None = None


def build(meeting: Meeting, record: Record, now: datetime) -> Report:
    spoken = [s for s in record.speakers if s.status == "spoken" and s.started_at is not None]
    spoken.sort(key=lambda s: s.started_at or now)
    statements = [
        Statement(s, s.spoken_seconds(now) or 0.0, limit_seconds(meeting, s)) for s in spoken
    ]
    not_spoken = [s for s in record.speakers if s.status in ("waiting", "withdrawn")]
    report = Report(statements, not_spoken, agenda=project(meeting, record, now))

    def group(s: Speaker) -> str:
        return delegations.group_of(s.delegation)

    dims: dict[str, tuple[Callable[[Speaker], str], Callable[[str], str]]] = {
        "list": (lambda s: s.list, lambda k: meeting.speaker_list(k).title),
        "level": (lambda s: s.level, meeting.level_label),
        "category": (lambda s: s.category, meeting.category_label),
        "regional_group": (group, lambda k: delegations.GROUP_LABELS.get(k, k)),
    }
    for name, (key_of, label_of) in dims.items():
        totals: dict[str, Total] = {}
        for st in statements:
            key = key_of(st.speaker)
            total = totals.setdefault(key, Total(key, label_of(key)))
            total.statements += 1
            total.seconds += st.seconds
            if st.over > 0:
                total.overruns += 1
                total.overrun_seconds += st.over
        report.by[name] = sorted(totals.values(), key=lambda t: -t.statements)
    for seg in meeting.segments:
        for person in seg.chairs:
            if person.delegation:
                report.chairs.append(
                    (
                        seg.id,
                        person.delegation,
                        delegations.GROUP_LABELS.get(delegations.group_of(person.delegation), ""),
                    )
                )
    return report

"""After the meeting: who spoke, for how long, against which limit, and the balance
by list, level of representation, category and regional group. Rights of reply are
counted apart from statements (a reply is not a statement of the list)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from hlmctl import delegations
from hlmctl.meeting import Item, Meeting
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
    replies: int = 0
    reply_seconds: float = 0.0


# The five regional groups of the General Assembly, in the order the UN lists them.
FIVE_GROUPS = (
    "african",
    "asia-pacific",
    "eastern-european",
    "latin-american-and-caribbean",
    "western-european-and-other",
)


@dataclass
class PanelMember:
    role: str
    name: str | None
    delegation: str | None
    group: str  # "" when the delegation is not known, or not named


@dataclass
class PanelBalance:
    """The regional groups of a panel's chairs, moderator and panelists (res. 67/260,
    paras. 3 and 10: "equitable geographical representation")."""

    segment: str
    title: str
    members: list[PanelMember]
    groups: list[str]
    missing: list[str]
    unnamed: int  # members whose delegation is not given yet


@dataclass
class ListSpread:
    """Speakers of a list (all but the withdrawn) by regional group."""

    list_id: str
    title: str
    counts: dict[str, int]  # each of FIVE_GROUPS, then "" for the rest
    missing: list[str]


@dataclass
class ItemGiven:
    """A fixed item of a meeting's programme as given (run with `next`)."""

    segment: str
    index: int
    item: Item
    started_at: datetime
    ended_at: datetime
    paused_seconds: float = 0.0

    @property
    def seconds(self) -> float:
        """Its time without pauses."""
        return max(0.0, (self.ended_at - self.started_at).total_seconds() - self.paused_seconds)

    @property
    def limit(self) -> float:
        return (self.item.minutes or 0) * 60


@dataclass
class Report:
    statements: list[Statement]
    not_spoken: list[Speaker]
    replies: list[Statement] = field(default_factory=list)
    items: list[ItemGiven] = field(default_factory=list)
    by: dict[str, list[Total]] = field(default_factory=dict)
    chairs: list[tuple[str, str, str]] = field(default_factory=list)
    panels: list[PanelBalance] = field(default_factory=list)
    spread: list[ListSpread] = field(default_factory=list)
    # Each statement's meeting, start and end, as `agenda`, `now` and `speakers list`
    # give them: one function (the projection) computes them for all.
    agenda: Agenda | None = None


def balance(meeting: Meeting, record: Record) -> tuple[list[PanelBalance], list[ListSpread]]:
    """Geographical balance: each panel's people, and each list's speakers."""
    panels = []
    for seg in meeting.segments:
        if seg.kind != "panel":
            continue
        people = [*seg.chairs, *([seg.moderator] if seg.moderator else []), *seg.panelists]
        members = [
            PanelMember(
                p.role,
                p.name,
                p.delegation,
                delegations.group_of(p.delegation) if p.delegation else "",
            )
            for p in people
        ]
        present = sorted({m.group for m in members if m.group}, key=FIVE_GROUPS.index)
        panels.append(
            PanelBalance(
                seg.id,
                seg.title,
                members,
                present,
                [g for g in FIVE_GROUPS if g not in present],
                sum(1 for m in members if not m.delegation),
            )
        )
    spread = []
    for lst in meeting.lists:
        counts = dict.fromkeys((*FIVE_GROUPS, ""), 0)
        for s in record.in_list(lst.id):
            if s.status != "withdrawn" and s.kind == "statement":
                group = delegations.group_of(s.delegation)
                counts[group if group in counts else ""] += 1
        spread.append(
            ListSpread(lst.id, lst.title, counts, [g for g in FIVE_GROUPS if not counts[g]])
        )
    return panels, spread


def build(meeting: Meeting, record: Record, now: datetime) -> Report:
    spoken = [s for s in record.speakers if s.status == "spoken" and s.started_at is not None]
    spoken.sort(key=lambda s: s.started_at or now)
    given = [
        Statement(s, s.spoken_seconds(now) or 0.0, limit_seconds(meeting, s, record))
        for s in spoken
    ]
    statements = [st for st in given if st.speaker.kind != "reply"]
    replies = [st for st in given if st.speaker.kind == "reply"]
    not_spoken = [s for s in record.speakers if s.status in ("waiting", "withdrawn")]
    report = Report(statements, not_spoken, replies, agenda=project(meeting, record, now))

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
        for st in replies:
            key = key_of(st.speaker)
            total = totals.setdefault(key, Total(key, label_of(key)))
            total.replies += 1
            total.reply_seconds += st.seconds
        report.by[name] = sorted(totals.values(), key=lambda t: (-t.statements, -t.replies))
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
    report.panels, report.spread = balance(meeting, record)
    for seg in meeting.segments:
        for done in record.meeting_state(seg.id).items:
            if done.ended_at is not None and done.index < len(seg.items):
                report.items.append(
                    ItemGiven(
                        seg.id,
                        done.index,
                        seg.items[done.index],
                        done.started_at,
                        done.ended_at,
                        done.paused_seconds,
                    )
                )
    report.items.sort(key=lambda i: i.started_at)
    return report

"""The values of a refusal that the desk says in the page's language, never by an id:
a list by its title, a meeting by its title, day and hour, a delegation by its name
with its article ("de la France"), a field of the form by its label. The command
line keeps saying them as it always did (``str``: the id, the short name, the
option's name)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hlmctl.i18n import N_

if TYPE_CHECKING:
    from hlmctl.i18n import Lang
    from hlmctl.meeting import Meeting

# The fields of the desk's form, with their labels (desk/pages.py shows the same).
FIELD_LABELS: dict[str, str] = {
    "list": N_("List of speakers"),
    "kind": N_("Kind of statement"),
    "level": N_("Level of representation"),
    "courtesy": N_("Courtesy title"),
    "name": N_("Name of the speaker"),
    "title": N_("Title or function of the speaker"),
    "on_behalf_of": N_("On behalf of (a group)"),
    "first": N_("First preference of meeting"),
    "second": N_("Second preference of meeting"),
    "note": N_("Note to the Secretariat"),
}


@dataclass(frozen=True)
class Said:
    """``cli`` on the command line; ``render(lang)`` at the desk."""

    cli: str
    render: Callable[[Lang], str]

    def __str__(self) -> str:
        return self.cli


def field(key: str, cli: str | None = None) -> Said:
    """A field of the form: ``note`` on the command line, "Note to the Secretariat"
    at the desk."""
    label = FIELD_LABELS[key]
    return Said(cli or key.replace("_", "-"), lambda lang: lang._(label))


def list_of(meeting: Meeting, list_id: str) -> Said:
    """A list of speakers: its id on the command line, its title at the desk."""
    lst = meeting.speaker_list(list_id)
    return Said(lst.id, lambda lang: lang.text(lst.title, lst.title_fr))


def meeting_of(meeting: Meeting, segment_id: str) -> Said:
    """A meeting: its id on the command line, its title, day and hour at the desk."""
    seg = meeting.segment(segment_id)

    def render(lang: Lang) -> str:
        when = " ".join(
            x
            for x in (
                lang.short_date(seg.date) if seg.date else "",
                lang.time(seg.start) if seg.start else "",
            )
            if x
        )
        title = lang.text(seg.title, seg.title_fr)
        return f"{title}, {when}" if when else title

    return Said(seg.id, render)


def meetings_of(meeting: Meeting, segment_ids: Iterable[str]) -> Said:
    said = [meeting_of(meeting, s) for s in segment_ids]
    return Said(
        ", ".join(s.cli for s in said), lambda lang: lang.join(s.render(lang) for s in said)
    )


def of_delegation(name: str) -> Said:
    """ "of Brazil" on the command line; "of Brazil", "of the Kingdom of the
    Netherlands", "du Brésil", "de la France" at the desk."""
    from hlmctl import spoken

    who = spoken.participant(name)
    return Said(f"of {name}", lambda lang: who.of(lang.french))


def levels_of(meeting: Meeting) -> Said:
    """The meeting's ladder of levels: ids on the command line, labels at the desk."""
    ids = [lv.id for lv in meeting.levels]
    return Said(", ".join(ids), lambda lang: lang.join(lang.level(meeting, i) for i in ids))


def shown(lang: Lang, value: object) -> object:
    """A refusal's value as the desk says it."""
    return value.render(lang) if isinstance(value, Said) else value

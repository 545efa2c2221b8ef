"""The agenda as text, a table, markdown and CSV rows (``hlmctl agenda``); the
warning for the lists that do not fit. The calendar (ICS) is ``render_ics``."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from hlmctl.render import console, english, md, printable, write_csv
from hlmctl.render_speakers import speaker_delegation, speaker_who

if TYPE_CHECKING:
    from hlmctl.context import Env
    from hlmctl.i18n import Lang
    from hlmctl.meeting import Meeting
    from hlmctl.projection import Agenda, AgendaItem, AgendaSegment


def _hm(value: datetime | None) -> str:
    return value.strftime("%H:%M") if value else "--:--"


def time_span(a: datetime | None, b: datetime | None, lang: Lang | None = None) -> str:
    if a is None and b is None:
        # A closing plenary that no projection reaches: say so, not "--:-----:--".
        return (lang or english())._("not yet scheduled")
    if lang is None or not lang.french:
        return f"{_hm(a)}-{_hm(b)}"
    return lang._("{start}-{end}").format(start=lang.time(a), end=lang.time(b))


def _day_title(day: datetime, lang: Lang | None = None) -> str:
    return (lang or english()).date(day)


def _days(
    segments: list[AgendaSegment], lang: Lang | None = None
) -> list[tuple[str, list[AgendaSegment]]]:
    lang = lang or english()
    out: list[tuple[str, list[AgendaSegment]]] = []
    for seg in segments:
        title = _day_title(seg.start, lang) if seg.start else lang._("Not yet scheduled")
        if not out or out[-1][0] != title:
            out.append((title, []))
        out[-1][1].append(seg)
    return out


def segment_details(meeting: Meeting, a: AgendaSegment, lang: Lang | None = None) -> list[str]:
    lang = lang or english()
    seg = a.segment
    lines = [lang._("Room: {room}").format(room=lang.text(seg.room, seg.room_fr))]
    if seg.theme:
        lines.append(lang._("Theme: {theme}").format(theme=lang.text(seg.theme, seg.theme_fr)))
    for person in [*seg.chairs, *([seg.moderator] if seg.moderator else []), *seg.panelists]:
        if person.name:
            who = person.name + (
                f" ({lang.delegation(person.delegation)})" if person.delegation else ""
            )
        else:
            who = lang.delegation(person.delegation) if person.delegation else ""
            who = who or lang._("not yet named")
        role = lang.label(person.role) if person.role else lang._("Participant")
        if person.note:
            note = lang.text(person.note, person.note_fr)
            lines.append(lang._("{role}: {who} - {note}").format(role=role, who=who, note=note))
        else:
            lines.append(lang._("{role}: {who}").format(role=role, who=who))
    if a.remarks:
        from hlmctl.projection import remark_text

        lines.append(remark_text(a.remarks, lang) or "")
    elif seg.kind == "closing-plenary":
        lines.append(lang._("Starts once the list of speakers is exhausted (projected)"))
    return lines


def _item_label(lang: Lang, item: AgendaItem, meeting: Meeting) -> str:
    """A fixed item's label, or a speaker as the agenda shows one, in ``lang``."""
    if item.speaker is not None and lang.french:
        s = item.speaker
        row = {
            "delegation": s.delegation,
            "on_behalf_of": s.on_behalf_of,
            "kind": s.kind,
            "courtesy": s.courtesy,
            "name": s.name,
            "title": s.title,
        }
        who = speaker_who(lang, row)
        deleg = speaker_delegation(lang, row)
        return (
            lang._("{delegation}: {speaker}").format(delegation=deleg, speaker=who)
            if who
            else deleg
        )
    if item.kind == "list" and lang.french:
        lst = next((x for x in meeting.lists if x.title == item.label), None)
        if lst is not None:
            return lang.text(lst.title, lst.title_fr)
    if item.item is not None and lang.french:
        return lang.text(item.label, item.item.label_fr)
    return item.label


def _titles(meeting: Meeting, lang: Lang) -> tuple[str, str]:
    info = meeting.meeting
    return lang.text(info.title, info.title_fr), lang.text(info.venue, info.venue_fr)


def agenda_text(
    env: Env,
    meeting: Meeting,
    agenda: Agenda,
    segments: list[AgendaSegment],
    lang: Lang | None = None,
) -> None:
    lang = lang or english()
    out = env.stdout
    title, venue = _titles(meeting, lang)
    out.write(
        lang._("{title}\n{venue} (times in {timezone}; ~ projected)").format(
            title=printable(title), venue=printable(venue), timezone=meeting.meeting.timezone
        )
        + "\n"
    )
    # The widest time span of this listing, so that the columns line up in French too.
    pad = max([len(time_span(i.start, i.end, lang)) for a in segments for i in a.items] or [11])
    for day, segs in _days(segments, lang):
        out.write(f"\n{day}\n")
        for a in segs:
            mark = "~" if a.projected else " "
            seg_title = lang.text(a.segment.title, a.segment.title_fr)
            out.write(f"{mark}{time_span(a.start, a.end, lang)}  {printable(seg_title)}\n")
            for line in segment_details(meeting, a, lang):
                out.write(f"{' ' * (pad + 3)}{printable(line)}\n")
            for item in a.items:
                mark = "~" if item.projected else " "
                ident = f" [{item.speaker_id}]" if item.speaker_id else ""
                span = time_span(item.start, item.end, lang)
                out.write(
                    f"  {mark}{span:<{pad}}  {printable(_item_label(lang, item, meeting))}{ident}\n"
                )
    _overflow_text(env, agenda)


def _overflow_lines(agenda: Agenda) -> list[str]:
    from hlmctl.views import overflow_message

    lines = []
    for o in agenda.overflow:
        ids = ", ".join(s.id for s in o.speakers[:12]) + (", ..." if len(o.speakers) > 12 else "")
        message = overflow_message(o)
        lines.append(f"{message[0].upper()}{message[1:]} (not reached: {ids}).")
    return lines


def overflow_warning(env: Env, agenda: Agenda) -> None:
    """One line on stderr for each list that does not fit, whatever the format."""
    from hlmctl.views import overflow_message

    for o in agenda.overflow:
        env.warn(f"hlmctl: warning: {overflow_message(o)}")


def _overflow_text(env: Env, agenda: Agenda) -> None:
    for line in _overflow_lines(agenda):
        env.stdout.write(f"\nWARNING: {line}\n")


def agenda_table(
    env: Env,
    meeting: Meeting,
    agenda: Agenda,
    segments: list[AgendaSegment],
    lang: Lang | None = None,
) -> None:
    from rich.table import Table
    from rich.text import Text

    lang = lang or english()
    con = console(env)
    title, venue = _titles(meeting, lang)
    con.print(Text(title, style="bold"))
    con.print(
        Text(
            lang._("{venue} - times in {timezone}; ~ marks a projected time").format(
                venue=venue, timezone=meeting.meeting.timezone
            ),
            style="dim",
        )
    )
    for day, segs in _days(segments, lang):
        table = Table(
            title=Text(day, style="bold cyan"),
            title_justify="left",
            expand=False,
            show_lines=False,
        )
        table.add_column(lang._("Time"), no_wrap=True)
        table.add_column("", width=1)
        table.add_column(lang._("Programme"), overflow="fold", ratio=1)
        table.add_column(lang._("Id"), no_wrap=True, style="dim")
        for a in segs:
            table.add_row(
                Text(time_span(a.start, a.end, lang), style="bold"),
                Text("~" if a.projected else ""),
                Text(printable(lang.text(a.segment.title, a.segment.title_fr)), style="bold"),
                Text(""),
                end_section=False,
            )
            for line in segment_details(meeting, a, lang):
                table.add_row(
                    Text(""), Text(""), Text(printable(line), style="italic dim"), Text("")
                )
            for item in a.items:
                style = (
                    "green"
                    if item.speaker and item.speaker.status == "spoken"
                    else ("yellow" if item.speaker and item.speaker.status == "speaking" else "")
                )
                table.add_row(
                    Text(time_span(item.start, item.end, lang)),
                    Text("~" if item.projected else ""),
                    Text("  " + printable(_item_label(lang, item, meeting)), style=style),
                    Text(item.speaker_id or ""),
                )
            table.add_section()
        con.print(table)
    for line in _overflow_lines(agenda):
        con.print(Text(line, style="bold red"))


def agenda_markdown(
    env: Env,
    meeting: Meeting,
    agenda: Agenda,
    segments: list[AgendaSegment],
    lang: Lang | None = None,
) -> None:
    lang = lang or english()
    out = env.stdout
    title, venue = _titles(meeting, lang)
    out.write(
        f"# {md(title)}\n\n"
        + lang._("{venue}; times in {timezone}; ~ marks a projected time.").format(
            venue=md(venue), timezone=meeting.meeting.timezone
        )
        + "\n"
    )
    for day, segs in _days(segments, lang):
        out.write(f"\n## {day}\n")
        for a in segs:
            out.write(
                f"\n### {'~' if a.projected else ''}{time_span(a.start, a.end, lang)} "
                f"{md(lang.text(a.segment.title, a.segment.title_fr))}\n\n"
            )
            for line in segment_details(meeting, a, lang):
                out.write(f"- {md(line)}\n")
            if a.items:
                heads = (lang._("Time"), lang._("Item"), lang._("Speaker id"))
                out.write(f"\n| {' | '.join(heads)} |\n|---|---|---|\n")
                for item in a.items:
                    span = time_span(item.start, item.end, lang)
                    out.write(
                        f"| {'~' if item.projected else ''}{span} | "
                        f"{md(_item_label(lang, item, meeting))} | {item.speaker_id or ''} |\n"
                    )
    for line in _overflow_lines(agenda):
        out.write(f"\n**Warning:** {md(line)}\n")


AGENDA_CSV = (
    "date",
    "segment",
    "segment_kind",
    "segment_title",
    "start",
    "end",
    "kind",
    "label",
    "speaker_id",
    "projected",
    "status",
    "note",
)


def agenda_csv(
    env: Env,
    meeting: Meeting,
    segments: list[AgendaSegment],
    agenda: Agenda | None = None,
    *,
    excel: bool = False,
) -> None:
    write_csv(env, AGENDA_CSV, agenda_rows(meeting, segments, agenda), excel=excel)


def agenda_rows(
    meeting: Meeting, segments: list[AgendaSegment], agenda: Agenda | None = None
) -> list[dict[str, Any]]:
    """One row per segment and per item; the speakers no meeting reaches follow as
    rows of kind ``overflow`` with no time (the CSV's and the spreadsheet's rows)."""
    from hlmctl.projection import speaker_label
    from hlmctl.views import iso, overflow_message

    rows = []
    for a in segments:
        base = {
            "date": a.start.date().isoformat() if a.start else None,
            "segment": a.segment.id,
            "segment_kind": a.segment.kind,
            "segment_title": a.segment.title,
        }
        rows.append(
            {
                **base,
                "start": iso(a.start, meeting),
                "end": iso(a.end, meeting),
                "kind": "segment",
                "label": a.segment.title,
                "projected": a.projected,
                "status": a.status,
                "note": a.note,
            }
        )
        for item in a.items:
            rows.append(
                {
                    **base,
                    "start": iso(item.start, meeting),
                    "end": iso(item.end, meeting),
                    "kind": item.kind,
                    "label": item.label,
                    "speaker_id": item.speaker_id,
                    "projected": item.projected,
                    "status": item.speaker.status if item.speaker else None,
                }
            )
    for o in agenda.overflow if agenda else []:
        for speaker in o.speakers:
            rows.append(
                {
                    "kind": "overflow",
                    "label": speaker_label(speaker),
                    "speaker_id": speaker.id,
                    "projected": True,
                    "status": "not-reached",
                    "note": overflow_message(o),
                }
            )
    return rows

"""The published texts, in English or French: the Journal's list of speakers and the
presiding officer's script.

Both are first laid out as blocks (a title, a heading, a paragraph, a numbered
entry) in the chosen language; the blocks are then written as plain text,
Markdown or one self-contained HTML page.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from hlmctl.render import md, printable

if TYPE_CHECKING:
    from datetime import datetime

    from hlmctl.context import Env
    from hlmctl.i18n import Lang
    from hlmctl.journal import Journal, JournalMeeting
    from hlmctl.meeting import Meeting, Segment
    from hlmctl.record import Speaker
    from hlmctl.script import Script, Step

BlockKind = Literal["title", "subtitle", "heading", "meeting", "para", "entry", "words"]


@dataclass
class Block:
    kind: BlockKind
    text: str
    number: int | None = None


def _person(lang: Lang, s: Speaker) -> str:
    """Courtesy title and name: "His Excellency Mr. X"; "" when no name is given."""
    if not s.name:
        return ""
    title = lang.courtesy(s.courtesy)
    return f"{title} {s.name}" if title else s.name


def journal_entry(lang: Lang, meeting: Meeting, s: Speaker) -> str:
    """His Excellency Mr. X, Minister for Foreign Affairs, Belarus (on behalf of ...)."""
    parts = [p for p in (_person(lang, s), lang.title(s.title), lang.delegation(s.delegation)) if p]
    text = ", ".join(parts)
    if s.on_behalf_of:
        text = lang._("{speaker} (on behalf of {group})").format(speaker=text, group=s.on_behalf_of)
    return text


def _of(lang: Lang, delegation: str) -> str:
    """ "of Belarus" in the words of the floor; "du Bélarus" in French."""
    from hlmctl.delegations import english_with_article, french_name, of_form

    if not lang.french:
        return english_with_article(delegation)

    known = french_name(delegation)
    if known is None:
        # Not in the reference data: no article can be known; "de" before the name.
        return of_form(delegation, "")
    return of_form(*known)


def floor_words(lang: Lang, s: Speaker) -> str:
    """The words that give the floor to a speaker from the list."""
    person = _person(lang, s)
    of = _of(lang, s.delegation)
    if lang.french:
        if person and s.title:
            who = lang._("{person}, {title} {of_delegation}").format(
                person=person, title=lang.title(s.title), of_delegation=of
            )
        elif person:
            who = lang._("{person}, of the delegation {of_delegation}").format(
                person=person, of_delegation=of
            )
        else:
            who = lang._("the delegation {of_delegation}").format(of_delegation=of)
    elif person and s.title:
        who = f"{person}, {s.title} of {of}"
    elif person:
        who = f"{person} of {of}"
    elif s.title:
        who = f"the {s.title} of {of}"
    else:
        who = f"the representative of {of}"
    if s.kind == "reply":
        return lang._(
            "I now give the floor to {speaker}, who wishes to speak in exercise of the "
            "right of reply."
        ).format(speaker=who)
    if s.on_behalf_of:
        return lang._("I now give the floor to {speaker}, who speaks on behalf of {group}.").format(
            speaker=who, group=s.on_behalf_of
        )
    return lang._("I now give the floor to {speaker}.").format(speaker=who)


def _meeting_line(
    lang: Lang, seg: Segment, start: datetime | None, end: datetime | None, projected: bool
) -> str:
    when = lang.span(start, end)
    if projected:
        when = lang._("{span} (projected)").format(span=when)
    return lang._("{when}  {title}, {room}").format(
        when=when, title=lang.text(seg.title, seg.title_fr), room=lang.text(seg.room, seg.room_fr)
    )


# --- the Journal ------------------------------------------------------------------------


def journal_blocks(lang: Lang, journal: Journal) -> list[Block]:
    m = journal.meeting
    info = m.meeting
    blocks = [
        Block("title", lang._("List of speakers")),
        Block("subtitle", lang.text(info.title, info.title_fr)),
        Block(
            "para",
            lang._("As at {time} on {date}").format(
                time=lang.time(journal.as_at), date=lang.date(journal.as_at)
            ),
        ),
    ]
    if not journal.meetings:
        blocks.append(Block("para", lang._("No meeting on this day.")))
    day = None
    for jm in journal.meetings:
        this_day = lang.date(jm.start) if jm.start else lang._("Not yet scheduled")
        if this_day != day:
            blocks.append(Block("heading", this_day))
            day = this_day
        blocks += _journal_meeting(lang, m, jm)
    return blocks


def _journal_meeting(lang: Lang, m: Meeting, jm: JournalMeeting) -> list[Block]:
    blocks = [Block("meeting", _meeting_line(lang, jm.segment, jm.start, jm.end, jm.projected))]
    seg = jm.segment
    if seg.theme:
        blocks.append(
            Block(
                "para",
                lang._("Theme: {theme}").format(theme=lang.text(seg.theme, seg.theme_fr)),
            )
        )
    if jm.speaker_list is None:
        for n, item in enumerate(jm.items, start=1):
            blocks.append(Block("entry", lang.text(item.label, item.label_fr), n))
        return blocks
    if jm.closed:
        if jm.closed_at is not None:
            blocks.append(
                Block(
                    "para",
                    lang._("The list of speakers was closed at {time} on {date}.").format(
                        time=lang.time(jm.closed_at), date=lang.short_date(jm.closed_at)
                    ),
                )
            )
        else:
            blocks.append(Block("para", lang._("The list of speakers is closed.")))
    if not jm.speakers:
        blocks.append(Block("para", lang._("No speaker is inscribed.")))
    for n, s in enumerate(jm.speakers, start=1):
        blocks.append(Block("entry", journal_entry(lang, m, s), n))
    return blocks


# --- the script -------------------------------------------------------------------------


def script_blocks(lang: Lang, script: Script) -> list[Block]:
    info = script.meeting.meeting
    blocks = [
        Block("title", lang._("Script of the presiding officer")),
        Block("subtitle", lang.text(info.title, info.title_fr)),
    ]
    if not script.steps:
        blocks.append(Block("para", lang._("No meeting on this day.")))
    day = None
    for step in script.steps:
        if step.kind == "open":
            this_day = lang.date(step.at) if step.at else lang._("Not yet scheduled")
            if this_day != day:
                blocks.append(Block("heading", this_day))
                day = this_day
        blocks += _step(lang, step)
    return blocks


def _step(lang: Lang, step: Step) -> list[Block]:
    seg = step.segment
    if step.kind == "open":
        return [
            Block("meeting", _meeting_line(lang, seg, step.at, step.end, step.projected)),
            Block("words", lang._("The meeting is called to order.")),
        ]
    if step.kind == "closed-list":
        return [
            Block(
                "words",
                lang._("I remind members that the list of speakers for this debate is closed."),
            )
        ]
    if step.kind == "item" and step.item is not None:
        text = lang.text(step.item.label, step.item.label_fr)
        return [
            Block(
                "para",
                lang._("[{time}] {item}").format(time=lang.time(step.at), item=text),
            )
        ]
    if step.kind in ("floor", "reply") and step.speaker is not None:
        s = step.speaker
        head = lang._("[{time}] {id} {delegation}").format(
            time=lang.time(step.at), id=s.id, delegation=lang.delegation(s.delegation)
        )
        if s.title and lang.french:
            head = lang._("{line} ({title})").format(line=head, title=lang.title(s.title))
        return [Block("para", head), Block("words", floor_words(lang, s))]
    if step.kind == "replies":
        return [
            Block(
                "words",
                lang._(
                    "We have heard the last speaker in the debate at this meeting. Some "
                    "delegations have asked to speak in exercise of the right of reply. I "
                    "remind members that statements in exercise of the right of reply are "
                    "limited to 10 minutes for the first intervention and to 5 minutes for "
                    "the second, and should be made by delegations from their seats."
                ),
            )
        ]
    if step.kind == "continues" and step.next_segment is not None:
        nxt = step.next_start
        if nxt is None:
            return [
                Block("words", lang._("We shall hear the remaining speakers at a later meeting."))
            ]
        return [
            Block(
                "words",
                lang._(
                    "We shall hear the remaining speakers on the list at the next meeting, "
                    "on {date} at {time}."
                ).format(date=lang.date(nxt), time=lang.time(nxt)),
            )
        ]
    if step.kind == "adjourn":
        return [
            Block(
                "para",
                lang._("[{time}]").format(time=lang.time(step.at)),
            ),
            Block("words", lang._("The meeting is adjourned.")),
        ]
    return []


# --- writing blocks -----------------------------------------------------------------------


def write_text(env: Env, blocks: list[Block]) -> None:
    out = env.stdout
    for b in blocks:
        text = printable(b.text)
        if b.kind == "title":
            out.write(f"{text}\n{'=' * len(text)}\n")
        elif b.kind == "subtitle":
            out.write(f"{text}\n")
        elif b.kind == "heading":
            out.write(f"\n{text}\n{'-' * len(text)}\n")
        elif b.kind == "meeting":
            out.write(f"\n{text}\n")
        elif b.kind == "entry":
            out.write(f"{b.number:>4}. {text}\n")
        elif b.kind == "words":
            out.write(f"    {text}\n")
        else:
            out.write(f"{text}\n")


def write_markdown(env: Env, blocks: list[Block]) -> None:
    out = env.stdout
    for b in blocks:
        text = md(b.text)
        if b.kind == "title":
            out.write(f"# {text}\n\n")
        elif b.kind == "subtitle":
            out.write(f"**{text}**\n\n")
        elif b.kind == "heading":
            out.write(f"## {text}\n\n")
        elif b.kind == "meeting":
            out.write(f"### {text}\n\n")
        elif b.kind == "entry":
            out.write(f"{b.number}. {text}\n")
        elif b.kind == "words":
            out.write(f"> {text}\n\n")
        else:
            out.write(f"{text}\n\n")


_CSS = """
body { font-family: "Times New Roman", Times, serif; max-width: 46em; margin: 2em auto;
       padding: 0 1em; line-height: 1.35; color: #000; background: #fff; }
h1 { font-size: 1.4em; text-align: center; margin-bottom: .2em; }
p.subtitle { text-align: center; font-weight: bold; margin-top: 0; }
h2 { font-size: 1.15em; border-bottom: 1px solid #000; margin-top: 1.6em; }
h3 { font-size: 1em; margin: 1.2em 0 .4em; }
ol { margin-top: .3em; }
blockquote { margin: .3em 0 .8em 2em; font-style: italic; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } }
"""


def write_html(env: Env, blocks: list[Block], lang: Lang) -> None:
    """One printable page: the style inline, no script, nothing fetched."""
    esc = html.escape
    title = next((b.text for b in blocks if b.kind == "title"), "hlmctl")
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang.code}">',
        '<head><meta charset="utf-8">',
        f"<title>{esc(title)}</title>",
        f"<style>{_CSS}</style></head>",
        "<body>",
    ]
    in_list = False
    for b in blocks:
        if b.kind != "entry" and in_list:
            parts.append("</ol>")
            in_list = False
        text = esc(printable(b.text))
        if b.kind == "title":
            parts.append(f"<h1>{text}</h1>")
        elif b.kind == "subtitle":
            parts.append(f'<p class="subtitle">{text}</p>')
        elif b.kind == "heading":
            parts.append(f"<h2>{text}</h2>")
        elif b.kind == "meeting":
            parts.append(f"<h3>{text}</h3>")
        elif b.kind == "entry":
            if not in_list:
                parts.append(f'<ol start="{b.number}">')
                in_list = True
            parts.append(f"<li>{text}</li>")
        elif b.kind == "words":
            parts.append(f"<blockquote>{text}</blockquote>")
        else:
            parts.append(f"<p>{text}</p>")
    if in_list:
        parts.append("</ol>")
    parts += ["</body>", "</html>"]
    env.stdout.write("\n".join(parts) + "\n")

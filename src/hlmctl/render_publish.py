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
    from hlmctl.spoken import Spoken

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
    parts = [
        _person(lang, s),
        lang.title(s.title, s.courtesy),
        lang.delegation(s.delegation),
    ]
    text = ", ".join(p for p in parts if p)
    if s.on_behalf_of:
        text = lang._("{speaker} (on behalf {of_group})").format(
            speaker=text, of_group=_of_group(lang, s.on_behalf_of)
        )
    return text


# Levels whose function is followed by the formal name in the verbatim records
# ("President of the French Republic"); other functions take the spoken name.
_FORMAL_LEVELS = frozenset(
    ("head-of-state", "vice-president", "crown-prince", "head-of-government")
)
_STATES = frozenset(("member-state", "observer-state"))


def _marked(lang: Lang, name: Spoken, text: str) -> str:
    """A name the reference data does not know stays as typed: French says so."""
    if lang.french and not name.known:
        return lang._("{text} [English only]").format(text=text)
    return text


def _of_group(lang: Lang, typed: str) -> str:
    """ "of the Group of 77 and China" / "du Groupe des 77 et de la Chine"."""
    from hlmctl import spoken

    group = spoken.group(typed)
    return _marked(lang, group, group.of(lang.french))


def _to_speaker(lang: Lang, s: Speaker) -> str:
    """Whom the floor goes to, with its preposition ("to ..."; "à ...", "au ..."), as
    the verbatim records name a State's representative, an observer, a UN entity or
    organization and an NGO."""
    from hlmctl import spoken
    from hlmctl.delegations import reference

    person = _person(lang, s)
    name = spoken.participant(s.delegation, formal=s.level in _FORMAL_LEVELS and bool(s.title))
    of_name = _marked(lang, name, name.of(lang.french))
    delegation = s.category in _STATES or (
        s.category == "observer" and reference().by_name(s.delegation) is not None
    )
    title = lang.title(s.title, s.courtesy)
    if person and title:
        return lang._("to {person}, {title} {of_name}").format(
            person=person, title=title, of_name=of_name
        )
    if person and delegation:
        return lang._("to {person}, of the delegation {of_name}").format(
            person=person, of_name=of_name
        )
    if person:
        return lang._("to {person}, {of_name}").format(person=person, of_name=of_name)
    if title and delegation:
        return lang._("to the {title} {of_name}").format(title=title, of_name=of_name)
    to_name = _marked(lang, name, name.to(lang.french))
    if title:
        return lang._("{to_name} ({title})").format(to_name=to_name, title=title)
    if s.category == "member-state":
        return lang._("to the representative {of_name}").format(of_name=of_name)
    if delegation:
        return lang._("to the observer {of_name}").format(of_name=of_name)
    if s.category == "ngo" and not name.known:
        return lang._("to the non-governmental organization {name}").format(
            name=_marked(lang, name, s.delegation)
        )
    return to_name


def floor_words(lang: Lang, s: Speaker, reply_number: int = 1) -> str:
    """The words that give the floor to a speaker from the list, or to a reply (the
    first or the second of its delegation at the meeting)."""
    to_speaker = _to_speaker(lang, s)
    if s.kind == "reply" and reply_number >= 2:
        return lang._(
            "I now give the floor {to_speaker}, who wishes to speak in exercise of the "
            "right of reply for the second time."
        ).format(to_speaker=to_speaker)
    if s.kind == "reply":
        return lang._(
            "I now give the floor {to_speaker}, who wishes to speak in exercise of the "
            "right of reply."
        ).format(to_speaker=to_speaker)
    if s.on_behalf_of:
        return lang._("I now give the floor {to_speaker}, who speaks on behalf {of_group}.").format(
            to_speaker=to_speaker, of_group=_of_group(lang, s.on_behalf_of)
        )
    return lang._("I now give the floor {to_speaker}.").format(to_speaker=to_speaker)


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
        from hlmctl import spoken

        head = lang._("[{time}] {id} {delegation}").format(
            time=lang.time(step.at),
            id=s.id,
            delegation=spoken.participant(s.delegation).label(lang.french),
        )
        if s.title and lang.french:
            head = lang._("{line} ({title})").format(
                line=head, title=lang.title(s.title, s.courtesy)
            )
        return [Block("para", head), Block("words", floor_words(lang, s, step.reply_number))]
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


def write(env: Env, blocks: list[Block], lang: Lang, fmt: str) -> None:
    """The Journal's list or the script as ``fmt`` asks: text, markdown or html."""
    if fmt == "html":
        write_html(env, blocks, lang)
    elif fmt == "markdown":
        write_markdown(env, blocks)
    else:
        write_text(env, blocks)


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

"""The published texts, in English or French: the Journal's list of speakers and the
presiding officer's script.

Both are first laid out as blocks (a title, a heading, a paragraph, a numbered
entry) in the chosen language; the blocks are then written as plain text,
Markdown or one self-contained HTML page.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from hlmctl.render import md, printable

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

    from hlmctl.context import Env
    from hlmctl.i18n import Lang
    from hlmctl.journal import Journal, JournalMeeting
    from hlmctl.meeting import Meeting, Segment
    from hlmctl.projection import Remark
    from hlmctl.record import Speaker
    from hlmctl.script import Script, Step
    from hlmctl.spoken import Spoken

BlockKind = Literal[
    "title", "subtitle", "dateline", "heading", "meeting", "not-needed", "para", "entry", "words"
]


# Marks inside a block's text, for the HTML writer (the others drop them): a fragment in
# the other language (English inside a French page: lang="en") and a name as typed
# (dir="auto", so that an Arabic or Hebrew name reads right). Private-use characters;
# the same characters in users' text are dropped before it is marked.
FOREIGN = ("\ue000", "\ue001")
NAME = ("\ue002", "\ue003")
_MARKS = {ord(c): None for c in FOREIGN + NAME}


def _plain(text: str) -> str:
    return text.translate(_MARKS)


def _name(text: str) -> str:
    return NAME[0] + _plain(text) + NAME[1]


def _english_only(lang: Lang, english: str) -> str:
    """English text inside a French page, said to be English."""
    return lang._("{text} [English only]").format(text=FOREIGN[0] + _plain(english) + FOREIGN[1])


def _text(lang: Lang, english: str, french: str | None) -> str:
    """``lang.text``, with the English fallback marked as such."""
    if lang.french and not french and lang._(english) == english:
        return _english_only(lang, english)
    return lang.text(english, french)


def _title(lang: Lang, s: Speaker) -> str | None:
    """The speaker's function (``lang.title``), marked when it stays English."""
    from hlmctl.titles import french

    if s.title and lang.french and french(s.title, s.courtesy) is None:
        return _english_only(lang, s.title)
    return lang.title(s.title, s.courtesy)


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
    return f"{title} {_name(s.name)}" if title else _name(s.name)


def journal_entry(
    lang: Lang, meeting: Meeting, s: Speaker, names: Mapping[str, Spoken] | None = None
) -> str:
    """His Excellency Mr. X, Minister for Foreign Affairs, Belarus (on behalf of ...).
    An organization of an approved list of participants (``names``) as its list spells
    it in this language."""
    from hlmctl import spoken

    listed = spoken.participant(s.delegation, listed=names) if names else None
    if listed is not None and listed.listed:
        delegation = _marked(lang, listed, listed.label(lang.french))
    else:
        delegation = lang.delegation(s.delegation)
    parts = [
        _person(lang, s),
        _title(lang, s),
        _name(delegation),
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
        return _english_only(lang, text)
    return text


def _of_group(lang: Lang, typed: str) -> str:
    """ "of the Group of 77 and China" / "du Groupe des 77 et de la Chine"."""
    from hlmctl import spoken

    group = spoken.group(typed)
    return _marked(lang, group, group.of(lang.french))


def _to_speaker(lang: Lang, s: Speaker, names: Mapping[str, Spoken] | None = None) -> str:
    """Whom the floor goes to, with its preposition ("to ..."; "à ...", "au ..."), as
    the verbatim records name a State's representative, an observer, a UN entity or
    organization and an NGO (as its approved list of participants spells it)."""
    from hlmctl import spoken
    from hlmctl.delegations import reference

    person = _person(lang, s)
    name = spoken.participant(
        s.delegation, formal=s.level in _FORMAL_LEVELS and bool(s.title), listed=names
    )
    of_name = _marked(lang, name, name.of(lang.french))
    delegation = s.category in _STATES or (
        s.category == "observer" and reference().by_name(s.delegation) is not None
    )
    title = _title(lang, s)
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
    if s.category == "ngo" and (name.listed or not name.known):
        return lang._("to the non-governmental organization {name}").format(
            name=_marked(lang, name, name.label(lang.french) if name.listed else s.delegation)
        )
    return to_name


def floor_words(
    lang: Lang, s: Speaker, reply_number: int = 1, names: Mapping[str, Spoken] | None = None
) -> str:
    """The words that give the floor to a speaker from the list, or to a reply (the
    first or the second of its delegation at the meeting); ``names``: the
    organizations of the approved lists of participants (spoken.listed)."""
    to_speaker = _to_speaker(lang, s, names)
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
        when=when,
        title=_text(lang, seg.title, seg.title_fr),
        room=_text(lang, seg.room, seg.room_fr),
    )


# --- the Journal ------------------------------------------------------------------------


def journal_blocks(lang: Lang, journal: Journal) -> list[Block]:
    m = journal.meeting
    info = m.meeting
    blocks = [
        Block("title", lang._("List of speakers")),
        Block("subtitle", _text(lang, info.title, info.title_fr)),
        Block(
            "dateline",
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
        blocks += _journal_meeting(lang, m, jm, journal.names)
    return blocks


def _not_needed(lang: Lang, seg: Segment, remarks: list[Remark]) -> list[Block]:
    """A meeting the agenda says is not needed: its title and why, no times, no list."""
    from hlmctl.projection import remark_text

    return [
        Block(
            "not-needed",
            lang._("{title}, {room}: not needed").format(
                title=_text(lang, seg.title, seg.title_fr), room=_text(lang, seg.room, seg.room_fr)
            ),
        ),
        Block("para", remark_text(remarks, lang) or lang._("Not needed")),
    ]


def _journal_meeting(
    lang: Lang, m: Meeting, jm: JournalMeeting, names: Mapping[str, Spoken] | None = None
) -> list[Block]:
    seg = jm.segment
    if jm.status == "not-needed":
        return _not_needed(lang, seg, jm.remarks)
    blocks = [Block("meeting", _meeting_line(lang, jm.segment, jm.start, jm.end, jm.projected))]
    if seg.theme:
        blocks.append(
            Block(
                "para",
                lang._("Theme: {theme}").format(theme=_text(lang, seg.theme, seg.theme_fr)),
            )
        )
    if jm.speaker_list is None:
        for n, item in enumerate(jm.items, start=1):
            blocks.append(Block("entry", _text(lang, item.label, item.label_fr), n))
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
        blocks.append(Block("entry", journal_entry(lang, m, s, names), n))
    return blocks


# --- the script -------------------------------------------------------------------------


def script_blocks(lang: Lang, script: Script) -> list[Block]:
    info = script.meeting.meeting
    blocks = [
        Block("title", lang._("Script of the presiding officer")),
        Block("subtitle", _text(lang, info.title, info.title_fr)),
    ]
    if not script.steps:
        blocks.append(Block("para", lang._("No meeting on this day.")))
    day = None
    for step in script.steps:
        if step.kind in ("open", "not-needed"):
            this_day = lang.date(step.at) if step.at else lang._("Not yet scheduled")
            if this_day != day:
                blocks.append(Block("heading", this_day))
                day = this_day
        blocks += _step(lang, step, script.names)
    return blocks


def _step(lang: Lang, step: Step, names: Mapping[str, Spoken] | None = None) -> list[Block]:
    seg = step.segment
    if step.kind == "not-needed":
        return _not_needed(lang, seg, step.remarks)
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
        text = _text(lang, step.item.label, step.item.label_fr)
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
            delegation=spoken.participant(s.delegation, listed=names).label(lang.french),
        )
        if s.title and lang.french:
            head = lang._("{line} ({title})").format(line=head, title=_title(lang, s))
        return [Block("para", head), Block("words", floor_words(lang, s, step.reply_number, names))]
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


def write(env: Env, blocks: list[Block], lang: Lang, fmt: str, *, paper: str | None = None) -> None:
    """The Journal's list or the script as ``fmt`` asks: text, markdown or html."""
    if fmt == "html":
        env.stdout.write(html_page(blocks, lang, paper=paper))
    elif fmt == "markdown":
        write_markdown(env, blocks)
    else:
        write_text(env, blocks)


def write_text(env: Env, blocks: list[Block]) -> None:
    out = env.stdout
    for b in blocks:
        text = printable(_plain(b.text))
        if b.kind == "title":
            out.write(f"{text}\n{'=' * len(text)}\n")
        elif b.kind == "subtitle":
            out.write(f"{text}\n")
        elif b.kind == "heading":
            out.write(f"\n{text}\n{'-' * len(text)}\n")
        elif b.kind in ("meeting", "not-needed"):
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
        text = md(_plain(b.text))
        if b.kind == "title":
            out.write(f"# {text}\n\n")
        elif b.kind == "subtitle":
            out.write(f"**{text}**\n\n")
        elif b.kind == "heading":
            out.write(f"## {text}\n\n")
        elif b.kind in ("meeting", "not-needed"):
            out.write(f"### {text}\n\n")
        elif b.kind == "entry":
            out.write(f"{b.number}. {text}\n")
        elif b.kind == "words":
            out.write(f"> {text}\n\n")
        else:
            out.write(f"{text}\n\n")


# System fonts only (nothing is fetched): Noto (fonts-noto-core, fonts-noto-cjk) covers
# Latin, Cyrillic, Arabic and Chinese; DejaVu and Liberation are the fallbacks most
# Debian machines have. The README names the packages a print station needs.
FONTS = (
    '"Noto Serif", "DejaVu Serif", "Liberation Serif", "Times New Roman", '
    '"Noto Naskh Arabic", "Noto Sans Arabic", "Noto Serif CJK SC", "Noto Sans CJK SC", '
    '"Noto Sans CJK JP", "DejaVu Sans", serif'
)

_CSS = """
@page { margin: 22mm 16mm 20mm 16mm;%(size)s
  @top-left { content: %(head)s; font: 8pt %(fonts)s; color: #333; }
  @top-right { content: %(asat)s; font: 8pt %(fonts)s; color: #333; }
  @bottom-center { content: %(pages)s; font: 8pt %(fonts)s; }
}
html { font-family: %(fonts)s; line-height: 1.35; color: #000; background: #fff; }
body { max-width: 46em; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.4em; text-align: center; margin-bottom: .2em; }
p.subtitle { text-align: center; font-weight: bold; margin-top: 0; }
p.dateline { text-align: center; margin-top: 0; }
h2 { font-size: 1.15em; border-bottom: 1px solid #000; margin: 1.6em 0 .6em; }
h3, table.list th { font-size: 1em; font-weight: bold; line-height: 1.4em; }
h3 { margin: 1.2em 0 .4em; }
h3.not-needed { font-weight: normal; font-style: italic; }
section.meeting h3 { position: relative; z-index: 1; background: #fff;
  margin-bottom: -1.4em; padding: 0; }
section.meeting p { margin: .2em 0 .4em; }
table.list { border-collapse: collapse; width: 100%%; }
table.list th { text-align: left; padding: 0; height: 1.4em; white-space: nowrap;
  overflow: hidden; text-overflow: ellipsis; max-width: 40em; }
table.list td { vertical-align: top; padding: .1em 0; }
table.list td.n { width: 3em; text-align: right; padding-right: .6em; }
blockquote { margin: .3em 0 .8em 2em; font-style: italic; }
@media print {
  body { margin: 0; max-width: none; padding: 0; }
  h1 { margin-top: 0; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  thead { display: table-header-group; }
  tr, blockquote, p { break-inside: avoid; page-break-inside: avoid; }
}
"""

_ANY_MARK = "".join(FOREIGN + NAME)
_INLINE = re.compile(
    f"{FOREIGN[0]}([^{_ANY_MARK}]*){FOREIGN[1]}|{NAME[0]}([^{_ANY_MARK}]*){NAME[1]}"
)


def _html(text: str, lang: Lang) -> str:
    """A block's text as HTML: escaped, English fragments of a French page with
    lang="en", names with dir="auto"."""
    out: list[str] = []
    at = 0
    other = "fr" if lang.code == "en" else "en"
    for found in _INLINE.finditer(text):
        out.append(html.escape(printable(_plain(text[at : found.start()]))))
        if found.group(1) is not None:
            inner = html.escape(printable(found.group(1)))
            out.append(f'<span lang="{other}" dir="auto">{inner}</span>')
        else:
            out.append(f'<span dir="auto">{html.escape(printable(found.group(2)))}</span>')
        at = found.end()
    out.append(html.escape(printable(_plain(text[at:]))))
    return "".join(out)


def _css_string(text: str) -> str:
    """Text as a CSS string: every character but letters, digits and spaces escaped,
    so that nothing in it can end the string or the style sheet."""
    return '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):06x} " for c in text) + '"'


def _page_numbers(lang: Lang) -> str:
    """ "Page 3 of 7" as CSS content: the message, its placeholders the page counters."""
    message = lang._("Page {page} of {pages}")
    parts: list[str] = []
    for piece in re.split(r"(\{page\}|\{pages\})", message):
        if piece == "{page}":
            parts.append("counter(page)")
        elif piece == "{pages}":
            parts.append("counter(pages)")
        elif piece:
            parts.append(_css_string(piece))
    return " ".join(parts)


PAPER = {"a4": "A4", "letter": "letter"}


def html_page(blocks: list[Block], lang: Lang, *, paper: str | None = None) -> str:
    """One printable page: the style inline, no script, nothing fetched. Printed (by
    a browser or ``journal --format pdf``) it has a running head (the list, the
    meeting, "as at") and page numbers; a meeting's heading is kept with its list and
    repeated, "continued", on each page its list runs onto."""
    title = _plain(next((b.text for b in blocks if b.kind == "title"), "hlmctl"))
    subtitle = _plain(next((b.text for b in blocks if b.kind == "subtitle"), ""))
    dateline = _plain(next((b.text for b in blocks if b.kind == "dateline"), ""))
    head = f"{title} - {subtitle}" if subtitle else title
    css = _CSS % {
        "size": f" size: {PAPER[paper]};" if paper else "",
        "head": _css_string(printable(head)),
        "asat": _css_string(printable(dateline)),
        "pages": _page_numbers(lang),
        "fonts": FONTS,
    }
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang.code}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>{html.escape(printable(head))}</title>",
        f"<style>{css}</style>",
        "</head>",
        "<body>",
    ]
    continued = lang._("{meeting} (continued)")
    section: list[str] | None = None  # a meeting's heading, notes and list
    rows: list[str] = []
    meeting_html = ""

    def close() -> None:
        nonlocal section, rows
        if section is None:
            return
        if rows:
            again = html.escape(continued).replace("{meeting}", meeting_html)
            section += [
                '<table class="list">',
                f'<thead><tr><th colspan="2">{again}</th></tr></thead>',
                "<tbody>",
                *rows,
                "</tbody></table>",
            ]
        parts.extend([*section, "</section>"])
        section, rows = None, []

    for b in blocks:
        text = _html(b.text, lang)
        if b.kind == "meeting":
            close()
            meeting_html = text
            section = ['<section class="meeting">', f"<h3>{text}</h3>"]
            continue
        if section is not None and b.kind == "entry":
            rows.append(f'<tr><td class="n">{b.number}.</td><td>{text}</td></tr>')
            continue
        if section is not None and b.kind in ("para", "words") and not rows:
            tag = "blockquote" if b.kind == "words" else "p"
            section.append(f"<{tag}>{text}</{tag}>")
            continue
        if section is not None and b.kind in ("para", "words"):
            tag = "blockquote" if b.kind == "words" else "p"
            rows.append(f'<tr><td class="n"></td><td><{tag}>{text}</{tag}></td></tr>')
            continue
        close()
        if b.kind == "title":
            parts.append(f"<h1>{text}</h1>")
        elif b.kind == "subtitle":
            parts.append(f'<p class="subtitle">{text}</p>')
        elif b.kind == "dateline":
            parts.append(f'<p class="dateline">{text}</p>')
        elif b.kind == "heading":
            parts.append(f"<h2>{text}</h2>")
        elif b.kind == "not-needed":
            parts.append(f'<h3 class="not-needed">{text}</h3>')
        elif b.kind == "entry":
            parts.append(f'<ol start="{b.number}"><li>{text}</li></ol>')
        elif b.kind == "words":
            parts.append(f"<blockquote>{text}</blockquote>")
        else:
            parts.append(f"<p>{text}</p>")
    close()
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"

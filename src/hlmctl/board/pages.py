"""The four pages, rendered on the server with the state at the time of the request,
in English or French (``hlmctl board --lang fr``, ``?lang=fr``).

Every text from the meeting file or the record goes through ``html.escape``; the
script (static/board.js) then keeps the same elements up to date with
``textContent`` alone. Elements the script fills carry ``data-field`` (a path in
the pushed JSON); the texts for people are in its ``display`` part, at the same
paths, in the page's language (names of delegations, titles, labels, times), from
the same catalog as the commands. The countdown carries ``data-phase`` and the root
element ``data-connection``, so that the state is in the markup as well as in
colour; three polite live regions tell a screen reader of a new speaker (and the
next ones), of a phase change and of a lost connection.
"""

from __future__ import annotations

import json
import unicodedata
from datetime import datetime
from html import escape
from typing import TYPE_CHECKING, Any

from hlmctl.i18n import N_
from hlmctl.timer import countdown, phase

if TYPE_CHECKING:
    from hlmctl.i18n import Lang
    from hlmctl.meeting import Item, Meeting
    from hlmctl.record import Record, Speaker

PAGES = ("hall", "speaker", "caption", "agenda")
KIND_LABELS = {"statement": N_("Statement"), "reply": N_("Right of reply")}
# The words the script sets by itself, in the page's language (``data-words``).
WORDS = {
    "not live": N_("not live"),
    "paused": N_("paused"),
    "amber": N_("Time is nearly up"),
    "red": N_("Time is up"),
    "over": N_("Over time"),
    "lost": N_(
        "Connection to the board lost: reconnecting. What this page shows may be out of date."
    ),
}
# Scripts of names that the page's language does not tell: a name in one of them
# carries ``lang="und-XXXX"`` (a language not known, in that script).
SCRIPTS = {
    "ARABIC": "Arab",
    "CYRILLIC": "Cyrl",
    "CJK": "Hani",
    "HIRAGANA": "Jpan",
    "KATAKANA": "Jpan",
    "HANGUL": "Kore",
    "HEBREW": "Hebr",
    "GREEK": "Grek",
    "DEVANAGARI": "Deva",
    "THAI": "Thai",
    "ARMENIAN": "Armn",
    "GEORGIAN": "Geor",
    "ETHIOPIC": "Ethi",
    "BENGALI": "Beng",
    "TAMIL": "Taml",
    "SINHALA": "Sinh",
    "KHMER": "Khmr",
    "LAO": "Laoo",
    "MYANMAR": "Mymr",
    "MONGOLIAN": "Mong",
    "TIBETAN": "Tibt",
    "THAANA": "Thaa",
    "SYRIAC": "Syrc",
}


def script_lang(text: str | None) -> str | None:
    """``und-Arab`` for a name in Arabic script, and so on; None for Latin script (the
    page's language then applies) or no name."""
    for char in text or "":
        if char.isalpha():
            name = unicodedata.name(char, "")
            first = name.split(" ")[0]
            code = SCRIPTS.get(first)
            return f"und-{code}" if code else None
    return None


def _get(data: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def _has(data: Any, path: str) -> bool:
    for part in path.split("."):
        if not isinstance(data, dict) or part not in data:
            return False
        data = data[part]
    return True


def shown(state: dict[str, Any], path: str) -> Any:
    """The text at ``path`` for people: from ``display`` when it has the path, else
    the JSON (the script reads them the same way)."""
    display = state.get("display")
    return _get(display, path) if _has(display, path) else _get(state, path)


def field(
    state: dict[str, Any], path: str, tag: str = "span", cls: str = "", *, name: bool = False
) -> str:
    """An element the script keeps filled with the value at ``path``; a name (of a
    person, a delegation) has ``dir="auto"`` and the language of its script."""
    value = shown(state, path)
    text = "" if value is None else str(value)
    klass = f' class="{cls}"' if cls else ""
    empty = " data-empty" if not text else ""
    extra = ""
    if name:
        extra = ' dir="auto" data-name'
        tag_lang = script_lang(text)
        if tag_lang:
            extra += f' lang="{tag_lang}"'
    return f'<{tag}{klass}{extra} data-field="{escape(path)}"{empty}>{escape(text)}</{tag}>'


def _countdown(state: dict[str, Any], cls: str, lang: Lang) -> str:
    now = state["now"]
    remaining = now.get("remaining_seconds")
    ph = phase(
        remaining, paused=bool(now.get("paused")), amber_seconds=state["rules"]["amber_seconds"]
    )
    text = countdown(remaining) if remaining is not None else ""
    label = lang._("paused") if ph == "paused" else ""
    return (
        f'<div id="countdown" class="countdown {cls}" data-phase="{ph or "none"}" '
        f'role="timer" aria-live="off">'
        f'<span class="countdown-digits" data-countdown>{escape(text)}</span>'
        f'<span class="countdown-state" data-countdown-state>{escape(label)}</span></div>'
    )


def _clock(state: dict[str, Any], lang: Lang) -> str:
    at = datetime.fromisoformat(state["at"])
    return f'<time class="clock" data-clock>{escape(lang.time(at))}</time>'


def _lang_attr(text: str | None) -> str:
    tag = script_lang(text)
    return f' lang="{tag}"' if tag else ""


def _next(state: dict[str, Any]) -> str:
    items = []
    for s in shown(state, "now.next") or []:
        who = s["who"] if "who" in s else ", ".join(x for x in (s.get("name"), s.get("title")) if x)
        items.append(
            f'<li><span dir="auto" class="next-delegation">{escape(s["delegation"])}</span>'
            f'<span dir="auto"{_lang_attr(who)} class="next-who">{escape(who)}</span></li>'
        )
    return f'<ol class="next-list" data-next>{"".join(items)}</ol>'


def _message(state: dict[str, Any], page: str) -> str:
    """The message to the speaker (``hlmctl message``): on the speaker's page always,
    on the hall's page when it was sent ``--to hall``. The script keeps it current."""
    m = state["now"].get("message")
    text = m["text"] if m and (page == "speaker" or m["to"] == "hall") else ""
    flash = " data-flash" if text and m and m["flash"] else ""
    empty = "" if text else " data-empty"
    return (
        f'<p class="message" role="status" aria-live="polite" data-message="{page}"'
        f"{flash}{empty}>{escape(text)}</p>"
    )


def words(lang: Lang) -> dict[str, str]:
    return {key: lang._(text) for key, text in WORDS.items()}


def _shell(page: str, title: str, state: dict[str, Any], body: str, key: str, lang: Lang) -> str:
    problem = state.get("problem") or ""
    # The live regions are in the page from the start, empty: a reader announces
    # what the script puts in them later. (The caption page, keyed over the
    # webcast, says nothing.)
    regions = (
        ""
        if page == "caption"
        else '<div class="sr-only" aria-live="polite" aria-atomic="true" data-announce></div>\n'
        '<div class="sr-only" aria-live="polite" aria-atomic="true" data-announce-phase>'
        "</div>\n"
    )
    return (
        "<!doctype html>\n"
        f'<html lang="{lang.code}" data-connection="live" data-page="{page}">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        '<link rel="stylesheet" href="/static/board.css">\n'
        '<link rel="icon" href="/static/icon.svg" type="image/svg+xml">\n'
        '<script src="/static/board.js" defer></script>\n'
        "</head>\n"
        f'<body class="page-{page}" data-view="{"agenda" if page == "agenda" else "now"}" '
        f'data-key="{escape(key)}" data-lang="{lang.code}" '
        f'data-timezone="{escape(state["meeting"]["timezone"])}" '
        f"data-words='{escape(json.dumps(words(lang), ensure_ascii=False))}'>\n"
        '<div class="connection-live" role="status" aria-live="assertive">'
        '<div class="connection"><span class="connection-lost"></span></div>'
        "</div>\n"
        f"{regions}"
        f'<div class="problem" data-field="problem"{" data-empty" if not problem else ""}>'
        f"{escape(problem)}</div>\n"
        f"{body}\n</body>\n</html>\n"
    )


def hall(state: dict[str, Any], key: str, lang: Lang) -> str:
    now = state["now"]
    current = now["current"]
    kind = lang._(KIND_LABELS.get(current["kind"], "")) if current else ""
    closed = lang._("The list is closed") if state["list"]["closed"] else ""
    speaking = escape(lang._("Now speaking"))
    nobody = escape(lang._("Nobody is speaking"))
    upcoming, then = escape(lang._("Next speakers")), escape(lang._("Next"))
    body = f"""<header class="bar">
{field(state, "meeting.title", "h1", "meeting-title")}
<div class="bar-right">{field(state, "list.title", "span", "list-title")}
<span class="list-closed" data-closed{"" if closed else " data-empty"}>{escape(closed)}</span>
{_clock(state, lang)}</div>
</header>
<main class="hall">
{_message(state, "hall")}
<section class="now" aria-label="{speaking}" \
data-current{"" if current else " data-empty"}>
<h2 class="label">{speaking}</h2>
<p class="nobody">{nobody}</p>
{field(state, "now.current.delegation", "p", "delegation", name=True)}
<p class="who">{field(state, "now.current.courtesy", "span", "courtesy")}\
{field(state, "now.current.name", "span", "name", name=True)}\
{field(state, "now.current.title", "span", "title", name=True)}</p>
<p class="behalf">{field(state, "now.current.on_behalf_of", "span", "on-behalf-of", name=True)}</p>
<p class="kind"><span data-kind>{escape(kind)}</span></p>
{_countdown(state, "countdown-hall", lang)}
</section>
<section class="upcoming" aria-label="{upcoming}">
<h2 class="label">{then}</h2>
{_next(state)}
</section>
</main>"""
    return _shell("hall", str(shown(state, "meeting.title")), state, body, key, lang)


def speaker(state: dict[str, Any], key: str, lang: Lang) -> str:
    title, nobody = escape(lang._("Countdown")), escape(lang._("Nobody is speaking"))
    body = f"""<main class="speaker" data-current{"" if state["now"]["current"] else " data-empty"}>
<h1 class="sr-only">{title}</h1>
{_countdown(state, "countdown-speaker", lang)}
<p class="speaker-line">{field(state, "now.current.delegation", "span", "delegation", name=True)}
<span class="nobody">{nobody}</span></p>
{_message(state, "speaker")}
</main>"""
    return _shell("speaker", lang._("Countdown"), state, body, key, lang)


def caption(state: dict[str, Any], key: str, lang: Lang) -> str:
    current = state["now"]["current"]
    body = f"""<main class="lower-third" data-current{"" if current else " data-empty"}>
<p class="caption-name">{field(state, "now.current.courtesy", "span", "courtesy")}\
{field(state, "now.current.name", "span", "name", name=True)}</p>
<p class="caption-detail">{field(state, "now.current.title", "span", "caption-title", name=True)}\
{field(state, "now.current.delegation", "span", "caption-delegation", name=True)}\
{field(state, "now.current.on_behalf_of", "span", "caption-behalf", name=True)}</p>
</main>"""
    return _shell("caption", lang._("Caption"), state, body, key, lang)


def agenda(state: dict[str, Any], key: str, lang: Lang) -> str:
    data = shown(state, "agenda")
    parts = []
    for seg in data["segments"]:
        rows = []
        for item in seg["items"]:
            status = item.get("status") or ""
            rows.append(
                f'<tr data-status="{escape(status)}"'
                f"{' data-projected' if item['projected'] else ''}>"
                f'<td class="time">{escape(item["start_text"])}</td>'
                f'<td class="time">{escape(item["end_text"])}</td>'
                f'<td dir="auto"{_lang_attr(item["label"])}>'
                f"{escape(item['label'])}</td></tr>"
            )
        parts.append(
            f'<section class="segment"><h2><span class="segment-time">'
            f"{escape(seg['span'])}</span> "
            f'<span dir="auto">{escape(seg["title"])}</span></h2>'
            f"<table><tbody>{''.join(rows)}</tbody></table></section>"
        )
    if not parts:
        parts.append(f'<p class="nobody-agenda">{escape(data["empty"])}</p>')
    from datetime import date

    heading = escape(lang.date(date.fromisoformat(key)) if key else lang._("All days"))
    label = escape(lang._("Agenda"))
    body = f"""<header class="bar">
{field(state, "meeting.title", "h1", "meeting-title")}
<div class="bar-right"><span class="list-title">{heading}</span>\
{_clock(state, lang)}</div>
</header>
<main class="agenda" data-agenda tabindex="0" aria-label="{label}">\
{"".join(parts)}</main>"""
    title = lang._("Agenda: {title}").format(title=shown(state, "meeting.title"))
    return _shell("agenda", title, state, body, key, lang)


# --- the texts for people, in one language ------------------------------------------


def _who(lang: Lang, s: dict[str, Any]) -> str:
    from hlmctl.render_speakers import speaker_who

    return speaker_who(lang, s)


def _speaker_display(lang: Lang, s: dict[str, Any]) -> dict[str, Any]:
    behalf = s.get("on_behalf_of")
    return {
        "delegation": lang.delegation(s["delegation"]),
        # As the commands write it: "H.E. Mr." as typed; in French "S. E. M.".
        "courtesy": (lang.courtesy(s.get("courtesy")) if lang.french else s.get("courtesy"))
        or None,
        "name": s.get("name"),
        "title": lang.title(s.get("title")),
        "on_behalf_of": lang._("on behalf of {group}").format(group=behalf) if behalf else None,
        "who": _who(lang, s),
        "who_lang": script_lang(_who(lang, s)),
    }


def _announce_now(lang: Lang, current: dict[str, Any] | None, nxt: list[dict[str, Any]]) -> str:
    if current is None:
        said = lang._("Nobody is speaking.")
    else:
        who = ", ".join(x for x in (current["delegation"], current["who"]) if x)
        if current.get("kind") == "reply":
            said = lang._("Right of reply: {delegation}").format(delegation=who) + "."
        else:
            said = lang._("Now speaking: {speaker}.").format(speaker=who)
    if nxt:
        said += " " + lang._("Next: {speakers}").format(
            speakers=lang.join(s["delegation"] for s in nxt)
        )
        said += "."
    return said


def display(
    view: str, state: dict[str, Any], meeting: Meeting, record: Record, lang: Lang
) -> dict[str, Any]:
    """What people read, at the paths of the pushed JSON, in ``lang``."""
    info = meeting.meeting
    out: dict[str, Any] = {"meeting": {"title": lang.text(info.title, info.title_fr)}}
    if view == "now":
        lst = meeting.speaker_list(state["list"]["id"])
        now = state["now"]
        current = now["current"]
        cur = {**_speaker_display(lang, current), "kind": current["kind"]} if current else None
        nxt = [_speaker_display(lang, s) for s in now["next"]]
        out["list"] = {"title": lang.text(lst.title, lst.title_fr)}
        out["now"] = {"current": cur, "next": nxt}
        out["closed"] = lang._("The list is closed") if state["list"]["closed"] else ""
        out["kind"] = lang._(KIND_LABELS.get(current["kind"], "")) if current else ""
        out["speaker_id"] = current["id"] if current else None
        out["announce"] = _announce_now(lang, cur, nxt)
        out["langs"] = {f"now.current.{k}": script_lang(cur[k]) for k in ("name", "title") if cur}
    else:
        out["agenda"] = _agenda_display(state["agenda"], meeting, record, lang)
        speaking = [
            i for s in out["agenda"]["segments"] for i in s["items"] if i["status"] == "speaking"
        ]
        out["speaker_id"] = speaking[0]["speaker_id"] if speaking else None
        out["announce"] = (
            lang._("Now speaking: {speaker}.").format(speaker=speaking[0]["label"])
            if speaking
            else ""
        )
    return out


def _agenda_display(
    data: dict[str, Any], meeting: Meeting, record: Record, lang: Lang
) -> dict[str, Any]:
    segments = []
    # Each speaker once, by id (a French label needs the speaker's own fields).
    speakers = {s.id: s for s in record.speakers} if lang.french else {}
    fixed = {i.label: i for seg in meeting.segments for i in seg.items} if lang.french else {}
    for seg in data["segments"]:
        segment = meeting.segment(seg["id"])
        items = []
        for item in seg["items"]:
            items.append(
                {
                    "start_text": lang.time(_at(item["start"])) if item["start"] else "",
                    "end_text": lang.time(_at(item["end"])) if item["end"] else "",
                    "label": _item_label(lang, item, meeting, speakers, fixed),
                    "status": item.get("status") or "",
                    "projected": bool(item["projected"]),
                    "speaker_id": item.get("speaker_id"),
                }
            )
            items[-1]["label_lang"] = script_lang(items[-1]["label"])
        span = (
            lang.span(_at(seg["start"]), _at(seg["end"]))
            if seg["start"]
            else lang._("not yet scheduled")
        )
        segments.append(
            {"span": span, "title": lang.text(segment.title, segment.title_fr), "items": items}
        )
    return {"segments": segments, "empty": lang._("No meeting on this day.")}


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _item_label(
    lang: Lang,
    item: dict[str, Any],
    meeting: Meeting,
    speakers: dict[str, Speaker],
    fixed: dict[str, Item],
) -> str:
    """A speaker as the agenda shows one, or a fixed item, in ``lang``."""
    if not lang.french:
        return str(item["label"])
    from hlmctl.render_speakers import speaker_delegation, speaker_who

    sid = item.get("speaker_id")
    s = speakers.get(sid) if sid else None
    if s is not None:
        row = {
            "delegation": s.delegation,
            "on_behalf_of": s.on_behalf_of,
            "kind": s.kind,
            "courtesy": s.courtesy,
            "name": s.name,
            "title": s.title,
        }
        who, deleg = speaker_who(lang, row), speaker_delegation(lang, row)
        if not who:
            return deleg
        return lang._("{delegation}: {speaker}").format(delegation=deleg, speaker=who)
    if item["kind"] == "list":
        lst = next((x for x in meeting.lists if x.title == item["label"]), None)
        if lst is not None:
            return lang.text(lst.title, lst.title_fr)
    known = fixed.get(item["label"])
    if known is not None:
        return lang.text(known.label, known.label_fr)
    return lang.text(str(item["label"]), None)

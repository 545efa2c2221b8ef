"""The four pages, rendered on the server with the state at the time of the request.

Every text from the meeting file or the record goes through ``html.escape``; the
script (static/board.js) then keeps the same elements up to date with
``textContent`` alone. Elements the script fills carry ``data-field`` (a path in
the pushed JSON); the countdown carries ``data-phase`` and the root element
``data-connection``, so that the state is in the markup as well as in colour.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from hlmctl.timer import countdown, phase

PAGES = ("hall", "speaker", "caption", "agenda")
KIND_LABELS = {"statement": "Statement", "reply": "Right of reply"}


def _get(data: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def field(state: dict[str, Any], path: str, tag: str = "span", cls: str = "") -> str:
    """An element the script keeps filled with the value at ``path``."""
    value = _get(state, path)
    text = "" if value is None else str(value)
    klass = f' class="{cls}"' if cls else ""
    empty = " data-empty" if not text else ""
    return f'<{tag}{klass} data-field="{escape(path)}"{empty}>{escape(text)}</{tag}>'


def _countdown(state: dict[str, Any], cls: str) -> str:
    now = state["now"]
    remaining = now.get("remaining_seconds")
    ph = phase(
        remaining, paused=bool(now.get("paused")), amber_seconds=state["rules"]["amber_seconds"]
    )
    text = countdown(remaining) if remaining is not None else ""
    label = "paused" if ph == "paused" else ""
    return (
        f'<div id="countdown" class="countdown {cls}" data-phase="{ph or "none"}" '
        f'role="timer" aria-live="off">'
        f'<span class="countdown-digits" data-countdown>{escape(text)}</span>'
        f'<span class="countdown-state" data-countdown-state>{label}</span></div>'
    )


def _clock(state: dict[str, Any]) -> str:
    at = datetime.fromisoformat(state["at"])
    return f'<time class="clock" data-clock>{at:%H:%M}</time>'


def _next(state: dict[str, Any]) -> str:
    items = []
    for s in state["now"]["next"]:
        who = ", ".join(x for x in (s.get("name"), s.get("title")) if x)
        items.append(
            f'<li><span class="next-delegation">{escape(s["delegation"])}</span>'
            f'<span class="next-who">{escape(who)}</span></li>'
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


def _shell(page: str, title: str, state: dict[str, Any], body: str, key: str) -> str:
    problem = state.get("problem") or ""
    return (
        "<!doctype html>\n"
        f'<html lang="en" data-connection="live" data-page="{page}">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n"
        '<link rel="stylesheet" href="/static/board.css">\n'
        '<link rel="icon" href="/static/icon.svg" type="image/svg+xml">\n'
        '<script src="/static/board.js" defer></script>\n'
        "</head>\n"
        f'<body class="page-{page}" data-view="{"agenda" if page == "agenda" else "now"}" '
        f'data-key="{escape(key)}" data-timezone="{escape(state["meeting"]["timezone"])}">\n'
        '<div class="connection" role="status" aria-live="assertive">'
        '<span class="connection-lost">Connection to the board lost: reconnecting. '
        "What this page shows may be out of date.</span></div>\n"
        f'<div class="problem" data-field="problem"{" data-empty" if not problem else ""}>'
        f"{escape(problem)}</div>\n"
        f"{body}\n</body>\n</html>\n"
    )


def hall(state: dict[str, Any], key: str) -> str:
    now = state["now"]
    current = now["current"]
    kind = KIND_LABELS.get(current["kind"], "") if current else ""
    closed = "The list is closed" if state["list"]["closed"] else ""
    body = f"""<header class="bar">
{field(state, "meeting.title", "h1", "meeting-title")}
<div class="bar-right">{field(state, "list.title", "span", "list-title")}
<span class="list-closed" data-closed{"" if closed else " data-empty"}>{closed}</span>
{_clock(state)}</div>
</header>
<main class="hall">
{_message(state, "hall")}
<section class="now" aria-label="Now speaking" data-current{"" if current else " data-empty"}>
<p class="label">Now speaking</p>
<p class="nobody">Nobody is speaking</p>
{field(state, "now.current.delegation", "h2", "delegation")}
<p class="who">{field(state, "now.current.courtesy", "span", "courtesy")}\
{field(state, "now.current.name", "span", "name")}\
{field(state, "now.current.title", "span", "title")}</p>
<p class="behalf">{field(state, "now.current.on_behalf_of", "span", "on-behalf-of")}</p>
<p class="kind"><span data-kind>{kind}</span></p>
{_countdown(state, "countdown-hall")}
</section>
<section class="upcoming" aria-label="Next speakers">
<p class="label">Next</p>
{_next(state)}
</section>
</main>"""
    return _shell("hall", state["meeting"]["title"], state, body, key)


def speaker(state: dict[str, Any], key: str) -> str:
    body = f"""<main class="speaker" data-current{"" if state["now"]["current"] else " data-empty"}>
{_countdown(state, "countdown-speaker")}
<p class="speaker-line">{field(state, "now.current.delegation", "span", "delegation")}
<span class="nobody">Nobody is speaking</span></p>
{_message(state, "speaker")}
</main>"""
    return _shell("speaker", "Countdown", state, body, key)


def caption(state: dict[str, Any], key: str) -> str:
    current = state["now"]["current"]
    body = f"""<div class="lower-third" data-current{"" if current else " data-empty"}>
<p class="caption-name">{field(state, "now.current.courtesy", "span", "courtesy")}\
{field(state, "now.current.name", "span", "name")}</p>
<p class="caption-detail">{field(state, "now.current.title", "span", "caption-title")}\
{field(state, "now.current.delegation", "span", "caption-delegation")}\
{field(state, "now.current.on_behalf_of", "span", "caption-behalf")}</p>
</div>"""
    return _shell("caption", "Caption", state, body, key)


def _time(value: str | None) -> str:
    return datetime.fromisoformat(value).strftime("%H:%M") if value else ""


def agenda(state: dict[str, Any], key: str) -> str:
    data = state["agenda"]
    parts = []
    for seg in data["segments"]:
        rows = []
        for item in seg["items"]:
            status = item.get("status") or ""
            rows.append(
                f'<tr data-status="{escape(status)}"'
                f"{' data-projected' if item['projected'] else ''}>"
                f'<td class="time">{_time(item["start"])}</td>'
                f'<td class="time">{_time(item["end"])}</td>'
                f"<td>{escape(item['label'])}</td></tr>"
            )
        span = f"{_time(seg['start'])}–{_time(seg['end'])}" if seg["start"] else "not scheduled"
        parts.append(
            f'<section class="segment"><h2><span class="segment-time">{span}</span> '
            f"{escape(seg['title'])}</h2>"
            f"<table><tbody>{''.join(rows)}</tbody></table></section>"
        )
    if not parts:
        parts.append('<p class="nobody-agenda">No meeting on this day.</p>')
    body = f"""<header class="bar">
{field(state, "meeting.title", "h1", "meeting-title")}
<div class="bar-right"><span class="list-title">{escape(key or "All days")}</span>\
{_clock(state)}</div>
</header>
<main class="agenda" data-agenda>{"".join(parts)}</main>"""
    return _shell("agenda", "Agenda: " + state["meeting"]["title"], state, body, key)

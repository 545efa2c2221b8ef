"""The desk's pages, rendered on the server in English or French.

Every text from the meeting file, the record or the request goes through
``html.escape``. The forms work without the script; the script (static/desk.js)
only keeps the table of the delegation's requests up to date from the push stream,
building its cells with ``textContent``. A polite live region says when the table
changed; an error in a form is named next to its field (``aria-describedby``) and
in an alert at the top of the form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING

from hlmctl.desk.state import list_title, meeting_label
from hlmctl.i18n import N_
from hlmctl.said import FIELD_LABELS

if TYPE_CHECKING:
    from datetime import datetime

    from hlmctl.i18n import Lang
    from hlmctl.meeting import Meeting
    from hlmctl.record import SpeakRequest

# The form's fields, in order, with their labels (those the refusals name too).
FIELDS: dict[str, str] = FIELD_LABELS


# The words of the pages (marked here for the catalog: the pages write them inside
# f-strings, where the extractor does not look).
TEXTS = frozenset(
    {
        N_("Signed in for"),
        N_("Desk"),
        N_("Requests to speak"),
        N_("Lists of participants"),
        N_("Sign out"),
        N_("Skip to the content"),
        N_("Delegations’ desk"),
        N_("Your requests and inscriptions"),
        N_("Your delegation has no request yet."),
        N_("Your requests were updated."),
        N_("Connection lost: reconnecting. This table may be out of date."),
        N_("Request the floor"),
        N_("closed for requests"),
        N_("Rights of reply are still taken."),
        N_("No list takes requests now."),
        N_("Back to your requests"),
        N_("Change or withdraw"),
        N_("Change this request"),
        N_("Withdraw this request"),
        N_("Only Member States may object to an organization."),
        N_("No list of participants has been circulated."),
        N_("Reference"),
        N_("Organization"),
        N_("State"),
        N_("Your objection"),
    }
)


def _t(lang: Lang, text: str) -> str:
    """One of ``TEXTS`` in the page's language, escaped."""
    assert text in TEXTS, text
    return escape(lang._(text))


@dataclass
class Closed:
    """A list that takes no request to speak now, why, and whether it still takes
    rights of reply."""

    list_id: str
    reason: str
    replies: bool


@dataclass
class Form:
    """A request form as typed, and what was wrong with it."""

    values: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    error_field: str | None = None


def _q(lang: Lang) -> str:
    return "?lang=fr" if lang.french else ""


def page(
    lang: Lang, title: str, body: str, *, delegation: str | None = None, token: str = ""
) -> str:
    """A whole page: skip link, header (the delegation, sign-out), main content."""
    who = ""
    if delegation is not None:
        who = (
            f'<p class="who">{_t(lang, "Signed in for")} '
            f'<strong dir="auto">{escape(delegation)}</strong></p>'
            f'<nav aria-label="{_t(lang, "Desk")}"><ul>'
            f'<li><a href="/{_q(lang)}">{_t(lang, "Requests to speak")}</a></li>'
            f'<li><a href="/objections{_q(lang)}">'
            f"{_t(lang, 'Lists of participants')}</a></li>"
            "</ul></nav>"
            f'<form method="post" action="/logout{_q(lang)}" class="logout">'
            f'<input type="hidden" name="csrf" value="{escape(token)}">'
            f'<button type="submit">{_t(lang, "Sign out")}</button></form>'
        )
    return (
        f'<!doctype html>\n<html lang="{lang.code}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title>"
        '<link rel="stylesheet" href="/static/desk.css">'
        '<script src="/static/desk.js" defer></script></head>'
        f'<body><a class="skip" href="#main">{_t(lang, "Skip to the content")}</a>'
        f'<header><p class="app">{_t(lang, "Delegations’ desk")}</p>{who}</header>'
        f'<main id="main">{body}</main></body></html>\n'
    )


def notice(lang: Lang, title: str, text: str) -> str:
    """A page that says one thing (a link not valid, signed out...)."""
    return page(lang, title, f"<h1>{escape(title)}</h1><p>{escape(text)}</p>")


def rows_table(lang: Lang, rows: list[dict[str, str]]) -> str:
    heads = [
        lang._("Reference"),
        lang._("List"),
        lang._("Kind"),
        lang._("State"),
        lang._("Place"),
        lang._("Projected time"),
        lang._("Meeting"),
    ]
    keys = ["ref", "list", "kind", "state", "place", "time", "meeting"]
    body = "".join(
        "<tr>"
        + "".join(
            (
                f'<th scope="row"><a href="/receipt/{escape(r["ref"])}{_q(lang)}">'
                f"{escape(r['ref'])}</a></th>"
                if k == "ref" and r["ref"].startswith("R")
                else f'<th scope="row">{escape(r[k])}</th>'
                if k == "ref"
                else f"<td>{escape(r[k])}</td>"
            )
            for k in keys
        )
        + "</tr>"
        for r in rows
    )
    empty = " hidden" if rows else ""
    return (
        f'<div class="scroll" id="mine-wrap" role="region" aria-labelledby="mine-caption" '
        f'tabindex="0"{" hidden" if not rows else ""}>'
        f'<table id="mine" data-lang="{lang.code}">'
        f'<caption id="mine-caption">{_t(lang, "Your requests and inscriptions")}</caption>'
        "<thead><tr>"
        + "".join(f'<th scope="col">{escape(h)}</th>' for h in heads)
        + f"</tr></thead><tbody>{body}</tbody></table></div>"
        f'<p id="none"{empty}>{_t(lang, "Your delegation has no request yet.")}</p>'
        f'<p id="live" class="visually-hidden" role="status" aria-live="polite" '
        f'data-words="{_t(lang, "Your requests were updated.")}"></p>'
        f'<p id="lost" role="alert" hidden>'
        f"{_t(lang, 'Connection lost: reconnecting. This table may be out of date.')}</p>"
    )


def _options(choices: list[tuple[str, str]], chosen: str) -> str:
    return "".join(
        f'<option value="{escape(v)}"{" selected" if v == chosen else ""}>{escape(t)}</option>'
        for v, t in choices
    )


def request_form(
    lang: Lang,
    meeting: Meeting,
    open_lists: list[str],
    form: Form,
    *,
    action: str,
    token: str,
    submit: str,
) -> str:
    """The form to request the floor (or change a request): every field labelled; the
    meetings to prefer are those of the lists open for requests."""
    v = form.values

    def label(name: str) -> str:
        return escape(lang._(FIELDS[name]))

    def described(name: str) -> str:
        if form.error_field == name:
            return f' aria-invalid="true" aria-describedby="error-{name}"'
        return ""

    def error_of(name: str) -> str:
        if form.error_field != name or not form.error:
            return ""
        return f'<p class="error" id="error-{name}">{escape(form.error)}</p>'

    def text_input(name: str, maxlength: int = 200) -> str:
        return (
            f'<p><label for="f-{name}">{label(name)}</label>'
            f'<input id="f-{name}" name="{name}" value="{escape(v.get(name, ""))}" '
            f'maxlength="{maxlength}" dir="auto" autocomplete="off"{described(name)}>'
            f"{error_of(name)}</p>"
        )

    def select(name: str, choices: list[tuple[str, str]], *, required: bool = False) -> str:
        req = " required" if required else ""
        return (
            f'<p><label for="f-{name}">{label(name)}</label>'
            f'<select id="f-{name}" name="{name}"{req}{described(name)}>'
            f"{_options(choices, v.get(name, ''))}</select>{error_of(name)}</p>"
        )

    lists = [(lid, list_title(meeting, lid, lang)) for lid in open_lists]
    kinds = [("statement", lang._("Statement")), ("reply", lang._("Right of reply"))]
    levels = [("", lang._("(the usual level of your delegation)"))] + [
        (lv.id, lang.label(lv.label)) for lv in meeting.levels
    ]
    meetings: list[tuple[str, str]] = [("", lang._("(no preference)"))]
    for lid in open_lists:
        for seg in meeting.list_segments(lid):
            meetings.append(
                (
                    seg.id,
                    f"{meeting_label(meeting, seg.id, lang)} ({list_title(meeting, lid, lang)})",
                )
            )
    alert = ""
    if form.error:
        alert = f'<div class="alert" role="alert"><p>{escape(form.error)}</p></div>'
    return (
        f'<form method="post" action="{escape(action)}" novalidate>{alert}'
        f'<input type="hidden" name="csrf" value="{escape(token)}">'
        + select("list", lists, required=True)
        + select("kind", kinds)
        + select("level", levels)
        + text_input("courtesy", 40)
        + text_input("name")
        + text_input("title")
        + text_input("on_behalf_of")
        + select("first", meetings)
        + select("second", meetings)
        + f'<p><label for="f-note">{label("note")}</label>'
        f'<textarea id="f-note" name="note" maxlength="500" rows="3" dir="auto"'
        f"{described('note')}>{escape(v.get('note', ''))}</textarea>{error_of('note')}</p>"
        f'<p><button type="submit">{escape(submit)}</button></p></form>'
    )


def home(
    lang: Lang,
    meeting: Meeting,
    delegation: str,
    rows: list[dict[str, str]],
    open_lists: list[str],
    closed: list[Closed],
    form: Form,
    token: str,
) -> str:
    title = lang._("Requests to speak")
    body = f"<h1>{escape(title)}</h1>" + rows_table(lang, rows)
    body += f"<h2>{_t(lang, 'Request the floor')}</h2>"
    for c in closed:
        replies = f" {_t(lang, 'Rights of reply are still taken.')}" if c.replies else ""
        body += (
            f'<p class="closed">{escape(list_title(meeting, c.list_id, lang))}: '
            f"{_t(lang, 'closed for requests')} ({escape(c.reason)}).{replies}</p>"
        )
    if open_lists:
        body += request_form(
            lang,
            meeting,
            open_lists,
            form,
            action=f"/request{_q(lang)}",
            token=token,
            submit=lang._("Send the request"),
        )
    else:
        body += f'<p class="closed">{_t(lang, "No list takes requests now.")}</p>'
    return page(lang, f"{title} · {delegation}", body, delegation=delegation, token=token)


def receipt(
    lang: Lang,
    meeting: Meeting,
    req: SpeakRequest,
    row: dict[str, str] | None,
    token: str,
    *,
    issued: datetime,
    can_change: bool,
    can_withdraw: bool,
) -> str:
    """The acknowledgement and printable receipt of a request: it names the meeting
    (the meeting file's title) and the time it was issued, so that a paper receipt
    on a desk says what it is about."""
    title = lang._("Request {ref}").format(ref=req.id)
    info = meeting.meeting
    at = issued.astimezone(meeting.tz)
    fields: list[tuple[str, str]] = [
        (lang._("Meeting"), lang.text(info.title, info.title_fr)),
        (lang._("Reference"), req.id),
        (lang._("Delegation"), req.delegation),
        (lang._("List"), list_title(meeting, req.list, lang)),
        (lang._("Kind"), lang._("Right of reply") if req.kind == "reply" else lang._("Statement")),
        (lang._("Level of representation"), lang.level(meeting, req.level) if req.level else ""),
        (lang._("Speaker"), " ".join(x for x in (req.courtesy, req.name) if x)),
        (lang._("Title or function of the speaker"), req.title or ""),
        (lang._("On behalf of (a group)"), req.on_behalf_of or ""),
        (
            lang._("Preferences of meeting"),
            lang.join(meeting_label(meeting, p, lang) for p in req.preferences),
        ),
        (lang._("Note to the Secretariat"), req.note or ""),
        (
            lang._("Received"),
            f"{lang.date(req.requested_at.astimezone(meeting.tz))} "
            f"{lang.time(req.requested_at.astimezone(meeting.tz))}",
        ),
    ]
    if req.changed_at is not None:
        at = req.changed_at.astimezone(meeting.tz)
        fields.append((lang._("Changed"), f"{lang.date(at)} {lang.time(at)}"))
    if row is not None:
        fields += [
            (lang._("State"), row["state"]),
            (lang._("Place"), row["place"]),
            (lang._("Projected time"), row["time"]),
            (lang._("Projected meeting"), row["meeting"]),
        ]
    fields.append((lang._("Receipt issued"), f"{lang.date(at)} {lang.time(at)}"))
    listing = "".join(
        f'<dt>{escape(k)}</dt><dd dir="auto">{escape(val).replace(chr(10), "<br>")}</dd>'
        for k, val in fields
        if val
    )  # a note's lines as lines
    ack = lang._("Your request was received. Its reference number is {ref}.")
    body = (
        f'<h1>{escape(title)}</h1><div class="receipt">'
        f'<p class="ack" role="status">'
        f"{escape(ack.format(ref=req.id))}"
        f"</p><dl>{listing}</dl></div>"
        f'<p class="noprint"><a href="/{_q(lang)}">'
        f"{_t(lang, 'Back to your requests')}</a></p>"
    )
    if can_change or can_withdraw:
        body += f'<div class="noprint"><h2>{_t(lang, "Change or withdraw")}</h2>'
        if can_change:
            body += (
                f'<p><a href="/change/{escape(req.id)}{_q(lang)}">'
                f"{_t(lang, 'Change this request')}</a></p>"
            )
        body += (
            f'<form method="post" action="/withdraw/{escape(req.id)}{_q(lang)}">'
            f'<input type="hidden" name="csrf" value="{escape(token)}">'
            f'<button type="submit">{_t(lang, "Withdraw this request")}</button></form></div>'
        )
    return page(lang, title, body, delegation=req.delegation, token=token)


def change_page(
    lang: Lang,
    meeting: Meeting,
    req: SpeakRequest,
    open_lists: list[str],
    form: Form,
    token: str,
) -> str:
    title = lang._("Change request {ref}").format(ref=req.id)
    body = f"<h1>{escape(title)}</h1>" + request_form(
        lang,
        meeting,
        open_lists,
        form,
        action=f"/change/{req.id}{_q(lang)}",
        token=token,
        submit=lang._("Save the change"),
    )
    return page(lang, title, body, delegation=req.delegation, token=token)


@dataclass
class Entry:
    """An organization of a circulated list, as a Member State sees it."""

    id: str
    organization: str
    state: str
    objected: bool  # by this Member State


@dataclass
class Circulated:
    list_id: str
    title: str
    deadline: str
    open: bool
    entries: list[Entry]


def objections(
    lang: Lang,
    delegation: str,
    circulated: list[Circulated],
    token: str,
    *,
    may_object: bool,
    done: str | None = None,
    error: str | None = None,
) -> str:
    title = lang._("Lists of participants")
    body = f"<h1>{escape(title)}</h1>"
    if done:
        body += f'<div class="ack" role="status"><p>{escape(done)}</p></div>'
    if error:
        body += f'<div class="alert" role="alert"><p>{escape(error)}</p></div>'
    if not may_object:
        body += f"<p>{_t(lang, 'Only Member States may object to an organization.')}</p>"
    if not circulated:
        body += f"<p>{_t(lang, 'No list of participants has been circulated.')}</p>"
    for c in circulated:
        body += f'<h2 id="plist-{escape(c.list_id)}">{escape(c.title)}</h2>'
        if c.open:
            body += (
                "<p>"
                + escape(
                    lang._("Objections are received until {deadline}.").format(deadline=c.deadline)
                )
                + "</p>"
            )
        else:
            body += (
                "<p>"
                + escape(
                    lang._(
                        "The deadline for objections passed at {deadline}: the list is final."
                    ).format(deadline=c.deadline)
                )
                + "</p>"
            )
        body += (
            f'<div class="scroll" role="region" tabindex="0" '
            f'aria-labelledby="plist-{escape(c.list_id)}">'
            f'<table aria-labelledby="plist-{escape(c.list_id)}"><thead><tr>'
            f'<th scope="col">{_t(lang, "Reference")}</th>'
            f'<th scope="col">{_t(lang, "Organization")}</th>'
            f'<th scope="col">{_t(lang, "State")}</th>'
            f'<th scope="col">{_t(lang, "Your objection")}</th></tr></thead><tbody>'
        )
        for e in c.entries:
            cell = escape(lang._("objected") if e.objected else "")
            if c.open and may_object:
                action, word = (
                    ("withdraw", lang._("Withdraw the objection to {name}"))
                    if e.objected
                    else ("object", lang._("Object to {name}"))
                )
                cell = (
                    f'<form method="post" action="/objections{_q(lang)}">'
                    f'<input type="hidden" name="csrf" value="{escape(token)}">'
                    f'<input type="hidden" name="entry" value="{escape(e.id)}">'
                    f'<input type="hidden" name="action" value="{action}">'
                    f'<button type="submit">{escape(word.format(name=e.organization))}</button>'
                    "</form>"
                )
            body += (
                f'<tr><th scope="row">{escape(e.id)}</th>'
                f'<td dir="auto">{escape(e.organization)}</td>'
                f"<td>{escape(e.state)}</td><td>{cell}</td></tr>"
            )
        body += "</tbody></table></div>"
    return page(lang, title, body, delegation=delegation, token=token)

"""Requests to speak and invitations to the desk, for the Secretariat: `requests list`
and `desk invites` as a table, text, JSON, CSV or a spreadsheet; the deadlines for
requests under `lists`. Never the secret of an invitation, nor its hash."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from hlmctl.i18n import N_
from hlmctl.render import Column, console, fitted_table, printable

if TYPE_CHECKING:
    from hlmctl.context import Env
    from hlmctl.i18n import Lang
    from hlmctl.meeting import Meeting
    from hlmctl.record import Invite, Record, SpeakRequest

REQUEST_COLUMNS = (
    "id",
    "status",
    "delegation",
    "category",
    "list",
    "kind",
    "level",
    "courtesy",
    "name",
    "title",
    "on_behalf_of",
    "preferences",
    "note",
    "source",
    "invite",
    "external_ref",
    "requested_at",
    "changed_at",
    "decided_at",
    "decided_by",
    "reason",
    "speaker",
    "meeting",
)
INVITE_COLUMNS = (
    "id",
    "delegation",
    "category",
    "state",
    "issued_by",
    "issued_at",
    "expires_at",
    "revoked_at",
    "revoked_by",
)
STATUS_LABELS = {
    "pending": N_("pending"),
    "accepted": N_("accepted"),
    "declined": N_("declined"),
    "withdrawn": N_("withdrawn"),
}
STATE_LABELS = {"live": N_("live"), "expired": N_("expired"), "revoked": N_("revoked")}


def _iso(value: datetime | None, meeting: Meeting) -> str | None:
    return value.astimezone(meeting.tz).isoformat() if value else None


def request_row(
    meeting: Meeting, request: SpeakRequest, projected: str | None = None
) -> dict[str, Any]:
    """A request as JSON (README: "Requests to speak"). ``projected``: the meeting the
    projection gives its speaker (or the one it spoke in)."""
    return {
        "id": request.id,
        "status": request.status,
        "delegation": request.delegation,
        "category": request.category,
        "list": request.list,
        "kind": request.kind,
        "level": request.level,
        "courtesy": request.courtesy,
        "name": request.name,
        "title": request.title,
        "on_behalf_of": request.on_behalf_of,
        "preferences": list(request.preferences),
        "note": request.note,
        "source": request.source,
        "invite": request.invite,
        "external_ref": request.external_ref,
        "requested_at": _iso(request.requested_at, meeting),
        "changed_at": _iso(request.changed_at, meeting),
        "decided_at": _iso(request.decided_at, meeting),
        "decided_by": request.decided_by,
        "reason": request.reason,
        "speaker": request.speaker,
        "meeting": projected,
    }


def invite_row(meeting: Meeting, invite: Invite, now: datetime) -> dict[str, Any]:
    """An invitation as JSON: never its secret nor the hash of it."""
    from hlmctl.invites import invite_state

    return {
        "id": invite.id,
        "delegation": invite.delegation,
        "category": invite.category,
        "state": invite_state(invite, now),
        "issued_by": invite.issued_by,
        "issued_at": _iso(invite.issued_at, meeting),
        "expires_at": _iso(invite.expires_at, meeting),
        "revoked_at": _iso(invite.revoked_at, meeting),
        "revoked_by": invite.revoked_by,
    }


def flat(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows for CSV and spreadsheets: the preferences in one cell, separated by spaces."""
    return [
        {**r, "preferences": " ".join(r["preferences"])} if "preferences" in r else r for r in rows
    ]


def _when(lang: Lang, value: str | None) -> str:
    if not value:
        return ""
    at = datetime.fromisoformat(value)
    return lang._("{date} at {time}").format(date=lang.short_date(at), time=lang.time(at))


def _who(r: dict[str, Any]) -> str:
    parts = [p for p in (r["courtesy"], r["name"]) if p]
    who = " ".join(parts)
    if r["title"]:
        who = f"{who}, {r['title']}" if who else r["title"]
    return who


def _level(meeting: Meeting, lang: Lang, level: str | None) -> str:
    """A level's label (the default ladder's in French too); the id when unknown."""
    found = next((lv for lv in meeting.levels if lv.id == level), None)
    return lang.label(found.label) if found is not None else (level or "")


def _preferences(lang: Lang, r: dict[str, Any]) -> str:
    """The preferences, and the meeting the projection gives the speaker next to them
    (a statement a later inscription pushed out of its meeting shows it)."""
    text = ", ".join(r["preferences"])
    if r["meeting"] and r["preferences"]:
        return lang._("{preferences} (projected in {meeting})").format(
            preferences=text, meeting=r["meeting"]
        )
    return text


def _request_cells(meeting: Meeting, lang: Lang, r: dict[str, Any]) -> list[str]:
    status = lang._(STATUS_LABELS.get(r["status"], r["status"]))
    if r["speaker"]:
        status = lang._("{status} as {speaker}").format(status=status, speaker=r["speaker"])
    delegation = r["delegation"]
    if r["on_behalf_of"]:
        delegation = lang._("{delegation} on behalf of {group}").format(
            delegation=delegation, group=r["on_behalf_of"]
        )
    kind = lang._("right of reply") if r["kind"] == "reply" else _level(meeting, lang, r["level"])
    return [
        r["id"],
        printable(delegation),
        r["list"],
        printable(kind),
        printable(_who(r)),
        _preferences(lang, r),
        status,
        _when(lang, r["requested_at"]),
        printable(" / ".join((r["note"] or r["reason"] or "").split("\n"))),
    ]


def requests_table(env: Env, meeting: Meeting, rows: list[dict[str, Any]], lang: Lang) -> None:
    columns = [
        Column(lang._("Ref.")),
        Column(lang._("Delegation"), wrap=True, min_width=12),
        Column(lang._("List"), drop=3),
        Column(lang._("Level"), drop=4, wrap=True, min_width=8),
        Column(lang._("Speaker"), drop=2, wrap=True, min_width=10),
        Column(lang._("Preferences"), drop=5, wrap=True, min_width=10),
        Column(lang._("Status")),
        Column(lang._("Requested"), drop=6),
        Column(lang._("Note"), drop=1, wrap=True, min_width=10),
    ]
    con = console(env)
    if not rows:
        from rich.text import Text

        con.print(Text(lang._("No request to speak.")))
        return
    cells = [_request_cells(meeting, lang, r) for r in rows]
    styles = ["bold" if r["status"] == "pending" else "dim" for r in rows]
    con.print(fitted_table(env, lang._("Requests to speak"), columns, cells, styles))


def requests_text(env: Env, meeting: Meeting, rows: list[dict[str, Any]], lang: Lang) -> None:
    out = env.stdout
    if not rows:
        out.write(lang._("No request to speak.") + "\n")
        return
    for r in rows:
        out.write("\t".join(_request_cells(meeting, lang, r)) + "\n")


def invites_table(env: Env, rows: list[dict[str, Any]], lang: Lang) -> None:
    columns = [
        Column(lang._("Id")),
        Column(lang._("Delegation"), wrap=True, min_width=12),
        Column(lang._("State")),
        Column(lang._("Issued by"), drop=2, wrap=True, min_width=8),
        Column(lang._("Issued"), drop=3),
        Column(lang._("Expires"), drop=1),
    ]
    con = console(env)
    if not rows:
        from rich.text import Text

        con.print(Text(lang._("No invitation to the desk.")))
        return
    cells = [_invite_cells(lang, r) for r in rows]
    styles = ["" if r["state"] == "live" else "dim" for r in rows]
    con.print(fitted_table(env, lang._("Invitations to the desk"), columns, cells, styles))


def _invite_cells(lang: Lang, r: dict[str, Any]) -> list[str]:
    return [
        r["id"],
        printable(r["delegation"]),
        lang._(STATE_LABELS.get(r["state"], r["state"])),
        printable(r["issued_by"]),
        _when(lang, r["issued_at"]),
        _when(lang, r["expires_at"]) or lang._("never"),
    ]


def invites_text(env: Env, rows: list[dict[str, Any]], lang: Lang) -> None:
    out = env.stdout
    if not rows:
        out.write(lang._("No invitation to the desk.") + "\n")
        return
    for r in rows:
        out.write("\t".join(_invite_cells(lang, r)) + "\n")


def deadline_lines(meeting: Meeting, record: Record, lang: Lang) -> list[str]:
    """Under `lists`: each open list's deadline for requests to speak (`lists close
    --at`), and the lists whose requests are accepted at once."""
    lines = []
    for lst in meeting.lists:
        state = record.list_state(lst.id)
        if state.closed:
            continue
        if state.requests_close_at is not None:
            at = state.requests_close_at.astimezone(meeting.tz)
            lines.append(
                lang._("{id}: requests to speak are taken until {time} on {date}.").format(
                    id=lst.id, time=lang.time(at), date=lang.short_date(at)
                )
            )
        if lst.requests == "auto":
            lines.append(
                lang._("{id}: requests to speak are accepted at once (requests = auto).").format(
                    id=lst.id
                )
            )
    return lines

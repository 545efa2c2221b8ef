"""The list of speakers as text, a table and CSV columns (``hlmctl speakers list``),
and the words for a speaker that other listings share (who, delegation, status)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from hlmctl.render import Column, console, fit, fitted_table, printable

if TYPE_CHECKING:
    from hlmctl.context import Env
    from hlmctl.i18n import Lang
    from hlmctl.meeting import Meeting


SPEAKER_CSV = (
    "id",
    "list",
    "position",
    "delegation",
    "category",
    "level",
    "courtesy",
    "name",
    "title",
    "on_behalf_of",
    "minutes",
    "kind",
    "placed",
    "status",
    "inscribed_at",
    "estimated_start",
    "started_at",
    "ended_at",
    "spoken_seconds",
    "segment",
    "absences",
)


def _when(value: str | None, spans_days: bool, lang: Lang, meeting: Meeting | None) -> str:
    """A start time; with its day when the listing spans days."""
    if not value:
        return ""
    at = datetime.fromisoformat(value)
    if spans_days:
        return lang._("{date} {time}").format(date=lang.short_date(at), time=lang.time(at))
    return lang.time(at)


def _spans_days(rows: list[dict[str, Any]]) -> bool:
    days = {(r["estimated_start"] or r["started_at"] or "")[:10] for r in rows}
    days.discard("")
    return len(days) > 1


def speaker_who(lang: Lang, r: dict[str, Any]) -> str:
    """Courtesy title, name and function, as given: "H.E. Mr. X, Minister"."""
    courtesy = lang.courtesy(r.get("courtesy")) if lang.french else r.get("courtesy")
    person = " ".join(printable(x) for x in (courtesy, r["name"]) if x)
    title = lang.title(r["title"], r.get("courtesy")) if r["title"] else None
    return ", ".join(x for x in (person, printable(title)) if x)


def speaker_delegation(lang: Lang, r: dict[str, Any]) -> str:
    """The delegation, its group, and whether it is a right of reply."""
    text = printable(lang.delegation(r["delegation"]))
    if r["on_behalf_of"]:
        text = lang._("{delegation} (on behalf of {group})").format(
            delegation=text, group=printable(lang.group(r["on_behalf_of"]))
        )
    if r["kind"] == "reply":
        text = lang._("Right of reply: {delegation}").format(delegation=text)
    return text


def status_label(lang: Lang, r: dict[str, Any]) -> str:
    labels = {
        "waiting": lang._("waiting"),
        "speaking": lang._("speaking"),
        "spoken": lang._("spoken"),
        "withdrawn": lang._("withdrawn"),
    }
    text = labels.get(r["status"], str(r["status"]))
    if r["placed"] and r["status"] == "waiting":
        text = lang._("{status} (placed)").format(status=text)
    return str(text)


def list_heading(lang: Lang, title: str, list_id: str, closed: bool) -> str:
    if closed:
        return lang._("{title} ({id}): closed, no new inscription").format(
            title=printable(title), id=list_id
        )
    return lang._("{title} ({id})").format(title=printable(title), id=list_id)


def no_speaker(lang: Lang, list_id: str, all_: bool) -> str:
    if all_:
        return lang._("Nobody is inscribed in the list {id}.").format(id=list_id)
    return lang._("Nobody is waiting in the list {id}.").format(id=list_id)


def speakers_text(
    env: Env,
    rows: list[dict[str, Any]],
    lang: Lang,
    meeting: Meeting,
    list_id: str,
    heading: str,
    *,
    all_: bool = False,
) -> None:
    out = env.stdout
    out.write(heading + "\n")
    if not rows:
        out.write(no_speaker(lang, list_id, all_) + "\n")
        return
    spans = _spans_days(rows)
    wide = 13 if spans else 8
    head_id, head_status, head_start = lang._("Id"), lang._("Status"), lang._("Start")
    rest = lang._("Delegation - speaker [level, category]")
    out.write(f"{'#':>4} {head_id:<6} {head_status:<18} {head_start:<{wide}} {rest}\n")
    for r in rows:
        pos = str(r["position"]) if r["position"] is not None else "-"
        who = speaker_who(lang, r)
        when = _when(r["estimated_start"] or r["started_at"], spans, lang, meeting)
        out.write(
            f"{pos:>4} {r['id']:<6} {status_label(lang, r):<18} {when:<{wide}} "
            f"{speaker_delegation(lang, r)}"
            f"{' - ' + who if who else ''} [{lang.level(meeting, r['level'])}, "
            f"{lang.category(meeting, r['category'])}]\n"
        )


def speakers_table(
    env: Env,
    rows: list[dict[str, Any]],
    lang: Lang,
    meeting: Meeting,
    list_id: str,
    heading: str,
    *,
    all_: bool = False,
) -> None:
    from rich.text import Text

    con = console(env)
    if not rows:
        con.print(Text(heading, style="bold"))
        con.print(Text(no_speaker(lang, list_id, all_)))
        return
    spans = _spans_days(rows)
    columns = [
        Column("#", justify="right"),
        Column(lang._("Id")),
        Column(lang._("Delegation"), wrap=True, min_width=16),
        Column(lang._("Speaker"), drop=2, wrap=True, min_width=14),
        Column(lang._("Level"), drop=4, wrap=True, min_width=10),
        Column(lang._("Category"), drop=1, wrap=True, min_width=10),
        Column(lang._("Min."), drop=3, justify="right"),
        Column(lang._("Status"), drop=5),
        Column(lang._("Start")),
    ]
    cells = []
    for r in rows:
        cells.append(
            [
                str(r["position"] or ("▶" if r["status"] == "speaking" else "")),
                r["id"],
                speaker_delegation(lang, r),
                speaker_who(lang, r),
                lang.level(meeting, r["level"]),
                lang.category(meeting, r["category"]),
                f"{r['minutes']:g}",
                status_label(lang, r),
                _when(r["estimated_start"] or r["started_at"], spans, lang, meeting),
            ]
        )
    if 3 not in fit(columns, cells, con.width):
        # The speaker gives way as a column, not as information: under the delegation.
        for row in cells:
            if row[3]:
                row[2] = f"{row[2]}\n{row[3]}"
    styles = {"spoken": "dim", "speaking": "bold yellow", "withdrawn": "dim strike"}
    con.print(
        fitted_table(env, heading, columns, cells, [styles.get(r["status"], "") for r in rows])
    )

"""The lists of speakers: state, counts, time limit and meetings (``hlmctl lists``)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from hlmctl.render import console, printable

if TYPE_CHECKING:
    from hlmctl.context import Env
    from hlmctl.i18n import Lang
    from hlmctl.meeting import Meeting


def _minutes(lang: Lang, minutes: float) -> str:
    number = f"{minutes:g}"
    return lang._("{minutes} min").format(
        minutes=number.replace(".", ",") if lang.french else number
    )


def _limit_text(meeting: Meeting, row: dict[str, Any], lang: Lang) -> str:
    """ "3 min, a group 5 min (announced at 10:02 on 13 May)"; "5 min, ngo 3 min"."""
    parts = [_minutes(lang, row["limit_minutes"])]
    if row["limit_group_minutes"] is not None:
        parts.append(
            lang._("a group {minutes}").format(minutes=_minutes(lang, row["limit_group_minutes"]))
        )
    for category, minutes in row["limit_category_minutes"].items():
        parts.append(
            lang._("{category} {minutes}").format(
                category=lang.category(meeting, category), minutes=_minutes(lang, minutes)
            )
        )
    text = ", ".join(parts)
    if row["limit_announced_at"]:
        at = datetime.fromisoformat(row["limit_announced_at"]).astimezone(meeting.tz)
        text = lang._("{limit} (announced at {time} on {date})").format(
            limit=text, time=lang.time(at), date=lang.short_date(at)
        )
    return text


def lists_view(
    env: Env, meeting: Meeting, rows: list[dict[str, Any]], lang: Lang, *, table: bool
) -> None:
    """Each list with its state, counts and meetings."""
    lines = []
    for r in rows:
        lst = meeting.speaker_list(r["id"])
        state = lang._("closed") if r["state"] == "closed" else lang._("open")
        counts = lang._("waiting: {waiting}, spoken: {spoken}").format(
            waiting=r["waiting"], spoken=r["spoken"]
        )
        lines.append(
            (
                r["id"],
                lang.text(lst.title, lst.title_fr),
                state,
                counts,
                _limit_text(meeting, r, lang),
                ", ".join(r["segments"]),
            )
        )
    if not table:
        for lid, title, state, counts, limit, segs in lines:
            env.stdout.write(
                lang._(
                    "{id}: {title} ({state}); {counts}; limit: {limit}; meetings: {segments}"
                ).format(
                    id=lid,
                    title=printable(title),
                    state=state,
                    counts=counts,
                    limit=limit,
                    segments=segs,
                )
                + "\n"
            )
        return
    from rich.table import Table
    from rich.text import Text

    t = Table(title=Text(lang._("Lists of speakers"), style="bold"), title_justify="left")
    t.add_column(lang._("Id"), no_wrap=True)
    t.add_column(lang._("List"), ratio=2, overflow="fold")
    t.add_column(lang._("State"), no_wrap=True)
    t.add_column(lang._("Speakers"))
    t.add_column(lang._("Limit"), ratio=1, overflow="fold")
    t.add_column(lang._("Meetings"), ratio=1, overflow="fold")
    for lid, title, state, counts, limit, segs in lines:
        t.add_row(
            Text(lid),
            Text(printable(title)),
            Text(state, style="bold red" if state == lang._("closed") else "green"),
            Text(counts),
            Text(limit),
            Text(segs),
        )
    console(env).print(t)

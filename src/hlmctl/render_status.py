"""Who speaks now, for how long, and who is next (``hlmctl now``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hlmctl.clock import format_duration
from hlmctl.render import console, english, printable
from hlmctl.render_speakers import speaker_delegation, speaker_who

if TYPE_CHECKING:
    from hlmctl.context import Env
    from hlmctl.i18n import Lang
    from hlmctl.meeting import Meeting


def status_lines(data: dict[str, Any], lang: Lang | None = None) -> list[str]:
    lang = lang or english()
    lines = []
    cur = data["current"]
    if cur is None:
        lines.append(lang._("Nobody is speaking in '{list}'.").format(list=data["list"]))
    elif cur["kind"] == "item":
        lines.append(
            lang._("Speaking: {speaker} ({item})").format(
                speaker=printable(cur["delegation"]), item=printable(cur["title"] or "")
            )
            if cur["title"]
            else lang._("Speaking: {item}").format(item=printable(cur["delegation"]))
        )
    if cur is not None:
        who = speaker_who(lang, cur)
        deleg = speaker_delegation(lang, cur)
        if cur["kind"] == "item":
            pass  # said above
        elif who:
            lines.append(
                lang._("Speaking: {id} {delegation} - {speaker}").format(
                    id=cur["id"], delegation=deleg, speaker=who
                )
            )
        else:
            lines.append(
                lang._("Speaking: {id} {delegation}").format(id=cur["id"], delegation=deleg)
            )
        rem = data["remaining_seconds"]
        fields = {
            "elapsed": format_duration(data["elapsed_seconds"]),
            "limit": format_duration(data["limit_seconds"]),
            "remaining": format_duration(rem),
        }
        over = rem is not None and rem < 0
        if over and data["paused"]:
            message = lang._(
                "Elapsed {elapsed} of {limit}; remaining {remaining} OVER TIME (paused)"
            )
        elif over:
            message = lang._("Elapsed {elapsed} of {limit}; remaining {remaining} OVER TIME")
        elif data["paused"]:
            message = lang._("Elapsed {elapsed} of {limit}; remaining {remaining} (paused)")
        else:
            message = lang._("Elapsed {elapsed} of {limit}; remaining {remaining}")
        lines.append(message.format(**fields))
    if data["next"]:
        lines.append(
            lang._("Next: {speakers}").format(
                speakers=lang.join(
                    printable(n["delegation"])
                    if n["kind"] == "item"
                    else f"{n['id']} {speaker_delegation(lang, n)}"
                    for n in data["next"]
                )
            )
        )
    elif data.get("continues"):
        lines.append(
            lang._("Nobody else is called in this meeting: {continues}").format(
                continues=data["continues"]
            )
        )
    elif data.get("then"):
        lines.append(
            lang._("The list is exhausted; next in the programme: {then}").format(then=data["then"])
        )
    else:
        lines.append(lang._("Nobody is waiting."))
    return lines


def items_in(lang: Lang, meeting: Meeting, data: dict[str, Any]) -> dict[str, Any]:
    """The status view with its fixed items (the opening's statements) as the meeting
    file words them in ``lang``: the view holds their English label and speaker."""
    if not lang.french:
        return data
    items = {
        (item.speaker or item.label, item.label if item.speaker else None): item
        for seg in meeting.segments
        for item in seg.items
    }

    def french(row: dict[str, Any] | None) -> dict[str, Any] | None:
        if row is None or row.get("kind") != "item":
            return row
        item = items.get((row["delegation"], row["title"]))
        if item is None:
            return row
        label = lang.text(item.label, item.label_fr)
        if item.speaker is None:
            return {**row, "delegation": label}
        return {**row, "delegation": lang.text(item.speaker, item.speaker_fr), "title": label}

    return {
        **data,
        "current": french(data["current"]),
        "next": [french(row) for row in data["next"]],
    }


def status_text(env: Env, data: dict[str, Any], lang: Lang | None = None) -> None:
    for line in status_lines(data, lang):
        env.stdout.write(line + "\n")


def status_table(env: Env, data: dict[str, Any], lang: Lang | None = None) -> None:
    from rich.text import Text

    con = console(env)
    rem = data["remaining_seconds"]
    for i, line in enumerate(status_lines(data, lang)):
        style = "bold" if i == 0 else ""
        if i == 1 and data["current"] is not None and rem is not None and rem < 0:
            style = "bold red"
        con.print(Text(line, style=style))

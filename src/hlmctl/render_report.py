"""The report after the meeting: tables on a terminal, plain text when piped,
Markdown for the summary; in English or French."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hlmctl.clock import format_duration
from hlmctl.i18n import N_
from hlmctl.render import Column, console, fitted_table, md, printable

if TYPE_CHECKING:
    from hlmctl.context import Env
    from hlmctl.i18n import Lang
    from hlmctl.meeting import Meeting

DIMENSIONS = (
    ("list", N_("By list")),
    ("level", N_("By level of representation")),
    ("category", N_("By category of participant")),
    ("regional_group", N_("By regional group")),
)


def _who(lang: Lang, s: dict[str, Any]) -> str:
    text = lang.delegation(str(s["delegation"]))
    if s["on_behalf_of"]:
        text = lang._("{delegation} (on behalf of {group})").format(
            delegation=text, group=lang.group(str(s["on_behalf_of"]))
        )
    if s["kind"] == "reply":
        text = lang._("Right of reply: {delegation}").format(delegation=text)
    return text


def _over(seconds: float) -> str:
    return f"+{format_duration(seconds)}" if seconds > 0 else ""


def _started(lang: Lang, value: str | None) -> str:
    if not value:
        return ""
    from datetime import datetime

    at = datetime.fromisoformat(value)
    return lang._("{date} {time}").format(date=lang.short_date(at), time=lang.time(at))


def _group(lang: Lang, key: str | None) -> str:
    from hlmctl.delegations import GROUP_LABELS

    return lang.label(GROUP_LABELS.get(key or "", key or ""))


def _label(lang: Lang, meeting: Meeting, dimension: str, row: dict[str, Any]) -> str:
    key = row["key"]
    if dimension == "level":
        return lang.level(meeting, key)
    if dimension == "category":
        return lang.category(meeting, key)
    if dimension == "regional_group":
        return _group(lang, key)
    lst = meeting.speaker_list(key)
    return lang.text(lst.title, lst.title_fr)


def summary_line(lang: Lang, data: dict[str, Any]) -> str:
    """Statements and rights of reply counted apart: a reply is not a statement."""
    n = len(data["statements"])
    line = lang.n_("{n} statement was delivered.", "{n} statements were delivered.", n)
    replies = len(data["replies"])
    if replies:
        line += " " + lang.n_(
            "{n} right of reply was exercised.", "{n} rights of reply were exercised.", replies
        )
    return line


def _total_line(lang: Lang, label: str, row: dict[str, Any]) -> str:
    line = lang.n_(
        "{label}: {n} statement, {time}; overruns: {overruns} {over}",
        "{label}: {n} statements, {time}; overruns: {overruns} {over}",
        row["statements"],
        label=label,
        time=format_duration(row["seconds"]),
        overruns=row["overruns"],
        over=_over(row["overrun_seconds"]),
    ).rstrip()
    if row["replies"]:
        line += lang.n_(
            "; {n} right of reply, {time}",
            "; {n} rights of reply, {time}",
            row["replies"],
            time=format_duration(row["reply_seconds"]),
        )
    return line


def _item_line(lang: Lang, meeting: Meeting, n: int, i: dict[str, Any]) -> str:
    """A fixed item given: "1. Statement by the Secretary-General (Secretary-General);
    started 13 May 09:13; spoke 12:30 of 12:00 (+0:30)"."""
    item = meeting.segment(i["segment"]).items[i["index"]]
    over = _over(i["over_seconds"])
    return lang._("{n}. {label}; started {started}; spoke {spoken} of {limit}").format(
        n=n,
        label=lang.text(item.label, item.label_fr),
        started=_started(lang, i["started_at"]),
        spoken=format_duration(i["spoken_seconds"]),
        limit=format_duration(i["limit_seconds"]),
    ) + (f" ({over})" if over else "")


def _absences(lang: Lang, s: dict[str, Any]) -> str:
    n = len(s["absences"])
    return lang.n_("absent once", "absent {n} times", n) if n else ""


def _status(lang: Lang, status: str) -> str:
    return {"waiting": lang._("waiting"), "withdrawn": lang._("withdrawn")}.get(status, status)


def _panel_lines(lang: Lang, meeting: Meeting, data: dict[str, Any]) -> list[str]:
    """Per panel: the groups of its chairs, moderator and panelists; a group absent."""
    lines = []
    for p in data["panels"]:
        seg = meeting.segment(p["segment"])
        title = lang.text(seg.title, seg.title_fr)
        present = ", ".join(_group(lang, g) for g in p["regional_groups"])
        lines.append(
            lang._(
                "{panel}: regional groups of its chairs, moderator and panelists: {groups}."
            ).format(panel=title, groups=present or lang._("none yet"))
        )
        if p["missing_groups"]:
            lines.append(
                lang._("  Not represented: {groups}.").format(
                    groups=", ".join(_group(lang, g) for g in p["missing_groups"])
                )
            )
        if p["not_yet_named"]:
            lines.append(
                lang.n_(
                    "  {n} person is not yet named.",
                    "  {n} persons are not yet named.",
                    p["not_yet_named"],
                )
            )
    for s in data["spread"]:
        lst = meeting.speaker_list(s["list"])
        counts = lang.join(
            lang._("{group}: {n}").format(group=_group(lang, "" if k == "none" else k), n=v)
            for k, v in s["by_regional_group"].items()
            if k != "none" or v
        )
        lines.append(
            lang._("{list}: speakers by regional group: {counts}.").format(
                list=lang.text(lst.title, lst.title_fr), counts=counts
            )
        )
    from hlmctl.render_participants import report_lines

    return lines + report_lines(lang, meeting, data)


def table(env: Env, meeting: Meeting, data: dict[str, Any], lang: Lang) -> None:
    from rich.text import Text

    con = console(env)
    con.print(Text(lang._("Report: {title}").format(title=data["meeting"]["title"]), style="bold"))
    con.print(Text(summary_line(lang, data)))
    columns = [
        Column(lang._("Id")),
        Column(lang._("List"), drop=2),
        Column(lang._("Delegation"), wrap=True, min_width=14),
        Column(lang._("Level"), drop=1, wrap=True, min_width=10),
        Column(lang._("Started")),
        Column(lang._("Spoken"), justify="right"),
        Column(lang._("Limit"), drop=3, justify="right"),
        Column(lang._("Over"), drop=4, justify="right"),
    ]
    for title, given in (
        (lang._("Statements"), data["statements"]),
        (lang._("Rights of reply"), data["replies"]),
    ):
        rows = [
            [
                s["id"],
                s["list"],
                printable(_who(lang, s)),
                lang.level(meeting, s["level"]),
                _started(lang, s["started_at"]),
                format_duration(s["spoken_seconds"] or 0),
                format_duration(s["limit_seconds"]),
                _over(s["over_seconds"]),
            ]
            for s in given
        ]
        styles = ["red" if s["over_seconds"] > 0 else "" for s in given]
        if rows:
            con.print(fitted_table(env, title, columns, rows, styles))
    if data["items"]:
        con.print(Text(lang._("Items of the programme"), style="bold"))
        for n, i in enumerate(data["items"], start=1):
            line = _item_line(lang, meeting, n, i)
            con.print(Text(printable(line), style="red" if i["over_seconds"] > 0 else ""))
    for key, title in DIMENSIONS:
        cols = [
            Column("", wrap=True, min_width=12),
            Column(lang._("Statements"), justify="right"),
            Column(lang._("Time"), justify="right"),
            Column(lang._("Overruns"), drop=2, justify="right"),
            Column(lang._("Over by"), drop=1, justify="right"),
            Column(lang._("Replies"), drop=3, justify="right"),
            Column(lang._("Reply time"), drop=4, justify="right"),
        ]
        body = [
            [
                printable(_label(lang, meeting, key, row)),
                str(row["statements"]),
                format_duration(row["seconds"]),
                str(row["overruns"]),
                _over(row["overrun_seconds"]),
                str(row["replies"]),
                format_duration(row["reply_seconds"]) if row["replies"] else "",
            ]
            for row in data["totals"][key]
        ]
        if body:
            con.print(fitted_table(env, lang._(title), cols, body, [""] * len(body)))
    if data["not_spoken"]:
        cols = [
            Column(lang._("Id")),
            Column(lang._("List"), drop=2),
            Column(lang._("Delegation"), wrap=True, min_width=14),
            Column(lang._("Status")),
            Column(lang._("Absences"), drop=1, justify="right"),
        ]
        body = [
            [
                s["id"],
                s["list"],
                printable(_who(lang, s)),
                _status(lang, s["status"]),
                str(len(s["absences"])),
            ]
            for s in data["not_spoken"]
        ]
        con.print(
            fitted_table(env, lang._("Inscribed but did not speak"), cols, body, [""] * len(body))
        )
    con.print(Text(lang._("Geographical balance"), style="bold"))
    for line in _panel_lines(lang, meeting, data):
        con.print(Text(printable(line), style="red" if line.startswith("  ") else ""))
    ref = data["reference_data"]
    con.print(Text(_source(lang, ref), style="dim"))


def _source(lang: Lang, ref: dict[str, Any]) -> str:
    return lang._("Regional groups: {source} (as of {date})").format(
        source=ref["source"], date=ref["as_of"]
    )


def text(env: Env, meeting: Meeting, data: dict[str, Any], lang: Lang) -> None:
    """Plain lines for a pipe or a narrow terminal: no boxes."""
    out = env.stdout
    out.write(printable(lang._("Report: {title}").format(title=data["meeting"]["title"])) + "\n")
    out.write(summary_line(lang, data) + "\n")
    for title, given in (
        (lang._("Statements"), data["statements"]),
        (lang._("Rights of reply"), data["replies"]),
    ):
        if given:
            out.write("\n" + title + "\n")
        for n, s in enumerate(given, start=1):
            over = _over(s["over_seconds"])
            out.write(
                printable(
                    lang._(
                        "{n}. {id} {who} ({level}); started {started}; spoke {spoken} of {limit}"
                    ).format(
                        n=n,
                        id=s["id"],
                        who=_who(lang, s),
                        level=lang.level(meeting, s["level"]),
                        started=_started(lang, s["started_at"]),
                        spoken=format_duration(s["spoken_seconds"] or 0),
                        limit=format_duration(s["limit_seconds"]),
                    )
                    + (f" ({over})" if over else "")
                )
                + "\n"
            )
    if data["items"]:
        out.write("\n" + lang._("Items of the programme") + "\n")
    for n, i in enumerate(data["items"], start=1):
        out.write(printable(_item_line(lang, meeting, n, i)) + "\n")
    for key, title in DIMENSIONS:
        rows = data["totals"][key]
        if not rows:
            continue
        out.write("\n" + lang._(title) + "\n")
        for row in rows:
            out.write(printable(_total_line(lang, _label(lang, meeting, key, row), row)) + "\n")
    if data["not_spoken"]:
        out.write("\n" + lang._("Inscribed but did not speak") + "\n")
        for s in data["not_spoken"]:
            extra = _absences(lang, s)
            out.write(
                printable(
                    f"{s['id']} {_who(lang, s)} ({s['list']}, {_status(lang, s['status'])}"
                    + (f", {extra}" if extra else "")
                    + ")"
                )
                + "\n"
            )
    out.write("\n" + lang._("Geographical balance") + "\n")
    for line in _panel_lines(lang, meeting, data):
        out.write(printable(line) + "\n")
    out.write("\n" + printable(_source(lang, data["reference_data"])) + "\n")


def markdown(env: Env, meeting: Meeting, data: dict[str, Any], lang: Lang) -> None:
    out = env.stdout
    annex = lang._("Factual annex: {title}").format(title=data["meeting"]["title"])
    out.write(f"## {md(annex)}\n\n")
    out.write(f"{summary_line(lang, data)}\n\n")
    heads = [
        "#",
        lang._("Delegation"),
        lang._("Level"),
        lang._("Started"),
        lang._("Spoken"),
        lang._("Limit"),
        lang._("Over"),
    ]
    for n_section, (title, given) in enumerate(
        ((lang._("Statements"), data["statements"]), (lang._("Rights of reply"), data["replies"]))
    ):
        if n_section and not given:
            continue
        out.write(("\n" if n_section else "") + f"### {title}\n\n| {' | '.join(heads)} |\n")
        out.write("|---|---|---|---|---|---|---|\n")
        for n, s in enumerate(given, start=1):
            out.write(
                f"| {n} | {md(_who(lang, s))} | {md(lang.level(meeting, s['level']))} | "
                f"{_started(lang, s['started_at'])} | "
                f"{format_duration(s['spoken_seconds'] or 0)} | "
                f"{format_duration(s['limit_seconds'])} | {_over(s['over_seconds'])} |\n"
            )
    if data["items"]:
        out.write("\n### " + lang._("Items of the programme") + "\n\n")
        for n, i in enumerate(data["items"], start=1):
            out.write(f"- {md(_item_line(lang, meeting, n, i))}\n")
    for key, title in DIMENSIONS:
        cols = [
            lang._("Statements"),
            lang._("Time"),
            lang._("Overruns"),
            lang._("Over by"),
            lang._("Replies"),
            lang._("Reply time"),
        ]
        out.write("\n### " + lang._(title) + f"\n\n| | {' | '.join(cols)} |\n")
        out.write("|---|---|---|---|---|---|---|\n")
        for row in data["totals"][key]:
            reply_time = format_duration(row["reply_seconds"]) if row["replies"] else ""
            out.write(
                f"| {md(_label(lang, meeting, key, row))} | {row['statements']} | "
                f"{format_duration(row['seconds'])} | {row['overruns']} | "
                f"{_over(row['overrun_seconds'])} | {row['replies']} | {reply_time} |\n"
            )
    if data["not_spoken"]:
        out.write("\n### " + lang._("Inscribed but did not speak") + "\n\n")
        for s in data["not_spoken"]:
            extra = _absences(lang, s)
            out.write(
                f"- {md(_who(lang, s))} ({s['list']}, {_status(lang, s['status'])}"
                f"{', ' + extra if extra else ''})\n"
            )
    out.write("\n### " + lang._("Geographical balance") + "\n\n")
    for line in _panel_lines(lang, meeting, data):
        indent = "  " if line.startswith("  ") else ""
        out.write(f"{indent}- {md(line.strip())}\n")
    out.write(f"\n_{md(_source(lang, data['reference_data']))}._\n")

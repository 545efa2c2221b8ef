"""The report after the meeting: a Rich table for people, Markdown for the summary."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hlmctl.clock import format_duration
from hlmctl.render import console, md, printable

if TYPE_CHECKING:
    from hlmctl.context import Env

DIMENSIONS = (
    ("list", "By list"),
    ("level", "By level of representation"),
    ("category", "By category of participant"),
    ("regional_group", "By regional group"),
)


def _who(s: dict[str, Any]) -> str:
    text = str(s["delegation"])
    if s["on_behalf_of"]:
        text += f" (on behalf of {s['on_behalf_of']})"
    if s["kind"] == "reply":
        text = "Right of reply: " + text
    return text


def _over(seconds: float) -> str:
    return f"+{format_duration(seconds)}" if seconds > 0 else ""


def table(env: Env, data: dict[str, Any]) -> None:
    from rich.table import Table
    from rich.text import Text

    con = console(env)
    con.print(Text(f"Report: {data['meeting']['title']}", style="bold"))
    statements = Table(title=Text("Statements", style="bold"), title_justify="left")
    for col in ("Id", "List", "Delegation", "Level", "Started", "Spoken", "Limit", "Over"):
        statements.add_column(col, no_wrap=col != "Delegation")
    for s in data["statements"]:
        statements.add_row(
            Text(s["id"]),
            Text(s["list"]),
            Text(printable(_who(s))),
            Text(s["level"]),
            Text((s["started_at"] or "")[:16].replace("T", " ")),
            Text(format_duration(s["spoken_seconds"] or 0)),
            Text(format_duration(s["limit_seconds"])),
            Text(_over(s["over_seconds"]), style="red" if s["over_seconds"] > 0 else ""),
        )
    con.print(statements)
    for key, title in DIMENSIONS:
        t = Table(title=Text(title, style="bold"), title_justify="left")
        for col in ("", "Statements", "Time", "Overruns", "Over by"):
            t.add_column(col)
        for row in data["totals"][key]:
            t.add_row(
                Text(printable(row["label"])),
                Text(str(row["statements"])),
                Text(format_duration(row["seconds"])),
                Text(str(row["overruns"])),
                Text(_over(row["overrun_seconds"])),
            )
        con.print(t)
    if data["not_spoken"]:
        t = Table(title=Text("Inscribed but did not speak", style="bold"), title_justify="left")
        for col in ("Id", "List", "Delegation", "Status", "Absences"):
            t.add_column(col)
        for s in data["not_spoken"]:
            t.add_row(
                Text(s["id"]),
                Text(s["list"]),
                Text(printable(_who(s))),
                Text(s["status"]),
                Text(str(len(s["absences"]))),
            )
        con.print(t)
    ref = data["reference_data"]
    con.print(Text(f"Regional groups: {ref['source']} (as of {ref['as_of']})", style="dim"))


def markdown(env: Env, data: dict[str, Any]) -> None:
    out = env.stdout
    out.write(f"## Factual annex: {md(data['meeting']['title'])}\n\n")
    out.write(f"{len(data['statements'])} statements were delivered.\n\n")
    out.write("### Statements\n\n| # | Delegation | Level | Started | Spoken | Limit | Over |\n")
    out.write("|---|---|---|---|---|---|---|\n")
    for n, s in enumerate(data["statements"], start=1):
        out.write(
            f"| {n} | {md(_who(s))} | {s['level']} | "
            f"{(s['started_at'] or '')[:16].replace('T', ' ')} | "
            f"{format_duration(s['spoken_seconds'] or 0)} | "
            f"{format_duration(s['limit_seconds'])} | {_over(s['over_seconds'])} |\n"
        )
    for key, title in DIMENSIONS:
        out.write(f"\n### {title}\n\n| | Statements | Time | Overruns | Over by |\n")
        out.write("|---|---|---|---|---|\n")
        for row in data["totals"][key]:
            out.write(
                f"| {md(row['label'])} | {row['statements']} | "
                f"{format_duration(row['seconds'])} | {row['overruns']} | "
                f"{_over(row['overrun_seconds'])} |\n"
            )
    if data["not_spoken"]:
        out.write("\n### Inscribed but did not speak\n\n")
        for s in data["not_spoken"]:
            absences = f", absent {len(s['absences'])} time(s)" if s["absences"] else ""
            out.write(f"- {md(_who(s))} ({s['list']}, {s['status']}{absences})\n")
    ref = data["reference_data"]
    out.write(f"\n_Regional groups: {md(ref['source'])}, as of {ref['as_of']}._\n")

"""The President's lists of participants: the operator's listing (table, text, JSON,
CSV), the balance lines of the report, and the documents (the proposed list as
circulated to Member States, the final list brought to the attention of the General
Assembly) in English or French, as text, Markdown or HTML."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from hlmctl.i18n import N_
from hlmctl.render import Column, console, fitted_table, printable

if TYPE_CHECKING:
    from hlmctl.context import Env
    from hlmctl.i18n import Lang
    from hlmctl.meeting import Meeting, ParticipantList
    from hlmctl.record import Participant, Record
    from hlmctl.render_publish import Block

KIND_LABELS = {
    "ecosoc-ngo": N_("NGO in consultative status with ECOSOC"),
    "ngo": N_("Non-governmental organization"),
    "civil-society": N_("Civil society organization"),
    "academic": N_("Academic institution"),
    "private-sector": N_("Private sector"),
    "media": N_("Media"),
}
ECOSOC_LABELS = {
    "general": N_("general consultative status"),
    "special": N_("special consultative status"),
    "roster": N_("Roster"),
}
STATE_LABELS = {
    "proposed": N_("proposed"),
    "circulated": N_("circulated"),
    "objected": N_("objected"),
    "approved": N_("approved"),
    "withdrawn": N_("withdrawn"),
}

CSV_COLUMNS = (
    "id",
    "list",
    "organization",
    "organization_fr",
    "kind",
    "ecosoc_status",
    "country",
    "regional_group",
    "representatives",
    "state",
    "objections",
    "added_at",
    "withdrawn_at",
)


# --- views (the JSON of `participants list` and of the report) ------------------------


def _iso(value: datetime | None, meeting: Meeting) -> str | None:
    return value.astimezone(meeting.tz).isoformat() if value is not None else None


def participant_view(
    meeting: Meeting, record: Record, entry: Participant, now: datetime
) -> dict[str, Any]:
    from hlmctl import participants

    return {
        "id": entry.id,
        "list": entry.list,
        "organization": entry.organization,
        "organization_fr": entry.organization_fr,
        "kind": entry.kind,
        "ecosoc_status": entry.ecosoc_status,
        "country": entry.country,
        "regional_group": participants.group_of(entry) or None,
        "representatives": [
            {"courtesy": r.courtesy, "name": r.name, "title": r.title}
            for r in entry.representatives
        ],
        "state": participants.state_of(meeting, record, entry, now),
        "added_at": _iso(entry.added_at, meeting),
        "withdrawn_at": _iso(entry.withdrawn_at, meeting),
        "objections": [
            {
                "by": o.by,
                "at": _iso(o.at, meeting),
                "note": o.note,
                "withdrawn_at": _iso(o.withdrawn_at, meeting),
            }
            for o in entry.objections
        ],
    }


def balance_view(meeting: Meeting, record: Record, list_id: str, now: datetime) -> dict[str, Any]:
    from hlmctl import participants

    b = participants.balance(meeting, record, list_id, now)
    return {
        "by_regional_group": {k or "none": v for k, v in b.by_group.items()},
        "by_kind": b.by_kind,
        "missing_groups": b.missing,
    }


def list_status(meeting: Meeting, record: Record, list_id: str, now: datetime) -> str:
    """proposed (being drawn up), circulated (objections open) or final."""
    from hlmctl import participants

    if participants.is_final(meeting, record, list_id, now):
        return "final"
    return "circulated" if list_id in record.circulations else "proposed"


def list_view(
    meeting: Meeting, record: Record, plist: ParticipantList, now: datetime
) -> dict[str, Any]:
    from hlmctl import participants

    circulation = record.circulations.get(plist.id)
    return {
        "id": plist.id,
        "title": plist.title,
        "paragraph": plist.paragraph,
        "non_objection": plist.non_objection,
        "status": list_status(meeting, record, plist.id, now),
        "circulated_at": _iso(circulation.at, meeting) if circulation else None,
        "deadline": _iso(circulation.deadline, meeting) if circulation else None,
        "circulated": list(circulation.entries) if circulation else [],
        "balance": balance_view(meeting, record, plist.id, now),
        "participants": [
            participant_view(meeting, record, p, now)
            for p in participants.entries(record, plist.id)
        ],
    }


def report_view(meeting: Meeting, record: Record, now: datetime) -> list[dict[str, Any]]:
    """The report's part: each list of participants, its status and its balance."""
    return [
        {
            "list": p.id,
            "status": list_status(meeting, record, p.id, now),
            **balance_view(meeting, record, p.id, now),
        }
        for p in meeting.participant_lists
    ]


# --- words ------------------------------------------------------------------------------


def kind_label(lang: Lang, entry: dict[str, Any]) -> str:
    text = lang._(KIND_LABELS.get(entry["kind"], entry["kind"]))
    status = entry.get("ecosoc_status")
    if status:
        text = lang._("{kind}, {status}").format(
            kind=text, status=lang._(ECOSOC_LABELS.get(status, status))
        )
    return text


def _group(lang: Lang, key: str | None) -> str:
    from hlmctl.delegations import GROUP_LABELS

    return lang.label(GROUP_LABELS.get(key or "", key or ""))


def organization(lang: Lang, entry: dict[str, Any]) -> str:
    """As the list spells it; in French, its French name when the list gives one."""
    if lang.french and entry.get("organization_fr"):
        return str(entry["organization_fr"])
    return str(entry["organization"])


def representative(lang: Lang, rep: dict[str, Any]) -> str:
    who = " ".join(x for x in (lang.courtesy(rep.get("courtesy")), rep["name"]) if x)
    if rep.get("title"):
        who = lang._("{name}, {title}").format(name=who, title=rep["title"])
    return who


def _when(lang: Lang, value: str) -> str:
    at = datetime.fromisoformat(value)
    return lang._("{date} at {time}").format(date=lang.date(at), time=lang.time(at))


def status_line(lang: Lang, data: dict[str, Any]) -> str:
    if data["status"] == "final" and not data["non_objection"]:
        return lang._("Final: drawn up by the President (not submitted to Member States).")
    if data["status"] == "final":
        return lang._("Final: the deadline for objections passed on {when}.").format(
            when=_when(lang, data["deadline"])
        )
    if data["status"] == "circulated":
        return lang._("Circulated to Member States on {at}; objections due by {when}.").format(
            at=_when(lang, data["circulated_at"]), when=_when(lang, data["deadline"])
        )
    return lang._("Being drawn up: not yet circulated to Member States.")


def balance_lines(lang: Lang, balance: dict[str, Any], *, flag: str = "") -> list[str]:
    """The balance by regional group and by kind; groups absent on their own line,
    after ``flag`` (the report indents the lines it flags)."""
    groups = lang.join(
        lang._("{group}: {n}").format(group=_group(lang, "" if k == "none" else k), n=v)
        for k, v in balance["by_regional_group"].items()
        if k != "none" or v
    )
    lines = [lang._("By regional group: {counts}.").format(counts=groups)]
    kinds = lang.join(
        lang._("{group}: {n}").format(group=lang._(KIND_LABELS.get(k, k)), n=v)
        for k, v in balance["by_kind"].items()
    )
    lines.append(lang._("By kind: {counts}.").format(counts=kinds or lang._("none yet")))
    if balance["missing_groups"]:
        lines.append(
            flag
            + lang._("Not represented: {groups}.").format(
                groups=", ".join(_group(lang, g) for g in balance["missing_groups"])
            )
        )
    return lines


def _title(lang: Lang, meeting: Meeting, list_id: str) -> str:
    plist = next(p for p in meeting.participant_lists if p.id == list_id)
    return lang.text(plist.title, plist.title_fr)


def report_lines(lang: Lang, meeting: Meeting, data: dict[str, Any]) -> list[str]:
    """The report's lines on the lists of participants (``data``: the report's JSON)."""
    lines = []
    for item in data.get("participants", []):
        lines.append(
            lang._("{list} (paragraph {paragraph}): balance of the list.").format(
                list=_title(lang, meeting, item["list"]),
                paragraph=next(
                    p.paragraph for p in meeting.participant_lists if p.id == item["list"]
                ),
            )
        )
        lines += balance_lines(lang, item, flag="  ")
    return lines


# --- the operator's listing -------------------------------------------------------------


def _objections(entry: dict[str, Any]) -> str:
    return ", ".join(o["by"] for o in entry["objections"] if o["withdrawn_at"] is None)


def _row(lang: Lang, entry: dict[str, Any]) -> list[str]:
    return [
        entry["id"],
        printable(organization(lang, entry)),
        kind_label(lang, entry),
        printable(lang.delegation(entry["country"])) if entry["country"] else "",
        _group(lang, entry["regional_group"]) if entry["country"] else "",
        printable("; ".join(representative(lang, r) for r in entry["representatives"])),
        lang._(STATE_LABELS[entry["state"]]),
        printable(_objections(entry)),
    ]


def _heading(lang: Lang, meeting: Meeting, data: dict[str, Any]) -> str:
    return lang._("{title} ({id}, paragraph {paragraph})").format(
        title=_title(lang, meeting, data["id"]), id=data["id"], paragraph=data["paragraph"]
    )


def table(env: Env, meeting: Meeting, data: list[dict[str, Any]], lang: Lang) -> None:
    from rich.text import Text

    con = console(env)
    for n, item in enumerate(data):
        if n:
            con.print()
        columns = [
            Column(lang._("Id")),
            Column(lang._("Organization"), wrap=True, min_width=14),
            Column(lang._("Kind"), drop=3, wrap=True, min_width=10),
            Column(lang._("Country"), drop=2, wrap=True, min_width=8),
            Column(lang._("Regional group"), drop=4, wrap=True, min_width=8),
            Column(lang._("Representatives"), drop=1, wrap=True, min_width=10),
            Column(lang._("State")),
            Column(lang._("Objections"), drop=5, wrap=True, min_width=8),
        ]
        rows = [_row(lang, e) for e in item["participants"]]
        styles = [
            "dim" if e["state"] == "withdrawn" else "red" if e["state"] == "objected" else ""
            for e in item["participants"]
        ]
        con.print(Text(printable(_heading(lang, meeting, item)), style="bold"))
        con.print(Text(status_line(lang, item)))
        if rows:
            con.print(fitted_table(env, "", columns, rows, styles))
        else:
            con.print(Text(lang._("No organization on this list yet.")))
        for line in balance_lines(lang, item["balance"]):
            con.print(Text(printable(line)))


def text(env: Env, meeting: Meeting, data: list[dict[str, Any]], lang: Lang) -> None:
    out = env.stdout
    for n, item in enumerate(data):
        if n:
            out.write("\n")
        out.write(printable(_heading(lang, meeting, item)) + "\n")
        out.write(status_line(lang, item) + "\n")
        if not item["participants"]:
            out.write(lang._("No organization on this list yet.") + "\n")
        for entry in item["participants"]:
            cells = _row(lang, entry)
            details = lang.join(c for c in (cells[2], cells[3], cells[5]) if c)
            line = f"{cells[0]}\t{cells[1]} ({details})\t{cells[6]}"
            if cells[7]:
                line += "\t" + lang._("objection: {states}").format(states=cells[7])
            out.write(line + "\n")
        for line in balance_lines(lang, item["balance"]):
            out.write(printable(line) + "\n")


def csv_rows(data: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per entry; representatives as ``participants import`` reads them."""
    return [
        {
            **entry,
            "representatives": " | ".join(
                ";".join(x or "" for x in (r["name"], r["title"], r["courtesy"])).rstrip(";")
                for r in entry["representatives"]
            ),
            "objections": _objections(entry),
        }
        for item in data
        for entry in item["participants"]
    ]


# --- documents ---------------------------------------------------------------------------


def _quote(lang: Lang, words: str) -> str:
    """Quoted words: « ... » with no-break spaces in French, “...” in English."""
    return f"«\u00a0{words}\u00a0»" if lang.french else f"\u201c{words}\u201d"


def _entry_text(lang: Lang, entry: dict[str, Any]) -> str:
    parts = [kind_label(lang, entry)]
    if entry["country"]:
        parts.insert(0, lang.delegation(entry["country"]))
    text = lang._("{organization} ({details})").format(
        organization=organization(lang, entry), details=lang.clauses(parts)
    )
    reps = [representative(lang, r) for r in entry["representatives"]]
    if reps:
        text = lang._("{entry}. Represented by: {people}").format(
            entry=text, people=lang.join(reps)
        )
    return text


def _head(lang: Lang, meeting: Meeting, plist: ParticipantList, title: str) -> list[Block]:
    from hlmctl.render_publish import Block

    info = meeting.meeting
    return [
        Block("title", title),
        Block("subtitle", lang.text(info.title, info.title_fr)),
        Block(
            "para",
            lang._("Paragraph {paragraph} of the modalities: {words}").format(
                paragraph=plist.paragraph,
                words=_quote(lang, lang.text(plist.source, plist.source_fr)),
            ),
        ),
    ]


def circulated_blocks(
    lang: Lang, meeting: Meeting, plist: ParticipantList, data: dict[str, Any]
) -> list[Block]:
    """The proposed list as submitted to Member States, under a cover in the manner
    of a note verbale: what is proposed, under which paragraph, the deadline."""
    from hlmctl.render_publish import Block

    list_title = lang.text(plist.title, plist.title_fr)
    blocks = _head(lang, meeting, plist, lang._("Proposed list: {title}").format(title=list_title))
    blocks.append(
        Block(
            "para",
            lang._(
                "The Office of the President of the General Assembly presents its compliments "
                "to the Permanent Missions and Permanent Observer Missions to the United "
                "Nations and has the honour to submit to Member States, for their "
                "consideration on a non-objection basis, the proposed list below, drawn up "
                "under paragraph {paragraph} of the modalities of the meeting."
            ).format(paragraph=plist.paragraph),
        )
    )
    blocks.append(
        Block(
            "para",
            lang._(
                "Any objection should reach the Office of the President by {deadline}. An "
                "organization to which no Member State has objected by then will be on the "
                "final list, which will be brought to the attention of the General Assembly."
            ).format(deadline=_when(lang, data["deadline"])),
        )
    )
    blocks.append(Block("heading", lang._("Proposed list")))
    by_id = {e["id"]: e for e in data["participants"]}
    for n, pid in enumerate(data["circulated"], start=1):
        blocks.append(Block("entry", _entry_text(lang, by_id[pid]), n))
    blocks.append(
        Block(
            "para",
            lang._("Circulated on {when}.").format(when=_when(lang, data["circulated_at"])),
        )
    )
    return blocks


def final_blocks(
    lang: Lang, meeting: Meeting, plist: ParticipantList, data: dict[str, Any], now: datetime
) -> list[Block]:
    """The final list, brought to the attention of the General Assembly."""
    from hlmctl.render_publish import Block

    list_title = lang.text(plist.title, plist.title_fr)
    blocks = _head(
        lang, meeting, plist, lang._("List of participants: {title}").format(title=list_title)
    )
    blocks.append(
        Block("heading", lang._("Final list brought to the attention of the General Assembly"))
    )
    if data["non_objection"]:
        blocks.append(
            Block(
                "para",
                lang._(
                    "The proposed list was submitted to Member States on {at} for their "
                    "consideration on a non-objection basis; the deadline for objections "
                    "was {deadline}."
                ).format(
                    at=_when(lang, data["circulated_at"]), deadline=_when(lang, data["deadline"])
                ),
            )
        )
    approved = [e for e in data["participants"] if e["state"] == "approved"]
    for n, entry in enumerate(approved, start=1):
        blocks.append(Block("entry", _entry_text(lang, entry), n))
    if not approved:
        blocks.append(Block("para", lang._("No organization is on the list.")))
    objected = [e for e in data["participants"] if e["state"] == "objected"]
    if objected:
        blocks.append(
            Block(
                "para",
                lang.n_(
                    "{n} organization proposed was the subject of an objection by a Member "
                    "State and is not on the list.",
                    "{n} organizations proposed were the subject of an objection by a Member "
                    "State and are not on the list.",
                    len(objected),
                ),
            )
        )
        if plist.name_objectors:
            states = sorted(
                {o["by"] for e in objected for o in e["objections"] if not o["withdrawn_at"]}
            )
            blocks.append(
                Block(
                    "para",
                    lang._("Objections were received from: {states}.").format(
                        states=lang.join(lang.delegation(s) for s in states)
                    ),
                )
            )
    blocks.append(Block("heading", lang._("Balance of the list")))
    blocks += [Block("para", line) for line in balance_lines(lang, data["balance"])]
    blocks.append(Block("para", lang._("As at {when}.").format(when=_when(lang, now.isoformat()))))
    return blocks

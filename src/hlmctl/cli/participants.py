"""Commands of the President's lists of participants (modalities paragraphs 8 and 9):
participants add, edit, remove, list, import, circulate, object, publish."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from hlmctl.cli.common import (
    DocumentFormat,
    LangOption,
    ListFormat,
    app,
    change,
    handled,
    lang_of,
    ok,
    open_meeting,
    pick_format,
    read_import,
)

if TYPE_CHECKING:
    from datetime import datetime

    from hlmctl.cli.common import Language
    from hlmctl.context import Env
    from hlmctl.meeting import Meeting
    from hlmctl.participants import Proposal
    from hlmctl.record import Objection, Participant, Record

participants_app = typer.Typer(
    help="The President's lists of participants (paragraphs 8 and 9 of the modalities) "
    "and the objections of Member States.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(participants_app, name="participants")


class Kind(StrEnum):
    ecosoc_ngo = "ecosoc-ngo"
    ngo = "ngo"
    civil_society = "civil-society"
    academic = "academic"
    private_sector = "private-sector"
    media = "media"


class EcosocStatus(StrEnum):
    general = "general"
    special = "special"
    roster = "roster"


PListOption = Annotated[
    str | None,
    typer.Option(
        "--list",
        "-l",
        help="The list of participants [default: the meeting file's first].",
        show_default=False,
    ),
]
RefArgument = Annotated[
    str, typer.Argument(help="The entry: its id (P3) or its organization's name.")
]
KindOption = Annotated[
    Kind | None,
    typer.Option(
        "--kind",
        help="ecosoc-ngo (in consultative status with ECOSOC), ngo, civil-society, "
        "academic, private-sector or media [default: ngo, or the list's first kind].",
        show_default=False,
    ),
]
EcosocOption = Annotated[
    EcosocStatus | None,
    typer.Option(
        "--ecosoc-status",
        help="For ecosoc-ngo: general, special or roster.",
        show_default=False,
    ),
]
CountryOption = Annotated[
    str | None,
    typer.Option("--country", help="The country of its headquarters.", show_default=False),
]
RepresentativeOption = Annotated[
    list[str] | None,
    typer.Option(
        "--representative",
        help='"NAME", "NAME; TITLE" or "NAME; TITLE; COURTESY" (courtesy only as given); '
        "repeat for several.",
        show_default=False,
    ),
]
DocumentOption = Annotated[
    DocumentFormat,
    typer.Option(
        "--format",
        "-f",
        help="text, markdown, html (one printable page) or pdf (that page printed by "
        "Chromium; write it to a file: > list.pdf).",
    ),
]
FrenchOption = Annotated[
    str | None,
    typer.Option("--french-name", help="Its name in French, when it has one.", show_default=False),
]


def _proposal(
    organization: str | None,
    list_id: str | None,
    kind: Kind | None,
    ecosoc_status: EcosocStatus | None,
    country: str | None,
    representatives: list[str] | None,
    french_name: str | None,
) -> Proposal:
    from hlmctl.participants import Proposal

    return Proposal(
        organization=organization,
        list_id=list_id,
        kind=kind.value if kind else None,
        ecosoc_status=ecosoc_status.value if ecosoc_status else None,
        country=country,
        organization_fr=french_name,
        representatives=representatives,
    )


@participants_app.command("add")
@handled
def add(
    ctx: typer.Context,
    organization: Annotated[str, typer.Argument(help="The organization, as it writes its name.")],
    list_id: PListOption = None,
    kind: KindOption = None,
    ecosoc_status: EcosocOption = None,
    country: CountryOption = None,
    representative: RepresentativeOption = None,
    french_name: FrenchOption = None,
) -> None:
    """Propose an organization for a list of participants."""
    from hlmctl import participants

    proposal = _proposal(
        organization, list_id, kind, ecosoc_status, country, representative, french_name
    )

    def apply(meeting: Meeting, record: Record, now: datetime) -> tuple[Participant, str]:
        entry = participants.add(meeting, record, proposal, now)
        return entry, participants.state_of(meeting, record, entry, now)

    env, *_, (entry, state) = change(
        ctx,
        "participants add",
        apply,
        lambda r: f"{r[0].id} {r[0].organization} added to {r[0].list} ({r[0].kind})",
    )
    ok(env, f"{entry.id}\t{entry.organization} added to {entry.list} ({state})")


@participants_app.command("edit")
@handled
def edit(
    ctx: typer.Context,
    ref: RefArgument,
    list_id: PListOption = None,
    organization: Annotated[
        str | None, typer.Option("--organization", help="Its name.", show_default=False)
    ] = None,
    kind: KindOption = None,
    ecosoc_status: EcosocOption = None,
    country: CountryOption = None,
    representative: RepresentativeOption = None,
    french_name: FrenchOption = None,
) -> None:
    """Correct an entry before its list is circulated (id and time kept)."""
    from hlmctl import participants

    proposal = _proposal(
        organization, None, kind, ecosoc_status, country, representative, french_name
    )

    def apply(meeting: Meeting, record: Record, now: datetime) -> tuple[Participant, list[str]]:
        entry = participants.find(meeting, record, ref, list_id=list_id)
        return entry, participants.edit(meeting, record, entry, proposal)

    env, *_, (entry, changed) = change(
        ctx,
        "participants edit",
        apply,
        lambda r: f"{r[0].id} {r[0].organization} edited ({', '.join(r[1])})",
    )
    ok(env, f"{entry.id}\t{entry.organization} edited ({', '.join(changed)})")


@participants_app.command("remove")
@handled
def remove(ctx: typer.Context, ref: RefArgument, list_id: PListOption = None) -> None:
    """Withdraw an organization from its list (kept in the record as withdrawn)."""
    from hlmctl import participants

    def apply(meeting: Meeting, record: Record, now: datetime) -> Participant:
        entry = participants.find(meeting, record, ref, list_id=list_id)
        participants.remove(record, entry, now)
        return entry

    env, *_, entry = change(
        ctx,
        "participants remove",
        apply,
        lambda e: f"{e.id} {e.organization} withdrawn from {e.list}",
    )
    ok(env, f"{entry.id}\t{entry.organization} withdrawn from {entry.list}")


@participants_app.command("list")
@handled
def list_(
    ctx: typer.Context,
    list_id: PListOption = None,
    fmt: Annotated[
        ListFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="table, text, json or csv [default: table on a terminal, else text].",
            show_default=False,
        ),
    ] = None,
    lang: LangOption = None,
) -> None:
    """Each list of participants: its entries and their state, its balance by regional
    group and by kind."""
    from hlmctl import participants, render, render_participants

    env, store, meeting, now = open_meeting(ctx, write=False)
    chosen = (
        [participants.participant_list(meeting, list_id)]
        if list_id is not None
        else list(meeting.participant_lists)
    )
    if not chosen:
        participants.participant_list(meeting, None)  # says there is none
    record = store.read_record(meeting)
    data = [render_participants.list_view(meeting, record, p, now) for p in chosen]
    kind = pick_format(env, fmt)
    if kind == "json":
        render.write_json(env, {"lists": data})
    elif kind == "csv":
        render.write_csv(env, render_participants.CSV_COLUMNS, render_participants.csv_rows(data))
    elif kind == "table":
        render_participants.table(env, meeting, data, lang_of(env, lang))
    else:
        render_participants.text(env, meeting, data, lang_of(env, lang))


@participants_app.command("import")
@handled
def import_(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="A CSV file with a header row; - is stdin.")],
    list_id: PListOption = None,
) -> None:
    """Propose many organizations at once from CSV: all or nothing."""
    from hlmctl import participants
    from hlmctl.errors import InputError

    raw, name = read_import(file)
    rows = participants.read_rows(raw, name)

    def apply(meeting: Meeting, record: Record, now: datetime) -> list[Participant]:
        try:
            return participants.import_rows(meeting, record, list(rows), now, list_id)
        except InputError as exc:
            raise InputError(f"{name}: {exc.message}; nothing was imported") from None

    env, *_, added = change(
        ctx,
        "participants import",
        apply,
        lambda r: (
            f"{len(r)} organization{'' if len(r) == 1 else 's'} imported ({r[0].id}-{r[-1].id})"
        ),
    )
    ok(env, f"imported {len(added)} organizations ({added[0].id}-{added[-1].id})")


@participants_app.command("circulate")
@handled
def circulate(
    ctx: typer.Context,
    list_id: Annotated[str, typer.Argument(help="The list of participants to submit.")],
    deadline: Annotated[
        str,
        typer.Option(
            "--deadline",
            help="When objections are due (ISO 8601; without an offset, venue time; a date "
            "alone is the end of that day, 23:59:59).",
            show_default=False,
        ),
    ],
    fmt: DocumentOption = DocumentFormat.text,
    lang: LangOption = None,
) -> None:
    """Submit a proposed list to Member States for their consideration: its content is
    frozen as circulated, and the document (cover and list) is printed."""
    from hlmctl import participants
    from hlmctl.clock import parse_deadline
    from hlmctl.record import Circulation

    def apply(meeting: Meeting, record: Record, now: datetime) -> Circulation:
        due = parse_deadline(deadline, meeting.tz)
        return participants.circulate(meeting, record, list_id, due, now)

    env, _, meeting, record, now, _ = change(
        ctx,
        "participants circulate",
        apply,
        lambda c: (
            f"{list_id} circulated ({len(c.entries)} organizations), "
            f"objections due by {c.deadline.isoformat()}"
        ),
    )
    _write_document(env, meeting, record, now, [list_id], circulated=True, fmt=fmt, lang=lang)


@participants_app.command("object")
@handled
def object_(
    ctx: typer.Context,
    ref: RefArgument,
    by: Annotated[
        str, typer.Option("--by", help="The Member State that objects.", show_default=False)
    ],
    note: Annotated[
        str | None,
        typer.Option("--note", help="A note (the letter's reference...).", show_default=False),
    ] = None,
    withdraw: Annotated[
        bool, typer.Option("--withdraw", help="The State withdraws its objection.")
    ] = False,
    list_id: PListOption = None,
) -> None:
    """Record an objection received from a Member State before the deadline, or its
    withdrawal (--withdraw)."""
    from hlmctl import participants
    from hlmctl.errors import InputError

    if withdraw and note is not None:
        raise InputError("--note goes with an objection, not with --withdraw")

    def apply(
        meeting: Meeting, record: Record, now: datetime
    ) -> tuple[Participant, Objection, str]:
        entry = participants.find(meeting, record, ref, list_id=list_id)
        if withdraw:
            found = participants.withdraw_objection(meeting, record, entry, by, now)
        else:
            found = participants.object_to(meeting, record, entry, by, now, note)
        return entry, found, participants.state_of(meeting, record, entry, now)

    what = "withdrew its objection to" if withdraw else "objected to"
    env, *_, (entry, objection, state) = change(
        ctx,
        "participants object",
        apply,
        lambda r: f"{r[1].by} {what} {r[0].id} {r[0].organization}",
    )
    ok(env, f"{entry.id}\t{objection.by} {what} {entry.organization}; it is now {state}")


@participants_app.command("publish")
@handled
def publish(
    ctx: typer.Context,
    list_id: PListOption = None,
    fmt: DocumentOption = DocumentFormat.text,
    lang: LangOption = None,
    circulated: Annotated[
        bool,
        typer.Option("--circulated", help="The proposed list as circulated, with its cover."),
    ] = False,
) -> None:
    """The final list, brought to the attention of the General Assembly (every final
    list when --list is not given)."""
    from hlmctl import participants
    from hlmctl.errors import InputError

    env, store, meeting, now = open_meeting(ctx, write=False)
    record = store.read_record(meeting)
    if list_id is not None:
        ids = [participants.participant_list(meeting, list_id).id]
    else:
        participants.participant_list(meeting, None)  # says when there is none
        ids = [p.id for p in meeting.participant_lists]
        if circulated:
            ids = [i for i in ids if i in record.circulations]
        else:
            ids = [i for i in ids if participants.is_final(meeting, record, i, now)]
        if not ids:
            what = "circulated" if circulated else "final"
            raise InputError(f"no list of participants is {what} yet (`participants list`)")
    for pid in ids:
        circulation = record.circulations.get(pid)
        if circulated and circulation is None:
            raise InputError(f"the list {pid!r} has not been circulated")
        if not circulated and not participants.is_final(meeting, record, pid, now):
            when = (
                f"until the deadline for objections, {circulation.deadline:%Y-%m-%d %H:%M}"
                if circulation
                else "before it has been circulated to Member States and its deadline passed"
            )
            raise InputError(
                f"the list {pid!r} is not final {when}; `participants publish --circulated` "
                "prints the proposed list as circulated"
            )
    _write_document(env, meeting, record, now, ids, circulated=circulated, fmt=fmt, lang=lang)


def _write_document(
    env: Env,
    meeting: Meeting,
    record: Record,
    now: datetime,
    ids: list[str],
    *,
    circulated: bool,
    fmt: DocumentFormat,
    lang: Language | None,
) -> None:
    from hlmctl import participants, render_participants, render_publish

    language = lang_of(env, lang)
    blocks = []
    for pid in ids:
        plist = participants.participant_list(meeting, pid)
        data = render_participants.list_view(meeting, record, plist, now)
        if circulated:
            blocks += render_participants.circulated_blocks(language, meeting, plist, data)
        else:
            blocks += render_participants.final_blocks(language, meeting, plist, data, now)
    if fmt is DocumentFormat.pdf:
        from hlmctl.cli.publish import write_pdf

        write_pdf(env, render_publish.html_page(blocks, language, paper="a4"))
        return
    render_publish.write(env, blocks, language, fmt.value)

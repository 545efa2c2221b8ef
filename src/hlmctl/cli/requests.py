"""Commands of the Secretariat on the delegations' requests to speak: requests list,
accept, decline, import."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from hlmctl.cli import complete
from hlmctl.cli.common import (
    ExcelCsvOption,
    LangOption,
    ListFormat,
    ListFormatOption,
    ListOption,
    app,
    change,
    env_of,
    handled,
    lang_of,
    minutes_option,
    ok,
    open_meeting,
    pick_format,
    read_import,
    with_excel_csv,
)

if TYPE_CHECKING:
    from datetime import datetime

    from hlmctl.meeting import Meeting
    from hlmctl.projection import Placement
    from hlmctl.record import Record, SpeakRequest
    from hlmctl.requests import Acceptance

requests_app = typer.Typer(
    help="The delegations' requests to speak (from the desk or an import): list, accept, decline.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(requests_app, name="requests")


class RequestStatus(StrEnum):
    pending = "pending"
    accepted = "accepted"
    declined = "declined"
    withdrawn = "withdrawn"


RequestArgument = Annotated[
    str,
    typer.Argument(help="The request's reference (R12).", autocompletion=complete.request_ids),
]


@requests_app.command("list")
@handled
def list_(
    ctx: typer.Context,
    status: Annotated[
        list[RequestStatus] | None,
        typer.Option(
            "--status",
            "-s",
            help="Only requests in this state: pending, accepted, declined or withdrawn "
            "(repeatable) [default: all].",
            metavar="STATE",
            show_default=False,
        ),
    ] = None,
    list_id: Annotated[
        str | None,
        typer.Option(
            "--list",
            "-l",
            help="Only requests for this list of speakers.",
            show_default=False,
            autocompletion=complete.list_ids,
        ),
    ] = None,
    delegation: Annotated[
        str | None,
        typer.Option(
            "--delegation",
            "-d",
            help="Only this delegation's requests.",
            show_default=False,
            autocompletion=complete.delegation_names,
        ),
    ] = None,
    fmt: ListFormatOption = None,
    lang: LangOption = None,
    excel_csv: ExcelCsvOption = False,
) -> None:
    """The requests to speak, in the order they were made."""
    from hlmctl import delegations, render, render_requests
    from hlmctl.text import clean_text

    env, store, meeting, _ = open_meeting(ctx, write=False)
    if list_id is not None:
        list_id = meeting.speaker_list(list_id).id
    who = clean_text("--delegation", delegation)
    record = store.read_record(meeting)
    wanted = {s.value for s in status} if status else None
    key = delegations.identity(who) if who else None
    chosen = [
        r
        for r in record.requests
        if (wanted is None or r.status in wanted)
        and (list_id is None or r.list == list_id)
        and (key is None or delegations.identity(r.delegation) == key)
    ]
    placements: dict[str, Placement] = {}
    if any(r.speaker for r in chosen):
        from hlmctl.projection import project

        placements = project(meeting, record, env.now(meeting)).placements
    rows = [
        render_requests.request_row(
            meeting, r, p.segment_id if (p := placements.get(r.speaker or "")) else None
        )
        for r in chosen
    ]
    kind = pick_format(env, with_excel_csv(fmt, excel_csv, ListFormat.csv))
    if kind == "json":
        render.write_json(env, rows)
    elif kind == "csv":
        render.write_csv(
            env, render_requests.REQUEST_COLUMNS, render_requests.flat(rows), excel=excel_csv
        )
    elif kind == "xlsx":
        from hlmctl import render_xlsx

        sheet = render_xlsx.Sheet(
            "requests", render_requests.REQUEST_COLUMNS, render_requests.flat(rows)
        )
        render_xlsx.write(env, render_xlsx.workbook([sheet]))
    elif kind == "table":
        render_requests.requests_table(env, meeting, rows, lang_of(env, lang))
    else:
        render_requests.requests_text(env, meeting, rows, lang_of(env, lang))


@requests_app.command("accept")
@handled
def accept(
    ctx: typer.Context,
    request_id: RequestArgument,
    list_id: Annotated[
        str | None,
        typer.Option(
            "--list",
            "-l",
            help="Inscribe in this list instead of the one requested.",
            show_default=False,
            autocompletion=complete.list_ids,
        ),
    ] = None,
    level: Annotated[
        str | None,
        typer.Option(
            help="The level of representation, if not the one requested.",
            show_default=False,
            autocompletion=complete.level_ids,
        ),
    ] = None,
    category: Annotated[
        str | None,
        typer.Option(
            help="The category, if not the delegation's.",
            show_default=False,
            autocompletion=complete.category_ids,
        ),
    ] = None,
    courtesy: Annotated[
        str | None, typer.Option(help='The courtesy title ("" clears it).', show_default=False)
    ] = None,
    name: Annotated[
        str | None, typer.Option(help='The speaker\'s name ("" clears it).', show_default=False)
    ] = None,
    title: Annotated[
        str | None,
        typer.Option(help='The speaker\'s function or title ("" clears it).', show_default=False),
    ] = None,
    on_behalf_of: Annotated[
        str | None,
        typer.Option(
            "--on-behalf-of",
            help='The group the statement is made for ("" makes it the delegation\'s own).',
            show_default=False,
        ),
    ] = None,
    minutes: Annotated[
        float | None,
        typer.Option(
            help="A time limit for this statement, in minutes [default: the list's].",
            show_default=False,
            parser=minutes_option,
            metavar="MINUTES",
        ),
    ] = None,
    in_meeting: Annotated[
        str | None,
        typer.Option(
            "--meeting",
            help="Place the statement in this meeting of the list (a meeting id), "
            "instead of by the delegation's preferences.",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Inscribe a delegation already waiting in the list, or a name close to a "
            "known delegation's (as speakers add --force).",
        ),
    ] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print the speaker as JSON.")] = False,
) -> None:
    """Accept a pending request: it is inscribed where the protocol order puts it (as by
    speakers add), then placed by the delegation's preferences of meeting."""
    from hlmctl.requests import Adjust, accept_request, describe_acceptance

    adjust = Adjust(
        list_id=list_id,
        level=level,
        category=category,
        courtesy=courtesy,
        name=name,
        title=title,
        on_behalf_of=on_behalf_of,
        minutes=minutes,
        meeting=in_meeting,
        force=force,
    )
    operator = env_of(ctx).operator()

    def apply(meeting: Meeting, record: Record, now: datetime) -> Acceptance:
        return accept_request(meeting, record, request_id, now, operator=operator, adjust=adjust)

    env, _, meeting, record, now, result = change(
        ctx, "requests accept", apply, describe_acceptance
    )
    speaker = result.speaker
    if json_out:
        from hlmctl.projection import project
        from hlmctl.render import write_json
        from hlmctl.views import speaker_view

        write_json(env, speaker_view(meeting, record, speaker, project(meeting, record, now)))
        return
    from hlmctl.ordering import waiting_position

    position = waiting_position(record, speaker)
    ok(
        env,
        f"{speaker.id}\t{result.request.id} of {speaker.delegation} accepted: inscribed in "
        f"{speaker.list} at position {position}",
    )
    if result.placement:
        ok(env, f"{speaker.id}\t{result.placement}")


@requests_app.command("decline")
@handled
def decline(
    ctx: typer.Context,
    request_id: RequestArgument,
    reason: Annotated[
        str,
        typer.Option(
            "--reason", help="Why, in a few words (the delegation sees it).", show_default=False
        ),
    ],
) -> None:
    """Decline a pending request, with the reason the delegation is given."""
    from hlmctl.requests import decline as decline_request
    from hlmctl.requests import describe_decline

    operator = env_of(ctx).operator()

    def apply(meeting: Meeting, record: Record, now: datetime) -> SpeakRequest:
        return decline_request(record, request_id, reason, now, operator=operator)

    env, *_, request = change(ctx, "requests decline", apply, describe_decline)
    ok(env, f"{request.id}\t{request.delegation}: declined")


@requests_app.command("import")
@handled
def import_(
    ctx: typer.Context,
    file: Annotated[
        str,
        typer.Argument(
            help="A CSV file with a header row or a spreadsheet (.xlsx), as another "
            "inscription system exports it; - is stdin."
        ),
    ],
    list_id: ListOption = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Accept names close to a known delegation's, and delegations already "
            "waiting in the list.",
        ),
    ] = False,
) -> None:
    """Take many requests at once, as pending requests: all or nothing."""
    from hlmctl.csvio import read_rows
    from hlmctl.errors import InputError
    from hlmctl.requests import RowsRefused, import_rows

    raw, name = read_import(file)
    rows = read_rows(raw, name, "requests")

    def apply(meeting: Meeting, record: Record, now: datetime) -> list[SpeakRequest]:
        chosen = meeting.speaker_list(list_id).id if list_id else None
        try:
            return import_rows(meeting, record, rows, now, list_id=chosen, force=force)
        except InputError as exc:
            raise InputError(f"{name}: {exc.message}; nothing was imported") from None
        except RowsRefused as exc:
            raise RowsRefused(f"{name}: {exc.message}; nothing was imported") from None

    env, *_, added = change(
        ctx,
        "requests import",
        apply,
        lambda r: (
            f"{len(r)} request{'' if len(r) == 1 else 's'} to speak imported "
            f"({r[0].id}-{r[-1].id}) from {name}"
        ),
    )
    from hlmctl.i18n import english

    ok(
        env,
        english().n_(
            "imported {n} request to speak ({first}), pending",
            "imported {n} requests to speak ({first}-{last}), pending",
            len(added),
            first=added[0].id,
            last=added[-1].id,
        ),
    )

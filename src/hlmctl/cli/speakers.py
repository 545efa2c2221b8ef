"""Commands of the inscription desk: speakers add, edit, list, remove, move, swap, import,
export."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from hlmctl.cli import complete
from hlmctl.cli.common import (
    ExcelCsvOption,
    ExportFormat,
    LangOption,
    ListFormat,
    ListFormatOption,
    ListOption,
    change,
    handled,
    lang_of,
    minutes_option,
    ok,
    open_meeting,
    pick_format,
    read_import,
    speakers_app,
    with_excel_csv,
)

if TYPE_CHECKING:
    from datetime import datetime

    from hlmctl.context import Env
    from hlmctl.meeting import Meeting
    from hlmctl.record import Record, Speaker


# The options `speakers add` and `speakers edit` share: declared once. For `edit`, ""
# clears a text option and only a waiting speaker's level, category, group and limit
# change (its help text says so).
LevelOption = Annotated[
    str | None,
    typer.Option(
        help="Level of representation (head-of-state ... other; case does not matter).",
        show_default=False,
        autocompletion=complete.level_ids,
    ),
]
CategoryOption = Annotated[
    str | None,
    typer.Option(
        help="member-state, observer-state, observer, un-entity, igo, ngo, other.",
        show_default=False,
        autocompletion=complete.category_ids,
    ),
]
CourtesyOption = Annotated[
    str | None,
    typer.Option(
        help='A courtesy title as the Journal writes it ("H.E. Mr.", "Ms.", "Dr."), '
        "kept exactly as given.",
        show_default=False,
    ),
]
NameOption = Annotated[str | None, typer.Option(help="The speaker's name.", show_default=False)]
TitleOption = Annotated[
    str | None, typer.Option(help="The speaker's function or title.", show_default=False)
]
GroupOption = Annotated[
    str | None,
    typer.Option("--on-behalf-of", help="The group the statement is made for.", show_default=False),
]
MinutesOption = Annotated[
    float | None,
    typer.Option(
        help="A time limit for this statement, in minutes: from 0.01 to 1440, at most 2 decimals.",
        show_default=False,
        parser=minutes_option,
        metavar="MINUTES",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the speaker as JSON.")]


def _estimate(
    env: Env, ctx_meeting: Meeting, record: Record, speaker_id: str, now: datetime
) -> str:
    from hlmctl.projection import project
    from hlmctl.render_agenda import overflow_warning

    agenda = project(ctx_meeting, record, now)
    speaker = record.speaker(speaker_id)
    agenda.overflow = [o for o in agenda.overflow if speaker and o.list_id == speaker.list]
    overflow_warning(env, agenda)
    place = agenda.placements.get(speaker_id)
    if place is None:
        return "no meeting of the list reaches it at present"
    return f"estimated start {place.start:%H:%M on %d %B} ({place.segment_id})"


@speakers_app.command("add")
@handled
def add(
    ctx: typer.Context,
    delegation: Annotated[
        str,
        typer.Argument(
            help="The delegation, as the UN writes it.", autocompletion=complete.delegation_names
        ),
    ],
    list_id: ListOption = None,
    level: LevelOption = None,
    category: CategoryOption = None,
    courtesy: CourtesyOption = None,
    name: NameOption = None,
    title: TitleOption = None,
    on_behalf_of: GroupOption = None,
    minutes: MinutesOption = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Inscribe a delegation that is already waiting in the list, a name close "
            "to a known delegation's, or a group's name written with look-alike letters.",
        ),
    ] = False,
    json_out: JsonOption = False,
) -> None:
    """Inscribe a speaker; it goes where the protocol order puts it. Its category is
    the reference data's unless --category gives one; its limit the list's unless
    --minutes gives one."""
    from hlmctl.ordering import waiting_position
    from hlmctl.speakers import Inscription
    from hlmctl.speakers import add as add_speaker

    req = Inscription(
        delegation=delegation,
        list_id=list_id,
        level=level,
        category=category,
        name=name,
        title=title,
        on_behalf_of=on_behalf_of,
        minutes=minutes,
        force=force,
        courtesy=courtesy,
    )

    def apply(m: Meeting, r: Record, t: datetime) -> tuple[Speaker, str]:
        from hlmctl.participants import forced_note

        speaker = add_speaker(m, r, req, t)
        return speaker, forced_note(m, r, speaker, t, force=req.force)

    env, _, meeting, record, now, (speaker, forced) = change(
        ctx,
        "speakers add",
        apply,
        lambda r: (
            f"{r[0].id} {r[0].delegation} inscribed in {r[0].list} "
            f"({r[0].level}, {r[0].category}){r[1]}"
        ),
    )
    if forced:
        env.warn(f"hlmctl: {speaker.delegation}{forced}")
    _warn_of_group(env, on_behalf_of)
    position = waiting_position(record, speaker)
    if json_out:
        from hlmctl.projection import project
        from hlmctl.render import write_json
        from hlmctl.views import speaker_view

        write_json(env, speaker_view(meeting, record, speaker, project(meeting, record, now)))
        return
    ok(
        env,
        f"{speaker.id}\t{speaker.delegation} inscribed in {speaker.list} at position "
        f"{position}; {_estimate(env, meeting, record, speaker.id, now)}",
    )


@speakers_app.command("edit")
@handled
def edit(
    ctx: typer.Context,
    ref: Annotated[
        str,
        typer.Argument(help="Speaker id (S12) or delegation.", autocompletion=complete.speaker_ids),
    ],
    list_id: ListOption = None,
    level: LevelOption = None,
    category: CategoryOption = None,
    courtesy: CourtesyOption = None,
    name: NameOption = None,
    title: TitleOption = None,
    on_behalf_of: GroupOption = None,
    minutes: MinutesOption = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Accept a category for a name close to a known delegation's, a second "
            "statement of the delegation, or a group's name written with look-alike letters.",
        ),
    ] = False,
    json_out: JsonOption = False,
) -> None:
    """Correct an inscription: its id and time of inscription are kept. "" clears a
    text option (--on-behalf-of "": the delegation's own statement). A statement called
    or given can be corrected only in its name, title and courtesy."""
    from hlmctl.ordering import waiting_position
    from hlmctl.speakers import Edit, resolve_ref
    from hlmctl.speakers import edit as edit_speaker

    req = Edit(
        level=level,
        category=category,
        name=name,
        title=title,
        courtesy=courtesy,
        on_behalf_of=on_behalf_of,
        minutes=minutes,
        force=force,
    )

    def apply(meeting: Meeting, record: Record, now: datetime) -> tuple[Speaker, list[str]]:
        if list_id:
            meeting.speaker_list(list_id)
        speaker = resolve_ref(
            record, ref, list_id=list_id, statuses=("waiting", "speaking", "spoken")
        )
        return speaker, edit_speaker(meeting, record, speaker, req, now)

    env, _, meeting, record, now, (speaker, said) = change(
        ctx,
        "speakers edit",
        apply,
        lambda r: f"{r[0].id} {r[0].delegation} edited: {'; '.join(r[1])}",
    )
    if json_out:
        from hlmctl.projection import project
        from hlmctl.render import write_json
        from hlmctl.views import speaker_view

        write_json(env, speaker_view(meeting, record, speaker, project(meeting, record, now)))
        return
    _warn_of_group(env, on_behalf_of)
    position = waiting_position(record, speaker)
    where = f"; position {position} of {speaker.list}" if position is not None else ""
    ok(env, f"{speaker.id}\t{speaker.delegation} edited: {'; '.join(said)}{where}")


def _warn_of_group(env: Env, on_behalf_of: str | None) -> None:
    """A group name close to a known group's: "did you mean", on stderr."""
    from hlmctl.entities import group_warning

    warning = group_warning(on_behalf_of)
    if warning:
        env.warn(f"hlmctl: warning: {warning}")


@speakers_app.command("list")
@handled
def list_(
    ctx: typer.Context,
    list_id: ListOption = None,
    all_: Annotated[
        bool, typer.Option("--all", "-a", help="Also speakers who have spoken or withdrawn.")
    ] = False,
    fmt: ListFormatOption = None,
    lang: LangOption = None,
    excel_csv: ExcelCsvOption = False,
) -> None:
    """Show a list of speakers in order, with the estimated start of each."""
    from hlmctl import render, render_agenda, render_speakers
    from hlmctl.projection import project
    from hlmctl.views import speakers_view

    env, store, meeting, now = open_meeting(ctx, write=False)
    lst = meeting.speaker_list(list_id)
    record = store.read_record(meeting)
    agenda = project(meeting, record, now)
    chosen = [s for s in record.in_list(lst.id) if all_ or s.status in ("waiting", "speaking")]
    if not all_:
        chosen.sort(key=lambda s: s.status != "speaking")
    rows = speakers_view(meeting, record, chosen, agenda)
    agenda.overflow = [o for o in agenda.overflow if o.list_id == lst.id]
    render_agenda.overflow_warning(env, agenda)
    kind = pick_format(env, with_excel_csv(fmt, excel_csv, ListFormat.csv))
    if kind == "json":
        render.write_json(env, rows)
    elif kind == "csv":
        render.write_csv(env, render_speakers.SPEAKER_CSV, rows, excel=excel_csv)
    elif kind == "xlsx":
        _speakers_xlsx(env, lst.id, rows)
    else:
        language = lang_of(env, lang)
        heading = render_speakers.list_heading(
            language,
            language.text(lst.title, lst.title_fr),
            lst.id,
            record.list_state(lst.id).closed,
        )
        show = render_speakers.speakers_table if kind == "table" else render_speakers.speakers_text
        show(env, rows, language, meeting, lst.id, heading, all_=all_)


@speakers_app.command("remove")
@handled
def remove(
    ctx: typer.Context,
    ref: Annotated[
        str,
        typer.Argument(help="Speaker id (S12) or delegation.", autocompletion=complete.speaker_ids),
    ],
    list_id: ListOption = None,
) -> None:
    """Withdraw a waiting speaker (kept in the record as withdrawn)."""
    from hlmctl.speakers import remove as remove_speaker
    from hlmctl.speakers import resolve_ref

    def apply(meeting: Meeting, record: Record, now: datetime) -> Speaker:
        from hlmctl.errors import InputError, NothingToDo

        if list_id:
            meeting.speaker_list(list_id)
        try:
            speaker = resolve_ref(record, ref, list_id=list_id)
        except InputError:
            gone = record.speaker(ref.strip().upper())
            if gone is not None and gone.status == "withdrawn" and list_id in (None, gone.list):
                raise NothingToDo(
                    f"{gone.id} ({gone.delegation}) was withdrawn already: nothing to remove"
                ) from None
            raise
        remove_speaker(record, speaker)
        return speaker

    env, *_, speaker = change(
        ctx, "speakers remove", apply, lambda s: f"{s.id} {s.delegation} withdrawn from {s.list}"
    )
    ok(env, f"{speaker.id}\t{speaker.delegation} withdrawn from {speaker.list}")


@speakers_app.command("move")
@handled
def move(
    ctx: typer.Context,
    ref: Annotated[
        str,
        typer.Argument(help="Speaker id (S12) or delegation.", autocompletion=complete.speaker_ids),
    ],
    to: Annotated[
        int | None, typer.Option("--to", help="New 1-based position.", show_default=False)
    ] = None,
    before: Annotated[
        str | None,
        typer.Option(
            "--before",
            help="Place before this speaker.",
            show_default=False,
            autocompletion=complete.speaker_ids,
        ),
    ] = None,
    after: Annotated[
        str | None,
        typer.Option(
            "--after",
            help="Place after this speaker.",
            show_default=False,
            autocompletion=complete.speaker_ids,
        ),
    ] = None,
    list_id: ListOption = None,
) -> None:
    """Move a waiting speaker; the place is kept across later inscriptions."""
    from hlmctl.speakers import move as move_speaker
    from hlmctl.speakers import resolve_ref

    def apply(meeting: Meeting, record: Record, now: datetime) -> tuple[Speaker, int, str]:
        speaker = resolve_ref(record, ref, list_id=list_id)
        anchor_before = resolve_ref(record, before, list_id=speaker.list) if before else None
        anchor_after = resolve_ref(record, after, list_id=speaker.list) if after else None
        held = speaker.meeting if speaker.kind == "statement" else None
        position = move_speaker(record, speaker, to=to, before=anchor_before, after=anchor_after)
        return speaker, position, f"; no longer held for {held}" if held else ""

    env, *_, (speaker, position, unheld) = change(
        ctx,
        "speakers move",
        apply,
        lambda r: f"{r[0].id} {r[0].delegation} moved to position {r[1]} of {r[0].list}{r[2]}",
    )
    ok(
        env,
        f"{speaker.id}\t{speaker.delegation} is now at position {position} of {speaker.list}"
        + unheld,
    )


@speakers_app.command("swap")
@handled
def swap(
    ctx: typer.Context,
    first: Annotated[
        str, typer.Argument(help="Speaker id or delegation.", autocompletion=complete.speaker_ids)
    ],
    second: Annotated[
        str, typer.Argument(help="Speaker id or delegation.", autocompletion=complete.speaker_ids)
    ],
    list_id: ListOption = None,
) -> None:
    """Exchange the places of two waiting speakers."""
    from hlmctl.ordering import waiting_position
    from hlmctl.speakers import resolve_ref, swap_speakers

    def apply(meeting: Meeting, record: Record, now: datetime) -> tuple[Speaker, Speaker]:
        a = resolve_ref(record, first, list_id=list_id)
        b = resolve_ref(record, second, list_id=list_id or a.list)
        swap_speakers(record, a, b)
        return a, b

    env, _, _, record, _, (a, b) = change(
        ctx, "speakers swap", apply, lambda r: f"{r[0].id} and {r[1].id} swapped places"
    )
    ok(env, f"{a.id}\t{a.delegation} is now at position {waiting_position(record, a)}")
    ok(env, f"{b.id}\t{b.delegation} is now at position {waiting_position(record, b)}")


@speakers_app.command("import")
@handled
def import_(
    ctx: typer.Context,
    file: Annotated[
        str,
        typer.Argument(
            help="A CSV file with a header row, a spreadsheet (.xlsx) or JSON; - is stdin."
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
    """Inscribe many speakers at once: all or nothing."""
    from hlmctl.csvio import read_rows
    from hlmctl.errors import InputError
    from hlmctl.speakers import import_rows

    raw, name = read_import(file)
    rows = read_rows(raw, name)
    if list_id:
        rows = [(n, {**r, "list": r.get("list") or list_id}) for n, r in rows]

    def apply(meeting: Meeting, record: Record, now: datetime) -> tuple[list[Speaker], int]:
        try:
            return import_rows(meeting, record, rows, now, force=force)
        except InputError as exc:
            raise InputError(f"{name}: {exc.message}; nothing was imported") from None

    env, *_, (added, skipped) = change(
        ctx,
        "speakers import",
        apply,
        lambda r: (
            f"{len(r[0])} speaker{'' if len(r[0]) == 1 else 's'} imported "
            f"({r[0][0].id}-{r[0][-1].id})"
        ),
    )
    from hlmctl.i18n import english

    ok(
        env,
        english().n_(
            "imported {n} speaker ({first})",
            "imported {n} speakers ({first}-{last})",
            len(added),
            first=added[0].id,
            last=added[-1].id,
        ),
    )
    if skipped:
        env.warn(
            f"hlmctl: skipped {skipped} rows of speakers that are not waiting "
            "(spoken, speaking or withdrawn)"
        )


@speakers_app.command("export")
@handled
def export(
    ctx: typer.Context,
    list_id: ListOption = None,
    fmt: Annotated[
        ExportFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="csv, json or xlsx (a spreadsheet: redirect it to a file) [default: csv].",
            show_default=False,
        ),
    ] = None,
    excel_csv: ExcelCsvOption = False,
) -> None:
    """Write a list of speakers as CSV, JSON or a spreadsheet, ready for `speakers import`."""
    from hlmctl import render, render_speakers
    from hlmctl.projection import project
    from hlmctl.views import speakers_view

    env, store, meeting, now = open_meeting(ctx, write=False)
    lst = meeting.speaker_list(list_id)
    record = store.read_record(meeting)
    rows = speakers_view(meeting, record, record.in_list(lst.id), project(meeting, record, now))
    kind = with_excel_csv(fmt, excel_csv, ExportFormat.csv) or ExportFormat.csv
    if kind is ExportFormat.json:
        render.write_json(env, rows)
    elif kind is ExportFormat.xlsx:
        _speakers_xlsx(env, lst.id, rows)
    else:
        render.write_csv(env, render_speakers.SPEAKER_CSV, rows, excel=excel_csv)


def _speakers_xlsx(env: Env, list_id: str, rows: list[dict[str, Any]]) -> None:
    from hlmctl import render_speakers, render_xlsx

    sheet = render_xlsx.Sheet(list_id[:31], render_speakers.SPEAKER_CSV, rows)
    render_xlsx.write(env, render_xlsx.workbook([sheet]))

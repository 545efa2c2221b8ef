"""Commands about where the record is kept: store init, store copy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from hlmctl.cli.common import app, env_of, handled, ok

if TYPE_CHECKING:
    from hlmctl.context import Env
    from hlmctl.store import RecordStore

store_app = typer.Typer(
    help="Where the record is kept: a PostgreSQL store shared by several desks.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(store_app, name="store")


def _store_named(env: Env, name: str, *, option: str) -> RecordStore:
    """`file` or a postgresql:// URL, for the current meeting file."""
    saved = env.store_option
    env.store_option = name
    try:
        if env.store_url() is None and name.strip() != "file":
            from hlmctl.errors import InputError

            raise InputError(f"{option}: give `file` or a postgresql:// URL")
        return env.store(write=True)
    finally:
        env.store_option = saved


@store_app.command("init")
@handled
def init(
    ctx: typer.Context,
    update_modalities: Annotated[
        bool,
        typer.Option(
            "--update-modalities",
            help="The meeting file changed on purpose: register its modalities as the "
            "ones every desk must use from now on.",
        ),
    ] = False,
) -> None:
    """Create the PostgreSQL schema if missing and register this meeting (harmless again)."""
    from hlmctl.errors import InputError
    from hlmctl.store.postgres import PostgresStore

    env = env_of(ctx)
    store = env.store(write=True)
    if not isinstance(store, PostgresStore):
        raise InputError(
            "store init needs a PostgreSQL store: the file store needs no set-up",
            hint="pass --store postgresql://USER@HOST/DATABASE or set $HLMCTL_STORE",
        )
    ok(env, store.init(store.load_meeting(), update_modalities=update_modalities))


@store_app.command("copy")
@handled
def copy(
    ctx: typer.Context,
    source: Annotated[
        str,
        typer.Option(
            "--from", help="`file` or a postgresql:// URL.", show_default=False, metavar="SRC"
        ),
    ],
    target: Annotated[
        str,
        typer.Option(
            "--to", help="`file` or a postgresql:// URL.", show_default=False, metavar="DST"
        ),
    ],
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite a record already at the destination.")
    ] = False,
) -> None:
    """Copy this meeting's record from one store to another, byte for byte."""
    from hlmctl.errors import InputError, NothingToDo

    env = env_of(ctx)
    src = _store_named(env, source, option="--from")
    dst = _store_named(env, target, option="--to")
    if _same_store(src, dst):
        raise InputError("--from and --to name the same store: nothing to copy")
    meeting = src.load_meeting()
    raw = src.raw_record(meeting)
    if raw is None:
        raise NothingToDo(
            f"meeting {meeting.meeting.id} has no record in {_shown(source)}: nothing to copy"
        )
    dst.replace_record(meeting, raw, force=force)
    ok(
        env,
        f"copied the record of meeting {meeting.meeting.id} ({len(raw)} bytes) from "
        f"{_shown(source)} to {_shown(target)}",
    )


def _same_store(src: RecordStore, dst: RecordStore) -> bool:
    """The file store is one; two PostgreSQL URLs are the same store when they reach
    the same server and database, whatever their text (another host name for it, an
    extra parameter)."""
    from hlmctl.store.postgres import PostgresStore

    if isinstance(src, PostgresStore) and isinstance(dst, PostgresStore):
        return src.url == dst.url or src.identity() == dst.identity()
    return not isinstance(src, PostgresStore) and not isinstance(dst, PostgresStore)


def _shown(name: str) -> str:
    from hlmctl.store.postgres import mask

    return "the file store" if name.strip() == "file" else mask(name.strip())

"""Shell completion of values: list ids, level and category ids, speaker ids and
delegation names (Typer's own completion, installed with --install-completion).

A completion runs at every Tab, so it reads the files with tomllib only (no
validation, no Pydantic) and never fails: a file it cannot read completes nothing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

# typer.Context, not click.Context: Typer carries its own copy of click, and
# importing the separate click package would cost every command ~10 ms at start-up.
import typer


def _meeting_path(ctx: typer.Context) -> Path | None:
    given = ctx.find_root().params.get("meeting") or os.environ.get("HLMCTL_MEETING")
    path = Path(given) if given else Path("meeting.toml")
    if path.is_dir():
        path = path / "meeting.toml"
    if path.is_file():
        return path
    if given:
        return None
    from hlmctl.store import bundled_meeting

    return bundled_meeting("hlm-2013")


def _toml(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    import tomllib  # here, not at start-up: only a completion reads TOML this way

    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}


def _ids(entries: object) -> list[str]:
    if not isinstance(entries, list):
        return []
    return [str(e["id"]) for e in entries if isinstance(e, dict) and "id" in e]


def _starting(values: list[str], incomplete: str) -> list[str]:
    key = incomplete.casefold()
    return [v for v in values if v.casefold().startswith(key)]


def list_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    return _starting(_ids(_toml(_meeting_path(ctx)).get("lists")), incomplete)


def level_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    from hlmctl.meeting import DEFAULT_LEVELS  # already loaded by the CLI: no cost

    levels = _ids(_toml(_meeting_path(ctx)).get("levels")) or [lv.id for lv in DEFAULT_LEVELS]
    return _starting(levels, incomplete)


def category_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    from hlmctl.meeting import DEFAULT_CATEGORIES

    categories = _ids(_toml(_meeting_path(ctx)).get("categories")) or [
        c.id for c in DEFAULT_CATEGORIES
    ]
    return _starting(categories, incomplete)


def speaker_ids(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Waiting or speaking speakers, each with its delegation as the help text."""
    meeting = _meeting_path(ctx)
    if meeting is None:
        return []
    record = _record(ctx, meeting)
    out = []
    for s in record.get("speakers", []):
        if isinstance(s, dict) and s.get("status", "waiting") in ("waiting", "speaking"):
            sid = str(s.get("id", ""))
            if sid.casefold().startswith(incomplete.casefold()):
                out.append((sid, str(s.get("delegation", ""))))
    return out


def request_ids(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Pending requests to speak, each with its delegation as the help text."""
    return _entries(ctx, incomplete, "requests", ("pending",), "pending")


def invite_ids(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Invitations to the desk not revoked, each with its delegation as the help text."""
    return [
        item
        for item in _entries(ctx, incomplete, "invites", ("",), "")
        if item[0] not in _revoked(ctx)
    ]


def _revoked(ctx: typer.Context) -> set[str]:
    meeting = _meeting_path(ctx)
    record = _record(ctx, meeting) if meeting is not None else {}
    return {
        str(i.get("id", ""))
        for i in record.get("invites", [])
        if isinstance(i, dict) and i.get("revoked_at")
    }


def _entries(
    ctx: typer.Context, incomplete: str, key: str, statuses: tuple[str, ...], default: str
) -> list[tuple[str, str]]:
    meeting = _meeting_path(ctx)
    if meeting is None:
        return []
    out = []
    for entry in _record(ctx, meeting).get(key, []):
        if isinstance(entry, dict) and entry.get("status", default) in statuses:
            eid = str(entry.get("id", ""))
            if eid.casefold().startswith(incomplete.casefold()):
                out.append((eid, str(entry.get("delegation", ""))))
    return out


def _record(ctx: typer.Context, meeting: Path) -> dict[str, Any]:
    """The record, from the store --store or $HLMCTL_STORE names (else the file)."""
    store = ctx.find_root().params.get("store") or os.environ.get("HLMCTL_STORE") or "file"
    if not store.startswith(("postgresql://", "postgres://")):
        return _toml(meeting.with_name(meeting.stem + ".state.toml"))
    from hlmctl.store.postgres import peek_record

    table = _toml(meeting).get("meeting")
    meeting_id = table.get("id") if isinstance(table, dict) else None
    raw = peek_record(store, str(meeting_id)) if meeting_id else None
    import tomllib

    try:
        return tomllib.loads(raw.decode("utf-8")) if raw else {}
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}


def delegation_names(ctx: typer.Context, incomplete: str) -> list[str]:
    from hlmctl.delegations import normalize, reference_path

    data = _toml(reference_path())
    names = [str(r["name"]) for r in data.get("delegation", []) if isinstance(r, dict)]
    key = normalize(incomplete)
    return [n for n in names if normalize(n).startswith(key)] if key else names

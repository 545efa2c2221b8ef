"""Which store a name means: `file` or a postgresql:// URL (without importing psycopg)."""

from __future__ import annotations

from hlmctl.errors import InputError

SCHEMES = ("postgresql://", "postgres://")


def checked_url(value: str) -> str:
    """A postgresql:// URL, or an input error naming what is accepted."""
    if value.startswith(SCHEMES):
        return value
    shown = value if "@" not in value else value.split("://", 1)[0] + "://***"
    raise InputError(
        f"store {shown!r} is neither `file` nor a postgresql:// URL",
        hint="--store and $HLMCTL_STORE take `file` (the TOML record beside the meeting "
        "file) or postgresql://USER@HOST:PORT/DATABASE",
    )

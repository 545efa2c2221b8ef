"""Secrets for a web application's writers: a token file, read once, checked in
constant time.

The file holds one line per holder, ``NAME SECRET`` (blank lines and lines that
start with ``#`` are skipped). NAME is who the change log names as the operator
(letters, digits, ``.``, ``_``, ``-``, ``@``; at most 64); SECRET carries at least
128 bits: 32 or more hexadecimal digits, or 22 or more characters of URL-safe
base64 (``A-Z a-z 0-9 - _``), which is what ``openssl rand -hex 16`` and
``python3 -c "import secrets; print(secrets.token_urlsafe(32))"`` print. The file
must be readable by its owner only (``chmod 600``): any permission for the group or
others is refused, as ssh refuses a private key that others can read.
"""

from __future__ import annotations

import hmac
import math
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from hlmctl.errors import InputError

MIN_BITS = 128
MAX_FILE_BYTES = 64 * 1024
_NAME = re.compile(r"[A-Za-z0-9._@-]{1,64}")
_HEX = re.compile(r"[0-9A-Fa-f]+")
_URLSAFE = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class Token:
    name: str
    secret: bytes

    def __repr__(self) -> str:  # never the secret, not even in a traceback
        return f"Token({self.name!r})"


def secret_bits(secret: str) -> float:
    """The most entropy ``secret`` can carry for its alphabet: 4 bits a hexadecimal
    digit, 6 a URL-safe base64 character; 0 for any other character."""
    if _HEX.fullmatch(secret):
        return 4.0 * len(secret)
    if _URLSAFE.fullmatch(secret):
        return math.log2(64) * len(secret)
    return 0.0


def load_tokens(path: Path, option: str = "--control-token-file") -> list[Token]:
    """The holders of ``path`` (see the module's docstring); InputError (exit 2) for
    a file others can read, a bad line, a short secret, a name or secret twice."""
    from hlmctl.text import visible

    shown = visible(str(path))  # quoted as typed, never replayed (a bidi override...)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(f"{option} {shown}: no such file") from None
    except OSError as exc:
        raise InputError(f"{option} {shown}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError(f"{option} {shown} is not a regular file")
    if info.st_mode & 0o077:
        raise InputError(
            f"{option} {shown} is open to others (mode {stat.S_IMODE(info.st_mode):03o}); "
            f"`chmod 600 {shown}` makes it readable by its owner only"
        )
    if info.st_size > MAX_FILE_BYTES:
        raise InputError(f"{option} {shown} is larger than {MAX_FILE_BYTES // 1024} KiB")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{option} {shown} is not UTF-8 text") from None
    except OSError as exc:
        raise InputError(f"{option} {shown}: {exc.strerror or exc}") from None
    tokens: list[Token] = []
    names: set[str] = set()
    for number, line in enumerate(text.splitlines(), 1):
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        where = f"{option} {shown} line {number}"
        # The problems name the line, never show the secret.
        if len(fields) != 2:
            raise InputError(f"{where}: expected NAME SECRET, found {len(fields)} fields")
        name, secret = fields
        if not _NAME.fullmatch(name):
            raise InputError(
                f"{where}: the name may hold only letters, digits, '.', '_', '-' and '@' "
                "(at most 64)"
            )
        if name in names:
            raise InputError(f"{where}: {name} is named twice")
        if secret_bits(secret) < MIN_BITS:
            raise InputError(
                f"{where}: {name}'s secret is shorter than {MIN_BITS} bits "
                "(32 hexadecimal digits, or 22 characters of URL-safe base64)",
                hint="`openssl rand -hex 32` prints a good one",
            )
        if any(hmac.compare_digest(secret.encode(), t.secret) for t in tokens):
            raise InputError(f"{where}: {name}'s secret is also another name's")
        names.add(name)
        tokens.append(Token(name, secret.encode()))
    if not tokens:
        raise InputError(f"{option} {shown} holds no NAME SECRET line")
    return tokens


def holder(tokens: list[Token], given: bytes) -> str | None:
    """The name whose secret is ``given``, else None. Every secret is compared, in
    constant time, whichever matches: the time taken says nothing about which
    secret, or how much of one, was right."""
    found: str | None = None
    for token in tokens:
        if hmac.compare_digest(given, token.secret):
            found = token.name
    return found

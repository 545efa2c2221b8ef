"""Sessions of a web application where outsiders write: a signed cookie.

The cookie carries who the session is for (an id the application checks again on
every request: a revoked invitation ends its sessions at once) and a random session
id (what the forms' tokens are bound to, what the rate limit counts). It is signed
with itsdangerous under a key that is random for each start of the server unless a
key is given: a restart ends every session (the delegation opens its link again).
Nothing secret is in the cookie: it is signed, not encrypted; a session is worth
what the link it was exchanged for is worth, for at most ``MAX_AGE`` seconds.

The cookie is HttpOnly (no script reads it), SameSite=Strict (no other site's page
sends it) and Secure when the page is served over HTTPS (directly, or behind a
trusted proxy that says so).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from itsdangerous import BadSignature, URLSafeTimedSerializer

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

MAX_AGE = 12 * 3600
COOKIE = "hlmctl_session"


@dataclass(frozen=True)
class Session:
    subject: str  # what the application knows the session by (an invitation's id)
    sid: str  # random, for this session only

    def __repr__(self) -> str:
        return f"Session({self.subject!r})"


class Sessions:
    """Issue and read the session cookie (see the module's docstring)."""

    def __init__(self, key: bytes | None = None, *, max_age: int = MAX_AGE) -> None:
        self.key = key or secrets.token_bytes(32)
        self.max_age = max_age
        self._signer = URLSafeTimedSerializer(self.key, salt="hlmctl.session")

    def new(self, subject: str) -> tuple[Session, str]:
        """A new session for ``subject`` and the cookie's value."""
        session = Session(subject, secrets.token_urlsafe(16))
        return session, self._signer.dumps([session.subject, session.sid])

    def read(self, request: Request) -> Session | None:
        """The request's session, None when it has none, or one not signed by this
        server, or older than ``max_age``."""
        value = request.cookies.get(COOKIE)
        if not value or len(value) > 1024:
            return None
        try:
            data = self._signer.loads(value, max_age=self.max_age)
        except BadSignature:  # SignatureExpired is one
            return None
        if (
            not isinstance(data, list)
            or len(data) != 2
            or not all(isinstance(x, str) for x in data)
        ):
            return None
        return Session(data[0], data[1])

    def set_cookie(self, response: Response, value: str, *, secure: bool) -> None:
        response.set_cookie(
            COOKIE,
            value,
            max_age=self.max_age,
            path="/",
            httponly=True,
            samesite="strict",
            secure=secure,
        )

    def clear_cookie(self, response: Response, *, secure: bool) -> None:
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict", secure=secure)

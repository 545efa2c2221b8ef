"""Cross-site request forgery, three defences deep, for a form that changes things.

1. The session cookie is SameSite=Strict (``hlmctl.web.sessions``): a browser does
   not send it with a request another site starts.
2. The request's ``Origin`` (else its ``Referer``) must be the origin the server is
   reached at: ``--base-url``'s when it is given, else the scheme and Host of the
   request itself (after a trusted proxy's headers). A POST with neither is refused.
3. Each form carries a token signed with itsdangerous and bound to the session: a
   token of another session, or older than ``MAX_AGE``, is refused.
"""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from itsdangerous import BadSignature, URLSafeTimedSerializer

if TYPE_CHECKING:
    from starlette.requests import Request

MAX_AGE = 12 * 3600
FIELD = "csrf"


def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` of ``url``, lower case, the default port left out."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443}[parts.scheme]
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


def served_origin(request: Request, base_url: str | None) -> str | None:
    """The origin the server is reached at (see the module's docstring)."""
    if base_url:
        return origin_of(base_url)
    host = request.headers.get("host", "")
    return origin_of(f"{request.url.scheme}://{host}/")


def same_origin(request: Request, base_url: str | None) -> bool:
    """The request comes from a page of this server (its Origin, else its Referer)."""
    expected = served_origin(request, base_url)
    given = request.headers.get("origin")
    if given is None or given == "null":
        referer = request.headers.get("referer")
        given = origin_of(referer) if referer else None
    else:
        given = origin_of(given)
    return expected is not None and given is not None and hmac.compare_digest(given, expected)


class FormTokens:
    """Tokens for the forms of one session (see the module's docstring)."""

    def __init__(self, key: bytes, *, max_age: int = MAX_AGE) -> None:
        self.max_age = max_age
        self._signer = URLSafeTimedSerializer(key, salt="hlmctl.csrf")

    def token(self, sid: str) -> str:
        return self._signer.dumps(sid)

    def valid(self, token: str | None, sid: str) -> bool:
        if not token or len(token) > 512:
            return False
        try:
            bound = self._signer.loads(token, max_age=self.max_age)
        except BadSignature:
            return False
        return isinstance(bound, str) and hmac.compare_digest(bound, sid)

"""The personal links (invitations) through which a delegation reaches the delegations'
desk: who may have one, issuing and revoking them, and finding the live one a link's
secret or a session names.

The secret of an invitation is never kept: the record holds its SHA-256 only, and
hashes are compared in constant time. Each function changes a ``Record`` in memory or
raises an ``HlmError`` having changed nothing (``Store.change`` keeps the record only
when it returns).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime

from hlmctl import delegations
from hlmctl.errors import InputError, NothingToDo
from hlmctl.meeting import Meeting
from hlmctl.record import MAX_ID, Invite, Record
from hlmctl.text import clean_text

INVITE_STATES = ("live", "expired", "revoked")


# --- secrets --------------------------------------------------------------------------


def new_secret() -> str:
    """A personal link's secret: 32 random bytes (256 bits), URL-safe."""
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


# --- invitations ----------------------------------------------------------------------


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def invite_state(invite: Invite, now: datetime) -> str:
    """live, expired or revoked."""
    if invite.revoked_at is not None:
        return "revoked"
    if invite.expires_at is not None and _utc(invite.expires_at) <= _utc(now):
        return "expired"
    return "live"


def resolve_requester(
    meeting: Meeting,
    record: Record,
    typed: str,
    now: datetime,
    *,
    category: str | None = None,
    force: bool = False,
) -> tuple[str, str]:
    """The official name and category of a delegation that may request the floor: a
    State, an observer or an entity of the reference data, an organization approved on
    one of the President's lists of participants (category ngo), or, with a category,
    any other name (the rules of ``speakers add``)."""
    from hlmctl.speakers import resolve_delegation

    text = clean_text("delegation", typed, required=True)
    assert text is not None
    approved = approved_name(meeting, record, text, category, now)
    if approved is not None:
        return approved, "ngo"
    return resolve_delegation(meeting, text, category, force=force)


def approved_name(
    meeting: Meeting, record: Record, text: str, category: str | None, now: datetime
) -> str | None:
    """The organization an unknown name without a category names on an approved list
    of participants, as the list spells it; else None."""
    if category is not None or delegations.match(text) is not None:
        return None
    from hlmctl.participants import state_of

    key = delegations.identity(text)
    for entry in record.participants:
        names = (entry.organization, entry.organization_fr or "")
        if key in {delegations.identity(n) for n in names if n} and (
            state_of(meeting, record, entry, now) == "approved"
        ):
            return entry.organization
    return None


def issue_invite(
    meeting: Meeting,
    record: Record,
    delegation: str,
    now: datetime,
    *,
    operator: str,
    expires_at: datetime | None = None,
    force: bool = False,
    category: str | None = None,
) -> tuple[Invite, str]:
    """A new personal link for a delegation: the invitation kept in the record, and the
    secret, which is shown once and never kept. A delegation may hold several links
    (each revocable)."""
    name, cat = resolve_requester(meeting, record, delegation, now, category=category, force=force)
    if cat == "ngo" and meeting.participant_lists and not force:
        # A civil-society organization speaks from an approved list (paras. 8, 9).
        approved = approved_name(meeting, record, name, None, now)
        if approved is None:
            raise InputError(
                f"{name!r} is on no approved list of participants: a link to the desk is "
                "for an approved organization (`hlmctl participants list`); --force "
                "issues it anyway"
            )
        name = approved
    if expires_at is not None and _utc(expires_at) <= _utc(now):
        raise InputError(
            f"the link would expire at {expires_at:%Y-%m-%d %H:%M}, which is not after now "
            f"({now:%Y-%m-%d %H:%M})"
        )
    if record.next_invite >= MAX_ID:
        raise InputError(f"the record has used every invitation id (up to I{MAX_ID - 1})")
    secret = new_secret()
    invite = Invite(
        id=f"I{record.next_invite}",
        delegation=name,
        category=cat,
        secret_hash=hash_secret(secret),
        issued_by=operator,
        issued_at=now,
        expires_at=expires_at,
    )
    record.next_invite += 1
    record.invites.append(invite)
    return invite, secret


def revoke_invite(record: Record, ref: str, now: datetime, *, operator: str) -> list[Invite]:
    """Revoke an invitation by its id (``I3``), or every live one of a delegation."""
    text = clean_text("invitation", ref, required=True)
    assert text is not None
    if text[:1] in "iI" and text[1:].isdigit():
        wanted = text.upper()
        found = next((i for i in record.invites if i.id == wanted), None)
        if found is None:
            raise InputError(f"no invitation {wanted} in the record")
        if found.revoked_at is not None:
            raise NothingToDo(f"{found.id} ({found.delegation}) was revoked already")
        chosen = [found]
    else:
        key = delegations.identity(text)
        mine = [i for i in record.invites if delegations.identity(i.delegation) == key]
        if not mine:
            raise InputError(f"no invitation of {text!r} in the record")
        chosen = [i for i in mine if invite_state(i, now) == "live"]
        if not chosen:
            raise NothingToDo(f"{mine[0].delegation} has no live invitation to revoke")
    for invite in chosen:
        invite.revoked_at = now
        invite.revoked_by = operator
    return chosen


def invite_for_secret(record: Record, secret: str, now: datetime) -> Invite | None:
    """The live invitation whose secret this is, or None. Every invitation is compared,
    in constant time, whether or not an earlier one matched."""
    given = hash_secret(secret)
    found: Invite | None = None
    for invite in record.invites:
        if hmac.compare_digest(invite.secret_hash, given) and found is None:
            found = invite
    if found is None or invite_state(found, now) != "live":
        return None
    return found


def live_invite(record: Record, invite_id: str, now: datetime) -> Invite | None:
    """The invitation of a session, while it is live (not revoked, not expired)."""
    invite = next((i for i in record.invites if i.id == invite_id), None)
    if invite is None or invite_state(invite, now) != "live":
        return None
    return invite


def describe_invite(invite: Invite) -> str:
    """The log line of a new invitation (never its secret nor its hash)."""
    until = f", expires {invite.expires_at.isoformat()}" if invite.expires_at else ""
    return f"invitation {invite.id} issued to {invite.delegation} ({invite.category}){until}"


def describe_revoked(invites: Sequence[Invite]) -> str:
    ids = ", ".join(i.id for i in invites)
    return f"invitation{'s' if len(invites) > 1 else ''} {ids} of {invites[0].delegation} revoked"

"""Requests to speak and invitations to the desk: the domain (requests.py), on the
bundled 2013 meeting, with records in memory."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from conftest import EXAMPLES
from hlmctl import invites
from hlmctl import requests as rq
from hlmctl.delegations import reference
from hlmctl.errors import InputError, NothingToDo
from hlmctl.meeting import Meeting, load_meeting
from hlmctl.record import Invite, Record, dump_record, empty_record, parse_record
from hlmctl.speakers import Inscription
from hlmctl.speakers import add as add_speaker


@pytest.fixture
def meeting(tmp_path: Path) -> Meeting:
    shutil.copy(EXAMPLES / "hlm-2013.toml", tmp_path / "meeting.toml")
    return load_meeting(tmp_path / "meeting.toml", cached=False)


def at(meeting: Meeting, text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=meeting.tz)


@pytest.fixture
def now(meeting: Meeting) -> datetime:
    return at(meeting, "2013-05-10T09:00")


@pytest.fixture
def record(meeting: Meeting) -> Record:
    return empty_record(meeting.meeting.id)


def invite(meeting: Meeting, record: Record, now: datetime, who: str = "Brazil") -> Invite:
    inv, secret = invites.issue_invite(meeting, record, who, now, operator="desk officer")
    assert invites.invite_for_secret(record, secret, now) is inv
    return inv


# --- invitations ----------------------------------------------------------------------


def test_an_invitation_keeps_only_the_hash_of_its_secret(
    meeting: Meeting, record: Record, now: datetime
) -> None:
    inv, secret = invites.issue_invite(meeting, record, "brazil", now, operator="desk officer")
    assert (inv.id, inv.delegation, inv.category) == ("I1", "Brazil", "member-state")
    assert (inv.issued_by, inv.issued_at) == ("desk officer", now)
    assert len(secret) >= 43  # 32 random bytes, URL-safe: 256 bits
    assert inv.secret_hash == invites.hash_secret(secret) and secret not in inv.secret_hash
    text = dump_record(record).decode()
    assert secret not in text and inv.secret_hash in text
    assert parse_record(dump_record(record), "r").invites == [inv]
    other, other_secret = invites.issue_invite(meeting, record, "Brazil", now, operator="x")
    assert other.id == "I2" and other_secret != secret  # a second link, each revocable


def test_live_expired_and_revoked(meeting: Meeting, record: Record, now: datetime) -> None:
    later = now + timedelta(days=1)
    inv, secret = invites.issue_invite(
        meeting, record, "Kenya", now, operator="o", expires_at=later
    )
    assert invites.invite_state(inv, now) == "live"
    assert invites.live_invite(record, "I1", now) is inv
    assert invites.invite_for_secret(record, secret, later) is None
    assert invites.invite_state(inv, later) == "expired"
    assert invites.invite_for_secret(record, "not the secret", now) is None
    revoked = invites.revoke_invite(record, "kenya", now, operator="chief")
    assert revoked == [inv] and (inv.revoked_by, inv.revoked_at) == ("chief", now)
    assert invites.invite_for_secret(record, secret, now) is None
    assert invites.live_invite(record, "I1", now) is None
    with pytest.raises(NothingToDo):
        invites.revoke_invite(record, "I1", now, operator="chief")
    with pytest.raises(InputError, match="no invitation I9"):
        invites.revoke_invite(record, "i9", now, operator="chief")
    with pytest.raises(InputError, match="not after now"):
        invites.issue_invite(meeting, record, "Kenya", now, operator="o", expires_at=now)


def test_an_invitation_is_for_a_known_delegation(
    meeting: Meeting, record: Record, now: datetime
) -> None:
    with pytest.raises(InputError, match="unknown delegation"):
        invites.issue_invite(meeting, record, "Atlantis", now, operator="o")
    with pytest.raises(InputError, match="not a State"):
        invites.issue_invite(
            meeting, record, "Atlantis", now, operator="o", category="member-state"
        )
    with pytest.raises(InputError, match="on no approved list of participants"):
        invites.issue_invite(
            meeting, record, "Friends of Atlantis", now, operator="o", category="ngo"
        )
    inv, _ = invites.issue_invite(
        meeting, record, "Friends of Atlantis", now, operator="o", category="ngo", force=True
    )
    assert inv.category == "ngo"
    assert record.invites == [inv] and record.next_invite == 2


# --- requests -------------------------------------------------------------------------


def test_a_request_is_checked_whole_and_kept_pending(
    meeting: Meeting, record: Record, now: datetime
) -> None:
    inv = invite(meeting, record, now)
    draft = rq.Draft(
        "plenary",
        level="minister",
        courtesy="H.E. Mr.",
        name="Antonio Patriota",
        title="Minister for Foreign Affairs",
        preferences=["plenary-2", "plenary-3"],
        note="Arrives on 14 May.",
    )
    req = rq.submit(meeting, record, inv, draft, now)
    assert (req.id, req.status, req.delegation, req.invite) == ("R1", "pending", "Brazil", "I1")
    assert (req.level, req.preferences, req.requested_at) == (
        "minister",
        ["plenary-2", "plenary-3"],
        now,
    )
    assert record.speakers == [] and record.next_id == 1  # nothing inscribed yet
    assert rq.requests_of(record, "brazil") == [req]
    assert parse_record(dump_record(record), "r").requests == [req]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"list_id": "nowhere"}, "unknown list"),
        ({"level": "emperor"}, "unknown level"),
        ({"name": "x" * 501}, "name is too long"),
        ({"title": "bad\x07bell"}, "title contains"),
        ({"note": "n" * 501}, "note is too long"),
        ({"preferences": ["panel-1"]}, "not a meeting of the list"),
        ({"preferences": ["plenary-1", "plenary-2", "plenary-3"]}, "at most two"),
        ({"preferences": ["plenary-2", "plenary-2"]}, "first one again"),
        ({"kind": "speech"}, "unknown kind"),
    ],
)
def test_every_field_is_checked_and_nothing_is_kept(
    meeting: Meeting, record: Record, now: datetime, change: dict[str, object], message: str
) -> None:
    inv = invite(meeting, record, now)
    before = dump_record(record)
    fields: dict[str, object] = {"list_id": "plenary", "name": "A. Person", **change}
    with pytest.raises(InputError, match=message):
        rq.submit(meeting, record, inv, rq.Draft(**fields), now)  # type: ignore[arg-type]
    assert dump_record(record) == before


def test_the_rules_of_speakers_add_apply(meeting: Meeting, record: Record, now: datetime) -> None:
    inv = invite(meeting, record, now)
    add_speaker(meeting, record, Inscription("Brazil", "plenary"), now)
    with pytest.raises(InputError, match="of Brazil is inscribed already"):
        rq.submit(meeting, record, inv, rq.Draft("plenary"), now)
    group = rq.submit(meeting, record, inv, rq.Draft("plenary", on_behalf_of="Group of 77"), now)
    assert group.on_behalf_of == "Group of 77"
    first = rq.submit(meeting, record, inv, rq.Draft("panel-1"), now)
    with pytest.raises(InputError, match=f"pending already \\({first.id}\\)"):
        rq.submit(meeting, record, inv, rq.Draft("panel-1"), now)


def test_closed_lists_and_deadlines_refuse(meeting: Meeting, record: Record, now: datetime) -> None:
    from hlmctl.live import close_list
    from hlmctl.record import ListState

    inv = invite(meeting, record, now)
    record.lists["panel-1"] = ListState(requests_close_at=now + timedelta(hours=1))
    assert rq.open_for_requests(meeting, record, "panel-1", now) is None
    rq.submit(meeting, record, inv, rq.Draft("panel-1"), now + timedelta(minutes=59))
    later = now + timedelta(hours=1)
    assert "deadline" in (rq.open_for_requests(meeting, record, "panel-1", later) or "")
    with pytest.raises(rq.RequestRefused, match="deadline"):
        rq.submit(meeting, record, inv, rq.Draft("panel-1", on_behalf_of="G77"), later)
    close_list(record, "panel-2", now)
    with pytest.raises(rq.RequestRefused, match="rule 73") as refused:
        rq.submit(meeting, record, inv, rq.Draft("panel-2"), now)
    assert refused.value.code == 3


def test_change_and_withdraw_only_ones_own(meeting: Meeting, record: Record, now: datetime) -> None:
    brazil = invite(meeting, record, now)
    kenya = invite(meeting, record, now, "Kenya")
    req = rq.submit(meeting, record, brazil, rq.Draft("plenary"), now)
    later = now + timedelta(minutes=5)
    changed = rq.change(meeting, record, brazil, "r1", rq.Draft("plenary", level="minister"), later)
    assert (changed.id, changed.level, changed.changed_at) == ("R1", "minister", later)
    assert rq.describe_changed(changed) == "R1 Brazil changed its request to speak in plenary"
    with pytest.raises(NothingToDo):
        rq.change(meeting, record, brazil, "R1", rq.Draft("plenary", level="minister"), later)
    errors = []
    for ref in ("R1", "R99"):  # Kenya's view of Brazil's request and of none: the same
        with pytest.raises(InputError) as caught:
            rq.withdraw(meeting, record, kenya, ref, later)
        errors.append(caught.value.message.replace(ref, "R?"))
        with pytest.raises(InputError) as caught_change:
            rq.change(meeting, record, kenya, ref, rq.Draft("plenary"), later)
        errors.append(caught_change.value.message.replace(ref, "R?"))
    assert errors[0] == errors[2] and errors[1] == errors[3]
    assert req.status == "pending"
    assert rq.withdraw(meeting, record, brazil, "R1", later).status == "withdrawn"
    with pytest.raises(rq.RequestRefused):
        rq.withdraw(meeting, record, brazil, "R1", later)


def test_auto_accepts_at_once_while_the_list_is_open(
    meeting: Meeting, record: Record, now: datetime
) -> None:
    lst = meeting.speaker_list("panel-1")
    object.__setattr__(lst, "requests", "auto")
    inv = invite(meeting, record, now)
    req = rq.submit(meeting, record, inv, rq.Draft("panel-1", name="A. Person"), now)
    assert req.status == "accepted" and req.speaker == "S1"
    speaker = record.speaker("S1")
    assert speaker is not None and (speaker.delegation, speaker.name) == ("Brazil", "A. Person")
    assert "accepted at once as S1" in rq.describe_request(req)
    # Withdrawn by the delegation: its speaker too, while waiting.
    rq.withdraw(meeting, record, inv, req.id, now)
    assert speaker.status == "withdrawn"


# --- decisions ------------------------------------------------------------------------


def test_accept_inscribes_in_protocol_order_and_decline_keeps_a_reason(
    meeting: Meeting, record: Record, now: datetime
) -> None:
    for name in ("Kenya", "Chile"):
        add_speaker(meeting, record, Inscription(name, "panel-1"), now)
    inv = invite(meeting, record, now)
    req = rq.submit(meeting, record, inv, rq.Draft("panel-1", level="head-of-state"), now)
    result = rq.accept_request(meeting, record, req.id, now, operator="chief")
    assert [s.delegation for s in record.waiting("panel-1")] == ["Brazil", "Kenya", "Chile"]
    assert (req.status, req.decided_by, req.speaker) == ("accepted", "chief", result.speaker.id)
    assert rq.describe_acceptance(result).startswith(f"accepted R1 of Brazil as {req.speaker}")
    with pytest.raises(rq.RequestRefused):
        rq.accept(meeting, record, "R1", now, operator="chief")
    other = rq.submit(
        meeting, record, invite(meeting, record, now, "Peru"), rq.Draft("panel-1"), now
    )
    declined = rq.decline(record, other.id, "the list is full", now, operator="chief")
    assert (declined.status, declined.reason, declined.decided_by) == (
        "declined",
        "the list is full",
        "chief",
    )
    assert rq.describe_decline(declined) == "declined R2 of Peru: the list is full"
    with pytest.raises(InputError, match="no request R7"):
        rq.decline(record, "R7", "x", now, operator="chief")


def test_accept_takes_the_secretariats_adjustments(
    meeting: Meeting, record: Record, now: datetime
) -> None:
    inv = invite(meeting, record, now)
    req = rq.submit(meeting, record, inv, rq.Draft("plenary", name="Wrong Name"), now)
    speaker = rq.accept(
        meeting,
        record,
        req.id,
        now,
        operator="chief",
        adjust=rq.Adjust(list_id="panel-2", name="Right Name", level="minister", minutes=2),
    )
    assert (speaker.list, speaker.name, speaker.level, speaker.minutes) == (
        "panel-2",
        "Right Name",
        "minister",
        2,
    )


def fill_plenary(meeting: Meeting, record: Record, now: datetime, count: int) -> None:
    names = [d.name for d in reference().delegations if d.category == "member-state"]
    for name in names[:count]:
        add_speaker(meeting, record, Inscription(name, "plenary"), now)


def placed_in(meeting: Meeting, record: Record, speaker_id: str, now: datetime) -> str:
    from hlmctl.projection import project

    place = project(meeting, record, now).placements.get(speaker_id)
    return place.segment_id if place else "not reached"


def test_a_first_preference_brings_a_statement_forward(
    meeting: Meeting, record: Record, now: datetime
) -> None:
    fill_plenary(meeting, record, now, 90)
    inv = invite(meeting, record, now, "Zimbabwe")
    req = rq.submit(meeting, record, inv, rq.Draft("plenary", preferences=["plenary-1"]), now)
    result = rq.accept_request(meeting, record, req.id, now, operator="chief")
    assert result.placement == "placed in plenary-1, its first preference"
    assert placed_in(meeting, record, result.speaker.id, now) == "plenary-1"
    assert result.speaker.placed  # kept there as later inscriptions arrive


def test_a_first_preference_holds_a_statement_back(
    meeting: Meeting, record: Record, now: datetime
) -> None:
    """Its Head of State arrives on the second day: placed in plenary-3 although
    plenary-1 has room, and held there as later inscriptions arrive."""
    fill_plenary(meeting, record, now, 5)
    inv = invite(meeting, record, now, "Zimbabwe")
    draft = rq.Draft("plenary", level="head-of-state", preferences=["plenary-3"])
    req = rq.submit(meeting, record, inv, draft, now)
    result = rq.accept_request(meeting, record, req.id, now, operator="chief")
    assert result.placement == "placed in plenary-3, its first preference"
    assert result.speaker.meeting == "plenary-3"  # held for it
    assert placed_in(meeting, record, result.speaker.id, now) == "plenary-3"
    others = [s.id for s in record.waiting("plenary") if s is not result.speaker]
    assert {placed_in(meeting, record, s, now) for s in others} == {"plenary-1"}
    # A later inscription, of higher precedence or lower, does not take it out.
    for name, level in (("Chile", "head-of-state"), ("Peru", None)):
        add_speaker(meeting, record, Inscription(name, "plenary", level=level), now)
    assert placed_in(meeting, record, result.speaker.id, now) == "plenary-3"


def test_a_move_by_hand_ends_the_hold_for_a_preferred_meeting(
    meeting: Meeting, record: Record, now: datetime
) -> None:
    """The operator's place wins: a statement held for plenary-3 and moved to the top
    of the list is heard where it is put, not held back for plenary-3."""
    from hlmctl.speakers import move

    fill_plenary(meeting, record, now, 5)
    inv = invite(meeting, record, now, "Zimbabwe")
    draft = rq.Draft("plenary", preferences=["plenary-3"])
    req = rq.submit(meeting, record, inv, draft, now)
    speaker = rq.accept_request(meeting, record, req.id, now, operator="chief").speaker
    assert placed_in(meeting, record, speaker.id, now) == "plenary-3"
    assert move(record, speaker, to=1) == 1
    assert speaker.meeting is None
    assert placed_in(meeting, record, speaker.id, now) == "plenary-1"


def test_a_preference_takes_the_protocol_order_place_in_its_meeting(
    meeting: Meeting, record: Record, now: datetime
) -> None:
    """Among plenary-2's statements, after those of higher or equal precedence,
    before those of lower precedence: a Head of State first there."""
    fill_plenary(meeting, record, now, 90)
    in_second = [
        s.id
        for s in record.waiting("plenary")
        if placed_in(meeting, record, s.id, now) == "plenary-2"
    ]
    inv = invite(meeting, record, now, "Zimbabwe")
    draft = rq.Draft("plenary", level="head-of-state", preferences=["plenary-2"])
    req = rq.submit(meeting, record, inv, draft, now)
    result = rq.accept_request(meeting, record, req.id, now, operator="chief")
    assert result.placement == "placed in plenary-2, its first preference"
    now_second = [
        s.id
        for s in record.waiting("plenary")
        if placed_in(meeting, record, s.id, now) == "plenary-2"
    ]
    assert now_second[0] == result.speaker.id and now_second[1] == in_second[0]


def test_a_meeting_over_cannot_hold_a_preference(
    meeting: Meeting, record: Record, now: datetime
) -> None:
    from hlmctl.record import MeetingState

    fill_plenary(meeting, record, now, 90)
    later = at(meeting, "2013-05-13T14:00")
    record.meetings["plenary-1"] = MeetingState(
        opened_at=at(meeting, "2013-05-13T10:00"), adjourned_at=at(meeting, "2013-05-13T13:00")
    )
    inv = invite(meeting, record, now, "Zimbabwe")
    draft = rq.Draft("plenary", preferences=["plenary-1", "plenary-2"])
    req = rq.submit(meeting, record, inv, draft, later)
    result = rq.accept_request(meeting, record, req.id, later, operator="chief")
    assert result.placement == "placed in plenary-2, its second preference"


def test_import_all_or_nothing_naming_every_bad_row(
    meeting: Meeting, record: Record, now: datetime
) -> None:
    rows = [
        (2, {"delegation": "Brazil", "list": "plenary", "preference_1": "plenary-2"}),
        (3, {"delegation": "Atlantis", "list": "plenary"}),
        (4, {"delegation": "Kenya", "list": "plenary", "level": "emperor"}),
        (5, {"delegation": "Chile", "list": "plenary", "reference": "ES-12"}),
    ]
    before = dump_record(record)
    with pytest.raises(InputError) as caught:
        rq.import_rows(meeting, _copy(record), rows, now)
    assert caught.value.message.startswith("2 bad rows: row 3: unknown delegation")
    assert "row 4: level: unknown level" in caught.value.message
    assert dump_record(record) == before
    good = [rows[0], rows[3]]
    added = rq.import_rows(meeting, record, good, now)
    assert [(r.id, r.source, r.external_ref, r.status) for r in added] == [
        ("R1", "import", None, "pending"),
        ("R2", "import", "ES-12", "pending"),
    ]
    assert added[0].preferences == ["plenary-2"] and added[0].invite is None


def _copy(record: Record) -> Record:
    return parse_record(dump_record(record), "copy")


def test_a_right_of_reply_may_be_asked_on_a_closed_list(
    meeting: Meeting, record: Record, now: datetime
) -> None:
    from hlmctl.live import close_list

    inv = invite(meeting, record, now)
    close_list(record, "plenary", now)
    with pytest.raises(rq.RequestRefused):
        rq.submit(meeting, record, inv, rq.Draft("plenary"), now)
    reply = rq.submit(meeting, record, inv, rq.Draft("plenary", kind="reply"), now)
    assert (reply.kind, reply.status, reply.level) == ("reply", "pending", None)
    with pytest.raises(InputError, match="no preference"):
        rq.submit(
            meeting, record, inv, rq.Draft("plenary", "reply", preferences=["plenary-2"]), now
        )
    speaker = rq.accept(meeting, record, reply.id, now, operator="chief")
    assert (speaker.kind, speaker.delegation, speaker.meeting) == ("reply", "Brazil", "plenary-1")


def test_the_desk_can_say_a_refusal_in_french(
    meeting: Meeting, record: Record, now: datetime
) -> None:
    """The desk says a refusal in the page's language: the list by its title, the
    delegation by its name with its article, never an id; the command line keeps ids."""
    from hlmctl import i18n
    from hlmctl.live import close_list

    en, fr = i18n.get("en"), i18n.get("fr")
    inv = invite(meeting, record, now, "France")
    close_list(record, "panel-1", now)
    with pytest.raises(rq.RequestRefused) as closed:
        rq.submit(meeting, record, inv, rq.Draft("panel-1"), now)
    assert "panel-1" in closed.value.message  # the command line: the id
    assert rq.said_in(en, closed.value).startswith("the list Interactive panel 1")
    french = rq.said_in(fr, closed.value)
    assert "panel-1" not in french and "73" in french and french.startswith("la liste ")
    # The sentence the desk's page shows for a list closed: the same, in its language.
    shown = rq.open_for_requests(meeting, record, "panel-1", now, lang=fr)
    assert shown == french
    assert rq.open_for_requests(meeting, record, "panel-1", now) == closed.value.message
    first = rq.submit(meeting, record, inv, rq.Draft("plenary"), now)
    with pytest.raises(InputError) as twin:
        rq.submit(meeting, record, inv, rq.Draft("plenary"), now)
    said = rq.said_in(fr, twin.value)
    assert "de la France" in said and first.id in said and "plenary" not in said
    assert said.startswith("Liste des orateurs") or "séances plénières" in said
    assert "of France" in rq.said_in(en, twin.value)


@pytest.mark.parametrize(
    ("draft", "field", "english", "french"),
    [
        (rq.Draft("plenary", level="emperor"), "level", "Level of representation", "Niveau"),
        (rq.Draft("plenary", courtesy="H.E.\x07"), "courtesy", "Courtesy title", "Titre"),
        (rq.Draft("plenary", name="x" * 501), "name", "Name of the speaker", "Nom"),
        (rq.Draft("plenary", title="\u200b"), "title", "Title or function", "Titre"),
        (
            rq.Draft("plenary", on_behalf_of="G\u202e77"),
            "on_behalf_of",
            "On behalf of",
            "Au nom",
        ),
        (rq.Draft("plenary", note="n" * 501), "note", "Note to the Secretariat", "Note"),
        (rq.Draft("plenary", note="n\n" * 11), "note", "Note to the Secretariat", "Note"),
        (rq.Draft("nowhere"), "list", "List of speakers", "Liste des orateurs"),
        (
            rq.Draft("plenary", preferences=["plenary-2", "plenary-2"]),
            "second",
            "the second preference",
            "préférence",
        ),
    ],
)
def test_each_field_is_refused_naming_the_forms_field_in_french(
    meeting: Meeting,
    record: Record,
    now: datetime,
    draft: rq.Draft,
    field: str,
    english: str,
    french: str,
) -> None:
    """Checked field by field before the rules of `speakers add`: the desk says which
    field, in the page's language, and never a command-line option."""
    from hlmctl import i18n

    inv = invite(meeting, record, now, "France")
    with pytest.raises(rq.RequestError) as caught:
        rq.submit(meeting, record, inv, draft, now)
    assert caught.value.form_field == field
    said_en = rq.said_in(i18n.get("en"), caught.value)
    said_fr = rq.said_in(i18n.get("fr"), caught.value)
    assert english in said_en and french in said_fr and said_fr != said_en
    for said in (said_en, said_fr):
        assert "--" not in said and "plenary-2" not in said


def test_an_organization_on_no_approved_list_is_refused_at_the_desk_in_french(
    meeting: Meeting, record: Record, now: datetime
) -> None:
    """participants.check_speaker's rule (which names `speakers add --force`) is
    checked first with the desk's wording, the list by its title."""
    from hlmctl import i18n

    inv, _ = invites.issue_invite(
        meeting, record, "Friends of Atlantis", now, operator="o", category="ngo", force=True
    )
    before = dump_record(record)
    with pytest.raises(rq.RequestError) as caught:
        rq.submit(meeting, record, inv, rq.Draft("panel-1"), now)
    said = rq.said_in(i18n.get("fr"), caught.value)
    assert said.startswith("Réunion-débat interactive 1") and "Friends of Atlantis" in said
    assert "--" not in said and "panel-1" not in said and caught.value.form_field == "list"
    assert dump_record(record) == before


def test_a_right_of_reply_over_the_limit_is_said_in_french(
    meeting: Meeting, record: Record, now: datetime
) -> None:
    from hlmctl import i18n

    inv = invite(meeting, record, now, "France")
    for _ in range(2):
        req = rq.submit(meeting, record, inv, rq.Draft("plenary", kind="reply"), now)
        rq.accept(meeting, record, req.id, now, operator="chief")
    with pytest.raises(rq.RequestError) as caught:
        rq.submit(meeting, record, inv, rq.Draft("plenary", kind="reply"), now)
    said = rq.said_in(i18n.get("fr"), caught.value)
    assert "de la France" in said and "34/401" in said and "plenary-1" not in said
    assert caught.value.form_field == "kind"


def test_an_accepted_request_is_withdrawn_only_while_its_speaker_waits(
    meeting: Meeting, record: Record, now: datetime
) -> None:
    inv = invite(meeting, record, now)
    first = rq.submit(meeting, record, inv, rq.Draft("panel-1"), now)
    second = rq.submit(meeting, record, inv, rq.Draft("panel-2"), now)
    spoken = rq.accept(meeting, record, first.id, now, operator="chief")
    waiting = rq.accept(meeting, record, second.id, now, operator="chief")
    spoken.status, spoken.started_at, spoken.ended_at = "spoken", now, now
    with pytest.raises(rq.RequestRefused, match="can no longer be withdrawn"):
        rq.withdraw(meeting, record, inv, first.id, now)
    gone = rq.withdraw(meeting, record, inv, second.id, now)
    assert gone.status == "withdrawn" and waiting.status == "withdrawn"
    assert rq.describe_withdrawn(gone) == f"R2 of Brazil withdrawn, with its speaker {waiting.id}"


def test_a_longer_statement_is_placed_a_place_earlier(
    meeting: Meeting, record: Record, now: datetime
) -> None:
    """A group's 7 minutes do not fit in the last 5 of a full meeting: one place earlier."""
    fill_plenary(meeting, record, now, 90)
    inv = invite(meeting, record, now, "Zimbabwe")
    draft = rq.Draft("plenary", on_behalf_of="Group of 77", preferences=["plenary-1"])
    req = rq.submit(meeting, record, inv, draft, now)
    result = rq.accept_request(meeting, record, req.id, now, operator="chief")
    assert result.placement == "placed in plenary-1, its first preference"
    assert placed_in(meeting, record, result.speaker.id, now) == "plenary-1"
    in_first = [
        s.id
        for s in record.waiting("plenary")
        if placed_in(meeting, record, s.id, now) == "plenary-1"
    ]
    # Before the meeting's last two statements of 5 minutes, which then move on.
    assert in_first[-1] == result.speaker.id and len(in_first) == 35


def test_a_note_keeps_its_lines(meeting: Meeting, record: Record, now: datetime) -> None:
    """A note typed on several lines in the form's textarea: CRLF -> LF, kept as lines;
    eleven lines, a control character on a line or a Unicode line separator are refused
    (test_what_is_not_text_is_refused_as_bad_input)."""
    inv = invite(meeting, record, now)
    note = "Arrives on 14 May.  \r\nHead of State.\r\n\r\nPlease call Ms. Ruiz."
    req = rq.submit(meeting, record, inv, rq.Draft("plenary", note=note), now)
    assert req.note == "Arrives on 14 May.\nHead of State.\n\nPlease call Ms. Ruiz."
    assert parse_record(dump_record(record), "r").requests[0].note == req.note
    ten = "\n".join(f"line {n}" for n in range(10))
    assert (
        rq.submit(
            meeting, record, inv, rq.Draft("plenary", note=ten, on_behalf_of="the Group of 77"), now
        ).note
        == ten
    )


@pytest.mark.parametrize(
    "draft",
    [
        rq.Draft("plenary", name=["a", "list"]),  # type: ignore[arg-type]
        rq.Draft("plenary", note=12),  # type: ignore[arg-type]
        rq.Draft("plenary", preferences="plenary-1"),  # type: ignore[arg-type]
        rq.Draft("plenary", preferences=[None]),  # type: ignore[list-item]
        rq.Draft(None),  # type: ignore[arg-type]
        rq.Draft("plenary", note="n\nbad\x07bell"),
        rq.Draft("plenary", note="n\u2028n"),
        rq.Draft("plenary", note="\n".join("n" * 11)),
    ],
)
def test_what_is_not_text_is_refused_as_bad_input(
    meeting: Meeting, record: Record, now: datetime, draft: rq.Draft
) -> None:
    """The desk hands over what a form sent: anything not text is exit 2, never a bug."""
    inv = invite(meeting, record, now)
    before = dump_record(record)
    with pytest.raises(InputError):
        rq.submit(meeting, record, inv, draft, now)
    assert dump_record(record) == before


def test_a_damaged_record_of_requests_is_refused(
    meeting: Meeting, record: Record, now: datetime
) -> None:
    from hlmctl.errors import InvalidFileError

    inv = invite(meeting, record, now)
    rq.submit(meeting, record, inv, rq.Draft("plenary"), now)
    text = dump_record(record).decode()
    for damaged in (
        text.replace("next_request = 2", "next_request = 1"),
        text.replace("next_invite = 2", "next_invite = 1"),
        text.replace('status = "pending"', 'status = "maybe"'),
    ):
        assert damaged != text
        with pytest.raises(InvalidFileError):
            parse_record(damaged.encode(), "damaged")


# --- the limit on what a delegation leaves pending ------------------------------------


def test_no_second_pending_request_the_same_group_or_reply(
    meeting: Meeting, record: Record, now: datetime
) -> None:
    inv = invite(meeting, record, now)
    group = rq.Draft("plenary", on_behalf_of="Group of 77")
    first = rq.submit(meeting, record, inv, group, now)
    before = dump_record(record)
    same = f"same request of Brazil is pending already \\({first.id}\\)"
    with pytest.raises(rq.RequestRefused, match=same) as caught:
        rq.submit(meeting, record, inv, rq.Draft("plenary", on_behalf_of="group of 77"), now)
    assert caught.value.form_field == "on_behalf_of" and caught.value.code == 3
    reply = rq.submit(meeting, record, inv, rq.Draft("plenary", kind="reply"), now)
    with pytest.raises(rq.RequestRefused, match=f"pending already \\({reply.id}\\)"):
        rq.submit(meeting, record, inv, rq.Draft("plenary", kind="reply"), now)
    # Another link of the same delegation is the same delegation.
    other = invite(meeting, record, now)
    with pytest.raises(rq.RequestRefused):
        rq.submit(meeting, record, other, group, now)
    # A change may not make a request the same as another pending one.
    own = rq.submit(meeting, record, inv, rq.Draft("plenary", on_behalf_of="African Group"), now)
    before = dump_record(record)
    with pytest.raises(rq.RequestRefused, match=f"\\({first.id}\\)"):
        rq.change(meeting, record, inv, own.id, group, now)
    assert dump_record(record) == before
    # Decided or withdrawn, it no longer counts.
    rq.withdraw(meeting, record, inv, first.id, now)
    assert rq.submit(meeting, record, inv, group, now).status == "pending"


def test_at_most_max_pending_requests_of_a_delegation_in_a_list(
    meeting: Meeting, record: Record, now: datetime
) -> None:
    inv = invite(meeting, record, now)
    drafts = [
        rq.Draft("plenary"),
        rq.Draft("plenary", on_behalf_of="Group of 77"),
        rq.Draft("plenary", kind="reply"),
        rq.Draft("plenary", on_behalf_of="Rio Group"),
    ]
    assert rq.MAX_PENDING == 3
    made = [rq.submit(meeting, record, inv, d, now) for d in drafts[: rq.MAX_PENDING]]
    before = dump_record(record)
    full = "3 requests of Brazil are pending already"
    with pytest.raises(rq.RequestRefused, match=full) as caught:
        rq.submit(meeting, record, inv, drafts[3], now)
    assert caught.value.form_field == "list"
    assert dump_record(record) == before
    # Its own requests still change (the one changed does not count against itself).
    changed = rq.change(meeting, record, inv, made[1].id, drafts[3], now)
    assert changed.on_behalf_of == "Rio Group"
    # Another list, another delegation: each its own limit.
    assert rq.submit(meeting, record, inv, rq.Draft("panel-1"), now).status == "pending"
    peru = invite(meeting, record, now, "Peru")
    assert rq.submit(meeting, record, peru, drafts[1], now).status == "pending"
    # Once one is decided, another may be made.
    rq.decline(record, made[0].id, "no", now, operator="chief")
    assert rq.submit(meeting, record, inv, drafts[1], now).status == "pending"


def test_the_limit_is_said_in_french(meeting: Meeting, record: Record, now: datetime) -> None:
    from hlmctl import i18n

    inv = invite(meeting, record, now, "France")
    rq.submit(meeting, record, inv, rq.Draft("plenary", kind="reply"), now)
    with pytest.raises(rq.RequestRefused) as caught:
        rq.submit(meeting, record, inv, rq.Draft("plenary", kind="reply"), now)
    assert "plenary" in caught.value.message  # the command line: the id
    said = rq.said_in(i18n.get("fr"), caught.value)
    assert "plenary" not in said and "R1" in said and "de la France" in said, said


def test_import_refuses_identical_rows_past_the_limit_all_or_nothing(
    meeting: Meeting, record: Record, now: datetime
) -> None:
    row = {"delegation": "Peru", "list": "plenary", "on_behalf_of": "Group of 77"}
    rows = [(n, dict(row)) for n in range(2, 3002)]
    with pytest.raises(rq.RowsRefused) as caught:
        rq.import_rows(meeting, _copy(record), rows, now)
    assert caught.value.code == 3
    assert caught.value.message.startswith("2999 bad rows: row 3: plenary: the same request")
    assert "and 2949 more bad rows" in caught.value.message
    mixed = [
        (2, row),
        (3, {"delegation": "Peru", "list": "plenary", "on_behalf_of": "Rio Group"}),
        (4, {"delegation": "Peru", "list": "plenary", "kind": "reply"}),
        (5, {"delegation": "Peru", "list": "plenary"}),
    ]
    fresh = empty_record(meeting.meeting.id)
    with pytest.raises(rq.RowsRefused, match=r"^row 5: plenary: 3 requests of Peru"):
        rq.import_rows(meeting, fresh, mixed, now)
    # A bad row besides: bad input (exit 2), every row named.
    with pytest.raises(InputError, match="row 6: unknown delegation"):
        rq.import_rows(
            meeting,
            empty_record(meeting.meeting.id),
            [*mixed, (6, {"delegation": "Atlantis", "list": "plenary"})],
            now,
        )

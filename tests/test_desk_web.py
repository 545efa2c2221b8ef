"""The delegations' desk, in-process (Starlette's TestClient): the link exchanged for a
session, a request with its first and second preference, its acknowledgement and
receipt, a change, a withdrawal, an error shown next to its field, the decision
shown, a list closed for requests, the non-objection procedure before and after the
deadline, the pages in French."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from conftest import record_bytes, run
from desk_helpers import (
    DAY,
    T0,
    change,
    circulate,
    desk_client,
    invite,
    post,
    read_record,
    request_form,
    sign_in,
    token_of,
)

pytestmark = pytest.mark.both_stores


def test_the_link_becomes_a_session_and_leaves_the_address_bar(hlm: Path) -> None:
    secret, _ = invite(hlm, "Brazil")
    with desk_client(hlm) as (client, _):
        assert client.get("/").status_code == 403  # no session yet
        response = client.get(f"/k/{secret}")
        assert response.status_code == 303
        assert response.headers["location"] == "/"
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["referrer-policy"] == "no-referrer"
        cookie = response.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        assert "secure" not in cookie  # plain HTTP here: see the HTTPS test
        assert secret not in response.headers["set-cookie"]
        page = client.get("/")
        assert page.status_code == 200
        assert "Brazil" in page.text
        assert "form-action 'self'" in page.headers["content-security-policy"]
        # Signing out ends the session in this browser.
        token = token_of(client)
        assert post(client, "/logout", {}, token=token).status_code == 200
        assert client.get("/").status_code == 403


def test_a_request_with_two_preferences_is_acknowledged_with_its_reference(hlm: Path) -> None:
    secret, invite_id = invite(hlm, "Brazil")
    with desk_client(hlm) as (client, _):
        sign_in(client, secret)
        response = post(client, "/request", request_form(), token=token_of(client))
        assert response.status_code == 303, response.text
        assert response.headers["location"] == "/receipt/R1"
        receipt = client.get("/receipt/R1")
        assert receipt.status_code == 200
        assert "Its reference number is R1." in receipt.text
        assert "Plenary meeting" in receipt.text or "plenary" in receipt.text.lower()
        assert 'media="print"' not in receipt.text  # the print rules are in desk.css
        assert "@media print" in client.get("/static/desk.css").text
        home = client.get("/")
        assert ">R1</a>" in home.text
    record = read_record(hlm)
    (req,) = record.requests
    assert (req.id, req.delegation, req.status, req.invite) == (
        "R1",
        "Brazil",
        "pending",
        invite_id,
    )
    assert req.preferences == ["plenary-2", "plenary-3"]
    assert (req.courtesy, req.name) == ("H.E. Mr.", "Antonio Patriota")
    assert record.log[-1].operator == "Brazil (desk)"
    assert record.log[-1].command == "desk request"


def test_the_projected_meeting_is_shown_next_to_the_preferences(hlm: Path) -> None:
    """Accepted with plenary-2 first: held for it, though plenary-1 has room; the
    delegation's page shows the meeting projected and, next to it, the preferences
    (so that a later inscription that pushed it out would show)."""
    secret, _ = invite(hlm, "Brazil")
    with desk_client(hlm) as (client, _):
        sign_in(client, secret)
        assert post(client, "/request", request_form(), token=token_of(client)).status_code == 303
        assert run("--now", T0, "requests", "accept", "R1").exit_code == 0
        record = read_record(hlm)
        assert record.speakers[0].meeting == "plenary-2"
        home = client.get("/").text
        row = home[home.index(">R1</a>") :].split("</tr>")[0]
        assert "(preferences: " in row and row.count("14 May") >= 1
        french = client.get("/?lang=fr").text
        row = french[french.index(">R1</a>") :].split("</tr>")[0]
        assert "(préférences\xa0: Séance plénière, 14 mai 10 h 00" in row


def test_the_receipt_names_the_meeting_its_date_and_the_notes_lines(hlm: Path) -> None:
    """A paper receipt on a desk says what it is about: the meeting file's title in the
    page's language, and when it was issued; a note typed on several lines keeps them."""
    secret, _ = invite(hlm, "Brazil")
    with desk_client(hlm) as (client, clock):
        sign_in(client, secret)
        form = request_form(note="Arrives on 14 May.\r\nHead of State.")
        assert post(client, "/request", form, token=token_of(client)).status_code == 303
        clock.move(minutes=5)
        english = client.get("/receipt/R1").text
        assert '<dt>Meeting</dt><dd dir="auto">High-level Meeting on the Appraisal' in english
        assert "<dt>Receipt issued</dt>" in english and "13 May 2013" in english
        assert "08:05" in english.split("Receipt issued")[1]
        assert "Arrives on 14 May.<br>Head of State." in english
        french = client.get("/receipt/R1?lang=fr").text
        assert "Réunion de haut niveau sur la mise en œuvre du Plan" in french
        assert "High-level Meeting on the Appraisal" not in french
        assert "Reçu délivré" in french and "13 mai 2013" in french


def test_change_and_withdraw_a_pending_request(hlm: Path) -> None:
    secret, _ = invite(hlm, "Brazil")
    with desk_client(hlm) as (client, clock):
        sign_in(client, secret)
        token = token_of(client)
        assert post(client, "/request", request_form(), token=token).status_code == 303
        form = client.get("/change/R1")
        assert form.status_code == 200 and 'value="Antonio Patriota"' in form.text
        clock.move(minutes=1)
        changed = post(
            client, "/change/R1", request_form(name="Maria Luiza Viotti", second=""), token=token
        )
        assert changed.status_code == 303, changed.text
        req = read_record(hlm).requests[0]
        assert (req.name, req.preferences, req.status) == (
            "Maria Luiza Viotti",
            ["plenary-2"],
            "pending",
        )
        clock.move(minutes=1)
        assert post(client, "/withdraw/R1", {}, token=token).status_code == 303
        assert read_record(hlm).requests[0].status == "withdrawn"
        # Withdrawn: nothing left to change.
        assert "Withdraw this request" not in client.get("/receipt/R1").text
        assert client.get("/change/R1").status_code == 303


def test_a_wrong_field_is_shown_next_to_it_and_nothing_is_recorded(hlm: Path) -> None:
    secret, _ = invite(hlm, "Brazil")
    with desk_client(hlm) as (client, _):
        sign_in(client, secret)
        before = record_bytes(hlm.parent)
        response = post(client, "/request", request_form(level="emperor"), token=token_of(client))
        assert response.status_code == 400
        assert 'role="alert"' in response.text
        assert 'aria-invalid="true" aria-describedby="error-level"' in response.text
        assert 'value="Antonio Patriota"' in response.text  # what was typed stays
        assert record_bytes(hlm.parent) == before


def test_the_decision_and_the_place_are_shown(hlm: Path) -> None:
    from hlmctl import requests

    secret, _ = invite(hlm, "Brazil")
    with desk_client(hlm) as (client, clock):
        sign_in(client, secret)
        assert post(client, "/request", request_form(), token=token_of(client)).status_code == 303
        change(
            hlm,
            lambda m, r, now: requests.accept(m, r, "R1", now, operator="secretariat"),
            f"{DAY}T08:05",
        )
        clock.move(minutes=10)
        page = client.get("/")
        speaker = read_record(hlm).requests[0].speaker
        assert speaker is not None
        row = page.text.split(">R1</a>")[1].split("</tr>")[0]
        assert "<td>accepted</td><td>1</td>" in row  # first waiting in the plenary list
        assert "May" in row  # its projected date and time
        receipt = client.get("/receipt/R1")
        assert "accepted" in receipt.text
        # A declined request shows the reason.
        assert (
            post(
                client,
                "/request",
                request_form(list="panel-1", first="", second=""),
                token=token_of(client),
            ).status_code
            == 303
        )
        change(
            hlm,
            lambda m, r, now: requests.decline(r, "R2", "the panel is full", now, operator="s"),
            f"{DAY}T08:20",
        )
        clock.move(minutes=20)
        assert "declined: the panel is full" in client.get("/").text


def test_closed_lists_take_rights_of_reply_only(hlm: Path) -> None:
    secret, _ = invite(hlm, "Brazil")
    for list_id in ("plenary", "panel-1", "panel-2"):
        assert run("--now", T0, "lists", "close", list_id).exit_code == 0
    with desk_client(hlm, at=f"{DAY}T08:01") as (client, _):
        sign_in(client, secret)
        page = client.get("/")
        assert "closed for requests" in page.text
        assert "Rights of reply are still taken." in page.text  # rule 73
        before = record_bytes(hlm.parent)
        refused = post(client, "/request", request_form(), token=token_of(client))
        assert refused.status_code == 409
        assert 'role="alert"' in refused.text
        assert record_bytes(hlm.parent) == before
        reply = request_form(kind="reply", first="", second="")
        assert post(client, "/request", reply, token=token_of(client)).status_code == 303


def test_when_every_meeting_is_over_there_is_no_form_but_a_sentence(hlm: Path) -> None:
    secret, _ = invite(hlm, "Brazil")
    for segment in ("plenary-1", "plenary-2", "plenary-3", "panel-1", "panel-2"):
        done = run("--now", "2013-05-15T08:00", "meeting", "adjourn", segment)
        assert done.exit_code == 0, done.stderr
    with desk_client(hlm, at="2013-05-15T08:01") as (client, _):
        sign_in(client, secret)
        page = client.get("/")
        assert "No list takes requests now." in page.text
        assert 'action="/request"' not in page.text
        assert "is over" in page.text
    with desk_client(hlm, at="2013-05-15T08:01", lang="fr") as (client, _):
        sign_in(client, secret)
        assert "Aucune liste ne reçoit de demandes" in client.get("/").text


def test_a_member_state_objects_before_the_deadline_and_not_after(hlm: Path) -> None:
    circulate(hlm)
    secret, _ = invite(hlm, "Brazil", at="2013-04-21T10:00")
    with desk_client(hlm, at="2013-04-22T10:00") as (client, clock):
        sign_in(client, secret)
        page = client.get("/objections")
        assert "Object to Polaris Project" in page.text
        done = post(
            client,
            "/objections",
            {"entry": "P1", "action": "object"},
            token=token_of(client, "/objections"),
        )
        assert done.status_code == 200
        assert "Your objection to Polaris Project (P1) was recorded" in done.text
        listed = run("--now", "2013-04-22T11:00", "participants", "list", "--format", "json")
        entry = listed.json()["lists"][-1]["participants"][0]
        assert entry["state"] == "objected"
        clock.move(minutes=1)
        back = post(
            client,
            "/objections",
            {"entry": "P1", "action": "withdraw"},
            token=token_of(client, "/objections"),
        )
        assert "was withdrawn" in back.text
        clock.at = datetime.fromisoformat("2013-04-30T18:00").replace(tzinfo=clock.at.tzinfo)
        after = client.get("/objections")
        assert "the list is final" in after.text and "Object to" not in after.text
        before = record_bytes(hlm.parent)
        late = post(
            client,
            "/objections",
            {"entry": "P2", "action": "object"},
            token=token_of(client, "/objections"),
        )
        assert late.status_code == 400 and "deadline" in late.text
        assert record_bytes(hlm.parent) == before


def test_only_member_states_may_object(hlm: Path) -> None:
    circulate(hlm)
    secret, _ = invite(hlm, "Holy See", at="2013-04-21T10:00")
    with desk_client(hlm, at="2013-04-22T10:00") as (client, _):
        sign_in(client, secret)
        page = client.get("/objections")
        assert "Only Member States may object" in page.text and "Object to" not in page.text
        token = token_of(client, "/objections")
        refused = post(client, "/objections", {"entry": "P1", "action": "object"}, token=token)
        assert refused.status_code == 403


def test_the_pages_in_french(hlm: Path) -> None:
    secret, _ = invite(hlm, "France")
    with desk_client(hlm, lang="fr") as (client, _):
        wrong = client.get("/k/" + "x" * 43)
        assert wrong.status_code == 404 and '<html lang="fr">' in wrong.text
        sign_in(client, secret)
        page = client.get("/")
        assert '<html lang="fr">' in page.text
        assert "Demandes d’inscription" in page.text or "Demandes" in page.text
        assert "Liste des orateurs des séances plénières" in page.text
        # The domain's refusal, said in French next to its field.
        first = post(client, "/request?lang=fr", request_form(), token=token_of(client))
        assert first.status_code == 303
        again = post(client, "/request?lang=fr", request_form(), token=token_of(client))
        assert again.status_code == 400
        # The list by its French title, the delegation with its article, never an id.
        said = again.text.split('id="error-list">')[1].split("</p>")[0]
        assert said.startswith("Liste des orateurs des séances plénières")
        assert "une demande de parole de la France est déjà en attente (R1)" in said
        assert "plenary" not in said
        assert 'aria-describedby="error-list"' in again.text
    with desk_client(hlm) as (client, _):
        sign_in(client, secret)
        assert '<html lang="fr">' in client.get("/?lang=fr").text
        assert '<html lang="en">' in client.get("/").text


def test_problems_before_serving_are_one_line_and_exit_2(hlm: Path, tmp_path: Path) -> None:
    import socket

    (tmp_path / "bad.pem").write_text("not a certificate\n")
    cases = [
        (["--base-url", "ftp://desk.example.org"], "--base-url"),
        (["--base-url", "https://desk.example.org/desk"], "--base-url"),
        (["--ssl-certfile", str(tmp_path / "none.pem"), "--ssl-keyfile", "k.pem"], "no such"),
        (["--ssl-certfile", str(tmp_path / "bad.pem")], "both"),
        (
            [
                "--ssl-certfile",
                str(tmp_path / "bad.pem"),
                "--ssl-keyfile",
                str(tmp_path / "bad.pem"),
            ],
            "not a certificate",
        ),
        (["--trusted-proxy", "proxy.example.org"], "--trusted-proxy"),
        (["--allow-host", "http://x/"], "--allow-host"),
    ]
    for options, said in cases:
        result = run("--now", T0, "desk", "--port", "0", *options)
        assert result.exit_code == 2, (options, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and said in lines[0], (options, result.stderr)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        result = run("--now", T0, "desk", "--port", port)
        assert result.exit_code == 2 and "port" in result.stderr, result.stderr
    for port in ("99999", "-1"):  # 99999 was served as port 34463 (99999 - 65536)
        result = run("--now", T0, "desk", "--port", port)
        assert result.exit_code == 2 and "--port" in result.stderr, result.stderr


def test_over_https_the_cookie_is_secure(hlm: Path, tmp_path: Path) -> None:
    import shutil
    import subprocess

    import httpx

    from desk_helpers import desk_process

    openssl = shutil.which("openssl")
    assert openssl is not None, "openssl is part of the system's packages (scripts/system-deps)"
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    secret, _ = invite(hlm, "Brazil")
    https = ("--ssl-certfile", str(cert), "--ssl-keyfile", str(key))
    with desk_process(hlm.parent, "--now", T0, extra=https) as (_, url):
        assert url.startswith("https://")
        with httpx.Client(base_url=url, verify=False, follow_redirects=False) as client:
            answer = client.get(f"/k/{secret}")
            assert answer.status_code == 303
            cookie = answer.headers["set-cookie"].lower()
            assert "secure" in cookie and "httponly" in cookie and "samesite=strict" in cookie
            assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    ("fields", "field", "french"),
    [
        ({"level": "emperor"}, "level", "Niveau de représentation : niveau inconnu"),
        ({"courtesy": "H.E.\x07"}, "courtesy", "Titre de courtoisie : un caractère"),
        ({"name": "x" * 501}, "name", "Nom de l'orateur ou de l'oratrice : trop long"),
        ({"title": "\u200b"}, "title", "Titre ou fonction de l'orateur"),
        ({"on_behalf_of": "G\u202e77"}, "on_behalf_of", "Au nom de (un groupe) : un caractère"),
        ({"note": "n\n" * 11}, "note", "Note au Secrétariat : 11 lignes"),
        ({"list": "nowhere"}, "list", "Liste des orateurs : liste inconnue"),
        ({"second": "plenary-2"}, "second", "la seconde préférence répète la première"),
    ],
)
def test_each_field_refused_in_french_next_to_it(
    hlm: Path, fields: dict[str, str], field: str, french: str
) -> None:
    """Every refusal a delegation can trigger names the form's field, in the page's
    language, next to it; never a command-line option, never an id."""
    from html import unescape

    secret, _ = invite(hlm, "France")
    with desk_client(hlm, lang="fr") as (client, _):
        sign_in(client, secret)
        before = record_bytes(hlm.parent)
        form = request_form(**fields)
        answer = post(client, "/request?lang=fr", form, token=token_of(client))
        assert answer.status_code == 400
        said = unescape(answer.text.split(f'id="error-{field}">')[1].split("</p>")[0])
        assert said.replace("\xa0", " ").startswith(french) or french in said.replace(
            "\xa0", " "
        ), said
        assert "--" not in said and "plenary-2" not in said
        assert record_bytes(hlm.parent) == before


def test_a_link_opened_again_and_again_leaves_at_most_the_limit_pending(hlm: Path) -> None:
    """Each opening of a link is a new session (the per-session rate limit does not
    bind across them): the limit on pending requests is the delegation's, in the
    record; its refusal is said next to the field, in the page's language."""
    from html import unescape

    from hlmctl.requests import MAX_PENDING

    secret, _ = invite(hlm, "France")
    groups = ["Group of 77", "Group of 77", "African Group", "Rio Group", "Arab Group"]
    answers = []
    with desk_client(hlm, lang="fr") as (client, _):
        for group in groups:
            sign_in(client, secret)  # a new session each time
            form = request_form(on_behalf_of=group, first="", second="")
            answers.append(post(client, "/request?lang=fr", form, token=token_of(client)))
        assert [a.status_code for a in answers] == [303, 409, 303, 303, 409]
        same = unescape(answers[1].text.split('id="error-on_behalf_of">')[1].split("</p>")[0])
        assert "R1" in same and "de la France" in same and "plenary" not in same, same
        full = unescape(answers[4].text.split('id="error-list">')[1].split("</p>")[0])
        assert f"{MAX_PENDING}" in full and "R1, R2, R3" in full, full
    pending = [r for r in read_record(hlm).requests if r.status == "pending"]
    assert [r.on_behalf_of for r in pending] == ["Group of 77", "African Group", "Rio Group"]


def test_a_command_at_a_later_time_does_not_stop_a_rehearsal_desk(hlm: Path) -> None:
    """The desk started with --now runs its clock on from that time; a command given a
    later --now since puts the record ahead of it: a delegation's request is then
    recorded at the record's latest time, with a line in the server's log (as with a
    system clock behind), never refused."""
    from starlette.testclient import TestClient

    from desk_helpers import Clock, store_and_meeting
    from hlmctl.desk.app import create_app
    from hlmctl.desk.state import DeskState
    from hlmctl.speakers import Inscription
    from hlmctl.speakers import add as add_speaker
    from hlmctl.web.security import AllowedHosts

    secret, _ = invite(hlm, "Brazil")
    later = f"{DAY}T12:00"
    change(
        hlm,
        lambda m, record, now: add_speaker(m, record, Inscription("Kenya", "plenary"), now),
        later,
    )
    store, m = store_and_meeting(hlm)
    log: list[str] = []
    state = DeskState(store, m, clock=Clock(m.tz, T0), rehearsal=True, warn=log.append)
    app = create_app(state, AllowedHosts("127.0.0.1", ["testserver"]))
    with TestClient(app, follow_redirects=False) as client:
        sign_in(client, secret)
        answer = post(client, "/request", request_form(), token=token_of(client))
        assert answer.status_code == 303, answer.text
        assert "past" not in answer.text
    request = read_record(hlm).requests[-1]
    assert request.requested_at == datetime.fromisoformat(later).replace(tzinfo=m.tz)
    assert len(log) == 1 and log[0].startswith("hlmctl: warning: the desk's clock (")
    assert "is behind the latest time in the record" in log[0] and "12:00:00" in log[0]

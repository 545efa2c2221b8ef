"""The desk under attack: another delegation's session and references, a replayed link
after its revocation, an expired link, cross-site posts, forged and foreign tokens,
oversized and hostile bodies, a wrong Host, floods, forwarded headers from an
address not trusted; and 200 requests at once from 50 delegations through a real
``hlmctl desk`` process, on both stores: each acknowledged once, each in
``requests list`` once, none lost."""

from __future__ import annotations

import concurrent.futures
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import record_bytes, run
from desk_helpers import (
    DAY,
    TOKEN,
    desk_client,
    desk_process,
    invite,
    post,
    read_record,
    request_form,
    revoke,
    sign_in,
    token_of,
)
from hlmctl.desk.app import Limits
from hlmctl.web.limits import RateLimit

pytestmark = pytest.mark.both_stores


def test_another_delegation_sees_and_changes_nothing_of_brazil(hlm: Path) -> None:
    brazil, _ = invite(hlm, "Brazil")
    france, _ = invite(hlm, "France")
    with desk_client(hlm) as (b, _), desk_client(hlm) as (f, _):
        sign_in(b, brazil)
        assert post(b, "/request", request_form(), token=token_of(b)).status_code == 303
        sign_in(f, france)
        token = token_of(f)
        assert "R1" not in f.get("/").text
        before = record_bytes(hlm.parent)
        unknown = f.get("/receipt/R999")
        for path in ("/receipt/R1", "/change/R1"):
            answer = f.get(path)
            assert answer.status_code == 404
            assert answer.text == unknown.text  # no oracle: as an unknown reference
        assert post(f, "/change/R1", request_form(name="X"), token=token).status_code == 404
        assert post(f, "/withdraw/R1", {}, token=token).status_code == 404
        assert record_bytes(hlm.parent) == before
        assert "Antonio Patriota" not in f.get("/").text


def test_a_revoked_link_is_refused_and_its_sessions_end_at_once(hlm: Path) -> None:
    secret, invite_id = invite(hlm, "Brazil")
    with desk_client(hlm, at=f"{DAY}T08:02") as (client, _):
        sign_in(client, secret)
        token = token_of(client)
        revoke(hlm, invite_id, f"{DAY}T08:01")
        assert client.get("/").status_code == 403
        before = record_bytes(hlm.parent)
        assert post(client, "/request", request_form(), token=token).status_code == 403
        assert record_bytes(hlm.parent) == before
        wrong = client.get("/k/" + "A" * 43)
        replayed = client.get(f"/k/{secret}")
        assert replayed.status_code == 404 and "set-cookie" not in replayed.headers
        assert replayed.text == wrong.text  # the same page as a link never issued


def test_a_session_does_not_pass_to_the_next_invitation_given_its_undone_id(hlm: Path) -> None:
    # Germany's invitation is undone; the next one issued, China's, gets its id (I1).
    germany, first = invite(hlm, "Germany")
    with desk_client(hlm, at=f"{DAY}T08:03") as (client, _):
        sign_in(client, germany)
        token = token_of(client)
        undone = run("--now", f"{DAY}T08:01", "undo", "--of", "tester")
        assert undone.exit_code == 0, undone.stderr
        _, second = invite(hlm, "China", at=f"{DAY}T08:02")
        assert second == first
        page = client.get("/")
        assert page.status_code == 403
        assert "China" not in page.text
        before = record_bytes(hlm.parent)
        assert post(client, "/request", request_form(), token=token).status_code == 403
        assert record_bytes(hlm.parent) == before


def test_an_expired_link_gets_the_same_page_as_a_wrong_one(hlm: Path) -> None:
    secret, _ = invite(hlm, "Brazil", expires=f"{DAY}T09:00")
    with desk_client(hlm, at=f"{DAY}T08:59") as (client, clock):
        sign_in(client, secret)
        clock.move(minutes=1)
        assert client.get("/").status_code == 403  # the session ends with its link
        expired = client.get(f"/k/{secret}")
        assert expired.status_code == 404
        assert expired.text == client.get("/k/not-a-link").text


def test_cross_site_posts_and_foreign_tokens_are_refused(hlm: Path) -> None:
    brazil, _ = invite(hlm, "Brazil")
    france, _ = invite(hlm, "France")
    with desk_client(hlm) as (client, _), desk_client(hlm) as (other, _):
        sign_in(client, brazil)
        sign_in(other, france)
        token = token_of(client)
        before = record_bytes(hlm.parent)
        form = request_form()
        assert post(client, "/request", form, token=token, origin=None).status_code == 403
        evil = post(client, "/request", form, token=token, origin="https://evil.example")
        assert evil.status_code == 403
        assert post(client, "/request", form, token=token, origin="null").status_code == 403
        assert post(client, "/request", form).status_code == 403  # no token
        assert post(client, "/request", form, token="forged.token.value").status_code == 403
        foreign = post(client, "/request", form, token=token_of(other))
        assert foreign.status_code == 403  # another session's token
        assert record_bytes(hlm.parent) == before
        # A page of this desk (Referer, when no Origin is sent) gets through.
        ok = client.post(
            "/request",
            data={**form, "csrf": token},
            headers={"referer": "http://testserver/"},
        )
        assert ok.status_code == 303


def test_bodies_too_large_of_another_type_or_with_unknown_fields(hlm: Path) -> None:
    secret, _ = invite(hlm, "Brazil")
    with desk_client(hlm) as (client, _):
        sign_in(client, secret)
        token = token_of(client)
        before = record_bytes(hlm.parent)
        huge = post(client, "/request", request_form(note="x" * 20_000), token=token)
        assert huge.status_code == 413
        extra = post(client, "/request", {**request_form(), "speaker": "S1"}, token=token)
        assert extra.status_code == 400
        twice = client.post(
            "/request",
            content=f"list=plenary&list=panel-1&csrf={token}",
            headers={
                "origin": "http://testserver",
                "content-type": "application/x-www-form-urlencoded",
            },
        )
        assert twice.status_code == 400
        as_json = client.post(
            "/request",
            json={"list": "plenary", "csrf": token},
            headers={"origin": "http://testserver"},
        )
        assert as_json.status_code == 415
        not_utf8 = client.post(
            "/request",
            content=b"name=%ff%fe&csrf=" + token.encode(),
            headers={
                "origin": "http://testserver",
                "content-type": "application/x-www-form-urlencoded",
            },
        )
        assert not_utf8.status_code == 400
        assert record_bytes(hlm.parent) == before


HOSTILE = {
    "a bidi override": "Antonio \u202eatoirtaP",
    "a zero-width joiner": "Anto\u200dnio",
    "a 10 kB name": "A" * 10_000,
    "a NUL": "Antonio\x00Patriota",
    "a line break": "Antonio\nPatriota",
}


@pytest.mark.parametrize("what", list(HOSTILE))
def test_hostile_text_is_refused_whole_and_shown_next_to_its_field(hlm: Path, what: str) -> None:
    secret, _ = invite(hlm, "Brazil")
    with desk_client(hlm) as (client, _):
        sign_in(client, secret)
        before = record_bytes(hlm.parent)
        response = post(
            client, "/request", request_form(name=HOSTILE[what]), token=token_of(client)
        )
        assert response.status_code == 400, what
        assert 'aria-describedby="error-name"' in response.text, what
        assert "\u202e" not in response.text.split("<form")[0]
        assert record_bytes(hlm.parent) == before


def test_markup_in_a_name_is_text_on_every_page(hlm: Path) -> None:
    secret, _ = invite(hlm, "Brazil")
    with desk_client(hlm) as (client, _):
        sign_in(client, secret)
        name = '<img src=x onerror="alert(1)">'
        response = post(client, "/request", request_form(name=name), token=token_of(client))
        assert response.status_code == 303
        receipt = client.get("/receipt/R1").text
        assert "<img src=x" not in receipt and "&lt;img src=x" in receipt


def test_a_wrong_host_is_refused(hlm: Path) -> None:
    secret, _ = invite(hlm, "Brazil")
    with desk_client(hlm) as (client, _):
        answer = client.get(f"/k/{secret}", headers={"host": "evil.example"})
        assert answer.status_code == 400
        assert "set-cookie" not in answer.headers


def test_floods_get_429_per_session_and_per_address(hlm: Path) -> None:
    secret, _ = invite(hlm, "Brazil")
    frozen = lambda: 0.0  # noqa: E731 (a clock that never moves: nothing refills)
    limits = Limits(
        address=RateLimit(1.0, 12, clock=frozen),
        session=RateLimit(1.0, 3, clock=frozen),
        link=RateLimit(1.0, 2, clock=frozen),
    )
    with desk_client(hlm, limits=limits) as (client, _):
        sign_in(client, secret)
        token = token_of(client)
        wrong = request_form(level="emperor")  # refused, but each counts
        answers = [post(client, "/request", wrong, token=token).status_code for _ in range(4)]
        assert answers == [400, 400, 400, 429]  # the session's fourth form
        flood = client.get("/")
        while flood.status_code != 429:
            flood = client.get("/")
        assert int(flood.headers["retry-after"]) >= 1
        guesses = [client.get("/k/" + "B" * 43).status_code for _ in range(3)]
        assert 429 in guesses


def test_forwarded_headers_are_believed_from_the_trusted_proxy_only(hlm: Path) -> None:
    secret, _ = invite(hlm, "Brazil")
    forwarded = {"x-forwarded-proto": "https", "x-forwarded-for": "203.0.113.9"}
    # Not from the proxy: the headers change nothing (no Secure cookie, as over HTTP).
    with desk_client(hlm, address=("192.0.2.7", 4000), trusted_proxies=["10.0.0.1"]) as (c, _):
        answer = c.get(f"/k/{secret}", headers=forwarded)
        assert answer.status_code == 303
        assert "secure" not in answer.headers["set-cookie"].lower()
        evil_host = c.get("/", headers={"x-forwarded-host": "evil.example", "host": "testserver"})
        assert evil_host.status_code == 200  # the X-Forwarded-Host of a stranger: ignored
    # From the proxy: the browser's connection was HTTPS: the cookie is Secure.
    with desk_client(hlm, address=("10.0.0.1", 4000), trusted_proxies=["10.0.0.1"]) as (c, _):
        answer = c.get(f"/k/{secret}", headers=forwarded)
        assert answer.status_code == 303
        assert "secure" in answer.headers["set-cookie"].lower()
        wrong = c.get("/k/x", headers={"x-forwarded-host": "evil.example"})
        assert wrong.status_code == 400  # the Host the proxy passes is checked too


def test_the_log_never_holds_a_secret(hlm: Path) -> None:
    secret, _ = invite(hlm, "Brazil")
    with desk_client(hlm) as (client, _):
        sign_in(client, secret)
        assert post(client, "/request", request_form(), token=token_of(client)).status_code == 303
    raw = record_bytes(hlm.parent)
    assert raw is not None and secret.encode() not in raw


# --- 200 requests at once, from 50 delegations, through a real desk --------------------

FIFTY = [
    "Argentina",
    "Australia",
    "Austria",
    "Bangladesh",
    "Belgium",
    "Brazil",
    "Canada",
    "Chile",
    "China",
    "Colombia",
    "Cuba",
    "Denmark",
    "Egypt",
    "Ethiopia",
    "Finland",
    "France",
    "Germany",
    "Ghana",
    "Greece",
    "India",
    "Indonesia",
    "Ireland",
    "Italy",
    "Jamaica",
    "Japan",
    "Kenya",
    "Malaysia",
    "Mexico",
    "Morocco",
    "Nepal",
    "Netherlands",
    "New Zealand",
    "Nigeria",
    "Norway",
    "Pakistan",
    "Peru",
    "Philippines",
    "Poland",
    "Portugal",
    "Qatar",
    "Senegal",
    "Singapore",
    "South Africa",
    "Spain",
    "Sweden",
    "Switzerland",
    "Thailand",
    "Tunisia",
    "Uruguay",
    "Viet Nam",
]
# Four requests each: a statement in each list, and a right of reply in the plenary.
FOUR = [
    {"list": "plenary", "first": "plenary-2", "second": "plenary-3"},
    {"list": "panel-1", "first": "", "second": ""},
    {"list": "panel-2", "first": "", "second": ""},
    {"list": "plenary", "kind": "reply", "first": "", "second": ""},
]


def test_200_requests_at_once_from_50_delegations_each_acknowledged_once(hlm: Path) -> None:
    secrets = {d: invite(hlm, d)[0] for d in FIFTY}
    with desk_process(hlm.parent, "--now", f"{DAY}T08:10") as (_, url):
        origin = url.rstrip("/")
        clients = {d: httpx.Client(base_url=url, follow_redirects=False, timeout=60) for d in FIFTY}
        try:
            tokens: dict[str, str] = {}
            for d, client in clients.items():
                assert client.get(f"/k/{secrets[d]}").status_code == 303
                found = TOKEN.search(client.get("/").text)
                assert found
                tokens[d] = found.group(1)

            def send(d: str, n: int) -> str:
                fields = {**request_form(name=f"Speaker {n} of {d}"), **FOUR[n], "csrf": tokens[d]}
                answer = clients[d].post("/request", data=fields, headers={"origin": origin})
                assert answer.status_code == 303, (d, n, answer.status_code, answer.text[:300])
                return answer.headers["location"]

            with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
                jobs = [pool.submit(send, d, n) for n in range(4) for d in FIFTY]
                receipts = [job.result() for job in jobs]
        finally:
            for client in clients.values():
                client.close()
    refs = [re.fullmatch(r"/receipt/(R\d+)", r).group(1) for r in receipts]  # type: ignore[union-attr]
    assert len(set(refs)) == 200  # each acknowledged once, with its own reference
    record = read_record(hlm)
    assert sorted(r.id for r in record.requests) == sorted(refs)
    mine = {(r.delegation, r.list, r.kind, r.name) for r in record.requests}
    assert len(mine) == 200
    listed = run("--now", f"{DAY}T08:20", "requests", "list", "--format", "json")
    assert listed.exit_code == 0, listed.stderr
    ids = [r["id"] for r in listed.json()]
    assert sorted(ids) == sorted(refs)  # each in `requests list` once


def test_a_revoked_link_ends_its_live_stream(hlm: Path) -> None:
    import json

    from desk_helpers import desk_served

    secret, invite_id = invite(hlm, "Brazil")
    with desk_served(hlm) as url, httpx.Client(base_url=url, follow_redirects=False) as client:
        assert client.get(f"/k/{secret}").status_code == 303
        with client.stream("GET", "/events", timeout=30) as stream:
            lines = stream.iter_lines()
            first = next(line for line in lines if line.startswith("data: "))
            assert json.loads(first[6:])["rows"] == []
            revoke(hlm, invite_id, f"{DAY}T08:01")
            after = [line for line in lines if line.startswith("event: ")]
        # The stream ended (the loop above returned) with no state sent after the revocation.
        assert "event: state" not in after
        assert client.get("/events").status_code == 403


def test_two_desks_on_one_record_share_sessions_with_a_key_file(hlm: Path, tmp_path: Path) -> None:
    """Several desks behind one address (on PostgreSQL, on several machines; here on
    both stores): the key file signs the sessions of both, so a
    delegation's session opened at one desk is good at the other; requests sent to
    both at once are each recorded once."""
    key = tmp_path / "desk.key"
    key.write_text("k" * 64)
    key.chmod(0o600)
    env = {"HLMCTL_DESK_KEY_FILE": str(key)}
    names = FIFTY[:10]
    secrets = {d: invite(hlm, d)[0] for d in names}
    now = ("--now", f"{DAY}T08:10")
    with (
        desk_process(hlm.parent, *now, env=env) as (_, one),
        desk_process(hlm.parent, *now, env=env) as (_, two),
    ):
        refs: list[str] = []
        for d in names:
            with httpx.Client(base_url=one, follow_redirects=False, timeout=60) as first:
                assert first.get(f"/k/{secrets[d]}").status_code == 303
                cookies = first.cookies
                found = TOKEN.search(first.get("/").text)
                assert found
                token = found.group(1)
            # The same session, the same form token, at the other desk.
            with httpx.Client(base_url=two, cookies=cookies, follow_redirects=False) as second:
                fields = {**request_form(), "csrf": token}
                answer = second.post("/request", data=fields, headers={"origin": two.rstrip("/")})
                assert answer.status_code == 303, answer.text[:300]
                refs.append(answer.headers["location"].rsplit("/", 1)[-1])
    assert sorted(r.id for r in read_record(hlm).requests) == sorted(refs)
    assert len(set(refs)) == len(names)


def test_a_key_file_open_to_others_is_refused(hlm: Path, tmp_path: Path) -> None:
    key = tmp_path / "desk.key"
    key.write_text("k" * 64)
    key.chmod(0o644)
    result = run(
        "--now", f"{DAY}T08:10", "desk", "--port", "0", env={"HLMCTL_DESK_KEY_FILE": str(key)}
    )
    assert result.exit_code == 2 and "chmod 600" in result.stderr, result.stderr
    key.chmod(0o600)
    key.write_text("short")
    result = run(
        "--now", f"{DAY}T08:10", "desk", "--port", "0", env={"HLMCTL_DESK_KEY_FILE": str(key)}
    )
    assert result.exit_code == 2 and "32 bytes" in result.stderr, result.stderr


def test_live_streams_are_capped_per_session_and_per_address_and_sigterm_stops(
    hlm: Path,
) -> None:
    """Each /events stream holds memory for as long as it lasts: at most
    MAX_STREAMS_PER_SESSION from a session, MAX_STREAMS_PER_ADDRESS from an address,
    429 past them; a stream that ends frees its place. SIGTERM still stops the desk
    with every stream open."""
    import contextlib
    import signal
    import time

    from hlmctl.desk.app import MAX_STREAMS_PER_ADDRESS, MAX_STREAMS_PER_SESSION

    sessions = MAX_STREAMS_PER_ADDRESS // MAX_STREAMS_PER_SESSION + 1
    secret, _ = invite(hlm, "Brazil")
    with (
        desk_process(hlm.parent, "--now", f"{DAY}T08:10") as (proc, url),
        contextlib.ExitStack() as open_,
    ):
        clients = [
            open_.enter_context(httpx.Client(base_url=url, follow_redirects=False, timeout=30))
            for _ in range(sessions)
        ]

        lines: list[Any] = []  # kept: an iterator dropped closes its connection

        def stream(client: httpx.Client) -> Any:
            response = open_.enter_context(client.stream("GET", "/events"))
            assert response.status_code == 200
            lines.append(response.iter_lines())
            assert next(lines[-1]) == "retry: 1000"  # counted: it runs
            return response

        for client in clients:
            assert client.get(f"/k/{secret}").status_code == 303
        first = [stream(clients[0]) for _ in range(MAX_STREAMS_PER_SESSION)]
        over = clients[0].get("/events")
        assert over.status_code == 429 and "this session" in over.text
        assert over.headers["retry-after"].isdigit()
        first[0].close()  # a page closed: its place is free again, once the desk sees it
        for _ in range(200):
            answer = open_.enter_context(clients[0].stream("GET", "/events"))
            if answer.status_code == 200:
                break
            answer.close()
            time.sleep(0.05)
        assert answer.status_code == 200
        opened = MAX_STREAMS_PER_SESSION
        refused_for: list[str] = []
        for client in clients[1:]:
            for _ in range(MAX_STREAMS_PER_SESSION):
                if opened < MAX_STREAMS_PER_ADDRESS:
                    stream(client)
                    opened += 1
                else:
                    answer = client.get("/events")
                    assert answer.status_code == 429
                    refused_for.append(answer.text)
        assert refused_for and all("this address" in text for text in refused_for)
        start = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(20)
        print(f"SIGTERM with {opened} streams open: stopped in {time.monotonic() - start:.2f} s")
        assert proc.returncode is not None


def test_streams_counted_while_they_run_are_freed_when_they_end() -> None:
    from hlmctl.web.limits import Streams

    streams = Streams(per_session=2, per_address=3)
    assert streams.opened("s1", "a") and streams.opened("s1", "a")
    assert streams.may_open("s1", "a") == "this session"
    assert not streams.opened("s1", "a")  # two at the same instant: the one past ends
    assert streams.opened("s2", "a")
    assert streams.may_open("s3", "a") == "this address"
    assert streams.may_open("s3", "b") is None
    streams.closed("s1", "a")
    assert streams.may_open("s1", "a") is None and streams.open_now() == 2
    for sid in ("s1", "s1", "s2"):
        streams.closed(sid, "a")
    assert streams.open_now() == 0 and streams.may_open("s1", "a") is None

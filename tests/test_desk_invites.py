"""`desk invite`, `desk revoke`, `desk invites`: the personal links to the delegations'
desk, through the CLI on both stores. The secret is printed once and kept nowhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import record_bytes, run

pytestmark = pytest.mark.both_stores

NOW = "2013-05-10T09:00"
LINK = re.compile(r"^https://desk\.example\.org/k/([A-Za-z0-9_-]{43})$")


def invite(*args: str) -> tuple[str, str]:
    """(the secret, stderr) of a new link."""
    result = run("--now", NOW, "desk", "invite", *args, "--base-url", "https://desk.example.org/")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    found = LINK.match(lines[0])
    assert found, lines[0]
    return found.group(1), result.stderr


def test_the_link_is_shown_once_and_kept_nowhere(hlm: Path, isolated: Path) -> None:
    secret, stderr = invite("brazil", "--expires", "2013-05-14T18:00")
    assert "I1: the link of Brazil is shown only this once" in stderr
    assert secret not in stderr
    run("--now", NOW, "speakers", "add", "Brazil")
    outputs = [
        run("log").stdout,
        run("log", "--format", "json").stdout,
        run("desk", "invites", "--format", "json").stdout,
        run("desk", "invites", "--format", "csv").stdout,
        run("desk", "invites", "--format", "text").stdout,
        run("speakers", "export").stdout,
        run("speakers", "export", "--format", "json").stdout,
        run("requests", "list", "--format", "json").stdout,
        (record_bytes(isolated) or b"").decode("utf-8"),
    ]
    for text in outputs:
        assert secret not in text
    from hlmctl.invites import hash_secret

    digest = hash_secret(secret)
    for text in outputs[:-1]:  # only the record holds the hash
        assert digest not in text
    assert (
        "invitation I1 issued to Brazil (member-state), expires 2013-05-14T18:00:00-04:00"
        in (outputs[0])
    )


def test_invites_list_and_revoke(hlm: Path, isolated: Path) -> None:
    invite("Brazil")
    invite("Brazil")
    invite("UN Women")
    rows = run("--now", NOW, "desk", "invites", "--format", "json").json()
    assert [(r["id"], r["delegation"], r["category"], r["state"]) for r in rows] == [
        ("I1", "Brazil", "member-state", "live"),
        ("I2", "Brazil", "member-state", "live"),
        ("I3", "UN Women", "un-entity", "live"),
    ]
    assert set(rows[0]) == {
        "id",
        "delegation",
        "category",
        "state",
        "issued_by",
        "issued_at",
        "expires_at",
        "revoked_at",
        "revoked_by",
    }
    assert rows[0]["issued_by"] == "tester"
    done = run("--now", NOW, "desk", "revoke", "Brazil")
    assert done.exit_code == 0, done.stderr
    assert done.stdout.splitlines() == ["I1\tBrazil: revoked", "I2\tBrazil: revoked"]
    again = run("--now", NOW, "desk", "revoke", "I2")
    assert again.exit_code == 3 and again.stderr.startswith("hlmctl: I2 (Brazil) was revoked")
    states = {r["id"]: r["state"] for r in run("desk", "invites", "-f", "json").json()}
    assert states == {"I1": "revoked", "I2": "revoked", "I3": "live"}
    assert run("--now", NOW, "undo").exit_code == 0  # undone like every change
    states = {r["id"]: r["state"] for r in run("desk", "invites", "-f", "json").json()}
    assert states == {"I1": "live", "I2": "live", "I3": "live"}


def test_an_expired_link_is_shown_expired(hlm: Path) -> None:
    invite("Kenya", "--expires", "2013-05-11T09:00")
    rows = run("--now", "2013-05-11T09:00", "desk", "invites", "--format", "json").json()
    assert rows[0]["state"] == "expired"
    text = run("--now", "2013-05-11T09:00", "--lang", "fr", "desk", "invites", "-f", "text")
    assert "expiré" in text.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("Atlantis",), 2, "unknown delegation 'Atlantis'"),
        (("Brazil", "--expires", "2013-05-10T08:00"), 2, "not after now"),
        (("Brazil", "--expires", "tomorrow"), 2, "--expires"),
        (("Brazil", "--base-url", "ftp://desk.example.org"), 2, "public address"),
        (("Brazil", "--base-url", "https://desk.example.org/?x=1"), 2, "with no path"),
    ],
)
def test_bad_invitations_change_nothing(
    hlm: Path, isolated: Path, args: tuple[str, ...], code: int, message: str
) -> None:
    run("--now", NOW, "speakers", "add", "Chile")
    before = record_bytes(isolated)
    result = run("--now", NOW, "desk", "invite", *args)
    assert result.exit_code == code, result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith("hlmctl: ") and message in result.stderr, result.stderr
    assert record_bytes(isolated) == before


def test_an_approved_organization_gets_a_link(hlm: Path) -> None:
    """Paragraph 8's list is drawn up by the President: approved at once."""
    csv = "organization,kind,ecosoc_status\nPolaris Project,ecosoc-ngo,special\n"
    listed = run("--now", NOW, "participants", "import", "-", "--list", "ecosoc-ngos", input=csv)
    assert listed.exit_code == 0, listed.stderr
    invite("polaris project")
    rows = run("desk", "invites", "--format", "json").json()
    assert (rows[0]["delegation"], rows[0]["category"]) == ("Polaris Project", "ngo")


def test_desk_without_a_subcommand_hands_its_options_to_serve(
    hlm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The contract with cli/desk_serve.py: serve(ctx, **the group's options)."""
    import sys
    import types

    seen: dict[str, object] = {}
    fake = types.ModuleType("hlmctl.cli.desk_serve")

    def serve(ctx: object, **options: object) -> None:
        seen.update(options)

    fake.serve = serve  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "hlmctl.cli.desk_serve", fake)
    result = run(
        "desk",
        "--host",
        "0.0.0.0",
        "--port",
        "8443",
        "--allow-host",
        "desk.example.org",
        "--allow-host",
        "desk2.example.org",
        "--base-url",
        "https://desk.example.org",
        "--trusted-proxy",
        "10.0.0.2",
        "--ssl-certfile",
        "cert.pem",
        "--ssl-keyfile",
        "key.pem",
        "--lang",
        "fr",
    )
    assert result.exit_code == 0, result.stderr
    assert seen == {
        "host": "0.0.0.0",
        "port": 8443,
        "allow_host": ["desk.example.org", "desk2.example.org"],
        "base_url": "https://desk.example.org",
        "trusted_proxy": ["10.0.0.2"],
        "ssl_certfile": Path("cert.pem"),
        "ssl_keyfile": Path("key.pem"),
        "lang": "fr",
    }
    seen.clear()
    assert run("desk").exit_code == 0
    assert seen["host"] == "127.0.0.1" and seen["port"] == 8090 and seen["allow_host"] == []
    assert seen["base_url"] is None and seen["lang"] is None
    seen.clear()
    assert run("desk", "invites", "-f", "json").exit_code == 0
    assert seen == {}  # a subcommand does not serve


def test_a_base_url_the_desk_would_refuse_makes_no_link(hlm: Path, isolated: Path) -> None:
    # The desk is served at the root: a link under a path leads nowhere.
    before = record_bytes(isolated)
    for url in ("https://desk.example.org/desk", "javascript:alert(1)", "https://u@x.org"):
        result = run("--now", "2013-05-10T09:00", "desk", "invite", "Brazil", "--base-url", url)
        assert result.exit_code == 2, (url, result.stderr)
        assert result.stdout == "" and "--base-url" in result.stderr
    assert record_bytes(isolated) == before
    made = run(
        "--now",
        "2013-05-10T09:00",
        "desk",
        "invite",
        "Brazil",
        "--base-url",
        "https://desk.example.org/",
    )
    assert made.exit_code == 0, made.stderr
    assert made.stdout.startswith("https://desk.example.org/k/")


@pytest.mark.parametrize(
    ("args", "env", "base", "warned"),
    [
        ((), {}, "http://127.0.0.1:8090", True),
        ((), {"HLMCTL_DESK_URL": "https://desk.example.org"}, "https://desk.example.org", False),
        (
            ("--base-url", "https://other.example.org"),
            {"HLMCTL_DESK_URL": "https://desk.example.org"},
            "https://other.example.org",
            False,
        ),
        (("--base-url", "http://localhost:8090"), {}, "http://localhost:8090", True),
        (("--base-url", "http://0.0.0.0:8090"), {}, "http://0.0.0.0:8090", True),
        (("--base-url", "http://[::1]:8090"), {}, "http://[::1]:8090", True),
        ((), {"HLMCTL_DESK_URL": "http://127.0.0.2"}, "http://127.0.0.2", True),
    ],
)
def test_the_base_url_comes_from_the_environment_and_a_local_one_is_warned_of(
    hlm: Path, args: tuple[str, ...], env: dict[str, str], base: str, warned: bool
) -> None:
    """A link on this machine's own address works for nobody elsewhere: it is still
    printed (exit 0), with one line of warning on stderr."""
    result = run("--now", NOW, "desk", "invite", "Brazil", *args, env=env)
    assert result.exit_code == 0, result.stderr
    assert re.match(rf"^{re.escape(base)}/k/[A-Za-z0-9_-]{{43}}\n$", result.stdout), result.stdout
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert len(warnings) == (1 if warned else 0), result.stderr
    if warned:
        assert warnings[0].startswith(f"hlmctl: warning: the link is for {base}")
        assert "HLMCTL_DESK_URL" in warnings[0]


def test_a_bad_desk_url_in_the_environment_is_named(hlm: Path, isolated: Path) -> None:
    before = record_bytes(isolated)
    bad = {"HLMCTL_DESK_URL": "https://desk.example.org/path"}
    result = run("--now", NOW, "desk", "invite", "Brazil", env=bad)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith("hlmctl: $HLMCTL_DESK_URL 'https://desk.example.org/path'")
    assert record_bytes(isolated) == before

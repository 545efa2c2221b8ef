"""The Secretariat's side of the requests to speak, through the CLI on both stores:
requests import (CSV, XLSX, stdin), list, accept, decline; lists close --at; a list's
requests = "auto"; a request made as the desk makes it (the domain inside one
store.change), then accepted and undone."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from conftest import record_bytes, run

pytestmark = pytest.mark.both_stores

NOW = "2013-05-10T09:00"
LATER = "2013-05-10T10:00"
COLUMNS = (
    "delegation",
    "list",
    "level",
    "name",
    "title",
    "courtesy",
    "on_behalf_of",
    "preference_1",
    "preference_2",
    "note",
    "reference",
)
BRAZIL = {
    "delegation": "Brazil",
    "list": "plenary",
    "level": "Minister",
    "name": "Antonio Patriota",
    "title": "Minister for Foreign Affairs",
    "courtesy": "H.E. Mr.",
    "preference_1": "plenary-2",
    "preference_2": "plenary-3",
    "note": "Arrives on 14 May",
    "reference": "ES-001",
}
KENYA = {"delegation": "Kenya", "list": "panel-1", "reference": "ES-002"}


def as_csv(*rows: dict[str, str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def ok(*args: str, input: str | None = None) -> Any:
    result = run(*args, input=input)
    assert result.exit_code == 0, (args, result.stdout, result.stderr)
    return result


def refused(folder: Path, *args: str, code: int = 2, input: str | None = None) -> str:
    """The command fails with ``code``, one line on stderr, the record unchanged."""
    before = record_bytes(folder)
    result = run(*args, input=input)
    assert result.exit_code == code, (args, result.stdout, result.stderr)
    assert result.stderr.startswith("hlmctl: "), result.stderr
    assert len([line for line in result.stderr.splitlines() if line.startswith("hlmctl")]) == 1
    assert record_bytes(folder) == before
    return result.stderr


def listed(*args: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = ok("requests", "list", "--format", "json", *args).json()
    return rows


def test_import_from_stdin_then_accept_and_decline(hlm: Path, isolated: Path) -> None:
    done = ok("--now", NOW, "requests", "import", "-", input=as_csv(BRAZIL, KENYA))
    assert done.stdout == "imported 2 requests to speak (R1-R2), pending\n"
    rows = listed()
    assert [(r["id"], r["status"], r["source"], r["external_ref"]) for r in rows] == [
        ("R1", "pending", "import", "ES-001"),
        ("R2", "pending", "import", "ES-002"),
    ]
    assert rows[0]["level"] == "minister" and rows[0]["preferences"] == ["plenary-2", "plenary-3"]
    assert set(rows[0]) == {
        "id",
        "status",
        "delegation",
        "category",
        "list",
        "kind",
        "level",
        "courtesy",
        "name",
        "title",
        "on_behalf_of",
        "preferences",
        "note",
        "source",
        "invite",
        "external_ref",
        "requested_at",
        "changed_at",
        "decided_at",
        "decided_by",
        "reason",
        "speaker",
        "meeting",
    }
    accepted = ok("--now", LATER, "requests", "accept", "r1")
    assert accepted.stdout.splitlines() == [
        "S1\tR1 of Brazil accepted: inscribed in plenary at position 1",
        "S1\tplaced in plenary-2, its first preference",
    ]
    speakers = ok("speakers", "list", "--format", "json").json()
    assert [(s["id"], s["delegation"], s["name"], s["level"]) for s in speakers] == [
        ("S1", "Brazil", "Antonio Patriota", "minister")
    ]
    ok("--now", LATER, "requests", "decline", "R2", "--reason", "the panel is full")
    log = ok("log", "--format", "json").json()
    assert [(e["operator"], e["command"], e["change"]) for e in log[-2:]] == [
        (
            "tester",
            "requests accept",
            "accepted R1 of Brazil as S1 in plenary (minister, member-state); placed in "
            "plenary-2, its first preference",
        ),
        ("tester", "requests decline", "declined R2 of Kenya: the panel is full"),
    ]
    rows = listed()
    assert (rows[0]["status"], rows[0]["speaker"], rows[0]["decided_by"]) == (
        "accepted",
        "S1",
        "tester",
    )
    # The meeting the projection gives it, next to the preferences (a mismatch shows).
    assert (rows[0]["meeting"], rows[1]["meeting"]) == ("plenary-2", None)
    text = ok("--now", LATER, "requests", "list").stdout.splitlines()
    assert "\tplenary-2, plenary-3 (projected in plenary-2)\t" in text[0]
    assert (rows[1]["status"], rows[1]["reason"]) == ("declined", "the panel is full")
    # Decided already: exit 3, nothing written.
    refused(isolated, "--now", LATER, "requests", "accept", "R2", code=3)
    refused(isolated, "--now", LATER, "requests", "decline", "R1", "--reason", "x", code=3)
    refused(isolated, "--now", LATER, "requests", "accept", "R9")
    refused(isolated, "--now", LATER, "requests", "decline", "R1", "--reason", "  ")
    # Each decision is undone like any change.
    ok("--now", LATER, "undo")
    ok("--now", LATER, "undo")
    assert [r["status"] for r in listed()] == ["pending", "pending"]
    assert ok("speakers", "list", "--format", "json").json() == []


def test_accept_with_adjustments_and_a_meeting(hlm: Path, isolated: Path) -> None:
    ok("--now", NOW, "requests", "import", "-", input=as_csv(BRAZIL, KENYA))
    done = ok(
        "--now",
        LATER,
        "requests",
        "accept",
        "R1",
        "--name",
        "Dilma Rousseff",
        "--title",
        "President",
        "--level",
        "head of state",
        "--courtesy",
        "",
        "--minutes",
        "10",
        "--json",
    )
    speaker = done.json()
    assert (speaker["name"], speaker["title"], speaker["level"], speaker["minutes"]) == (
        "Dilma Rousseff",
        "President",
        "head-of-state",
        10,
    )
    refused(isolated, "--now", LATER, "requests", "accept", "R2", "--meeting", "plenary-2")
    refused(isolated, "--now", LATER, "requests", "accept", "R2", "--level", "emperor")
    ok("--now", LATER, "requests", "accept", "R2", "--list", "panel-2")
    assert [s["list"] for s in ok("speakers", "list", "-l", "panel-2", "-f", "json").json()] == [
        "panel-2"
    ]


def test_import_is_all_or_nothing_and_names_every_bad_row(hlm: Path, isolated: Path) -> None:
    ok("--now", NOW, "speakers", "add", "Chile")
    bad = as_csv(
        BRAZIL,
        {"delegation": "Atlantis", "list": "plenary"},
        {"delegation": "Kenya", "list": "plenary", "level": "emperor"},
        {"delegation": "Peru", "list": "plenary", "preference_1": "panel-1"},
        {"delegation": "Chile", "list": "plenary"},
    )
    stderr = refused(isolated, "--now", NOW, "requests", "import", "-", input=bad)
    assert stderr.startswith("hlmctl: stdin: 4 bad rows: row 3: unknown delegation 'Atlantis'")
    for part in (
        "row 4: level: unknown level",
        "row 5: preference 'panel-1'",
        "row 6: plenary: a statement of Chile is inscribed already",
    ):
        assert part in stderr, stderr
    assert stderr.rstrip().endswith("nothing was imported")
    unknown = "delegation,colour\nPeru,red\n"
    refused(isolated, "--now", NOW, "requests", "import", "-", input=unknown)
    refused(isolated, "--now", NOW, "requests", "import", "missing.csv")
    refused(isolated, "--now", NOW, "requests", "import", "-", input="delegation\n", code=3)


def test_import_of_identical_rows_is_refused_by_the_limit_exit_3(hlm: Path, isolated: Path) -> None:
    """3000 rows "Peru,plenary,Group of 77": one may wait, the others are the same
    request; refused by the state of the record (exit 3), each row named, nothing
    imported."""
    row = {"delegation": "Peru", "list": "plenary", "on_behalf_of": "Group of 77"}
    stderr = refused(
        isolated, "--now", NOW, "requests", "import", "-", input=as_csv(*[row] * 3000), code=3
    )
    assert stderr.startswith("hlmctl: stdin: 2999 bad rows: row 3: plenary: the same request")
    assert stderr.rstrip().endswith("nothing was imported")
    groups = ["Group of 77", "African Group", "Rio Group", "Arab Group"]
    four = as_csv(*[{**row, "on_behalf_of": g} for g in groups])
    stderr = refused(isolated, "--now", NOW, "requests", "import", "-", input=four, code=3)
    assert "row 5: plenary: 3 requests of Peru are pending already" in stderr
    ok(
        "--now",
        NOW,
        "requests",
        "import",
        "-",
        input=as_csv(*[{**row, "on_behalf_of": g} for g in groups[:3]]),
    )
    refused(isolated, "--now", NOW, "requests", "import", "-", input=as_csv(row), code=3)


def test_import_a_spreadsheet(hlm: Path, isolated: Path) -> None:
    from hlmctl import render_xlsx

    data = render_xlsx.workbook([render_xlsx.Sheet("requests", COLUMNS, [BRAZIL, KENYA])])
    (isolated / "export.xlsx").write_bytes(data)
    ok("--now", NOW, "requests", "import", "export.xlsx")
    rows = listed()
    assert [(r["delegation"], r["list"], r["external_ref"]) for r in rows] == [
        ("Brazil", "plenary", "ES-001"),
        ("Kenya", "panel-1", "ES-002"),
    ]


def test_list_filters_and_formats(hlm: Path, isolated: Path) -> None:
    ok("--now", NOW, "requests", "import", "-", input=as_csv(BRAZIL, KENYA))
    ok("--now", LATER, "requests", "decline", "R2", "--reason", "late")
    assert [r["id"] for r in listed("--status", "pending")] == ["R1"]
    assert [r["id"] for r in listed("-s", "pending", "-s", "declined")] == ["R1", "R2"]
    assert [r["id"] for r in listed("--list", "panel-1")] == ["R2"]
    assert [r["id"] for r in listed("--delegation", "brazil")] == ["R1"]
    refused(isolated, "requests", "list", "--list", "nowhere")
    text = ok("requests", "list").stdout.splitlines()
    assert text[0].split("\t")[:3] == ["R1", "Brazil", "plenary"]
    assert "declined" in text[1] and text[1].endswith("late")
    french = ok("--lang", "fr", "requests", "list", "-f", "text").stdout
    assert "refusée" in french and "en attente" in french
    table = ok("requests", "list", "-f", "table").stdout
    assert "Requests to speak" in table and "Antonio Patriota" in table
    rows = list(csv.DictReader(io.StringIO(ok("requests", "list", "-f", "csv").stdout)))
    assert rows[0]["preferences"] == "plenary-2 plenary-3" and rows[1]["reason"] == "late"
    assert ok("requests", "list", "-f", "xlsx").stdout  # a spreadsheet, bytes on stdout
    assert ok("requests", "list", "-s", "withdrawn").stdout == "No request to speak.\n"


def test_lists_close_at_sets_a_deadline_for_requests(hlm: Path, isolated: Path) -> None:
    from hlmctl.meeting import load_meeting

    done = ok("--now", NOW, "lists", "close", "plenary", "--at", "2013-05-12T18:00")
    assert "taken until 18:00 on 12 May 2013; the list stays open" in done.stdout
    rows = {r["id"]: r for r in ok("lists", "--format", "json").json()}
    assert rows["plenary"]["state"] == "open"
    assert rows["plenary"]["requests_close_at"] == "2013-05-12T18:00:00-04:00"
    assert rows["panel-1"]["requests_close_at"] is None
    assert rows["plenary"]["requests"] == "secretariat"
    text = ok("lists", "--format", "text").stdout
    assert "plenary: requests to speak are taken until 18:00 on 13 May." not in text
    assert "plenary: requests to speak are taken until 18:00 on 12 May." in text
    ok("--now", NOW, "speakers", "add", "Chile")  # the list itself is open
    refused(isolated, "--now", NOW, "lists", "close", "plenary", "--at", "2013-05-12T18:00", code=3)
    refused(isolated, "--now", NOW, "lists", "close", "plenary", "--at", "2013-05-10T08:00")
    refused(isolated, "--now", NOW, "lists", "close", "plenary", "--at", "soon")
    # The domain's view at and after the deadline.
    from hlmctl import requests as rq
    from hlmctl.context import Env

    store = Env().store(write=False)
    meeting = load_meeting(hlm)
    record = store.read_record(store.load_meeting())
    deadline = datetime.fromisoformat("2013-05-12T18:00").replace(tzinfo=meeting.tz)
    assert rq.open_for_requests(meeting, record, "plenary", deadline) is not None
    assert rq.open_for_requests(meeting, record, "panel-1", deadline) is None
    ok("--now", LATER, "lists", "reopen", "plenary")  # clears the deadline
    assert ok("lists", "--format", "json").json()[0]["requests_close_at"] is None
    refused(isolated, "--now", LATER, "lists", "reopen", "plenary", code=3)
    ok("--now", LATER, "lists", "close", "plenary")
    at = ("--at", "2013-05-12T18:00")
    refused(isolated, "--now", LATER, "lists", "close", "plenary", *at, code=3)


def desk_request(delegation: str, list_id: str, at: str, **fields: Any) -> str:
    """A request made as the desk makes it: an invitation, then the domain's submit in
    one store.change, logged with the delegation as the operator."""
    from hlmctl import invites
    from hlmctl import requests as rq
    from hlmctl.clock import Clock
    from hlmctl.context import Env

    store = Env().store(write=True)
    meeting = store.load_meeting()
    now = datetime.fromisoformat(at).replace(tzinfo=meeting.tz)
    _, (invite, secret) = store.change(
        meeting,
        lambda record, t: invites.issue_invite(
            meeting, record, delegation, t, operator="desk officer"
        ),
        clock=Clock(meeting.tz, now),
        operator="desk officer",
        command="desk invite",
        describe=lambda r: invites.describe_invite(r[0]),
    )

    def apply(record: Any, t: datetime) -> Any:
        found = invites.invite_for_secret(record, secret, t)
        assert found is not None
        return rq.submit(meeting, record, found, rq.Draft(list_id, **fields), t)

    _, request = store.change(
        meeting,
        apply,
        clock=Clock(meeting.tz, now),
        operator=f"{invite.delegation} (desk)",
        command="desk request",
        describe=rq.describe_request,
        host="192.0.2.7",
    )
    return str(request.id)


def test_a_desk_request_accepted_by_the_secretariat(hlm: Path, isolated: Path) -> None:
    rid = desk_request("Brazil", "plenary", NOW, level="minister", preferences=["plenary-2"])
    assert rid == "R1"
    entry = ok("log", "--format", "json").json()[-1]
    assert (entry["operator"], entry["command"], entry["change"]) == (
        "Brazil (desk)",
        "desk request",
        "R1 Brazil requested to speak in plenary; preferences plenary-2",
    )
    assert listed()[0]["invite"] == "I1"
    ok("--now", LATER, "requests", "accept", "R1")
    assert listed()[0]["speaker"] == "S1"
    # Undo: the decision (the operator's), then the request only on purpose (--of).
    ok("--now", LATER, "undo")
    refused(isolated, "--now", LATER, "undo")
    ok("--now", LATER, "undo", "--of", "Brazil (desk)")
    assert listed() == []


def test_requests_auto_accepts_at_once(hlm: Path, isolated: Path) -> None:
    text = hlm.read_text(encoding="utf-8")
    marker = 'id = "panel-1"\n'
    assert text.count(marker) == 2  # the list, then the meeting
    hlm.write_text(text.replace(marker, marker + 'requests = "auto"\n', 1), encoding="utf-8")
    assert ok("validate").exit_code == 0
    assert [r["requests"] for r in ok("lists", "--format", "json").json()] == [
        "secretariat",
        "auto",
        "secretariat",
    ]
    assert "panel-1: requests to speak are accepted at once" in ok("lists", "-f", "text").stdout
    desk_request("Kenya", "panel-1", NOW, name="A. Person")
    row = listed()[0]
    assert (row["status"], row["speaker"], row["decided_by"]) == (
        "accepted",
        "S1",
        "auto (requests = auto)",
    )
    assert (
        ok("log", "--format", "json")
        .json()[-1]["change"]
        .endswith("; accepted at once as S1 (requests = auto)")
    )
    speakers = ok("speakers", "list", "-l", "panel-1", "-f", "json").json()
    assert [(s["delegation"], s["name"]) for s in speakers] == [("Kenya", "A. Person")]
    # Imported requests stay pending: the Secretariat decides them.
    ok("--now", NOW, "requests", "import", "-", input=as_csv({**KENYA, "delegation": "Peru"}))
    assert listed()[-1]["status"] == "pending"


def test_a_bad_requests_mode_in_the_meeting_file_is_refused(hlm: Path, isolated: Path) -> None:
    text = hlm.read_text(encoding="utf-8")
    marker = 'id = "panel-1"\n'
    hlm.write_text(text.replace(marker, marker + 'requests = "maybe"\n', 1), encoding="utf-8")
    result = run("validate")
    assert result.exit_code == 2 and "requests" in result.stderr


def test_completion_offers_pending_requests_and_live_invitations(hlm: Path) -> None:
    from test_complete import complete

    ok("--now", NOW, "requests", "import", "-", input=as_csv(BRAZIL, KENYA))
    ok("--now", LATER, "requests", "decline", "R1", "--reason", "late")
    assert complete("requests accept R", hlm.parent) == ["R2"]
    for name in ("Chile", "Peru"):
        ok("--now", LATER, "desk", "invite", name)
    ok("--now", LATER, "desk", "revoke", "I1")
    assert complete("desk revoke I", hlm.parent) == ["I2"]


def test_a_note_on_several_lines_is_listed_as_lines(hlm: Path, isolated: Path) -> None:
    """A note with line breaks (as typed in the desk's textarea, or in a CSV cell):
    joined with " / " in text and table, kept as is in JSON and CSV."""
    note = "Arrives on 14 May\r\nHead of State"
    ok("--now", NOW, "requests", "import", "-", input=as_csv({**BRAZIL, "note": note}))
    assert listed()[0]["note"] == "Arrives on 14 May\nHead of State"
    text = ok("requests", "list").stdout.splitlines()
    assert len(text) == 1 and text[0].endswith("Arrives on 14 May / Head of State")
    table = run("requests", "list", "-f", "table", env={"COLUMNS": "300"}).stdout
    assert "Arrives on 14 May / Head of State" in table
    rows = list(csv.DictReader(io.StringIO(ok("requests", "list", "-f", "csv").stdout)))
    assert rows[0]["note"] == "Arrives on 14 May\nHead of State"


def test_operators_accepting_one_request_at_once_exactly_one_wins(
    hlm: Path, isolated: Path
) -> None:
    from conftest import hlmctl_process

    (isolated / "one.csv").write_text("delegation,list\nBrazil,plenary\n", encoding="utf-8")
    imported = run("--now", NOW, "requests", "import", "one.csv")
    assert imported.exit_code == 0, imported.stderr
    accepting = [
        hlmctl_process(
            "--now",
            LATER,
            "requests",
            "accept",
            "R1",
            cwd=isolated,
            env={"HLMCTL_OPERATOR": f"officer {n}"},
        )
        for n in range(4)
    ]
    ended = [(p.wait(timeout=120), p.communicate()[1].decode()) for p in accepting]
    assert sorted(code for code, _ in ended) == [0, 3, 3, 3], ended
    assert all("accepted already" in err for code, err in ended if code == 3), ended
    speakers = run("speakers", "list", "--format", "json").json()
    assert [s["delegation"] for s in speakers] == ["Brazil"]
    log = run("log", "--format", "json").json()
    assert [e["command"] for e in log].count("requests accept") == 1


def test_import_limits_say_requests_and_a_false_spreadsheet_is_refused(
    hlm: Path, isolated: Path
) -> None:
    from hlmctl.csvio import MAX_ROWS

    many = "delegation,list\n" + "Peru,plenary\n" * (MAX_ROWS + 1)
    stderr = refused(isolated, "--now", NOW, "requests", "import", "-", input=many)
    assert f"more than {MAX_ROWS:,} requests" in stderr and "speakers" not in stderr
    (isolated / "export.xlsx").write_text(as_csv(BRAZIL), encoding="utf-8")
    stderr = refused(isolated, "--now", NOW, "requests", "import", "export.xlsx")
    assert stderr.startswith("hlmctl: export.xlsx: not a spreadsheet (.xlsx)"), stderr
    assert "found:" not in stderr


def test_accepting_a_request_on_a_closed_list_is_bad_input_as_speakers_add(
    hlm: Path, isolated: Path
) -> None:
    ok("--now", NOW, "requests", "import", "-", input=as_csv(BRAZIL))
    ok("--now", LATER, "lists", "close", "plenary")
    stderr = refused(isolated, "--now", LATER, "requests", "accept", "R1", code=2)
    added = run("--now", LATER, "speakers", "add", "Kenya")
    assert added.exit_code == 2, added.stderr
    assert "closed" in stderr
    # An import into the closed list: its rows refused as speakers add refuses, exit 2.
    stderr = refused(
        isolated,
        "--now",
        LATER,
        "requests",
        "import",
        "-",
        input=as_csv(KENYA | {"list": "plenary"}),
    )
    assert "closed" in stderr
    assert [r["status"] for r in listed()] == ["pending"]

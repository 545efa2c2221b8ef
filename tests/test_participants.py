"""The President's lists of participants (modalities paragraphs 8 and 9) and the
non-objection procedure, through the CLI on both stores, with the one clock."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from conftest import hlmctl_process, record_bytes, run

pytestmark = pytest.mark.both_stores

PROPOSED = "2013-04-20T10:00"
CIRCULATED = "2013-04-22T09:00"
DEADLINE = "2013-04-30T18:00"
BEFORE_DEADLINE = "2013-04-30T17:59"
AFTER_DEADLINE = "2013-04-30T18:00"  # the deadline itself: the list is final
LATER = "2013-05-02T09:00"
LIST9 = "other-stakeholders"

# Twelve organizations proposed under paragraph 9, from every regional group but one
# country left out (the last two have none).
TWELVE = [
    ("La Strada International", "civil-society", "Netherlands"),
    ("Polaris Project", "ngo", "United States"),
    ("Walk Free Foundation", "civil-society", "Australia"),
    ("Fundación Esperanza", "ngo", "Colombia"),
    ("Kenya Human Rights Institute", "academic", "Kenya"),
    ("Nigerian Women Trust Fund", "ngo", "Nigeria"),
    ("Shakti Vahini", "ngo", "India"),
    ("Stop Traffick Romania", "ngo", "Romania"),
    ("Thomson Reuters Foundation", "media", "United Kingdom"),
    ("Tech Against Trafficking", "private-sector", "Japan"),
    ("Global Alliance Against Traffic in Women", "ngo", ""),
    ("Anti-Slavery International", "ngo", ""),
]


def ok(*args: str, input: str | None = None) -> Any:
    result = run(*args, input=input)
    assert result.exit_code == 0, (args, result.stderr)
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


def twelve_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["organization", "kind", "country", "representatives"])
    for n, (name, kind, country) in enumerate(TWELVE, start=1):
        writer.writerow([name, kind, country, f"Person {n}; Director; Ms." if n % 2 else ""])
    return out.getvalue()


def listed(now: str, list_id: str = "other-stakeholders") -> dict[str, Any]:
    data = ok("--now", now, "participants", "list", "--list", list_id, "--format", "json").json()
    assert [item["id"] for item in data["lists"]] == [list_id]
    return dict(data["lists"][0])


def states(now: str) -> dict[str, str]:
    return {p["organization"]: p["state"] for p in listed(now)["participants"]}


def propose(organization: str) -> Any:
    """``organization`` proposed for the list under paragraph 9, at PROPOSED."""
    return ok("--now", PROPOSED, "participants", "add", organization, "--list", LIST9)


def circulate() -> Any:
    """The list under paragraph 9 circulated at CIRCULATED, objections due by DEADLINE."""
    return ok("--now", CIRCULATED, "participants", "circulate", LIST9, "--deadline", DEADLINE)


@pytest.fixture
def twelve_circulated(hlm: Path, isolated: Path) -> Path:
    """The twelve organizations proposed under paragraph 9 (one import), circulated."""
    ok("--now", PROPOSED, "participants", "import", "-", "--list", LIST9, input=twelve_csv())
    assert set(states(PROPOSED).values()) == {"proposed"}
    circulate()
    return isolated


def test_the_scripted_procedure_on_hlm_2013(twelve_circulated: Path) -> None:
    """Done when: 12 proposed under para. 9, circulated with a deadline, 2 objected,
    1 objection withdrawn: 11 approved; the French final list; the report's balance."""
    assert set(states(CIRCULATED).values()) == {"circulated"}
    ok(
        "--now",
        "2013-04-23T10:00",
        "participants",
        "object",
        "Shakti Vahini",
        "--by",
        "France",
        "--note",
        "letter of 23 April",
    )
    ok("--now", "2013-04-24T10:00", "participants", "object", "P4", "--by", "Brazil")
    ok(
        "--now",
        "2013-04-25T10:00",
        "participants",
        "object",
        "Fundacion Esperanza",
        "--by",
        "brazil",
        "--withdraw",
    )
    before = states(BEFORE_DEADLINE)
    assert before.pop("Shakti Vahini") == "objected"
    assert set(before.values()) == {"circulated"}
    after = states(AFTER_DEADLINE)
    assert after.pop("Shakti Vahini") == "objected"
    assert list(after.values()) == ["approved"] * 11
    data = listed(AFTER_DEADLINE)
    assert data["status"] == "final"
    assert sum(data["balance"]["by_regional_group"].values()) == 11
    assert data["balance"]["missing_groups"] == []

    french = ok("--now", LATER, "participants", "publish", "--lang", "fr").stdout
    assert "Liste définitive portée à l'attention de l'Assemblée générale" in french
    assert "Shakti Vahini" not in french
    assert "France" not in french  # objecting States are counted, not named (the default)
    assert "1\u00a0organisation proposée a fait l'objet d'une objection" in french
    numbered = [line for line in french.splitlines() if line[:5].strip().rstrip(".").isdigit()]
    assert len(numbered) == 11  # the ecosoc-ngos list, also final, has none
    assert "Pays-Bas" in french  # the country in French
    # After the country's semicolon the kind goes on in lower case, an acronym as is.
    kinds = [
        line.split("(", 1)[1].split(")")[0].split("\u00a0; ", 1)[1]
        for line in numbered
        if "\u00a0; " in line.split("(", 1)[1].split(")")[0]
    ]
    assert kinds and all(k[:3] == "ONG" or k[:1].islower() for k in kinds), kinds

    report = ok("--now", LATER, "report", "--format", "json").json()
    stakeholders = next(p for p in report["participants"] if p["list"] == "other-stakeholders")
    assert stakeholders["status"] == "final"
    assert stakeholders["by_regional_group"]["western-european-and-other"] == 4
    assert stakeholders["by_regional_group"]["none"] == 2
    assert stakeholders["by_kind"]["ngo"] == 6
    text = ok("--now", LATER, "report", "--format", "text", "--lang", "en").stdout
    assert "(paragraph 9): balance of the list." in text


def test_lists_without_the_procedure_are_final_as_drawn_up(hlm: Path, isolated: Path) -> None:
    """Paragraph 8's list is not submitted to Member States: approved at once."""
    added = ok(
        "--now",
        PROPOSED,
        "participants",
        "add",
        "CATW",
        "--list",
        "ecosoc-ngos",
        "--ecosoc-status",
        "special",
    )
    assert "(approved)" in added.stdout
    entry = listed(PROPOSED, "ecosoc-ngos")["participants"][0]
    assert (entry["kind"], entry["ecosoc_status"], entry["state"]) == (
        "ecosoc-ngo",
        "special",
        "approved",
    )
    refused(
        isolated,
        "--now",
        PROPOSED,
        "participants",
        "circulate",
        "ecosoc-ngos",
        "--deadline",
        DEADLINE,
    )
    refused(
        isolated,
        "--now",
        PROPOSED,
        "participants",
        "add",
        "Acme",
        "--list",
        "ecosoc-ngos",
        "--kind",
        "private-sector",
    )
    published = ok("--now", PROPOSED, "participants", "publish", "--list", "ecosoc-ngos")
    assert "1. CATW (NGO in consultative status with ECOSOC, special" in published.stdout


def test_objections_are_for_member_states_before_the_deadline(hlm: Path, isolated: Path) -> None:
    org = ("participants", "object", "Polaris Project")
    refused(
        isolated,
        "--now",
        PROPOSED,
        "participants",
        "add",
        "Polaris Project",
        "--list",
        "other-stakeholders",
        "--country",
        "Narnia",
    )
    propose("Polaris Project")
    # Nothing to object to before the list is circulated.
    assert "not been circulated" in refused(isolated, "--now", PROPOSED, *org, "--by", "Chile")
    circulate()
    for who in ("Holy See", "State of Palestine", "European Union"):
        message = refused(isolated, "--now", CIRCULATED, *org, "--by", who)
        assert "is not a Member State: only Member States may object" in message
    assert "only Member States" in refused(isolated, "--now", CIRCULATED, *org, "--by", "UNODC")
    ok("--now", CIRCULATED, *org, "--by", "Chile")
    assert "already objected" in refused(isolated, "--now", CIRCULATED, *org, "--by", "chile")
    assert "no objection" in refused(
        isolated, "--now", CIRCULATED, *org, "--by", "Peru", "--withdraw"
    )
    # One minute before the deadline, the clock lets a withdrawal in; at it, nothing.
    ok("--now", BEFORE_DEADLINE, *org, "--by", "Chile", "--withdraw")
    message = refused(isolated, "--now", AFTER_DEADLINE, *org, "--by", "Peru")
    assert "passed at 2013-04-30 18:00: the list is final" in message
    refused(isolated, "--now", AFTER_DEADLINE, *org, "--by", "Chile")
    # A clock earlier than the record is refused as for every change.
    refused(isolated, "--now", PROPOSED, *org, "--by", "Peru")
    assert states(AFTER_DEADLINE) == {"Polaris Project": "approved"}
    # With a time zone: 21:59 in UTC is 17:59 in New York, before the deadline.
    assert listed("2013-04-30T21:59:00+00:00")["status"] == "circulated"
    assert listed("2013-04-30T22:00:00+00:00")["status"] == "final"


def test_a_deadline_given_as_a_date_is_the_end_of_that_day(hlm: Path, isolated: Path) -> None:
    """`--deadline 2013-04-30` admits an objection received on 30 April: it is
    23:59:59 that day in the venue's time zone, not its first second."""
    ok("--now", PROPOSED, "participants", "add", "Walk Free", "--list", LIST9)
    ok("--now", CIRCULATED, "participants", "circulate", LIST9, "--deadline", "2013-04-30")
    assert listed(CIRCULATED)["deadline"] == "2013-04-30T23:59:59-04:00"
    ok("--now", "2013-04-30T23:59:58", "participants", "object", "Walk Free", "--by", "Chile")
    message = refused(
        isolated, "--now", "2013-04-30T23:59:59", "participants", "object", "Walk Free",
        "--by", "Peru",
    )  # fmt: skip
    assert "passed at 2013-04-30 23:59: the list is final" in message


def test_a_deadline_that_is_not_a_date_is_refused(hlm: Path, isolated: Path) -> None:
    ok("--now", PROPOSED, "participants", "add", "Walk Free", "--list", LIST9)
    for bad in ("2013-02-30", "2013-04-31", "1900-04-30"):
        message = refused(
            isolated, "--now", CIRCULATED, "participants", "circulate", LIST9, "--deadline", bad
        )
        assert message.startswith("hlmctl: --deadline: ") and bad in message


def test_the_circulated_list_is_frozen(hlm: Path, isolated: Path) -> None:
    propose("Walk Free")
    propose("Polaris")
    ok("--now", PROPOSED, "participants", "remove", "Polaris")
    refused(
        isolated,
        "--now",
        PROPOSED,
        "participants",
        "circulate",
        "other-stakeholders",
        "--deadline",
        PROPOSED,
    )  # a deadline not after the clock
    cover = circulate().stdout
    assert "for their consideration on a non-objection basis" in cover
    assert "Any objection should reach the Office of the President by Tuesday 30 April" in cover
    assert "1. Walk Free" in cover and "Polaris" not in cover
    for args in (
        ("add", "Other", "--list", "other-stakeholders"),
        ("edit", "Walk Free", "--country", "Australia"),
    ):
        assert "frozen as circulated" in refused(
            isolated, "--now", CIRCULATED, "participants", *args
        )
    assert "already circulated" in refused(
        isolated,
        "--now",
        CIRCULATED,
        "participants",
        "circulate",
        "other-stakeholders",
        "--deadline",
        LATER,
    )
    assert "not final until" in refused(
        isolated, "--now", CIRCULATED, "participants", "publish", "--list", "other-stakeholders"
    )
    again = ok("--now", LATER, "participants", "publish", "--circulated", "--lang", "fr")
    assert "a l'honneur de soumettre" in again.stdout
    assert "30\u00a0avril 2013" in again.stdout or "30 avril 2013" in again.stdout


def test_every_change_is_logged_and_undone(hlm: Path, isolated: Path) -> None:
    empty = record_bytes(isolated)
    ok(
        "--now",
        PROPOSED,
        "participants",
        "add",
        "Walk Free",
        "--list",
        "other-stakeholders",
        "--representative",
        "Ms. Jane Doe",
    )
    added = record_bytes(isolated)
    ok(
        "--now",
        PROPOSED,
        "participants",
        "edit",
        "P1",
        "--representative",
        "Jane Doe; Director; Ms.",
        "--french-name",
        "Marche libre",
    )
    entry = listed(PROPOSED)["participants"][0]
    assert entry["representatives"] == [
        {"courtesy": "Ms.", "name": "Jane Doe", "title": "Director"}
    ]
    assert entry["organization_fr"] == "Marche libre"
    assert refused(
        isolated,
        "--now",
        PROPOSED,
        "participants",
        "edit",
        "P1",
        "--french-name",
        "Marche libre",
        code=3,
    )
    circulate()
    ok("--now", CIRCULATED, "participants", "object", "marche libre", "--by", "Chile")
    log = ok("log", "--format", "json").json()
    assert [e["command"] for e in log] == [
        "participants add",
        "participants edit",
        "participants circulate",
        "participants object",
    ]
    assert log[-1]["change"] == "Chile objected to P1 Walk Free"
    for _ in range(3):
        ok("undo")
    assert record_bytes(isolated) == added
    ok("undo")
    assert record_bytes(isolated) == empty


HOSTILE = [
    ("Evil\u202eOrg", "character"),
    ("Line\nbreak", "character"),
    ("x" * 5000, "too long"),
]


@pytest.mark.parametrize(("name", "says"), HOSTILE, ids=["bidi", "newline", "long"])
def test_hostile_names_are_refused(hlm: Path, isolated: Path, name: str, says: str) -> None:
    propose("Walk Free")
    assert says in refused(isolated, "--now", PROPOSED, "participants", "add", name)
    assert says in refused(
        isolated, "--now", PROPOSED, "participants", "add", "Org", "--representative", name
    )
    refused(isolated, "--now", PROPOSED, "participants", "remove", name)
    circulate()
    refused(isolated, "--now", CIRCULATED, "participants", "object", "P1", "--by", name)


def test_markup_and_formulas_stay_text(hlm: Path, isolated: Path) -> None:
    markup = "[bold]Org[/bold] <script>alert(1)</script>"
    ok("--now", PROPOSED, "participants", "add", markup, "--list", "ecosoc-ngos")
    ok("--now", PROPOSED, "participants", "add", "=HYPERLINK(1)", "--list", "ecosoc-ngos")
    assert markup in ok("participants", "list", "--format", "text").stdout
    page = ok("participants", "publish", "--list", "ecosoc-ngos", "--format", "html").stdout
    assert "<script>" not in page and "&lt;script&gt;" in page
    rows = list(csv.DictReader(io.StringIO(ok("participants", "list", "--format", "csv").stdout)))
    assert [r["organization"] for r in rows] == [markup, "'=HYPERLINK(1)"]
    # What the CSV says imports back as it was, into an empty list.
    back = "organization,kind\n'=HYPERLINK(1),ngo\n"
    ok("--now", PROPOSED, "participants", "import", "-", "--list", "other-stakeholders", input=back)
    assert [p["organization"] for p in listed(PROPOSED)["participants"]] == ["=HYPERLINK(1)"]


def test_imports_are_all_or_nothing(hlm: Path, isolated: Path) -> None:
    bad_rows = [
        "organization,kind\nGood Org,ngo\nBad Org,spaceship\n",
        "organization,country\nGood Org,Chile\nBad Org,Atlantis\n",
        "organization,list\nGood Org,other-stakeholders\nBad Org,nowhere\n",
        "organization,kind\nGood Org,ngo\ngood org,ngo\n",  # twice on one list
        "organization,colour\nGood Org,red\n",
        "name,kind\nGood Org,ngo\n",
        "organization,kind\nGood Org,ngo,extra\n",
        "",
    ]
    for text in bad_rows:
        message = refused(
            isolated,
            "--now",
            PROPOSED,
            "participants",
            "import",
            "-",
            "--list",
            "other-stakeholders",
            input=text,
        )
        assert "stdin" in message, message
    (isolated / "orgs.csv").write_bytes(b"\xef\xbb\xbf" + twelve_csv().encode("utf-8"))
    done = ok("--now", PROPOSED, "participants", "import", "orgs.csv", "-l", "other-stakeholders")
    assert "imported 12 organizations (P1-P12)" in done.stdout
    first = listed(PROPOSED)["participants"][0]
    assert first["country"] == "Netherlands (Kingdom of the)"
    assert first["regional_group"] == "western-european-and-other"
    assert first["representatives"][0] == {
        "courtesy": "Ms.",
        "name": "Person 1",
        "title": "Director",
    }


def test_an_ngo_speaks_from_an_approved_list(hlm: Path, isolated: Path) -> None:
    """Done when: `speakers add "Some NGO" --category ngo --list panel-1` is refused for
    an organization on no approved list, and accepted for an approved one."""
    panel = ("speakers", "add", "--category", "ngo", "--list", "panel-1")
    message = refused(isolated, "--now", PROPOSED, *panel, "Some NGO")
    assert "ecosoc-ngos (para. 8), other-stakeholders (para. 9)" in message
    propose("Some NGO")
    refused(isolated, "--now", PROPOSED, *panel, "Some NGO")  # proposed is not approved
    circulate()
    refused(isolated, "--now", CIRCULATED, *panel, "Some NGO")  # nor circulated
    # Approved once the deadline passes: inscribed as the list spells it.
    added = ok("--now", AFTER_DEADLINE, *panel, "some ngo")
    assert "Some NGO inscribed in panel-1" in added.stdout
    # The ECOSOC list is approved as drawn up; its French name is a name of it too.
    ok(
        "--now",
        AFTER_DEADLINE,
        "participants",
        "add",
        "Coalition Against Trafficking in Women",
        "--list",
        "ecosoc-ngos",
        "--french-name",
        "Coalition contre la traite des femmes",
    )
    ok("--now", AFTER_DEADLINE, *panel, "Coalition contre la traite des femmes")
    # --force inscribes anyone, and the log says so; the plenary has no such rule.
    forced = run("--now", AFTER_DEADLINE, *panel, "Unlisted NGO", "--force")
    assert forced.exit_code == 0, forced.stderr
    assert "forced: on no approved list" in forced.stderr
    ok("--now", AFTER_DEADLINE, "speakers", "add", "Plenary NGO", "--category", "ngo")
    changes = [e["change"] for e in ok("log", "--format", "json").json()]
    assert "forced: on no approved list" in changes[-2]
    assert "forced" not in changes[-1]
    names = [s["delegation"] for s in ok("speakers", "list", "-l", "panel-1", "-f", "json").json()]
    assert names == ["Some NGO", "Coalition Against Trafficking in Women", "Unlisted NGO"]


def test_an_edit_to_category_ngo_follows_the_approved_lists(hlm: Path, isolated: Path) -> None:
    """`speakers edit --category ngo` is the same claim as an inscription with it: in a
    list the participant lists govern, refused for an organization on none (the record
    left as it was), accepted with --force and logged as forced."""
    panel = ("--list", "panel-1")
    ok("--now", PROPOSED, "speakers", "add", "Fake Org", "--category", "other", *panel)
    message = refused(isolated, "--now", PROPOSED, "speakers", "edit", "S1", "--category", "ngo")
    assert "'Fake Org' is on no approved list of participants" in message
    forced = ok("--now", PROPOSED, "speakers", "edit", "S1", "--category", "ngo", "--force")
    assert "category other -> ngo" in forced.stdout
    change = ok("log", "--format", "json").json()[-1]["change"]
    assert change.endswith("(forced: on no approved list of participants: ecosoc-ngos, "
                           "other-stakeholders)"), change  # fmt: skip


def test_objecting_states_are_named_when_the_meeting_file_says_so(
    hlm: Path, isolated: Path
) -> None:
    text = hlm.read_text(encoding="utf-8")
    hlm.write_text(text.replace("name_objectors = false", "name_objectors = true"), "utf-8")
    propose("Walk Free")
    propose("Polaris")
    circulate()
    ok("--now", CIRCULATED, "participants", "object", "Walk Free", "--by", "Belarus")
    english = ok("--now", LATER, "participants", "publish", "--format", "markdown").stdout
    assert "Objections were received from: Belarus." in english
    french = ok("--now", LATER, "participants", "publish", "--lang", "fr").stdout
    assert "Bélarus" in french


def test_meeting_file_rules(hlm: Path, isolated: Path) -> None:
    message = refused(isolated, "--now", PROPOSED, "participants", "list", "--list", "nowhere")
    assert "(this meeting has: ecosoc-ngos, other-stakeholders)" in message
    text = hlm.read_text(encoding="utf-8")
    broken = text.replace(
        'speaker_lists = ["panel-1", "panel-2"]\n\n', 'speaker_lists = ["panel-9"]\n\n'
    )
    hlm.write_text(broken, "utf-8")
    result = run("validate")
    assert result.exit_code == 2
    assert "participant_lists[0].speaker_lists: no list 'panel-9'" in result.stdout + result.stderr


def test_states_follow_the_clock() -> None:
    """The domain: an entry's state from the record and the clock alone."""
    from hlmctl import participants
    from hlmctl.meeting import load_meeting
    from hlmctl.record import empty_record

    meeting = load_meeting(Path(__file__).parent.parent / "data/examples/hlm-2013.toml")
    tz = meeting.tz
    record = empty_record(meeting.meeting.id)
    t0 = datetime(2013, 4, 20, 10, tzinfo=tz)
    proposal = participants.Proposal(organization="Org", list_id="other-stakeholders")
    entry = participants.add(meeting, record, proposal, t0)
    assert participants.state_of(meeting, record, entry, t0) == "proposed"
    deadline = datetime(2013, 4, 30, 18, tzinfo=tz)
    participants.circulate(meeting, record, "other-stakeholders", deadline, t0)
    assert participants.state_of(meeting, record, entry, t0) == "circulated"
    assert participants.state_of(meeting, record, entry, deadline) == "approved"
    participants.object_to(meeting, record, entry, "Chile", t0)
    assert participants.state_of(meeting, record, entry, deadline) == "objected"
    participants.remove(record, entry, deadline)
    assert participants.state_of(meeting, record, entry, deadline) == "withdrawn"
    rep = participants.parse_representative(" Jane Doe ;  ; Dr. ")
    assert (rep.name, rep.title, rep.courtesy) == ("Jane Doe", None, "Dr.")


def test_the_listing_shows_the_balance_in_every_format(
    hlm: Path, isolated: Path, twelve_circulated: Path
) -> None:
    ok("--now", CIRCULATED, "participants", "object", "Shakti Vahini", "--by", "France")
    table = ok(
        "--now", CIRCULATED, "participants", "list", "-l", "other-stakeholders", "--format", "table"
    ).stdout
    assert "Shakti Vahini" in table and "France" in table  # the operator sees who objected
    assert "By regional group: African States: 2; Asia-Pacific States: 2;" in table
    french = ok("--now", AFTER_DEADLINE, "participants", "list", "--lang", "fr").stdout
    assert "Définitive\u00a0: le délai pour formuler des objections a expiré" in french
    assert "Par groupe régional\u00a0: " in french
    # Once final, an objected organization is not counted in the balance.
    final = listed(AFTER_DEADLINE)["balance"]["by_regional_group"]
    assert final["asia-pacific"] == 1
    rows = list(csv.DictReader(io.StringIO(ok("participants", "list", "-f", "csv").stdout)))
    assert len(rows) == 12 and rows[0]["representatives"] == "Person 1;Director;Ms."
    # The listing imports back into another meeting, every row proposed afresh.
    exported = ok("participants", "list", "-f", "csv").stdout
    other = isolated / "other"
    other.mkdir()
    (other / "meeting.toml").write_bytes(hlm.read_bytes().replace(b"hlm-2013", b"hlm-copy"))
    back = run(
        "--meeting",
        str(other / "meeting.toml"),
        "--now",
        PROPOSED,
        "participants",
        "import",
        "-",
        input=exported,
    )
    assert back.exit_code == 0, back.stderr
    again = run("--meeting", str(other / "meeting.toml"), "participants", "list", "-f", "csv")
    assert [r["organization"] for r in csv.DictReader(io.StringIO(again.stdout))] == [
        r["organization"] for r in rows
    ]


def test_objections_from_two_desks_at_once_are_both_recorded(
    hlm: Path, isolated: Path, twelve_circulated: Path
) -> None:
    """Real processes: two desks record objections of two States at the same moment;
    the store's lock serializes them, neither is lost."""
    desks = [
        hlmctl_process(
            "--now",
            BEFORE_DEADLINE,
            "participants",
            "object",
            "Polaris Project",
            "--by",
            state,
            cwd=isolated,
        )
        for state in ("Chile", "Kenya")
    ]
    for proc in desks:
        _out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err.decode()
    entry = next(p for p in listed(BEFORE_DEADLINE)["participants"] if p["id"] == "P2")
    assert sorted(o["by"] for o in entry["objections"]) == ["Chile", "Kenya"]
    log = ok("log", "--format", "json").json()
    assert sorted(e["change"] for e in log[-2:]) == [
        "Chile objected to P2 Polaris Project",
        "Kenya objected to P2 Polaris Project",
    ]


def test_the_final_list_prints_to_pdf_in_french(
    hlm: Path, isolated: Path, twelve_circulated: Path
) -> None:
    """publish --format pdf: the final list's printable page, printed by Chromium."""
    import subprocess

    from test_journal_print import SHOTS, _tools

    _tools()
    proc = hlmctl_process(
        "--now", LATER, "participants", "publish", "--lang", "fr", "--format", "pdf", cwd=isolated
    )
    out, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err.decode()
    assert out.startswith(b"%PDF-")
    path = isolated / "participants-fr.pdf"
    path.write_bytes(out)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Liste définitive portée à l'attention de l'Assemblée générale" in " ".join(text.split())
    assert "Walk Free" in text or "Fundacion Esperanza" in text
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("participants-fr-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(path), str(SHOTS / "participants-fr")], check=True
    )
    assert sorted(SHOTS.glob("participants-fr-*.png"))


def test_the_journal_and_the_script_name_an_ngo_as_its_list_spells_it(
    hlm: Path, isolated: Path
) -> None:
    """Issue 22 point 4: in French, an approved organization's French name from its
    list; in English its English name as the list spells it; no French name on the
    list: the English name, marked so in French."""
    at = ("--now", PROPOSED)
    ok(
        *at,
        "participants",
        "add",
        "Coalition Against Trafficking in Women",
        "--list",
        "ecosoc-ngos",
        "--french-name",
        "Coalition contre la traite des femmes",
    )
    ok(*at, "participants", "add", "Polaris Project", "--list", "ecosoc-ngos")
    panel = ("speakers", "add", "--category", "ngo", "--list", "panel-1")
    ok(*at, *panel, "coalition against trafficking in women")
    ok(*at, *panel, "Polaris Project", "--name", "Jane Doe", "--courtesy", "Ms.")
    day = ("--day", "2013-05-13")
    script_fr = ok(*at, "script", *day, "--lang", "fr").stdout
    assert (
        "Je donne maintenant la parole à l'organisation non gouvernementale Coalition "
        "contre la traite des femmes." in script_fr
    )
    assert "S1 Coalition contre la traite des femmes" in script_fr
    assert "Je donne maintenant la parole à Mme Jane Doe, de Polaris Project [en anglais" in (
        script_fr
    )
    assert "Coalition Against" not in script_fr
    journal_fr = ok(*at, "journal", *day, "--lang", "fr").stdout
    assert "1. Coalition contre la traite des femmes\n" in journal_fr
    assert "2. Mme Jane Doe, Polaris Project [en anglais seulement]" in journal_fr
    script_en = ok(*at, "script", *day).stdout
    assert (
        "I now give the floor to the non-governmental organization Coalition Against "
        "Trafficking in Women." in script_en
    )
    assert "Coalition contre" not in script_en + ok(*at, "journal", *day).stdout
    # Withdrawn from the list, the organization is no longer named by it.
    ok(*at, "participants", "remove", "Coalition Against Trafficking in Women")
    again = ok(*at, "script", *day, "--lang", "fr").stdout
    assert "Coalition contre la traite des femmes" not in again


def test_listed_names_in_the_spoken_module() -> None:
    from hlmctl import spoken

    names = spoken.listed([("Walk Free Foundation", "Fondation Walk Free"), ("Acme", None)])
    found = spoken.participant("walk free foundation", listed=names)
    assert (found.label(True), found.label(False), found.listed) == (
        "Fondation Walk Free",
        "Walk Free Foundation",
        True,
    )
    assert spoken.participant("Fondation walk free", listed=names) == found
    acme = spoken.participant("ACME", listed=names)
    assert (acme.known, acme.listed, acme.label(True)) == (False, True, "Acme")
    # A list without a French name does not hide the reference data's.
    unicef = spoken.participant("UNICEF", listed=spoken.listed([("UNICEF", None)]))
    assert unicef.known and not unicef.listed
    assert not spoken.participant("Walk Free Foundation").listed


def test_validate_checks_civil_society_speakers_named_in_the_meeting_file(
    hlm: Path, isolated: Path
) -> None:
    """The opening's NGO representative and a panelist named with their organization
    in the meeting file: `validate` notes each one no list approves (still exit 0:
    approval follows the clock), and says nothing once they are approved."""
    text = hlm.read_text()
    item = 'speaker = "to be identified by the President of the General Assembly (para. 2, 10)"'
    last = text.rindex(item)  # the NGO representative's item, after the eminent person's
    text = text[:last] + item + '\norganization = "Polaris Project"' + text[last + len(item) :]
    panel = 'panelists = [{ role = "Panelists", note = "not named in the resolution" }]'
    text = text.replace(
        panel,
        'panelists = [{ role = "Panelist", name = "A. Person", organization = "La Strada '
        'International" }]',
        1,
    )
    hlm.write_text(text)
    checked = run("--now", PROPOSED, "validate")
    assert checked.exit_code == 0, checked.stderr
    notes = [line for line in checked.stderr.splitlines() if "hlmctl: note:" in line]
    assert notes == [
        "hlmctl: note: segment 'opening', item 5: organization 'Polaris Project' is not (yet) "
        "approved on a list of participants (ecosoc-ngos, other-stakeholders; `hlmctl "
        "participants list` shows them)",
        "hlmctl: note: segment 'panel-1', panelists: organization 'La Strada International' "
        "is not (yet) approved on a list of participants (ecosoc-ngos, other-stakeholders; "
        "`hlmctl participants list` shows them)",
    ]
    # Paragraph 8's list is approved as drawn up; paragraph 9's once its deadline passed.
    ok("--now", PROPOSED, "participants", "add", "polaris project", "--list", "ecosoc-ngos")
    ok("--now", PROPOSED, "participants", "add", "La Strada International", "--list", LIST9)
    circulate()
    before = run("--now", BEFORE_DEADLINE, "validate").stderr
    assert "'Polaris Project'" not in before and "'La Strada International'" in before
    after = run("--now", AFTER_DEADLINE, "validate")
    assert after.exit_code == 0 and "note:" not in after.stderr, after.stderr


def test_a_one_row_import_is_logged_in_the_singular(hlm: Path, isolated: Path) -> None:
    (isolated / "one.csv").write_text("organization\nWalk Free\n", encoding="utf-8")
    ok("--now", PROPOSED, "participants", "import", "one.csv", "-l", "other-stakeholders")
    (isolated / "one-speaker.csv").write_text("delegation\nMalta\n", encoding="utf-8")
    ok("--now", PROPOSED, "speakers", "import", "one-speaker.csv")
    changes = [e["change"] for e in ok("log", "--format", "json").json()]
    assert changes == ["1 organization imported (P1-P1)", "1 speaker imported (S1-S1)"]


def test_removing_an_organization_withdrawn_already_is_nothing_to_do(
    hlm: Path, isolated: Path
) -> None:
    """As `speakers remove` of a speaker withdrawn already: exit 3, nothing written."""
    propose("Walk Free")
    ok("--now", PROPOSED, "participants", "remove", "P1")
    message = refused(isolated, "--now", PROPOSED, "participants", "remove", "P1", code=3)
    assert "P1 Walk Free was already withdrawn" in message

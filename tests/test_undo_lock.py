"""`undo`, `log`, refused commands and the lock that serializes writers."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import filelock
import pytest

from conftest import hlmctl_process, record_bytes, run

# Undo and busy writers: the same on both stores (see conftest.py).
pytestmark = pytest.mark.both_stores


NOW = "2013-05-10T09:00"
CSV = "delegation,level\nQatar,head-of-state\nEgypt,vice-minister\n"


def ok(*args: str, input: str | None = None) -> None:
    result = run(*args, input=input)
    assert result.exit_code == 0, (args, result.stderr)


def three_speakers() -> None:
    ok("--now", NOW, "speakers", "add", "Belarus", "--level", "minister")
    ok("--now", NOW, "speakers", "add", "Austria")
    ok("--now", NOW, "speakers", "add", "UN Women", "--category", "un-entity")


COMMANDS: dict[str, list[str]] = {
    "add": ["--now", NOW, "speakers", "add", "Thailand", "--level", "head-of-government"],
    "remove": ["--now", NOW, "speakers", "remove", "Austria"],
    "move": ["--now", NOW, "speakers", "move", "S3", "--to", "1"],
    "swap": ["--now", NOW, "speakers", "swap", "S1", "S2"],
    "next": ["--now", "2013-05-13T10:00", "next"],
    "lists close": ["--now", "2013-05-13T10:00", "lists", "close", "plenary"],
}


@pytest.mark.parametrize("kind", sorted(COMMANDS))
def test_undo_restores_the_record_byte_for_byte(hlm: Path, isolated: Path, kind: str) -> None:
    """After each kind of change, `undo` gives back exactly the bytes of before."""
    three_speakers()
    before = record_bytes(isolated)
    ok(*COMMANDS[kind])
    assert record_bytes(isolated) != before
    undone = run("undo")
    assert undone.exit_code == 0, undone.stderr
    assert undone.stdout.startswith("undone")
    assert record_bytes(isolated) == before


def test_undo_of_an_import(hlm: Path, isolated: Path) -> None:
    three_speakers()
    before = record_bytes(isolated)
    ok("--now", NOW, "speakers", "import", "-", input=CSV)
    assert record_bytes(isolated) != before
    ok("undo")
    assert record_bytes(isolated) == before


def test_undo_of_a_pause_keeps_the_call(hlm: Path, isolated: Path) -> None:
    """Undoing `pause` restores the running statement exactly, not the state before `next`."""
    three_speakers()
    ok("--now", "2013-05-13T10:00", "next")
    called = record_bytes(isolated)
    ok("--now", "2013-05-13T10:02", "pause")
    assert record_bytes(isolated) != called
    ok("undo")
    assert record_bytes(isolated) == called


def test_undo_of_the_first_change_removes_the_record(hlm: Path, isolated: Path) -> None:
    """Before the first inscription there was no record: undo leaves none."""
    ok("--now", NOW, "speakers", "add", "Belarus")
    assert record_bytes(isolated) is not None
    ok("undo")
    assert record_bytes(isolated) is None


def test_successive_undos_walk_back_and_then_exit_3(hlm: Path, isolated: Path) -> None:
    """Each undo goes one change further back; with none left, exit 3."""
    states = [record_bytes(isolated)]
    for args in (
        ["speakers", "add", "Belarus"],
        ["speakers", "add", "Austria"],
        ["speakers", "swap", "S1", "S2"],
    ):
        ok("--now", NOW, *args)
        states.append(record_bytes(isolated))
    for expected in reversed(states[:-1]):
        ok("undo")
        assert record_bytes(isolated) == expected
    nothing = run("undo")
    assert nothing.exit_code == 3
    assert nothing.stdout == ""
    assert "nothing to undo" in nothing.stderr
    assert record_bytes(isolated) is None


def test_undo_with_no_change_at_all_exits_3(hlm: Path) -> None:
    result = run("undo")
    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr.startswith("hlmctl: ")


def test_log_shows_each_change_with_time_and_operator(hlm: Path) -> None:
    """Every change is logged with the clock's time and $HLMCTL_OPERATOR."""
    steps = [
        ("desk-1", "2013-05-10T09:00", ["speakers", "add", "Belarus"], "speakers add"),
        ("desk-2", "2013-05-10T09:05", ["speakers", "add", "Austria"], "speakers add"),
        ("podium", "2013-05-13T10:00", ["next"], "next"),
        ("podium", "2013-05-13T10:01", ["lists", "close"], "lists close"),
    ]
    for operator, now, args, _ in steps:
        result = run("--now", now, *args, env={"HLMCTL_OPERATOR": operator})
        assert result.exit_code == 0, result.stderr
    shown = run("log", "--format", "json")
    assert shown.exit_code == 0
    entries = json.loads(shown.stdout)
    assert [(e["operator"], e["at"], e["command"]) for e in entries] == [
        (operator, f"{now}:00-04:00", command) for operator, now, _, command in steps
    ]
    assert "Belarus" in entries[0]["change"]
    assert "Austria" in entries[1]["change"]
    text = run("log")
    assert text.exit_code == 0
    lines = text.stdout.splitlines()
    assert len(lines) == len(steps)
    for line, (operator, now, _, command) in zip(lines, steps, strict=True):
        assert now in line and operator in line and command in line


def test_log_operator_defaults_to_something_when_unset(hlm: Path) -> None:
    result = run("--now", NOW, "speakers", "add", "Belarus", env={"HLMCTL_OPERATOR": ""})
    assert result.exit_code == 0
    entry = run("log", "--format", "json").json()[0]
    assert entry["operator"].strip() != ""


REFUSED: dict[str, tuple[list[str], int]] = {
    "unknown delegation": (["--now", NOW, "speakers", "add", "Atlantis"], 2),
    "duplicate": (["--now", NOW, "speakers", "add", "Belarus"], 2),
    "bad level": (["--now", NOW, "speakers", "add", "Peru", "--level", "king"], 2),
    "unknown ref": (["--now", NOW, "speakers", "remove", "S9"], 2),
    "bad move": (["--now", NOW, "speakers", "move", "S1", "--to", "9"], 2),
    "bad import": (["--now", NOW, "speakers", "import", "-"], 2),
    "reopen open list": (["--now", NOW, "lists", "reopen", "plenary"], 3),
    "control character": (["--now", NOW, "speakers", "add", "Peru", "--name", "a\x1b[2Jb"], 2),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_refused_command_leaves_the_record_and_the_history_unchanged(
    hlm: Path, isolated: Path, case: str
) -> None:
    """A refusal writes nothing: same bytes, and `undo` still undoes the last real change."""
    ok("--now", NOW, "speakers", "add", "Belarus")
    first = record_bytes(isolated)
    ok("--now", NOW, "speakers", "add", "Austria")
    before = record_bytes(isolated)
    args, code = REFUSED[case]
    result = run(*args, input="delegation\nAtlantis\n")
    assert result.exit_code == code
    assert result.stdout == ""
    assert result.stderr.startswith("hlmctl: ")
    assert record_bytes(isolated) == before
    ok("undo")
    assert record_bytes(isolated) == first


# --- the lock ------------------------------------------------------------------------


def wait(process: subprocess.Popen[bytes], seconds: float = 60) -> tuple[int, str, str]:
    try:
        out, err = process.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    return process.returncode, out.decode(), err.decode()


@pytest.mark.file_store  # two folders of one meeting id, or the TOML files themselves
def test_a_second_process_exits_4_while_the_lock_is_held(hlm: Path, isolated: Path) -> None:
    """Another writer holding the lock past HLMCTL_LOCK_TIMEOUT: exit 4, nothing changed."""
    ok("--now", NOW, "speakers", "add", "Belarus")
    before = record_bytes(isolated)
    lock = filelock.FileLock(str(isolated / "meeting.state.lock"))
    with lock.acquire(timeout=5):
        process = hlmctl_process(
            "--now", NOW, "speakers", "add", "Austria",
            cwd=isolated, env={"HLMCTL_LOCK_TIMEOUT": "0.5"},
        )  # fmt: skip
        code, out, err = wait(process)
    assert code == 4, err
    assert out == ""
    assert "busy" in err
    assert "Traceback" not in err
    assert record_bytes(isolated) == before


@pytest.mark.file_store  # two folders of one meeting id, or the TOML files themselves
def test_undo_also_waits_for_the_lock(hlm: Path, isolated: Path) -> None:
    ok("--now", NOW, "speakers", "add", "Belarus")
    before = record_bytes(isolated)
    with filelock.FileLock(str(isolated / "meeting.state.lock")).acquire(timeout=5):
        process = hlmctl_process("undo", cwd=isolated, env={"HLMCTL_LOCK_TIMEOUT": "0.3"})
        code, _, err = wait(process)
    assert code == 4, err
    assert record_bytes(isolated) == before


TWENTY = [
    "Albania", "Brazil", "Chile", "Denmark", "Ecuador", "Finland", "Ghana", "Hungary",
    "India", "Jamaica", "Kenya", "Latvia", "Mexico", "Nepal", "Oman", "Peru",
    "Qatar", "Rwanda", "Senegal", "Togo",
]  # fmt: skip


def test_twenty_processes_adding_at_once_leave_twenty_inscriptions(
    hlm: Path, isolated: Path
) -> None:
    """Concurrent writers are serialized: no inscription is lost, no id is given twice."""
    processes = [
        hlmctl_process(
            "--now", NOW, "speakers", "add", name, cwd=isolated, env={"HLMCTL_LOCK_TIMEOUT": "60"}
        )
        for name in TWENTY
    ]
    results = [wait(p, 120) for p in processes]
    assert [code for code, _, _ in results] == [0] * 20, [err for _, _, err in results]
    rows = run("--now", NOW, "speakers", "list", "--format", "json").json()
    assert sorted(r["delegation"] for r in rows) == sorted(TWENTY)
    assert sorted(r["id"] for r in rows) == sorted(f"S{i}" for i in range(1, 21))
    printed = sorted(out.split("\t", 1)[0] for _, out, _ in results)
    assert printed == sorted(r["id"] for r in rows)
    log = run("log", "--format", "json").json()
    assert len(log) == 20


@pytest.mark.file_store  # two folders of one meeting id, or the TOML files themselves
def test_undo_refuses_to_throw_away_a_hand_edit(hlm: Path, isolated: Path) -> None:
    """A record edited by hand after its last change is not silently reverted by undo."""
    assert run("--now", NOW, "speakers", "add", "Peru").exit_code == 0
    path = isolated / "meeting.state.toml"
    edited = path.read_bytes().replace(b'delegation = "Peru"', b'delegation = "Chile"')
    path.write_bytes(edited)
    result = run("undo")
    assert result.exit_code == 2
    assert "changed outside hlmctl" in result.stderr
    assert path.read_bytes() == edited


@pytest.mark.file_store  # two folders of one meeting id, or the TOML files themselves
def test_a_write_keeps_the_record_permissions(hlm: Path, isolated: Path) -> None:
    """The atomic write does not make a shared record private (mkstemp's 0600)."""
    assert run("--now", NOW, "speakers", "add", "Peru").exit_code == 0
    path = isolated / "meeting.state.toml"
    path.chmod(0o664)
    assert run("--now", NOW, "speakers", "add", "Chile").exit_code == 0
    assert path.stat().st_mode & 0o777 == 0o664

"""The hostile battery: every command fed values an attacker or a tired operator would
give it (times, sizes, Unicode classes, file types, environment variables, damaged
records and undo histories). Each refusal is exit 2 or 4 with one line on stderr (a
``hint:`` line may follow; ``validate`` lists each problem on a line of its own), no
traceback, and the record, the undo history and the meeting file byte for byte as
they were. Nothing is ever exit 1.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
import typer.main

from conftest import EXAMPLES, Result, run
from hlmctl.cli import app
from hlmctl.text import unsafe_character

# They look at the files themselves (record, undo folder, lock): the file store.
pytestmark = pytest.mark.file_store

NOW = "2013-05-13T10:00"
LATER = "2013-05-13T10:02"

# Every command, with arguments that work on the seeded meeting (see ``seeded``).
COMMANDS: dict[str, list[str]] = {
    "agenda": ["agenda", "--format", "json"],
    "speakers add": ["speakers", "add", "Peru"],
    "speakers list": ["speakers", "list", "--format", "json"],
    "speakers remove": ["speakers", "remove", "S3"],
    "speakers edit": ["speakers", "edit", "S3", "--level", "minister"],
    "speakers move": ["speakers", "move", "S3", "--to", "1"],
    "speakers swap": ["speakers", "swap", "S2", "S3"],
    "speakers import": ["speakers", "import", "rows.csv"],
    "speakers export": ["speakers", "export"],
    "next": ["next"],
    "now": ["now", "--format", "json"],
    "pause": ["pause"],
    "resume": ["resume"],
    "absent": ["absent"],
    "timer": ["timer", "--once"],
    "report": ["report", "--format", "json"],
    "undo": ["undo"],
    "log": ["log"],
    "examples": ["examples"],
    "init": ["init", "elsewhere"],
    "validate": ["validate"],
    "lists close": ["lists", "close", "plenary"],
    "lists reopen": ["lists", "reopen", "plenary"],
    "lists limit": ["lists", "limit", "plenary", "4"],
    "reply add": ["reply", "add", "Chile"],
    "meeting open": ["meeting", "open", "panel-1"],
    "meeting adjourn": ["meeting", "adjourn"],
    "journal": ["journal"],
    "script": ["script"],
    "board": ["board", "--port", "0"],
    "store init": ["store", "init"],
    "store copy": ["store", "copy", "--from", "file", "--to", "file"],
    "participants add": ["participants", "add", "Some NGO", "--list", "ecosoc-ngos"],
    "participants edit": ["participants", "edit", "P2", "--country", "Chile"],
    "participants remove": ["participants", "remove", "P2"],
    "participants list": ["participants", "list", "--format", "json"],
    "participants import": ["participants", "import", "participants.csv", "-l", "ecosoc-ngos"],
    "participants circulate": ["participants", "circulate", "press", "--deadline", "2013-06-30"],
    "participants object": ["participants", "object", "P1", "--by", "Chile"],
    "participants publish": ["participants", "publish", "--list", "ecosoc-ngos"],
    "message": ["message", "Please conclude"],
    "podium": ["podium"],  # refused without a terminal, after every other check
    "requests list": ["requests", "list", "--format", "json"],
    "requests accept": ["requests", "accept", "R1"],
    "requests decline": ["requests", "decline", "R2", "--reason", "late"],
    "requests import": ["requests", "import", "requests.csv"],
    "desk invite": ["desk", "invite", "Chile"],
    "desk revoke": ["desk", "revoke", "I1"],
    "desk invites": ["desk", "invites", "--format", "json"],
}
# Commands that change the record (they take the lock and log an operator).
WRITERS = {
    "speakers add",
    "speakers remove",
    "speakers edit",
    "speakers move",
    "speakers swap",
    "speakers import",
    "next",
    "pause",
    "absent",
    "lists close",
    "lists limit",
    "reply add",
    "meeting open",
    "meeting adjourn",
    "participants add",
    "participants edit",
    "participants remove",
    "participants import",
    "participants circulate",
    "participants object",
    "message",
    "requests accept",
    "requests decline",
    "requests import",
    "desk invite",
    "desk revoke",
}
NO_MEETING = {"examples", "init"}  # they read neither the meeting nor the record
CLOCK_FREE = NO_MEETING | {"validate", "undo"}  # the clock is not read


def all_commands() -> set[str]:
    """The names of every command the application registers."""
    names: set[str] = set()

    def walk(typer_app: typer.Typer, prefix: str) -> None:
        for command in typer_app.registered_commands:
            assert command.callback is not None
            name = command.name or typer.main.get_command_name(command.callback.__name__)
            names.add(prefix + name)
        for group in typer_app.registered_groups:
            assert group.typer_instance is not None and group.name
            walk(group.typer_instance, prefix + group.name + " ")

    walk(app, "")
    return names


def test_the_battery_covers_every_command() -> None:
    """A new command joins the battery (add it to COMMANDS) before it ships."""
    assert all_commands() - set(COMMANDS) == set()


# --- the seeded meeting and its snapshot ---------------------------------------------------


@pytest.fixture(autouse=True)
def board_does_not_serve(monkeypatch: pytest.MonkeyPatch) -> None:
    """`board` stops where it would start serving (it has checked everything by then)."""
    from hlmctl.board import server

    monkeypatch.setattr(server.BoardServer, "run", lambda self, on_ready=None: None)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """hlm-2013 with Belarus speaking, France, Chile and Mali waiting, an undo history
    and a valid import file beside it. Each case runs on a fresh copy."""
    folder = tmp_path_factory.mktemp("hostile-template")
    shutil.copy(EXAMPLES / "hlm-2013.toml", folder / "meeting.toml")
    meeting = str(folder / "meeting.toml")
    env = {"HLMCTL_OPERATOR": "tester"}
    for name in ("Belarus", "France", "Chile", "Mali"):
        result = run("--meeting", meeting, "--now", NOW, "speakers", "add", name, env=env)
        assert result.exit_code == 0, result.stderr
    result = run("--meeting", meeting, "--now", NOW, "next", env=env)
    assert result.exit_code == 0, result.stderr
    (folder / "rows.csv").write_text("delegation\nGhana\n", encoding="utf-8")
    # The lists of participants: one circulated (objections open), one drawn up, and a
    # third list (of the press, submitted to Member States) ready to circulate.
    with (folder / "meeting.toml").open("a", encoding="utf-8") as handle:
        handle.write(
            '\n[[participant_lists]]\nid = "press"\ntitle = "Media"\nparagraph = "9"\n'
            'source = "the media"\nnon_objection = true\n'
        )
    (folder / "participants.csv").write_text("organization\nOther NGO\n", encoding="utf-8")
    for args in (
        ["participants", "add", "Walk Free", "--list", "other-stakeholders"],
        ["participants", "add", "CATW", "--list", "ecosoc-ngos"],
        ["participants", "add", "Press Org", "--list", "press", "--kind", "media"],
        ["participants", "circulate", "other-stakeholders", "--deadline", "2013-06-30"],
        # Two pending requests to speak (R1, R2) and a link to the desk (I1).
        ["requests", "import", "-"],
        ["desk", "invite", "Mali"],
    ):
        given = "delegation,list\nPeru,plenary\nGhana,panel-1\n" if "import" in args else None
        result = run("--meeting", meeting, "--now", NOW, *args, env=env, input=given)
        assert result.exit_code == 0, result.stderr
    (folder / "requests.csv").write_text("delegation\nNepal\n", encoding="utf-8")
    return folder


@pytest.fixture
def seeded(template: Path, isolated: Path) -> Path:
    for item in template.iterdir():
        if item.is_dir():
            shutil.copytree(item, isolated / item.name)
        else:
            shutil.copy2(item, isolated / item.name)
    return isolated


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every byte hlmctl keeps: the meeting file, the record, the undo history."""
    state: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        if rel.startswith(("elsewhere", "rows.csv", "import", "participants.csv")) or (
            path.name.endswith(".lock")
        ):
            continue
        if path.is_symlink():
            state[rel] = "link -> " + os.readlink(path)
        elif path.is_file():
            state[rel] = path.read_bytes()
        elif path.is_dir():
            state[rel] = "folder"
        else:
            state[rel] = "special"
    return state


def refused(result: Result, *, command: str, case: str) -> list[str]:
    """What is wrong with a refusal: its exit code and the shape of its stderr."""
    problems = []
    where = f"{command} / {case}"
    if result.exit_code not in (2, 4):
        problems.append(f"{where}: exit {result.exit_code}, not 2 or 4: {result.stderr!r}")
    if "Traceback" in result.stderr or "internal error" in result.stderr:
        problems.append(f"{where}: a traceback or internal error: {result.stderr!r}")
    lines = result.stderr.splitlines()
    if command != "validate":
        if not (len(lines) == 1 or (len(lines) == 2 and lines[1].startswith("hint: "))):
            problems.append(f"{where}: stderr is not one line (+ hint): {result.stderr!r}")
    elif not lines or any(line.startswith("Traceback") for line in lines):
        problems.append(f"{where}: validate said nothing useful: {result.stderr!r}")
    if lines and not lines[0].startswith("hlmctl: "):
        problems.append(f"{where}: stderr does not start with 'hlmctl: ': {result.stderr!r}")
    return problems


def run_battery(
    seeded: Path,
    cases: dict[str, Callable[[Path], dict[str, str] | None]],
    commands: set[str] | list[str],
    args_of: Callable[[str, list[str]], list[str]] = lambda name, args: args,
) -> None:
    """Run each command under each case (``case(folder)`` prepares the folder and
    returns extra environment) and collect every failure of the promise."""
    clean = snapshot(seeded)
    problems: list[str] = []
    for case, name in pairs(list(cases), sorted(commands)):
        prepare = cases[case]
        if True:
            restore(seeded, clean)
            env = prepare(seeded) or {}
            before = snapshot(seeded)
            args = args_of(name, ["--now", LATER, *COMMANDS[name]])
            result = run(*args, env=env, input="")
            problems += refused(result, command=name, case=case)
            if snapshot(seeded) != before:
                problems.append(f"{name} / {case}: the record or the undo history changed")
    restore(seeded, clean)
    assert problems == [], "\n".join(problems)


def pairs(cases: list[str], commands: list[str]) -> list[tuple[str, str]]:
    """Every case and every command at least once, without running all the product:
    the code that refuses a value is shared, so each command meets a few values and
    each value a few commands. $HLMCTL_BATTERY=full runs every pair."""
    if os.environ.get("HLMCTL_BATTERY") == "full":
        return [(c, n) for c in cases for n in commands]
    count = max(len(cases), len(commands)) * 2
    return sorted(
        {
            (cases[i % len(cases)], commands[(i * 7 + i // len(commands)) % len(commands)])
            for i in range(count)
        }
    )


def restore(folder: Path, state: dict[str, bytes | str]) -> None:
    """Put the folder back as ``snapshot`` saw it."""
    for path in sorted(folder.iterdir()):
        if path.name in ("rows.csv", "participants.csv"):
            continue
        if path.is_symlink() or path.is_file() or path.is_fifo():
            path.unlink()
        elif path.is_dir():
            os.chmod(path, 0o755)
            shutil.rmtree(path)
    for rel, content in state.items():
        target = folder / rel
        if content == "folder":
            target.mkdir(parents=True, exist_ok=True)
        elif isinstance(content, bytes):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)


# --- the clock and the environment ---------------------------------------------------------

BAD_TIMES = [
    "9999-12-31T23:00",
    "0001-01-01T00:00",
    "1969-12-31T23:59",
    "2200-01-01T00:00",
    "2199-12-31T23:59",  # a valid day, but 2200-01-01 in UTC at the venue (New York)
    "1970-01-01T00:00+05:00",  # the same at the other end
    "2013-05-13T10:00+25:00",
    "not a time",
]


def test_times_out_of_range_are_refused_by_every_command_that_reads_the_clock(
    seeded: Path,
) -> None:
    cases: dict[str, Callable[[Path], dict[str, str] | None]] = {}
    for value in BAD_TIMES:
        cases[f"HLMCTL_NOW={value!r}"] = lambda _folder, v=value: {"HLMCTL_NOW": v}

    def without_now(name: str, args: list[str]) -> list[str]:
        return args[2:]

    run_battery(seeded, cases, set(COMMANDS) - CLOCK_FREE, without_now)
    for value in [*BAD_TIMES[:6], ""]:  # and as --now (an empty one too)
        result = run("--now", value, "speakers", "add", "Peru")
        assert refused(result, command="speakers add", case=value) == []


BAD_TIMEOUTS = ["nan", "-1", "inf", "1e400", "ten", "-0.5", "1e9"]


def test_a_lock_timeout_that_is_not_a_finite_number_of_seconds_is_refused(
    seeded: Path,
) -> None:
    cases: dict[str, Callable[[Path], dict[str, str] | None]] = {
        f"HLMCTL_LOCK_TIMEOUT={v}": (lambda _f, v=v: {"HLMCTL_LOCK_TIMEOUT": v})
        for v in BAD_TIMEOUTS
    }
    run_battery(seeded, cases, set(COMMANDS) - NO_MEETING)


# Characters that break a line or hide text, and what undecodable bytes become.
HOSTILE_TEXT = {
    "line separator": "Bel\u2028arus",
    "paragraph separator": "Bel\u2029arus",
    "bidi override": "\u202eSURALEB",
    "bidi isolate": "Bela\u2066rus",
    "zero-width space": "Bela\u200brus",
    "stray zero-width joiner": "\u200dBelarus",
    "byte-order mark": "Bela\ufeffrus",
    "escape": "Bela\x1b[2Jrus",
    "tab": "Bela\trus",
    "Hangul filler": "Bela\u3164rus",
    "undecodable byte": "Bela\udcffrus",
    "private use": "Bela\ue000rus",
    "too long": "B" * 501,
    # Default-ignorable code points where they do no job (between Latin letters):
    "zero-width joiner between Latin letters": "Bela\u200drus",
    "zero-width non-joiner between Latin letters": "Bela\u200crus",
    "variation selector after a letter": "Belarus\ufe0f",
    "variation selector supplement": "Bela\U000e0100rus",
    "tag characters": "Belarus\U000e0062\U000e007f",
    "Mongolian free variation selector": "Bela\u180brus",
    "Mongolian vowel separator": "Bela\u180erus",
    "Khmer inherent vowel": "Bela\u17b4rus",
    "combining grapheme joiner": "Bela\u034frus",
    "invisible times": "Bela\u2062rus",
    "shorthand format control": "Bela\U0001bca1rus",
    "unassigned default-ignorable": "Bela\U000e0fffrus",
    "a lone joiner": "\u200d",
    # Text that shows nothing:
    "only combining marks": "\u0301\u0308",
    "only a blank pattern": "\u2800\u2800",
}


def test_an_operator_name_that_breaks_lines_or_hides_text_is_refused(seeded: Path) -> None:
    cases: dict[str, Callable[[Path], dict[str, str] | None]] = {
        f"HLMCTL_OPERATOR {what}": (lambda _f, t=text: {"HLMCTL_OPERATOR": t})
        for what, text in HOSTILE_TEXT.items()
    }
    run_battery(seeded, cases, WRITERS)


TEXT_ARGUMENTS: dict[str, Callable[[str], list[str]]] = {
    "speakers add delegation": lambda t: ["speakers", "add", t, "--category", "ngo"],
    "speakers add --name": lambda t: ["speakers", "add", "Peru", "--name", t],
    "speakers add --title": lambda t: ["speakers", "add", "Peru", "--title", t],
    "speakers add --on-behalf-of": lambda t: ["speakers", "add", "Peru", "--on-behalf-of", t],
    "reply add": lambda t: ["reply", "add", t, "--category", "ngo"],
    "speakers remove": lambda t: ["speakers", "remove", t],
    "speakers move --before": lambda t: ["speakers", "move", "S3", "--before", t],
    "absent": lambda t: ["absent", t],
    "--list": lambda t: ["speakers", "add", "Peru", "--list", t],
    "agenda --day": lambda t: ["agenda", "--day", t],
    "speakers add --courtesy": lambda t: ["speakers", "add", "Peru", "--courtesy", t],
    "undo --of": lambda t: ["undo", "--of", t],
    "meeting open": lambda t: ["meeting", "open", t],
    "meeting adjourn": lambda t: ["meeting", "adjourn", t],
    "journal --day": lambda t: ["journal", "--day", t],
    "journal --as-at": lambda t: ["journal", "--as-at", t],
    "script --day": lambda t: ["script", "--day", t],
    "requests accept --name": lambda t: ["requests", "accept", "R1", "--name", t],
    "requests decline --reason": lambda t: ["requests", "decline", "R2", "--reason", t],
    "requests list --delegation": lambda t: ["requests", "list", "--delegation", t],
    "desk invite": lambda t: ["desk", "invite", t, "--category", "ngo"],
    "desk revoke": lambda t: ["desk", "revoke", t],
}


def test_text_that_breaks_lines_or_hides_text_is_refused_in_every_argument(
    seeded: Path,
) -> None:
    clean = snapshot(seeded)
    problems: list[str] = []
    for what, text in HOSTILE_TEXT.items():
        for where, args in TEXT_ARGUMENTS.items():
            result = run("--now", LATER, *args(text))
            problems += refused(result, command=where, case=what)
            shown = unsafe_character(result.stderr.replace("\n", " "))
            if shown is not None:  # the message names the text without replaying it
                problems.append(f"{where} / {what}: stderr carries U+{ord(shown[1]):04X}")
            if snapshot(seeded) != clean:
                problems.append(f"{where} / {what}: the record changed")
                restore(seeded, clean)
    assert problems == [], "\n".join(problems)


def test_legitimate_joiners_and_scripts_are_kept(seeded: Path) -> None:
    """The zero-width non-joiner inside a Persian word and the joiner inside an emoji
    sequence are letters' business, not hidden text."""
    persian = "می\u200cخواهم"
    result = run("--now", LATER, "speakers", "add", "Peru", "--name", persian)
    assert result.exit_code == 0, result.stderr
    family = "\U0001f469\u200d\U0001f467"
    result = run("--now", LATER, "speakers", "add", "Chad", "--title", family)
    assert result.exit_code == 0, result.stderr
    listed = run("speakers", "list", "--format", "json").json()
    assert {s.get("name") for s in listed} >= {persian}
    assert {s.get("title") for s in listed} >= {family}


# Default-ignorable code points doing a job in their text: kept as typed.
LEGITIMATE = {
    "a Devanagari conjunct with a joiner": "\u0915\u094d\u200d\u0937",
    "the flag of Scotland (an emoji tag sequence)": (
        "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
    ),
    "an emoji with its presentation selector": "\u2764\ufe0f",
    "a keycap": "1\ufe0f\u20e3",
    "an ideographic variation sequence": "\u845b\U000e0100",
    "a Mongolian word with a free variation selector": "\u182e\u1823\u1829\u180b",
    "a Mongolian word with its vowel separator": "\u1828\u1822\u180e\u1820",
}


def test_default_ignorables_that_do_a_job_are_kept(seeded: Path) -> None:
    for what, text in LEGITIMATE.items():
        result = run("--now", LATER, "speakers", "add", "Peru", "--title", text, "--force")
        assert result.exit_code == 0, (what, result.stderr)
    titles = {s.get("title") for s in run("speakers", "list", "--format", "json").json()}
    assert titles >= set(LEGITIMATE.values())


def test_a_delegation_is_one_identity_whatever_invisible_characters_it_carries(
    seeded: Path,
) -> None:
    """Two spellings that differ only by default-ignorable code points kept for their
    job are one delegation: the duplicate rule sees it, a reference finds it."""
    plain = "\u0645\u0635\u0631 \u0627\u0644\u062c\u062f\u064a\u062f\u0629"
    joined = "\u0645\u0635\u200c\u0631 \u0627\u0644\u062c\u062f\u064a\u200d\u062f\u0629"
    first = run("--now", LATER, "speakers", "add", plain, "--category", "ngo")
    assert first.exit_code == 0, first.stderr
    before = snapshot(seeded)
    again = run("--now", LATER, "speakers", "add", joined, "--category", "ngo")
    assert again.exit_code == 2, again.stderr
    assert "already inscribed" in again.stderr
    assert snapshot(seeded) == before
    removed = run("--now", LATER, "speakers", "remove", joined)
    assert removed.exit_code == 0, removed.stderr


def test_hostile_names_in_an_import_are_refused_whole(seeded: Path) -> None:
    clean = snapshot(seeded)
    problems: list[str] = []
    for what, text in HOSTILE_TEXT.items():
        if what in ("tab", "line separator", "paragraph separator", "undecodable byte"):
            continue  # those break the CSV itself, and have their own cases below
        rows = [{"delegation": "Ghana"}, {"delegation": text, "category": "ngo"}]
        (seeded / "import.json").write_text(json.dumps(rows), encoding="utf-8")
        result = run("--now", LATER, "speakers", "import", "import.json")
        problems += refused(result, command="speakers import", case=what)
        if snapshot(seeded) != clean:
            problems.append(f"import / {what}: the record changed")
            restore(seeded, clean)
    assert problems == [], "\n".join(problems)


def test_the_meeting_file_follows_the_same_text_rule(seeded: Path) -> None:
    for text in ("Plenary\u200d", "Plen\U000e0041ary", "\u0301", "\u2800 \u200b"):
        _edit_meeting(
            seeded, lambda t, x=text: re.sub(r'(?m)^title = ".*"$', f'title = "{x}"', t, count=1)
        )
        result = run("--now", LATER, "agenda", "--format", "json")
        assert refused(result, command="agenda", case=repr(text)) == []
        shutil.copy(EXAMPLES / "hlm-2013.toml", seeded / "meeting.toml")


NUMBERS: dict[str, list[str]] = {
    "--to huge": ["speakers", "move", "S3", "--to", "9" * 40],
    "--to negative": ["speakers", "move", "S3", "--to", "-3"],
    "--minutes nan": ["speakers", "add", "Peru", "--minutes", "nan"],
    "--minutes inf": ["speakers", "add", "Peru", "--minutes", "inf"],
    "--minutes 1e309": ["speakers", "add", "Peru", "--minutes", "1e309"],
    "--minutes 0": ["speakers", "add", "Peru", "--minutes", "0"],
    "--minutes a day and more": ["speakers", "add", "Peru", "--minutes", "1441"],
    "--minutes an exponent": ["speakers", "add", "Peru", "--minutes", "1e3"],
    "--minutes subnormal": ["speakers", "add", "Peru", "--minutes", "1e-320"],
    "--minutes three decimals": ["speakers", "add", "Peru", "--minutes", "1.234"],
    "--minutes negative zero": ["speakers", "add", "Peru", "--minutes", "-0"],
    "--minutes a comma": ["speakers", "add", "Peru", "--minutes", "1,5"],
    "--minutes underscores": ["speakers", "add", "Peru", "--minutes", "1_0"],
    "--minutes less than a hundredth": ["speakers", "add", "Peru", "--minutes", "0.001"],
    "--day far": ["agenda", "--day", "9999-12-31"],
    "--day not a date": ["agenda", "--day", "31/12"],
    "journal --as-at far": ["journal", "--as-at", "9999-12-31T00:00"],
    "journal --as-at before 1970": ["journal", "--as-at", "1900-01-01T00:00"],
    "journal --as-at not a time": ["journal", "--as-at", "25:99"],
}


def test_numbers_out_of_range_are_refused(seeded: Path) -> None:
    clean = snapshot(seeded)
    problems: list[str] = []
    for case, args in NUMBERS.items():
        result = run("--now", LATER, *args)
        problems += refused(result, command=args[0], case=case)
        if snapshot(seeded) != clean:
            problems.append(f"{case}: the record changed")
    assert problems == [], "\n".join(problems)


BAD_MINUTES = ["1e3", "1e-320", "nan", "-inf", "1.234", "0", "0.001", "1441", "1,5", "-2"]


def test_minutes_in_imports_limits_and_the_meeting_file_follow_the_same_rule(seeded: Path) -> None:
    clean = snapshot(seeded)
    problems: list[str] = []
    for value in BAD_MINUTES:
        (seeded / "import.csv").write_text(f'delegation,minutes\nGhana,"{value}"\n')
        result = run("--now", LATER, "speakers", "import", "import.csv")
        problems += refused(result, command="speakers import", case=f"minutes {value}")
        if "minutes" not in result.stderr:
            problems.append(f"import minutes {value}: the column is not named: {result.stderr!r}")
    for value in BAD_MINUTES:
        for args in (["plenary", value], ["plenary", "4", "--group", value]):
            result = run("--now", LATER, "lists", "limit", *args)
            problems += refused(result, command="lists limit", case=" ".join(args))
    meeting = (seeded / "meeting.toml").read_bytes()
    for value in ["1e-320", "2.333", "0.001", "nan"]:
        _edit_meeting(
            seeded, lambda t, v=value: re.sub(r"(?m)^minutes = .*$", f"minutes = {v}", t, count=1)
        )
        result = run("--now", LATER, "agenda", "--format", "json")
        problems += refused(result, command="agenda", case=f"meeting file minutes = {value}")
        (seeded / "meeting.toml").write_bytes(meeting)
    if snapshot(seeded) != clean:
        problems.append("the record changed")
    assert problems == [], "\n".join(problems)


def test_minutes_as_a_person_types_them_are_kept(seeded: Path) -> None:
    for value, kept in [("3", 3.0), ("1.5", 1.5), ("0.75", 0.75), (".5", 0.5), ("1440", 1440.0)]:
        result = run(
            "--now", LATER, "speakers", "add", "Fiji", "--minutes", value, "--force", "--json"
        )
        if value == "1440":  # longer than the list's meetings: the slot rule, not this one
            assert result.exit_code == 2 and "longer" in result.stderr, result.stderr
            continue
        assert result.exit_code == 0, result.stderr
        assert result.json()["minutes"] == kept


# Usage errors that Click and Typer find themselves: one line naming the command and
# the option, then a hint line, exit 2.
USAGE_ERRORS: dict[str, list[str]] = {
    "a value not among the choices": ["agenda", "--format", "xls"],
    "an unknown option": ["agenda", "--bogus"],
    "an unknown command": ["bogus"],
    "an unknown subcommand": ["speakers", "bogus"],
    "a missing argument": ["speakers", "move"],
    "an option without its value": ["speakers", "move", "S3", "--to"],
    "a global option without its value": ["--now"],
    "not a whole number": ["speakers", "move", "S3", "--to", "three"],
    "a port out of range": ["board", "--port", "99999"],
    "an extra argument": ["meeting", "open", "panel-1", "panel-2"],
    "hostile text in an unknown option": ["agenda", "--bo\u202egus"],
}


def test_usage_errors_are_one_line_and_a_hint(seeded: Path) -> None:
    clean = snapshot(seeded)
    problems: list[str] = []
    for case, args in USAGE_ERRORS.items():
        result = run("--now", LATER, *args)
        problems += refused(result, command=args[0], case=case)
        lines = result.stderr.splitlines()
        if len(lines) != 2 or not lines[1].startswith("hint: ") or "-h" not in lines[1]:
            problems.append(f"{case}: no hint to the help: {result.stderr!r}")
        if "Usage:" in result.stderr or "Error:" in result.stderr:
            problems.append(f"{case}: Click's usage block: {result.stderr!r}")
        if unsafe_character(result.stderr.replace("\n", " ")) is not None:
            problems.append(f"{case}: stderr replays a hidden character")
    assert problems == [], "\n".join(problems)
    assert snapshot(seeded) == clean
    choice = run("agenda", "--format", "xls")
    assert choice.stderr.splitlines()[0] == (
        "hlmctl: agenda: --format: 'xls' is not one of table, text, markdown, json, csv, ics, xlsx"
    )
    missing = run("speakers", "move", "S3", "--to")
    assert missing.stderr.startswith("hlmctl: speakers move: ")
    assert "hlmctl speakers move -h" in missing.stderr


@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_help_is_still_the_full_help(flag: str) -> None:
    result = run("agenda", flag)
    assert result.exit_code == 0
    assert "Usage:" in result.stdout and "--format" in result.stdout and "--day" in result.stdout


def test_a_meeting_not_yet_opened_cannot_be_adjourned(seeded: Path) -> None:
    """panel-2 is scheduled at 16:30: at 10:03 nobody opened it or was called into it."""
    before = snapshot(seeded)
    result = run("--now", "2013-05-13T10:03", "meeting", "adjourn", "panel-2")
    assert refused(result, command="meeting adjourn", case="panel-2 at 10:03") == []
    assert "scheduled at 16:30 on 13 May 2013" in result.stderr
    assert snapshot(seeded) == before
    # Opened by hand earlier than scheduled, it can be adjourned.
    assert run("--now", "2013-05-13T10:04", "meeting", "open", "panel-2").exit_code == 0
    done = run("--now", "2013-05-13T10:05", "meeting", "adjourn", "panel-2")
    assert done.exit_code == 0, done.stderr
    # Once its time has come, a meeting nobody opened counts as opened on time.
    late = run("--now", "2013-05-13T15:05", "meeting", "adjourn", "panel-1")
    assert late.exit_code == 0, late.stderr


OPTIONS: dict[str, list[str]] = {
    "board --host bidi override": ["board", "--port", "0", "--host", "a\u202eb"],
    "board --host label too long": ["board", "--port", "0", "--host", "a" * 300],
    "board --host empty label": ["board", "--port", "0", "--host", "a..b"],
    "board --allow-host a URL": ["board", "--port", "0", "--allow-host", "http://x.org/"],
    "board --allow-host bidi override": ["board", "--port", "0", "--allow-host", "a\u202eb"],
    "board --allow-host with a space": ["board", "--port", "0", "--allow-host", "a b"],
    "--store IPv6 not closed": ["--store", "postgresql://u:secret@[::1", "now"],
    "--store space in password": ["--store", "postgresql://u:se cret@10.0.0.1/db", "now"],
    "--store unknown parameter": ["--store", "postgresql://u:secret@h/db?bogus=1", "now"],
    "--store another engine": ["--store", "mysql://u:secret@h/db", "now"],
    "store copy to a bad URL": [
        "store",
        "copy",
        "--from",
        "file",
        "--to",
        "postgresql://u:secret@[::1",
    ],
}


def test_hostile_board_and_store_options_are_refused(seeded: Path) -> None:
    """Bad addresses and URLs are refused before anything is served or connected:
    exit 2, one line, and a password in the URL never shown."""
    clean = snapshot(seeded)
    problems: list[str] = []
    with socket.create_server(("127.0.0.1", 0)) as busy:
        cases = {
            **OPTIONS,
            "board --port busy": ["board", "--port", str(busy.getsockname()[1])],
        }
        for case, args in cases.items():
            result = run("--now", LATER, *args)
            command = args[0] if args[0] != "--store" else args[2]
            problems += refused(result, command=command, case=case)
            if "secret" in result.stderr:
                problems.append(f"{case}: the password is shown: {result.stderr!r}")
    if snapshot(seeded) != clean:
        problems.append("the record changed")
    assert problems == [], "\n".join(problems)


# --- import files ---------------------------------------------------------------------------


def _write(name: str, data: bytes) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        (folder / name).write_bytes(data)

    return make


def _fifo(folder: Path) -> None:
    os.mkfifo(folder / "import.csv")


def _folder(folder: Path) -> None:
    (folder / "import.csv").mkdir()


IMPORTS: dict[str, Callable[[Path], None]] = {
    "unknown status": _write("import.csv", b"delegation,status\nGhana,Waiting\n"),
    "unknown kind": _write("import.csv", b"delegation,kind\nGhana,speech\n"),
    "unknown level": _write("import.csv", b"delegation,level\nGhana,emperor\n"),
    "bad time": _write("import.csv", b"delegation,inscribed_at\nGhana,yesterday\n"),
    "time out of range": _write("import.csv", b"delegation,inscribed_at\nGhana,9999-01-01T00:00\n"),
    "bad absence": _write("import.csv", b"delegation,absences\nGhana,1900-01-01T00:00\n"),
    "spoken row with a bad time": _write(
        "import.csv", b"delegation,status,started_at\nGhana,spoken,soon\n"
    ),
    "minutes overflow": _write("import.csv", b"delegation,minutes\nGhana,1e999\n"),
    "huge integer": _write(
        "import.csv", b'[{"delegation": "Ghana", "minutes": ' + b"9" * 5000 + b"}]"
    ),
    "deep JSON": _write("import.csv", b"[" * 100_000),
    "object inside": _write("import.csv", b'[{"delegation": {"a": 1}}]'),
    "not UTF-8": _write("import.csv", b"delegation\nGh\xffana\n"),
    "too large": _write("import.csv", b"delegation\n" + b"Ghana\n" * 4_000_000),
    "a pipe": _fifo,
    "a folder": _folder,
    "line separator in a cell": _write("import.csv", "delegation\nGh\u2028ana\n".encode()),
    # A file cut short inside a quoted cell (it was read as a whole cell), or text
    # after a closing quote.
    "a quote left open": _write("import.csv", b'delegation,name\nMalta,"Joseph\n'),
    "text after a quote": _write("import.csv", b'delegation\n"Malta"x\n'),
}


def test_hostile_import_files_are_refused_whole(seeded: Path) -> None:
    clean = snapshot(seeded)
    problems: list[str] = []
    for case, make in IMPORTS.items():
        make(seeded)
        result = run("--now", LATER, "speakers", "import", "import.csv")
        problems += refused(result, command="speakers import", case=case)
        if snapshot(seeded) != clean:
            problems.append(f"{case}: the record changed")
        path = seeded / "import.csv"
        if path.is_dir():
            path.rmdir()
        else:
            path.unlink()
    assert problems == [], "\n".join(problems)


def test_a_participants_file_cut_inside_a_quote_is_refused_whole(seeded: Path) -> None:
    clean = snapshot(seeded)
    (seeded / "orgs.csv").write_bytes(b'organization\nWalk Free\n"Polaris Project\n')
    result = run("--now", LATER, "participants", "import", "orgs.csv", "-l", "ecosoc-ngos")
    assert refused(result, command="participants import", case="a quote left open") == []
    assert "row 3: not valid CSV" in result.stderr, result.stderr
    (seeded / "orgs.csv").unlink()
    assert snapshot(seeded) == clean


def test_import_from_stdin_is_bounded_while_reading(seeded: Path) -> None:
    clean = snapshot(seeded)
    result = run(
        "--now", LATER, "speakers", "import", "-", input="delegation\n" + "Ghana\n" * 4_000_000
    )
    assert refused(result, command="speakers import", case="stdin too large") == []
    assert "too large" in result.stderr
    assert snapshot(seeded) == clean


# --- damaged records, meeting files, locks and folders ---------------------------------------


def _edit_record(change: Callable[[str], str]) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        path = folder / "meeting.state.toml"
        text = path.read_text(encoding="utf-8")
        edited = change(text)
        assert edited != text, "the case's edit found nothing to change"
        path.write_text(edited, encoding="utf-8")

    return edit


def _started_without_offset(text: str) -> str:
    start = text.index("started_at = ") + len("started_at = ")
    return text[:start] + text[start : start + 19] + text[start + 25 :]


def _replace_path(name: str, make: Callable[[Path], None]) -> Callable[[Path], None]:
    def replace(folder: Path) -> None:
        path = folder / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
        make(path)

    return replace


RECORD_STATES: dict[str, Callable[[Path], None]] = {
    "a started_at without an offset": _edit_record(_started_without_offset),
    "a speaking speaker with no start": _edit_record(
        lambda t: t.replace("started_at = ", "# started_at = ", 1)
    ),
    "a time in the year 9999": _edit_record(
        lambda t: t.replace("inscribed_at = 2013", "inscribed_at = 9999", 1)
    ),
    "a time in the year 1": _edit_record(
        lambda t: t.replace("inscribed_at = 2013", "inscribed_at = 0001", 1)
    ),
    "ended before it started": _edit_record(
        lambda t: t.replace(
            'status = "speaking"', 'status = "spoken"\nended_at = 2013-05-13T09:00:00-04:00', 1
        )
    ),
    "a huge next_id": _edit_record(lambda t: t.replace("next_id = 5", "next_id = " + "9" * 30, 1)),
    "an integer too long": _edit_record(
        lambda t: t.replace("next_id = 5", "next_id = " + "9" * 5000, 1)
    ),
    "deep nesting": _edit_record(lambda t: t + "\ndeep = " + "[" * 50_000 + "]" * 50_000 + "\n"),
    "a list unknown to the meeting": _edit_record(
        lambda t: t + "\n[lists.nowhere]\nclosed = true\n"
    ),
    "closed_at on an open list": _edit_record(
        lambda t: t + "\n[lists.plenary]\nclosed_at = 2013-05-13T10:00:00-04:00\n"
    ),
    "a meeting unknown to the meeting file": _edit_record(
        lambda t: t.replace('meeting = "plenary-1"', 'meeting = "nowhere"', 1)
    ),
    "a bidi override in a name": _edit_record(
        lambda t: t.replace('delegation = "France"', 'delegation = "Fr\\u202eance"', 1)
    ),
    "a line separator in the log": _edit_record(
        lambda t: t.replace('operator = "tester"', 'operator = "tes\\u2028ter"', 1)
    ),
    "the record is a folder": _replace_path("meeting.state.toml", lambda p: p.mkdir()),
    "the record is a pipe": _replace_path("meeting.state.toml", lambda p: os.mkfifo(p)),
    "the record is a dangling link": _replace_path(
        "meeting.state.toml", lambda p: p.symlink_to("nowhere.toml")
    ),
}


def _not_utf8(folder: Path) -> None:
    path = folder / "meeting.state.toml"
    path.write_bytes(path.read_bytes() + b"\n# \xff\n")


RECORD_STATES["not UTF-8"] = _not_utf8


def test_a_record_hlmctl_cannot_fully_read_is_refused_by_every_command(seeded: Path) -> None:
    cases = {case: (lambda f, make=make: make(f)) for case, make in RECORD_STATES.items()}
    run_battery(seeded, cases, set(COMMANDS) - NO_MEETING)


MEETING_STATES: dict[str, Callable[[Path], None]] = {
    "an offset in a meeting time": lambda f: _edit_meeting(
        f, lambda t: t.replace('start = "10:00"', 'start = "10:00-04:00"', 1)
    ),
    "a day in the year 9999": lambda f: _edit_meeting(
        f, lambda t: t.replace("2013-05-13", "9999-05-13")
    ),
    "an integer too long": lambda f: _edit_meeting(f, lambda t: t + "\nx = " + "9" * 5000 + "\n"),
    "deep nesting": lambda f: _edit_meeting(
        f, lambda t: t + "\nx = " + "[" * 50_000 + "]" * 50_000 + "\n"
    ),
    "the meeting file is a pipe": _replace_path("meeting.toml", lambda p: os.mkfifo(p)),
}


def _edit_meeting(folder: Path, change: Callable[[str], str]) -> None:
    path = folder / "meeting.toml"
    text = path.read_text(encoding="utf-8")
    edited = change(text)
    assert edited != text, "the case's edit found nothing to change"
    path.write_text(edited, encoding="utf-8")


def test_a_hostile_meeting_file_is_refused_by_every_command(seeded: Path) -> None:
    cases = {case: (lambda f, make=make: make(f)) for case, make in MEETING_STATES.items()}
    run_battery(seeded, cases, set(COMMANDS) - NO_MEETING)


LOCK_STATES: dict[str, Callable[[Path], None]] = {
    "the lock is a folder": _replace_path("meeting.state.lock", lambda p: p.mkdir()),
    "the lock is a dangling link": _replace_path(
        "meeting.state.lock", lambda p: p.symlink_to("gone/nowhere.lock")
    ),
    "the lock is a pipe": _replace_path("meeting.state.lock", lambda p: os.mkfifo(p)),
}


def test_a_lock_file_of_the_wrong_type_is_refused_by_every_writer(seeded: Path) -> None:
    cases = {case: (lambda f, make=make: make(f)) for case, make in LOCK_STATES.items()}
    run_battery(seeded, cases, WRITERS | {"undo"})


def _foreign_undo_folder(folder: Path, *, link: bool) -> None:
    undo = folder / "meeting.state.undo"
    shutil.rmtree(undo)
    other = folder / ("elsewhere-program" if link else "meeting.state.undo")
    other.mkdir()
    (other / "manifest.json").write_text('{"program": "another one"}\n', encoding="utf-8")
    if link:
        undo.symlink_to(other)


def _not_ours(folder: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("making a file another user's needs root")
    os.chown(folder / "meeting.state.toml", 65534, -1)


# Issue 18: where hlmctl must not write, whatever the writer.
WRITE_STATES: dict[str, Callable[[Path], None]] = {
    "the undo folder links to another program's": lambda f: _foreign_undo_folder(f, link=True),
    "the undo folder holds another program's manifest": lambda f: _foreign_undo_folder(
        f, link=False
    ),
    "the record is read-only": lambda f: (f / "meeting.state.toml").chmod(0o444),
}


def test_where_hlmctl_may_not_write_every_writer_is_refused(seeded: Path) -> None:
    cases = {case: (lambda f, make=make: make(f)) for case, make in WRITE_STATES.items()}
    run_battery(seeded, cases, WRITERS | {"undo"})


def test_a_record_of_another_user_is_refused_by_every_writer(seeded: Path) -> None:
    run_battery(seeded, {"the record is another user's": _not_ours}, WRITERS | {"undo"})


def test_a_full_disk_or_a_refused_write_is_exit_2_naming_the_path(
    seeded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills (or the folder turns read-only) in the middle of a change: exit 2,
    one line naming the file and the cause, the record as it was."""
    import tempfile

    clean = snapshot(seeded)
    problems: list[str] = []
    for code in (errno.ENOSPC, errno.EACCES, errno.EROFS, errno.EIO):

        def fail(*args: object, code: int = code, **kwargs: object) -> tuple[int, str]:
            folder = kwargs.get("dir")
            raise OSError(code, os.strerror(code), str(folder))

        with monkeypatch.context() as patched:
            patched.setattr(tempfile, "mkstemp", fail)
            for name in sorted(WRITERS | {"undo"}):
                result = run("--now", LATER, *COMMANDS[name])
                problems += refused(result, command=name, case=os.strerror(code))
                if os.strerror(code) not in result.stderr:
                    problems.append(f"{name}: {os.strerror(code)} not named: {result.stderr!r}")
                if snapshot(seeded) != clean:
                    problems.append(f"{name} / {os.strerror(code)}: the record changed")
    assert problems == [], "\n".join(problems)


# --- the undo history --------------------------------------------------------------------------


def _undo_dir(folder: Path) -> Path:
    return folder / "meeting.state.undo"


def _manifest(folder: Path) -> dict[str, object]:
    return json.loads((_undo_dir(folder) / "manifest.json").read_text("utf-8"))  # type: ignore[no-any-return]


def test_stray_files_in_the_undo_folder_are_ignored_and_named_by_validate(
    seeded: Path,
) -> None:
    undo_dir = _undo_dir(seeded)
    strays = [
        "999999999999999999999999-ffffffffffffffff.toml",
        "000099-0000000000000000.z",
        "notes.txt",
        "weird name\u2028.z",
    ]
    for name in strays:
        (undo_dir / name).write_bytes(b"not an entry")
    (undo_dir / "a folder.z").mkdir()
    result = run("--now", LATER, "speakers", "add", "Peru")
    assert result.exit_code == 0, result.stderr
    checked = run("validate")
    assert checked.exit_code == 0, checked.stderr
    assert "not hlmctl's" in checked.stderr and "notes.txt" in checked.stderr
    for _ in range(2):  # Peru's inscription, then Belarus's call
        undone = run("undo")
        assert undone.exit_code == 0, undone.stderr
    for name in strays:
        assert (undo_dir / name).read_bytes() == b"not an entry"


def test_a_tampered_undo_entry_is_refused_naming_the_entry(seeded: Path) -> None:
    entries = _manifest(seeded)["entries"]
    assert isinstance(entries, list)
    newest = entries[-1]["file"]
    path = _undo_dir(seeded) / newest
    current = (seeded / "meeting.state.toml").read_bytes()
    if newest.endswith(".z"):  # the whole record before
        old = zlib.decompress(path.read_bytes())
        path.write_bytes(zlib.compress(old.replace(b"Belarus", b"Belgium")))
    else:  # a delta from the current record: a well-formed one that builds another record
        from hlmctl.store.delta import apply_delta, pack_delta

        old = apply_delta(path.read_bytes(), current) or b""
        assert b"Belarus" in old
        forged = pack_delta(current, old.replace(b"Belarus", b"Belgium"))
        assert forged is not None
        path.write_bytes(forged)
    before = snapshot(seeded)
    result = run("undo")
    assert refused(result, command="undo", case="tampered entry") == []
    assert newest in result.stderr and "altered" in result.stderr
    assert "meeting.state.toml:" not in result.stderr  # the entry is named, not the record
    assert snapshot(seeded) == before
    checked = run("validate")
    assert checked.exit_code == 2 and newest in checked.stderr


def test_a_damaged_undo_manifest_stops_undo_but_not_the_meeting(seeded: Path) -> None:
    (_undo_dir(seeded) / "manifest.json").write_text(
        '{"format": 1, "entries": [{"number": 1e999}]}'
    )
    record = (seeded / "meeting.state.toml").read_bytes()
    result = run("undo")
    assert refused(result, command="undo", case="damaged manifest") == []
    assert "undo history is damaged" in result.stderr
    assert (seeded / "meeting.state.toml").read_bytes() == record
    added = run("--now", LATER, "speakers", "add", "Peru")
    assert added.exit_code == 0, added.stderr
    assert run("undo").exit_code == 0
    assert (seeded / "meeting.state.toml").read_bytes() == record


def test_the_undo_history_is_bounded_in_count_and_bytes(
    seeded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hlmctl.store import file as file_store

    # Above the seeded history's length (a longer history reads as damaged), below
    # what the adds make.
    monkeypatch.setattr(file_store, "UNDO_KEEP", 12)  # the seeded history: 11 changes
    for index in range(13):
        assert (
            run("--now", LATER, "speakers", "add", f"Org {index}", "--category", "ngo").exit_code
            == 0
        )
    entries = _manifest(seeded)["entries"]
    assert isinstance(entries, list) and len(entries) == 12
    files = sorted(p.name for p in _undo_dir(seeded).iterdir() if p.name != "manifest.json")
    assert files == sorted([".hlmctl-undo", *(e["file"] for e in entries)])
    smallest = min(e["size"] for e in entries)
    monkeypatch.setattr(file_store, "UNDO_MAX_BYTES", smallest * 2)
    assert run("--now", LATER, "speakers", "add", "Org X", "--category", "ngo").exit_code == 0
    entries = _manifest(seeded)["entries"]
    assert isinstance(entries, list) and 1 <= len(entries) <= 2
    assert sum(e["size"] for e in entries) <= smallest * 2 or len(entries) == 1


# --- output never decides the fate of a change -------------------------------------------------


def test_a_failed_write_to_stdout_is_exit_6_and_names_the_change(seeded: Path) -> None:
    """Real processes: stdout to a full disk, and stdout closed. The change is made
    once; the exit code and the line tell a script not to repeat it."""
    if not Path("/dev/full").exists():
        pytest.skip("needs /dev/full")
    env = {**os.environ, "HLMCTL_NOW": LATER}
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "hlmctl", "speakers", "add", "Peru"],
            cwd=seeded,
            env=env,
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=60,
        )
    err = proc.stderr.decode()
    assert proc.returncode == 6, err
    assert "the change was recorded" in err and "Peru" in err and "Traceback" not in err
    assert len(err.splitlines()) == 1
    closed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, runpy, sys; os.close(1); sys.stdout = None; "
            "sys.argv = ['hlmctl', 'speakers', 'add', 'Chad']; "
            "runpy.run_module('hlmctl', run_name='__main__')",
        ],
        cwd=seeded,
        env=env,
        stderr=subprocess.PIPE,
        timeout=60,
    )
    err = closed.stderr.decode()
    assert closed.returncode == 6, err
    assert "Chad" in err and "do not repeat" in err
    listed = run("speakers", "list", "--format", "json").json()
    assert [s["delegation"] for s in listed].count("Peru") == 1
    assert [s["delegation"] for s in listed].count("Chad") == 1
    with open("/dev/full", "w") as full:
        reading = subprocess.run(
            [sys.executable, "-m", "hlmctl", "speakers", "list", "--format", "json"],
            cwd=seeded,
            env=env,
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=60,
        )
    assert reading.returncode == 6
    assert reading.stderr.decode().startswith("hlmctl: the output could not be written")


@pytest.mark.parametrize(
    "args",
    [
        ["agenda"],
        ["speakers", "list", "--format", "json"],
        ["now"],
        ["--help"],
        ["speakers", "add", "Ghana"],
    ],
)
def test_a_reader_that_goes_away_is_exit_0(seeded: Path, args: list[str]) -> None:
    """Real processes whose reader closes the pipe before they write (`| head` that
    has read enough): exit 0, nothing on stderr, and a change is still made once."""
    env = {**os.environ, "HLMCTL_NOW": LATER}
    proc = subprocess.Popen(
        [sys.executable, "-m", "hlmctl", *args],
        cwd=seeded,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # long before the process has started to write
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0, err
    assert err == ""
    if args[:2] == ["speakers", "add"]:
        listed = run("speakers", "list", "--format", "json").json()
        assert [s["delegation"] for s in listed].count("Ghana") == 1


def test_invalid_utf8_in_arguments_and_the_environment_is_refused(seeded: Path) -> None:
    """Real processes, as a shell passes raw bytes: one line, exit 2, nothing written."""
    before = snapshot(seeded)
    base = {k: v for k, v in os.environ.items() if not k.startswith("HLMCTL_")}
    env = {os.fsencode(k): os.fsencode(v) for k, v in base.items()}
    env[b"HLMCTL_NOW"] = LATER.encode()
    cases: list[tuple[list[bytes], dict[bytes, bytes]]] = [
        ([b"speakers", b"add", b"Bel\xffarus", b"--category", b"ngo"], env),
        ([b"speakers", b"add", b"Peru", b"--name", b"\xc3\x28"], env),
        ([b"speakers", b"add", b"Peru"], {**env, b"HLMCTL_OPERATOR": b"op\xfe"}),
        ([b"speakers", b"remove", b"\xed\xa0\x80"], env),
    ]
    for args, environment in cases:
        proc = subprocess.run(
            [os.fsencode(sys.executable), b"-m", b"hlmctl", *args],
            cwd=seeded,
            env=environment,
            capture_output=True,
            timeout=60,
        )
        err = proc.stderr.decode("utf-8", "replace")
        assert proc.returncode == 2, (args, err)
        assert len(err.splitlines()) == 1 and "Traceback" not in err, err
        assert "hides text" in err, err
    assert snapshot(seeded) == before


def test_the_fast_path_knows_every_printable_default_ignorable() -> None:
    """``str.isprintable`` catches every default-ignorable code point but a few; the
    text rule's list of those few is Unicode's, as the ``regex`` module has it."""
    import regex

    from hlmctl.text import PRINTABLE_IGNORABLES

    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    ignorable = regex.findall(r"\p{Default_Ignorable_Code_Point}", every)
    assert len(ignorable) > 4000
    assert {c for c in ignorable if c.isprintable()} == PRINTABLE_IGNORABLES


# --- variables that hlmctl's libraries read, and a full disk for help and usage ---------

BAD_DIMENSIONS = {
    "COLUMNS": ["abc", "1e3", "-5", "99999999999", "\u0661\u0662", "12 34", "0x50"],
    "LINES": ["abc", "1e3", "-1", "99999999999"],
}
TABLES = [
    ["agenda", "--format", "table"],
    ["speakers", "list", "--format", "table"],
    ["now", "--format", "table"],
    ["report", "--format", "table"],
]


def test_columns_and_lines_that_are_not_a_size_are_refused_by_name(seeded: Path) -> None:
    clean = snapshot(seeded)
    problems: list[str] = []
    for name, values in BAD_DIMENSIONS.items():
        for i, value in enumerate(values):
            args = TABLES[i % len(TABLES)]
            result = run("--now", LATER, *args, env={name: value})
            problems += refused(result, command=args[0], case=f"{name}={value!r}")
            if f"{name}=" not in result.stderr:
                problems.append(f"{name}={value!r}: the line does not name it: {result.stderr!r}")
    assert problems == [], "\n".join(problems)
    assert snapshot(seeded) == clean
    for name, value in [("COLUMNS", "0"), ("COLUMNS", ""), ("COLUMNS", "60"), ("LINES", "")]:
        assert run("--now", LATER, "agenda", "--format", "table", env={name: value}).exit_code == 0


def _process(
    args: list[str], folder: Path, env: dict[str, str], **streams: object
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "hlmctl", *args],
        cwd=folder,
        env={**os.environ, "HLMCTL_NOW": LATER, **env},
        capture_output=not streams,
        timeout=60,
        **streams,  # type: ignore[call-overload]
    )


@pytest.mark.parametrize(
    ("variables", "refused_by_name"),
    [
        ({"TZ": ":/etc/passwd"}, "TZ="),
        ({"TZ": "/dev/zero"}, "TZ="),
        ({"TZ": ":/"}, "TZ="),
        ({"TZ": "Europe/Paris"}, None),
        ({"TZ": "Nowhere/At-All"}, None),  # Babel falls back to UTC: nothing read
        ({"TERM": "xterm-\u00e9\x1b[31m", "NO_COLOR": ""}, None),
        ({"TERM": "", "FORCE_COLOR": "not-a-number"}, None),
    ],
)
def test_variables_the_libraries_read_never_end_in_exit_1(
    seeded: Path, variables: dict[str, str], refused_by_name: str | None
) -> None:
    """Real processes (Babel reads $TZ once, when first imported), French output."""
    before = snapshot(seeded)
    for args in (["--lang", "fr", "speakers", "list"], ["journal", "--lang", "fr"]):
        done = _process(args, seeded, variables)
        err = done.stderr.decode()
        if refused_by_name is None:
            assert done.returncode == 0, err
            assert "\x1b" not in done.stdout.decode()
        else:
            assert done.returncode == 2, err
            assert err.startswith(f"hlmctl: {refused_by_name}") and err.count("\n") == 1, err
    assert snapshot(seeded) == before


@pytest.mark.parametrize(
    "args",
    [["--help"], ["-h"], ["--version"], ["agenda", "--help"], ["speakers", "add", "-h"]],
)
def test_help_and_version_to_a_full_disk_are_exit_6(seeded: Path, args: list[str]) -> None:
    with open("/dev/full", "wb") as full:
        done = _process(args, seeded, {}, stdout=full, stderr=subprocess.PIPE)
    err = done.stderr.decode()
    assert done.returncode == 6, err
    assert err == "hlmctl: the output could not be written: No space left on device\n"


@pytest.mark.parametrize("args", [["agenda", "--format", "xls"], ["bogus"], ["--now"]])
def test_a_usage_error_to_a_full_disk_is_exit_6(seeded: Path, args: list[str]) -> None:
    before = snapshot(seeded)
    with open("/dev/full", "wb") as full:
        done = _process(args, seeded, {}, stdout=subprocess.PIPE, stderr=full)
    assert done.returncode == 6
    assert done.stdout == b""
    assert snapshot(seeded) == before

"""The README's examples run, and every command documents itself: the docs cannot drift."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer.main

from conftest import ROOT, run
from hlmctl.cli import app

README = (ROOT / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    """The text of the README section ``## title``, up to the next ``## ``."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", README, re.S | re.M)
    assert match, f"README has no section {title!r}"
    return match.group(1)


def code_blocks(text: str) -> list[str]:
    return re.findall(r"^```[a-z]*\n(.*?)^```", text, re.S | re.M)


def tour() -> list[str]:
    """The lines of the code block of "A short tour"."""
    blocks = code_blocks(section("A short tour"))
    assert len(blocks) == 1
    return [line for line in blocks[0].splitlines() if line.strip()]


def split(line: str) -> tuple[list[str], str | None, str | None]:
    """A tour line as (hlmctl arguments, the pipe's command, the redirect's file)."""
    words = shlex.split(line, comments=True)
    assert words[0] == "hlmctl", line
    pipe = redirect = None
    args = words[1:]
    if "|" in args:
        at = args.index("|")
        pipe = " ".join(args[at + 1 :])
        args = args[:at]
    if ">" in args:
        at = args.index(">")
        redirect = args[at + 1]
        args = args[:at]
    return args, pipe, redirect


def test_tour_lines_are_commands_or_exports() -> None:
    """Every line of the tour is an `hlmctl` command or an `export HLMCTL_...=`."""
    lines = tour()
    assert len([line for line in lines if line.startswith("hlmctl ")]) >= 20
    for line in lines:
        assert line.startswith("hlmctl ") or re.match(r"export HLMCTL_[A-Z_]+=\S+", line), line


def test_every_tour_command_runs(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tour, in order, in an empty folder: each command exits 0; piped JSON parses,
    the redirected ICS is a calendar."""
    from icalendar import Calendar

    lines = tour()
    if not any(line.split("#")[0].split() == ["hlmctl", "init"] for line in lines):
        assert run("init").exit_code == 0
    for line in lines:
        if line.startswith("export "):
            name, _, value = shlex.split(line, comments=True)[1].partition("=")
            monkeypatch.setenv(name, value)
            continue
        args, pipe, redirect = split(line)
        if args == ["timer"]:
            args = ["timer", "--once"]  # stdout is not a terminal: one frame
        result = run(*args)
        assert result.exit_code == 0, f"{line}\n{result.stdout}\n{result.stderr}"
        assert "internal error" not in result.stderr, line
        if pipe is not None:
            assert pipe.startswith("jq"), line
            assert "--format json" in line
            json.loads(result.stdout)
        if redirect is not None:
            assert redirect.endswith(".ics"), line
            cal = Calendar.from_ical(result.stdout)
            assert cal.walk("VEVENT"), line


@pytest.mark.file_store  # two folders of one meeting id, or the TOML files themselves
def test_tour_comments_tell_the_truth(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two claims of the tour: Turkey is inscribed as Türkiye; undo restores the record."""
    assert run("init").exit_code == 0
    monkeypatch.setenv("HLMCTL_NOW", "2013-05-13T09:30")
    assert run("speakers", "add", "Turkey").exit_code == 0
    assert run("speakers", "add", "Belarus").exit_code == 0
    listed = run("speakers", "list", "--format", "json").json()
    assert [s["delegation"] for s in listed] == ["Türkiye", "Belarus"]
    state = isolated / "meeting.state.toml"
    before = state.read_bytes()
    assert run("speakers", "swap", "S1", "S2").exit_code == 0
    assert state.read_bytes() != before
    assert run("undo").exit_code == 0
    assert state.read_bytes() == before


def test_the_two_set_up_commands_are_in_the_readme() -> None:
    """The README's "Two commands": install and run, then the whole check."""
    blocks = [b.strip() for b in code_blocks(section("Two commands"))]
    assert blocks == [
        "python3 -m venv .venv && .venv/bin/pip install --quiet . && .venv/bin/hlmctl agenda",
        "bash scripts/check",
    ]
    assert (ROOT / "scripts" / "check").is_file()


def test_ci_runs_the_command_the_readme_gives() -> None:
    """The last command of .ci/run is one the README shows in a code block."""
    commands = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    last = commands[-1]
    assert last in [b.strip() for b in code_blocks(README)]


# --- help --------------------------------------------------------------------------------


def command_paths() -> list[tuple[str, ...]]:
    """Every command and subcommand of hlmctl, as the words that name it."""
    root = typer.main.get_command(app)
    paths: list[tuple[str, ...]] = []

    def walk(cmd: Any, path: tuple[str, ...]) -> None:
        paths.append(path)
        if hasattr(cmd, "commands"):  # a group (Typer vendors its own click)
            for name, sub in cmd.commands.items():
                walk(sub, (*path, name))

    walk(root, ())
    return paths


def command_at(path: tuple[str, ...]) -> Any:
    cmd: Any = typer.main.get_command(app)
    for name in path:
        cmd = cmd.commands[name]
    return cmd


def test_the_contract_commands_are_all_there() -> None:
    """The commands of the contract exist (so the help test below covers them)."""
    paths = {" ".join(p) for p in command_paths()}
    for name in [
        "examples",
        "init",
        "validate",
        "agenda",
        "speakers add",
        "speakers list",
        "speakers remove",
        "speakers move",
        "speakers swap",
        "speakers import",
        "speakers export",
        "next",
        "now",
        "pause",
        "resume",
        "absent",
        "lists close",
        "lists reopen",
        "reply add",
        "timer",
        "report",
        "undo",
        "log",
    ]:
        assert name in paths


@pytest.mark.parametrize("path", command_paths(), ids=lambda p: " ".join(p) or "hlmctl")
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    """`--help` exits 0 and prints the command's description and every option's help."""
    cmd = command_at(path)
    description = (cmd.help or "").strip()
    assert description, f"{' '.join(path)} has no help text"
    result = run(*path, "--help")
    assert result.exit_code == 0, result.stderr
    words = " ".join(result.stdout.split())  # help text is wrapped to the terminal
    assert " ".join(description.split()) in words
    for param in cmd.params:
        if param.param_type_name == "option" and param.name != "help":
            assert (param.help or "").strip(), f"{' '.join(path)} {param.opts[0]} has no help"
        elif param.param_type_name == "argument":
            assert (getattr(param, "help", None) or "").strip(), (
                f"{' '.join(path)} argument {param.name} has no help"
            )


def test_every_test_the_guarantees_name_exists() -> None:
    """The Guarantees section points only at tests that exist."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Guarantees", 1)[1].split("\n## ", 1)[0]
    named = re.findall(r"`(tests/[\w/]+\.py)(?:::(\w+))?`", section)
    assert len(named) >= 10
    for path, test in named:
        source = (ROOT / path).read_text(encoding="utf-8")
        if test:
            assert f"def {test}(" in source, (path, test)


def test_the_readme_and_the_examples_point_at_nothing_outside_the_repository() -> None:
    """What a user clones stands alone: the README and the bundled files cite their
    sources by name and symbol, never a path out of the repository (``../``)."""
    shipped = [ROOT / "README.md", *sorted((ROOT / "data").rglob("*.toml"))]
    assert len(shipped) > 3
    for path in shipped:
        text = path.read_text(encoding="utf-8")
        found = re.findall(r"\.\./[\w./-]*", text)
        assert found == [], f"{path.relative_to(ROOT)} points outside the repository: {found}"
    assert "../" not in section("Output for scripts")
    for field in ("`spoken_seconds`", "`elapsed_seconds`", "`speaker_id`", "`projected`"):
        assert field in section("Output for scripts"), field

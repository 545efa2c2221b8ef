"""Shell completion: Typer's own, completing list, level, category and speaker ids and
delegation names from the meeting in use."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import run


def complete(words: str, cwd: Path, **env: str) -> list[str]:
    """What bash completion offers after ``hlmctl WORDS`` (a real process)."""
    argv = ["hlmctl", *words.split()]
    index = len(argv) - (0 if words.endswith(" ") else 1)
    full = {
        **os.environ,
        "_HLMCTL_COMPLETE": "complete_bash",
        "COMP_WORDS": " ".join(argv) + (" " if words.endswith(" ") else ""),
        "COMP_CWORD": str(index),
        **env,
    }
    code = "import sys; from hlmctl.cli import main; sys.argv[0] = 'hlmctl'; main()"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=full, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


@pytest.fixture
def inscribed(hlm: Path) -> Path:
    for name in ("Belarus", "Belgium", "Chile"):
        assert run("--now", "2013-05-10T12:00", "speakers", "add", name).exit_code == 0
    assert run("--now", "2013-05-10T12:00", "speakers", "remove", "S2").exit_code == 0
    return hlm


def test_completes_delegations_lists_levels_and_speakers(inscribed: Path) -> None:
    folder = inscribed.parent
    assert complete("speakers add Bel", folder) == ["Belarus", "Belgium", "Belize"]
    assert complete("speakers add Chile --level head-of-s", folder) == ["head-of-state"]
    assert complete("speakers add X --category un", folder) == ["un-entity"]
    assert complete("lists close pa", folder) == ["panel-1", "panel-2"]
    assert complete("speakers list --list pl", folder) == ["plenary"]
    # Waiting speakers only: S2 was withdrawn.
    assert complete("speakers remove S", folder) == ["S1", "S3"]


def test_completion_follows_the_meeting_option(inscribed: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    meeting = str(inscribed)
    assert complete(f"--meeting {meeting} speakers swap S", elsewhere) == ["S1", "S3"]
    assert complete("speakers remove S", elsewhere, HLMCTL_MEETING=meeting) == ["S1", "S3"]


def test_completion_of_a_broken_meeting_offers_nothing_and_does_not_fail(hlm: Path) -> None:
    hlm.write_text("this is [not TOML", encoding="utf-8")
    assert complete("lists close ", hlm.parent) == []

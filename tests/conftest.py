"""Shared fixtures: every test runs in its own folder, with its own clock and operator."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from hlmctl.cli import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "data" / "examples"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Run in tmp_path with no meeting, no clock and no operator from outside."""
    monkeypatch.chdir(tmp_path)
    for name in (
        "HLMCTL_MEETING",
        "HLMCTL_NOW",
        "HLMCTL_OPERATOR",
        "HLMCTL_DEBUG",
        "HLMCTL_LOCK_TIMEOUT",
        "HLMCTL_FAULT",
        "NO_COLOR",
        "FORCE_COLOR",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HLMCTL_OPERATOR", "tester")
    monkeypatch.setenv("COLUMNS", "200")
    yield tmp_path


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def run(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
    """Run hlmctl in-process, as a user would type it; stdout and stderr apart."""
    runner = CliRunner()
    result = runner.invoke(app, list(args), input=input, env=env, catch_exceptions=False)
    return Result(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def hlm(isolated: Path) -> Path:
    """A copy of the bundled 2013 meeting as ./meeting.toml, with no record."""
    shutil.copy(EXAMPLES / "hlm-2013.toml", isolated / "meeting.toml")
    return isolated / "meeting.toml"


@pytest.fixture
def gofr(isolated: Path) -> Path:
    """A copy of the bundled ministerial meeting, with its record of 22 speakers."""
    shutil.copy(EXAMPLES / "gofr-2013.toml", isolated / "gofr.toml")
    shutil.copy(EXAMPLES / "gofr-2013.state.toml", isolated / "gofr.state.toml")
    return isolated / "gofr.toml"


def hlmctl_process(
    *args: str, cwd: Path, env: dict[str, str] | None = None, **kwargs: Any
) -> subprocess.Popen[bytes]:
    """A real hlmctl process (for locks, crashes and concurrency)."""
    import os

    full_env = {**os.environ, **(env or {})}
    return subprocess.Popen(
        [sys.executable, "-m", "hlmctl", *args],
        cwd=cwd,
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **kwargs,
    )

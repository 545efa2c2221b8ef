"""`hlmctl podium` in a real terminal: tmux at 80x24, a real process, real keys."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from board_helpers import DAY, inscribe
from conftest import run


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[list[str]]:
    """A tmux server of this test's own (its own socket), ended afterwards. Without
    tmux: skipped with a message, or failed when $CI is set (scripts/system-deps)."""
    if shutil.which("tmux") is None:
        message = "tmux is missing: apt-get install tmux (or run scripts/system-deps)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    base = ["tmux", "-S", str(tmp_path / "tmux.sock")]
    try:
        yield base
    finally:
        subprocess.run([*base, "kill-server"], capture_output=True, check=False)


def screen(tmux: list[str]) -> str:
    done = subprocess.run(
        [*tmux, "capture-pane", "-p", "-t", "podium"], capture_output=True, text=True, check=False
    )
    return done.stdout


def wait_for(tmux: list[str], words: str, seconds: float = 20) -> str:
    deadline = time.monotonic() + seconds
    while True:
        shown = screen(tmux)
        if words in shown:
            return shown
        assert time.monotonic() < deadline, f"{words!r} not on the screen:\n{shown}"
        time.sleep(0.1)


def test_the_console_in_a_real_terminal_at_80x24(hlm: Path, tmux: list[str]) -> None:
    inscribe("France", "Kenya", "Japan")
    folder = hlm.parent
    rc = folder / "rc"
    command = (
        f"cd {shlex.quote(str(folder))} && HLMCTL_NOW={DAY}T11:00 "
        f"{shlex.quote(sys.executable)} -m hlmctl podium; echo $? > rc; sleep 30"
    )
    subprocess.run(
        [*tmux, "new-session", "-d", "-s", "podium", "-x", "80", "-y", "24", command],
        check=True,
        # The terminal's own size: not the COLUMNS the other tests set.
        env={
            **{k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")},
            "TERM": "xterm-256color",
        },
    )
    wait_for(tmux, "3 waiting")
    shown = wait_for(tmux, "q Quit")
    lines = shown.rstrip("\n").splitlines()
    assert len(lines) <= 24 and max(len(line) for line in lines) <= 80
    assert "Nobody is speaking" in shown and "n Next" in shown
    subprocess.run([*tmux, "send-keys", "-t", "podium", "n"], check=True)
    wait_for(tmux, "2 waiting")
    assert "S1 France" in wait_for(tmux, "✓ S1 France called")
    subprocess.run([*tmux, "send-keys", "-t", "podium", "q"], check=True)
    deadline = time.monotonic() + 20
    while not rc.exists() or not rc.read_text().strip():
        assert time.monotonic() < deadline, screen(tmux)
        time.sleep(0.1)
    assert rc.read_text().strip() == "0"
    last = run("log", "--format", "json").json()[-1]
    assert (last["command"], last["change"], last["operator"]) == (
        "next",
        "S1 France called",
        "tester",
    )

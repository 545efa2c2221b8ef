"""The countdown's phases (shared by `hlmctl timer` and the board), its text, the
meeting file's amber threshold and bell, and the timer following the store's watch."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from board_helpers import DAY, inscribe, set_rules
from conftest import run
from hlmctl.timer import PHASES, countdown, phase


@pytest.mark.parametrize(
    ("remaining", "paused", "expected"),
    [
        (None, False, None),
        (None, True, None),
        (300.0, False, "normal"),
        (30.001, False, "normal"),
        (30.0, False, "amber"),
        (0.001, False, "amber"),
        (0.0, False, "red"),
        (-0.999, False, "red"),
        (-1.0, False, "over"),
        (-600.0, False, "over"),
        (12.0, True, "paused"),
        (-12.0, True, "paused"),
    ],
)
def test_phase(remaining: float | None, paused: bool, expected: str | None) -> None:
    assert phase(remaining, paused=paused, amber_seconds=30) == expected


@pytest.mark.parametrize(
    ("remaining", "shown"),
    [
        (300.0, "5:00"),
        (80.0, "1:20"),
        (79.2, "1:20"),  # whole seconds left, rounded up: 0:00 only at the limit
        (0.4, "0:01"),
        (0.0, "0:00"),
        (-0.6, "0:00"),
        (-1.0, "+0:01"),
        (-61.9, "+1:01"),
        (-3725.0, "+1:02:05"),
    ],
)
def test_countdown_text(remaining: float, shown: str) -> None:
    assert countdown(remaining) == shown


def test_every_phase_is_styled_in_the_page() -> None:
    css = (Path(__file__).parent.parent / "src/hlmctl/board/static/board.css").read_text()
    for name in PHASES:
        assert f'[data-phase="{name}"]' in css


def test_rules_amber_and_bell_default_and_validate(hlm: Path) -> None:
    from hlmctl.meeting import load_meeting

    rules = load_meeting(hlm).rules
    assert (rules.amber_seconds, rules.bell) == (30, False)
    set_rules(hlm, amber_seconds=-5)
    result = run("validate")
    assert result.exit_code == 2
    assert "amber_seconds" in result.stderr


@pytest.mark.file_store
def test_timer_frame_uses_the_meeting_amber_threshold(hlm: Path) -> None:
    inscribe("France")
    assert run("--now", f"{DAY}T11:00", "next").exit_code == 0
    # 1:40 left of 5:00: normal with the default 30 s, amber with 120 s.
    assert "Remaining 1:40" in run("--now", f"{DAY}T11:03:20", "timer", "--once").stdout
    over = run("--now", f"{DAY}T11:05:07", "timer", "--once").stdout
    assert "OVER TIME +0:07" in over
    from hlmctl.meeting import load_meeting
    from hlmctl.store import Store
    from hlmctl.timer import frame

    set_rules(hlm, amber_seconds=120)
    meeting = load_meeting(hlm)
    record = Store(hlm).read_record(meeting)
    from datetime import datetime

    at = datetime.fromisoformat(f"{DAY}T11:03:20").replace(tzinfo=meeting.tz)
    assert frame(meeting, record, "plenary", at)[1] == "amber"
    set_rules(hlm, amber_seconds=60)
    assert frame(load_meeting(hlm), record, "plenary", at)[1] == "normal"


@pytest.mark.file_store
def test_timer_reads_the_record_again_only_when_the_watch_says_so(hlm: Path) -> None:
    """The terminal timer's follower: one read at the start, one per change."""
    from hlmctl.store import Store
    from hlmctl.timer import _Follower

    inscribe("France", "Kenya")
    assert run("--now", f"{DAY}T11:00", "next").exit_code == 0
    store = Store(hlm)
    reads = []
    real = store.read_record

    def counting(meeting):  # type: ignore[no-untyped-def]
        reads.append(1)
        return real(meeting)

    store.read_record = counting  # type: ignore[method-assign]
    meeting = store.load_meeting()
    with _Follower(store, meeting) as follower:
        for _ in range(20):
            assert follower.current().current("plenary").delegation == "France"
        assert len(reads) in (1, 2)  # the start, and maybe the watch's first yield
        before = len(reads)
        assert run("--now", f"{DAY}T11:04", "next").exit_code == 0
        assert follower.changed.wait(5)
        assert follower.current().current("plenary").delegation == "Kenya"
        assert len(reads) == before + 1


def test_other_commands_do_not_load_the_web_stack(hlm: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys, runpy\n"
        "sys.argv = ['hlmctl', 'now', '--format', 'json']\n"
        "try:\n    runpy.run_module('hlmctl', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print(sorted(m for m in ('starlette', 'uvicorn', 'watchfiles', 'anyio') "
        "if m in sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=hlm.parent, capture_output=True, text=True, check=True
    )
    assert done.stderr.strip().splitlines()[-1] == "[]"


def _in_a_terminal(
    folder: Path,
    *args: str,
    ready: Callable[[bytes], bool],
    then: Callable[[], None],
    done: Callable[[bytes], bool],
    deadline: float = 30.0,
) -> bytes:
    """Run `hlmctl ARGS` under a pseudo-terminal; call ``then()`` once what it wrote
    satisfies ``ready``, stop once it satisfies ``done`` (or after ``deadline``
    seconds: a loaded machine may start it slowly), quit with q. Returns everything
    it wrote."""
    import os
    import pty
    import select
    import subprocess
    import sys
    import time

    main, child = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "hlmctl", *args],
        cwd=folder,
        stdin=child,
        stdout=child,
        stderr=child,
        env={**os.environ, "COLUMNS": "100", "LINES": "40", "TERM": "xterm"},
    )
    os.close(child)
    out = b""
    start = time.monotonic()
    called = False
    while time.monotonic() - start < deadline:
        if not called and ready(out):
            called = True
            then()
        if called and done(out):
            break
        readable, _, _ = select.select([main], [], [], 0.1)
        if readable:
            try:
                out += os.read(main, 65536)
            except OSError:
                break
    os.write(main, b"q")
    assert proc.wait(10) == 0
    os.close(main)
    return out


def _last_frame(out: bytes) -> bytes:
    return out.split(b"\x1b[H")[-1]


@pytest.mark.file_store
@pytest.mark.parametrize("bell", ["--bell", "--no-bell"])
def test_timer_in_a_terminal_rings_at_zero_and_follows_next(hlm: Path, bell: str) -> None:
    inscribe("France", "Kenya")
    assert run("--now", f"{DAY}T11:00", "next").exit_code == 0

    def call_kenya() -> None:
        assert run("--now", f"{DAY}T11:06", "next").exit_code == 0

    # France's limit ends one second after the timer starts: Kenya is called only
    # once the overrun counts up (the bell, if any, has rung at zero by then).
    out = _in_a_terminal(
        hlm.parent,
        "--now",
        f"{DAY}T11:04:59",
        "timer",
        bell,
        ready=lambda o: b"OVER TIME" in o,
        then=call_kenya,
        done=lambda o: b"Kenya" in _last_frame(o) and b"France" not in _last_frame(o),
    )
    assert (b"\x07" in out) is (bell == "--bell")
    assert b"France" in out
    last = _last_frame(out)
    assert b"Kenya" in last and b"France" not in last

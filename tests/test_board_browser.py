"""`hlmctl board` in a real browser: the system's Chromium driven by Playwright.

One browser for the session; each test opens its own page at 1920x1080 against a
real `hlmctl board` process, and changes the record from other real processes.
Screenshots of each page are kept in build/screenshots/ for a person to look at.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from board_helpers import DAY, HOSTILE, board_process, inscribe, set_rules
from conftest import ROOT, hlmctl_process, run

SHOTS = ROOT / "build" / "screenshots"


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    pg = context.new_page()
    pg.dialogs = []
    pg.console_errors = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.on("console", lambda m: pg.console_errors.append(m.text) if m.type == "error" else None)
    try:
        yield pg
    finally:
        context.close()


def shoot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_a_next_in_another_process_reaches_the_hall_page(hlm: Path, page: Any) -> None:
    from playwright.sync_api import expect

    inscribe("France", "Kenya", HOSTILE, "Japan", "Brazil")
    assert run("--now", f"{DAY}T11:00", "next").exit_code == 0
    with board_process(hlm.parent, "--now", f"{DAY}T11:01") as (_, url):
        page.goto(url)
        delegation = page.locator('.now [data-field="now.current.delegation"]')
        expect(delegation).to_have_text("France")
        expect(page.locator("html")).to_have_attribute("data-connection", "live")
        nxt = hlmctl_process("--now", f"{DAY}T11:04", "next", cwd=hlm.parent)
        assert nxt.wait(30) == 0
        # Within 2 seconds of the change (the record is written before `next` exits).
        expect(delegation).to_have_text("Kenya", timeout=2000)
        expect(page.locator(".next-delegation")).to_have_text([HOSTILE, "Japan", "Brazil"])
        # Who has just spoken is not shown as speaking or next.
        assert "France" not in page.locator("main").inner_text()
        nxt = hlmctl_process("--now", f"{DAY}T11:08", "next", cwd=hlm.parent)
        assert nxt.wait(30) == 0
        # The hostile name is text: shown literally, no element made, no script run.
        expect(delegation).to_have_text(HOSTILE, timeout=2000)
        assert page.locator("main img").count() == 0
        shoot(page, "hall-hostile")
        page.goto(url + "caption")
        expect(page.locator(".caption-delegation")).to_have_text(HOSTILE)
        page.screenshot(path=str(SHOTS / "caption-hostile.png"), omit_background=True)
        assert page.locator("img").count() == 0
        page.goto(url + "agenda")
        expect(page.locator("tr[data-status=speaking]")).to_contain_text(HOSTILE)
        assert page.locator("img").count() == 0
    assert page.dialogs == []


def test_the_countdown_turns_amber_red_and_counts_the_overrun(hlm: Path, page: Any) -> None:
    """A 3-minute panel statement, amber 2 s before the end, the board's clock fixed
    (--now) 3.5 s before it: normal, amber from 0:02, red at 0:00, then +0:01."""
    set_rules(hlm, amber_seconds=2)
    inscribe("Sweden", "Mexico", at=f"{DAY}T15:00")
    run("--now", f"{DAY}T15:00", "speakers", "add", "Chile", "--list", "panel-1")
    assert run("--now", f"{DAY}T15:30", "next", "--list", "panel-1").exit_code == 0
    with board_process(hlm.parent, "--now", f"{DAY}T15:32:56.5") as (_, url):
        page.goto(url + "speaker?list=panel-1")
        box = page.locator("#countdown")
        digits = box.locator("[data-countdown]")
        seen: dict[str, str] = {}
        deadline = time.monotonic() + 20
        while len(seen) < 4 and time.monotonic() < deadline:
            phase, text = box.get_attribute("data-phase"), digits.inner_text()
            if phase not in seen:
                seen[phase] = text
                if phase in ("normal", "amber", "over"):
                    shoot(page, f"speaker-{phase}")
            time.sleep(0.05)
    assert list(seen) == ["normal", "amber", "red", "over"], seen
    assert seen["normal"] in ("0:04", "0:03")
    assert seen["amber"] == "0:02"
    assert seen["red"] == "0:00"
    assert seen["over"] == "+0:01"


def test_paused_is_shown_as_paused(hlm: Path, page: Any) -> None:
    from playwright.sync_api import expect

    inscribe("France")
    assert run("--now", f"{DAY}T11:00", "next").exit_code == 0
    with board_process(hlm.parent, "--now", f"{DAY}T11:01") as (_, url):
        page.goto(url + "speaker")
        box = page.locator("#countdown")
        expect(box).not_to_have_attribute("data-phase", "paused")
        assert hlmctl_process("--now", f"{DAY}T11:02", "pause", cwd=hlm.parent).wait(30) == 0
        expect(box).to_have_attribute("data-phase", "paused", timeout=2000)
        expect(box.locator("[data-countdown-state]")).to_have_text("paused")


def test_a_lost_server_is_said_plainly_and_the_page_reconnects(hlm: Path, page: Any) -> None:
    from playwright.sync_api import expect

    inscribe("France", "Kenya")
    assert run("--now", f"{DAY}T11:00", "next").exit_code == 0
    root = page.locator("html")
    with board_process(hlm.parent, "--now", f"{DAY}T11:01") as (proc, url):
        page.goto(url)
        expect(root).to_have_attribute("data-connection", "live")
        expect(root).to_have_attribute("data-version", "1")  # the stream is open
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0
        expect(root).to_have_attribute("data-connection", "lost", timeout=5000)
        expect(page.locator(".connection")).to_be_visible()
        expect(page.locator("[data-countdown-state]")).to_have_text("not live")
        shoot(page, "hall-lost")
        port = url.rsplit(":", 1)[1].strip("/")
        assert run("--now", f"{DAY}T11:03", "next").exit_code == 0
    again = hlmctl_process("--now", f"{DAY}T11:03", "board", "--port", port, cwd=hlm.parent)
    try:
        expect(root).to_have_attribute("data-connection", "live", timeout=10000)
        expect(page.locator('.now [data-field="now.current.delegation"]')).to_have_text("Kenya")
        expect(page.locator(".connection")).to_be_hidden()
    finally:
        again.send_signal(signal.SIGTERM)
        assert again.wait(10) == 0


def test_screenshots_of_each_page(hlm: Path, page: Any, browser: Any) -> None:
    """The four pages at 1920x1080, for a person to look at (build/screenshots/)."""
    from playwright.sync_api import expect

    run(
        "--now",
        f"{DAY}T09:00",
        "speakers",
        "add",
        "Austria",
        "--level",
        "head-of-state",
        "--name",
        "Heinz Fischer",
        "--title",
        "Federal President",
    )
    run(
        "--now",
        f"{DAY}T09:00",
        "speakers",
        "add",
        "Fiji",
        "--on-behalf-of",
        "Group of 77 and China",
        "--name",
        "Peter Thomson",
        "--title",
        "Permanent Representative",
    )
    inscribe("Belarus", "Nigeria", "Philippines", "Brazil")
    assert run("--now", f"{DAY}T10:00", "next").exit_code == 0
    with board_process(hlm.parent, "--now", f"{DAY}T10:03:40") as (_, url):
        for name, path, ready in [
            ("hall", "", '.now [data-field="now.current.delegation"]'),
            ("speaker", "speaker", "[data-countdown]"),
            ("caption", "caption", ".caption-name"),
            ("agenda", "agenda", "tr[data-status=speaking]"),
        ]:
            page.goto(url + path)
            expect(page.locator(ready)).to_be_visible()
            expect(page.locator("html")).to_have_attribute("data-connection", "live")
            if name == "caption":  # transparent: keyed over the video
                SHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SHOTS / "caption.png"), omit_background=True)
            else:
                shoot(page, name)
            assert (SHOTS / f"{name}.png").stat().st_size > 0
        # Half size, for the README (docs/board-hall.png is a copy of it).
        small = browser.new_context(
            viewport={"width": 1920, "height": 1080}, device_scale_factor=0.5
        )
        try:
            half = small.new_page()
            half.goto(url)
            expect(half.locator("html")).to_have_attribute("data-version", "1")
            half.screenshot(path=str(SHOTS / "hall-small.png"))
        finally:
            small.close()
    assert page.console_errors == []


def test_a_message_appears_on_the_open_speaker_page_within_a_second(hlm: Path, page: Any) -> None:
    """`hlmctl message` (a real process) on an open `/speaker` page within a second;
    on the hall page only when sent `--to hall`, as text; `--clear` takes it off."""
    from playwright.sync_api import expect

    inscribe("France", "Kenya")
    assert run("--now", f"{DAY}T11:00", "next").exit_code == 0
    with board_process(hlm.parent, "--now", f"{DAY}T11:01") as (_, url):
        page.goto(url + "speaker")
        message = page.locator('.speaker [data-message="speaker"]')
        expect(page.locator("html")).to_have_attribute("data-connection", "live")
        expect(message).to_be_hidden()
        sent = hlmctl_process(
            "--now", f"{DAY}T11:04", "message", "Please conclude", "--flash", cwd=hlm.parent
        )
        assert sent.wait(30) == 0
        written = time.monotonic()  # the record is written before `message` exits
        expect(message).to_have_text("Please conclude", timeout=1000)
        assert time.monotonic() - written < 1.0
        expect(message).to_be_visible()
        expect(message).to_have_attribute("data-flash", "")
        shoot(page, "speaker-message")
        # The hall's page shows it only when it is sent to the hall.
        page.goto(url)
        hall = page.locator('[data-message="hall"]')
        expect(hall).to_be_hidden()
        sent = hlmctl_process(
            "--now", f"{DAY}T11:04", "message", HOSTILE, "--to", "hall", cwd=hlm.parent
        )
        assert sent.wait(30) == 0
        expect(hall).to_have_text(HOSTILE, timeout=1000)
        assert page.locator("main img").count() == 0
        assert page.get_attribute('[data-message="hall"]', "data-flash") is None
        cleared = hlmctl_process("--now", f"{DAY}T11:05", "message", "--clear", cwd=hlm.parent)
        assert cleared.wait(30) == 0
        expect(hall).to_be_hidden(timeout=1000)
    assert page.dialogs == []
    assert page.console_errors == []

"""`hlmctl message` on an open `/speaker` page, in a real browser (the system's
Chromium driven by Playwright, as in test_board_browser.py): within a second."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from board_helpers import DAY, HOSTILE, board_process, inscribe
from conftest import hlmctl_process, run
from test_board_browser import browser, page, shoot

__all__ = ["browser", "page"]  # the fixtures of the browser tests


def test_a_message_appears_on_the_open_speaker_page_within_a_second(hlm: Path, page: Any) -> None:
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

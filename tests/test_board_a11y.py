"""The board for everyone, in Chromium: axe-core (from the npm registry, in
tests/axe/, injected by Playwright) finds no serious or critical violation on any
page at 1366x768, 1920x1080 and 412x823, in every phase of the countdown and in the
lost state, in English and French; a new speaker and a phase change are announced in
polite live regions; the agenda keeps the statement in progress in view by itself.
Screenshots go to build/screenshots/a11y-*.png for a person to look at."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from board_helpers import DAY, HOSTILE, board_process, inscribe, served, set_rules
from conftest import ROOT, hlmctl_process, missing, run

AXE = ROOT / "tests" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "build" / "screenshots"
SIZES = [(1366, 768), (1920, 1080), (412, 823)]
NAMES = [
    ("Belarus", "Владимир Макей", "Minister for Foreign Affairs"),
    ("Egypt", "محمد كامل عمرو", "Minister for Foreign Affairs"),
    ("China", "王毅", "Minister for Foreign Affairs"),
]


@pytest.fixture(scope="module")
def browser(browser: Any) -> Any:
    """The process's Chromium (conftest), once axe-core is known to be there."""
    if not AXE.exists():
        missing("axe-core is missing: run scripts/system-deps (npm ci in tests/axe)")
    return browser


def new_page(browser: Any, size: tuple[int, int]) -> Any:
    # The board's CSP forbids inline scripts: the test bypasses it to inject axe.
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, bypass_csp=True)
    return context.new_page()


def axe(page: Any, name: str) -> None:
    """Run axe-core on the page as it is; fail on a serious or critical violation."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"a11y-{name}.png"))
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']}: "
        + "; ".join(n["failureSummary"].replace("\n", " ") for n in v["nodes"][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], f"{name}: {bad}"


def stalled(route: Any) -> None:
    """The push stream left pending: the page keeps what the server rendered."""


def people(hlm: Path) -> None:
    for delegation, name, title in NAMES:
        ok = run("--now", f"{DAY}T09:00", "speakers", "add", delegation, "--name", name,
                 "--title", title, "--courtesy", "H.E. Mr.")  # fmt: skip
        assert ok.exit_code == 0, ok.stderr
    inscribe(HOSTILE, "Kenya")
    ok = run("--now", f"{DAY}T09:00", "speakers", "add", "Fiji", "--on-behalf-of", "Group of 77")
    assert ok.exit_code == 0, ok.stderr


def fixed(hlm: Path, hhmmss: str) -> Any:
    from hlmctl.meeting import load_meeting

    at = datetime.fromisoformat(f"{DAY}T{hhmmss}").replace(tzinfo=load_meeting(hlm).tz)
    return lambda: at


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_no_serious_violation_on_any_page_phase_or_language(
    hlm: Path, browser: Any, size: tuple[int, int]
) -> None:
    people(hlm)
    tag = f"{size[0]}x{size[1]}"
    page = new_page(browser, size)
    try:
        # Nobody speaking yet, then each phase of the first statement (5 minutes from
        # 11:00; amber in the last 30 s), then paused; each live and lost.
        check_moment(hlm, page, tag, "none", "10:59:00")
        assert run("--now", f"{DAY}T11:00", "next").exit_code == 0
        for phase, hhmmss in [
            ("normal", "11:02:10"),
            ("amber", "11:04:45"),
            ("red", "11:05:00"),
            ("over", "11:05:07"),
        ]:
            check_moment(hlm, page, tag, phase, hhmmss)
        assert run("--now", f"{DAY}T11:05:30", "pause").exit_code == 0
        check_moment(hlm, page, tag, "paused", "11:05:40")
    finally:
        page.context.close()


def check_moment(hlm: Path, page: Any, tag: str, phase: str, hhmmss: str) -> None:
    with served(hlm, clock=fixed(hlm, hhmmss)) as url:
        for lang in ("en", "fr"):
            pages = ["", "speaker"] + (["caption", "agenda"] if phase == "normal" else [])
            for path in pages:
                name = f"{tag}-{path or 'hall'}-{phase}-{lang}"
                page.route("**/api/events*", stalled)
                page.goto(f"{url}{path}?lang={lang}")
                if path in ("", "speaker"):
                    got = page.locator("#countdown").get_attribute("data-phase")
                    assert got == phase, name
                assert page.locator("html").get_attribute("lang") == lang
                axe(page, name)
                page.unroute("**/api/events*")
                if path in ("", "speaker") and phase in ("normal", "over"):
                    # Lost: the stream fails; the banner is said, the countdown "not live".
                    page.route("**/api/events*", lambda route: route.abort())
                    page.goto(f"{url}{path}?lang={lang}")
                    page.locator("html[data-connection=lost]").wait_for()
                    page.locator(".connection").wait_for(state="visible")
                    axe(page, name + "-lost")
                    page.unroute("**/api/events*")


def test_the_page_is_announced_and_the_lost_region_is_there_from_the_start(
    hlm: Path, browser: Any
) -> None:
    from playwright.sync_api import expect

    people(hlm)
    assert run("--now", f"{DAY}T11:00", "next").exit_code == 0
    page = new_page(browser, (1366, 768))
    try:
        with board_process(hlm.parent, "--now", f"{DAY}T11:01") as (_, url):
            page.goto(url)
            expect(page.locator("html")).to_have_attribute("data-version", "1")
            # The live regions are in the page from the start, and empty.
            region = page.locator(".connection-live")
            assert region.get_attribute("aria-live") == "assertive"
            assert region.inner_text().strip() == ""
            announce = page.locator("[data-announce]")
            assert announce.get_attribute("aria-live") == "polite"
            assert announce.inner_text() == ""
            # Names carry dir="auto" and, in another script, its language.
            name = page.locator('.now [data-field="now.current.name"]')
            expect(name).to_have_attribute("lang", "und-Cyrl")
            expect(name).to_have_attribute("dir", "auto")
            nxt = hlmctl_process("--now", f"{DAY}T11:04", "next", cwd=hlm.parent)
            assert nxt.wait(30) == 0
            expect(announce).to_have_text(
                "Now speaking: Egypt, H.E. Mr. محمد كامل عمرو, Minister for Foreign Affairs. "
                f"Next: China; {HOSTILE}; Kenya.",
                timeout=5000,
            )
            expect(name).to_have_attribute("lang", "und-Arab")
            page.goto(url + "?lang=fr")
            expect(page.locator("html")).to_have_attribute("data-version", "2")
            nxt = hlmctl_process("--now", f"{DAY}T11:06", "next", cwd=hlm.parent)
            assert nxt.wait(30) == 0
            expect(page.locator("[data-announce]")).to_have_text(
                "À la parole\u00a0: Chine, S. E. M. 王毅, Ministre des affaires étrangères. "
                f"Ensuite\u00a0: {HOSTILE} ; Kenya ; Fidji.",
                timeout=5000,
            )
            expect(page.locator("[data-clock]")).to_have_text(re.compile(r"^11 h 0\d$"))
        # The board gone: the banner's words are put into the region that was there.
        expect(page.locator(".connection-lost")).to_contain_text("Connexion", timeout=20000)
    finally:
        page.context.close()


def test_a_phase_change_is_announced_once(hlm: Path, browser: Any) -> None:
    """A 3-minute panel statement, amber 2 s before its end; the board's clock starts
    4.5 s before it: amber, red and over time are each said once."""
    from playwright.sync_api import expect

    set_rules(hlm, amber_seconds=2)
    run("--now", f"{DAY}T15:00", "speakers", "add", "Chile", "--list", "panel-1")
    assert run("--now", f"{DAY}T15:30", "next", "--list", "panel-1").exit_code == 0
    page = new_page(browser, (1366, 768))
    said: list[str] = []

    def heard(text: str) -> None:
        said.append(text)

    page.expose_function("heard", heard)
    page.add_init_script(
        """document.addEventListener("DOMContentLoaded", () => {
            const region = document.querySelector("[data-announce-phase]");
            new MutationObserver(() => {
                if (region.textContent) window.heard(region.textContent);
            }).observe(region, {childList: true, characterData: true, subtree: true});
        });"""
    )
    try:
        with board_process(hlm.parent, "--now", f"{DAY}T15:32:55.5") as (_, url):
            page.goto(url + "speaker?list=panel-1&lang=fr")
            box = page.locator("#countdown")
            expect(box).to_have_attribute("data-phase", "over", timeout=20000)
            page.wait_for_timeout(2000)
    finally:
        page.context.close()
    assert said == [
        "Le temps de parole est presque écoulé",
        "Le temps de parole est écoulé",
        "Temps de parole dépassé",
    ]


def test_the_agenda_keeps_the_statement_in_progress_in_view(hlm: Path, browser: Any) -> None:
    """At 1920x1080 mid-day the agenda is longer than the screen: it scrolls by itself."""
    from playwright.sync_api import expect

    for n in range(40):
        ok = run("--now", f"{DAY}T09:00", "speakers", "add", f"Delegation {n:02d}",
                 "--category", "other")  # fmt: skip
        assert ok.exit_code == 0, ok.stderr
    for hhmm in ("10:00", "10:05", "10:10", "10:15", "10:20", "10:25", "10:30", "10:35"):
        assert run("--now", f"{DAY}T{hhmm}", "next").exit_code == 0
    page = new_page(browser, (1920, 1080))
    try:
        with board_process(hlm.parent, "--now", f"{DAY}T10:36") as (_, url):
            page.goto(url + "agenda")
            row = page.locator("tr[data-status=speaking]")
            expect(row).to_be_visible()
            expect(row).to_be_in_viewport()
            main = page.locator("main.agenda")
            assert main.evaluate("m => m.scrollHeight > m.clientHeight")
            assert main.evaluate("m => m.scrollTop > 0")
            height = page.evaluate("() => document.documentElement.scrollHeight")
            assert height <= 1080  # the page fits the screen; the agenda scrolls in it
            axe(page, "1920x1080-agenda-midday")
            SHOTS.mkdir(parents=True, exist_ok=True)
            nxt = hlmctl_process("--now", f"{DAY}T10:40", "next", cwd=hlm.parent)
            assert nxt.wait(30) == 0
            expect(row).to_contain_text("Delegation 08", timeout=5000)
            expect(row).to_be_in_viewport()
    finally:
        page.context.close()

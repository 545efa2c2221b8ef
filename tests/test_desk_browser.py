"""The delegations' desk in a real browser: the system's Chromium driven by Playwright,
against a real ``hlmctl desk`` process; the Secretariat's decision made by a real
``hlmctl requests accept`` process.

The whole path of a delegation: its link, a request with a first and a second
preference, the acknowledgement with its reference and the printable receipt; the
Secretariat accepts; the delegation's page shows its place, pushed, without a
reload. axe-core finds no serious or critical violation on the pages (English and
French, wide and narrow). Screenshots go to build/screenshots/desk-*.png for a
person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, hlmctl_process, missing, run
from desk_helpers import DAY, circulate, desk_process, invite

AXE = ROOT / "tests" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "build" / "screenshots"


@pytest.fixture(scope="module")
def browser(browser: Any) -> Any:
    """The process's Chromium (conftest), once axe-core is known to be there."""
    if not AXE.exists():
        missing("axe-core is missing: run scripts/system-deps (npm ci in tests/axe)")
    return browser


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    # The desk's CSP forbids inline scripts: the test bypasses it to inject axe.
    context = browser.new_context(viewport={"width": 1366, "height": 900}, bypass_csp=True)
    pg = context.new_page()
    pg.dialogs = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    try:
        yield pg
    finally:
        context.close()


def axe(page: Any, name: str) -> None:
    """axe-core on the page as it is; fail on a serious or critical violation."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    shoot(page, name)
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']}: "
        + "; ".join(n["failureSummary"].replace("\n", " ") for n in v["nodes"][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], f"{name}: {bad}"


def shoot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"desk-{name}.png"), full_page=True)


def test_a_delegation_requests_the_floor_and_sees_its_place_pushed(hlm: Path, page: Any) -> None:
    from playwright.sync_api import expect

    secret, _ = invite(hlm, "Brazil")
    with desk_process(hlm.parent, "--now", f"{DAY}T08:10") as (_, url):
        page.goto(f"{url}k/{secret}")
        # The secret left the address bar: the link became a session.
        assert page.url == url
        expect(page.locator("h1")).to_have_text("Requests to speak")
        expect(page.locator("html")).to_have_attribute("data-connection", "live")
        axe(page, "home-empty")
        page.get_by_label("List of speakers").select_option("plenary")
        page.get_by_label("Courtesy title").fill("H.E. Mr.")
        page.get_by_label("Name of the speaker").fill("Antonio de Aguiar Patriota")
        page.get_by_label("Title or function of the speaker").fill("Minister for Foreign Affairs")
        page.get_by_label("First preference of meeting").select_option("plenary-2")
        page.get_by_label("Second preference of meeting").select_option("plenary-3")
        page.get_by_role("button", name="Send the request").click()
        # The acknowledgement, with its reference: the printable receipt.
        expect(page.locator(".ack")).to_have_text(
            "Your request was received. Its reference number is R1."
        )
        assert page.url.endswith("/receipt/R1")
        axe(page, "receipt")
        page.emulate_media(media="print")
        shoot(page, "receipt-print")
        assert page.locator("header").is_hidden()
        page.emulate_media(media="screen")
        page.get_by_role("link", name="Back to your requests").click()
        row = page.locator("#mine tbody tr").first
        expect(row.locator("td").nth(2)).to_contain_text("pending")
        expect(page.locator("html")).to_have_attribute("data-connection", "live")
        # The Secretariat accepts in another process; the page shows the place, pushed.
        accept = hlmctl_process("--now", f"{DAY}T08:15", "requests", "accept", "R1", cwd=hlm.parent)
        assert accept.wait(60) == 0, accept.stderr.read() if accept.stderr else ""
        expect(row.locator("td").nth(2)).to_have_text("accepted", timeout=5000)
        expect(row.locator("td").nth(3)).to_have_text("1")
        expect(row.locator("td").nth(4)).not_to_be_empty()
        # Held for its first preference (plenary-1 had room): the meeting, and the
        # preferences next to it.
        expect(row.locator("td").nth(5)).to_contain_text("(preferences: Plenary")
        expect(row.locator("td").nth(4)).to_contain_text("14 May")
        expect(page.locator("#live")).to_have_text("Your requests were updated.")
        axe(page, "home-accepted")
    assert page.dialogs == []


def test_the_pages_pass_axe_in_french_and_narrow(hlm: Path, browser: Any) -> None:
    from playwright.sync_api import expect

    secret, _ = invite(hlm, "France")
    context = browser.new_context(viewport={"width": 412, "height": 823}, bypass_csp=True)
    page = context.new_page()
    try:
        with desk_process(hlm.parent, "--now", f"{DAY}T08:10", "--lang", "fr") as (_, url):
            page.goto(f"{url}k/{secret}")
            expect(page.locator("html")).to_have_attribute("lang", "fr")
            axe(page, "home-fr-narrow")
            page.get_by_role("button", name="Envoyer la demande").click()
            # Sent with the first list and the form's defaults: acknowledged.
            expect(page.locator(".ack")).to_contain_text("R1")
            axe(page, "after-send-fr-narrow")
            # The same request again: refused, the reason next to the list's field.
            page.get_by_role("link", name="Retour à vos demandes").click()
            page.get_by_role("button", name="Envoyer la demande").click()
            expect(page.locator(".alert")).to_be_visible()
            expect(page.locator("#f-list")).to_have_attribute("aria-invalid", "true")
            axe(page, "error-fr-narrow")
            page.goto(f"{url}objections")
            axe(page, "objections-fr-narrow")
            page.goto(f"{url}k/not-a-link")
            axe(page, "wrong-link-fr-narrow")
    finally:
        context.close()


def test_a_member_state_objects_from_its_page(hlm: Path, page: Any) -> None:
    from playwright.sync_api import expect

    circulate(hlm)
    secret, _ = invite(hlm, "Brazil", at="2013-04-21T10:00")
    with desk_process(hlm.parent, "--now", "2013-04-22T10:00") as (_, url):
        page.goto(f"{url}k/{secret}")
        page.get_by_role("link", name="Lists of participants").click()
        axe(page, "objections")
        page.get_by_role("button", name="Object to Polaris Project").click()
        expect(page.locator(".ack")).to_contain_text("Your objection to Polaris Project (P1)")
        expect(page.get_by_role("button", name="Withdraw the objection to Polaris Project"))
        axe(page, "objections-acknowledged")
    listed = run("--now", "2013-04-22T11:00", "participants", "list", "--format", "json")
    entry = listed.json()["lists"][-1]["participants"][0]
    assert entry["state"] == "objected"


def test_the_forms_work_without_javascript(hlm: Path, browser: Any) -> None:
    from playwright.sync_api import expect

    secret, _ = invite(hlm, "Kenya")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        with desk_process(hlm.parent, "--now", f"{DAY}T08:10") as (_, url):
            page.goto(f"{url}k/{secret}")
            page.get_by_label("List of speakers").select_option("panel-1")
            page.get_by_label("Name of the speaker").fill("Amina Mohamed")
            page.get_by_role("button", name="Send the request").click()
            expect(page.locator(".ack")).to_contain_text("R1")
            page.get_by_role("link", name="Change this request").click()
            page.get_by_label("Name of the speaker").fill("Amina C. Mohamed")
            page.get_by_role("button", name="Save the change").click()
            expect(page.locator(".receipt")).to_contain_text("Amina C. Mohamed")
            page.get_by_role("button", name="Withdraw this request").click()
            expect(page.locator(".receipt")).to_contain_text("withdrawn")
            page.get_by_role("button", name="Sign out").click()
            expect(page.locator("h1")).to_have_text("Signed out")
            shoot(page, "signed-out-no-js")
    finally:
        context.close()

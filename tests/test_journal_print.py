"""The Journal's list as a page to print: strict HTML5, language and direction marks,
print rules; not-needed meetings; and the PDF that the system's Chromium prints from
it, its pages turned into PNG by pdftoppm and kept in build/screenshots/ for a person
to look at."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, hlmctl_process, run
from test_floor import FLOOR, NOW, SPEAKERS

SHOTS = ROOT / "build" / "screenshots"
HOSTILE_NAME = '</style><script>alert(1)</script>"; } body { display: none } \\'


def _inscribe(args_list: list[list[str]]) -> None:
    for args in args_list:
        result = run("--now", "2026-05-10T12:00", "speakers", "add", *args)
        assert result.exit_code == 0, result.stderr


@pytest.fixture
def floor(isolated: Path) -> Path:
    shutil.copy(FLOOR, isolated / "meeting.toml")
    _inscribe(SPEAKERS)
    return isolated / "meeting.toml"


def _strict(page: str) -> None:
    import html5lib

    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    parser.parse(page)  # raises on the first parse error
    assert parser.errors == []


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("paper", [None, "a4", "letter"])
def test_the_journal_page_is_strict_html5_with_print_rules(
    floor: Path, lang: str, paper: str | None
) -> None:
    args = ["--now", NOW, "journal", "--lang", lang, "--format", "html"]
    result = run(*args, *(["--paper", paper] if paper else []))
    assert result.exit_code == 0, result.stderr
    page = result.stdout
    _strict(page)
    assert f'<html lang="{lang}">' in page
    assert "@page" in page and "counter(page)" in page and "counter(pages)" in page
    assert "@top-left" in page and "break-after: avoid" in page
    assert ("size: A4" in page) == (paper == "a4") and ("size: letter" in page) == (
        paper == "letter"
    )
    assert not re.search(r"(src|href)=|@import|url\(|<script", page)
    # Names carry dir="auto"; a meeting's list is a table whose header repeats.
    assert '<span dir="auto">Evo Morales Ayma</span>' in page
    assert page.count("<thead>") == page.count('<section class="meeting">') - 1  # the 2nd: empty
    continued = "(suite)" if lang == "fr" else "(continued)"
    assert f"General Assembly Hall{continued}" not in page and continued in page


def test_english_fragments_of_the_french_page_say_so(floor: Path) -> None:
    page = run("--now", NOW, "journal", "--lang", "fr", "--format", "html").stdout
    _strict(page)
    marked = re.findall(r"(<span[^>]*>[^<]*</span>)? \[en anglais seulement\]", page)
    assert marked and all(m.startswith('<span lang="en" dir="auto">') for m in marked)
    assert '<span lang="en" dir="auto">Special Envoy</span> [en anglais seulement]' in page
    english = run("--now", NOW, "journal", "--format", "html").stdout
    assert 'lang="fr"' not in english.split("<body>")[1]


def test_hostile_names_stay_text_in_the_page_and_its_running_head(isolated: Path) -> None:
    meeting = FLOOR.read_text(encoding="utf-8").replace(
        'title_fr = "Réunion de haut niveau sur la traite des personnes (essai)"',
        "title_fr = " + json.dumps(HOSTILE_NAME),
    )
    assert HOSTILE_NAME in json.loads(meeting.split("title_fr = ")[1].split("\n")[0])
    (isolated / "meeting.toml").write_text(meeting, encoding="utf-8")
    _inscribe([["Chile", "--name", HOSTILE_NAME, "--title", "<i>T</i>"]])
    result = run("--now", NOW, "journal", "--format", "html", "--lang", "fr")
    assert result.exit_code == 0, result.stderr
    page = result.stdout
    _strict(page)
    assert "<script>" not in page and page.count("</style>") == 1
    assert "&lt;/style&gt;&lt;script&gt;" in page
    head = re.search(r"@top-left \{ content: (\"[^\"]*\");", page)
    assert head is not None and "<" not in head.group(1) and "\\" in head.group(1)


def test_meetings_that_are_not_needed_are_not_listed_as_meetings(hlm: Path) -> None:
    assert run("--now", "2013-05-10T12:00", "speakers", "add", "Chile").exit_code == 0
    for lang, said in (("en", "not needed"), ("fr", "inutile")):
        text = run("--now", "2013-05-12T18:00", "journal", "--lang", lang).stdout
        lines = text.splitlines()
        gone = [i for i, line in enumerate(lines) if line.endswith(said)]
        assert len(gone) == 2, [lines[i] for i in gone]  # the two the closing replaces
        for i in gone:
            assert "projected" not in lines[i] and "prévision" not in lines[i]
            assert lines[i + 1].startswith(("Not needed", "Inutile"))
            after = " ".join(lines[i + 2 : i + 3])
            assert "No speaker" not in after and "Aucun orateur" not in after
        script = run("--now", "2013-05-12T18:00", "script", "--lang", lang).stdout
        assert sum(line.endswith(said) for line in script.splitlines()) == 2


# --- the PDF ----------------------------------------------------------------------------


def test_no_browser_is_exit_2_naming_what_to_install(floor: Path) -> None:
    for env, says in (
        ({"HLMCTL_CHROMIUM": "/nonexistent/chromium"}, "HLMCTL_CHROMIUM"),
        ({"PATH": "/nonexistent"}, "apt-get install chromium"),
    ):
        result = run("--now", NOW, "journal", "--format", "pdf", env=env)
        assert result.exit_code == 2, result.stderr
        assert says in result.stderr and len(result.stderr.strip().splitlines()) == 1


def _tools() -> None:
    missing = [t for t in ("pdftoppm", "pdftotext", "pdfinfo") if shutil.which(t) is None]
    from hlmctl import pdf

    try:
        pdf.browser()
    except pdf.PdfError:
        missing.append("chromium")
    if missing:
        message = f"missing {', '.join(missing)}: run scripts/system-deps (poppler-utils, chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def _long_list() -> list[list[str]]:
    """Enough speakers that the first meeting's list runs onto a second page, with
    names in Chinese, Arabic and Cyrillic."""
    from hlmctl import delegations

    names = [d.name for d in delegations.reference().delegations][:60]
    rows = [[n, "--force"] for n in names]
    rows += [
        ["China", "--force", "--courtesy", "H.E. Mr.", "--name", "王毅"],
        ["Egypt", "--force", "--courtesy", "H.E. Mr.", "--name", "سامح شكري"],
        ["Belarus", "--force", "--courtesy", "H.E. Mr.", "--name", "Сергей Алейник"],
    ]
    return rows


@pytest.mark.parametrize(("lang", "paper"), [("fr", "a4"), ("en", "letter")])
def test_the_pdf_repeats_headings_and_numbers_its_pages(
    isolated: Path, lang: str, paper: str
) -> None:
    _tools()
    shutil.copy(FLOOR, isolated / "meeting.toml")
    _inscribe(_long_list())
    proc = hlmctl_process(
        "--now", NOW, "journal", "--lang", lang, "--format", "pdf", "--paper", paper, cwd=isolated
    )
    out, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err.decode()
    assert out.startswith(b"%PDF-")
    path = isolated / f"journal-{lang}-{paper}.pdf"
    path.write_bytes(out)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    assert pages >= 2
    assert ("A4" in info) == (paper == "a4") and ("letter" in info) == (paper == "letter")
    continued = "(suite)" if lang == "fr" else "(continued)"
    of = "sur" if lang == "fr" else "of"
    for number in range(1, pages + 1):
        text = subprocess.run(
            ["pdftotext", "-layout", "-f", str(number), "-l", str(number), str(path), "-"],
            capture_output=True,
            text=True,
        ).stdout
        assert f"Page {number} {of} {pages}" in text
        assert "trafficking in persons (test)" in text or "traite des personnes (essai)" in text
        if number > 1:  # each later page starts with a meeting's heading, continued
            first = next(line for line in text.splitlines()[1:] if line.strip())
            assert first.strip().endswith(continued), text
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob(f"journal-{lang}-{paper}-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(path), str(SHOTS / f"journal-{lang}-{paper}")],
        check=True,
    )
    shots = sorted(SHOTS.glob(f"journal-{lang}-{paper}-*.png"))
    assert len(shots) == pages and all(s.stat().st_size > 0 for s in shots)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_script_page_is_strict_html5_too(floor: Path, lang: str) -> None:
    page = run("--now", NOW, "script", "--lang", lang, "--format", "html").stdout
    _strict(page)
    assert page.count("<blockquote>") > len(SPEAKERS)
    assert '<span dir="auto">Evo Morales Ayma</span>' in page

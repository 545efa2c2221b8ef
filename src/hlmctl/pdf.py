"""A printable HTML page turned into a PDF by the system's Chromium, headless.

Chromium lays the page out as its print preview does: the page's own ``@page``
rules (size, margins, running heads and page numbers in the margin boxes), table
headers repeated on each page, ``break-*`` properties. The page is written to a
private temporary folder and read from there (nothing is fetched: the page must
carry everything it needs), with a fresh profile, no extensions and a time limit.

``$HLMCTL_CHROMIUM`` names the browser's executable; else the first of
``chromium``, ``chromium-browser``, ``google-chrome`` found on ``$PATH``. None at
all is exit 2, naming what to install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from hlmctl.errors import InputError

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT_SECONDS = 120
INSTALL_HINT = "apt-get install chromium (or run scripts/system-deps)"


class PdfError(InputError):
    """No browser to print with, or the browser could not print the page."""


def browser() -> str:
    """The executable that prints: ``$HLMCTL_CHROMIUM`` or the first on ``$PATH``."""
    chosen = os.environ.get("HLMCTL_CHROMIUM")
    if chosen:
        found = shutil.which(chosen)
        if found is None:
            raise PdfError(f"HLMCTL_CHROMIUM={chosen!r} is not an executable browser")
        return found
    for name in CANDIDATES:
        found = shutil.which(name)
        if found is not None:
            return found
    raise PdfError(f"no browser to print the PDF with: {INSTALL_HINT}")


def html_to_pdf(html: str) -> bytes:
    """The PDF of one self-contained HTML page, as Chromium prints it."""
    executable = browser()
    with tempfile.TemporaryDirectory(prefix="hlmctl-pdf-") as folder:
        where = Path(folder)
        page, out = where / "page.html", where / "page.pdf"
        page.write_text(html, encoding="utf-8")
        args = [
            executable,
            "--headless",
            "--disable-gpu",
            "--disable-extensions",
            "--disable-background-networking",
            "--no-first-run",
            "--no-default-browser-check",
            "--no-pdf-header-footer",
            f"--user-data-dir={where / 'profile'}",
            f"--print-to-pdf={out}",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.append("--no-sandbox")  # Chromium refuses its sandbox to root
        args.append(page.as_uri())
        try:
            done = subprocess.run(
                args,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise PdfError(
                f"{Path(executable).name} did not print the PDF within {TIMEOUT_SECONDS} s"
            ) from None
        except OSError as error:
            raise PdfError(f"{executable} could not be started: {error.strerror}") from None
        if not out.is_file() or out.stat().st_size == 0:
            said = done.stderr.decode("utf-8", "replace").strip().splitlines()
            last = f": {said[-1][:200]}" if said else ""
            raise PdfError(
                f"{Path(executable).name} did not print the PDF (exit {done.returncode}){last}"
            )
        return out.read_bytes()


def missing_fonts(text: str) -> list[str]:
    """The Debian font packages a page needs and the machine lacks: scripts whose
    characters would print as blanks. Asks fontconfig (``fc-list``); says nothing when
    it is not there."""
    needs = {
        "zh": ("fonts-noto-cjk", lambda c: "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf"),
        "ar": ("fonts-noto-core", lambda c: "\u0600" <= c <= "\u06ff"),
        "ru": ("fonts-noto-core", lambda c: "\u0400" <= c <= "\u04ff"),
    }
    wanted = [(lang, package) for lang, (package, test) in needs.items() if any(map(test, text))]
    if not wanted or shutil.which("fc-list") is None:
        return []
    missing: list[str] = []
    for lang, package in wanted:
        try:
            found = subprocess.run(
                ["fc-list", f":lang={lang}", "family"],
                capture_output=True,
                timeout=20,
                check=False,
            ).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return []
        if not found and package not in missing:
            missing.append(package)
    return missing

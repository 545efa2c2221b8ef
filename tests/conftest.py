"""Shared fixtures: every test runs in its own folder, with its own clock and operator,
and its record in a store: the file store, or PostgreSQL.

Stores: modules marked ``pytestmark = pytest.mark.both_stores`` run every test on
both stores; ``HLMCTL_TEST_STORE=postgres`` runs every test on PostgreSQL (tests
marked ``file_store`` look at the TOML files themselves and are left out there).
The PostgreSQL server is started once per session by the suite itself.

The suite runs in parallel (pytest-xdist, ``-n auto`` in pyproject.toml): a session
is a worker, so each worker has its own PostgreSQL server (on a free port, in a
folder of its own), its own browser and its own cache folder; every test has its
own tmp_path, and every server a test starts listens on a port the system chose.
"""

from __future__ import annotations

import json
import os
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


STORES = ("file", "postgres")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "both_stores: run each test on the file store and on PG")
    config.addinivalue_line("markers", "file_store: the test reads or writes the TOML files")
    config.addinivalue_line("markers", "postgres: the test needs the PostgreSQL test server")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    marked = metafunc.definition.get_closest_marker
    if "store_kind" in metafunc.fixturenames and marked("both_stores") and not marked("file_store"):
        metafunc.parametrize("store_kind", STORES, indirect=True)


def default_store_kind() -> str:
    kind = os.environ.get("HLMCTL_TEST_STORE", "file") or "file"
    if kind not in STORES:
        raise pytest.UsageError(f"HLMCTL_TEST_STORE={kind!r}: give one of {', '.join(STORES)}")
    return kind


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def missing(message: str) -> None:
    """A component the test needs is not installed: a failure in CI, a skip that says
    what to install on a developer's machine."""
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium through Playwright, one per test process: Playwright's sync
    API runs its own event loop, so a second ``sync_playwright()`` while the first is
    open in the same process fails (the board's, the accessibility and the desk's
    browser tests share a worker under xdist)."""
    executable = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if executable is None:
        missing("Chromium is missing: apt-get install chromium (or run scripts/system-deps)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def store_kind(request: pytest.FixtureRequest) -> str:
    """The store this test runs on: a parameter, else $HLMCTL_TEST_STORE, else file.
    A test of the file store itself (marked ``file_store``) always runs on files."""
    if request.node.get_closest_marker("file_store"):
        return "file"
    given = getattr(request, "param", None)
    if given is None and request.node.get_closest_marker("postgres"):
        return "postgres"
    return str(given or default_store_kind())


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Any]:
    """The suite's own PostgreSQL server (see tests/pgserver.py), its schema created."""
    from pgserver import pg_bin, remove, start_server

    if pg_bin() is None:
        message = (
            "PostgreSQL server binaries (initdb, pg_ctl) are missing: "
            "`apt-get install postgresql` (scripts/system-deps does it)"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    server = start_server()
    try:
        result = run(
            "--store", server.url, "--meeting", str(EXAMPLES / "hlm-2013.toml"), "store", "init"
        )
        assert result.exit_code == 0, result.stderr
        yield server
    finally:
        remove(server)


@pytest.fixture
def pg(pg_server: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The test server, emptied, selected as the store for this test."""
    pg_server.reset()
    monkeypatch.setenv("HLMCTL_STORE", pg_server.url)
    return pg_server


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache of validated meeting files for the whole run of this worker (never
    the user's own): every test reads its meeting through it, as a user's commands do."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def isolated(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
    store_kind: str,
    cache_dir: Path,
) -> Iterator[Path]:
    """Run in tmp_path with no meeting, no clock and no operator from outside, on the
    store this test runs on."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HLMCTL_CACHE_DIR", str(cache_dir))
    for name in (
        "HLMCTL_MEETING",
        "HLMCTL_NOW",
        "HLMCTL_OPERATOR",
        "HLMCTL_DEBUG",
        "HLMCTL_LOCK_TIMEOUT",
        "HLMCTL_FAULT",
        "HLMCTL_STORE",
        "NO_COLOR",
        "FORCE_COLOR",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HLMCTL_OPERATOR", "tester")
    monkeypatch.setenv("COLUMNS", "200")
    if store_kind == "postgres":
        request.getfixturevalue("pg")
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
    url = os.environ.get("HLMCTL_STORE")
    if url:  # the record goes where the test's store is
        moved = run("--meeting", "gofr.toml", "store", "copy", "--from", "file", "--to", url)
        assert moved.exit_code == 0, moved.stderr
        (isolated / "gofr.state.toml").unlink()
    return isolated / "gofr.toml"


def record_bytes(folder: Path, meeting_file: str = "meeting.toml") -> bytes | None:
    """The record's bytes, from the store this test runs on (None: no record yet)."""
    url = os.environ.get("HLMCTL_STORE")
    if not url:
        path = folder / (Path(meeting_file).stem + ".state.toml")
        return path.read_bytes() if path.exists() else None
    import psycopg

    from hlmctl.meeting import load_meeting

    mid = load_meeting(folder / meeting_file).meeting.id
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT record FROM hlmctl.meetings WHERE id = %s", (mid,)).fetchone()
    return bytes(row[0]) if row is not None and row[0] is not None else None


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

#!/usr/bin/env python3
"""From a key of `hlmctl podium` to the record, to its own screen and to the board's
pages: a benchmark (issue 24, point 2), not a test.

    .venv/bin/python bench/podium_bench.py                 # file store, 20 and 1,000 speakers
    .venv/bin/python bench/podium_bench.py --postgres      # the same on PostgreSQL too
    .venv/bin/python bench/podium_bench.py --cycles 17 --pages 10

For each store and size: a copy of the bundled meeting with that many speakers in its
plenary list; a real ``hlmctl board`` process with PAGES open event streams (httpx in
threads, each reading every event as a page does); and the console itself, run
headless in this process by Textual's test harness (``App.run_test``, 80x24), its
keys pressed by the Pilot. Each cycle presses n (next), p (pause), Space (resume),
then u three times (undo, undo, undo): six changes that leave the list as it was, so
that every action works on the same number of speakers; the clock ($HLMCTL_NOW)
moves on two seconds per key. Printed, per action and overall, median and worst:

- key -> record: from the key press until the command's change is committed (the
  store's ``change`` or ``undo`` has returned: the record is written and unlocked);
- key -> console: until the console has drawn the new record (its widgets updated);
- key -> every page: until the last of the PAGES event streams has received the
  board's new state (what each open page then shows).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # pgserver: the tests' own PostgreSQL server
EXAMPLES = ROOT / "data" / "examples"
DAY = "2013-05-13"
KEYS = ["n", "p", "space", "u", "u", "u"]
NAMES = {"n": "next", "p": "pause", "space": "resume", "u": "undo"}


def clock(i: int) -> str:
    seconds = 10 * 3600 + 60 + 2 * i  # 10:01, then two seconds per key
    return f"{DAY}T{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def hlmctl(folder: Path, env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "hlmctl", *args], cwd=folder, env=env, capture_output=True
    )
    if done.returncode != 0:
        raise SystemExit(f"hlmctl {' '.join(args)}: {done.stderr.decode().strip()}")


def meeting(folder: Path, env: dict[str, str], speakers: int, server: Any = None) -> None:
    shutil.copy(EXAMPLES / "hlm-2013.toml", folder / "meeting.toml")
    if env.get("HLMCTL_STORE"):
        hlmctl(folder, env, "store", "init")
        server.reset()  # the record of the last size goes
    # NGOs: a member-state must be one of the reference data's States, and there are
    # fewer than 1,000 of them.
    rows = "delegation,category,level\n" + "".join(
        f"NGO {i:04d},ngo,other\n" for i in range(speakers)
    )
    (folder / "speakers.csv").write_text(rows)
    hlmctl(folder, env, "--now", f"{DAY}T09:00", "speakers", "import", "speakers.csv")


class Streams:
    """PAGES event streams on the board, each noting when a state event arrives."""

    def __init__(self, url: str, pages: int) -> None:
        self.arrivals: list[list[float]] = [[] for _ in range(pages)]
        self.ready = threading.Barrier(pages + 1, timeout=60)
        self.stop = False
        for i in range(pages):
            threading.Thread(target=self._hold, args=(url, i), daemon=True).start()
        self.ready.wait()

    def _hold(self, url: str, i: int) -> None:
        with httpx.stream("GET", url + "api/events", timeout=60) as r:
            first = True
            for line in r.iter_lines():
                if self.stop:
                    return
                if line == "event: state":
                    self.arrivals[i].append(time.monotonic())
                    if first:
                        first = False
                        self.ready.wait()

    def all_after(self, t0: float, timeout: float = 10.0) -> float:
        """Seconds from t0 until every stream has a state event after t0."""
        deadline = time.monotonic() + timeout
        while True:
            later = [next((t for t in a if t > t0), None) for a in self.arrivals]
            if all(t is not None for t in later):
                return max(t for t in later if t is not None) - t0
            if time.monotonic() > deadline:
                raise SystemExit("a page did not get the change within 10 s")
            time.sleep(0.001)


def board(folder: Path, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "hlmctl", "--now", clock(0), "board", "--port", "0"],
        cwd=folder,
        env=env,
        stderr=subprocess.PIPE,
    )
    assert proc.stderr is not None
    line = proc.stderr.readline().decode()
    return proc, line.split("serving ", 1)[1].split()[0]


def measure(folder: Path, env: dict[str, str], cycles: int, pages: int) -> dict[str, Any]:
    from hlmctl import i18n
    from hlmctl.context import Env
    from hlmctl.podium.actions import Desk, Outcome
    from hlmctl.podium.app import Podium

    os.environ.update(env)
    os.environ["HLMCTL_NOW"] = clock(0)
    stamps: dict[str, float] = {}

    # The change is committed when the store's ``change`` (or ``undo``) returns: the
    # command then still renders its output, which the console does not wait for.
    from hlmctl.store.file import Store
    from hlmctl.store.postgres import PostgresStore

    for cls in (Store, PostgresStore):
        for name in ("change", "undo"):

            def timed(*a: Any, _inner: Any = getattr(cls, name), **k: Any) -> Any:
                result = _inner(*a, **k)
                stamps["record"] = time.monotonic()
                return result

            setattr(cls, name, timed)

    class TimedPodium(Podium):
        def show(self, outcome: Outcome) -> None:
            super().show(outcome)
            stamps["screen"] = time.monotonic()

    console_env = Env(meeting_option=folder / "meeting.toml")
    store = console_env.store(write=True)
    m = store.load_meeting()
    app = TimedPodium(
        Desk(console_env), store, m, m.lists[0].id, i18n.get("en"), console_env.now(m)
    )
    proc, url = board(folder, {**env, "HLMCTL_NOW": clock(0)})
    streams = Streams(url, pages)
    rows: list[tuple[str, float, float, float]] = []

    async def drive() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            i = 0
            for _ in range(cycles):
                for key in KEYS:
                    i += 1
                    os.environ["HLMCTL_NOW"] = clock(i)
                    stamps.clear()
                    t0 = time.monotonic()
                    await pilot.press(key)
                    assert app.last is not None and app.last.ok, (key, app.last)
                    pages_s = streams.all_after(t0)
                    rows.append((NAMES[key], stamps["record"] - t0, stamps["screen"] - t0, pages_s))

    try:
        asyncio.run(drive())
    finally:
        streams.stop = True
        proc.terminate()
        proc.wait(30)
    return {"rows": rows}


def report(label: str, rows: list[tuple[str, float, float, float]]) -> None:
    def ms(values: list[float]) -> str:
        return f"{1000 * statistics.median(values):6.1f} {1000 * max(values):7.1f}"

    print(f"\n{label}: {len(rows)} keys; median and worst, ms")
    print(f"{'action':8} {'key->record':>15} {'key->console':>15} {'key->every page':>15}")
    for name in [*dict.fromkeys(r[0] for r in rows), "all"]:
        chosen = [r for r in rows if name in ("all", r[0])]
        print(
            f"{name:8} {ms([r[1] for r in chosen]):>15} {ms([r[2] for r in chosen]):>15} "
            f"{ms([r[3] for r in chosen]):>15}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cycles", type=int, default=17, help="cycles of six keys (17: 102)")
    parser.add_argument("--pages", type=int, default=10, help="open event streams")
    parser.add_argument("--sizes", default="20,1000", help="speakers in the list")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL as well")
    parser.add_argument(
        "--tmp", help="the folder of the meeting files (e.g. /dev/shm: no disk under fsync)"
    )
    args = parser.parse_args()
    print(
        f"# hlmctl podium bench: Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load {os.getloadavg()[0]:.2f}, {args.cycles * len(KEYS)} keys, {args.pages} pages, "
        f"files in {args.tmp or tempfile.gettempdir()}",
        file=sys.stderr,
    )
    base = {**os.environ, "HLMCTL_OPERATOR": "bench"}
    base = {k: v for k, v in base.items() if k not in ("HLMCTL_STORE", "HLMCTL_NOW")}
    stores: list[tuple[str, dict[str, str]]] = [("file store", base)]
    server = None
    if args.postgres:
        from pgserver import start_server

        server = start_server()
        stores.append(("PostgreSQL", {**base, "HLMCTL_STORE": server.url}))
    try:
        for label, env in stores:
            for size in (int(s) for s in args.sizes.split(",")):
                with tempfile.TemporaryDirectory(prefix="hlmctl-podium-", dir=args.tmp) as tmp:
                    folder = Path(tmp)
                    meeting(folder, env, size, server)
                    # Each run in a fresh process: Textual keeps state per process.
                    one = ["--one", str(folder), str(args.cycles), str(args.pages)]
                    done = subprocess.run(
                        [sys.executable, __file__, *one],
                        env=env,
                        capture_output=True,
                        text=True,
                    )
                    if done.returncode != 0:
                        raise SystemExit(done.stderr)
                    rows = [tuple(r) for r in json.loads(done.stdout)]
                    report(f"{label}, {size:,} speakers", rows)  # type: ignore[arg-type]
    finally:
        if server is not None:
            from pgserver import remove

            remove(server)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--one":
        folder, cycles, pages = Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
        env = {k: v for k, v in os.environ.items()}
        print(json.dumps(measure(folder, env, cycles, pages)["rows"]))
    else:
        main()

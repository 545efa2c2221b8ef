#!/usr/bin/env python3
"""How fast does a change reach the hall's screens? A benchmark (issue 12), not a test.

    .venv/bin/python bench/board_bench.py             # 60 changes, 100 streams
    .venv/bin/python bench/board_bench.py --changes 50 --pages 100

1. Latency. A copy of the bundled meeting with one speaker per change in its plenary
   list; a real ``hlmctl board`` process; the hall page open in the system's Chromium
   (Playwright). For each change it runs ``hlmctl next`` as a process and waits until
   the page shows the speaker just called. A MutationObserver in the page stamps the
   moment the name changes (wall clock, the same machine). Printed: the median and
   worst time from the record written (its mtime) to the screen, and from the start
   of the ``hlmctl next`` process to the screen (which adds the command's own start).
2. Load. The same board with N open pages (event streams held by httpx in threads;
   each reads every event, as a page does): the board's resident memory and its CPU
   idle and while changes are pushed, and the time until all N streams have a change.
3. Start-up. The other commands do not load the web stack: ``hlmctl now`` in a fresh
   process is checked for starlette, uvicorn and watchfiles in ``sys.modules``.
4. Flood. ``/api/agenda`` asked 2,000 times by 8 clients at 5,000 speakers while 10
   event streams are open and a change is made (``--flood-only`` runs just this).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "data" / "examples"
DAY = "2013-05-13"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ENV = {**os.environ, "HLMCTL_OPERATOR": "bench"}


def hlmctl(folder: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    done = subprocess.run(
        [sys.executable, "-m", "hlmctl", *args], cwd=folder, env=ENV, capture_output=True
    )
    if check and done.returncode != 0:
        raise SystemExit(f"hlmctl {' '.join(args)}: {done.stderr.decode().strip()}")
    return done


def clock(i: int) -> str:
    """10:01, then 30 seconds further for each change (within the plenary meeting)."""
    seconds = 10 * 3600 + 60 + 30 * i
    return f"{DAY}T{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def meeting(folder: Path, speakers: int) -> list[str]:
    """A meeting with ``speakers`` inscribed in the plenary list; the first called."""
    shutil.copy(EXAMPLES / "hlm-2013.toml", folder / "meeting.toml")
    names = [f"Delegation {i:03d}" for i in range(speakers)]
    rows = "delegation,category\n" + "".join(f"{n},member-state\n" for n in names)
    (folder / "speakers.csv").write_text(rows)
    hlmctl(folder, "--now", f"{DAY}T09:00", "speakers", "import", "speakers.csv")
    hlmctl(folder, "--now", clock(0), "next")
    return names


class Board:
    def __init__(self, folder: Path, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "hlmctl", *args, "board", "--port", "0"],
            cwd=folder,
            env=ENV,
            stderr=subprocess.PIPE,
        )
        assert self.proc.stderr is not None
        line = self.proc.stderr.readline().decode()
        self.url = line.split("serving ", 1)[1].split()[0]

    def stop(self) -> float:
        """SIGINT; the seconds until the process ended."""
        start = time.monotonic()
        self.proc.send_signal(signal.SIGINT)
        code = self.proc.wait(30)
        if code != 0:
            raise SystemExit(f"hlmctl board ended with {code}")
        return time.monotonic() - start

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")


OBSERVER = """() => {
  window.__seen = [];
  const el = document.querySelector('.now [data-field="now.current.delegation"]');
  new MutationObserver(() => window.__seen.push(
    [el.textContent, performance.timeOrigin + performance.now()]
  )).observe(el, {childList: true, characterData: true, subtree: true});
}"""


def latency(changes: int) -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        names = meeting(folder, changes + 2)
        record = folder / "meeting.state.toml"
        board = Board(folder, "--now", clock(0))
        from_write: list[float] = []
        from_start: list[float] = []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            page.goto(board.url)
            page.wait_for_selector("html[data-version]")
            page.evaluate(OBSERVER)
            for i in range(1, changes + 1):
                expected = names[i]
                start = time.time()
                hlmctl(folder, "--now", clock(i), "next")
                written = record.stat().st_mtime_ns / 1e9
                page.wait_for_function(
                    "name => window.__seen.some(s => s[0] === name)", arg=expected, timeout=10000
                )
                shown = (
                    page.evaluate("name => window.__seen.find(s => s[0] === name)[1]", expected)
                    / 1000
                )
                from_write.append(shown - written)
                from_start.append(shown - start)
            browser.close()
        board.stop()

    def ms(values: list[float], f: object) -> str:
        return f"{1000 * f(values):.0f} ms"  # type: ignore[operator]

    print(f"Latency over {changes} `hlmctl next` runs, to the hall page in Chromium:")
    print(
        f"  record written -> on screen: median {ms(from_write, statistics.median)}, "
        f"worst {ms(from_write, max)}"
    )
    print(
        f"  `hlmctl next` started -> on screen: median {ms(from_start, statistics.median)}, "
        f"worst {ms(from_start, max)}"
    )


def load(pages: int, changes: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        names = meeting(folder, changes + 2)
        board = Board(folder, "--now", clock(0))
        rss_before = board.rss_mb()
        seen: dict[int, list[tuple[str, float]]] = {i: [] for i in range(pages)}
        opened = threading.Barrier(pages + 1, timeout=60)

        def hold(i: int) -> None:
            with httpx.stream("GET", board.url + "api/events", timeout=60) as r:
                first = True
                for line in r.iter_lines():
                    if line.startswith("data: ") and '"now"' in line:
                        current = json.loads(line[6:])["now"]["current"]
                        seen[i].append((current and current["delegation"], time.time()))
                        if first:
                            first = False
                            opened.wait()

        threads = [threading.Thread(target=hold, args=(i,), daemon=True) for i in range(pages)]
        for t in threads:
            t.start()
        opened.wait()
        time.sleep(1)
        rss_open = board.rss_mb()
        cpu0, t0 = board.cpu_seconds(), time.monotonic()
        time.sleep(10)
        idle = (board.cpu_seconds() - cpu0) / (time.monotonic() - t0)
        fanout: list[float] = []
        cpu0, t0 = board.cpu_seconds(), time.monotonic()
        for i in range(1, changes + 1):
            hlmctl(folder, "--now", clock(i), "next")
            written = (folder / "meeting.state.toml").stat().st_mtime_ns / 1e9
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                got = [
                    next((at for who, at in seen[p] if who == names[i]), None) for p in range(pages)
                ]
                if all(g is not None for g in got):
                    fanout.append(max(g for g in got if g is not None) - written)
                    break
                time.sleep(0.005)
        busy_cpu = (board.cpu_seconds() - cpu0) / (time.monotonic() - t0)
        rss_after = board.rss_mb()
        stop = board.stop()
        for t in threads:
            t.join(10)
    print(f"{pages} open pages (event streams), {changes} changes:")
    print(
        f"  board memory: {rss_before:.0f} MB with none open, {rss_open:.0f} MB with "
        f"{pages}, {rss_after:.0f} MB after the changes"
    )
    print(
        f"  board CPU: {100 * idle:.1f}% of a core idle, {100 * busy_cpu:.1f}% while "
        f"changes are pushed (one `hlmctl next` every "
        f"{(time.monotonic() - t0) / max(changes, 1):.1f} s)"
    )
    if fanout:
        print(
            f"  record written -> all {pages} streams have it: median "
            f"{1000 * statistics.median(fanout):.0f} ms, worst {1000 * max(fanout):.0f} ms "
            f"({len(fanout)} of {changes} changes reached every stream)"
        )
    print(f"  SIGINT with {pages} streams open -> exit 0 in {stop:.2f} s")


def flood(speakers: int, requests: int, clients: int, streams: int = 10) -> None:
    """A flood of ``/api/agenda`` on loopback at ``speakers`` speakers, with open event
    streams: requests per second, each request's time, and whether the streams stay
    live (the longest silence on any of them; a change made during the flood)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        names = meeting(folder, speakers)
        board = Board(folder, "--now", clock(0))
        heard: dict[int, list[tuple[float, str]]] = {i: [] for i in range(streams)}
        opened = threading.Barrier(streams + 1, timeout=120)
        done = threading.Event()

        def hold(i: int) -> None:
            with httpx.stream("GET", board.url + "api/events", timeout=120) as r:
                first = True
                for line in r.iter_lines():
                    if done.is_set():
                        return
                    if line.startswith("data: "):
                        current = json.loads(line[6:]).get("now", {}).get("current")
                        heard[i].append((time.monotonic(), (current or {}).get("delegation", "")))
                        if first:
                            first = False
                            opened.wait()

        holders = [threading.Thread(target=hold, args=(i,), daemon=True) for i in range(streams)]
        for t in holders:
            t.start()
        opened.wait()
        times: list[float] = []

        def client() -> None:
            with httpx.Client(base_url=board.url, timeout=120) as c:
                for _ in range(requests // clients):
                    start = time.monotonic()
                    c.get("api/agenda").raise_for_status()
                    times.append(time.monotonic() - start)

        cpu0, t0 = board.cpu_seconds(), time.monotonic()
        workers = [threading.Thread(target=client) for _ in range(clients)]
        for w in workers:
            w.start()
        time.sleep(1)
        hlmctl(folder, "--now", clock(1), "next")
        # When the record was written, on the monotonic clock of the streams' stamps.
        written = (folder / "meeting.state.toml").stat().st_mtime_ns / 1e9
        changed_at = time.monotonic() - (time.time() - written)
        for w in workers:
            w.join()
        elapsed = time.monotonic() - t0
        cpu = (board.cpu_seconds() - cpu0) / elapsed
        time.sleep(1)
        done.set()
        reached = [
            next((at for at, who in heard[i] if who == names[1] and at >= changed_at), None)
            for i in range(streams)
        ]
        gaps = [
            max((b[0] - a[0] for a, b in zip(heard[i], heard[i][1:], strict=False)), default=0)
            for i in range(streams)
        ]
        board.stop()
    times.sort()
    print(
        f"A flood of {len(times)} `/api/agenda` requests from {clients} clients at "
        f"{speakers} speakers, {streams} event streams open:"
    )
    print(
        f"  {len(times) / elapsed:.0f} requests/s; each request: median "
        f"{1000 * statistics.median(times):.1f} ms, 95th percentile "
        f"{1000 * times[int(0.95 * (len(times) - 1))]:.1f} ms; board CPU {100 * cpu:.0f}%"
    )
    late = [r - changed_at for r in reached if r is not None]
    print(
        f"  a change made during the flood reached {len(late)} of {streams} streams"
        + (f", the last {1000 * max(late):.0f} ms after the record was written" if late else "")
        + f"; longest silence on a stream: {max(gaps):.1f} s (heartbeat every 5 s)"
    )


def startup() -> None:
    code = (
        "import sys, runpy; sys.argv = ['hlmctl', 'now', '--format', 'json'];\n"
        "try:\n    runpy.run_module('hlmctl', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "heavy = [m for m in ('starlette', 'uvicorn', 'watchfiles', 'playwright') "
        "if m in sys.modules]\n"
        "print(','.join(heavy) or 'none', file=sys.stderr)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(EXAMPLES / "hlm-2013.toml", Path(tmp) / "meeting.toml")
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=tmp, env=ENV, capture_output=True, text=True
        )
    print(f"`hlmctl now` loads of the web stack: {done.stderr.strip().splitlines()[-1]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=60)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--load-changes", type=int, default=10)
    parser.add_argument("--flood-speakers", type=int, default=5000)
    parser.add_argument("--flood-requests", type=int, default=2000)
    parser.add_argument("--flood-only", action="store_true", help="run only the flood")
    args = parser.parse_args()
    if not args.flood_only:
        startup()
        latency(args.changes)
        load(args.pages, args.load_changes)
    flood(args.flood_speakers, args.flood_requests, clients=8)


if __name__ == "__main__":
    main()

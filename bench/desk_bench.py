#!/usr/bin/env python3
"""How much does the delegations' desk take, and how fast does a decision reach a
delegation's page? A benchmark (issue 23), not a test.

    .venv/bin/python bench/desk_bench.py                  # both stores
    .venv/bin/python bench/desk_bench.py --store file --delegations 50 --clients 8

For each store (the file store; PostgreSQL, its own server started as the tests
start it: tests/pgserver.py):

1. Throughput. A real ``hlmctl desk`` process behind a "proxy" (``--trusted-proxy
   127.0.0.1``: each delegation's connection carries its own X-Forwarded-For, as
   behind nginx, so the per-address limit counts each delegation apart). N
   delegations sign in with their links; then ``--clients`` threads send their
   requests (4 each: a statement in each list and a right of reply), as fast as the
   desk answers. Printed: requests per second sustained (each one a write of the
   record, acknowledged with its reference) and the time of one request (median,
   95th percentile); then the delegation's page (GET /) per second.
2. Decision to page. One delegation's push stream (/events) held open; for each of
   its requests, ``hlmctl requests accept`` runs as a process; the time until the
   stream carries the request accepted with its place is measured from the start of
   the process (what an operator waits); printed: median and worst, and how often
   the page had it before the command had even exited (the record is written before
   the command's own shutdown). (The browser adds its paint, a few milliseconds: see
   tests/test_desk_browser.py for the whole path in Chromium.)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT / "tests")]
EXAMPLES = ROOT / "data" / "examples"
DAY = "2013-05-13"
TOKEN = re.compile(r'name="csrf" value="([^"]+)"')
FOUR = [
    {"list": "plenary", "first": "plenary-2", "second": "plenary-3"},
    {"list": "panel-1"},
    {"list": "panel-2"},
    {"list": "plenary", "kind": "reply"},
]


def hlmctl(folder: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[bytes]:
    done = subprocess.run(
        [sys.executable, "-m", "hlmctl", *args], cwd=folder, env=env, capture_output=True
    )
    if done.returncode != 0:
        raise SystemExit(f"hlmctl {' '.join(args)}: {done.stderr.decode()}")
    return done


def delegations(count: int) -> list[str]:
    from hlmctl import delegations as reference

    names = [e.name for e in reference.reference().delegations if e.category == "member-state"]
    return names[:count]


def invite_all(folder: Path, env: dict[str, str], names: list[str]) -> dict[str, str]:
    """One link each, in one process (the domain, through the store)."""
    code = (
        "import json, sys\n"
        "from datetime import datetime\n"
        "from hlmctl import invites\n"
        "from hlmctl.clock import Clock\n"
        "from hlmctl.context import Env\n"
        "store = Env().store(write=True); m = store.load_meeting()\n"
        f"at = datetime.fromisoformat('{DAY}T08:00').replace(tzinfo=m.tz)\n"
        "out = {}\n"
        "def apply(record, now):\n"
        "    for name in json.loads(sys.argv[1]):\n"
        "        inv, secret = invites.issue_invite(m, record, name, now, operator='bench')\n"
        "        out[name] = secret\n"
        "store.change(m, apply, clock=Clock(m.tz, at), operator='bench', command='bench',"
        " describe=lambda r: 'bench invitations')\n"
        "print(json.dumps(out))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(names)],
        cwd=folder,
        env=env,
        capture_output=True,
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr.decode())
    return dict(json.loads(done.stdout))


@contextmanager
def desk(folder: Path, env: dict[str, str]) -> Iterator[str]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hlmctl",
            "--now",
            f"{DAY}T08:05",
            "desk",
            "--port",
            "0",
            "--trusted-proxy",
            "127.0.0.1",
        ],
        cwd=folder,
        env=env,
        stderr=subprocess.PIPE,
    )
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline().decode()
        found = re.search(r"http://\S+/", line)
        if not found:
            raise SystemExit(line + proc.stderr.read().decode())
        yield found.group(0)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


class Delegation:
    def __init__(self, url: str, name: str, number: int) -> None:
        self.name = name
        self.client = httpx.Client(
            base_url=url,
            follow_redirects=False,
            timeout=120,
            headers={"x-forwarded-for": f"10.{number // 250}.{number % 250}.1"},
        )
        self.origin = url.rstrip("/")
        self.token = ""

    def sign_in(self, secret: str) -> None:
        assert self.client.get(f"/k/{secret}").status_code == 303
        found = TOKEN.search(self.client.get("/").text)
        assert found
        self.token = found.group(1)

    def request(self, n: int) -> tuple[str, float]:
        fields = {
            "list": "plenary", "kind": "statement", "level": "", "courtesy": "H.E. Mr.",
            "name": f"Speaker {n} of {self.name}", "title": "Minister", "on_behalf_of": "",
            "first": "", "second": "", "note": "", **FOUR[n], "csrf": self.token,
        }  # fmt: skip
        start = time.perf_counter()
        answer = self.client.post("/request", data=fields, headers={"origin": self.origin})
        took = time.perf_counter() - start
        if answer.status_code != 303:
            raise SystemExit(f"{self.name} request {n}: {answer.status_code} {answer.text[:300]}")
        return answer.headers["location"].rsplit("/", 1)[-1], took


def throughput(url: str, secrets: dict[str, str], clients: int) -> dict[str, object]:
    people = [Delegation(url, name, n) for n, name in enumerate(secrets)]
    for d in people:
        d.sign_in(secrets[d.name])
    jobs = [(d, n) for n in range(4) for d in people]
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(lambda job: job[0].request(job[1]), jobs))
    wall = time.perf_counter() - start
    times = sorted(t for _, t in results)
    refs = {r for r, _ in results}
    assert len(refs) == len(jobs), "a request was acknowledged twice or lost"
    pages = 0
    start = time.perf_counter()

    def read(d: Delegation) -> None:
        nonlocal pages
        for _ in range(5):
            assert d.client.get("/").status_code == 200
            pages += 1

    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(read, people))
    page_wall = time.perf_counter() - start
    for d in people:
        d.client.close()
    return {
        "requests": len(jobs),
        "per_second": len(jobs) / wall,
        "median_ms": 1000 * statistics.median(times),
        "p95_ms": 1000 * times[int(0.95 * (len(times) - 1))],
        "pages_per_second": pages / page_wall,
    }


def decision_to_page(
    folder: Path, env: dict[str, str], url: str, name: str, secret: str, count: int
) -> tuple[list[float], list[float]]:
    person = Delegation(url, name, 9999)
    person.sign_in(secret)
    refs = [person.request(n % 4)[0] for n in range(min(count, 4))]
    seen: dict[str, float] = {}
    ready = threading.Event()
    stop = threading.Event()

    def follow() -> None:
        with person.client.stream("GET", "/events", timeout=None) as stream:
            data = ""
            for line in stream.iter_lines():
                if stop.is_set():
                    return
                if line.startswith("data: "):
                    data += line[6:]
                elif line == "" and data:
                    rows = json.loads(data).get("rows")
                    data = ""
                    ready.set()
                    for row in rows or []:
                        if row["status"] == "accepted" and row["place"] and row["ref"] not in seen:
                            seen[row["ref"]] = time.perf_counter()

    thread = threading.Thread(target=follow, daemon=True)
    thread.start()
    ready.wait(30)
    from_start: list[float] = []
    from_write: list[float] = []
    for n, ref in enumerate(refs):
        at = f"{DAY}T08:{10 + n:02d}"
        start = time.perf_counter()
        hlmctl(folder, env, "--now", at, "requests", "accept", ref)
        written = time.perf_counter()
        deadline = written + 30
        while ref not in seen and time.perf_counter() < deadline:
            time.sleep(0.001)
        if ref not in seen:
            raise SystemExit(f"{ref} accepted but never pushed to the page")
        from_start.append(seen[ref] - start)
        from_write.append(seen[ref] - written)
    stop.set()
    person.client.close()
    return from_start, from_write


def bench_store(kind: str, args: argparse.Namespace, url: str | None) -> None:
    with tempfile.TemporaryDirectory(prefix=f"hlmctl-desk-bench-{kind}-") as tmp:
        folder = Path(tmp)
        shutil.copy(EXAMPLES / "hlm-2013.toml", folder / "meeting.toml")
        env = {**os.environ, "HLMCTL_OPERATOR": "bench", "HLMCTL_MEETING": "meeting.toml"}
        env.pop("HLMCTL_STORE", None)
        if url is not None:
            env["HLMCTL_STORE"] = url
        names = delegations(args.delegations + 1)
        secrets = invite_all(folder, env, names)
        last = names[-1]
        last_secret = secrets.pop(last)
        with desk(folder, env) as address:
            figures = throughput(address, secrets, args.clients)
            from_start, from_write = decision_to_page(
                folder, env, address, last, last_secret, args.accepts
            )
        print(
            f"{kind:10} {figures['requests']} requests from {len(secrets)} delegations, "
            f"{args.clients} at a time: {figures['per_second']:.0f} requests/s sustained; "
            f"one request {figures['median_ms']:.0f} ms median, {figures['p95_ms']:.0f} ms p95; "
            f"the delegation's page {figures['pages_per_second']:.0f}/s"
        )
        print(
            f"{kind:10} accept -> page shows the place ({len(from_start)} decisions): "
            f"from `requests accept` started {1000 * statistics.median(from_start):.0f} ms "
            f"median, {1000 * max(from_start):.0f} ms worst; shown before the command "
            f"had exited in {sum(1 for t in from_write if t < 0)} of {len(from_write)}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--store", choices=["file", "postgres", "both"], default="both")
    parser.add_argument("--delegations", type=int, default=50)
    parser.add_argument("--clients", type=int, default=8, help="requests sent at a time")
    parser.add_argument("--accepts", type=int, default=4, help="decisions timed (at most 4)")
    args = parser.parse_args()
    print(
        f"# hlmctl desk bench: Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load {os.getloadavg()[0]:.2f}",
        file=sys.stderr,
    )
    if args.store in ("file", "both"):
        bench_store("file", args, None)
    if args.store in ("postgres", "both"):
        from pgserver import remove, start_server

        server = start_server()
        try:
            init = {**os.environ, "HLMCTL_OPERATOR": "bench"}
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "hlmctl",
                    "--store",
                    server.url,
                    "--meeting",
                    str(EXAMPLES / "hlm-2013.toml"),
                    "store",
                    "init",
                ],
                env=init,
                check=True,
                capture_output=True,
            )
            bench_store("postgresql", args, server.url)
        finally:
            remove(server)


if __name__ == "__main__":
    main()

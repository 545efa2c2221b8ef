#!/usr/bin/env python3
"""The PostgreSQL store against the file store: a benchmark (issue 13), not a test.

    .venv/bin/python bench/bench_postgres.py            # 15 runs per command
    .venv/bin/python bench/bench_postgres.py --quick    # 5 runs

It starts its own PostgreSQL server (as the tests do: tests/pgserver.py, from the
system's packages, on a free loopback port, in a temporary folder; scram-sha-256
password authentication over TCP, as two desks would use it), builds records of
20 and 1,000 speakers with bench/bench.py's builder, copies each into PostgreSQL
with ``hlmctl store copy``, then times ``next``, ``now`` and ``speakers add`` as
subprocesses on both stores, interleaved, the record put back before each run.

Then the change-to-screen latency: a watcher (``PostgresStore.watch``, the
LISTEN/NOTIFY of ``hlmctl board`` and ``timer``) in this process, and
(a) changes made in this process: from the start of the change to the watcher
waking, and from the commit returning to the watcher waking; (b) ``hlmctl next``
run as a subprocess on another desk's folder: from its start to the watcher
waking (process start-up included).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]

from bench import Folder, Variant, build_record, hlmctl_argv, run  # noqa: E402

from pgserver import remove, start_server  # noqa: E402

SIZES = (20, 1000)
COMMANDS: list[tuple[str, list[str]]] = [
    ("next", ["next"]),
    ("now", ["now"]),
    ("speakers add", ["speakers", "add", "Bench Entity", "--category", "igo"]),
]


def pg_restore(url: str, folder: Folder) -> None:
    """Put the PostgreSQL record back as the file snapshot has it, no undo history."""
    import psycopg

    raw = (folder.snapshot / "meeting.state.toml").read_bytes()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DELETE FROM hlmctl.undo")
        conn.execute("UPDATE hlmctl.meetings SET record = %s", (raw,))


def latency(url: str, folder: Folder, runs: int) -> dict[str, list[float]]:
    from hlmctl.store.postgres import PostgresStore

    store = PostgresStore(folder.path / "meeting.toml", url, operator="bench")
    meeting = store.load_meeting()
    stop = threading.Event()
    woke = threading.Event()
    wakes: list[float] = []

    def follow() -> None:
        for _ in store.watch(stop):
            wakes.append(time.perf_counter())
            woke.set()

    thread = threading.Thread(target=follow, daemon=True)
    thread.start()
    woke.wait(10)
    time.sleep(0.5)  # listening
    at = datetime.fromisoformat("2013-05-13T10:00:00-04:00")
    found: dict[str, list[float]] = {"start": [], "commit": [], "process": []}
    for _ in range(runs):
        woke.clear()
        start = time.perf_counter()
        store.change(meeting, lambda r: r.new_id(), at=at, operator="b", command="c", describe=str)
        done = time.perf_counter()
        if not woke.wait(10):
            raise SystemExit("bench: the watcher did not wake")
        found["start"].append(wakes[-1] - start)
        found["commit"].append(wakes[-1] - done)
    env = Variant("installed", None).env()
    env["HLMCTL_STORE"] = url
    for _ in range(runs):
        pg_restore(url, folder)
        time.sleep(0.2)
        woke.clear()
        start = time.perf_counter()
        run([*hlmctl_argv(), "next"], folder.path, env, 60)
        if not woke.wait(10):
            raise SystemExit("bench: the watcher did not wake")
        found["process"].append(wakes[-1] - start)
    stop.set()
    thread.join(5)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="5 runs per command")
    parser.add_argument("--repeat", type=int, help="runs per command (default 15, quick 5)")
    args = parser.parse_args()
    repeat = args.repeat or (5 if args.quick else 15)
    print(
        f"# hlmctl PostgreSQL bench: Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load {os.getloadavg()[0]:.2f}, {repeat} runs per command",
        file=sys.stderr,
    )
    server = start_server()
    try:
        with tempfile.TemporaryDirectory(prefix="hlmctl-bench-pg-") as tmp:
            root = Path(tmp)
            variant = Variant("installed", None)
            file_env = variant.env()
            file_env.pop("HLMCTL_STORE", None)
            pg_env = {**file_env, "HLMCTL_STORE": server.url}
            hl = hlmctl_argv()
            folders = {}
            for size in SIZES:
                folder = build_record(root, variant, size, 600)
                folders[size] = folder
            samples: dict[tuple[str, str, int], list[float]] = {}
            cpu: dict[tuple[str, str, int], list[float]] = {}
            for round_ in range(repeat):
                print(f"  round {round_ + 1}/{repeat}", file=sys.stderr)
                for size, folder in folders.items():
                    # one meeting id for both sizes: copy the size's record in first
                    folder.restore()
                    run([*hl, "store", "copy", "--from", "file", "--to", server.url, "--force"],
                        folder.path, file_env, 600)  # fmt: skip
                    for name, argv in COMMANDS:
                        for store, env in (("file", file_env), ("postgresql", pg_env)):
                            if store == "file":
                                folder.restore()
                            else:
                                pg_restore(server.url, folder)
                            seconds, used, _ = run([*hl, *argv], folder.path, env, 600)
                            samples.setdefault((name, store, size), []).append(seconds)
                            cpu.setdefault((name, store, size), []).append(used)
            folders[20].restore()
            run([*hl, "store", "copy", "--from", "file", "--to", server.url, "--force"],
                folders[20].path, file_env, 600)  # fmt: skip
            folders[20].save()
            lat = latency(server.url, folders[20], repeat * 2)
    finally:
        remove(server)

    med = statistics.median
    # Wall time follows the machine's load; CPU time (user + system of the child, the
    # server's work not included) much less so.
    print(
        "| command | speakers | file wall ms | PG wall ms | file CPU ms | PG CPU ms "
        "| PG / file CPU |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for size in SIZES:
        for name, _ in COMMANDS:
            f = med(samples[(name, "file", size)]) * 1000
            p = med(samples[(name, "postgresql", size)]) * 1000
            fc = med(cpu[(name, "file", size)]) * 1000
            pc = med(cpu[(name, "postgresql", size)]) * 1000
            print(
                f"| {name} | {size:,} | {f:.0f} | {p:.0f} | {fc:.0f} | {pc:.0f} | {pc / fc:.2f} |"
            )
    print()
    print("| change to screen (LISTEN/NOTIFY) | median (ms) | max (ms) |")
    print("| --- | ---: | ---: |")
    for key, label in (
        ("start", "change started in-process -> watcher woke"),
        ("commit", "commit returned -> watcher woke"),
        ("process", "`hlmctl next` launched -> watcher woke"),
    ):
        values = [v * 1000 for v in lat[key]]
        print(f"| {label} | {med(values):.1f} | {max(values):.1f} |")


if __name__ == "__main__":
    main()

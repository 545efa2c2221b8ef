#!/usr/bin/env python3
"""What one undo entry costs at 10,000 speakers (issue 14): a benchmark, not a test.

    .venv/bin/python bench/bench_undo.py                       # this checkout's hlmctl
    .venv/bin/python bench/bench_undo.py --src /tmp/before/src # and another one beside it

The record is built as bench/bench.py builds it (``hlmctl init``, one ``speakers
import`` of its generated CSV, ``next``). Then, for each version of hlmctl (this
checkout's ``src``, and each ``--src DIR`` given), a child Python with that version
first on its path makes ``--writes`` changes in a row (default 200) through the CLI,
in process (typer's CliRunner): ``speakers add``, ``next`` and ``speakers move`` in
turn. ``Store._keep_for_undo`` is timed around each write (the entry, the manifest and
their fsyncs, not the parse or the record's own write). Printed: the median and 90th
percentile per write, the size of the undo history after the writes, and the time of
one ``undo`` (in process) with a check that it gave back the bytes of before.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def child(folder: Path, writes: int, speakers: int) -> None:
    """Runs in the child: the writes, timed, then one undo; JSON on stdout."""
    from typer.testing import CliRunner

    from hlmctl.cli import app
    from hlmctl.store import file as file_store

    seconds: list[float] = []
    keep = file_store.Store._keep_for_undo

    def timed(self: file_store.Store, old: bytes | None, new: bytes) -> None:
        started = time.perf_counter()
        keep(self, old, new)
        seconds.append(time.perf_counter() - started)

    file_store.Store._keep_for_undo = timed  # type: ignore[method-assign]
    runner = CliRunner()
    env = {"HLMCTL_NOW": "2013-05-13T10:00", "HLMCTL_OPERATOR": "bench", "NO_COLOR": "1"}
    meeting = str(folder / "meeting.toml")

    def run(*args: str) -> None:
        result = runner.invoke(app, ["--meeting", meeting, *args], env=env)
        if result.exit_code != 0:
            raise SystemExit(f"bench_undo: {' '.join(args)}: {result.output}")

    record = folder / "meeting.state.toml"
    before = b""
    for i in range(writes):
        before = record.read_bytes()
        if i % 3 == 0:
            run("speakers", "add", f"Undo Bench {i:04d}", "--category", "ngo")
        elif i % 3 == 1:
            run("next")
        else:
            half = speakers // 2
            run("speakers", "move", f"S{half + i}", "--to", str(10 + (i * 37) % half))
    undo_dir = folder / "meeting.state.undo"
    files = [p for p in undo_dir.iterdir() if p.is_file()]
    weight = sum(p.stat().st_size for p in files)
    started = time.perf_counter()
    run("undo")
    undo_seconds = time.perf_counter() - started
    json.dump(
        {
            "writes": writes,
            "seconds": seconds,
            "files": len(files),
            "bytes": weight,
            "record_bytes": len(before),
            "undo_seconds": undo_seconds,
            "undo_exact": record.read_bytes() == before,
            "slowest": sorted(range(len(seconds)), key=seconds.__getitem__)[-3:],
        },
        sys.stdout,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", action="append", default=[], help="another hlmctl's src")
    parser.add_argument("--speakers", type=int, default=10000)
    parser.add_argument("--writes", type=int, default=200)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.writes, args.speakers)
        return
    sys.path.insert(0, str(HERE))
    import bench

    with tempfile.TemporaryDirectory(prefix="hlmctl-bench-undo-") as tmp:
        root = Path(tmp)
        built = bench.build_record(root, bench.Variant("built", None), args.speakers, 600)
        for src in [str(ROOT / "src"), *args.src]:
            folder = root / f"run-{abs(hash(src))}"
            shutil.copytree(built.path, folder)
            env = dict(os.environ, PYTHONPATH=src)
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            argv = [sys.executable, __file__, "--child", str(folder)]
            argv += ["--writes", str(args.writes), "--speakers", str(args.speakers)]
            done = subprocess.run(argv, env=env, capture_output=True, text=True)
            if done.returncode != 0:
                raise SystemExit(f"bench_undo: {src}: {done.stderr}")
            r = json.loads(done.stdout)
            ms = sorted(s * 1000 for s in r["seconds"])
            print(
                f"{src}\n"
                f"  _keep_for_undo at {args.speakers:,} speakers ({r['record_bytes'] / 1e6:.2f} MB "
                f"record): median {statistics.median(ms):.1f} ms, p90 "
                f"{ms[int(len(ms) * 0.9)]:.1f} ms, max {ms[-1]:.1f} ms per write\n"
                f"  undo history after {r['writes']} writes: {r['bytes'] / 1e6:.2f} MB in "
                f"{r['files']} files\n"
                f"  one undo (in process, parse included): {r['undo_seconds'] * 1000:.0f} ms, "
                f"{'byte-exact' if r['undo_exact'] else 'NOT BYTE-EXACT'}\n"
                f"  slowest writes: "
                + ", ".join(f"#{i} {r['seconds'][i] * 1000:.1f} ms" for i in r["slowest"])
            )


if __name__ == "__main__":
    main()

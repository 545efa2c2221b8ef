#!/usr/bin/env python3
"""How fast is hlmctl? A benchmark (issues 6 and 14), not a test: it prints a table.

    .venv/bin/python bench/bench.py            # full run (several minutes)
    .venv/bin/python bench/bench.py --quick    # fewer runs, no 10,000-speaker record

Every command runs as a subprocess: the venv's ``hlmctl`` console script, run by
this Python, interleaved with ``bench/floor_app.py`` (a minimal Typer application
that only prints a line, run by the same Python): the floor the framework sets.
For each command it prints the median wall time, the median of the floor runs
next to it, their ratio, the ratio to the same command on the 20-speaker record,
and the peak memory (ru_maxrss of that child, from os.wait4).

Records of N speakers are built once, in a temporary folder, with ``hlmctl init``
and one ``hlmctl speakers import`` of a generated CSV (the delegations of
data/reference/delegations.toml, then "NGO 00197"... with category ngo), then
``next`` so that a speaker is at the podium. The clock is fixed
(HLMCTL_NOW=2013-05-13T10:00). Before every timed run (outside the timed part)
the record and its undo folder are put back as they were, so that every run of
``next`` or ``speakers add`` does the same work.

After the timed runs, ``--undo-writes`` changes (default 200, quick 20) are made one
after the other to the largest record, and the size of its undo history is printed.

``--src DIR`` (repeatable) runs the same commands with DIR first on PYTHONPATH
(for example a patched copy's ``src``), interleaved with the others, so that two
versions can be compared in one run on a busy machine. The records are built
with the first version given.

Every variant runs on the file store (the TOML record beside the meeting file). A
variant on another store (PostgreSQL, issue 13) is a ``Variant`` whose ``store`` is
its URL: ``env`` passes it as $HLMCTL_STORE, and ``Folder.restore`` is where its
record is put back before each run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FLOOR = HERE / "floor_app.py"
NOW = "2013-05-13T10:00"
LEVELS = ("head-of-state", "head-of-government", "minister", "vice-minister", "head-of-delegation")

# Targets of issue 14 (same machine, one run).
PODIUM = ("next", "now", "speakers add")
FLOOR_TARGET = 1.10  # the podium commands at 20 speakers: within 1.10 x the minimal Typer app
FLOOR_STRETCH = 1.0  # stretch goal: no slower than the framework's own hello-world
GROWTH_TARGETS = {1000: 1.2, 10000: 2.0}  # the podium commands: x their time at 20
VIEWS = ("agenda --format json", "report --format json")
VIEW_GROWTH_TARGET = 3.0  # the views at 10,000: within 3 x their time at 20
UNDO_TARGET_MB = 50.0  # undo history after 200 writes at 10,000 speakers
IMPORT_TARGET = 2.0  # seconds to import 5,000 speakers (issue 6)


@dataclass
class Variant:
    label: str
    src: str | None  # put first on PYTHONPATH, or None: the installed hlmctl
    store: str = "file"  # "file", or the URL of another store ($HLMCTL_STORE)

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            HLMCTL_NOW=NOW,
            HLMCTL_OPERATOR="bench",
            NO_COLOR="1",
            COLUMNS="120",
            HLMCTL_LOCK_TIMEOUT="30",
        )
        env.pop("HLMCTL_MEETING", None)
        env.pop("HLMCTL_DEBUG", None)
        env.pop("HLMCTL_STORE", None)
        if self.store != "file":
            env["HLMCTL_STORE"] = self.store
        # Measure the steady state: modules loaded from their cached bytecode, as an
        # installed hlmctl does (the first runs below write the cache).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        if self.src:
            env["PYTHONPATH"] = self.src + os.pathsep + env.get("PYTHONPATH", "")
        return env


@dataclass
class Sample:
    seconds: list[float] = field(default_factory=list)  # wall
    floor: list[float] = field(default_factory=list)  # wall of the floor run beside each
    cpu: list[float] = field(default_factory=list)  # user + system
    floor_cpu: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)


def hlmctl_argv() -> list[str]:
    """The console script beside this Python, run by this Python (as the floor app is)."""
    script = Path(sys.executable).parent / "hlmctl"
    if script.is_file():
        return [sys.executable, str(script)]
    return [sys.executable, "-m", "hlmctl"]


def run(
    argv: list[str], cwd: Path, env: dict[str, str], timeout: float
) -> tuple[float, float, int]:
    """Wall and CPU seconds and peak RSS (kB) of one child; a failure stops the benchmark."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.0005)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(argv[1:])} in {cwd} exited {proc.returncode}: {err}")
    rss = usage.ru_maxrss  # kB on Linux, bytes on macOS
    if sys.platform == "darwin":
        rss //= 1024
    return elapsed, usage.ru_utime + usage.ru_stime, rss


def speakers_csv(count: int) -> str:
    ref = tomllib.loads((ROOT / "data" / "reference" / "delegations.toml").read_text("utf-8"))
    names = [d["name"] for d in ref["delegation"]]
    lines = ["delegation,category,level"]
    for i in range(count):
        if i < len(names):
            name = names[i].replace('"', '""')
            lines.append(f'"{name}",,{LEVELS[i % len(LEVELS)]}')
        else:
            lines.append(f"NGO {i + 1:05d},ngo,other")
    return "\n".join(lines) + "\n"


class Folder:
    """A meeting folder whose record can be put back before each run."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.snapshot = path.parent / (path.name + ".snapshot")

    def save(self) -> None:
        if self.snapshot.exists():
            shutil.rmtree(self.snapshot)
        self.snapshot.mkdir()
        for name in ("meeting.state.toml", "meeting.state.undo"):
            src = self.path / name
            if src.is_dir():
                shutil.copytree(src, self.snapshot / name)
            elif src.is_file():
                shutil.copy2(src, self.snapshot / name)

    def restore(self) -> None:
        for name in ("meeting.state.toml", "meeting.state.undo"):
            target, saved = self.path / name, self.snapshot / name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
            if saved.is_dir():
                shutil.copytree(saved, target)
            elif saved.is_file():
                shutil.copy2(saved, target)

    def copy(self, path: Path) -> Folder:
        shutil.copytree(self.path, path)
        other = Folder(path)
        shutil.copytree(self.snapshot, other.snapshot)
        return other


def build_record(root: Path, variant: Variant, size: int, timeout: float) -> Folder:
    path = root / f"record-{size}"
    path.mkdir()
    env = variant.env()
    hl = hlmctl_argv()
    run([*hl, "init"], path, env, timeout)
    (path / "speakers.csv").write_text(speakers_csv(size), encoding="utf-8")
    started = time.perf_counter()
    run([*hl, "speakers", "import", "speakers.csv"], path, env, timeout)
    run([*hl, "next"], path, env, timeout)  # someone at the podium, the rest waiting
    print(
        f"  record of {size:,} speakers built in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    folder = Folder(path)
    folder.save()
    return folder


COMMANDS: list[tuple[str, list[str]]] = [
    ("agenda --format json", ["agenda", "--format", "json"]),
    ("report --format json", ["report", "--format", "json"]),
    ("speakers list --format json", ["speakers", "list", "--format", "json"]),
    ("speakers add", ["speakers", "add", "Bench Entity", "--category", "igo"]),
    ("next", ["next"]),
    ("now", ["now"]),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="5 runs each, records of 20 and 1,000")
    parser.add_argument("--repeat", type=int, help="runs of each command (default 15, quick 5)")
    parser.add_argument("--sizes", help="record sizes (default 20,1000,10000; quick 20,1000)")
    parser.add_argument("--import-rows", type=int, default=5000, help="rows of the import case")
    parser.add_argument("--import-repeat", type=int, help="runs of the import (default 3, quick 1)")
    parser.add_argument(
        "--undo-writes", type=int, help="writes before the undo history is measured (200)"
    )
    parser.add_argument("--src", action="append", default=[], help="a src folder to compare")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per command")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()

    repeat = args.repeat or (5 if args.quick else 15)
    import_repeat = args.import_repeat or (1 if args.quick else 3)
    undo_writes = args.undo_writes if args.undo_writes is not None else (20 if args.quick else 200)
    default_sizes = "20,1000" if args.quick else "20,1000,10000"
    sizes = [int(s) for s in (args.sizes or default_sizes).split(",")]
    variants = [Variant(s, str(Path(s).resolve())) for s in args.src]
    variants = variants or [Variant("installed", None)]
    rng = random.Random(args.seed)
    hl = hlmctl_argv()
    floor = [sys.executable, str(FLOOR)]

    print(
        f"# hlmctl bench: Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load {os.getloadavg()[0]:.2f}, {repeat} runs per command, HLMCTL_NOW={NOW}",
        file=sys.stderr,
    )
    with tempfile.TemporaryDirectory(prefix="hlmctl-bench-") as tmp:
        root = Path(tmp)
        print(f"# building records with {variants[0].label}", file=sys.stderr)
        built = {size: build_record(root, variants[0], size, args.timeout) for size in sizes}
        folders: dict[tuple[str, int], Folder] = {}
        for vi, v in enumerate(variants):
            for size, base in built.items():
                folders[(v.label, size)] = base.copy(root / f"v{vi}-{size}")
        importers: dict[str, Folder] = {}
        csv_text = speakers_csv(args.import_rows)
        for vi, v in enumerate(variants):
            path = root / f"v{vi}-import"
            path.mkdir()
            run([*hl, "init"], path, v.env(), args.timeout)
            (path / "speakers.csv").write_text(csv_text, encoding="utf-8")
            importers[v.label] = Folder(path)
            importers[v.label].save()

        print("  warming up (bytecode caches)", file=sys.stderr)
        for v in variants:
            folder = folders[(v.label, sizes[0])]
            for cmd in ([*hl, "--version"], floor, *([*hl, *argv] for _, argv in COMMANDS)):
                folder.restore()
                run(cmd, folder.path, v.env(), args.timeout)

        # (variant, command, size) -> samples; size 0 for --version
        samples: dict[tuple[str, str, int], Sample] = {}
        jobs = [(v, "--version", ["--version"], 0) for v in variants]
        jobs += [(v, n, argv, size) for v in variants for size in sizes for n, argv in COMMANDS]
        for round_ in range(repeat):
            rng.shuffle(jobs)
            print(f"  round {round_ + 1}/{repeat}", file=sys.stderr)
            for v, name, argv, size in jobs:
                folder = folders[(v.label, size or sizes[0])]
                folder.restore()
                env = v.env()
                pair = [("floor", floor), ("cmd", [*hl, *argv])]
                if round_ % 2:
                    pair.reverse()
                sample = samples.setdefault((v.label, name, size), Sample())
                for kind, cmd in pair:
                    seconds, cpu, rss = run(cmd, folder.path, env, args.timeout)
                    if kind == "floor":
                        sample.floor.append(seconds)
                        sample.floor_cpu.append(cpu)
                    else:
                        sample.seconds.append(seconds)
                        sample.cpu.append(cpu)
                        sample.rss_kb.append(rss)
        imports: dict[str, Sample] = {v.label: Sample() for v in variants}
        for round_ in range(import_repeat):
            print(f"  import round {round_ + 1}/{import_repeat}", file=sys.stderr)
            for v in rng.sample(variants, len(variants)):
                folder = importers[v.label]
                folder.restore()
                seconds, cpu, rss = run(
                    [*hl, "speakers", "import", "speakers.csv"], folder.path, v.env(), args.timeout
                )
                imports[v.label].seconds.append(seconds)
                imports[v.label].cpu.append(cpu)
                imports[v.label].rss_kb.append(rss)
        undo = {
            v.label: undo_history(folders[(v.label, max(sizes))], v, undo_writes, args.timeout)
            for v in variants
            if undo_writes
        }

        def explain(v: Variant, name: str, size: int) -> list[str]:
            argv = dict(COMMANDS)[name]
            return profile_lines(folders, v, argv, size, sizes[0], args.timeout)

        report(variants, sizes, samples, imports, args.import_rows, args.json, undo, explain)


MISSED_PODIUM = re.compile(r"^target (next|now|speakers add) (?:\(N=\d+\)|N=(\d+)) .* MISSED")
# Where a command's time goes, by cProfile: each phase is the cumulative time of the
# functions named (a phase may hold another: a lazy import inside a read, say).
PHASES: list[tuple[str, tuple[str, ...]]] = [
    ("imports (start-up and lazy)", ("_find_and_load",)),
    ("read the record's bytes", ("_read_record_bytes",)),
    ("trust check (manifest, SHA-256)", ("_wrote",)),
    ("parse the TOML (rtoml)", ("loads",)),
    ("validate (Pydantic)", ("model_validate",)),
    ("build without validation (trusted)", ("build",)),
    ("read the record in all (parse, build or validate)", ("_parse",)),
    ("load the meeting file", ("load_meeting",)),
    ("the whole change under the lock", ("change",)),
    ("dump the record (TOML)", ("dump_record",)),
    ("write: undo entry, manifest, syncs, rename", ("_commit",)),
]


def profile_phases(stats_path: Path) -> tuple[float, dict[str, float], list[str]]:
    """Total, per phase (ms), and the five functions that took most time themselves."""
    import pstats

    stats = pstats.Stats(str(stats_path))
    table = stats.stats  # type: ignore[attr-defined]
    total = max(ct for (_cc, _nc, _tt, ct, _callers) in table.values()) * 1000
    phases: dict[str, float] = {}
    for label, names in PHASES:
        # The largest (a function of the same name inside another counts once).
        phases[label] = max(
            (
                ct * 1000
                for (filename, _line, func), (_cc, _nc, _tt, ct, _callers) in table.items()
                if func in names
                and (
                    label.startswith("imports")
                    or func == "model_validate"
                    or "hlmctl" in filename
                    or "rtoml" in filename
                )
            ),
            default=0.0,
        )
    own = sorted(table.items(), key=lambda kv: kv[1][2], reverse=True)[:5]
    top = [
        f"{Path(f).name}:{line}({func}) {tt * 1000:.1f} ms"
        for (f, line, func), (_cc, _nc, tt, _ct, _callers) in own
    ]
    return total, phases, top


def profile_lines(
    folders: dict[tuple[str, int], Folder],
    v: Variant,
    argv: list[str],
    size: int,
    smallest: int,
    timeout: float,
) -> list[str]:
    """The profile of a missed target: one run of the command under cProfile at this
    size and (for a growth target) at the smallest, phase by phase."""
    script = Path(sys.executable).parent / "hlmctl"
    measured: dict[int, tuple[float, dict[str, float], list[str]]] = {}
    for n in sorted({size, smallest}):
        folder = folders[(v.label, n)]
        folder.restore()
        out = folder.path.parent / f"profile-{n}.pstats"
        run(
            [sys.executable, "-m", "cProfile", "-o", str(out), str(script), *argv],
            folder.path,
            v.env(),
            timeout,
        )
        measured[n] = profile_phases(out)
    folders[(v.label, size)].restore()
    lines = ["where the time goes (cProfile, one run each, ms; profiled runs are slower):"]
    sizes_shown = sorted(measured)
    lines.append(
        f"  {'phase':<50}"
        + "".join(f"{f'N={n:,}':>10}" for n in sizes_shown)
        + (f"{'growth':>10}" if len(sizes_shown) > 1 else "")
    )
    rows = [("total", {n: measured[n][0] for n in sizes_shown})]
    rows += [(label, {n: measured[n][1][label] for n in sizes_shown}) for label, _ in PHASES]
    for label, by_size in rows:
        if all(ms < 0.5 for ms in by_size.values()):
            continue
        growth = by_size[sizes_shown[-1]] - by_size[sizes_shown[0]]
        lines.append(
            f"  {label:<50}"
            + "".join(f"{by_size[n]:>10.1f}" for n in sizes_shown)
            + (f"{growth:>+10.1f}" if len(sizes_shown) > 1 else "")
        )
    lines.append(f"  most time in themselves at N={size:,}: " + "; ".join(measured[size][2]))
    return lines


@dataclass
class UndoSize:
    writes: int
    speakers: int
    files: int
    total_bytes: int
    record_bytes: int
    write_seconds: list[float]


def undo_history(folder: Folder, variant: Variant, writes: int, timeout: float) -> UndoSize:
    """Make ``writes`` changes in a row to the record, then weigh its undo history."""
    folder.restore()
    print(f"  {writes} writes for the undo history ({variant.label})", file=sys.stderr)
    record = folder.path / "meeting.state.toml"
    speakers = record.read_text(encoding="utf-8").count("[[speakers]]")
    hl = hlmctl_argv()
    seconds = []
    for i in range(writes):
        argv = [*hl, "speakers", "add", f"Undo Bench {i:04d}", "--category", "ngo"]
        seconds.append(run(argv, folder.path, variant.env(), timeout)[0])
    entries = [p for p in (folder.path / "meeting.state.undo").iterdir() if p.is_file()]
    size = UndoSize(
        writes=writes,
        speakers=speakers,
        files=len(entries),
        total_bytes=sum(p.stat().st_size for p in entries),
        record_bytes=record.stat().st_size,
        write_seconds=seconds,
    )
    folder.restore()
    return size


def paired(a: list[float], b: list[float]) -> float:
    """Median of the ratios of runs made side by side: steadier than a ratio of medians
    when other work shares the machine."""
    return statistics.median(x / y for x, y in zip(a, b, strict=True))


def report(
    variants: list[Variant],
    sizes: list[int],
    samples: dict[tuple[str, str, int], Sample],
    imports: dict[str, Sample],
    import_rows: int,
    json_path: Path | None,
    undo: dict[str, UndoSize],
    explain: Callable[[Variant, str, int], list[str]] | None = None,
) -> None:
    med = statistics.median
    rows: list[dict[str, object]] = []
    for v in variants:
        for name, size in [("--version", 0)] + [(n, s) for s in sizes for n, _ in COMMANDS]:
            s = samples[(v.label, name, size)]
            base = samples.get((v.label, name, sizes[0])) if size else None
            x_floor = paired(s.seconds, s.floor)
            rows.append(
                {
                    "variant": v.label,
                    "command": name,
                    "speakers": size or None,
                    "median_ms": med(s.seconds) * 1000,
                    "floor_ms": med(s.floor) * 1000,
                    "x_floor": x_floor,
                    "cpu_ms": med(s.cpu) * 1000,
                    "x_floor_cpu": paired(s.cpu, s.floor_cpu),
                    # both against their own floor runs, so a busier moment cancels out
                    "x_smallest": x_floor / paired(base.seconds, base.floor) if base else None,
                    # the same on CPU time, steadier when other work shares the machine
                    "x_smallest_cpu": paired(s.cpu, s.floor_cpu) / paired(base.cpu, base.floor_cpu)
                    if base
                    else None,
                    "peak_mb": max(s.rss_kb) / 1024,
                    "runs": len(s.seconds),
                }
            )
        imp = imports[v.label]
        rows.append(
            {
                "variant": v.label,
                "command": f"speakers import ({import_rows:,} rows)",
                "speakers": import_rows,
                "median_ms": med(imp.seconds) * 1000,
                "floor_ms": None,
                "x_floor": None,
                "cpu_ms": med(imp.cpu) * 1000,
                "x_floor_cpu": None,
                "x_smallest": None,
                "x_smallest_cpu": None,
                "peak_mb": max(imp.rss_kb) / 1024,
                "runs": len(imp.seconds),
            }
        )
        if v.label in undo:
            u = undo[v.label]
            rows.append(
                {
                    "variant": v.label,
                    "command": f"undo history after {u.writes} writes",
                    "speakers": u.speakers,
                    "median_ms": med(u.write_seconds) * 1000,
                    "undo_mb": u.total_bytes / 1e6,
                    "undo_files": u.files,
                    "record_mb": u.record_bytes / 1e6,
                    "runs": u.writes,
                }
            )

    def fmt(value: object, spec: str) -> str:
        return "-" if value is None else format(value, spec)

    head = (
        f"{'command':<30} {'speakers':>8} {'wall ms':>8} {'floor ms':>8} {'x floor':>7} "
        f"{'cpu ms':>7} {'x fl cpu':>8} {f'x N={sizes[0]}':>7} {'cpu x N':>7} {'peak MB':>7}"
    )
    for v in variants:
        print(f"\n## {v.label}\n")
        print(head)
        print("-" * len(head))
        for r in rows:
            if r["variant"] != v.label:
                continue
            if "undo_mb" in r:
                print(
                    f"\n{r['command']} ({fmt(r['speakers'], ',')} speakers, speakers add): "
                    f"{fmt(r['undo_mb'], '.1f')} MB in {r['undo_files']} files, record "
                    f"{fmt(r['record_mb'], '.2f')} MB, median write {fmt(r['median_ms'], '.0f')} ms"
                )
                continue
            print(
                f"{r['command']!s:<30} {fmt(r['speakers'], ','):>8} "
                f"{fmt(r['median_ms'], '.0f'):>8} {fmt(r['floor_ms'], '.0f'):>8} "
                f"{fmt(r['x_floor'], '.2f'):>7} {fmt(r['cpu_ms'], '.0f'):>7} "
                f"{fmt(r['x_floor_cpu'], '.2f'):>8} {fmt(r['x_smallest'], '.2f'):>7} "
                f"{fmt(r['x_smallest_cpu'], '.2f'):>7} {fmt(r['peak_mb'], '.1f'):>7}"
            )
        print()
        for line in targets(v, sizes, rows, import_rows):
            print(line)
            # Issue 24: each target met, or its profile explained.
            missed = MISSED_PODIUM.match(line)
            if missed and explain is not None:
                size = int(missed.group(2) or sizes[0])
                for text in explain(v, missed.group(1), size):
                    print("    " + text)
    print(
        "\nwall and cpu: medians; x floor: median ratio to the floor run beside it; "
        f"x N={sizes[0]}: that ratio over the same at N={sizes[0]}; cpu x N: the same on "
        "CPU time. Targets are judged on wall time; the CPU figure follows in brackets."
    )
    if json_path:
        json_path.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


def targets(
    v: Variant, sizes: list[int], rows: list[dict[str, object]], import_rows: int
) -> list[str]:
    """The targets of issue 14 (and issue 6's import), met or not, for one variant."""

    def row(name: str, size: int | None) -> dict[str, object] | None:
        return next(
            (
                r
                for r in rows
                if r["variant"] == v.label and r["command"] == name and r["speakers"] == size
            ),
            None,
        )

    def figure(r: dict[str, object] | None, key: str) -> float | None:
        value = r.get(key) if r else None
        return float(value) if isinstance(value, int | float) else None

    out = []
    small = sizes[0]

    def cpu(r: dict[str, object] | None, key: str) -> str:
        value = figure(r, key)
        return f" [cpu {value:.2f}]" if value is not None else ""

    for name in PODIUM:
        r = row(name, small)
        x = figure(r, "x_floor")
        if x is not None:
            verdict = "ok" if x <= FLOOR_TARGET else "MISSED"
            stretch = "met" if x <= FLOOR_STRETCH else "not met"
            out.append(
                f"target {name} (N={small}) <= {FLOOR_TARGET} x floor: {x:.2f} {verdict} "
                f"(stretch {FLOOR_STRETCH} {stretch}){cpu(r, 'x_floor_cpu')}"
            )
    for size, limit in GROWTH_TARGETS.items():
        for name in PODIUM:
            r = row(name, size)
            x = figure(r, "x_smallest")
            if x is not None:
                verdict = "ok" if x <= limit else "MISSED"
                out.append(
                    f"target {name} N={size} <= {limit} x N={small}: {x:.2f} {verdict}"
                    f"{cpu(r, 'x_smallest_cpu')}"
                )
    for name in VIEWS:
        r = row(name, 10000)
        x = figure(r, "x_smallest")
        if x is not None:
            verdict = "ok" if x <= VIEW_GROWTH_TARGET else "MISSED"
            out.append(
                f"target {name} N=10000 <= {VIEW_GROWTH_TARGET:g} x N={small}: {x:.2f} {verdict}"
                f"{cpu(r, 'x_smallest_cpu')}"
            )
    big = sizes[-1]
    listed, reported = row("speakers list --format json", big), row("report --format json", big)
    listed_ms, reported_ms = figure(listed, "median_ms"), figure(reported, "median_ms")
    if listed_ms and reported_ms is not None:
        ratio = reported_ms / listed_ms
        verdict = "ok" if ratio <= 2 else "MISSED"
        out.append(f"target report N={big} <= 2 x speakers list: {ratio:.2f} {verdict}")
    undo = next((r for r in rows if r["variant"] == v.label and "undo_mb" in r), None)
    mb = figure(undo, "undo_mb")
    if undo and mb is not None and undo["speakers"] == 10000 and undo["runs"] == 200:
        verdict = "ok" if mb < UNDO_TARGET_MB else "MISSED"
        out.append(
            f"target undo history after 200 writes at N=10000 < {UNDO_TARGET_MB:g} MB: "
            f"{mb:.1f} MB {verdict}"
        )
    secs = figure(row(f"speakers import ({import_rows:,} rows)", import_rows), "median_ms")
    if secs is not None and import_rows == 5000:
        verdict = "ok" if secs / 1000 < IMPORT_TARGET else "MISSED"
        out.append(f"target import 5,000 < {IMPORT_TARGET:g} s: {secs / 1000:.2f} s {verdict}")
    return out


if __name__ == "__main__":
    main()

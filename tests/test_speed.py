"""What issue 14 changed for speed keeps every guarantee: the record's TOML engine
round-trips exactly and names the place of damage, the lock excludes with or without
``flock``, start-up builds no model a command does not use, and the reference data is
read only when a name must be matched. No test here measures a time (bench/ does)."""

from __future__ import annotations

import copy
import os
import pickle
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import run
from hlmctl import delegations
from hlmctl.errors import InvalidFileError
from hlmctl.meeting import DEFAULT_CATEGORIES, DEFAULT_LEVELS, Category, Level, Rules
from hlmctl.record import ListState, LogEntry, Record, Speaker, dump_record, parse_record
from hlmctl.store import file as file_store
from hlmctl.text import has_visible, unsafe_character

NOW = "2013-05-13T09:30"

# --- the record's TOML engine ----------------------------------------------------------

# Text as the models accept it (text.py's rule), from any part of Unicode.
texts = st.text(
    st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")),
    min_size=1,
    max_size=40,
).filter(lambda t: unsafe_character(t) is None and (not t.strip() or has_visible(t)))
offsets = st.sampled_from(
    [UTC, timezone(timedelta(hours=-4)), timezone(timedelta(hours=5, minutes=45))]
)
moments = st.builds(
    lambda naive, tz: naive.replace(tzinfo=tz),
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)),
    offsets,
)
minutes = st.floats(min_value=0.01, max_value=1440, allow_nan=False).filter(lambda m: m > 0)


@st.composite
def records(draw: st.DrawFn) -> Record:
    count = draw(st.integers(min_value=0, max_value=6))
    speakers = []
    for number in range(1, count + 1):
        status = draw(st.sampled_from(["waiting", "spoken", "withdrawn"]))
        started = draw(moments) if status == "spoken" else None
        lasted = timedelta(seconds=draw(st.floats(min_value=0, max_value=7200)))
        speakers.append(
            Speaker(
                id=f"S{number}",
                list=draw(st.sampled_from(["plenary", "panel-1"])),
                delegation=draw(texts),
                category="member-state",
                level="minister",
                name=draw(st.none() | texts),
                title=draw(st.none() | texts),
                on_behalf_of=draw(st.none() | texts),
                minutes=draw(st.none() | minutes),
                kind=draw(st.sampled_from(["statement", "reply"])),
                status=status,
                inscribed_at=draw(moments),
                placed=draw(st.booleans()),
                started_at=started,
                ended_at=started + lasted if started else None,
                paused_seconds=draw(st.floats(min_value=0, max_value=1e6, allow_nan=False)),
                absences=draw(st.lists(moments, max_size=2)),
                meeting=draw(st.none() | st.just("plenary-1")),
            )
        )
    lists = {
        name: ListState(closed=closed, closed_at=draw(moments) if closed else None)
        for name, closed in draw(
            st.dictionaries(st.sampled_from(["plenary", "panel-1"]), st.booleans())
        ).items()
    }
    log = [
        LogEntry(at=draw(moments), operator=draw(texts), command="next", change=draw(texts))
        for _ in range(draw(st.integers(min_value=0, max_value=3)))
    ]
    return Record(
        meeting="hlm-2013",
        next_id=count + 1 + draw(st.integers(min_value=0, max_value=5)),
        lists=lists,
        speakers=speakers,
        log=log,
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records())
def test_the_record_reads_back_exactly_as_it_was_written(record: Record) -> None:
    written = dump_record(record)
    back = parse_record(written, "meeting.state.toml")
    assert back == record
    assert dump_record(back) == written  # and writes the same bytes again
    # Times read back are plain fixed offsets: the record can be copied and pickled.
    assert all(type(s.inscribed_at.tzinfo) is timezone for s in back.speakers)
    assert copy.deepcopy(back) == back
    assert pickle.loads(pickle.dumps(back)) == back


def test_a_record_in_the_layout_of_earlier_versions_still_reads() -> None:
    """Before issue 14 the record was written by tomli_w: its layout reads the same."""
    earlier = (
        b"# The record of a meeting, written by hlmctl: do not edit while hlmctl runs.\n\n"
        b'format = 1\nmeeting = "hlm-2013"\nnext_id = 3\n\n'
        b"[lists.plenary]\nclosed = true\nclosed_at = 2013-05-13 10:00:00-04:00\n\n"
        b'[[speakers]]\nid = "S1"\nlist = "plenary"\ndelegation = "C\\u00f4te d\'Ivoire"\n'
        b'category = "member-state"\nlevel = "head-of-state"\nstatus = "spoken"\n'
        b"inscribed_at = 2013-05-13 09:30:00-04:00\n"
        b"started_at = 2013-05-13 09:30:00.250000-04:00\n"
        b"ended_at = 2013-05-13 09:45:00-04:00\nminutes = 7.5\n"
        b"absences = [\n    2013-05-13 09:31:00-04:00,\n]\n\n"
        b'[[log]]\nat = 2013-05-13 09:30:00-04:00\noperator = "desk"\n'
        b'command = "next"\nchange = "S1 called"\n'
    )
    record = parse_record(earlier, "meeting.state.toml")
    tz = timezone(timedelta(hours=-4))
    s1 = record.speakers[0]
    assert s1.delegation == "Côte d'Ivoire"
    assert s1.started_at == datetime(2013, 5, 13, 9, 30, 0, 250000, tz)
    assert s1.absences == [datetime(2013, 5, 13, 9, 31, tzinfo=tz)]
    assert record.lists["plenary"].closed_at == datetime(2013, 5, 13, 10, tzinfo=tz)
    assert parse_record(dump_record(record), "x") == record


@pytest.mark.parametrize(
    ("damage", "line"),
    [
        ('format = 1\nmeeting = "hlm-2013"\nnext_id = [\n', 3),
        ('format = 1\nmeeting = "hlm-2013\n', 2),
        ("format = 1\n[[speakers]\n", 2),
        ('format = 1\nformat = 2\nmeeting = "x"\n', 2),
    ],
)
def test_a_damaged_record_names_the_line_of_the_damage(damage: str, line: int) -> None:
    with pytest.raises(InvalidFileError) as caught:
        parse_record(damage.encode(), "meeting.state.toml")
    message = str(caught.value)
    assert "is not valid TOML" in message
    assert f"line {line}" in message
    assert "will not overwrite it" in message


# --- start-up: build only what the command uses ------------------------------------------


def test_the_defaults_made_without_validation_are_valid() -> None:
    """The meeting's default ladder, categories and rules are made with model_construct
    (importing builds no validator): each equals the validated model of its fields."""
    for level in DEFAULT_LEVELS:
        assert Level.model_validate(level.model_dump()) == level
    for category in DEFAULT_CATEGORIES:
        assert Category.model_validate(category.model_dump()) == category
    constructed = Rules.model_construct()
    assert Rules() == constructed
    assert Rules.model_validate(constructed.model_dump()) == constructed


def _in_fresh_python(code: str, cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HLMCTL_")}
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_importing_the_commands_builds_no_model(tmp_path: Path) -> None:
    """Every Pydantic model of hlmctl is built the first time it validates, not when
    the command line is imported: a command pays only for the models it uses."""
    code = (
        "import sys, pydantic\n"
        "import hlmctl.cli, hlmctl.live, hlmctl.render, hlmctl.views, hlmctl.speakers\n"
        "import hlmctl.render_agenda, hlmctl.render_speakers, hlmctl.render_status\n"
        "models = {c for m in list(sys.modules.values())\n"
        "          if getattr(m, '__name__', '').startswith('hlmctl')\n"
        "          for c in vars(m).values()\n"
        "          if isinstance(c, type) and issubclass(c, pydantic.BaseModel)\n"
        "          and c.__module__.startswith('hlmctl')}\n"
        "print(len(models), sorted(c.__name__ for c in models if c.__pydantic_complete__))\n"
    )
    count, built = _in_fresh_python(code, tmp_path).split(" ", 1)
    assert int(count) >= 10  # the meeting file's and the record's models were all seen
    assert built == "[]"


def test_the_podium_commands_never_read_the_reference_data(hlm: Path) -> None:
    assert run("--now", NOW, "speakers", "add", "Chile").exit_code == 0
    assert run("--now", NOW, "speakers", "add", "Peru").exit_code == 0
    delegations.reference.cache_clear()
    for command in (("next",), ("now",), ("next",), ("now", "--format", "text")):
        result = run("--now", NOW, *command)
        assert result.exit_code == 0, result.stderr
    assert delegations.reference.cache_info().currsize == 0
    # and a command that matches a name reads it once
    assert run("--now", NOW, "speakers", "add", "cote d'ivoire").exit_code == 0
    assert delegations.reference.cache_info().currsize == 1


def test_the_console_script_turns_pydantic_plugins_off_unless_told(tmp_path: Path) -> None:
    code = (
        "import os, sys\n"
        "from hlmctl.cli import main\n"
        "sys.argv = ['hlmctl', '--version']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(os.environ['PYDANTIC_DISABLE_PLUGINS'])\n"
    )
    assert _in_fresh_python(code, tmp_path).splitlines()[-1] == "__all__"
    kept = "import os; os.environ['PYDANTIC_DISABLE_PLUGINS'] = 'logfire'\n" + code
    assert _in_fresh_python(kept, tmp_path).splitlines()[-1] == "logfire"


# --- the lock -------------------------------------------------------------------------------


def _held_in_thread(path: Path, holding: threading.Event, release: threading.Event) -> None:
    unlock = file_store._acquire(path, timeout=5)
    holding.set()
    release.wait(10)
    unlock()


@pytest.mark.parametrize("flock", [True, False], ids=["flock", "filelock"])
def test_the_lock_excludes_a_second_holder_and_frees_on_release(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flock: bool
) -> None:
    """With flock (Unix) and without it (the filelock fallback of other platforms)."""
    if not flock:
        import filelock  # imported as on Unix first: its own choice of lock stays

        assert filelock.FileLock is not None
        monkeypatch.setitem(sys.modules, "fcntl", None)  # `import fcntl` fails
    path = tmp_path / "meeting.state.lock"
    holding, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_held_in_thread, args=(path, holding, release))
    holder.start()
    try:
        assert holding.wait(10)
        with pytest.raises(TimeoutError):
            file_store._acquire(path, timeout=0.2)
    finally:
        release.set()
        holder.join(10)
    unlock = file_store._acquire(path, timeout=5)  # free again
    unlock()


def test_a_writer_waits_for_the_lock_and_then_writes(hlm: Path, isolated: Path) -> None:
    """A writer that finds the lock held waits (rather than failing) and lands its change
    once the holder lets go."""
    lock = isolated / "meeting.state.lock"
    unlock = file_store._acquire(lock, timeout=5)
    timer = threading.Timer(0.3, unlock)
    timer.start()
    try:
        result = run("--now", NOW, "speakers", "add", "Chile", env={"HLMCTL_LOCK_TIMEOUT": "20"})
    finally:
        timer.join()
    assert result.exit_code == 0, result.stderr
    assert "Chile" in (isolated / "meeting.state.toml").read_text(encoding="utf-8")


def test_an_old_hlmctl_holding_the_lock_with_filelock_is_respected(
    hlm: Path, isolated: Path
) -> None:
    """An hlmctl of before issue 14 locks with the filelock package; on Unix that is
    flock too, so the two exclude each other while both run during an upgrade."""
    import filelock

    with filelock.FileLock(str(isolated / "meeting.state.lock")).acquire(timeout=5):
        with pytest.raises(TimeoutError):
            file_store._acquire(isolated / "meeting.state.lock", timeout=0.2)
        result = run("--now", NOW, "speakers", "add", "Chile", env={"HLMCTL_LOCK_TIMEOUT": "0.2"})
        assert result.exit_code == 4


def test_a_lock_file_removed_while_a_writer_waits_still_excludes(tmp_path: Path) -> None:
    """A waiter that wins the flock of a lock file removed meanwhile (by hand, or by
    `init --force`) takes the new file instead: a third writer is still kept out."""
    path = tmp_path / "meeting.state.lock"
    first = file_store._acquire(path, timeout=5)
    won = threading.Event()
    unlock_second: list[Callable[[], None]] = []

    def second() -> None:
        unlock_second.append(file_store._acquire(path, timeout=10))
        won.set()

    waiter = threading.Thread(target=second)
    waiter.start()
    try:
        time.sleep(0.2)  # the waiter has the old file open and polls its flock
        path.unlink()
        first()
        assert won.wait(10)
        with pytest.raises(TimeoutError):
            file_store._acquire(path, timeout=0.3)
    finally:
        waiter.join(10)
        for unlock in unlock_second:
            unlock()


def test_the_table_of_command_modules_matches_the_commands() -> None:
    """``main`` imports only the modules ``COMMAND_MODULES`` names for a command: each
    must be exactly the modules that register it (its callback, its subcommands, the
    group itself), and every command must be in the table."""
    import importlib

    from hlmctl import cli

    app = cli.app  # every module registered
    modules = {name: importlib.import_module(f"hlmctl.cli.{name}") for name in cli.MODULES}

    def short(module: str) -> str:
        return module.rsplit(".", 1)[-1]

    found: dict[str, set[str]] = {}
    for command in app.registered_commands:
        assert command.callback is not None
        name = command.name or typer.main.get_command_name(command.callback.__name__)
        found[name] = {short(command.callback.__module__)}
    for group in app.registered_groups:
        sub = group.typer_instance
        assert group.name is not None and sub is not None
        owners = {short(c.callback.__module__) for c in sub.registered_commands if c.callback}
        if sub.registered_callback and sub.registered_callback.callback:
            owners.add(short(sub.registered_callback.callback.__module__))
        owners |= {n for n, m in modules.items() if any(v is sub for v in vars(m).values())}
        found[group.name] = owners - {"common"}
    assert found == {name: set(mods) for name, mods in cli.COMMAND_MODULES.items()}


def test_the_console_script_imports_only_the_module_of_its_command(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from hlmctl.cli import main\n"
        "sys.argv = ['hlmctl', '--now', '2013-05-13T09:30', 'now']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('hlmctl.cli.')))\n"
    )
    shown = _in_fresh_python(code, tmp_path).splitlines()[-1]
    assert shown == "['hlmctl.cli.common', 'hlmctl.cli.complete', 'hlmctl.cli.live']"


def test_the_console_script_runs_without_the_cyclic_collector(tmp_path: Path) -> None:
    code = (
        "import gc, sys\n"
        "from hlmctl.__main__ import run\n"
        "sys.argv = ['hlmctl', '--now', '2013-05-13T09:30', 'now']\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\n"
        "print(gc.isenabled())\n"
    )
    assert _in_fresh_python(code, tmp_path).splitlines()[-1] == "False"


def test_the_board_turns_the_collector_back_on(tmp_path: Path) -> None:
    """A server runs for hours: it must collect cycles (the timer, on a terminal, too)."""
    import gc

    gc.disable()
    try:
        result = run("--meeting", str(tmp_path / "none.toml"), "board", "--port", "0")
        assert result.exit_code == 2  # no such meeting file: it stops, collector on
        assert gc.isenabled()
    finally:
        gc.enable()

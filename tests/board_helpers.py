"""Helpers for the board's tests: a meeting with speakers, a board served in-process
(Uvicorn in a thread, on a free port), and the board as a real process."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from conftest import hlmctl_process, run

DAY = "2013-05-13"
HOSTILE = "<img src=x onerror=alert(1)>"


def inscribe(*delegations: str, at: str = f"{DAY}T09:00") -> None:
    """Inscribe ``delegations`` in the plenary list of ./meeting.toml."""
    from hlmctl.delegations import match

    ids: list[str] = []
    for d in delegations:
        # A State must be one of the reference data: another name (the hostile one) is
        # of category "other", and is then moved to the place of its inscription.
        category = "member-state" if match(d) else "other"
        result = run("--now", at, "speakers", "add", d, "--category", category)
        assert result.exit_code == 0, result.stderr
        ids.append(result.stdout.split("\t")[0])
    for n, d in enumerate(delegations):
        if match(d) or len(ids) == 1:
            continue
        place = ("--after", ids[n - 1]) if n else ("--before", ids[1])
        moved = run("--now", at, "speakers", "move", ids[n], *place)
        assert moved.exit_code in (0, 3), moved.stderr


def set_rules(meeting: Path, **rules: Any) -> None:
    """Set ``[rules]`` keys in a copied meeting file (the bundled one has the table)."""
    text = meeting.read_text()
    for k in rules:  # set again: the earlier value goes
        text = re.sub(rf"^{k} = .*\n", "", text, flags=re.M)
    lines = "".join(f"{k} = {json.dumps(v)}\n" for k, v in rules.items())
    meeting.write_text(text.replace("[rules]\n", "[rules]\n" + lines, 1))


@contextmanager
def served(
    meeting: Path,
    clock: Any = None,
    *,
    names: tuple[str, ...] = (),
    header_seconds: float | None = None,
    control: Any = None,
    **options: Any,
) -> Iterator[str]:
    """``hlmctl board`` for ``meeting`` in this process; yields its address. ``names``:
    as ``--host``/``--allow-host`` give them; ``header_seconds``: the headers' deadline;
    ``control``: the control interface (``hlmctl.web.control.Control``)."""
    from hlmctl.board.server import BoardServer, address_of, bind
    from hlmctl.board.state import Board
    from hlmctl.context import Env

    store = Env(meeting_option=meeting).store(write=False)  # $HLMCTL_STORE, as the CLI
    m = store.load_meeting()
    board = Board(
        store,
        m,
        clock=clock or (lambda: datetime.now(m.tz)),
        default_list=m.lists[0].id,
        **options,
    )
    sock = bind("127.0.0.1", 0)
    timing = {} if header_seconds is None else {"header_seconds": header_seconds}
    server = BoardServer(board, sock, names=names, control=control, **timing)
    with running(server):
        yield address_of(sock)


@contextmanager
def running(server: Any) -> Iterator[None]:
    """A web server of hlmctl's (the board's, the desk's) run in a thread of this
    process until the block ends; then stopped, and its thread seen to end."""
    ready = threading.Event()
    thread = threading.Thread(target=server.run, kwargs={"on_ready": ready.set}, daemon=True)
    thread.start()
    assert ready.wait(10)
    try:
        yield
    finally:
        server.stop()
        thread.join(10)
        assert not thread.is_alive()


def events(response: httpx.Response) -> Iterator[tuple[str, dict[str, Any]]]:
    """The server-sent events of a streamed response, as (event, data)."""
    name, data = "message", ""
    for line in response.iter_lines():
        if line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: "):
            data += line[6:]
        elif line == "" and data:
            yield name, json.loads(data)
            name, data = "message", ""


def next_state(stream: Iterator[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    for name, data in stream:
        if name == "state":
            return data
    raise AssertionError("the stream ended")


@contextmanager
def board_process(cwd: Path, *args: str) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """A real ``hlmctl board`` process on a free port; yields it and its address."""
    proc = hlmctl_process(*args, "board", "--port", "0", cwd=cwd)
    try:
        assert proc.stderr is not None
        first = proc.stderr.readline().decode()
        found = re.search(r"http://\S+/", first)
        assert found, first
        yield proc, found.group(0)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

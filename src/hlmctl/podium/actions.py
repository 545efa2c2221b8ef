"""The podium's keys, as the commands they are.

Each action calls the function of the command of the same name (``hlmctl next``,
``pause``, ``absent``, ``undo``, ``reply add``, ``lists close``, ``message``...)
with the console's global options, exactly as if it had been typed: the same
domain function, the same change through the store (lock, clock, log with the
operator and the desk, undo history), the same refusals with the same exit codes.
What the command would print becomes the console's one line of feedback. The
board's control interface (``hlmctl.web.control``) runs its actions through the
same ``Desk``.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable
from typing import Any, NamedTuple

from hlmctl.context import Env


class Outcome(NamedTuple):
    """What a key did: the command's exit code, and one line for the officer (the
    change as the log records it, or the command's error line); ``output``: what the
    command printed on stdout (the control interface answers with it)."""

    code: int
    line: str
    output: str = ""

    @property
    def ok(self) -> bool:
        return self.code == 0


class _Context:
    """What a command function asks of Typer's context: the root's ``obj``, the
    ``Env`` that the global options (--meeting, --now, --store, --lang) filled."""

    def __init__(self, env: Env) -> None:
        self.obj = env

    def find_root(self) -> _Context:
        return self


class Desk:
    """Runs the commands for the console, with the console's own global options."""

    def __init__(self, env: Env) -> None:
        self.env = env

    def _run(self, command: Callable[..., Any], **options: Any) -> Outcome:
        import typer

        out, err = io.StringIO(), io.StringIO()
        env = dataclasses.replace(self.env, stdout=out, stderr=err, committed=None)
        try:
            command(_Context(env), **options)
            code = 0
        except typer.Exit as exc:
            code = int(exc.exit_code)
        lines = [line for line in err.getvalue().splitlines() if line.strip()]
        if code != 0 or lines:
            problem = next((x for x in lines if not x.startswith("hint:")), "")
            return Outcome(code, problem.removeprefix("hlmctl: ") or f"exit {code}")
        said = [line for line in out.getvalue().splitlines() if line.strip()]
        done = env.committed or (said[-1] if said else "")
        if done.startswith("change ") and ": " in done:
            done = done.split(": ", 1)[1]  # "change 12 of `hlmctl log`: ..." -> the change
        return Outcome(0, done, out.getvalue())

    # --- the commands -------------------------------------------------------------

    def next(self, list_id: str | None, *, json: bool = False) -> Outcome:
        from hlmctl.cli.common import NowFormat
        from hlmctl.cli.live import next_

        fmt = NowFormat.json if json else NowFormat.text
        return self._run(next_, list_id=list_id, fmt=fmt)

    def pause(self, list_id: str | None) -> Outcome:
        from hlmctl.cli.live import pause

        return self._run(pause, list_id=list_id)

    def resume(self, list_id: str | None) -> Outcome:
        from hlmctl.cli.live import resume

        return self._run(resume, list_id=list_id)

    def absent(self, list_id: str, ref: str | None = None) -> Outcome:
        from hlmctl.cli.live import absent

        return self._run(absent, ref=ref, list_id=list_id)

    def undo(self) -> Outcome:
        from hlmctl.cli.live import undo

        return self._run(undo, of=None)

    def reply(self, list_id: str, delegation: str) -> Outcome:
        from hlmctl.cli.live import reply_add

        return self._run(reply_add, delegation=delegation, list_id=list_id)

    def close(self, list_id: str) -> Outcome:
        from hlmctl.cli.live import close

        return self._run(close, list_id=list_id)

    def reopen(self, list_id: str) -> Outcome:
        from hlmctl.cli.live import reopen

        return self._run(reopen, list_id=list_id)

    def message(self, text: str, *, hall: bool = False, flash: bool = False) -> Outcome:
        from hlmctl.cli.message import Audience, message

        to = Audience.hall if hall else Audience.speaker
        return self._run(message, text=text, to=to, flash=flash)

    def clear_message(self) -> Outcome:
        from hlmctl.cli.message import message

        return self._run(message, clear=True)

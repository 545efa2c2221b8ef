"""Exit codes and the expected errors that map to them.

Every error a user can cause is an ``HlmError``: the CLI catches it once, prints
its message on one line and exits with its code. Anything else is a bug (exit 1).
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    INTERNAL = 1
    INPUT = 2
    NOTHING_TO_DO = 3
    BUSY = 4
    UNREACHABLE = 5
    OUTPUT = 6  # the output could not be written (the line says if a change was made)


class HlmError(Exception):
    """An expected error: bad input, unknown speaker, invalid file..."""

    code: ExitCode = ExitCode.INPUT

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class InputError(HlmError):
    code = ExitCode.INPUT


class InvalidFileError(InputError):
    """A meeting file or record that cannot be used; lists every problem."""

    def __init__(self, path: str, problems: list[str], *, what: str = "meeting file") -> None:
        self.path = path
        self.problems = problems
        self.head = f"{path}: invalid {what}" + (
            f" ({len(problems)} problems)" if len(problems) > 1 else ""
        )
        # One line: the first problem; `hlmctl validate` lists each on a line of its own.
        more = "; `hlmctl validate` lists them all" if len(problems) > 1 else ""
        first = problems[0] if problems else "unknown problem"
        super().__init__(f"{self.head}: {first}{more}")

    def listing(self) -> str:
        """The head and every problem, each on a line of its own (for `validate`)."""
        return self.head + "".join(f"\n  - {p}" for p in self.problems)


class NothingToDo(HlmError):
    code = ExitCode.NOTHING_TO_DO


class BusyError(HlmError):
    code = ExitCode.BUSY


class StoreUnreachable(HlmError):
    """The store cannot be reached (a PostgreSQL server down, refusing, or gone
    in the middle of a command). The message names the store without its password."""

    code = ExitCode.UNREACHABLE

"""The command line: parse, call one domain function, hand the result to a renderer.

``common`` holds the Typer apps and what every command shares; each other module
registers the commands of one area on them. ``app`` (what the tests and the docs
use) has them all; ``main`` (the console script) imports only the module of the
command it runs, when the command line names one (``COMMAND_MODULES``).
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

import typer

from hlmctl.cli import common

if TYPE_CHECKING:
    from typer.models import CommandInfo, TyperInfo

__all__ = ["COMMAND_MODULES", "app", "main"]

# The modules of the commands, in the order of ``hlmctl --help``.
MODULES = (
    "board",
    "desk",
    "limits",
    "live",
    "meeting",
    "message",
    "participants",
    "podium",
    "publish",
    "requests",
    "speakers",
    "store",
)
# The modules that register each command or group of commands (tests/test_speed.py
# checks this table against the commands themselves).
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "board": ("board",),
    **dict.fromkeys(
        ("next", "now", "pause", "resume", "absent", "timer", "report", "undo", "log"),
        ("live",),
    ),
    **dict.fromkeys(("examples", "init", "validate", "agenda"), ("meeting",)),
    **dict.fromkeys(("journal", "script"), ("publish",)),
    "speakers": ("speakers",),
    "lists": ("live", "limits", "publish"),
    "reply": ("live",),
    "meeting": ("live",),
    "store": ("store",),
    "participants": ("participants",),
    "message": ("message",),
    "podium": ("podium",),
    "requests": ("requests",),
    "desk": ("desk",),
}


def register(command: str | None = None) -> typer.Typer:
    """Import the modules that register ``command`` (every module when None or not a
    command) and return the app they registered on."""
    for name in COMMAND_MODULES.get(command or "", MODULES):
        importlib.import_module(f"hlmctl.cli.{name}")
    return common.app


def __getattr__(name: str) -> typer.Typer:
    if name == "app":
        return register()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Global options that take a value (see ``common.root``).
_VALUE_OPTIONS = ("--meeting", "-m", "--now", "--store", "--lang")
_VALUE_PREFIXES = ("--meeting=", "--now=", "--store=", "--lang=", "-m")


def named_command(args: list[str]) -> list[str]:
    """The command (and subcommand) that ``args`` name, as far as it can be told
    without parsing: the words after the global options. Empty when in doubt."""
    words: list[str] = []
    i = 0
    while i < len(args) and len(words) < 2:
        arg = args[i]
        if not words and arg in _VALUE_OPTIONS:
            i += 2
        elif not words and arg.startswith(_VALUE_PREFIXES) and arg != "-":
            i += 1
        elif arg.startswith("-"):
            break  # --help, --version, --: every command stays
        else:
            words.append(arg)
            i += 1
    return words


@contextlib.contextmanager
def only_command(words: list[str]) -> Iterator[None]:
    """Let Typer build only the command that runs: it builds every registered command
    (their parameters, types and help) before it runs one. A name that matches no
    command keeps them all, for Click's error and its "did you mean"."""
    saved: list[tuple[typer.Typer, list[CommandInfo], list[TyperInfo]]] = []
    try:
        current = common.app
        for word in words:
            commands = [
                c
                for c in current.registered_commands
                if c.callback is not None
                and (c.name or typer.main.get_command_name(c.callback.__name__)) == word
            ]
            groups = [g for g in current.registered_groups if g.name == word]
            if len(commands) + len(groups) != 1:
                break
            saved.append((current, current.registered_commands, current.registered_groups))
            current.registered_commands, current.registered_groups = commands, groups
            if not groups or groups[0].typer_instance is None:
                break
            current = groups[0].typer_instance
        yield
    finally:
        for typer_app, commands_, groups_ in reversed(saved):
            typer_app.registered_commands, typer_app.registered_groups = commands_, groups_


def main() -> None:
    """Entry point of the ``hlmctl`` console script."""
    # hlmctl uses no Pydantic plugin: without this, the first model to be built looks
    # for plugins in the metadata of every installed distribution (several ms).
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    words = named_command(sys.argv[1:])
    app = register(words[0] if words else None)
    try:
        with only_command(words):
            app(prog_name="hlmctl")
    except BrokenPipeError:
        # The reader went away (| head): stop quietly, as Unix tools do.
        common.quiet_stdout()
        sys.exit(0)
    except SystemExit as exc:
        # Typer turns a broken pipe outside a command (--help, --version) into exit 1,
        # after wrapping the streams so that they stay quiet: that exit is 0 here.
        utils = getattr(getattr(typer, "_click", None), "utils", None)
        pacified = getattr(utils, "PacifyFlushWrapper", None)  # Typer's own, if it has one
        if exc.code == 1 and pacified is not None and isinstance(sys.stdout, pacified):
            common.quiet_stdout()
            sys.exit(0)
        raise
    except KeyboardInterrupt:
        sys.stderr.write("hlmctl: interrupted\n")
        sys.exit(130)

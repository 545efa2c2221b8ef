"""The command line: parse, call one domain function, hand the result to a renderer.

``common`` holds the Typer apps and what every command shares; each other module
registers the commands of one area on them.
"""

from __future__ import annotations

import sys

from hlmctl.cli import live, meeting, speakers  # noqa: F401  (they register commands)
from hlmctl.cli.common import app

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the ``hlmctl`` console script."""
    try:
        app(prog_name="hlmctl")
    except BrokenPipeError:
        # The reader went away (| head): stop quietly, as Unix tools do.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
    except KeyboardInterrupt:
        sys.stderr.write("hlmctl: interrupted\n")
        sys.exit(130)

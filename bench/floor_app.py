"""The floor: a minimal Typer application that only prints a line.

bench.py runs it with the same Python as hlmctl, interleaved with each hlmctl
command, so the ratio hlmctl / floor shows what hlmctl adds to the framework.
"""

import typer

app = typer.Typer()


@app.command()
def main() -> None:
    """Print one line."""
    print("hello")


if __name__ == "__main__":
    app()

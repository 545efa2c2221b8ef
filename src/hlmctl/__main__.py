"""``python -m hlmctl`` and the ``hlmctl`` console script (``run``)."""

import gc


def run() -> None:
    """Start the command line with the cyclic garbage collector off.

    A command is a short-lived process whose objects are freed by reference counting;
    the cyclic collector would only run passes over the modules being imported (about
    4% of the start-up of ``hlmctl now``, counted with callgrind). The commands that
    run for long, ``board`` and ``timer``, turn it back on.
    """
    gc.disable()
    from hlmctl.cli import main

    main()


if __name__ == "__main__":
    run()

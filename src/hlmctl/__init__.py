"""hlmctl: the list of speakers and the timed agenda of a high-level meeting."""

__version__ = "0.1.0"

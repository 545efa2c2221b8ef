"""Numbers as a person types them: one rule for every number of minutes, whether it
comes from an option (``--minutes``), an import file or the meeting file.

A person types a time limit as ``3``, ``1.5`` or ``0.75``: digits, at most two
decimals, within the documented range (from 0.01 to 1,440 minutes: a day).
What a person would not type is refused, even where ``float()`` reads it: an
exponent (``1e3``, ``1e-320``), ``nan``, ``inf``, signs, spaces inside, underscores
(``1_000``), a comma. Numbers that a file already holds as numbers (TOML, JSON) are
held to the same range and to two decimals.
"""

from __future__ import annotations

import math
import re

MAX_MINUTES = 24 * 60
DECIMALS = 2
MIN_MINUTES = 10**-DECIMALS  # the least a person types: 0.01
_TYPED = re.compile(r"[0-9]{1,4}(?:\.[0-9]{1,2})?|\.[0-9]{1,2}")
RULE = f"from {MIN_MINUTES} to {MAX_MINUTES} minutes, with at most {DECIMALS} decimals"


def minutes_problem(value: object) -> str | None:
    """Why ``value`` is not a number of minutes as a person types it (None: it is)."""
    if isinstance(value, bool):
        return "is not a number"
    if isinstance(value, str):
        text = value.strip()
        if not _TYPED.fullmatch(text):
            return "is not a number as a person types it"
        value = float(text)
    if not isinstance(value, (int, float)):
        return "is not a number"
    if isinstance(value, float) and not math.isfinite(value):
        return "is not a finite number"
    if not MIN_MINUTES <= value <= MAX_MINUTES:
        return "is out of range"
    hundredths = value * 10**DECIMALS
    if abs(hundredths - round(hundredths)) > 1e-6:
        return f"has more than {DECIMALS} decimals"
    return None


def checked_minutes(value: float) -> float:
    """The pydantic validator of a number of minutes in the meeting file."""
    problem = minutes_problem(value)
    if problem is not None:
        raise ValueError(f"{value!r:.40} {problem}: {RULE}")
    return value

"""Text from people: kept exactly as given, but never a control character."""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator, Field

MAX_TEXT = 500
ALLOWED_FORMAT = "\u200c\u200d"  # zero-width (non-)joiners belong to some scripts


def control_character(text: str) -> tuple[int, str] | None:
    """The first control or invisible format character, with its 1-based position."""
    if text.isprintable():  # no Cc or Cf character at all: the common case, in C
        return None
    for index, char in enumerate(text):
        if unicodedata.category(char) in ("Cc", "Cf") and char not in ALLOWED_FORMAT:
            return index + 1, char
    return None


def _refuse_control(text: str) -> str:
    found = control_character(text)
    if found:
        position, char = found
        raise ValueError(
            f"contains a control character (U+{ord(char):04X}) at position {position}: "
            "line breaks, tabs and terminal escape sequences are not allowed"
        )
    return text


SafeText = Annotated[str, Field(max_length=2000), AfterValidator(_refuse_control)]
ShortText = Annotated[str, Field(max_length=MAX_TEXT), AfterValidator(_refuse_control)]

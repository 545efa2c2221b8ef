"""Text from people: kept exactly as given, but never a character that breaks a line
or hides text.

One rule (``unsafe_character``) serves every way text arrives: command arguments,
the meeting file, the record, imports and ``$HLMCTL_OPERATOR``. Refused:

- control characters (Unicode category Cc: NUL, tab, line feed, escape...);
- line and paragraph separators (Zl, Zp: U+2028, U+2029);
- format characters (Cf): bidi embeddings, overrides and isolates, zero-width
  space, word joiner, byte-order mark, soft hyphen...; except the zero-width
  non-joiner and joiner (U+200C, U+200D) *between two letters, marks or symbols*,
  where Persian, Indic scripts and emoji need them;
- surrogates (Cs: what undecodable bytes of an argument become), private-use
  characters (Co) and noncharacters;
- the blank "filler" letters that show nothing (Hangul fillers U+115F, U+1160,
  U+3164, U+FFA0) and the combining grapheme joiner U+034F.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator, Field

MAX_TEXT = 500
JOINERS = "\u200c\u200d"  # zero-width (non-)joiners belong to some scripts and to emoji
INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u034f")
REFUSED_CATEGORIES = frozenset(("Cc", "Cf", "Cs", "Co", "Zl", "Zp"))
_JOINABLE = ("L", "M", "S")  # letters, marks, symbols (emoji)


def _noncharacter(code: int) -> bool:
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def _joinable(char: str) -> bool:
    return unicodedata.category(char)[0] in _JOINABLE


def unsafe_character(text: str) -> tuple[int, str] | None:
    """The first character that breaks a line or hides text, with its 1-based position."""
    if text.isprintable() and INVISIBLE.isdisjoint(text):
        # The common case, checked in C: every refused category (and every
        # noncharacter) is unprintable, and the invisible fillers are looked for.
        return None
    if text.isascii():
        for index, char in enumerate(text):
            if char < " " or char == "\x7f":
                return index + 1, char
        return None
    for index, char in enumerate(text):
        category = unicodedata.category(char)
        if char in JOINERS:
            if 0 < index < len(text) - 1 and (
                _joinable(text[index - 1]) and _joinable(text[index + 1])
            ):
                continue
            return index + 1, char
        if category in REFUSED_CATEGORIES or char in INVISIBLE or _noncharacter(ord(char)):
            return index + 1, char
    return None


def _unsafe_at(text: str, index: int) -> bool:
    """Whether the rule refuses the character at ``index`` (joiners by their context)."""
    char = text[index]
    if char in JOINERS:
        return not (
            0 < index < len(text) - 1 and _joinable(text[index - 1]) and _joinable(text[index + 1])
        )
    return (
        unicodedata.category(char) in REFUSED_CATEGORIES
        or char in INVISIBLE
        or _noncharacter(ord(char))
    )


def visible(text: str) -> str:
    """``text`` with every character the rule refuses written as an escape
    (``\\u3164``): a message may quote what a person typed, never replay it."""
    if unsafe_character(text) is None:
        return text
    return "".join(
        (f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}")
        if _unsafe_at(text, i)
        else c
        for i, c in enumerate(text)
    )


# The name the first wave used; kept for the modules that import it.
control_character = unsafe_character


def describe_unsafe(position: int, char: str) -> str:
    """``contains ... at position N: ...``, the one wording of the rule."""
    code = ord(char)
    name = unicodedata.name(char, "") if not 0xD800 <= code <= 0xDFFF else ""
    what = f"U+{code:04X}" + (f" {name}" if name else "")
    return (
        f"contains a character that breaks lines or hides text ({what}) at position "
        f"{position}: control and format characters, line separators, bidi overrides and "
        "stray zero-width characters are not allowed"
    )


def _refuse_unsafe(text: str) -> str:
    found = unsafe_character(text)
    if found:
        raise ValueError(describe_unsafe(*found))
    return text


SafeText = Annotated[str, Field(max_length=2000), AfterValidator(_refuse_unsafe)]
ShortText = Annotated[str, Field(max_length=MAX_TEXT), AfterValidator(_refuse_unsafe)]

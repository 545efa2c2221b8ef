"""Text from people: kept exactly as given, but never a character that breaks a line
or hides text, and never a name that shows nothing.

One rule (``unsafe_character``) serves every way text arrives: command arguments,
the meeting file, the record, imports and ``$HLMCTL_OPERATOR``. Refused:

- control characters (Unicode category Cc: NUL, tab, line feed, escape...);
- line and paragraph separators (Zl, Zp: U+2028, U+2029);
- format characters (Cf): bidi embeddings, overrides and isolates, zero-width
  space, word joiner, byte-order mark, soft hyphen...;
- surrogates (Cs: what undecodable bytes of an argument become), private-use
  characters (Co) and noncharacters;
- every default-ignorable code point (Unicode's Default_Ignorable_Code_Point: the
  zero-width joiners, variation selectors, tag characters, the Mongolian and Khmer
  invisible characters, the Hangul fillers, the combining grapheme joiner...),
  except where it does a job in the text around it (``_SEQUENCES``): the zero-width
  non-joiner and joiner between two letters or marks of a script that shapes with
  them (Arabic, Syriac, Mongolian, N'Ko, the Indic scripts...), the joiner inside
  an emoji sequence, a variation selector after an emoji, a symbol, an ideograph, a
  Mongolian or Myanmar letter (and in a keycap), the Mongolian free variation selectors
  and vowel separator inside Mongolian words, the tag characters of an emoji tag
  sequence (the flag of Scotland). Anywhere else they can only hide text: a
  zero-width joiner inside "Belarus" would make a second "Belarus" that looks the
  same.

Where they are kept, they do not make a second name: ``without_ignorables`` removes
them before names are matched and compared (``delegations.normalize``). And text
with no visible character (only spaces, combining marks, blank patterns or invisible
characters) is refused as a name (``has_visible``).

The property and the scripts come from the ``regex`` module's Unicode tables (kept
up to date with each Unicode version); it is imported only for text that may hold
such a character. ``PRINTABLE_IGNORABLES`` (the few default-ignorable code points
that ``str.isprintable`` does not catch) is checked against it by the tests.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from typing import TYPE_CHECKING, Annotated

from pydantic import AfterValidator, Field

from hlmctl.errors import InputError

if TYPE_CHECKING:
    import regex

MAX_TEXT = 500
# The default-ignorable code points that ``str.isprintable`` accepts (every other one
# is a format character or unassigned): the fast path looks for these.
PRINTABLE_IGNORABLES = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u3164\uffa0"
    + "".join(map(chr, range(0xFE00, 0xFE10)))
    + "".join(map(chr, range(0xE0100, 0xE01F0)))
)
# Blank letters and symbols that are not default-ignorable but show nothing.
BLANK = frozenset("\u2800")

# Scripts whose letters shape with the zero-width non-joiner and joiner (Unicode
# chapter 23.2): the cursive scripts and the Brahmic ones.
_JOINING_SCRIPTS = (
    "Arabic Syriac Mongolian Nko Mandaic Manichaean Psalter_Pahlavi Hanifi_Rohingya "
    "Sogdian Old_Uyghur Adlam Phags_Pa Devanagari Bengali Gurmukhi Gujarati Oriya Tamil "
    "Telugu Kannada Malayalam Sinhala Tibetan Myanmar Khmer Tai_Tham Balinese Javanese "
    "Sundanese Brahmi Kaithi Sharada Tirhuta Grantha Newa Takri Modi Siddham Khojki "
    "Khudawadi Mahajani Dogra Nandinagari Lepcha Limbu Chakma Batak Buginese Cham "
    "Tai_Viet Saurashtra Syloti_Nagri Meetei_Mayek Kayah_Li Rejang Ahom Bhaiksuki "
    "Marchen Masaram_Gondi Gunjala_Gondi Dives_Akuru Zanabazar_Square Soyombo"
)
_JOINING = "".join(f"\\p{{scx={s}}}" for s in _JOINING_SCRIPTS.split())
_EMOJI_END = r"\p{Extended_Pictographic}\p{Emoji_Modifier}\uFE0F\u20E3"
# Sequences where a default-ignorable code point does a job: kept.
_SEQUENCES = (
    rf"(?<=[{_JOINING}])[\u200C\u200D](?=[{_JOINING}])",
    rf"(?<=[{_EMOJI_END}])\u200D(?=\p{{Extended_Pictographic}})",
    r"(?<=[\p{Extended_Pictographic}\p{Ideographic}\p{Sm}\p{So}\p{scx=Mongolian}"
    r"\p{scx=Myanmar}\p{scx=Phags_Pa}])[\uFE00-\uFE0F]",
    r"(?<=[0-9#*])\uFE0F(?=\u20E3)",  # a keycap: 1️⃣
    r"(?<=\p{Ideographic})[\U000E0100-\U000E01EF]",
    r"(?<=\p{scx=Mongolian})[\u180B-\u180D\u180F]",
    r"(?<=\p{scx=Mongolian})\u180E(?=\p{scx=Mongolian})",
    r"(?<=\p{Extended_Pictographic})[\U000E0020-\U000E007E]+\U000E007F",
)
_REFUSED = (
    r"[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}"
    r"\p{Noncharacter_Code_Point}]"
)
_VISIBLE_CATEGORIES = ("L", "N", "P", "S")


@cache
def _scanner() -> regex.Pattern[str]:
    import regex

    kept = "|".join(_SEQUENCES)
    return regex.compile(rf"(?:{kept})|(?P<refused>{_REFUSED})", regex.V1)


@cache
def _ignorable() -> regex.Pattern[str]:
    import regex

    return regex.compile(r"\p{Default_Ignorable_Code_Point}")


def _plain(text: str) -> bool:
    """Text with no character the rule looks at (the common case, checked in C)."""
    return text.isprintable() and PRINTABLE_IGNORABLES.isdisjoint(text)


def _refused_at(text: str) -> list[int]:
    """The 0-based positions of every character the rule refuses."""
    if text.isascii():
        if text.isprintable():  # in C: no control character (U+0000 to U+001F, U+007F)
            return []
        return [i for i, c in enumerate(text) if c < " " or c == "\x7f"]
    if _plain(text):
        return []
    return [m.start() for m in _scanner().finditer(text) if m.group("refused") is not None]


def unsafe_character(text: str) -> tuple[int, str] | None:
    """The first character that breaks a line or hides text, with its 1-based position."""
    if text.isascii():
        # In C first: an ASCII text is printable when it has no control character
        # (U+0000 to U+001F, U+007F). The loop, in Python, cost 7 us for a log entry's
        # change (10,000 entries: 70 ms of every read of the record).
        if text.isprintable():
            return None
        for index, char in enumerate(text):
            if char < " " or char == "\x7f":
                return index + 1, char
        return None
    if _plain(text):
        return None
    for found in _scanner().finditer(text):
        if found.group("refused") is not None:
            return found.start() + 1, text[found.start()]
    return None


def without_ignorables(text: str) -> str:
    """``text`` without its default-ignorable code points: what names are matched and
    compared on, so that "Belarus" with a joiner kept is still one "Belarus"."""
    if text.isascii() or _plain(text):
        return text
    return str(_ignorable().sub("", text))


def has_visible(text: str) -> bool:
    """Whether ``text`` shows something: a letter, digit, punctuation or symbol that
    is not default-ignorable and not a blank pattern."""
    if text.isascii():
        return not text.isspace() and text != ""
    return any(
        unicodedata.category(c)[0] in _VISIBLE_CATEGORIES and c not in BLANK
        for c in without_ignorables(text)
    )


def visible(text: str) -> str:
    """``text`` with every character the rule refuses written as an escape
    (``\\u3164``): a message may quote what a person typed, never replay it."""
    refused = set(_refused_at(text))
    if not refused:
        return text
    return "".join(
        (f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}") if i in refused else c
        for i, c in enumerate(text)
    )


def quoted(text: str, limit: int = 80) -> str:
    """``text`` between quotes for a message, as typed: what the rule refuses written
    as escapes (``visible``), cut at ``limit`` characters. Unlike ``repr``, a
    backslash stays one backslash ("a\\b" is shown 'a\\b', not 'a\\\\b')."""
    shown = visible(text)[:limit]
    mark = '"' if "'" in shown and '"' not in shown else "'"
    return f"{mark}{shown}{mark}"


NOTHING_VISIBLE = (
    "shows nothing: it has no visible character (only spaces, combining marks or "
    "invisible characters)"
)


def clean_text(field: str, value: str | None, *, required: bool = False) -> str | None:
    """Text from a user, kept as typed; what the rule refuses, text that shows
    nothing, or longer than ``MAX_TEXT``, is an input error naming ``field``."""
    if value is None:
        if required:
            raise InputError(f"{field} is required")
        return None
    text = value.strip()
    if not text:
        if required:
            raise InputError(f"{field} is empty")
        return None
    found = unsafe_character(text)
    if found:
        raise InputError(f"{field} {describe_unsafe(*found)}")
    if not has_visible(text):
        raise InputError(f"{field} {NOTHING_VISIBLE}")
    if len(text) > MAX_TEXT:
        raise InputError(f"{field} is too long ({len(text)} characters; at most {MAX_TEXT})")
    return text


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
        "stray zero-width, invisible or variation characters are not allowed"
    )


def _refuse_unsafe(text: str) -> str:
    found = unsafe_character(text)
    if found:
        raise ValueError(describe_unsafe(*found))
    if text.strip() and not has_visible(text):
        raise ValueError(NOTHING_VISIBLE)
    return text


SafeText = Annotated[str, Field(max_length=2000), AfterValidator(_refuse_unsafe)]

MAX_NOTE_LINES = 10  # lines of a multi-line note (a request's note to the Secretariat)


def note_lines(text: str) -> list[str]:
    """A note's lines: CRLF and CR are line breaks as LF is."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def unsafe_in_lines(text: str) -> tuple[int, str] | None:
    """``unsafe_character`` of a multi-line text, line by line (LF apart); the position
    counts from the start of the text."""
    offset = 0
    for line in text.split("\n"):
        found = unsafe_character(line)
        if found:
            return offset + found[0], found[1]
        offset += len(line) + 1
    return None


def _refuse_unsafe_lines(text: str) -> str:
    found = unsafe_in_lines(text)
    if found:
        raise ValueError(describe_unsafe(*found))
    if text.strip() and not has_visible(text.replace("\n", " ")):
        raise ValueError(NOTHING_VISIBLE)
    if len(text.split("\n")) > MAX_NOTE_LINES:
        raise ValueError(f"more than {MAX_NOTE_LINES} lines")
    return text


# Text on several lines (LF only; every other rule of SafeText kept on each line).
LinesText = Annotated[str, Field(max_length=2000), AfterValidator(_refuse_unsafe_lines)]
ShortText = Annotated[str, Field(max_length=MAX_TEXT), AfterValidator(_refuse_unsafe)]

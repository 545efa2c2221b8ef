"""The text rule on ASCII text (text.py): ``str.isprintable`` in C first, then the
character loop only for text it refuses; both find exactly the control characters
(U+0000 to U+001F and U+007F), the first one with its 1-based position."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hlmctl.text import _refused_at, unsafe_character, visible


def controls(text: str) -> list[int]:
    return [i for i, c in enumerate(text) if ord(c) < 0x20 or ord(c) == 0x7F]


def test_each_ascii_character_alone() -> None:
    for code in range(128):
        char = chr(code)
        refused = code < 0x20 or code == 0x7F
        assert unsafe_character(f"a{char}b") == ((2, char) if refused else None)
        assert _refused_at(f"a{char}b") == ([1] if refused else [])


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=80))
def test_ascii_text_is_refused_exactly_at_its_control_characters(text: str) -> None:
    found = controls(text)
    assert unsafe_character(text) == ((found[0] + 1, text[found[0]]) if found else None)
    assert _refused_at(text) == found
    assert (visible(text) == text) is (not found)

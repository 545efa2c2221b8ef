"""A message to the speaker: a short line on the speaker's screen (the board's
``/speaker`` page, and the hall's page when it is meant for the hall too), such as
"Please conclude". It is a fact of the record, like a call or a pause: logged,
undoable, and seen by every desk and page that follows the record.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from hlmctl.errors import InputError, NothingToDo
from hlmctl.record import MAX_MESSAGE, Message, Record
from hlmctl.text import clean_text

Audience = Literal["speaker", "hall"]


def set_message(
    record: Record, text: str, now: datetime, *, to: Audience = "speaker", flash: bool = False
) -> Message:
    """Show ``text`` (the text rules of text.py, at most ``MAX_MESSAGE`` characters)
    until it is cleared or replaced."""
    cleaned = clean_text("the message", text, required=True)
    assert cleaned is not None
    if len(cleaned) > MAX_MESSAGE:
        raise InputError(
            f"the message is too long ({len(cleaned)} characters; at most {MAX_MESSAGE}): "
            "it is read at a glance"
        )
    message = Message(text=cleaned, to=to, flash=flash, at=now)
    record.message = message
    return message


def clear_message(record: Record) -> Message:
    """Take the message off the screens; returns the message cleared."""
    if record.message is None:
        raise NothingToDo("no message is shown: nothing to clear")
    cleared = record.message
    record.message = None
    return cleared


def describe(message: Message) -> str:
    """The line of the change log."""
    where = "the speaker and the hall" if message.to == "hall" else "the speaker"
    flash = " (flashing)" if message.flash else ""
    return f"message to {where}{flash}: {message.text}"

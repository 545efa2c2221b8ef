"""The record hlmctl wrote itself, built again without validating it (issue 24).

A command reads the record, validates it and writes it back; the next command used
to validate it again: at 10,000 speakers, about 80 ms of a ``next``, for bytes hlmctl
itself had validated and written. The file store keeps the SHA-256 of every record
it writes (its undo manifest); when the bytes it reads have that hash, nobody has
changed them since, and ``build`` makes the ``Record`` from the parsed TOML directly:
the same objects validation makes (the same types, the times with the standard
library's fixed offsets as ``record._time_in_range`` gives them, an int where a
float is declared made a float, the defaults for what is left out, a new empty list
for each empty one), without checking the rules again.

Anything it does not expect (a key no model has, a value of another type, a time
without an offset, a status it does not know) and it gives up: ``build`` returns
None and the record is validated in full, as every record not written by hlmctl is
(an edit by hand, another tool, a record from before this was written). The tests
compare, for records holding every model, what ``build`` makes with what validation
makes, field by field and type by type.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel

from hlmctl.clock import EARLIEST, LATEST
from hlmctl.record import (
    _OFFSETS,
    _RTOML_OFFSET,
    RECORD_FORMAT,
    Circulation,
    Invite,
    ItemState,
    LimitAnnouncement,
    ListState,
    LogEntry,
    MeetingState,
    Message,
    Objection,
    Participant,
    Record,
    Representative,
    Speaker,
    SpeakRequest,
    _time_in_range,
)

_FIRST_YEAR, _LAST_YEAR = EARLIEST.year, LATEST.year - 1  # as clock.in_range decides


class Untrusted(Exception):
    """Something validation would have to look at: the record is validated in full."""


M = TypeVar("M", bound=BaseModel)
Convert = Callable[[Any], Any]
_MISSING = object()
_new = object.__new__
_set = object.__setattr__


def _str(value: Any) -> str:
    if type(value) is not str:
        raise Untrusted
    return value


def _int(value: Any) -> int:
    if type(value) is not int:  # not a bool, nor a float validation would turn into one
        raise Untrusted
    return value


def _format(value: Any) -> int:
    if value != RECORD_FORMAT or type(value) is not int:  # another hlmctl's: validated
        raise Untrusted
    return value


def _float(value: Any) -> float:
    kind = type(value)
    if kind is float:
        return value  # type: ignore[no-any-return]
    if kind is int:
        return float(value)  # as validation makes it
    raise Untrusted


def _bool(value: Any) -> bool:
    if type(value) is not bool:
        raise Untrusted
    return value


def _time(value: Any) -> datetime:
    """``record._time_in_range`` as it converts a time rtoml read, the same object
    made faster: the constructor with the fields instead of ``replace`` (a third of
    the time), and the range check by the year alone where that decides it."""
    if type(value) is not datetime or type(value.tzinfo) is not _RTOML_OFFSET or value.fold:
        return _time_checked(value)
    offset = value.utcoffset()
    tz = _OFFSETS.get(offset)
    if tz is None:
        return _time_checked(value)
    year = value.year
    if not _FIRST_YEAR < year < _LAST_YEAR:
        return _time_checked(value)
    return datetime(
        year, value.month, value.day, value.hour, value.minute, value.second,
        value.microsecond, tz,
    )  # fmt: skip


def _time_checked(value: Any) -> datetime:
    if type(value) is not datetime or value.tzinfo is None or value.utcoffset() is None:
        raise Untrusted
    try:
        return _time_in_range(value)  # the very conversion validation makes
    except ValueError:
        raise Untrusted from None


def _literal(*allowed: str) -> Convert:
    def convert(value: Any) -> str:
        if type(value) is not str or value not in allowed:
            raise Untrusted
        return value

    return convert


def _list(item: Convert) -> Convert:
    def convert(value: Any) -> list[Any]:
        if type(value) is not list:
            raise Untrusted
        return [item(v) for v in value]

    return convert


def _model(cls: type[M], spec: dict[str, Convert]) -> Callable[[Any], M]:
    """The builder of one model: ``spec`` converts each field (every field of the
    model, checked by the tests); the defaults are the model's own."""
    fields = cls.model_fields
    if set(spec) != set(fields):  # a field added to the model and not here
        raise AssertionError(f"{cls.__name__}: trusted.py has no converter for every field")
    template: dict[str, Any] = {}
    fresh: list[tuple[str, Callable[[], Any]]] = []  # defaults made new for each instance
    for name, info in fields.items():
        if info.default_factory is not None:
            factory: Any = info.default_factory
            template[name] = _MISSING
            fresh.append((name, factory))
        elif info.is_required():
            template[name] = _MISSING
        elif isinstance(info.default, list | dict):
            # Validation copies a mutable default; each here is empty (the tests check).
            if info.default:
                raise AssertionError(f"{cls.__name__}.{name}: a default that is not empty")
            template[name] = _MISSING
            fresh.append((name, type(info.default)))
        else:
            template[name] = info.default
    required = frozenset(name for name, info in fields.items() if info.is_required())
    count = len(template)

    def build(data: Any) -> M:
        if type(data) is not dict or not required <= data.keys():
            raise Untrusted
        # The fields in the model's order, as validation has them; a key no field has
        # comes after them (and is refused below, as validation refuses it).
        values = template | data
        if len(values) != count:
            raise Untrusted
        for name, factory in fresh:
            if name not in data:
                values[name] = factory()
        for key, value in data.items():
            convert = spec[key]
            if convert is _str:  # most values: checked here, without a call
                if type(value) is not str:
                    raise Untrusted
            else:
                values[key] = convert(value)
        model = _new(cls)
        _set(model, "__dict__", values)
        _set(model, "__pydantic_fields_set__", set(data))
        _set(model, "__pydantic_extra__", None)
        _set(model, "__pydantic_private__", None)
        return model

    return build


def _dict(item: Convert) -> Convert:
    def convert(value: Any) -> dict[str, Any]:
        if type(value) is not dict:
            raise Untrusted
        return {_str(k): item(v) for k, v in value.items()}

    return convert


_S, _T, _F, _I, _B = _str, _time, _float, _int, _bool
_KIND = _literal("statement", "reply")

_speaker = _model(
    Speaker,
    {
        "id": _S,
        "list": _S,
        "delegation": _S,
        "category": _S,
        "level": _S,
        "courtesy": _S,
        "name": _S,
        "title": _S,
        "on_behalf_of": _S,
        "minutes": _F,
        "kind": _KIND,
        "status": _literal("waiting", "speaking", "spoken", "withdrawn"),
        "inscribed_at": _T,
        "placed": _B,
        "started_at": _T,
        "ended_at": _T,
        "paused_seconds": _F,
        "paused_at": _T,
        "absences": _list(_T),
        "meeting": _S,
        "limit_seconds": _F,
    },
)
_list_state = _model(ListState, {"closed": _B, "closed_at": _T, "requests_close_at": _T})
_item = _model(
    ItemState,
    {"index": _I, "started_at": _T, "ended_at": _T, "paused_at": _T, "paused_seconds": _F},
)
_meeting_state = _model(MeetingState, {"opened_at": _T, "adjourned_at": _T, "items": _list(_item)})
_limit = _model(
    LimitAnnouncement,
    {
        "list": _S,
        "at": _T,
        "operator": _S,
        "minutes": _F,
        "old_minutes": _F,
        "group_minutes": _F,
        "old_group_minutes": _F,
    },
)
_log = _model(LogEntry, {"at": _T, "operator": _S, "command": _S, "change": _S, "host": _S})
_representative = _model(Representative, {"courtesy": _S, "name": _S, "title": _S})
_objection = _model(Objection, {"by": _S, "at": _T, "note": _S, "withdrawn_at": _T})
_participant = _model(
    Participant,
    {
        "id": _S,
        "list": _S,
        "organization": _S,
        "organization_fr": _S,
        "kind": _S,
        "ecosoc_status": _literal("general", "special", "roster"),
        "country": _S,
        "representatives": _list(_representative),
        "added_at": _T,
        "withdrawn_at": _T,
        "objections": _list(_objection),
    },
)
_circulation = _model(Circulation, {"at": _T, "deadline": _T, "entries": _list(_S)})
_message = _model(Message, {"text": _S, "to": _literal("speaker", "hall"), "flash": _B, "at": _T})
_invite = _model(
    Invite,
    {
        "id": _S,
        "delegation": _S,
        "category": _S,
        "secret_hash": _S,
        "issued_by": _S,
        "issued_at": _T,
        "expires_at": _T,
        "revoked_at": _T,
        "revoked_by": _S,
    },
)
_request = _model(
    SpeakRequest,
    {
        "id": _S,
        "delegation": _S,
        "category": _S,
        "invite": _S,
        "source": _literal("desk", "import"),
        "external_ref": _S,
        "list": _S,
        "kind": _KIND,
        "level": _S,
        "courtesy": _S,
        "name": _S,
        "title": _S,
        "on_behalf_of": _S,
        "preferences": _list(_S),
        "note": _S,
        "status": _literal("pending", "accepted", "declined", "withdrawn"),
        "requested_at": _T,
        "changed_at": _T,
        "decided_at": _T,
        "decided_by": _S,
        "reason": _S,
        "speaker": _S,
    },
)
_record = _model(
    Record,
    {
        "format": _format,
        "meeting": _S,
        "next_id": _I,
        "lists": _dict(_list_state),
        "meetings": _dict(_meeting_state),
        "speakers": _list(_speaker),
        "limits": _list(_limit),
        "log": _list(_log),
        "participants": _list(_participant),
        "circulations": _dict(_circulation),
        "next_participant": _I,
        "message": _message,
        "invites": _list(_invite),
        "requests": _list(_request),
        "next_invite": _I,
        "next_request": _I,
    },
)


def build(data: Any) -> Record | None:
    """The record as validation would make it from ``data`` (the parsed TOML of a
    record hlmctl wrote), or None when validation must look at it."""
    try:
        return _record(data)
    except (Untrusted, TypeError):  # TypeError: a value that cannot be a key, say
        return None

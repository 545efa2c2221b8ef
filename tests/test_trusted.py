"""A record hlmctl wrote is built without validation (trusted.py): the very objects
validation makes, compared field by field and type by type; and any other bytes are
validated in full."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import rtoml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from conftest import EXAMPLES, run
from hlmctl.meeting import load_meeting
from hlmctl.record import (
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
    dump_record,
)
from hlmctl.store import Store
from hlmctl.trusted import build

pytestmark = pytest.mark.file_store

MODELS = (
    Speaker,
    ListState,
    ItemState,
    MeetingState,
    LimitAnnouncement,
    LogEntry,
    Representative,
    Objection,
    Participant,
    Circulation,
    Message,
    Invite,
    SpeakRequest,
    Record,
)


def same(a: Any, b: Any, where: str = "record") -> None:
    """``a`` and ``b`` alike in every field, type, order and time offset."""
    assert type(a) is type(b), f"{where}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, BaseModel):
        assert a.__pydantic_fields_set__ == b.__pydantic_fields_set__, where
        assert type(a.__pydantic_fields_set__) is set, where
        assert a.__pydantic_extra__ is None and b.__pydantic_extra__ is None, where
        assert a.__pydantic_private__ == b.__pydantic_private__, where
        assert list(a.__dict__) == list(b.__dict__), where
        for key in a.__dict__:
            same(a.__dict__[key], b.__dict__[key], f"{where}.{key}")
    elif isinstance(a, list):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            same(x, y, f"{where}[{i}]")
    elif isinstance(a, dict):
        assert list(a) == list(b), where
        for key in a:
            same(a[key], b[key], f"{where}[{key!r}]")
    elif isinstance(a, datetime):
        assert type(a.tzinfo) is type(b.tzinfo), f"{where}: {a.tzinfo!r} != {b.tzinfo!r}"
        assert a.utcoffset() == b.utcoffset(), where
        assert a.replace(tzinfo=None) == b.replace(tzinfo=None), where
        assert a.fold == b.fold and a.tzname() == b.tzname(), where
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def no_shared_defaults(record: Record) -> None:
    """Each empty list or dict is an object of its own, as validation makes it."""
    seen: dict[int, str] = {}

    def walk(value: Any, where: str) -> None:
        if isinstance(value, BaseModel):
            for key, item in value.__dict__.items():
                walk(item, f"{where}.{key}")
        elif isinstance(value, list | dict):
            assert id(value) not in seen, f"{where} is {seen[id(value)]}"
            seen[id(value)] = where
            for item in value.values() if isinstance(value, dict) else value:
                walk(item, where)

    walk(record, "record")
    for model in MODELS:
        for name, info in model.model_fields.items():
            if isinstance(info.default, list | dict):
                assert id(info.default) not in seen, f"{model.__name__}.{name}: the default"


def check(data: dict[str, Any]) -> Record:
    """What ``build`` makes of ``data`` is what validation makes of it."""
    validated = Record.model_validate(data)
    built = build(data)
    assert built is not None, "build gave up on a record validation accepts"
    same(built, validated)
    assert dump_record(built) == dump_record(validated)
    no_shared_defaults(built)
    return built


def check_bytes(raw: bytes) -> Record:
    return check(rtoml.loads(raw.decode("utf-8")))


AT = "2013-05-13T10:00:00-04:00"


def everything() -> dict[str, Any]:
    """A record with every model and every field of each, as TOML data."""
    t = rtoml.loads(
        f"a = {AT}\nb = 2013-05-13T14:05:30.250000Z\nc = 2013-05-13T20:45:00+05:45\n"
        "d = 2013-05-13T10:10:00-04:00\n"
    )
    a, b, c, d = t["a"], t["b"], t["c"], t["d"]
    full = {
        "courtesy": "H.E.",
        "name": "Ms. Ana Pérez",
        "title": "Minister for Foreign Affairs",
        "on_behalf_of": "the Group of 77",
    }
    speakers: list[dict[str, Any]] = [
        {"id": "S1", "list": "plenary", "delegation": "Chile", "category": "member-state",
         "level": "minister", **full, "minutes": 5, "kind": "statement", "status": "spoken",
         "inscribed_at": a, "placed": True, "started_at": a, "ended_at": b,
         "paused_seconds": 12, "absences": [a, c], "meeting": "plenary-1",
         "limit_seconds": 300},
        {"id": "S2", "list": "plenary", "delegation": "Peru", "category": "member-state",
         "level": "minister", "status": "speaking", "inscribed_at": a, "started_at": b,
         "paused_at": c, "paused_seconds": 3.5, "limit_seconds": 240.0, "minutes": 4.0},
        {"id": "S3", "list": "plenary", "delegation": "Fiji", "category": "member-state",
         "level": "head-of-state", "inscribed_at": c},
        {"id": "S4", "list": "plenary", "delegation": "Nauru", "category": "member-state",
         "level": "head-of-state", "status": "withdrawn", "inscribed_at": d,
         "kind": "reply", "absences": [d]},
    ]  # fmt: skip
    return {
        "format": 1,
        "meeting": "hlm-2013",
        "next_id": 9,
        "lists": {
            "plenary": {"closed": True, "closed_at": b, "requests_close_at": c},
            "reply": {},
        },
        "meetings": {
            "plenary-1": {
                "opened_at": a,
                "adjourned_at": c,
                "items": [
                    {"index": 0, "started_at": a, "ended_at": b, "paused_seconds": 7},
                    {"index": 1, "started_at": b, "paused_at": c, "paused_seconds": 1.5},
                ],
            },
            "plenary-2": {},
        },
        "speakers": speakers,
        "limits": [
            {
                "list": "plenary",
                "at": a,
                "operator": "po",
                "minutes": 4,
                "old_minutes": 5.0,
                "group_minutes": 6,
                "old_group_minutes": 7.5,
            },
            {"list": "plenary", "at": b, "operator": "po", "minutes": 3.0, "old_minutes": 4},
        ],
        "log": [
            {"at": a, "operator": "tester", "command": "next", "change": "S1 called"},
            {"at": c, "operator": "tester", "command": "desk", "change": "x", "host": "h1"},
        ],
        "participants": [
            {
                "id": "P1",
                "list": "ngo",
                "organization": "Amnesty",
                "organization_fr": "Amnistie",
                "kind": "ngo",
                "ecosoc_status": "special",
                "country": "United Kingdom",
                "representatives": [
                    {"courtesy": "Ms.", "name": "Jo Doe", "title": "Director"},
                    {"name": "Li Wei"},
                ],
                "added_at": a,
                "withdrawn_at": c,
                "objections": [
                    {"by": "Freedonia", "at": b, "note": "letter", "withdrawn_at": c},
                    {"by": "Sylvania", "at": b},
                ],
            },
            {"id": "P2", "list": "ngo", "organization": "Oxfam", "kind": "ngo", "added_at": b},
        ],
        "circulations": {
            "ngo": {"at": a, "deadline": c, "entries": ["P1", "P2"]},
            "other": {"at": a, "deadline": b},
        },
        "next_participant": 3,
        "message": {"text": "Please conclude", "to": "hall", "flash": True, "at": c},
        "invites": [
            {
                "id": "I1",
                "delegation": "Chile",
                "category": "member-state",
                "secret_hash": "a" * 64,
                "issued_by": "desk",
                "issued_at": a,
                "expires_at": c,
                "revoked_at": b,
                "revoked_by": "po",
            },
            {
                "id": "I2",
                "delegation": "Peru",
                "category": "member-state",
                "secret_hash": "0" * 64,
                "issued_by": "desk",
                "issued_at": a,
            },
        ],
        "requests": [
            {
                "id": "R1",
                "delegation": "Chile",
                "category": "member-state",
                "invite": "I1",
                "source": "import",
                "external_ref": "X-1",
                "list": "plenary",
                "kind": "reply",
                "level": "minister",
                **full,
                "preferences": ["plenary-1", "plenary-2"],
                "note": "a note",
                "status": "declined",
                "requested_at": a,
                "changed_at": b,
                "decided_at": c,
                "decided_by": "po",
                "reason": "late",
                "speaker": "S1",
            },
            {
                "id": "R2",
                "delegation": "Peru",
                "category": "member-state",
                "list": "plenary",
                "requested_at": a,
            },
        ],
        "next_invite": 3,
        "next_request": 3,
    }


def test_every_model_and_field_is_built_as_validation_builds_it() -> None:
    data = everything()
    built = check(data)
    for model in MODELS:  # the record above holds every field of every model
        if model is Record:
            continue
        assert any(isinstance(m, model) for m in _models(built)), model.__name__
    # ints where floats are declared became floats; an int default stays an int.
    assert type(built.speakers[0].minutes) is float
    assert type(built.speakers[2].paused_seconds) is int
    # as written by hlmctl and read again
    check_bytes(dump_record(built))


def _models(value: Any) -> list[BaseModel]:
    found: list[BaseModel] = []
    if isinstance(value, BaseModel):
        found.append(value)
        for item in value.__dict__.values():
            found += _models(item)
    elif isinstance(value, list):
        for item in value:
            found += _models(item)
    elif isinstance(value, dict):
        for item in value.values():
            found += _models(item)
    return found


def test_each_field_left_out_gets_the_default_validation_gives() -> None:
    """Every optional field of every model of ``everything()``, left out in turn."""
    compared = 0

    def paths(value: Any, path: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        found = []
        if isinstance(value, dict):
            for key, item in value.items():
                found.append((*path, key))
                found += paths(item, (*path, key))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                found += paths(item, (*path, i))
        return found

    every = paths(everything(), ())
    for path in every:
        data = everything()
        parent = data
        for step in path[:-1]:
            parent = parent[step]
        del parent[path[-1]]
        try:
            Record.model_validate(data)
        except ValueError:
            continue  # a required field, or a rule (times that fit a status)
        check(data)
        compared += 1
    assert compared >= 60  # of 181: the others are required, or needed by a rule


def test_the_bundled_examples_and_their_records_after_commands(
    monkeypatch: pytest.MonkeyPatch, isolated: Path
) -> None:
    """Every record the commands below write (the stores' own bytes) is built alike."""
    written: list[bytes] = []
    commit = Store._commit

    def keep(self: Store, target: Path, old: bytes | None, new: bytes) -> None:
        written.append(new)
        commit(self, target, old, new)

    monkeypatch.setattr(Store, "_commit", keep)
    check_bytes((EXAMPLES / "gofr-2013.state.toml").read_bytes())
    shutil.copy(EXAMPLES / "hlm-2013.toml", isolated / "meeting.toml")
    at = ["--now", "2013-05-13T10:00"]
    script = [
        ["speakers", "add", "Chile", "--level", "minister"],
        ["speakers", "add", "Peru", "--level", "head-of-state", "--name", "Ana Pérez"],
        ["speakers", "add", "Fiji"],
        ["next"],
        ["pause"],
        ["resume"],
        ["next"],
        ["absent"],
        ["message", "Please conclude", "--to", "hall", "--flash"],
        ["lists", "limit", "plenary", "4"],
        ["next"],
        ["lists", "close", "plenary"],
        ["undo"],
        ["message", "--clear"],
    ]
    for args in script:
        result = run(*at, *args)
        assert result.exit_code in (0, 3), (args, result.stderr)
    assert len(written) >= 8
    for raw in written:
        check_bytes(raw)
    current = (isolated / "meeting.state.toml").read_bytes()
    store = Store(isolated / "meeting.toml")
    assert store._wrote(current)  # the last record written (by undo: restored) is trusted
    check_bytes(current)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_records_varied_at_random_are_built_as_validated(data: st.DataObject) -> None:
    """Fields left out at random, ints and floats swapped, times at other offsets."""
    record = everything()
    offsets = [0, -240, 345, 14 * 60, -12 * 60, 60, -30]

    def vary(value: Any) -> Any:
        if isinstance(value, dict):
            out = {}
            for key, item in value.items():
                out[key] = vary(item)
            return out
        if isinstance(value, list):
            return [vary(v) for v in value]
        if isinstance(value, datetime):  # the same instant at another offset
            minutes = data.draw(st.sampled_from(offsets))
            shown = value.astimezone(timezone(timedelta(minutes=minutes)))
            micro = data.draw(st.sampled_from(["", ".5", ".000001"]))
            text = shown.strftime("%Y-%m-%dT%H:%M:%S") + micro + shown.strftime("%z")
            text = text[:-2] + ":" + text[-2:]
            if minutes == 0 and data.draw(st.booleans()):
                text = text[:-6] + "Z"
            return rtoml.loads(f"t = {text}")["t"]
        if type(value) is float and value.is_integer() and data.draw(st.booleans()):
            return int(value)
        if type(value) is int and data.draw(st.booleans()):
            return value  # the ints stay ints (a float is not an int in the record)
        return value

    varied = vary(record)
    for speaker in varied["speakers"]:
        for key in ("courtesy", "name", "title", "on_behalf_of", "minutes", "placed"):
            if key in speaker and data.draw(st.booleans()):
                del speaker[key]
    for key in ("message", "circulations", "participants", "limits", "requests"):
        if data.draw(st.booleans()):
            del varied[key]
    check(varied)


@pytest.mark.parametrize(
    "change",
    [
        {"format": 2},
        {"next_id": 1.0},
        {"next_id": True},
        {"unknown": 1},
        {"message": "hello"},
        {"speakers": [{"id": "S1"}]},
        {"lists": {"plenary": {"closed": "yes"}}},
        {"lists": {"plenary": {"closed_at": "2013-05-13T10:00:00-04:00"}}},
    ],
)
def test_anything_unexpected_is_left_to_validation(change: dict[str, Any]) -> None:
    data = {"format": 1, "meeting": "hlm-2013"}
    assert build({**data, **change}) is None


def test_a_time_without_offset_or_of_another_kind_is_left_to_validation() -> None:
    local = rtoml.loads("t = 2013-05-13T10:00:00")["t"]
    data = everything()
    data["speakers"][2]["inscribed_at"] = local
    assert build(data) is None
    data["speakers"][2]["inscribed_at"] = local.date()
    assert build(data) is None


def _setup(isolated: Path) -> tuple[Store, Path]:
    shutil.copy(EXAMPLES / "hlm-2013.toml", isolated / "meeting.toml")
    at = ["--now", "2013-05-13T10:00"]
    for args in (["speakers", "add", "Chile"], ["speakers", "add", "Peru"], ["next"]):
        assert run(*at, *args).exit_code == 0
    return Store(isolated / "meeting.toml"), isolated / "meeting.state.toml"


def test_a_byte_edited_in_a_trusted_record_is_validated_in_full(isolated: Path) -> None:
    store, path = _setup(isolated)
    raw = path.read_bytes()
    assert store._wrote(raw)
    # next_id below the speakers' ids: only the record's own validator sees it.
    edited = raw.replace(b"next_id = 3", b"next_id = 2")
    assert edited != raw and len(edited) == len(raw)
    path.write_bytes(edited)
    assert not store._wrote(edited)
    result = run("now")
    assert result.exit_code == 2
    assert "is not below next_id" in result.stderr
    assert path.read_bytes() == edited
    # a record the manifest trusts but edited one byte to a wrong status
    path.write_bytes(raw.replace(b'status = "waiting"', b'status = "waitinG"', 1))
    result = run("--now", "2013-05-13T10:05", "next")
    assert result.exit_code == 2, result.stderr
    assert "waitinG" in result.stderr or "status" in result.stderr


def test_trust_needs_the_rules_of_this_hlmctl_and_its_marked_folder(isolated: Path) -> None:
    store, path = _setup(isolated)
    raw = path.read_bytes()
    manifest = isolated / "meeting.state.undo" / "manifest.json"
    data = json.loads(manifest.read_bytes())
    assert data["written"]["sha256"] == __import__("hashlib").sha256(raw).hexdigest()
    saved = manifest.read_bytes()
    data["written"]["rules"] = "hlmctl 0.0.0, record rules 0"  # another hlmctl's
    manifest.write_text(json.dumps(data))
    assert not store._wrote(raw)
    del data["written"]  # an hlmctl from before
    manifest.write_text(json.dumps(data))
    assert not store._wrote(raw)
    manifest.write_bytes(saved)
    assert store._wrote(raw)
    (isolated / "meeting.state.undo" / ".hlmctl-undo").unlink()
    assert not store._wrote(raw)


def test_validate_validates_a_trusted_record_in_full(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _setup(isolated)
    import hlmctl.trusted

    calls: list[object] = []
    monkeypatch.setattr(hlmctl.trusted, "build", lambda data: calls.append(data))
    assert run("validate").exit_code == 0
    assert calls == []
    assert run("now").exit_code == 0
    assert len(calls) == 1  # `now` tried the trusted path (and, given None, validated)


def test_the_trusted_record_is_the_one_read_and_the_meeting_checks_still_run(
    isolated: Path,
) -> None:
    store, path = _setup(isolated)
    meeting = load_meeting(isolated / "meeting.toml")
    raw = path.read_bytes()
    same(store.read_record(meeting), Record.model_validate(rtoml.loads(raw.decode())))
    # A meeting file edited so that the record's list is gone: refused as before.
    text = (isolated / "meeting.toml").read_text(encoding="utf-8")
    other = isolated / "other"
    other.mkdir()
    for name in ("meeting.state.toml", "meeting.state.undo"):
        src = isolated / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, other / name)
    (other / "meeting.toml").write_text(text.replace('"hlm-2013"', '"hlm-2014"', 1))
    result = run("--meeting", str(other / "meeting.toml"), "now")
    assert result.exit_code == 2
    assert "belongs to meeting" in result.stderr

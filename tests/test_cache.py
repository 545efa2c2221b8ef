"""The cache of validated meeting files (cache.py): it gives back exactly what
validation gives, only for the same bytes read by the same code, only from a folder
and a file of this user that nobody else may write, and never for ``validate``."""

from __future__ import annotations

import os
import pickle
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import run
from hlmctl import cache, clock, text
from hlmctl import meeting as meeting_module
from hlmctl.meeting import Meeting, load_meeting, parse_meeting
from hlmctl.store.file import bundled_meeting

NOW = "2013-05-13T09:30"


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder for this test alone."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("HLMCTL_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def meeting_file(tmp_path: Path) -> Path:
    path = tmp_path / "meeting.toml"
    path.write_bytes(bundled_meeting("hlm-2013").read_bytes())
    return path


class Counting:
    """parse_meeting, counting its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, raw: bytes, name: str) -> Meeting:
        self.calls += 1
        return parse_meeting(raw, name)


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> Counting:
    counting = Counting()
    monkeypatch.setattr(meeting_module, "parse_meeting", counting)
    return counting


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.pickle"))


def test_the_second_read_comes_from_the_cache_and_equals_validation(
    own_cache: Path, meeting_file: Path, parses: Counting
) -> None:
    first = load_meeting(meeting_file)
    second = load_meeting(meeting_file)
    assert parses.calls == 1
    assert second == first == parse_meeting(meeting_file.read_bytes(), "x")
    assert second.model_fields_set == first.model_fields_set
    assert second.tz == first.tz
    assert len(entries(own_cache)) == 1
    assert stat.S_IMODE(own_cache.stat().st_mode) == 0o700
    assert stat.S_IMODE(entries(own_cache)[0].stat().st_mode) == 0o600


def test_other_bytes_are_validated_again(
    own_cache: Path, meeting_file: Path, parses: Counting
) -> None:
    load_meeting(meeting_file)
    meeting_file.write_bytes(meeting_file.read_bytes() + b"\n# a comment changes the bytes\n")
    load_meeting(meeting_file)
    assert parses.calls == 2
    assert len(entries(own_cache)) == 2


def test_a_change_to_the_validating_code_is_a_new_key(tmp_path: Path) -> None:
    code = tmp_path / "models.py"
    code.write_text("x = 1\n")
    before = cache.key(b"same bytes", (str(code),))
    code.write_text("x = 22\n")  # another size
    assert cache.key(b"same bytes", (str(code),)) != before
    assert cache.key(b"other bytes", (str(code),)) != cache.key(b"same bytes", (str(code),))


def test_an_invalid_file_is_never_kept(own_cache: Path, meeting_file: Path) -> None:
    meeting_file.write_text('[meeting]\nid = "Not An Id"\n')
    for _ in range(2):
        assert run("--meeting", str(meeting_file), "agenda").exit_code == 2
    assert entries(own_cache) == []


def test_a_damaged_or_foreign_entry_is_passed_over(
    own_cache: Path, meeting_file: Path, parses: Counting
) -> None:
    good = load_meeting(meeting_file)
    (entry,) = entries(own_cache)
    for content in (b"not a pickle", pickle.dumps({"meeting": "a dict, not a Meeting"}), b""):
        entry.write_bytes(content)
        os.chmod(entry, 0o600)
        assert load_meeting(meeting_file) == good
    assert parses.calls == 4
    # the last validation wrote a good entry back
    assert load_meeting(meeting_file) == good
    assert parses.calls == 4


def test_an_entry_others_may_write_is_not_read(
    own_cache: Path, meeting_file: Path, parses: Counting
) -> None:
    load_meeting(meeting_file)
    (entry,) = entries(own_cache)
    os.chmod(entry, 0o620)  # writable by the group
    load_meeting(meeting_file)
    assert parses.calls == 2
    os.chmod(entry, 0o600)
    os.chmod(own_cache, 0o777)  # a folder anyone may write: neither read nor written
    load_meeting(meeting_file)
    load_meeting(meeting_file)
    assert parses.calls == 4


def test_a_link_in_place_of_an_entry_is_not_followed(
    own_cache: Path, meeting_file: Path, parses: Counting, tmp_path: Path
) -> None:
    load_meeting(meeting_file)
    (entry,) = entries(own_cache)
    elsewhere = tmp_path / "elsewhere.pickle"
    entry.rename(elsewhere)
    entry.symlink_to(elsewhere)
    load_meeting(meeting_file)
    assert parses.calls == 2


def test_ownership_is_required() -> None:
    """Only this user's entries (checked on the stat; changing an owner needs root)."""
    mine = os.stat_result((stat.S_IFREG | 0o600, 0, 0, 1, os.getuid(), 0, 10, 0, 0, 0))
    theirs = os.stat_result((stat.S_IFREG | 0o600, 0, 0, 1, os.getuid() + 1, 0, 10, 0, 0, 0))
    shared = os.stat_result((stat.S_IFREG | 0o602, 0, 0, 1, os.getuid(), 0, 10, 0, 0, 0))
    assert cache._private(mine)
    assert not cache._private(theirs)
    assert not cache._private(shared)


@pytest.mark.parametrize("value", ["off", "OFF", "", "0", "no"])
def test_the_cache_can_be_turned_off(
    value: str,
    monkeypatch: pytest.MonkeyPatch,
    meeting_file: Path,
    parses: Counting,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("HLMCTL_CACHE_DIR", value)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    load_meeting(meeting_file)
    load_meeting(meeting_file)
    assert parses.calls == 2
    assert not (tmp_path / "xdg").exists()


def test_the_folder_follows_xdg_then_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("HLMCTL_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.folder() == tmp_path / "xdg" / "hlmctl"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.folder() == tmp_path / "home" / ".cache" / "hlmctl"


def test_an_unwritable_cache_only_means_no_cache(
    monkeypatch: pytest.MonkeyPatch, meeting_file: Path, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("HLMCTL_CACHE_DIR", str(blocker / "cache"))
    result = run("--meeting", str(meeting_file), "--now", NOW, "agenda", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""


def test_old_entries_are_pruned(
    own_cache: Path, meeting_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "KEEP", 3)
    text = meeting_file.read_bytes()
    for n in range(6):
        meeting_file.write_bytes(text + f"\n# version {n}\n".encode())
        load_meeting(meeting_file)
    assert len(entries(own_cache)) == 3


def test_validate_never_uses_the_cache(own_cache: Path, meeting_file: Path) -> None:
    """An entry planted under the key of a broken file (a stand-in for a stale or
    forged one) shows through every command but ``validate``, which reads the file."""
    meeting_file.write_text(meeting_file.read_text() + "\nnot toml at all = = =\n")
    code = (meeting_module.__file__, text.__file__, clock.__file__)
    own_cache.mkdir(mode=0o700)
    planted = own_cache / (cache.key(meeting_file.read_bytes(), code) + ".pickle")
    planted.write_bytes(pickle.dumps(load_meeting(bundled_meeting("gofr-2013"), cached=False)))
    os.chmod(planted, 0o600)
    shown = run("--meeting", str(meeting_file), "agenda", "--format", "json")
    assert shown.exit_code == 0
    assert shown.json()["meeting"]["id"] == "gofr-2013"
    checked = run("--meeting", str(meeting_file), "validate")
    assert checked.exit_code == 2
    assert "is not valid TOML" in checked.stderr


def test_a_command_reading_the_cache_builds_no_validator_of_the_meeting(
    own_cache: Path, meeting_file: Path, tmp_path: Path
) -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from hlmctl.meeting import Meeting, load_meeting\n"
        f"load_meeting(Path({str(meeting_file)!r}))\n"
        "print(Meeting.__pydantic_complete__)\n"
    )
    env = {**os.environ, "HLMCTL_CACHE_DIR": str(own_cache)}
    seen = [
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout.strip()
        for _ in range(2)
    ]
    assert seen == ["True", "False"]


def test_the_reference_data_from_the_cache_equals_the_file(own_cache: Path) -> None:
    from hlmctl import delegations

    delegations.reference.cache_clear()
    try:
        first = delegations.reference()
        delegations.reference.cache_clear()
        second = delegations.reference()  # from the cache
        assert len(entries(own_cache)) == 1
        fresh = delegations._read_reference(delegations.reference_path().read_bytes())
        assert first == second == fresh
        assert second.by_key == fresh.by_key
    finally:
        delegations.reference.cache_clear()


def test_pruning_removes_only_entries(
    own_cache: Path, meeting_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever folder $HLMCTL_CACHE_DIR names, only files named as entries go."""
    monkeypatch.setattr(cache, "KEEP", 1)
    own_cache.mkdir(mode=0o700)
    others = [
        own_cache / "mine.pickle",
        own_cache / ("A" * 64 + ".pickle"),
        own_cache / ("0" * 63 + ".pickle"),
        own_cache / ("0" * 64 + ".pickle.bak"),
        own_cache / "notes.txt",
    ]
    for path in others:
        path.write_text("not hlmctl's")
        os.utime(path, (0, 0))  # older than any entry
    text = meeting_file.read_bytes()
    for n in range(3):
        meeting_file.write_bytes(text + f"\n# version {n}\n".encode())
        load_meeting(meeting_file)
    assert all(path.exists() for path in others)
    assert len([p for p in entries(own_cache) if cache._ours(p)]) == 1


def test_code_that_is_not_in_a_file_only_means_no_cache(own_cache: Path) -> None:
    """A key needs the validating code's files; without them (a frozen install) the
    value is made as if there were no cache, and nothing is kept."""
    made = cache.validated(b"raw", (str(own_cache / "no-such-code.py"),), str, lambda: "made")
    assert made == "made"
    assert not own_cache.exists()

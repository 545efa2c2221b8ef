"""Focused tests of issue 10's promises: the time range, validate, imports that keep
every field, look-alike delegations, symlinks, init --force, the Unicode rule."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import EXAMPLES, run
from hlmctl.text import unsafe_character

# They look at the files themselves (record, undo folder, lock): the file store.
pytestmark = pytest.mark.file_store

NOW = "2013-05-13T10:00"
LATER = "2013-05-13T10:03"


def record(folder: Path) -> Path:
    return folder / "meeting.state.toml"


# --- 1. one time range --------------------------------------------------------------------


@pytest.mark.parametrize(
    "now",
    ["1970-01-02T00:00", "2013-05-13T10:00", "2199-12-30T23:59", "2013-05-13T10:00-11:00"],
)
def test_times_within_the_range_are_accepted(hlm: Path, now: str) -> None:
    result = run("--now", now, "speakers", "add", "Belarus")
    assert result.exit_code == 0, result.stderr
    assert run("--now", now, "agenda", "--format", "json").exit_code == 0
    assert run("--now", "2013-05-13T10:00", "report", "--format", "json").exit_code == 0


def test_a_time_out_of_range_is_never_stored(hlm: Path) -> None:
    """The first wave stored it, and every reading command failed from then on."""
    result = run("--now", "9999-12-31T23:00", "speakers", "add", "Belarus")
    assert result.exit_code == 2
    assert "outside the times hlmctl accepts" in result.stderr
    assert not record(hlm.parent).exists()


# --- 2. validate names what the commands would trip on ------------------------------------


def test_validate_lists_every_problem_of_a_record_each_on_its_own_line(hlm: Path) -> None:
    assert run("--now", NOW, "speakers", "add", "Belarus").exit_code == 0
    assert run("--now", NOW, "speakers", "add", "France").exit_code == 0
    assert run("--now", NOW, "next").exit_code == 0
    path = record(hlm.parent)
    text = path.read_text("utf-8")
    start = text.index("started_at = ") + len("started_at = ")
    text = text[: start + 19] + text[start + 25 :]  # drop the offset
    text = text.replace('category = "member-state"', 'category = "planet"', 1)
    path.write_text(text, "utf-8")
    before = path.read_bytes()
    checked = run("validate")
    assert checked.exit_code == 2
    lines = checked.stderr.splitlines()
    assert "invalid record" in lines[0]
    assert any("started_at" in line and "timezone" in line for line in lines[1:])
    # The commands refuse it in one line, and never rewrite it.
    for args in (["speakers", "list"], ["next"], ["speakers", "add", "Chile"], ["undo"]):
        result = run("--now", LATER, *args)
        assert result.exit_code == 2, (args, result.stderr)
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert path.read_bytes() == before


def test_a_record_written_by_hlmctl_always_validates(hlm: Path) -> None:
    steps = [
        ["speakers", "add", "Belarus"],
        ["speakers", "add", "France", "--name", "می\u200cخواهم"],
        ["next"],
        ["pause"],
        ["resume"],
        ["absent"],
        ["next"],
        ["reply", "add", "Chile"],
        ["lists", "close", "plenary"],
        ["next"],
    ]
    for args in steps:
        result = run("--now", LATER, *args)
        assert result.exit_code in (0, 3), (args, result.stderr)
        checked = run("validate")
        assert checked.exit_code == 0, (args, checked.stderr)


# --- 3. imports keep every field, refuse what they do not understand ----------------------


def test_export_then_import_keeps_replies_absences_and_placement(hlm: Path, isolated: Path) -> None:
    for name in ("Belarus", "France", "Chile"):
        assert run("--now", NOW, "speakers", "add", name).exit_code == 0
    assert run("--now", NOW, "next").exit_code == 0  # Belarus speaks
    assert run("--now", NOW, "absent").exit_code == 0  # ... is absent: France speaks
    assert run("--now", NOW, "reply", "add", "Chile").exit_code == 0
    for fmt in ("csv", "json"):
        exported = run("--now", NOW, "speakers", "export", "--format", fmt)
        assert exported.exit_code == 0, exported.stderr
        fresh = isolated / f"fresh-{fmt}"
        fresh.mkdir()
        shutil.copy(EXAMPLES / "hlm-2013.toml", fresh / "meeting.toml")
        meeting = str(fresh / "meeting.toml")
        imported = run(
            "--meeting", meeting, "--now", NOW, "speakers", "import", "-", input=exported.stdout
        )
        assert imported.exit_code == 0, imported.stderr
        assert "skipped 1 rows" in imported.stderr  # France, speaking: no history

        def waiting_of(*options: str) -> dict[tuple[str, str], dict[str, object]]:
            rows = run(*options, "--now", NOW, "speakers", "list", "--format", "json").json()
            return {(s["delegation"], s["kind"]): s for s in rows if s["status"] == "waiting"}

        waiting = waiting_of()
        after = waiting_of("--meeting", meeting)
        assert set(after) == set(waiting)
        assert ("Chile", "reply") in after
        for key, row in waiting.items():
            for field in ("absences", "placed", "level", "category", "minutes", "position"):
                assert after[key][field] == row[field], (fmt, key, field)
        assert waiting[("Belarus", "statement")]["absences"] != []


@pytest.mark.parametrize(
    ("csv_text", "named"),
    [
        ("delegation,status\nGhana,Waiting\n", "status"),
        ("delegation,status\nGhana,waitng\n", "status"),
        ("delegation,kind\nGhana,rebuttal\n", "kind"),
        ("delegation,level\nGhana,king\n", "level"),
        ("delegation,inscribed_at\nGhana,13/05/2013\n", "inscribed_at"),
        ("delegation,status,ended_at\nGhana,spoken,later\n", "ended_at"),
    ],
)
def test_an_import_refuses_a_value_it_does_not_understand_naming_row_and_column(
    hlm: Path, csv_text: str, named: str
) -> None:
    result = run("--now", NOW, "speakers", "import", "-", input=csv_text)
    assert result.exit_code == 2
    assert "row 2" in result.stderr and named in result.stderr, result.stderr
    assert "nothing was imported" in result.stderr
    assert not record(hlm.parent).exists()


# --- 6. look-alikes and the Unicode rule --------------------------------------------------


@pytest.mark.parametrize(
    "look_alike",
    [
        "Bel\u0430rus",  # Cyrillic a
        "\u0392elarus",  # Greek capital beta
        "B\u0435l\u0430rus",  # two Cyrillic letters
        "\uff22elarus",  # fullwidth B
        "BELARUS",
    ],
)
def test_a_look_alike_of_an_inscribed_delegation_is_a_duplicate(hlm: Path, look_alike: str) -> None:
    assert run("--now", NOW, "speakers", "add", "Belarus").exit_code == 0
    before = record(hlm.parent).read_bytes()
    result = run("--now", NOW, "speakers", "add", look_alike, "--category", "member-state")
    assert result.exit_code == 2, result.stdout
    assert "already inscribed" in result.stderr and "S1" in result.stderr
    assert record(hlm.parent).read_bytes() == before


def test_names_in_other_scripts_are_not_duplicates(hlm: Path) -> None:
    """Folding look-alikes does not fold whole scripts: a Cyrillic name is its own."""
    assert run("--now", NOW, "speakers", "add", "Belarus").exit_code == 0
    result = run("--now", NOW, "speakers", "add", "Беларусь-НГО", "--category", "ngo")
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("a\u2028b", 2),
        ("a\u2029b", 2),
        ("\u202eabc", 1),
        ("ab\u2067c", 3),
        ("a\u200bb", 2),
        ("a\u2060b", 2),
        ("\ufeffab", 1),
        ("a\u00adb", 2),
        ("a\u3164b", 2),
        ("a\ud800b", 2),
        ("a\ue000b", 2),
        ("ab\ufffe", 3),
        ("\u200cab", 1),
        ("ab\u200d", 3),
        ("a \u200db", 3),
    ],
)
def test_the_unicode_rule_refuses_what_breaks_lines_or_hides_text(text: str, position: int) -> None:
    found = unsafe_character(text)
    assert found is not None and found[0] == position


@pytest.mark.parametrize(
    "text",
    [
        "Côte d'Ivoire",
        "می\u200cخواهم",
        "क्\u200dष",
        "\U0001f469\u200d\U0001f467",
        "中国",
        "Ελλάδα",
        "a\u00a0b",
    ],
)
def test_the_unicode_rule_keeps_the_worlds_scripts(text: str) -> None:
    assert unsafe_character(text) is None


# --- 7. symlinks, followed consistently ---------------------------------------------------


def test_a_symlinked_record_stays_a_link_and_undo_writes_through_its_link(
    hlm: Path, isolated: Path
) -> None:
    store = isolated / "store"
    store.mkdir()
    assert run("--now", NOW, "speakers", "add", "Belarus").exit_code == 0
    shutil.move(record(isolated), store / "record.toml")
    record(isolated).symlink_to(store / "record.toml")
    # hlmctl's own undo folder, moved beside the record and linked from its place.
    (isolated / "meeting.state.undo").rename(store / "undo")
    (isolated / "meeting.state.undo").symlink_to(store / "undo")
    assert run("--now", NOW, "speakers", "add", "France").exit_code == 0
    assert record(isolated).is_symlink()
    assert b"France" in (store / "record.toml").read_bytes()
    assert (isolated / "meeting.state.undo").is_symlink()
    assert (store / "undo" / "manifest.json").is_file()
    assert run("undo").exit_code == 0
    assert record(isolated).is_symlink()
    assert b"France" not in (store / "record.toml").read_bytes()
    assert run("validate").exit_code == 0


# --- 8. init --force never destroys a record ----------------------------------------------


def test_init_force_keeps_the_old_meeting_and_record_beside_them(isolated: Path) -> None:
    assert run("init", "--example", "gofr-2013").exit_code == 0
    assert run("--now", "2013-09-26T10:00", "speakers", "add", "Peru").exit_code == 0
    old_meeting = (isolated / "meeting.toml").read_bytes()
    old_record = record(isolated).read_bytes()
    refused = run("init")
    assert refused.exit_code == 2 and "--force" in refused.stderr
    assert record(isolated).read_bytes() == old_record
    forced = run("init", "--force")
    assert forced.exit_code == 0, forced.stderr
    kept = {p.name: p for p in isolated.iterdir() if ".replaced-" in p.name}
    meeting_copy = [p for n, p in kept.items() if n.startswith("meeting.toml.")]
    record_copy = [p for n, p in kept.items() if n.startswith("meeting.state.toml.")]
    assert meeting_copy[0].read_bytes() == old_meeting
    assert record_copy[0].read_bytes() == old_record
    assert str(record_copy[0].name) in forced.stdout
    assert run("validate").exit_code == 0  # the new meeting has no foreign record
    again = run("init", "--force")
    assert again.exit_code == 0
    assert len([p for p in isolated.iterdir() if p.name.startswith("meeting.toml.replaced-")]) == 2


# --- issue 18: undo only in hlmctl's own folder; a record hlmctl may not replace ------------


def undo_folder(folder: Path) -> Path:
    return folder / "meeting.state.undo"


def files_under(*folders: Path) -> dict[str, bytes | str]:
    """Every file and link under ``folders``, byte for byte."""
    found: dict[str, bytes | str] = {}
    for top in folders:
        for path in sorted([top, *top.rglob("*")]) if top.exists() else []:
            if path.is_symlink():
                found[str(path)] = "link -> " + str(path.readlink())
            elif path.is_file():
                found[str(path)] = path.read_bytes()
    return found


FOREIGN_MANIFEST = b'{"name": "another program", "version": 3}\n'


@pytest.mark.parametrize("how", ["a link", "the folder itself", "an empty folder"])
def test_an_undo_folder_hlmctl_did_not_make_is_refused_and_left_as_it_was(
    hlm: Path, isolated: Path, how: str
) -> None:
    assert run("--now", NOW, "speakers", "add", "Belarus").exit_code == 0
    shutil.rmtree(undo_folder(isolated))
    other = isolated / "other-program"
    other.mkdir()
    if how != "an empty folder":
        (other / "manifest.json").write_bytes(FOREIGN_MANIFEST)
    if how == "a link":
        undo_folder(isolated).symlink_to(other)
    else:
        other.rename(undo_folder(isolated))
    before = files_under(isolated)
    for command in (("speakers", "add", "France"), ("next",)):
        result = run("--now", LATER, *command)
        assert result.exit_code == 2, result.stderr
        assert "hlmctl did not make this undo folder" in result.stderr
        assert "meeting.state.undo" in result.stderr
        assert files_under(isolated) == before
    # undo reads it (a manifest not hlmctl's is damaged to it: 2; none: 3), writes nothing
    assert run("undo").exit_code == (3 if how == "an empty folder" else 2)
    assert files_under(isolated) == before


def test_a_manifest_hlmctl_did_not_write_is_refused_even_in_its_folder(
    hlm: Path, isolated: Path
) -> None:
    assert run("--now", NOW, "speakers", "add", "Belarus").exit_code == 0
    (undo_folder(isolated) / "manifest.json").write_bytes(FOREIGN_MANIFEST)
    before = files_under(isolated)
    result = run("--now", LATER, "speakers", "add", "France")
    assert result.exit_code == 2, result.stderr
    assert "meeting.state.undo/manifest.json: this undo manifest is not hlmctl's" in result.stderr
    assert files_under(isolated) == before
    # One of hlmctl's, damaged by hand: a new history starts, the meeting goes on.
    (undo_folder(isolated) / "manifest.json").write_text('{"format": 1, "entries": 7}')
    assert run("--now", LATER, "speakers", "add", "France").exit_code == 0


def test_a_manifest_that_cannot_be_written_leaves_the_undo_history_byte_for_byte(
    hlm: Path, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The record is on disk first; the disk fills while the manifest is written: exit
    2, and neither a new entry nor a changed manifest is left."""
    import errno
    import os
    import tempfile

    for name in ("Belarus", "France"):
        assert run("--now", NOW, "speakers", "add", name).exit_code == 0
    before = files_under(isolated)
    real = tempfile.mkstemp

    def full_for_the_manifest(*args: object, **kwargs: object) -> tuple[int, str]:
        if str(kwargs.get("prefix", "")).startswith(".manifest.json"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(kwargs.get("dir")))
        return real(*args, **kwargs)  # type: ignore[call-overload,no-any-return]

    monkeypatch.setattr(tempfile, "mkstemp", full_for_the_manifest)
    for command in (("speakers", "add", "Chile"), ("next",), ("speakers", "remove", "S1")):
        result = run("--now", LATER, *command)
        assert result.exit_code == 2, result.stderr
        assert "No space left on device" in result.stderr
        assert files_under(isolated) == before, command


def test_a_first_change_that_fails_leaves_no_undo_folder(
    hlm: Path, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import os
    import tempfile

    real = tempfile.mkstemp

    def full_in_the_undo_folder(*args: object, **kwargs: object) -> tuple[int, str]:
        if "state.undo" in str(kwargs.get("dir")):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(kwargs.get("dir")))
        return real(*args, **kwargs)  # type: ignore[call-overload,no-any-return]

    monkeypatch.setattr(tempfile, "mkstemp", full_in_the_undo_folder)
    # The first change creates the record: its entry is the manifest alone.
    assert run("--now", NOW, "speakers", "add", "Belarus").exit_code == 2
    assert sorted(p.name for p in isolated.iterdir()) == ["meeting.state.lock", "meeting.toml"]


def test_a_read_only_record_is_refused_not_replaced(hlm: Path, isolated: Path) -> None:
    import stat

    assert run("--now", NOW, "speakers", "add", "Belarus").exit_code == 0
    assert run("--now", NOW, "speakers", "add", "France").exit_code == 0
    record(isolated).chmod(0o444)
    before = files_under(isolated)
    inode = record(isolated).stat().st_ino
    for command in (
        ("--now", LATER, "speakers", "add", "Chile"),
        ("--now", LATER, "next"),
        ("undo",),
    ):
        result = run(*command)
        assert result.exit_code == 2, (command, result.stderr)
        assert "meeting.state.toml: the record is read-only (-r--r--r--)" in result.stderr
        assert files_under(isolated) == before
        assert record(isolated).stat().st_ino == inode
        assert stat.S_IMODE(record(isolated).stat().st_mode) == 0o444


def test_a_record_that_belongs_to_someone_else_is_refused_not_replaced(
    hlm: Path, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    assert run("--now", NOW, "speakers", "add", "Belarus").exit_code == 0
    owner = record(isolated).stat().st_uid
    if os.geteuid() == 0:
        os.chown(record(isolated), 65534, -1)  # nobody
    else:  # the record stays ours; this process believes it is another user
        monkeypatch.setattr(os, "geteuid", lambda: owner + 1)
    before = files_under(isolated)
    result = run("--now", LATER, "speakers", "add", "France")
    assert result.exit_code == 2, result.stderr
    assert "meeting.state.toml: the record belongs to user" in result.stderr
    assert "not to you" in result.stderr
    assert files_under(isolated) == before
    assert record(isolated).stat().st_uid == (65534 if os.geteuid() == 0 else owner)

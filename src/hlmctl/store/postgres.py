"""The PostgreSQL store: the record of a meeting shared by several desks.

The domain is the same code as with the file store: it works on the ``Record``
model. PostgreSQL keeps, in its own schema (``hlmctl``):

- ``meetings``: one row per meeting: its id, the fingerprint of the modalities
  it was registered with, and the record itself, the exact TOML bytes the file
  store would write (so a round trip file -> PostgreSQL -> file gives back the
  same bytes, and the change log with operator and desk lives in it as in the
  file);
- ``undo``: the bounded undo history, the old record before each change, keyed
  by the digest of the record the change led to (as the file store does).

A change is one transaction: ``SELECT ... FOR UPDATE`` locks the meeting's row
(``lock_timeout`` gives exit 4), the domain changes the record, the new bytes
and the old ones for undo are written, and ``pg_notify('hlmctl', meeting id)``
tells every watcher; PostgreSQL delivers the notification only at commit.

Every SQL statement is parameterized. psycopg is imported only here, and this
module only when a ``postgresql://`` store is selected.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from hlmctl.errors import BusyError, InputError, NothingToDo, StoreUnreachable
from hlmctl.meeting import Meeting, load_meeting
from hlmctl.record import LogEntry, Record, dump_record, empty_record
from hlmctl.store.base import UndoCheck, modalities_fingerprint, record_digest
from hlmctl.store.file import DEFAULT_LOCK_TIMEOUT, UNDO_KEEP
from hlmctl.store.select import SCHEMES

if TYPE_CHECKING:
    import psycopg

T = TypeVar("T")

SCHEMA = "hlmctl"
CHANNEL = "hlmctl"
CONNECT_TIMEOUT = 5
# A desk that hangs inside a transaction (a stopped process, a dead network) must
# not hold the list for ever: the server ends such a session after this long.
IDLE_IN_TRANSACTION = 30.0

DDL = (
    f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}",
    f"""CREATE TABLE IF NOT EXISTS {SCHEMA}.meetings (
        id text PRIMARY KEY,
        fingerprint text NOT NULL,
        registered_at timestamptz NOT NULL DEFAULT now(),
        registered_by text NOT NULL,
        registered_host text,
        record bytea,
        changed_at timestamptz
    )""",
    f"""CREATE TABLE IF NOT EXISTS {SCHEMA}.undo (
        meeting text NOT NULL REFERENCES {SCHEMA}.meetings (id) ON DELETE CASCADE,
        seq bigint NOT NULL,
        old bytea,
        new_digest text NOT NULL,
        PRIMARY KEY (meeting, seq)
    )""",
)


def is_postgres_url(value: str) -> bool:
    return value.startswith(SCHEMES)


def mask(url: str) -> str:
    """The URL with its password (in the user part or as ``?password=``) as ``***``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "postgresql://***"
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, hostport = netloc.rpartition("@")
        if ":" in userinfo:
            userinfo = userinfo.split(":", 1)[0] + ":***"
        netloc = f"{userinfo}@{hostport}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode([(k, "***" if k == "password" else v) for k, v in pairs], safe="*/")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _secrets(url: str) -> list[str]:
    found = []
    with contextlib.suppress(ValueError):
        parts = urlsplit(url)
        if parts.password:
            found.append(parts.password)
        found += [v for k, v in parse_qsl(parts.query) if k == "password" and v]
    return found


@dataclass
class PostgresStore:
    """A meeting file (the modalities, one copy per desk) and its record in PostgreSQL."""

    meeting_path: Path
    url: str
    bundled: bool = False
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT
    operator: str = "unknown"  # who registers the meeting, when this desk does
    host: str | None = None  # this desk

    @property
    def name(self) -> str:
        """The store as messages show it: never with its password."""
        return mask(self.url)

    # --- connections and the errors they raise -----------------------------------------

    def _fail(self, message: str) -> str:
        for secret in _secrets(self.url):
            message = message.replace(secret, "***")
        return " ".join(message.split())

    @contextlib.contextmanager
    def _connect(self) -> Iterator[psycopg.Connection[Any]]:
        """One connection, closed at the end; every psycopg error becomes ours."""
        import psycopg
        from psycopg import errors as pg

        try:
            given = psycopg.conninfo.conninfo_to_dict(self.url)
        except psycopg.ProgrammingError as exc:  # libpq could not parse it
            raise InputError(
                self._fail(
                    f"store {self.name} is not a URL libpq can read: "
                    + _first_line(exc).replace(self.url, self.name)  # it may quote the URL
                ),
                hint="percent-encode spaces and special characters (%20, %40 for @)",
            ) from None
        extra: dict[str, Any] = {"application_name": "hlmctl"}
        if "connect_timeout" not in given and "PGCONNECT_TIMEOUT" not in os.environ:
            extra["connect_timeout"] = CONNECT_TIMEOUT
        # A dropped network is noticed in seconds, not after the system's two hours.
        for key, value in (("keepalives_idle", 5), ("keepalives_interval", 2)):
            if key not in given:
                extra[key] = value
        try:
            conn = psycopg.connect(self.url, autocommit=True, **extra)
        except psycopg.OperationalError as exc:
            first = _first_line(exc)
            raise StoreUnreachable(
                self._fail(f"store {self.name} cannot be reached: {first}; nothing was changed")
            ) from None
        try:
            yield conn
        except pg.LockNotAvailable:
            raise BusyError(
                f"meeting in store {self.name} is busy: another desk held it for more than "
                f"{self.lock_timeout:g} s; nothing was changed"
            ) from None
        except (pg.UndefinedTable, pg.InvalidSchemaName):
            raise InputError(
                f"store {self.name} has no hlmctl schema yet",
                hint="run `hlmctl store init` once (it creates the schema and registers "
                "this meeting)",
            ) from None
        except pg.QueryCanceled:
            raise BusyError(
                f"store {self.name} cancelled the command (its statement_timeout): "
                "nothing was changed"
            ) from None
        except pg.ReadOnlySqlTransaction:
            raise StoreUnreachable(
                f"store {self.name} is read-only (a standby?): nothing was changed"
            ) from None
        except pg.InsufficientPrivilege as exc:
            raise StoreUnreachable(
                self._fail(
                    f"store {self.name} refuses: {exc.diag.message_primary or exc}; "
                    "nothing was changed"
                ),
                hint="the README's PostgreSQL section lists the privileges a desk needs",
            ) from None
        except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
            text = _first_line(exc)
            raise StoreUnreachable(
                self._fail(f"store {self.name} went away: {text}; nothing was changed")
            ) from None
        finally:
            with contextlib.suppress(Exception):
                conn.close()

    @contextlib.contextmanager
    def _transaction(self, conn: psycopg.Connection[Any]) -> Iterator[None]:
        """One transaction with this store's lock timeout; a commit whose answer is
        lost is said so (the change may have been made)."""
        import psycopg

        tx = conn.transaction()
        tx.__enter__()
        try:
            conn.execute(
                "SELECT set_config('lock_timeout', %s, true), "
                "set_config('idle_in_transaction_session_timeout', %s, true)",
                (
                    f"{max(1, int(self.lock_timeout * 1000))}ms",
                    f"{int(max(IDLE_IN_TRANSACTION, self.lock_timeout * 3) * 1000)}ms",
                ),
            )
            yield
            # Still connected? Then only a commit whose answer is lost is uncertain.
            conn.execute("SELECT 1")
        except BaseException as exc:
            with contextlib.suppress(Exception):
                tx.__exit__(type(exc), exc, exc.__traceback__)
            raise
        try:
            tx.__exit__(None, None, None)
        except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
            text = _first_line(exc)
            raise StoreUnreachable(
                self._fail(
                    f"store {self.name} went away while saving the change ({text}): "
                    "it may or may not have been made"
                ),
                hint="`hlmctl log` shows the last change once the store is back",
            ) from None

    # --- the meeting and its registration ----------------------------------------------

    def load_meeting(self) -> Meeting:
        return load_meeting(self.meeting_path)

    def _registration(
        self, conn: psycopg.Connection[Any], meeting: Meeting, *, lock: bool
    ) -> tuple[str, bytes | None] | None:
        """(fingerprint, record) of the meeting's row, or None when not registered."""
        sql = f"SELECT fingerprint, record FROM {SCHEMA}.meetings WHERE id = %s"
        row = conn.execute(sql + (" FOR UPDATE" if lock else ""), (meeting.meeting.id,)).fetchone()
        if row is None:
            return None
        fingerprint, raw = row
        self._same_modalities(meeting, fingerprint)
        return fingerprint, bytes(raw) if raw is not None else None

    def _same_modalities(self, meeting: Meeting, registered: str) -> None:
        if registered != modalities_fingerprint(meeting):
            raise InputError(
                f"{self.meeting_path}: its modalities differ from those meeting "
                f"{meeting.meeting.id!r} was registered with in store {self.name}: every "
                "desk must work from the same meeting file; nothing was changed",
                hint="copy the meeting file the other desks use; if the modalities changed "
                "on purpose, `hlmctl store init --update-modalities` registers this file's",
            )

    def _create_schema(self, conn: psycopg.Connection[Any]) -> None:
        """The schema and its tables, when missing. A desk with the least privileges
        (no CREATE) gets past this once the owner has run `store init`."""
        found = conn.execute(
            "SELECT to_regclass(%s), to_regclass(%s)", (f"{SCHEMA}.meetings", f"{SCHEMA}.undo")
        ).fetchone()
        if found is not None and all(found):
            return
        # Two desks running init at once: one creates, the other waits for it.
        conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"{SCHEMA}.init",))
        for statement in DDL:
            conn.execute(statement)

    def _register(self, conn: psycopg.Connection[Any], meeting: Meeting) -> bool:
        """Register the meeting if it is not yet; True when it was registered now."""
        cur = conn.execute(
            f"INSERT INTO {SCHEMA}.meetings (id, fingerprint, registered_by, registered_host) "
            "VALUES (%s, %s, %s, %s) ON CONFLICT (id) DO NOTHING",
            (meeting.meeting.id, modalities_fingerprint(meeting), self.operator, self.host),
        )
        return cur.rowcount == 1

    def _refuse_bundled(self) -> None:
        if self.bundled:
            raise InputError(
                "this command changes the record, and no meeting file was given",
                hint="run `hlmctl init` to copy an example meeting here, or pass --meeting",
            )

    def _parse(self, raw: bytes, meeting: Meeting) -> Record:
        """The record, checked as the file store checks its own (one set of rules)."""
        from hlmctl.store.file import Store

        name = f"record of {meeting.meeting.id!r} in store {self.name}"
        return Store(self.meeting_path)._parse(raw, meeting, name)

    def init(self, meeting: Meeting, *, update_modalities: bool) -> str:
        """``store init``: the schema if missing, this meeting registered. Says what it did."""
        self._refuse_bundled()
        with self._connect() as conn, self._transaction(conn):
            self._create_schema(conn)
            if self._register(conn, meeting):
                return f"registered meeting {meeting.meeting.id} in store {self.name}"
            row = conn.execute(
                f"SELECT fingerprint, record FROM {SCHEMA}.meetings WHERE id = %s FOR UPDATE",
                (meeting.meeting.id,),
            ).fetchone()
            assert row is not None
            if row[0] == modalities_fingerprint(meeting):
                return f"meeting {meeting.meeting.id} is registered in store {self.name} already"
            if not update_modalities:
                self._same_modalities(meeting, row[0])
            if row[1] is not None:
                self._parse(bytes(row[1]), meeting)  # the record must fit the new modalities
            conn.execute(
                f"UPDATE {SCHEMA}.meetings SET fingerprint = %s, registered_at = now(), "
                "registered_by = %s, registered_host = %s WHERE id = %s",
                (modalities_fingerprint(meeting), self.operator, self.host, meeting.meeting.id),
            )
            conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, meeting.meeting.id))
            return (
                f"updated the modalities of meeting {meeting.meeting.id} in store {self.name} "
                f"from {self.meeting_path}"
            )

    # --- the record ----------------------------------------------------------------------

    def _fetch(self, meeting: Meeting) -> bytes | None:
        """The record's bytes as committed now (a reader never waits for a writer)."""
        with self._connect() as conn:
            found = self._registration(conn, meeting, lock=False)
        return found[1] if found is not None else None

    def raw_record(self, meeting: Meeting) -> bytes | None:
        raw = self._fetch(meeting)
        if raw is not None:
            self._parse(raw, meeting)
        return raw

    def read_record(self, meeting: Meeting) -> Record:
        raw = self._fetch(meeting)
        return self._parse(raw, meeting) if raw is not None else empty_record(meeting.meeting.id)

    def change(
        self,
        meeting: Meeting,
        apply: Callable[[Record], T],
        *,
        at: datetime,
        operator: str,
        command: str,
        describe: Callable[[T], str],
        host: str | None = None,
    ) -> tuple[Record, T]:
        """Apply one change in one transaction under the meeting's row lock."""
        self._refuse_bundled()
        mid = meeting.meeting.id
        with self._connect() as conn, self._transaction(conn):
            found = self._registration(conn, meeting, lock=True)
            if found is None:
                # The first desk to write registers the meeting (as `store init` does).
                self._register(conn, meeting)
                found = self._registration(conn, meeting, lock=True)
            assert found is not None
            old = found[1]
            record = self._parse(old, meeting) if old is not None else empty_record(mid)
            result = apply(record)
            record.log.append(
                LogEntry(
                    at=at, operator=operator, command=command, change=describe(result), host=host
                )
            )
            new = dump_record(record)
            self._keep_for_undo(conn, mid, old, new)
            conn.execute(
                f"UPDATE {SCHEMA}.meetings SET record = %s, changed_at = now() WHERE id = %s",
                (new, mid),
            )
            conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, mid))
            _fault_point("before-commit")
        return record, result

    def _keep_for_undo(
        self, conn: psycopg.Connection[Any], mid: str, old: bytes | None, new: bytes
    ) -> None:
        row = conn.execute(
            f"SELECT coalesce(max(seq), 0) FROM {SCHEMA}.undo WHERE meeting = %s", (mid,)
        ).fetchone()
        seq = (row[0] if row else 0) + 1
        conn.execute(
            f"INSERT INTO {SCHEMA}.undo (meeting, seq, old, new_digest) VALUES (%s, %s, %s, %s)",
            (mid, seq, old, record_digest(new)),
        )
        conn.execute(
            f"DELETE FROM {SCHEMA}.undo WHERE meeting = %s AND seq <= %s", (mid, seq - UNDO_KEEP)
        )

    def undo(self, meeting: Meeting, *, check: UndoCheck | None = None) -> LogEntry | None:
        self._refuse_bundled()
        mid = meeting.meeting.id
        with self._connect() as conn, self._transaction(conn):
            found = self._registration(conn, meeting, lock=True)
            current = found[1] if found is not None else None
            undone = self._parse(current, meeting).log if current is not None else []
            row = conn.execute(
                f"SELECT seq, old, new_digest FROM {SCHEMA}.undo WHERE meeting = %s "
                "ORDER BY seq DESC LIMIT 1",
                (mid,),
            ).fetchone()
            if row is None or current is None:
                raise NothingToDo("nothing to undo: no change is left in the undo history")
            seq, old, digest = row
            if digest != record_digest(current):
                raise InputError(
                    f"the record of {mid!r} in store {self.name} does not match its undo "
                    "history (it was changed outside hlmctl); nothing was changed"
                )
            if check is not None:
                check(undone[-1] if undone else None)
            old = bytes(old) if old is not None else None
            if old is not None:
                self._parse(old, meeting)
            conn.execute(
                f"UPDATE {SCHEMA}.meetings SET record = %s, changed_at = now() WHERE id = %s",
                (old, mid),
            )
            conn.execute(f"DELETE FROM {SCHEMA}.undo WHERE meeting = %s AND seq = %s", (mid, seq))
            conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, mid))
        return undone[-1] if undone else None

    def replace_record(self, meeting: Meeting, raw: bytes, *, force: bool) -> None:
        """``store copy`` into PostgreSQL: the schema and registration if missing."""
        self._refuse_bundled()
        self._parse(raw, meeting)
        mid = meeting.meeting.id
        with self._connect() as conn, self._transaction(conn):
            self._create_schema(conn)
            self._register(conn, meeting)
            found = self._registration(conn, meeting, lock=True)
            if found is not None and found[1] is not None and not force:
                raise InputError(
                    f"meeting {mid!r} has a record in store {self.name} already: --force "
                    "overwrites it; nothing was changed"
                )
            conn.execute(f"DELETE FROM {SCHEMA}.undo WHERE meeting = %s", (mid,))
            conn.execute(
                f"UPDATE {SCHEMA}.meetings SET record = %s, changed_at = now() WHERE id = %s",
                (raw, mid),
            )
            conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, mid))

    # --- watch -----------------------------------------------------------------------------

    def watch(self, stop: threading.Event) -> Iterator[None]:
        """Yield once at once, then each time a change to this meeting is committed
        (LISTEN/NOTIFY: no polling), until ``stop`` is set, checked every second.
        A lost connection is retried every second; once listening again, yield
        (a change may have been missed meanwhile)."""
        mid = self.load_meeting().meeting.id
        yield
        missed = False
        while not stop.is_set():
            try:
                with self._connect() as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    if missed:
                        missed = False
                        yield
                    while not stop.is_set():
                        changed = False
                        for note in conn.notifies(timeout=1.0, stop_after=1):
                            changed = note.payload == mid
                        if changed:
                            yield
            except StoreUnreachable:
                missed = True
                stop.wait(1.0)


def peek_record(url: str, meeting_id: str) -> bytes | None:
    """The record's bytes for shell completion: quick (2 s at most to connect), never
    an error (None), no check of the modalities (completion only offers ids)."""
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=2, application_name="hlmctl") as conn:
            row = conn.execute(
                f"SELECT record FROM {SCHEMA}.meetings WHERE id = %s", (meeting_id,)
            ).fetchone()
    except Exception:
        return None
    return bytes(row[0]) if row is not None and row[0] is not None else None


def _fault_point(name: str) -> None:
    """Test hook: ``HLMCTL_FAULT=name:seconds`` sleeps here so a test can stop the
    server or kill the process inside the transaction."""
    spec = os.environ.get("HLMCTL_FAULT")
    if spec and spec.split(":")[0] == name:
        import time

        time.sleep(float(spec.split(":")[1]) if ":" in spec else 5.0)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0].strip() if text else type(exc).__name__

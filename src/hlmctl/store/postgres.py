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
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import unquote

from hlmctl.errors import BusyError, InputError, NothingToDo, StoreUnreachable
from hlmctl.files import RECORD_MAX_BYTES
from hlmctl.meeting import Meeting, load_meeting
from hlmctl.record import LogEntry, Record, dump_record, empty_record
from hlmctl.store.base import UndoCheck, modalities_fingerprint, record_digest
from hlmctl.store.file import DEFAULT_LOCK_TIMEOUT, UNDO_KEEP, UNDO_MAX_BYTES
from hlmctl.store.select import SCHEMES
from hlmctl.store.write import check_record_size, interrupts_held

if TYPE_CHECKING:
    import psycopg

    from hlmctl.clock import Clock

T = TypeVar("T")

# libpq's words for a parameter it cannot use: the URL is wrong, not the server away.
_BAD_VALUE = re.compile(
    r'invalid ("?\w+"? )*value|for connection option|invalid URI|invalid connection option|'
    r"invalid port number|could not parse network address",
    re.IGNORECASE,
)

_PARKING = threading.Lock()

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

# The schema's version, kept as its comment. A store made before the mark is read as
# version 1 when its tables are as below.
SCHEMA_VERSION = 1
SCHEMA_MARK = "hlmctl store, schema version "
COLUMNS = {
    "meetings": {
        "id": "text",
        "fingerprint": "text",
        "registered_at": "timestamp with time zone",
        "registered_by": "text",
        "registered_host": "text",
        "record": "bytea",
        "changed_at": "timestamp with time zone",
    },
    "undo": {"meeting": "text", "seq": "bigint", "old": "bytea", "new_digest": "text"},
}
# Columns added after the first stores were made: `store init` adds them.
ADDED = {
    ("meetings", "registered_at"): "timestamptz NOT NULL DEFAULT now()",
    ("meetings", "registered_host"): "text",
    ("meetings", "changed_at"): "timestamptz",
}
SCHEMA_QUERY = """SELECT obj_description(n.oid, 'pg_namespace'), ARRAY(
        SELECT c.relname || ' ' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
        FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
        WHERE c.relnamespace = n.oid AND c.relname IN ('meetings', 'undo')
          AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped)
    FROM pg_namespace n WHERE n.nspname = %s"""


def is_postgres_url(value: str) -> bool:
    return value.startswith(SCHEMES)


# libpq's parameters whose value is a secret (those its documentation marks with
# ``*``: password, sslpassword, oauth_client_secret), and any other whose name says so.
SECRET_PARAMETERS = frozenset({"password", "sslpassword", "oauth_client_secret"})


def is_secret(key: str) -> bool:
    name = unquote(key).strip().lower()
    return name in SECRET_PARAMETERS or "password" in name or "secret" in name


def mask(url: str) -> str:
    """The URL as messages show it: the password of its user part and the value of
    every secret parameter as ``***``. Read as libpq's URLs are, but by hand, so that
    a URL no parser accepts is shown masked too: its user part is what comes before
    the last ``@`` ahead of the query."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return "***"
    head, question, query = rest.partition("?")
    if "@" in head:
        userinfo, _, hostpart = head.rpartition("@")
        user, colon, _ = userinfo.partition(":")
        head = f"{user}{':***' if colon else ''}@{hostpart}"
    return scheme + sep + head + question + _masked_query(query)


def without_userinfo(url: str) -> str:
    """A URL that cannot be read, as messages show it: without its user part at all
    (where the user name and password end cannot be told), secret parameters masked."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return "***"
    head, question, query = rest.partition("?")
    return scheme + sep + head.rpartition("@")[2] + question + _masked_query(query)


def _masked_query(query: str) -> str:
    pairs = []
    for pair in query.split("&") if query else []:
        key, eq, _ = pair.partition("=")
        pairs.append(f"{key}=***" if eq and is_secret(key) else pair)
    return "&".join(pairs)


def _secrets(url: str) -> list[str]:
    """Every secret the URL holds, as written and as decoded, and its pieces (libpq
    may quote part of a user part it cut in the wrong place)."""
    found: list[str] = []
    _, _, rest = url.partition("://")
    head, _, query = rest.partition("?")
    if "@" in head:
        userinfo = head.rpartition("@")[0]
        if ":" in userinfo:
            found.append(userinfo)
        password = userinfo.partition(":")[2]
        if password:
            found += [password, unquote(password)]
    for pair in query.split("&") if query else []:
        key, eq, value = pair.partition("=")
        if eq and value and is_secret(key):
            found += [value, unquote(value)]
    return sorted({f for f in found if f}, key=len, reverse=True)


@dataclass
class PostgresStore:
    """A meeting file (the modalities, one copy per desk) and its record in PostgreSQL."""

    meeting_path: Path
    url: str
    bundled: bool = False
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT
    operator: str = "unknown"  # who registers the meeting, when this desk does
    host: str | None = None  # this desk
    # The server's clock minus this desk's, once measured; the connection that
    # measured it, for the next one this command opens.
    _offset: timedelta | None = field(default=None, init=False, repr=False)
    _parked: psycopg.Connection[Any] | None = field(default=None, init=False, repr=False)

    @property
    def name(self) -> str:
        """The store as messages show it: never with its password."""
        return mask(self.url)

    # --- connections and the errors they raise -----------------------------------------

    def _fail(self, message: str) -> str:
        for secret in _secrets(self.url):
            message = message.replace(secret, "***")
        return " ".join(message.split())

    def _refused_url(self, cause: str, given: dict[str, Any] | None = None) -> InputError:
        """A URL libpq or the driver cannot use: exit 2, shown without its user part;
        a value that came from one of libpq's environment variables names it."""
        shown = without_userinfo(self.url)
        text = self._fail(cause.replace(self.url, shown))
        variable = _variable_named(cause, given or {})
        if variable is not None:
            value = "***" if is_secret(variable) else os.environ.get(variable, "")
            return InputError(
                f"{variable}={value!r} (libpq's environment) cannot be used with store "
                f"{self.name}: {text}; nothing was changed",
                hint=f"correct or unset {variable}",
            )
        return InputError(
            f"store {shown} is not a URL hlmctl can use: {text}; nothing was changed",
            hint="percent-encode spaces and special characters (%20, %40 for @); "
            "libpq's documentation lists the parameters and their values",
        )

    def _open(self) -> psycopg.Connection[Any]:
        """A new connection; a URL that cannot be used is exit 2, a server that cannot
        be reached exit 5, each one line without a secret."""
        import psycopg

        _, _, rest = self.url.partition("://")
        if rest.partition("?")[0].count("@") > 1:
            raise self._refused_url(
                "its user part holds an '@' (write it %40): where the password ends cannot be told"
            )
        try:
            given = psycopg.conninfo.conninfo_to_dict(self.url)
        except (psycopg.Error, ValueError) as exc:  # libpq could not parse it
            raise self._refused_url(_first_line(exc)) from None
        # Text comes back as UTF-8 whatever $PGCLIENTENCODING says.
        extra: dict[str, Any] = {"application_name": "hlmctl", "client_encoding": "UTF8"}
        if "connect_timeout" not in given and not os.environ.get("PGCONNECT_TIMEOUT"):
            extra["connect_timeout"] = CONNECT_TIMEOUT
        # A dropped network is noticed in seconds, not after the system's two hours.
        for key, value in (("keepalives_idle", 5), ("keepalives_interval", 2)):
            if key not in given:
                extra[key] = value
        try:
            return psycopg.connect(self.url, autocommit=True, **extra)
        except psycopg.OperationalError as exc:
            first = _first_line(exc)
            if _BAD_VALUE.search(first):
                raise self._refused_url(first, given) from None
            raise StoreUnreachable(
                self._fail(f"store {self.name} cannot be reached: {first}; nothing was changed")
            ) from None
        except psycopg.Error as exc:
            raise self._refused_url(_first_line(exc), given) from None
        except (ValueError, UnicodeError, OverflowError) as exc:
            # The driver's own checks (a timeout that is not a number, a host name
            # that is not one, with a bidi control character say).
            raise self._refused_url(_first_line(exc), given) from None

    @contextlib.contextmanager
    def _connect(self, *, keep: bool = False) -> Iterator[psycopg.Connection[Any]]:
        """One connection, closed at the end (``keep``: kept for the next one this
        command opens); every psycopg error becomes ours."""
        import psycopg
        from psycopg import errors as pg

        with _PARKING:  # the board reads from several threads
            conn, self._parked = self._parked, None
        if conn is None or conn.closed:
            conn = self._open()
        kept = False
        try:
            yield conn
            if keep:
                self._parked, kept = conn, True
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
        except pg.UndefinedColumn:
            raise self._foreign_schema("its tables lack columns hlmctl uses") from None
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
        except psycopg.Error as exc:
            # Anything else the server or the driver refuses (a setting from $PGOPTIONS,
            # a value it cannot convert): one line, not a bug of hlmctl's.
            text = _first_line(exc)
            raise StoreUnreachable(
                self._fail(f"store {self.name} refused the command: {text}; nothing was changed")
            ) from None
        finally:
            if not kept:
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
            # Ctrl-C during the commit waits for its answer: the command then says
            # what was done, never "interrupted" over a change that was made.
            with interrupts_held():
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
        """(fingerprint, record) of the meeting's row, or None when not registered. A
        record larger than the file store reads is refused, without fetching it."""
        self._check_schema(conn)
        sql = (
            f"SELECT fingerprint, CASE WHEN octet_length(record) <= %s THEN record END, "
            f"octet_length(record) FROM {SCHEMA}.meetings WHERE id = %s"
        )
        row = conn.execute(
            sql + (" FOR UPDATE" if lock else ""), (RECORD_MAX_BYTES, meeting.meeting.id)
        ).fetchone()
        if row is None:
            return None
        fingerprint, raw, size = row
        self._same_modalities(meeting, fingerprint)
        if size is not None and size > RECORD_MAX_BYTES:
            raise InputError(
                f"record of {meeting.meeting.id!r} in store {self.name}: the record is too "
                f"large ({size:,} bytes, more than {RECORD_MAX_BYTES:,}); nothing was changed"
            )
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

    def _schema_state(self, conn: psycopg.Connection[Any]) -> tuple[str, str]:
        """What the database holds under the name ``hlmctl``: ("ok", ""), ("missing",
        ""), ("newer", version), ("older", missing columns) or ("foreign", why)."""
        row = conn.execute(SCHEMA_QUERY, (SCHEMA,)).fetchone()
        if row is None:
            return "missing", ""
        comment, described = row
        found: dict[tuple[str, str], str] = {}
        for line in described or []:
            table, column, kind = str(line).split(" ", 2)
            found[(table, column)] = kind
        if comment is not None:
            version = str(comment).removeprefix(SCHEMA_MARK)
            if version == str(comment) or not version.isdigit():
                return "foreign", f"its comment is {str(comment)[:60]!r}, not hlmctl's mark"
            if int(version) > SCHEMA_VERSION:
                return "newer", version
        if not found:
            return "missing", ""
        wrong = [
            (table, column, kind)
            for table, columns in COLUMNS.items()
            for column, kind in columns.items()
            if found.get((table, column)) != kind
        ]
        if not wrong:
            return "ok", ""
        if all((t, c) in ADDED and (t, c) not in found for t, c, _ in wrong):
            return "older", ", ".join(f"{SCHEMA}.{t}.{c}" for t, c, _ in wrong)
        t, c, kind = wrong[0]
        has = found.get((t, c))
        why = f"{SCHEMA}.{t}.{c} is {has}, not {kind}" if has else f"{SCHEMA}.{t} has no {c}"
        return "foreign", why + (f" (and {len(wrong) - 1} more)" if len(wrong) > 1 else "")

    def _check_schema(self, conn: psycopg.Connection[Any]) -> None:
        """Refuse (exit 2, one line) a schema that is not this hlmctl's."""
        state, detail = self._schema_state(conn)
        if state == "ok":
            return
        if state == "missing":
            raise InputError(
                f"store {self.name} has no hlmctl schema yet",
                hint="run `hlmctl store init` once (it creates the schema and registers "
                "this meeting)",
            )
        raise self._schema_refused(state, detail)

    def _schema_refused(self, state: str, detail: str) -> InputError:
        if state == "newer":
            return InputError(
                f"store {self.name} holds the schema of a newer hlmctl (version {detail}; "
                f"this one reads version {SCHEMA_VERSION}); nothing was changed",
                hint="upgrade hlmctl on this desk to the version the other desks use",
            )
        if state == "older":
            return InputError(
                f"store {self.name} holds the schema of an older hlmctl (it lacks {detail}); "
                "nothing was changed",
                hint="`hlmctl store init`, run once by the schema's owner, upgrades it",
            )
        return self._foreign_schema(detail)

    def _foreign_schema(self, why: str) -> InputError:
        return InputError(
            f"store {self.name} has a schema `{SCHEMA}` that is not an hlmctl store "
            f"({why}): hlmctl will not use it; nothing was changed",
            hint="use another database for hlmctl, or rename that schema",
        )

    def _create_schema(self, conn: psycopg.Connection[Any]) -> None:
        """The schema and its tables, when missing; the columns an older hlmctl's
        schema lacks. A desk with the least privileges (no CREATE) gets past this once
        the owner has run `store init`."""
        state, detail = self._schema_state(conn)
        if state == "ok":
            return
        if state not in ("missing", "older"):
            raise self._schema_refused(state, detail)
        # Two desks running init at once: one creates, the other waits for it.
        conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"{SCHEMA}.init",))
        for statement in DDL:
            conn.execute(statement)
        for (table, column), kind in ADDED.items():
            conn.execute(f"ALTER TABLE {SCHEMA}.{table} ADD COLUMN IF NOT EXISTS {column} {kind}")
        conn.execute(f"COMMENT ON SCHEMA {SCHEMA} IS '{SCHEMA_MARK}{SCHEMA_VERSION}'")
        self._check_schema(conn)

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
        apply: Callable[[Record, datetime], T],
        *,
        clock: Clock,
        operator: str,
        command: str,
        describe: Callable[[T], str],
        host: str | None = None,
    ) -> tuple[Record, T]:
        """Apply one change in one transaction under the meeting's row lock, at the
        database server's time read once the lock is held (one clock for every desk)."""
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
            at = clock.read(record, server=None if clock.given else _server_time(conn))
            result = apply(record, at)
            record.log.append(
                LogEntry(
                    at=at, operator=operator, command=command, change=describe(result), host=host
                )
            )
            new = dump_record(record)
            check_record_size(new, f"record of {mid!r} in store {self.name}")
            self._keep_for_undo(conn, mid, old, new)
            conn.execute(
                f"UPDATE {SCHEMA}.meetings SET record = %s, changed_at = now() WHERE id = %s",
                (new, mid),
            )
            conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, mid))
            _fault_point("before-commit", conn)
        return record, result

    def clock_offset(self) -> timedelta:
        """The server's clock minus this desk's, measured once per command (half the
        round trip either side: within a few milliseconds on a local network)."""
        if self._offset is None:
            import time

            with self._connect(keep=True) as conn:
                sent = time.time()
                server = _server_time(conn)
                back = time.time()
            desk = datetime.fromtimestamp((sent + back) / 2, UTC)
            self._offset = server - desk
        return self._offset

    def identity(self) -> tuple[object, ...]:
        """Which server and database this URL reaches, whatever its text says: the
        server's system identifier where this role may read it (else its start time
        and port) and the database's name and oid."""
        with self._connect() as conn:
            row = conn.execute(
                "SELECT pg_postmaster_start_time()::text, current_setting('port'), "
                "current_database(), (SELECT oid FROM pg_database "
                "WHERE datname = current_database())::bigint"
            ).fetchone()
            system: object = None
            with contextlib.suppress(Exception), conn.transaction():
                found = conn.execute("SELECT system_identifier FROM pg_control_system()")
                one = found.fetchone()
                system = one[0] if one else None
        assert row is not None
        return (system, *row) if system is not None else tuple(row)

    def _keep_for_undo(
        self, conn: psycopg.Connection[Any], mid: str, old: bytes | None, new: bytes
    ) -> None:
        """The old record as the newest undo entry; the history bounded as the file
        store's is (200 entries, 32 MiB; the newest always stays)."""
        row = conn.execute(
            f"SELECT coalesce(max(seq), 0) FROM {SCHEMA}.undo WHERE meeting = %s", (mid,)
        ).fetchone()
        seq = (row[0] if row else 0) + 1
        conn.execute(
            f"INSERT INTO {SCHEMA}.undo (meeting, seq, old, new_digest) VALUES (%s, %s, %s, %s)",
            (mid, seq, old, record_digest(new)),
        )
        conn.execute(
            f"DELETE FROM {SCHEMA}.undo WHERE meeting = %s AND (seq <= %s OR seq <= ("
            f"SELECT coalesce(max(seq), 0) FROM (SELECT seq, sum(coalesce(octet_length(old), 0)) "
            f"OVER (ORDER BY seq DESC) AS total FROM {SCHEMA}.undo WHERE meeting = %s) AS kept "
            f"WHERE total > %s AND seq < %s))",
            (mid, seq - UNDO_KEEP, mid, UNDO_MAX_BYTES, seq),
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
        check_record_size(raw, f"record of {meeting.meeting.id!r} in store {self.name}")
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


# libpq's environment variables whose name is not PG and the parameter's, upper case
# without underscores (PGSSLMODE, PGTARGETSESSIONATTRS...).
_VARIABLES = {
    "dbname": "PGDATABASE",
    "application_name": "PGAPPNAME",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "timezone": "PGTZ",
    "datestyle": "PGDATESTYLE",
    "geqo": "PGGEQO",
}
_NAMED = re.compile(
    r'invalid "?(\w+)"? value|connection option "(\w+)"|value for (?!parameter)(\w+)|'
    r'parameter "(\w+)"|invalid (port) number|network (address)|'
    r"failed to resolve (host)|(host) name|(idna)",
    re.IGNORECASE,
)
_NAMED_AS = {"idna": "host", "address": "hostaddr"}


def _variable_named(cause: str, given: dict[str, Any]) -> str | None:
    """The environment variable a refused value came from: a parameter libpq or the
    driver names, when the URL does not give it and its variable is set."""
    for found in _NAMED.finditer(cause):
        for group in found.groups():
            if not group:
                continue
            name = _NAMED_AS.get(group.lower(), group.lower())
            variable = _VARIABLES.get(name, "PG" + name.upper().replace("_", ""))
            if name not in given and os.environ.get(variable):
                return variable
    return None


def _server_time(conn: psycopg.Connection[Any]) -> datetime:
    """The database server's clock now (``clock_timestamp()``, not the transaction's
    start: a change reads it after waiting for the row lock). As seconds since the
    epoch, so that no DateStyle or TimeZone of the session can change it."""
    row = conn.execute("SELECT extract(epoch FROM clock_timestamp())::float8").fetchone()
    assert row is not None
    return datetime.fromtimestamp(float(row[0]), UTC)


def _fault_point(name: str, conn: psycopg.Connection[Any]) -> None:
    """Test hook: ``HLMCTL_FAULT=name:seconds`` waits here so a test can stop the
    server, drop the connection or kill the process inside the transaction. The wait
    ends early when the server speaks or hangs up (a dropped connection, a stopped
    server), so that a test can wait long without a race against a slow machine."""
    spec = os.environ.get("HLMCTL_FAULT")
    if spec and spec.split(":")[0] == name:
        import select

        select.select([conn.fileno()], [], [], float(spec.split(":")[1]) if ":" in spec else 5.0)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0].strip() if text else type(exc).__name__

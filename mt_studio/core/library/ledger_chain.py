"""The hash chain over the append-only tables (docs/architecture.md, "A tamper-evident ledger").

Each row of consent_events, audit_log and exports carries `hash`: the link of the previous
row's hash (GENESIS before the first) and the row's content in a canonical encoding (an
export's covers its export_tracks, export_participants and export_files rows too). A row is
written with its hash in the transaction that writes it (`next_row`, `link`); `verify` walks
every chain and the append-only triggers and names the first thing that is not as written.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from mt_studio.core.library.sqlite import sqlite3

GENESIS = "0" * 64

# Each chained table and the columns its hash covers, in order.
CHAINS: dict[str, tuple[str, ...]] = {
    "consent_events": ("id", "participant_id", "purpose", "action", "at", "valid_until",
                       "credit", "witness", "form_version", "reason"),
    "audit_log": ("id", "at", "action", "subject", "participant_id", "details", "actor_id",
                  "for_participant"),
    "exports": ("id", "created_at", "purpose", "recipient", "profile", "file", "title"),
}
# The rows written with an export, which its hash covers: table -> their columns but export_id.
EXPORT_PARTS: dict[str, tuple[str, ...]] = {
    "export_tracks": ("take_id", "track_id"),
    "export_participants": ("participant_id",),
    "export_files": ("name", "bytes", "sha256"),
}


def link(previous: str, content: bytes, key: bytes | None = None) -> str:
    """A row's hash: SHA-256 of the previous row's hash and the row's canonical content, as
    an HMAC keyed by KEY in an encrypted library (`chain_key`), so that whoever rewrites the
    rows cannot make their hashes again without the library key. The one place it is made."""
    message = previous.encode("ascii") + b"\n" + content
    if key is None:
        return hashlib.sha256(message).hexdigest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def chain_key(db: sqlite3.Connection) -> bytes | None:
    """The key the chains of the library open on DB are linked with (None: a plain library)."""
    return getattr(db, "chain_key", None)


def canonical(table: str, row: Iterable[object], parts: dict | None = None) -> bytes:
    """ROW (the values of CHAINS[TABLE], in order) and an export's PARTS (table -> rows), as
    the bytes its hash covers: compact JSON, keys sorted, text as UTF-8."""
    content: dict[str, object] = {"table": table, "row": list(row)}
    if parts is not None:
        content["parts"] = {name: sorted(list(r) for r in rows) for name, rows in parts.items()}
    return json.dumps(content, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def next_row(db: sqlite3.Connection, table: str) -> tuple[int, str]:
    """The id the next row of TABLE gets, and the hash it follows (inside the writer's
    transaction, so nothing comes between)."""
    last = db.execute(f"SELECT id, hash FROM {table} ORDER BY id DESC LIMIT 1").fetchone()
    return (1, GENESIS) if last is None else (last[0] + 1, last[1] or GENESIS)


@dataclass(frozen=True)
class Head:
    """The end of one chain: how many rows it has and the last one's hash."""

    rows: int
    hash: str


def heads(db: sqlite3.Connection) -> dict[str, Head]:
    """Each chain's head, as the library has it now."""
    found = {}
    for table in CHAINS:
        rows, last = db.execute(
            f"SELECT count(*), (SELECT hash FROM {table} ORDER BY id DESC LIMIT 1)"
            f" FROM {table}").fetchone()
        found[table] = Head(rows, last or GENESIS)
    return found


# -- the append-only triggers ----------------------------------------------------------------

def append_only_triggers(table: str, *, with_id: bool = True) -> dict[str, str]:
    """The triggers that keep TABLE append-only, by name (the insert one, for a table with an
    id, stops INSERT OR REPLACE from overwriting a row in place)."""
    triggers = {
        f"{table}_no_update": f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                              f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END",
        f"{table}_no_delete": f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
                              f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END",
    }
    if with_id:
        triggers[f"{table}_no_replace"] = (
            f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
            f"WHEN EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id) "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")
    return triggers


def expected_triggers(db: sqlite3.Connection | None = None) -> dict[str, str]:
    """Every append-only trigger the library on DB must have, by name, as it is written (an
    SQLite library's when DB is None)."""
    if dialect(db) == "postgresql":
        return _server_triggers()
    expected: dict[str, str] = {}
    for table in CHAINS:
        expected.update(append_only_triggers(table))
    for table in (*EXPORT_PARTS, "library_identity"):
        expected.update(append_only_triggers(table, with_id=False))
    return expected


def _server_triggers() -> dict[str, str]:
    """A PostgreSQL library's append-only triggers: no UPDATE (ON CONFLICT DO UPDATE fires it
    too), no DELETE, no TRUNCATE, each refused by `schema_postgresql.REFUSE_CHANGE`."""
    triggers = {}
    for table in (*CHAINS, *EXPORT_PARTS, "library_identity"):
        for event, each in (("UPDATE", "ROW"), ("DELETE", "ROW"), ("TRUNCATE", "STATEMENT")):
            name = f"{table}_no_{event.lower()}"
            triggers[name] = (f"CREATE TRIGGER {name} BEFORE {event} ON public.{table} FOR EACH "
                              f"{each} EXECUTE FUNCTION mt_studio_refuse_change()")
    return triggers


def dialect(db: object) -> str:
    """"sqlite" or "postgresql": which database the connection DB is to."""
    return getattr(db, "dialect", "sqlite")


@contextmanager
def append_only_lifted(db: sqlite3.Connection) -> Iterator[None]:
    """Inside DB's transaction: the append-only triggers dropped for the block (relinking the
    chains, a new identity), made again as written after it."""
    server = dialect(db) == "postgresql"
    for name in expected_triggers(db):
        table = name.rsplit("_no_", 1)[0]
        db.execute(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if server else ""))
    yield
    if server:  # the function they call, as written (an altered one is put right too)
        from mt_studio.core.library.schema_postgresql import REFUSE_CHANGE

        db.execute(REFUSE_CHANGE.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1))
    for sql in expected_triggers(db).values():
        db.execute(sql)


def new_identity(db: sqlite3.Connection) -> None:
    """Give the library a new random id (its encryption; the caller has dropped the
    append-only triggers)."""
    import secrets

    db.execute("DELETE FROM library_identity")
    db.execute("INSERT INTO library_identity (id) VALUES (?)", (secrets.token_hex(16),))


def library_id(db: sqlite3.Connection) -> str:
    """The library's own random id (the same in every copy of it)."""
    return db.execute("SELECT id FROM library_identity").fetchone()[0]


# -- verifying -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    """The first thing found not as written: a TRIGGER missing or altered, or a row (TABLE,
    ROW_ID) that does not match its hash, or a chain with fewer rows than seen (ROW_ID None)."""

    kind: str  # "trigger", "row", "older"
    table: str
    row_id: int | None = None
    trigger: str | None = None
    rows: int | None = None  # for "older": the rows the library has
    seen_rows: int | None = None  # for "older": the rows seen before


def verify(db: sqlite3.Connection, seen: dict[str, Head] | None = None
           ) -> tuple[Finding | None, dict[str, Head]]:
    """Check the triggers, every chain and, when SEEN (heads recorded before) is given, that
    no chain is older than seen: the first finding (None when intact) and the heads found."""
    finding = missing_trigger(db)
    found_heads: dict[str, Head] = {}
    for table in CHAINS:
        bad, head, hash_at = _walk(db, table, (seen or {}).get(table))
        found_heads[table] = head
        if finding is None and bad is not None:
            finding = Finding("row", table, bad)
        if finding is None and seen is not None and table in seen:
            before = seen[table]
            if head.rows < before.rows or (before.rows and hash_at != before.hash):
                finding = Finding("older", table, rows=head.rows, seen_rows=before.rows)
    return finding, found_heads


def missing_trigger(db: sqlite3.Connection) -> Finding | None:
    """The first append-only trigger missing or not as written, or None."""
    if dialect(db) == "postgresql":
        return _missing_server_trigger(db)
    present = {name: sql for name, sql in db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")}
    for name, sql in expected_triggers().items():
        if _normal(present.get(name)) != _normal(sql):
            return Finding("trigger", name.rsplit("_no_", 1)[0], trigger=name)
    return None


def _missing_server_trigger(db: sqlite3.Connection) -> Finding | None:
    """The first trigger of a PostgreSQL library missing, disabled or not as written (its
    function altered counts against every trigger)."""
    from mt_studio.core.library.schema_postgresql import REFUSE_CHANGE

    function = db.execute(
        "SELECT p.prosrc FROM pg_proc p JOIN pg_namespace n"
        " ON n.oid = p.pronamespace WHERE p.proname = 'mt_studio_refuse_change'"
        " AND n.nspname = 'public'").fetchone()
    function_intact = function is not None and _normal(function[0]) == _normal(
        _body(REFUSE_CHANGE))
    present = {name: (sql, enabled) for name, sql, enabled in db.execute(
        "SELECT tgname, pg_get_triggerdef(oid), tgenabled FROM pg_trigger"
        " WHERE NOT tgisinternal")}
    for name, sql in expected_triggers(db).items():
        found, enabled = present.get(name, (None, None))
        if not function_intact or enabled != "O" or _normal(found) != _normal(sql):
            return Finding("trigger", name.rsplit("_no_", 1)[0], trigger=name)
    return None


def _body(definition: str) -> str:
    """What a PL/pgSQL function does: the text between its $$ quotes."""
    return definition.split("$$")[1]


def _normal(sql: str | None) -> str | None:
    return None if sql is None else " ".join(sql.replace(";", " ").split())


def _walk(db: sqlite3.Connection, table: str, seen: Head | None
          ) -> tuple[int | None, Head, str | None]:
    """The first row of TABLE not matching its hash (or None), the chain's head, and the hash
    of its row number SEEN.rows (the head seen before)."""
    bad = None
    previous = GENESIS
    count = 0
    key = chain_key(db)
    hash_at = None
    for row_id, stored, content in rows_of(db, table):
        count += 1
        if bad is None and (stored is None or link(previous, content, key) != stored):
            bad = row_id
        previous = stored or ""
        if seen is not None and count == seen.rows:
            hash_at = stored
    return bad, Head(count, previous if count else GENESIS), hash_at


def rows_of(db: sqlite3.Connection, table: str) -> Iterator[tuple[int, str | None, bytes]]:
    """Each row of TABLE in order: its id, its stored hash and its canonical content."""
    columns = CHAINS[table]
    parts_of: Callable[[int], dict | None] = _export_parts(db) if table == "exports" else (
        lambda _id: None)
    query = f"SELECT {', '.join(columns)}, hash FROM {table} ORDER BY id"
    for row in db.execute(query):
        yield row[0], row[-1], canonical(table, row[:-1], parts_of(row[0]))


def _export_parts(db: sqlite3.Connection) -> Callable[[int], dict]:
    """Every export's part rows, looked up by export id."""
    parts: dict[int, dict[str, list]] = defaultdict(lambda: {name: [] for name in EXPORT_PARTS})
    for name, columns in EXPORT_PARTS.items():
        for export_id, *values in db.execute(
                f"SELECT export_id, {', '.join(columns)} FROM {name}"):
            parts[export_id][name].append(values)
    return lambda export_id: parts[export_id]


def relink(db: sqlite3.Connection) -> None:
    """Give every row of every chain the hash it links to now (the migration, and an admin's
    acceptance of the library as it is); the caller has dropped the update triggers."""
    key = chain_key(db)
    for table in CHAINS:
        previous = GENESIS
        for row_id, stored, content in list(rows_of(db, table)):
            previous = link(previous, content, key)
            if stored != previous:
                db.execute(f"UPDATE {table} SET hash = ? WHERE id = ?", (previous, row_id))

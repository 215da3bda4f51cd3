"""The accounts table: names, roles, the passphrase's hash, disabled, failed sign-ins in a row."""

from __future__ import annotations

from datetime import datetime

from mt_studio.core.domain import lookup_key
from mt_studio.core.domain.accounts import Account, Role
from mt_studio.core.errors import InputError
from mt_studio.core.library import audit
from mt_studio.core.library.clock import from_text, to_text, utc_now
from mt_studio.core.library.sqlite import sqlite3
from mt_studio.core.text import one_line, shown
from mt_studio.i18n import _

MAX_NAME_LENGTH = 64
_COLUMNS = "id, name, role, disabled"


def clean_name(text: str) -> str:
    """TEXT trimmed and checked as an account's name; InputError says what is wrong."""
    name = one_line(text, _("An account's name"), MAX_NAME_LENGTH)
    if not name:
        raise InputError(_("An account's name cannot be empty."))
    return name


def count(db: sqlite3.Connection) -> int:
    """How many accounts the library has (none: it is open to whoever runs it)."""
    return db.execute("SELECT count(*) FROM accounts").fetchone()[0]


def add(db: sqlite3.Connection, name: str, role: Role, passphrase_hash: str) -> Account:
    """Add an account; a name already taken (in any letter case) is refused."""
    name = clean_name(name)
    if db.execute("SELECT 1 FROM accounts WHERE lookup_key = ?",
                  (lookup_key(name),)).fetchone() is not None:
        # asked first: a failed statement spoils a PostgreSQL transaction
        raise InputError(_("An account called {name} already exists.").format(name=shown(name)))
    account_id = db.execute(
        "INSERT INTO accounts (name, lookup_key, role, passphrase, created_at)"
        " VALUES (?, ?, ?, ?, ?) RETURNING id",
        (name, lookup_key(name), role.value, passphrase_hash, to_text(utc_now()))).fetchone()[0]
    account = Account(account_id, name, role)
    audit.record(db, "account.added", f"account:{account.id}", role=role.value)
    return account


def find(db: sqlite3.Connection, name: str) -> Account:
    """The account called NAME (any letter case); InputError naming it if there is none."""
    row = db.execute(f"SELECT {_COLUMNS} FROM accounts WHERE lookup_key = ?",
                     (lookup_key(name),)).fetchone()
    if row is None:
        raise InputError(_("There is no account called {name}.").format(name=shown(name)))
    return _account(row)


def get(db: sqlite3.Connection, account_id: int) -> Account:
    """The account ACCOUNT_ID; InputError if there is none."""
    row = db.execute(f"SELECT {_COLUMNS} FROM accounts WHERE id = ?", (account_id,)).fetchone()
    if row is None:
        raise InputError(_("There is no account {id}.").format(id=account_id))
    return _account(row)


def all_accounts(db: sqlite3.Connection) -> list[Account]:
    """Every account, by name."""
    return [_account(row) for row in db.execute(
        f"SELECT {_COLUMNS} FROM accounts ORDER BY lookup_key")]


def passphrase_hash(db: sqlite3.Connection, account_id: int) -> str:
    """The kept hash of ACCOUNT_ID's passphrase."""
    return db.execute("SELECT passphrase FROM accounts WHERE id = ?",
                      (account_id,)).fetchone()[0]


def set_passphrase(db: sqlite3.Connection, account_id: int, passphrase_hash: str, *,
                   audited: bool = True) -> None:
    """Keep a new hash for ACCOUNT_ID (a new passphrase, or the same one hashed anew); its
    failed sign-ins start again from none."""
    db.execute("UPDATE accounts SET passphrase = ?, failures = 0, last_failure = NULL"
               " WHERE id = ?", (passphrase_hash, account_id))
    if audited:
        audit.record(db, "account.passphrase_set", f"account:{account_id}")


def set_disabled(db: sqlite3.Connection, account_id: int, disabled: bool) -> bool:
    """Disable (or enable again) ACCOUNT_ID; whether that changed anything."""
    changed = db.execute("UPDATE accounts SET disabled = ? WHERE id = ? AND disabled != ?",
                         (int(disabled), account_id, int(disabled))).rowcount > 0
    if changed:
        audit.record(db, "account.disabled" if disabled else "account.enabled",
                     f"account:{account_id}")
    return changed


def failures(db: sqlite3.Connection, account_id: int) -> tuple[int, datetime | None]:
    """ACCOUNT_ID's failed sign-ins in a row, and when the last one was."""
    count_, last = db.execute("SELECT failures, last_failure FROM accounts WHERE id = ?",
                              (account_id,)).fetchone()
    return count_, None if last is None else from_text(last)


def count_try(db: sqlite3.Connection, account_id: int, at: datetime | None = None) -> None:
    """Count a sign-in about to be tried as failed (a right passphrase clears it after)."""
    db.execute("UPDATE accounts SET failures = failures + 1, last_failure = ? WHERE id = ?",
               (to_text(at or utc_now()), account_id))


def record_sign_in(db: sqlite3.Connection, account_id: int, succeeded: bool) -> None:
    """Audit a tried sign-in; one that succeeded clears the count of failed ones."""
    if succeeded:
        db.execute("UPDATE accounts SET failures = 0, last_failure = NULL WHERE id = ?",
                   (account_id,))
        audit.record(db, "account.signed_in", f"account:{account_id}")
    else:
        audit.record(db, "account.sign_in_refused", f"account:{account_id}",
                     reason="passphrase")


def record_refusal(db: sqlite3.Connection, account_id: int, reason: str) -> None:
    """Audit a sign-in refused before any passphrase was checked (REASON: "disabled")."""
    audit.record(db, "account.sign_in_refused", f"account:{account_id}", reason=reason)


def enabled_admins(db: sqlite3.Connection) -> int:
    """How many admins can still sign in."""
    return db.execute("SELECT count(*) FROM accounts WHERE role = 'admin' AND disabled = 0"
                      ).fetchone()[0]


def _account(row: tuple) -> Account:
    return Account(row[0], row[1], Role(row[2]), bool(row[3]))


def key_entry(db: sqlite3.Connection, account_id: int) -> str | None:
    """The key file's entry that wraps the library key for the account's passphrase."""
    return db.execute("SELECT key_entry FROM accounts WHERE id = ?",
                      (account_id,)).fetchone()[0]


def set_key_entry(db: sqlite3.Connection, account_id: int, entry: str | None) -> None:
    """Record ENTRY as the account's key file entry (None: it has none)."""
    db.execute("UPDATE accounts SET key_entry = ? WHERE id = ?", (entry, account_id))


def key_entries(db: sqlite3.Connection) -> dict[int, str | None]:
    """Every account's key file entry, by account id."""
    return dict(db.execute("SELECT id, key_entry FROM accounts"))

"""The service's own settings, the same for everyone using the library (`service_settings`):
when someone may have stopped coming, whether report files show counts under 3, and (read
through retention.py) how long takes are kept. A setting never written has its default."""

from __future__ import annotations

from collections.abc import Mapping

from mt_studio.core.domain.groups import DropoutRules
from mt_studio.core.library.params import marks
from mt_studio.core.library.sqlite import sqlite3

_DROPOUT = {"dropout.missed_in_a_row": "missed_in_a_row",
            "dropout.individual_weeks": "individual_weeks"}
_SMALL_COUNTS = "report.show_small_counts"


def dropout_rules(db: sqlite3.Connection) -> DropoutRules:
    """The service's preferences for "may have stopped" (the defaults for those never set)."""
    return DropoutRules(**numbers(db, _DROPOUT))


def set_dropout_rules(db: sqlite3.Connection, chosen: DropoutRules) -> None:
    """Keep CHOSEN as the service's preferences."""
    keep_numbers(db, _DROPOUT, chosen)


def numbers(db: sqlite3.Connection, fields: Mapping[str, str]) -> dict[str, int]:
    """The settings named in FIELDS (setting: field) that were ever written, as whole numbers,
    by field."""
    return {fields[name]: int(value) for name, value in db.execute(
        f"SELECT name, value FROM service_settings WHERE name IN ({marks(fields)})",
        list(fields))}


def keep_numbers(db: sqlite3.Connection, fields: Mapping[str, str], chosen: object) -> None:
    """Keep each field of CHOSEN named in FIELDS (setting: field) as its setting."""
    for name, field in fields.items():
        _set(db, name, str(getattr(chosen, field)))


def show_small_counts(db: sqlite3.Connection) -> bool:
    """Whether report files show counts under 3 as they are (off unless an admin turned it on)."""
    row = db.execute("SELECT value FROM service_settings WHERE name = ?",
                     (_SMALL_COUNTS,)).fetchone()
    return row is not None and row[0] == "1"


def set_show_small_counts(db: sqlite3.Connection, shown: bool) -> None:
    """Keep whether report files show counts under 3."""
    _set(db, _SMALL_COUNTS, "1" if shown else "0")


def _set(db: sqlite3.Connection, name: str, value: str) -> None:
    db.execute("INSERT INTO service_settings (name, value) VALUES (?, ?)"
               " ON CONFLICT (name) DO UPDATE SET value = excluded.value", (name, value))

"""The service's own settings for its overview, the same for everyone using the library: when
someone may have stopped coming, and whether report files show counts under 3."""

from __future__ import annotations

import sqlite3

from mt_studio.core.domain.groups import DropoutRules

_DROPOUT = {"dropout.missed_in_a_row": "missed_in_a_row",
            "dropout.individual_weeks": "individual_weeks"}
_SMALL_COUNTS = "report.show_small_counts"


def dropout_rules(db: sqlite3.Connection) -> DropoutRules:
    """The service's preferences for "may have stopped" (the defaults for those never set)."""
    values = {_DROPOUT[name]: int(value) for name, value in db.execute(
        "SELECT name, value FROM service_settings WHERE name LIKE 'dropout.%'")
        if name in _DROPOUT}
    return DropoutRules(**values)


def set_dropout_rules(db: sqlite3.Connection, chosen: DropoutRules) -> None:
    """Keep CHOSEN as the service's preferences."""
    for name, field in _DROPOUT.items():
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

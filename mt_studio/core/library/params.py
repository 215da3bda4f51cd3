"""Placeholders for a list of values in SQL both databases read."""

from __future__ import annotations

from collections.abc import Sized


def marks(values: Sized) -> str:
    """`?, ?, ?` for each of VALUES, to go in `x IN (...)`; for none, NULL, which nothing is
    IN (PostgreSQL refuses an empty list, which SQLite reads as that)."""
    return ", ".join("?" * len(values)) or "NULL"

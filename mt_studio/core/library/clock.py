"""Timestamps as the library stores them: ISO 8601 in UTC."""

from __future__ import annotations

from datetime import UTC, datetime

from mt_studio.core.clock import local_now, utc_now

__all__ = ["from_text", "local_now", "to_text", "utc_now"]


def to_text(moment: datetime) -> str:
    """MOMENT as stored text (UTC, microseconds)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_text(text: str) -> datetime:
    """A stored timestamp back as an aware datetime."""
    return datetime.fromisoformat(text)


"""Timestamps as the library stores them: ISO 8601 in UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    """The current moment, timezone-aware."""
    return datetime.now(UTC)


def to_text(moment: datetime) -> str:
    """MOMENT as stored text (UTC, microseconds)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_text(text: str) -> datetime:
    """A stored timestamp back as an aware datetime."""
    return datetime.fromisoformat(text)


def local_now() -> datetime:
    """The current moment in the local zone: consent expiry is counted in local calendar days."""
    return datetime.now().astimezone()

"""The clock the studio reads: the current moment, aware of its time zone."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    """The current moment, timezone-aware."""
    return datetime.now(UTC)


def local_now() -> datetime:
    """The current moment in the local zone: consent expiry is counted in local calendar days."""
    return datetime.now().astimezone()

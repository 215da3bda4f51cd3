"""What the library tells about keeping takes: each take with who can be heard on it, a
therapist's reason to keep one longer, and the service's rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from mt_studio.core.domain import TrackPlan

HOLD_DAYS = 30  # a reason to keep a take longer is asked for again after this long


@dataclass(frozen=True)
class KeptTake:
    """A finished take as retention sees it: its session's day, its tracks and who was
    present (so that who can be heard on it is the consent policy's to say)."""

    take_id: int
    session_id: int
    session_title: str
    session_day: date
    number: int
    name: str | None
    tracks: tuple[TrackPlan, ...]
    present: frozenset[int]
    # A take moved in from a library for the day: the local day it came, and those heard on
    # it who had no consent to be recorded then.
    moved_on: date | None = None
    not_consented: frozenset[int] = frozenset()


@dataclass(frozen=True)
class RetentionHold:
    """A therapist's written reason to keep TAKE_ID although it is due: it holds until UNTIL
    (a local day, not included), then is asked for again."""

    take_id: int
    reason: str
    at: datetime
    until: date
    by: str | None = None  # the account's name; None in a library without accounts


@dataclass(frozen=True)
class RetentionRules:
    """The service's rules: a take due for deletion goes GRACE_DAYS after it became due; a
    take older than MAX_AGE_DAYS (0: no limit) is due whatever the consent says."""

    grace_days: int = 7
    max_age_days: int = 0

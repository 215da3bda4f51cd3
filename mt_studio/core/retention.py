"""Which takes are due for deletion, and when they go (docs/architecture.md, "Retention").

`keep` means "kept after the session day". A take is due when someone who can be heard on it
does not hold `keep`: never given by the end of the session's day (due the day after), or
withdrawn or expired later (due from that day); when it was recorded in a library for the day
and someone heard on it had no consent to be recorded when it was moved in (due from that
day); or when it is older than the service's maximum age. A due take is deleted once the
grace days have passed since it became due, unless a therapist wrote a reason to keep it
longer; such a reason holds for 30 days, and when it lapses the grace days start again, so
that nobody is surprised.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from mt_studio.core.consent_policy import ConsentState, consent_status, heard_on
from mt_studio.core.domain import ConsentEvent, Purpose
from mt_studio.core.domain.retention import KeptTake, RetentionHold, RetentionRules


class DueCause(enum.StrEnum):
    """Why a take is due for deletion."""

    NO_KEEP = "no_keep"  # keep was not given by the end of the session's day
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    TOO_OLD = "too_old"  # older than the service's maximum age
    # recorded in a library for the day, and when it was moved into the service's library
    # someone heard on it had no consent to be recorded (never given, or withdrawn meanwhile)
    NO_RECORD = "no_record"


@dataclass(frozen=True)
class Why:
    """One reason a take is due: CAUSE, for PARTICIPANT_ID (None: the service's maximum age),
    due from the local day SINCE."""

    cause: DueCause
    participant_id: int | None
    since: date


@dataclass(frozen=True)
class DueTake:
    """A take due for deletion: why, the day it became due and the day it goes (DELETE_ON),
    and the reason that holds it meanwhile, if any."""

    take: KeptTake
    why: tuple[Why, ...]
    due_on: date
    delete_on: date
    hold: RetentionHold | None = None

    def goes(self, today: date) -> bool:
        """Whether it is to be deleted on TODAY: its day has come and nothing holds it."""
        return self.hold is None and today >= self.delete_on


def due_takes(takes: Iterable[KeptTake], ledger: Sequence[ConsentEvent],
              holds: Mapping[int, RetentionHold], rules: RetentionRules, now: datetime
              ) -> list[DueTake]:
    """The takes among TAKES due for deletion at NOW, by LEDGER (every consent row, in the
    order written), the latest hold of each take (HOLDS, by take id) and RULES."""
    today = now.astimezone().date()
    due = []
    for take in takes:
        why = _why_due(take, ledger, rules, now, today)
        if not why:
            continue
        due_on = min(reason.since for reason in why)
        hold = holds.get(take.take_id)
        start = due_on if hold is None else max(due_on, hold.until)
        delete_on = start + timedelta(days=rules.grace_days)
        active = hold if hold is not None and today < hold.until else None
        due.append(DueTake(take, tuple(why), due_on, delete_on, active))
    return due


def heard(take: KeptTake) -> frozenset[int]:
    """Everyone who can be heard on TAKE."""
    return frozenset().union(*(heard_on(track, take.present) for track in take.tracks))


def _why_due(take: KeptTake, ledger: Sequence[ConsentEvent], rules: RetentionRules,
             now: datetime, today: date) -> list[Why]:
    day_after = take.session_day + timedelta(days=1)
    why = [Why(DueCause.NO_RECORD, person, take.moved_on)
           for person in sorted(take.not_consented) if take.moved_on is not None]
    if today >= day_after:  # during the session's day, keep may still be given
        for person in sorted(heard(take)):
            status = consent_status(ledger, person, Purpose.KEEP, now)
            if status.state is ConsentState.GRANTED:
                continue
            if status.state is ConsentState.NEVER_GRANTED:
                why.append(Why(DueCause.NO_KEEP, person, day_after))
            else:
                cause = (DueCause.WITHDRAWN if status.state is ConsentState.WITHDRAWN
                         else DueCause.EXPIRED)
                why.append(Why(cause, person, max(day_after, status.since or day_after)))
    if rules.max_age_days > 0:
        too_old_on = take.session_day + timedelta(days=rules.max_age_days)
        if today >= too_old_on:
            why.append(Why(DueCause.TOO_OLD, None, too_old_on))
    return why

"""What a take may still be used for, and who blocks what.

The consent policy applied to one take: who heard on it no longer holds a purpose they once
gave (withdrawn or expired), which sharing that turns off, what asks first (playing a take to
the room shares it inside the group), and the combinations worth a question (group sharing
withdrawn while community sharing is still granted).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from mt_studio.core.consent_policy import (
    Blocker,
    ConsentState,
    ConsentStatus,
    consent_status,
    heard_on,
    may_export,
)
from mt_studio.core.domain import SHARING_PURPOSES, ConsentEvent, Purpose, TrackPlan

NO_LONGER = (ConsentState.WITHDRAWN, ConsentState.EXPIRED)
"""The states of a purpose that was given once and holds no more."""

RESTRICTING = (Purpose.KEEP, Purpose.SUPERVISION, *SHARING_PURPOSES)
"""The purposes that govern a take already recorded (`record` governs recording only)."""

WIDER = {Purpose.GROUP: (Purpose.COMMUNITY, Purpose.PUBLIC), Purpose.COMMUNITY: (Purpose.PUBLIC,)}
"""For a sharing purpose, the purposes that share further: withdrawing the narrower one while
a wider one still holds is a question, not an answer."""


@dataclass(frozen=True)
class Restriction:
    """Someone heard on a take who no longer holds PURPOSE (withdrawn or expired), since when,
    and the take's tracks they are heard on."""

    participant_id: int
    purpose: Purpose
    state: ConsentState
    since: date | None
    track_ids: tuple[int, ...]


@dataclass(frozen=True)
class ConsentQuestion:
    """A sharing purpose withdrawn while a wider one is still granted: ask whether that is
    still meant."""

    participant_id: int
    withdrawn: Purpose
    since: date | None
    still_granted: tuple[Purpose, ...]


@dataclass(frozen=True)
class Blocking:
    """Someone who stops a sharing, and the tracks they are heard on (by track id)."""

    blocker: Blocker
    track_ids: tuple[int, ...]

    @property
    def participant_id(self) -> int:
        """Who blocks."""
        return self.blocker.participant_id


@dataclass(frozen=True)
class Sharing:
    """May the whole take be shared for PURPOSE: who blocks it, on which tracks, and which
    tracks may still be shared for it without them."""

    purpose: Purpose
    blocking: tuple[Blocking, ...]
    shareable: tuple[int, ...]

    @property
    def allowed(self) -> bool:
        """True when the whole take may be shared for the purpose."""
        return not self.blocking

    @property
    def restricted(self) -> bool:
        """True when someone who gave the purpose once blocks it now (withdrawn or expired):
        sharing the whole take for it is off, not merely waiting for a consent."""
        return any(b.blocker.state in NO_LONGER for b in self.blocking)


@dataclass(frozen=True)
class TakeRestrictions:
    """What a take may still be used for.

    `restrictions`: everyone heard who no longer holds a purpose; `questions`: their
    combinations worth asking about; `sharing`: one verdict per sharing purpose for the whole
    take; `words_blocked`: the writers of the linked song's words without `group`, so the lead
    sheet leaves the words out.
    """

    take_id: int
    restrictions: tuple[Restriction, ...] = ()
    questions: tuple[ConsentQuestion, ...] = ()
    sharing: tuple[Sharing, ...] = ()
    words_blocked: tuple[Blocker, ...] = ()

    @property
    def restricted(self) -> bool:
        """True when someone heard no longer holds a purpose they gave."""
        return bool(self.restrictions)

    def sharing_for(self, purpose: Purpose) -> Sharing:
        """The verdict on sharing the whole take for PURPOSE."""
        return next(s for s in self.sharing if s.purpose is purpose)

    def play_question(self, playing: Collection[int]) -> tuple[Restriction, ...]:
        """Who, heard on the PLAYING tracks (by id), no longer shares with the group: playing
        in the room shares the take inside the group, so Play asks first."""
        return tuple(r for r in self.restrictions if r.purpose is Purpose.GROUP
                     and not set(r.track_ids).isdisjoint(playing))


def who_blocks_where(blockers: Iterable[Blocker], tracks: Mapping[int, TrackPlan],
                     present: Collection[int]) -> tuple[Blocking, ...]:
    """Each of BLOCKERS with the TRACKS (plans by track id, recorded with PRESENT) they are
    heard on, in the tracks' order."""
    heard = {track_id: heard_on(plan, present) for track_id, plan in tracks.items()}
    return tuple(Blocking(blocker, tuple(t for t, people in heard.items()
                                         if blocker.participant_id in people))
                 for blocker in blockers)


def consent_questions(statuses: Iterable[ConsentStatus]) -> tuple[ConsentQuestion, ...]:
    """The questions one person's STATUSES (one per purpose) ask: a sharing purpose withdrawn
    while a wider one is still granted."""
    by_purpose = {status.purpose: status for status in statuses}
    questions = []
    for narrow, wider in WIDER.items():
        status = by_purpose.get(narrow)
        if status is None or status.state is not ConsentState.WITHDRAWN:
            continue
        still = tuple(p for p in wider if p in by_purpose and by_purpose[p].valid)
        if still:
            questions.append(ConsentQuestion(status.participant_id, narrow, status.since, still))
    return tuple(questions)


def restrictions_of(take_id: int, tracks: Mapping[int, TrackPlan], present: Collection[int],
                    ledger: Iterable[ConsentEvent], at: datetime,
                    writers: Collection[int] = ()) -> TakeRestrictions:
    """The restrictions at AT of take TAKE_ID, whose TRACKS (plans by track id) were recorded
    with PRESENT; WRITERS wrote the words of the song linked to it (none: no words)."""
    ledger = tuple(ledger)
    heard = {track_id: heard_on(plan, present) for track_id, plan in tracks.items()}
    everyone = sorted(set().union(*heard.values()))
    restrictions, questions = [], []
    for person in everyone:
        statuses = [consent_status(ledger, person, purpose, at) for purpose in Purpose]
        on = tuple(track_id for track_id, people in heard.items() if person in people)
        restrictions.extend(Restriction(person, s.purpose, s.state, s.since, on)
                            for s in statuses
                            if s.purpose in RESTRICTING and s.state in NO_LONGER)
        questions.extend(consent_questions(statuses))
    sharing = []
    for purpose in SHARING_PURPOSES:
        decision = may_export(tracks.values(), present, purpose, ledger, at)
        shareable = tuple(track_id for track_id, plan in tracks.items()
                          if may_export([plan], present, purpose, ledger, at).allowed)
        sharing.append(Sharing(purpose, who_blocks_where(decision.blockers, tracks, present),
                               shareable))
    words = TrackPlan("lyrics", frozenset(writers), isolated=True)
    words_blocked = may_export([words], (), Purpose.GROUP, ledger, at).blockers if writers else ()
    return TakeRestrictions(take_id, tuple(restrictions), tuple(questions), tuple(sharing),
                            tuple(words_blocked))

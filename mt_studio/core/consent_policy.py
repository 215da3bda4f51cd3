"""The consent rules as pure functions over the ledger: no I/O, no clock.

Every answer carries its blockers, so the caller can say who stops an action and why.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from mt_studio.core.domain import ConsentAction, ConsentEvent, Credit, Purpose, TrackPlan
from mt_studio.i18n import _, day_text

# How far ahead of the moment asked about a row's stamp may be before it is flagged: clocks of
# the laptops sharing a library drift by seconds, not minutes.
CLOCK_TOLERANCE = timedelta(minutes=5)


def purpose_words(purpose: Purpose) -> str:
    """The purpose as a word in a sentence ("consent to {purpose}"), in the user's language."""
    return {
        Purpose.RECORD: _("record"),
        Purpose.KEEP: _("keep"),
        Purpose.SUPERVISION: _("supervision"),
        Purpose.GROUP: _("group"),
        Purpose.COMMUNITY: _("community"),
        Purpose.PUBLIC: _("public"),
    }[purpose]


class ConsentState(enum.StrEnum):
    """Where one participant stands for one purpose at one moment."""

    GRANTED = "granted"
    NEVER_GRANTED = "never_granted"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class ConsentStatus:
    """The state of one purpose for one participant, with the ledger row it rests on.

    `since` is the local day the state began: granted on, expired on (the day after
    `valid_until`), or withdrawn on; None when never granted.
    """

    participant_id: int
    purpose: Purpose
    state: ConsentState
    since: date | None = None
    valid_until: date | None = None
    event: ConsentEvent | None = None

    @property
    def valid(self) -> bool:
        """True when this purpose may be relied on at the moment asked about."""
        return self.state is ConsentState.GRANTED


@dataclass(frozen=True)
class Blocker:
    """One participant who lacks a valid consent for one purpose, and why."""

    participant_id: int
    purpose: Purpose
    state: ConsentState
    since: date | None = None

    def describe(self, names: Mapping[int, str]) -> str:
        """A plain sentence naming the person (by NAMES, usually pseudonyms) and the reason."""
        who = names.get(self.participant_id, _("participant {id}").format(id=self.participant_id))
        if self.state is ConsentState.EXPIRED:
            text = _("{who}'s consent to {purpose} expired on {date}")
        elif self.state is ConsentState.WITHDRAWN:
            text = _("{who} withdrew consent to {purpose} on {date}")
        else:
            text = _("{who} has never given consent to {purpose}")
        return text.format(who=who, purpose=purpose_words(self.purpose),
                           date=day_text(self.since) if self.since else "")


@dataclass(frozen=True)
class Decision:
    """The policy's answer: allowed when nobody blocks."""

    blockers: tuple[Blocker, ...] = ()

    @property
    def allowed(self) -> bool:
        """True when no blocker stands in the way."""
        return not self.blockers

    def describe(self, names: Mapping[int, str]) -> str:
        """All blockers as one sentence for a message or an exception."""
        return "; ".join(blocker.describe(names) for blocker in self.blockers)


@dataclass(frozen=True)
class RecordDecision(Decision):
    """May a take be recorded: which tracks stay armed and which were disarmed for consent."""

    armed: tuple[str, ...] = ()
    disarmed: tuple[str, ...] = ()


def consent_status(
    ledger: Iterable[ConsentEvent], participant_id: int, purpose: Purpose, at: datetime
) -> ConsentStatus:
    """The state of PURPOSE for a participant at moment AT.

    LEDGER is the rows written so far, in the order they were written. The last row for the
    purpose decides, from the moment it was written, whatever its stamp says: a withdrawal
    stamped by a clock that ran ahead counts at once and goes on counting once the clock is
    right. AT only judges expiry: a grant is valid through its `valid_until`, a calendar day in
    the local time zone, as AT's local day is. To ask about an earlier moment, pass the rows
    written by then. `since` is the local day of the row's stamp, or AT's if the stamp is later.
    """
    last: ConsentEvent | None = None
    for event in _rows_for(ledger, participant_id, purpose):
        last = event
    if last is None:
        return ConsentStatus(participant_id, purpose, ConsentState.NEVER_GRANTED)
    today = _local_day(at)
    since = min(_local_day(last.at), today)
    if last.action is ConsentAction.WITHDRAW:
        return ConsentStatus(participant_id, purpose, ConsentState.WITHDRAWN, since, event=last)
    if last.valid_until is not None and today > last.valid_until:
        expired_on = last.valid_until + timedelta(days=1)
        return ConsentStatus(
            participant_id, purpose, ConsentState.EXPIRED, expired_on, last.valid_until, last
        )
    return ConsentStatus(
        participant_id, purpose, ConsentState.GRANTED, since, last.valid_until, last
    )


def states_of(ledger: Iterable[ConsentEvent], participant_id: int, at: datetime
              ) -> dict[Purpose, ConsentStatus]:
    """The state of every purpose for one participant, by LEDGER as it stands; AT is the
    moment whose local day judges expiry."""
    ledger = tuple(ledger)
    return {purpose: consent_status(ledger, participant_id, purpose, at) for purpose in Purpose}


def credit_choice(ledger: Iterable[ConsentEvent], participant_id: int) -> Credit:
    """How a participant wants to be credited: the last choice written, else no credit.

    Like consent, it follows the ledger's order, not the rows' stamps.
    """
    choice = Credit.NONE
    for event in ledger:
        if event.participant_id == participant_id and event.credit is not None:
            choice = event.credit
    return choice


def stamped_ahead(event: ConsentEvent, at: datetime) -> bool:
    """True when EVENT is stamped more than CLOCK_TOLERANCE after AT: the clock that wrote it
    ran ahead. Such a row counts all the same; it is shown flagged, so that someone checks."""
    return event.at > at + CLOCK_TOLERANCE


def heard_on(track: TrackPlan, present: Collection[int]) -> frozenset[int]:
    """Who can be heard on TRACK: its owners only when isolated, else everyone present too.

    An isolated track without an owner is treated as a room track: somebody plays into it.
    """
    if track.isolated and track.owners:
        return track.owners
    return track.owners | frozenset(present)


def may_record(
    tracks: Sequence[TrackPlan],
    present: Collection[int],
    ledger: Iterable[ConsentEvent],
    at: datetime,
) -> RecordDecision:
    """May TRACKS be recorded with PRESENT in the room at AT.

    An isolated track heard from someone without `record` is disarmed; a shared (room) track
    heard from such a person refuses the take, naming them.
    """
    ledger = tuple(ledger)
    armed: list[str] = []
    disarmed: list[str] = []
    blockers: dict[int, Blocker] = {}
    for track in tracks:
        lacking = _lacking(ledger, heard_on(track, present), Purpose.RECORD, at)
        if not lacking:
            armed.append(track.key)
        elif track.isolated and track.owners:
            disarmed.append(track.key)
        else:
            for blocker in lacking:
                blockers.setdefault(blocker.participant_id, blocker)
    ordered = tuple(blockers[key] for key in sorted(blockers))
    return RecordDecision(ordered, tuple(armed), tuple(disarmed))


def may_export(
    tracks: Iterable[TrackPlan],
    present: Collection[int],
    purpose: Purpose,
    ledger: Iterable[ConsentEvent],
    at: datetime,
) -> Decision:
    """May TRACKS (recorded with PRESENT) be shared for PURPOSE at AT: all heard must consent."""
    ledger = tuple(ledger)
    heard: set[int] = set()
    for track in tracks:
        heard |= heard_on(track, present)
    return Decision(tuple(_lacking(ledger, heard, purpose, at)))


def _lacking(
    ledger: tuple[ConsentEvent, ...], people: Iterable[int], purpose: Purpose, at: datetime
) -> list[Blocker]:
    blockers = []
    for participant_id in sorted(people):
        status = consent_status(ledger, participant_id, purpose, at)
        if not status.valid:
            blockers.append(Blocker(participant_id, purpose, status.state, status.since))
    return blockers


def _local_day(moment: datetime) -> date:
    return moment.astimezone().date()


def _rows_for(
    ledger: Iterable[ConsentEvent], participant_id: int, purpose: Purpose
) -> Iterable[ConsentEvent]:
    return (e for e in ledger if e.participant_id == participant_id and e.purpose == purpose)

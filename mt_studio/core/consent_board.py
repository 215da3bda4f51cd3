"""The check-in and consent board as plain values: one chip per purpose for each person present.

A chip's state comes from the ledger through consent_policy; "expires soon" is a valid consent
whose first day no longer valid is at most EXPIRES_SOON_DAYS away. A row stamped in the future
(its clock ran ahead) counts all the same and is listed on its person's row, to be checked; a
combination worth asking about (group sharing withdrawn, community sharing still granted) is
listed there too. The studio reads the session and the ledger for it (`consent.board`).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from mt_studio.core.consent_policy import (
    ConsentState,
    ConsentStatus,
    consent_status,
    credit_choice,
    stamped_ahead,
)
from mt_studio.core.domain import ConsentEvent, Credit, Participant, Purpose
from mt_studio.core.take_restrictions import ConsentQuestion, consent_questions

EXPIRES_SOON_DAYS = 14


class ChipState(enum.StrEnum):
    """What a chip shows for one purpose."""

    GRANTED = "granted"
    EXPIRES_SOON = "expires_soon"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    NEVER = "never"


@dataclass(frozen=True)
class Chip:
    """One purpose for one participant: its state and the ledger row it rests on."""

    purpose: Purpose
    state: ChipState
    status: ConsentStatus

    @property
    def valid(self) -> bool:
        """True when the purpose may be relied on now (granted, even if ending soon)."""
        return self.status.valid

    @property
    def since(self) -> date | None:
        """The day the state began (granted, expired or withdrawn on); None if never granted."""
        return self.status.since

    @property
    def valid_until(self) -> date | None:
        """The last valid day of the grant, if it has one."""
        return self.status.valid_until

    @property
    def witness(self) -> str | None:
        """Who witnessed the grant or withdrawal this state rests on."""
        return self.status.event.witness if self.status.event else None

    @property
    def form_version(self) -> str | None:
        """The consent form version of the grant this state rests on."""
        return self.status.event.form_version if self.status.event else None

    @property
    def reason(self) -> str | None:
        """The reason given for a withdrawal, if any."""
        return self.status.event.reason if self.status.event else None


@dataclass(frozen=True)
class BoardRow:
    """A participant present, their chips in the order of Purpose, their credit choice, their
    ledger rows stamped in the future (written while the clock ran ahead), and the questions
    their consent raises (a sharing purpose withdrawn while a wider one still holds)."""

    participant: Participant
    chips: tuple[Chip, ...]
    credit: Credit
    ahead: tuple[ConsentEvent, ...] = ()
    questions: tuple[ConsentQuestion, ...] = ()

    def chip(self, purpose: Purpose) -> Chip:
        """The chip for PURPOSE."""
        return next(chip for chip in self.chips if chip.purpose is purpose)


def chip_state(status: ConsentStatus, today: date, soon_days: int = EXPIRES_SOON_DAYS) -> ChipState:
    """The chip state of STATUS on TODAY (a local calendar day)."""
    if status.state is ConsentState.WITHDRAWN:
        return ChipState.WITHDRAWN
    if status.state is ConsentState.EXPIRED:
        return ChipState.EXPIRED
    if status.state is ConsentState.NEVER_GRANTED:
        return ChipState.NEVER
    if status.valid_until is not None and status.valid_until < today + timedelta(days=soon_days):
        return ChipState.EXPIRES_SOON
    return ChipState.GRANTED


def board_rows(
    present: Sequence[Participant], ledger: Iterable[ConsentEvent], at: datetime
) -> list[BoardRow]:
    """The board for PRESENT at moment AT (aware), in the order given."""
    ledger = tuple(ledger)
    today = at.astimezone().date()
    rows = []
    for participant in present:
        chips = tuple(
            Chip(purpose, chip_state(status, today), status)
            for purpose in Purpose
            for status in [consent_status(ledger, participant.id, purpose, at)]
        )
        ahead = tuple(e for e in ledger
                      if e.participant_id == participant.id and stamped_ahead(e, at))
        rows.append(BoardRow(participant, chips, credit_choice(ledger, participant.id), ahead,
                             consent_questions(chip.status for chip in chips)))
    return rows


"""What a withdrawal of consent touches: takes, earlier exports and lead sheets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mt_studio.core.domain import ConsentEvent, Purpose


@dataclass(frozen=True)
class TouchedTake:
    """A take on which a participant can be heard."""

    take_id: int
    session_id: int
    number: int


@dataclass(frozen=True)
class TouchedExport:
    """An earlier export that carried a participant, and who received it."""

    export_id: int
    purpose: Purpose
    recipient: str
    created_at: datetime
    title: str = ""  # empty for exports logged before titles were kept


@dataclass(frozen=True)
class TouchedLeadSheet:
    """A lead sheet printed or saved with a participant's words on it (for the group)."""

    take_id: int
    song_id: int | None
    how: str  # "printed" or "pdf"
    at: datetime


@dataclass(frozen=True)
class WithdrawalReport:
    """What a withdrawal touches: takes now restricted, exports the therapist may recall, and
    lead sheets handed out with the participant's words (when `group` is withdrawn)."""

    events: tuple[ConsentEvent, ...]
    restricted_takes: tuple[TouchedTake, ...]
    exports_to_recall: tuple[TouchedExport, ...]
    lead_sheets: tuple[TouchedLeadSheet, ...] = ()
    valid_before: tuple[Purpose, ...] = ()  # of the purposes withdrawn, those that held

    @property
    def refused(self) -> tuple[Purpose, ...]:
        """The purposes withdrawn that held no valid consent: a refusal, recorded as such."""
        return tuple(e.purpose for e in self.events if e.purpose not in self.valid_before)

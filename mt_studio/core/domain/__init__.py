"""The words of the domain as plain values, shared by the library, the policy, the engines,
the studio and the windows: the kinds and people here; sessions, takes, songs, withdrawals and
records in the modules beside this one (docs/architecture.md)."""

from __future__ import annotations

import enum
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime


class Purpose(enum.StrEnum):
    """What a participant may consent to."""

    RECORD = "record"
    KEEP = "keep"
    SUPERVISION = "supervision"
    GROUP = "group"
    COMMUNITY = "community"
    PUBLIC = "public"


SHARING_PURPOSES = (Purpose.GROUP, Purpose.COMMUNITY, Purpose.PUBLIC)
"""The purposes that share a take beyond the session, from the nearest circle outwards."""


class Credit(enum.StrEnum):
    """How a participant wants to be credited where their music is shared."""

    NAME = "name"
    PSEUDONYM = "pseudonym"
    NONE = "none"


class SessionKind(enum.StrEnum):
    """The kind of therapy session."""

    BAND = "band"
    CHOIR = "choir"
    INDIVIDUAL = "individual"


class ConsentAction(enum.StrEnum):
    """A row of the consent ledger either grants or withdraws one purpose."""

    GRANT = "grant"
    WITHDRAW = "withdraw"


class TrackKind(enum.StrEnum):
    """What a track holds."""

    AUDIO = "audio"
    MIDI = "midi"


class TakeStatus(enum.StrEnum):
    """Where a take is in its life."""

    RECORDING = "recording"
    COMPLETE = "complete"
    RECOVERED = "recovered"


def lookup_key(pseudonym: str) -> str:
    """The form pseudonyms are compared in: letter case and Unicode form do not matter."""
    return unicodedata.normalize("NFC", pseudonym).strip().casefold()


@dataclass(frozen=True)
class Participant:
    """A person taking part in sessions: a pseudonym first, a real name only if given."""

    id: int
    pseudonym: str
    real_name: str | None = None

    def by_pseudonym(self) -> Participant:
        """The participant as most of the studio shows them: without their real name."""
        return Participant(self.id, self.pseudonym) if self.real_name else self

    def found_by(self, text: str, *, real_name: bool = False) -> bool:
        """Whether a search for TEXT finds this participant: each of its words is part of
        their pseudonym (or, with REAL_NAME, where real names are shown, of their real name),
        in any letter case or Unicode form. Blank text finds everyone."""
        names = [self.pseudonym]
        if real_name and self.real_name:
            names.append(self.real_name)
        folded = [lookup_key(name) for name in names]
        return all(any(word in name for name in folded) for word in lookup_key(text).split())


@dataclass(frozen=True)
class ConsentEvent:
    """One append-only row of the consent ledger."""

    participant_id: int
    purpose: Purpose
    action: ConsentAction
    at: datetime
    valid_until: date | None = None
    credit: Credit | None = None
    witness: str | None = None
    form_version: str | None = None
    reason: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class TrackPlan:
    """A track as the policy sees it: who owns it and whether only they can be heard on it."""

    key: str
    owners: frozenset[int] = field(default_factory=frozenset)
    isolated: bool = False


@dataclass(frozen=True)
class Dropout:
    """Input lost and filled with silence: where (in frames), how long, and why."""

    frame: int
    length: int
    cause: str

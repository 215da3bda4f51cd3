"""Who is at the keyboard: the accounts of therapists and admins, and whom the studio acts as."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Role(enum.StrEnum):
    """What an account may do: a therapist works with sessions and recordings; an admin also
    adds, disables and resets accounts and reads the audit log."""

    THERAPIST = "therapist"
    ADMIN = "admin"


@dataclass(frozen=True)
class Account:
    """A therapist's or an admin's account; its passphrase is kept only as a hash, never here."""

    id: int
    name: str
    role: Role
    disabled: bool = False

    @property
    def is_admin(self) -> bool:
        """Whether the account may manage accounts and read the audit log."""
        return self.role is Role.ADMIN


@dataclass(frozen=True)
class Actor:
    """Whom the studio acts as: a signed-in ACCOUNT, in participant mode for PARTICIPANT_ID
    (a participant at the keyboard, the mode started by the account) when that is set."""

    account: Account
    participant_id: int | None = None

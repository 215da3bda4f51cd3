"""What the library keeps as proof: the files an export wrote, and the audit log's rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ExportedFile:
    """One file an export wrote: its name in the export's folder, size and SHA-256."""

    name: str
    bytes: int
    sha256: str


@dataclass(frozen=True)
class AuditEntry:
    """One row of the audit log. Details hold ids and codes, never names."""

    id: int
    at: datetime
    action: str
    subject: str
    participant_id: int | None
    details: dict
    actor_id: int | None = None  # the account signed in; None before accounts, or without
    for_participant: int | None = None  # whose participant mode it was, if anyone's

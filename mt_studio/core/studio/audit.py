"""The audit log read back: who did and saw what, for an admin (anyone, in a library without
accounts); reading it is itself audited."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from mt_studio.core.domain.records import AuditEntry
from mt_studio.core.errors import AccessRefused
from mt_studio.core.library import accounts, audit
from mt_studio.i18n import _

if TYPE_CHECKING:
    from mt_studio.core.studio.studio import Studio


class AuditService:
    """The audit log, for admins."""

    def __init__(self, studio: Studio) -> None:
        self._studio = studio

    def entries(self, participant_id: int | None = None, actor: str | None = None,
                since: datetime | None = None) -> list[AuditEntry]:
        """The rows in the order written: only those about PARTICIPANT_ID (or written in their
        participant mode), by the account called ACTOR, from SINCE on, when given."""
        studio = self._studio
        self._admin_only()
        with studio._reading() as db:
            actor_id = accounts.find(db, actor).id if actor is not None else None
        studio.note_read("audit.shown", "audit_log", participant_id, actor=actor,
                         since=since and since.isoformat())
        with studio._reading() as db:
            return audit.entries(db, participant_id, actor_id=actor_id, since=since)

    def actors(self) -> dict[int, str]:
        """Every account's name, by id, to name the rows' actors."""
        self._admin_only()
        with self._studio._reading() as db:
            return {account.id: account.name for account in accounts.all_accounts(db)}

    def _admin_only(self) -> None:
        studio = self._studio
        if studio.protected and not studio._signed_in().is_admin:
            raise AccessRefused(_("Only an admin can read the audit log."))

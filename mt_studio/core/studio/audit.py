"""The audit log read back: who did and saw what, for an admin (anyone, in a library without
accounts); reading it is itself audited."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from mt_studio.core.domain.records import AuditEntry
from mt_studio.core.errors import AccessRefused, InputError
from mt_studio.core.library import accounts, audit, ledger_chain
from mt_studio.core.text import one_line
from mt_studio.i18n import _

if TYPE_CHECKING:
    from mt_studio.core.studio.ledger import LedgerCheck
    from mt_studio.core.studio.studio import Studio

MAX_REASON_LENGTH = 500


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

    def verify(self) -> LedgerCheck:
        """Check the ledger again now (a library found changed becomes read-only): what was
        found, naming the first bad row or trigger."""
        return self._studio.check_ledger()

    def accept(self, reason: str) -> LedgerCheck:
        """Take the library as it is now as the one seen, after an admin has looked into what
        `verify` found (a copy legitimately put back, a library moved): the append-only
        triggers are made again, every chain linked again over the rows as they are, and the
        heads kept as seen; audited with REASON and what was found. The library may be changed
        again. AccessRefused for anyone but an admin, InputError without a reason."""
        studio = self._studio
        self._admin_only(_("Only an admin can accept the library as it is."))
        reason = one_line(reason, _("The reason"), MAX_REASON_LENGTH)
        if not reason:
            raise InputError(_("Say why the library is accepted as it is (--reason)."))
        found = studio.check_ledger()
        with studio._transaction(bookkeeping=True) as tx:
            with ledger_chain.append_only_lifted(tx):
                ledger_chain.relink(tx)
            audit.record(tx, "ledger.accepted", "ledger", reason=reason, problem=found.problem,
                         kind=found.kind, table=found.table, row=found.row_id,
                         trigger=found.trigger, heads_found=found.heads)
        with studio._reading() as db:
            studio._shared.ledger.accepted(db)
        return studio.check_ledger()

    def _admin_only(self, refusal: str | None = None) -> None:
        studio = self._studio
        if studio.protected and not studio._signed_in().is_admin:
            raise AccessRefused(refusal or _("Only an admin can read the audit log."))

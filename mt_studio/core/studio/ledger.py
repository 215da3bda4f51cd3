"""Whether the library's ledger is as mt_studio wrote it: its hash chains and append-only
triggers checked, and its heads compared with those last seen on this computer
(docs/architecture.md, "A tamper-evident ledger").

A library found changed outside mt_studio stays open read-only: it can be listened to, and
every look is still audited (the audit log goes on from its current head, so that who looked
at a doubted library stays known), but nothing else changes and the heads seen are not moved
on until an admin accepts the library as it is.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, NamedTuple

from mt_studio.core.errors import LibraryError, MtStudioError
from mt_studio.i18n import _

if TYPE_CHECKING:
    from sqlite3 import Connection

    from mt_studio.core.library import Library
    from mt_studio.core.library.ledger_chain import Finding


class LibraryReadOnly(MtStudioError):
    """The library's ledger was changed outside mt_studio: it is open read-only, and this
    change was refused."""

    exit_code = 6


class LedgerCheck(NamedTuple):
    """What a check of the ledger found: INTACT, or PROBLEM (one message naming the first bad
    row or trigger) with its TABLE, ROW_ID or TRIGGER; and each chain's head as (rows, hash).
    A named tuple rather than a dataclass: the studio loads it before the window lists its
    sessions, and making a dataclass costs a millisecond there."""

    intact: bool
    library_id: str
    problem: str | None = None
    kind: str | None = None  # "trigger", "row", "older" or "heads" (the heads seen unreadable)
    table: str | None = None
    row_id: int | None = None
    trigger: str | None = None
    heads: Mapping[str, tuple[int, str]] = MappingProxyType({})
    seen_before: bool = False  # whether this computer had seen its heads before this process


def _chain_name(table: str) -> str:
    return {"consent_events": _("the consent ledger"), "audit_log": _("the audit log"),
            "exports": _("the export list")}.get(table, table)


def describe(finding: Finding) -> str:
    """FINDING in one line a therapist can read, naming the row or trigger."""
    if finding.kind == "trigger":
        what = _("The guard that keeps {chain} from being changed ({trigger}) is missing or "
                 "altered.").format(chain=_chain_name(finding.table), trigger=finding.trigger)
    elif finding.kind == "row":
        what = _("Row {row} of {chain} ({table}) does not match the chain of checksums: it, or "
                 "a row just before it, was changed, removed or slipped in.").format(
                     row=finding.row_id, chain=_chain_name(finding.table), table=finding.table)
    else:
        what = _("This library is older than the one last seen on this computer: {chain} "
                 "({table}) has {rows} rows where {seen} were seen (a copy from before put "
                 "back?).").format(chain=_chain_name(finding.table), table=finding.table,
                                   rows=finding.rows, seen=finding.seen_rows)
    return _("This library was changed outside mt_studio. {what} It is open read-only: you "
             "can listen, but nothing can be changed. Ask the service admin; `mt-studio audit "
             "verify` gives the details.").format(what=what)


class LedgerWatch:
    """One library's ledger state in this process: unchecked, intact or doubted (read-only).
    The heads seen are kept outside the library after each commit, once it was found intact."""

    def __init__(self, library: Library) -> None:
        self._library = library
        self._lock = threading.Lock()
        self._checked = False
        self._seen_before: bool | None = None  # as the first check in this process found
        self._kept: dict[str, str] = {}  # the last hash of each chain as last kept outside
        self.doubt: LedgerCheck | None = None

    def check(self) -> LedgerCheck:
        """Check the ledger (on a snapshot of its own: the studio stays usable meanwhile);
        a problem makes the library read-only, an intact one has its heads kept."""
        from mt_studio.core import ledger_heads
        from mt_studio.core.library import ledger_chain  # not loaded to list the sessions

        with self._library.lock:
            library_id = ledger_chain.library_id(self._library.connection)
        # Read before the snapshot begins: the heads seen are never ahead of what it sees.
        unreadable = None
        try:
            seen = ledger_heads.seen(library_id)
        except LibraryError as error:  # checked without them, and doubted until accepted
            seen, unreadable = None, str(error)
        with self._library.snapshot() as db:
            finding, heads = ledger_chain.verify(
                db, None if seen is None else {t: ledger_chain.Head(*h) for t, h in seen.items()})
        found = {table: (head.rows, head.hash) for table, head in heads.items()}
        if self._seen_before is None:
            self._seen_before = seen is not None
        if finding is None and unreadable is not None:
            result = LedgerCheck(False, library_id, _(
                "{problem} Until then this library is open read-only: you can listen, but "
                "nothing can be changed.").format(problem=unreadable), "heads", heads=found)
        elif finding is None:
            result = LedgerCheck(True, library_id, heads=found, seen_before=self._seen_before)
            self._remember(found, _keep(library_id, found))
        else:
            result = LedgerCheck(False, library_id, describe(finding), finding.kind,
                                 finding.table, finding.row_id, finding.trigger, found,
                                 self._seen_before)
        with self._lock:
            self._checked = True
            self.doubt = None if result.intact else result
        return result

    @property
    def checked(self) -> bool:
        """Whether the ledger was checked in this process."""
        return self._checked

    def refuse_if_read_only(self) -> None:
        """LibraryReadOnly when the library was found changed outside mt_studio."""
        doubt = self.doubt
        if doubt is not None:
            raise LibraryReadOnly(_("Nothing was changed: this library is open read-only. "
                                    "{problem}").format(problem=doubt.problem))

    def committed(self, db: Connection) -> None:
        """After a commit: keep the heads as they are now, once the library was found intact
        (never before, so that an older copy is not taken for the one seen)."""
        with self._lock:
            if not self._checked or self.doubt is not None:
                return
        from mt_studio.core.library import ledger_chain

        last = {table: ledger_chain.next_row(db, table)[1] for table in ledger_chain.CHAINS}
        if last == self._kept:
            return  # no chained row was written: nothing to count, nothing to write
        heads = {table: (head.rows, head.hash) for table, head in ledger_chain.heads(db).items()}
        self._remember(heads, _keep(ledger_chain.library_id(db), heads))

    def accepted(self, db: Connection) -> dict[str, tuple[int, str]]:
        """The library as it is now taken as the one seen (after an admin's acceptance has
        put its triggers and chain right, and been committed)."""
        from mt_studio.core import ledger_heads
        from mt_studio.core.library import ledger_chain

        heads = {table: (head.rows, head.hash)
                 for table, head in ledger_chain.heads(db).items()}
        ledger_heads.keep(ledger_chain.library_id(db), heads, force=True)
        self._remember(heads, True)
        with self._lock:
            self._checked, self.doubt = True, None
        return heads

    def _remember(self, heads: dict[str, tuple[int, str]], kept: bool) -> None:
        """HEADS were KEPT outside the library (else they are tried again at the next commit)."""
        self._kept = {table: head[1] for table, head in heads.items()} if kept else {}


def _keep(library_id: str, heads: dict[str, tuple[int, str]]) -> bool:
    """Keep HEADS as seen; whether they were. A state folder that cannot be written is
    logged, not fatal (the library itself is fine, and they are kept at the next commit)."""
    from mt_studio.core import ledger_heads

    try:
        ledger_heads.keep(library_id, heads)
    except OSError as error:
        import logging  # not loaded to open the window

        logging.getLogger(__name__).warning("the ledger's heads could not be kept: %s", error)
        return False
    return True

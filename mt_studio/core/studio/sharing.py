"""Sharing: who would be heard in an export and whether they may be, the export itself
through the consent gate, and lead sheets printed or saved for the group. ExportLogged is
announced once an export is written and logged."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from sqlite3 import Connection
from typing import TYPE_CHECKING

from mt_studio.core.clock import utc_now
from mt_studio.core.domain import Purpose
from mt_studio.core.domain.takes import StoredAnnotation, Take
from mt_studio.core.export import ExportRequest, ExportResult, export_take
from mt_studio.core.export.plan import ExportPlan, Hearing, hearing, plan_export
from mt_studio.core.lead_sheet import LeadSheet, lead_sheet_from, writers_share
from mt_studio.core.library import annotations, audit, consent_ledger, songs, takes
from mt_studio.core.studio.events import ExportLogged

if TYPE_CHECKING:
    from mt_studio.core.plugins import PluginHost
    from mt_studio.core.studio.studio import Studio

__all__ = ["ExportPlan", "ExportRequest", "ExportResult", "Hearing", "LeadSheet",
           "SharingService"]


class SharingService:
    """What a therapist does to share a take."""

    def __init__(self, studio: Studio) -> None:
        self._studio = studio

    def hearing(self, request: ExportRequest, at: datetime | None = None) -> Hearing:
        """Who is heard on what REQUEST would export, and the consent rules' decision."""
        with self._studio.reading() as db:
            return hearing(db, request, at or utc_now())

    def plan(self, request: ExportRequest, at: datetime | None = None,
             heard: Hearing | None = None) -> ExportPlan:
        """The export REQUEST would make; ConsentRefused or InputError say why not."""
        with self._studio.reading() as db:
            return plan_export(db, request, at or utc_now(), heard)

    def export(self, request: ExportRequest, *,
               progress: Callable[[float], None] | None = None,
               cancelled: Callable[[], bool] | None = None,
               plugins: PluginHost | None = None) -> ExportResult:
        """Export as REQUEST asks through the consent gate, or raise having written nothing
        (ConsentRefused, InputError, ExportCancelled, ExportFailed, PluginFailed)."""
        result = export_take(self._studio.library, request, progress=progress,
                             cancelled=cancelled, plugins=plugins)
        self._studio.announce(ExportLogged(result.export_id, request.take_id))
        return result

    def lead_sheet(self, take_id: int, enabled_plugins: Sequence[str] | None = None,
                   at: datetime | None = None) -> LeadSheet:
        """The lead sheet of a take from its stored chords (ENABLED_PLUGINS' only, if given),
        with the linked song's words only while every writer holds group consent (at AT,
        default now)."""
        with self._studio.reading() as db:
            take = takes.get(db, take_id)
            stored = annotations.of_take(db, take_id, enabled_plugins)
            return read_lead_sheet(db, take, stored, at)

    def log_lead_sheet(self, take_id: int, sheet: LeadSheet, how: str) -> None:
        """Log that SHEET was printed or saved (HOW: "printed" or "pdf"), with whose words."""
        with self._studio.transaction() as tx:
            log_lead_sheet(tx, take_id, sheet, how)


def read_lead_sheet(db: Connection, take: Take, stored: Sequence[StoredAnnotation],
                    at: datetime | None = None) -> LeadSheet:
    """The lead sheet of TAKE from its STORED annotations, the song linked to it and its
    writers' group consent at AT (default now) read from DB."""
    linked = songs.for_take(db, take.id)
    song = linked[0] if len(linked) == 1 else None
    shared = False
    if song is not None and song.writer_ids and song.latest.lyrics.strip():
        shared = writers_share(song, consent_ledger.events(db, song.writer_ids),
                               at or utc_now())
    return lead_sheet_from(take, stored, song, shared)


def log_lead_sheet(db: Connection, take_id: int, sheet: LeadSheet, how: str) -> None:
    """Log in DB that SHEET of take TAKE_ID was printed or saved (HOW: "printed" or "pdf"): a
    row for each writer whose words it carries, so that withdrawing their `group` consent
    lists it, or one row for the take when it carries no one's words."""
    details = {"how": how, "song": sheet.song_id, "purpose": Purpose.GROUP.value}
    for writer in sheet.writers or (None,):
        audit.record(db, consent_ledger.LEAD_SHEET_SHARED, f"take:{take_id}", writer, **details)

"""Sharing: who would be heard in an export and whether they may be, the export itself
through the consent gate, and lead sheets printed or saved for the group. ExportLogged is
announced once an export is written and logged."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from mt_studio.core.export import ExportRequest, ExportResult, export_take
from mt_studio.core.export.plan import ExportPlan, Hearing, hearing, plan_export
from mt_studio.core.lead_sheet import LeadSheet, lead_sheet, log_shared
from mt_studio.core.library import annotations, takes
from mt_studio.core.library.clock import utc_now
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
        """The lead sheet of a take from its stored chords, with the linked song's words
        only while every writer holds group consent (at AT, default now)."""
        with self._studio.reading() as db:
            take = takes.get(db, take_id)
            stored = annotations.of_take(db, take_id, enabled_plugins)
            return lead_sheet(db, take, stored, at)

    def log_lead_sheet(self, take_id: int, sheet: LeadSheet, how: str) -> None:
        """Log that SHEET was printed or saved (HOW: "printed" or "pdf"), with whose words."""
        with self._studio.transaction() as tx:
            log_shared(tx, take_id, sheet, how)

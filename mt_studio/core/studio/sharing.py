"""Sharing: who would be heard in an export and whether they may be, the export itself
through the consent gate, and lead sheets printed or saved for the group.

The export engine holds no library: this reads what an export is planned from and the take as
it sounds, and answers the engine's gate while the files are written (the ledger read again,
the export logged in one transaction before its folder is published). ExportLogged is
announced once an export is logged and published, never for one refused, cancelled or failed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from sqlite3 import Connection
from typing import TYPE_CHECKING

from mt_studio.core.capture.part_check import refuse_damaged
from mt_studio.core.clock import utc_now
from mt_studio.core.domain import Purpose
from mt_studio.core.domain.records import ExportedFile
from mt_studio.core.domain.takes import StoredAnnotation, Take
from mt_studio.core.errors import ConsentRefused, InputError
from mt_studio.core.export import (
    ExportFacts,
    ExportPlan,
    ExportRequest,
    ExportResult,
    Hearing,
    hearing_from,
    plan_from,
    run_export,
)
from mt_studio.core.export.plan import refusal, title_from
from mt_studio.core.export.preview import HeardRow, Preview, preview_from
from mt_studio.core.lead_sheet import LeadSheet, lead_sheet_from, writers_share
from mt_studio.core.library import (
    annotations,
    audit,
    consent_ledger,
    exports,
    layers,
    ledger_chain,
    participants,
    sessions,
    songs,
    takes,
)
from mt_studio.core.studio.day_library import refuse_in_day_library
from mt_studio.core.studio.events import ExportLogged
from mt_studio.core.studio.listening import resolve

if TYPE_CHECKING:
    from mt_studio.core.plugins import PluginHost
    from mt_studio.core.studio.studio import Studio

__all__ = ["ExportPlan", "ExportRequest", "ExportResult", "HeardRow", "Hearing", "LeadSheet",
           "Preview", "SharingService"]


class SharingService:
    """What a therapist does to share a take."""

    def __init__(self, studio: Studio) -> None:
        self._studio = studio

    def hearing(self, request: ExportRequest, at: datetime | None = None) -> Hearing:
        """Who is heard on what REQUEST would export, and the consent rules' decision."""
        return hearing_from(self._facts(request.take_id), request, at or utc_now())

    def plan(self, request: ExportRequest, at: datetime | None = None,
             heard: Hearing | None = None) -> ExportPlan:
        """The export REQUEST would make; ConsentRefused or InputError say why not."""
        return plan_from(self._facts(request.take_id), request, at or utc_now(), heard)

    def preview(self, request: ExportRequest, at: datetime | None = None) -> Preview:
        """What REQUEST would carry at AT (default now): everyone heard with their chip for
        the purpose and their credit, and the plan, or the problem in words with who blocks
        it on which tracks. A request that cannot be made is a problem, not an error."""
        try:
            facts = self._facts(request.take_id)
        except InputError as error:  # no such take
            return Preview((), None, str(error))
        return preview_from(facts, request, at or utc_now())

    def default_title(self, take_id: int) -> str:
        """The title an export of the take gets unless given one: its song's, else "Take N"."""
        with self._studio._reading() as db:
            return title_from(takes.get(db, take_id), songs.for_take(db, take_id))

    def export(self, request: ExportRequest, *,
               progress: Callable[[float], None] | None = None,
               cancelled: Callable[[], bool] | None = None,
               plugins: PluginHost | None = None) -> ExportResult:
        """Export as REQUEST asks through the consent gate, or raise having written nothing
        (ConsentRefused, InputError, ExportCancelled, ExportFailed, PluginFailed, and
        LibraryError naming a file of the take that is not the one recorded). PROGRESS and
        CANCELLED are called on this thread; PLUGINS offers effects and exporters.
        LibraryReadOnly, before anything is written, for a library open read-only;
        AccessRefused in a library for the day (`day_library.py`)."""
        self._studio._refuse_if_read_only()
        refuse_in_day_library(self._studio)
        with self._studio._reading() as db:
            sound = resolve(db, self._studio._shared.places, request.take_id)
            facts = export_facts(db, sound.take, sound.left_out, chain_heads(db))
            found = annotations.of_take(db, request.take_id)
        refuse_damaged(sound)
        result = run_export(request, facts, sound, _Gate(self._studio), found=found,
                            progress=progress, cancelled=cancelled, plugins=plugins)
        self._studio._announce(ExportLogged(result.export_id, request.take_id))
        return result

    def lead_sheet(self, take_id: int, enabled_plugins: Sequence[str] | None = None,
                   at: datetime | None = None) -> LeadSheet:
        """The lead sheet of a take from its stored chords (ENABLED_PLUGINS' only, if given),
        with the linked song's words only while every writer holds group consent (at AT,
        default now); AccessRefused in a library for the day, where the service's consent
        ledger cannot be asked."""
        refuse_in_day_library(self._studio)
        with self._studio._reading() as db:
            take = takes.get(db, take_id)
            stored = annotations.of_take(db, take_id, enabled_plugins)
            sheet = read_lead_sheet(db, take, stored, at)
        self._studio.note_read("lead_sheet.made", f"take:{take_id}")
        return sheet

    def log_lead_sheet(self, take_id: int, sheet: LeadSheet, how: str) -> None:
        """Log that SHEET was printed or saved (HOW: "printed" or "pdf"), with whose words."""
        with self._studio._transaction() as tx:
            log_lead_sheet(tx, take_id, sheet, how)

    def _facts(self, take_id: int) -> ExportFacts:
        """What an export of TAKE_ID is planned from (audited: who is heard on it and their
        consent are shown)."""
        with self._studio._reading() as db:
            facts = export_facts(db, takes.get(db, take_id), layers.left_out(db, take_id))
        self._studio.note_read("export.previewed", f"take:{take_id}")
        return facts


class _Gate:
    """The export engine's way to the library while it runs (its ExportGate)."""

    def __init__(self, studio: Studio) -> None:
        self._studio = studio

    def recheck(self, plan: ExportPlan) -> None:
        with self._studio._reading() as db:
            _still_allowed(db, plan)

    def log(self, plan: ExportPlan, where: Path, files: Sequence[ExportedFile]) -> int:
        request = plan.request
        with self._studio._transaction() as tx:
            _still_allowed(tx, plan)
            return exports.record(
                tx, request.purpose, request.recipient, str(where), plan.tracks(),
                plan.participant_ids, request.profile.name if request.profile else None,
                files, plan.title)


def _still_allowed(db: Connection, plan: ExportPlan) -> None:
    """ConsentRefused naming who blocks PLAN, unless the ledger as it stands allows it now."""
    decision = plan.check_consent(consent_ledger.events(db, plan.participant_ids), utc_now())
    if not decision.allowed:
        raise ConsentRefused(refusal(decision, plan.request.purpose,
                                     participants.pseudonyms(db)))


def export_facts(db: Connection, take: Take, left_out: Iterable[int],
                 heads: Mapping[str, object] | None = None) -> ExportFacts:
    """What an export of TAKE, which leaves the tracks LEFT_OUT unheard (a looper's undone
    or muted layers), is planned from: the rest read from DB in one go; HEADS for the
    manifest of an export written (a preview needs none)."""
    present = frozenset(p.id for p in sessions.get(db, take.session_id).participants)
    return ExportFacts(take, frozenset(left_out), present,
                       tuple(participants.all_participants(db)),
                       tuple(consent_ledger.events(db)), tuple(songs.for_take(db, take.id)),
                       heads)


def chain_heads(db: Connection) -> dict[str, object]:
    """The library's id and its hash chains' heads, as an export's manifest carries them."""
    return {"library": ledger_chain.library_id(db),
            "chains": {table: {"rows": head.rows, "hash": head.hash}
                       for table, head in ledger_chain.heads(db).items()}}


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

"""The service's own figures and a participant's page, for therapists and admins (a
participant's studio has neither). The figures are core/service_figures.py's; they name
nobody."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from mt_studio.core.clock import local_now
from mt_studio.core.domain.groups import DropoutRules, MayHaveStopped
from mt_studio.core.domain.participant_page import ParticipantPage
from mt_studio.core.domain.service_report import Period, ServiceReport
from mt_studio.core.errors import AccessRefused, InputError
from mt_studio.core.library import (
    audit,
    consent_ledger,
    courses,
    participants,
    service_history,
    service_settings,
)
from mt_studio.core.service_figures import service_report
from mt_studio.core.stopped_coming import may_have_stopped
from mt_studio.core.studio.courses import note_flags_shown
from mt_studio.i18n import _, day_text

if TYPE_CHECKING:
    from mt_studio.core.studio.studio import Studio

__all__ = ["ParticipantPage", "Period", "ReportService", "ServiceReport"]


class ReportService:
    """The service report for a period, the first day there is anything to report on, and a
    participant's page."""

    def __init__(self, studio: Studio) -> None:
        self._studio = studio

    def first_day(self) -> date | None:
        """The day of the first session: where "since the start" starts."""
        with self._studio._reading() as db:
            (day,) = db.execute("SELECT min(date) FROM sessions").fetchone()
        return date.fromisoformat(day) if day else None

    def service(self, period: Period, now: datetime | None = None) -> ServiceReport:
        """The service's figures for PERIOD (audited as made); InputError for a period whose
        end is before its start."""
        return self._made(period, now)[0]

    def overview(self, period: Period, now: datetime | None = None
                 ) -> tuple[ServiceReport, list[MayHaveStopped], DropoutRules]:
        """What the Service view shows from one reading of the history: the figures for
        PERIOD, who may have stopped coming on NOW's day (audited as
        `courses.may_have_stopped` is), and the rules that say so."""
        report, found, rules = self._made(period, now, flags=True)
        note_flags_shown(self._studio, found)
        return report, found, rules

    def _made(self, period: Period, now: datetime | None, flags: bool = False
              ) -> tuple[ServiceReport, list[MayHaveStopped], DropoutRules]:
        if period.end < period.start:
            raise InputError(_("The period ends on {end}, before it starts on {start}.").format(
                end=day_text(period.end), start=day_text(period.start)))
        now = now or local_now()
        today = now.astimezone().date()
        with self._studio._reading() as db:
            history = service_history.read(db)
            rules = service_settings.dropout_rules(db)
            small = service_settings.show_small_counts(db)
        found = may_have_stopped(history, today, rules) if flags else []
        report = service_report(history, period, today=today, made_at=now, rules=rules,
                                show_small_counts=small, flagged_today=found if flags else None)
        reasons = self._studio.courses.reasons()
        report = replace(
            report,
            reason_labels={key: reasons.label_of(key)
                           for key in (*reasons.keys(), *report.endings_by_reason)},
            detail_labels={d.key: d.label for r in reasons.reasons for d in r.details
                           if r.key == "community"})
        self._studio.note_read("report.service_made", "service", start=period.start.isoformat(),
                               end=period.end.isoformat())
        return report, found, rules

    def save(self, report: ServiceReport, path: Path | str, file_format: str) -> Path:
        """Write REPORT to PATH as FILE_FORMAT (text, json, csv, xlsx or pdf: counts under 3
        shown as "<3" in csv, xlsx and pdf unless an admin chose otherwise), audited as what
        left the studio; InputError naming the file when it cannot be written."""
        from mt_studio.core.service_report.files import write_report

        self._studio._check_open()
        written = Path(write_report(report, Path(path), file_format))
        with self._studio._transaction(bookkeeping=True) as tx:
            audit.record(tx, "report.saved", "service", format=file_format,
                         start=report.period.start.isoformat(),
                         end=report.period.end.isoformat())
        return written

    def set_show_small_counts(self, shown: bool) -> None:
        """Whether report files show counts under 3 as they are (an admin's choice)."""
        studio = self._studio
        if studio.protected and not studio._signed_in().is_admin:
            raise AccessRefused(_("Only an admin can choose whether report files show counts "
                                  "under 3."))
        with studio._transaction() as tx:
            service_settings.set_show_small_counts(tx, shown)
            audit.record(tx, "report.small_counts_changed", "service_settings", shown=shown)

    def show_small_counts(self) -> bool:
        """Whether report files show counts under 3 as they are."""
        with self._studio._reading() as db:
            return service_settings.show_small_counts(db)

    def participant_page(self, participant_id: int, now: datetime | None = None
                         ) -> ParticipantPage:
        """PARTICIPANT_ID's sessions and answers, groups, songs, takes, consent history and
        course, by pseudonym (audited: it is their health record)."""
        today = (now or local_now()).astimezone().date()
        with self._studio._reading() as db:
            person = participants.get(db, participant_id).by_pseudonym()
            history = service_history.read(db)
            sessions, songs, takes = service_history.participant_rows(db, participant_id,
                                                                       history)
            consent = consent_ledger.events(db, [participant_id])
            course = courses.events(db, participant_id)
            rules = service_settings.dropout_rules(db)
        flagged = [f for f in may_have_stopped(history, today, rules)
                   if f.participant_id == participant_id]
        groups = tuple((g.name, m) for g in history.groups for m in g.memberships
                       if m.participant_id == participant_id)
        self._studio.note_read("participant.page_shown", f"participant:{participant_id}",
                               participant_id)
        return ParticipantPage(person, tuple(sessions), groups, tuple(songs), tuple(takes),
                               tuple(consent), tuple(course), flagged[0] if flagged else None)

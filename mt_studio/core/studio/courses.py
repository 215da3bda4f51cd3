"""Participants' courses: who may have stopped coming, and a therapist writing that a course
ended (with a reason from the service's list), began again, or goes on. The rule itself is
core/stopped_coming.py's."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from mt_studio.core.clock import local_now
from mt_studio.core.domain.groups import CourseEvent, CourseMark, DropoutRules, MayHaveStopped
from mt_studio.core.domain.history import by_day, ended_on
from mt_studio.core.errors import AccessRefused, InputError
from mt_studio.core.library import audit, courses, participants, service_history, service_settings
from mt_studio.core.stopped_coming import may_have_stopped
from mt_studio.core.text import one_line, shown
from mt_studio.i18n import _, day_text

if TYPE_CHECKING:
    from mt_studio.core.presets.model import EndingReasons
    from mt_studio.core.studio.studio import Studio

__all__ = ["CourseEvent", "CourseMark", "CourseService", "DropoutRules", "MayHaveStopped"]

MAX_NOTE_LENGTH = 300
MAX_WEEKS = 520


class CourseService:
    """What a therapist sees and writes about participants' courses; CourseChanged is
    announced."""

    def __init__(self, studio: Studio) -> None:
        self._studio = studio

    def reasons(self) -> EndingReasons:
        """The service's list of ending reasons (a preset it can edit)."""
        from mt_studio.core.presets import PresetCatalog

        return PresetCatalog.default().ending_reasons()

    def course(self, participant_id: int) -> list[CourseEvent]:
        """What was written about PARTICIPANT_ID's course, in the order written."""
        with self._studio._reading() as db:
            participants.get(db, participant_id)
            return courses.events(db, participant_id)

    def may_have_stopped(self, now: datetime | None = None) -> list[MayHaveStopped]:
        """Everyone who may have stopped coming (audited: it names people)."""
        today = (now or local_now()).astimezone().date()
        with self._studio._reading() as db:
            history = service_history.read(db)
            rules = service_settings.dropout_rules(db)
        found = may_have_stopped(history, today, rules)
        note_flags_shown(self._studio, found)
        return found

    def end(self, participant_id: int, reason: str, *, on: date | None = None,
            detail: str | None = None, note: str = "",
            now: datetime | None = None) -> CourseEvent:
        """Write that PARTICIPANT_ID's course ended on ON (default: today) for REASON (a key of
        the service's list) with its DETAIL if it has any, and a short NOTE. InputError for an
        unknown reason or detail, a day in the future or before their first session, or a
        course already ended."""
        now = now or local_now()
        today = now.astimezone().date()
        on = on or today
        listed = self.reasons()
        found = listed.find(reason)
        if found is None:
            raise InputError(_("There is no ending reason {reason}. The service's reasons: "
                               "{keys}.").format(reason=shown(reason),
                                                 keys=", ".join(listed.keys())))
        details = [d.key for d in found.details]
        if detail is not None and detail not in details:
            raise InputError(
                _("{reason} has no detail {detail}. Its details: {keys}.").format(
                    reason=found.key, detail=shown(detail), keys=", ".join(details))
                if details else _("{reason} takes no detail.").format(reason=found.key))
        written = one_line(note, _("The note"), MAX_NOTE_LENGTH) or ""
        with self._studio._transaction() as tx:
            person = participants.get(tx, participant_id)
            self._check_day(tx, person, on, today)
            course = by_day(courses.events(tx, participant_id))
            already = ended_on(course, on)
            if already is not None:
                raise InputError(_("The course of {who} already ended on {day}.").format(
                    who=shown(person.pseudonym), day=day_text(already.on)))
            event = courses.add(tx, participant_id, CourseMark.ENDED, on, at=now,
                                account_id=self._account_id(), reason=found.key, detail=detail,
                                note=written)
            self._announce(participant_id)
        return event

    def resume(self, participant_id: int, *, on: date | None = None,
               now: datetime | None = None) -> CourseEvent:
        """Write that PARTICIPANT_ID's ended course began again on ON (default: today);
        InputError if it has not ended."""
        return self._mark(participant_id, CourseMark.RESUMED, on, now)

    def still_with_us(self, participant_id: int, *, on: date | None = None,
                      now: datetime | None = None) -> CourseEvent:
        """Write that PARTICIPANT_ID goes on although they may have stopped coming: the sessions
        missed until ON (default: today) no longer count."""
        return self._mark(participant_id, CourseMark.STILL_WITH_US, on, now)

    def rules(self) -> DropoutRules:
        """The service's preferences for "may have stopped"."""
        with self._studio._reading() as db:
            return service_settings.dropout_rules(db)

    def set_rules(self, missed_in_a_row: int, individual_weeks: int) -> DropoutRules:
        """Make these the service's preferences (an admin's, in a library with accounts)."""
        studio = self._studio
        if studio.protected and not studio._signed_in().is_admin:
            raise AccessRefused(_("Only an admin can change when someone may have stopped "
                                  "coming."))
        for value, field_name, most in ((missed_in_a_row, _("Sessions missed in a row"), 52),
                                        (individual_weeks, _("Weeks without an individual "
                                                             "session"), MAX_WEEKS)):
            if not 1 <= value <= most:
                raise InputError(_("{field} must be between 1 and {most}.").format(
                    field=field_name, most=most))
        chosen = DropoutRules(missed_in_a_row, individual_weeks)
        with studio._transaction() as tx:
            service_settings.set_dropout_rules(tx, chosen)
            audit.record(tx, "course.rules_changed", "service_settings",
                         missed_in_a_row=missed_in_a_row, individual_weeks=individual_weeks)
        return chosen

    def _mark(self, participant_id: int, mark: CourseMark, on: date | None,
              now: datetime | None) -> CourseEvent:
        now = now or local_now()
        today = now.astimezone().date()
        on = on or today
        with self._studio._transaction() as tx:
            person = participants.get(tx, participant_id)
            self._check_day(tx, person, on, today)
            ended = ended_on(by_day(courses.events(tx, participant_id)), on)
            if mark is CourseMark.RESUMED and ended is None:
                raise InputError(_("The course of {who} has not ended, so it cannot begin again.")
                                 .format(who=shown(person.pseudonym)))
            if mark is CourseMark.STILL_WITH_US and ended is not None:
                raise InputError(_("The course of {who} ended on {day}: write that it began "
                                   "again instead.").format(who=shown(person.pseudonym),
                                                      day=day_text(ended.on)))
            event = courses.add(tx, participant_id, mark, on, at=now,
                                account_id=self._account_id())
            self._announce(participant_id)
        return event

    @staticmethod
    def _check_day(db, person, on: date, today: date) -> None:
        if on > today:
            raise InputError(_("{day} has not come yet: write what happened, on or before "
                               "today.").format(day=day_text(on)))
        first = courses.first_day(db, person.id)
        if first is not None and on < first:
            raise InputError(_("{who} first joined or came on {first}: {day} is before "
                               "that.").format(
                who=shown(person.pseudonym), first=day_text(first), day=day_text(on)))

    def _account_id(self) -> int | None:
        actor = self._studio.actor
        return actor.account.id if actor is not None else None

    def _announce(self, participant_id: int) -> None:
        from mt_studio.core.studio import events

        self._studio._announce(events.CourseChanged(participant_id))


def note_flags_shown(studio: Studio, found: list[MayHaveStopped]) -> None:
    """Audit that the list of who may have stopped coming was shown (it names people)."""
    if found:
        studio.note_read("course.may_have_stopped_shown", "participants", count=len(found))

"""Retention: the takes due for deletion because consent to keep them ended (or the service's
maximum age passed), a therapist's written reason to keep one longer, and deleting those whose
grace days are over (at the window's start, or `mt-studio retention run`). The rule itself is
core/retention.py's."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from mt_studio.core.clock import local_now
from mt_studio.core.domain.retention import HOLD_DAYS, RetentionHold, RetentionRules
from mt_studio.core.errors import AccessRefused, InputError, MtStudioError
from mt_studio.core.library import audit, consent_ledger, participants
from mt_studio.core.library import retention as kept
from mt_studio.core.retention import DueCause, DueTake, Why, due_takes
from mt_studio.core.text import one_line
from mt_studio.i18n import _

if TYPE_CHECKING:
    from mt_studio.core.studio.studio import Studio

__all__ = ["DueCause", "DueList", "DueTake", "RetentionRun", "RetentionService", "Why"]

MAX_REASON_LENGTH = 500
MAX_DAYS = 36500  # a hundred years: the largest grace or age that means anything


@dataclass(frozen=True)
class DueList:
    """The takes due for deletion on TODAY, with the pseudonyms of the people named, and the
    rules that made the list."""

    today: date
    takes: tuple[DueTake, ...]
    names: dict[int, str]
    rules: RetentionRules


@dataclass(frozen=True)
class RetentionRun:
    """What a run did: the takes deleted, those it could not delete (with why), and those
    still waiting (their day has not come, or a reason holds them)."""

    deleted: tuple[DueTake, ...] = ()
    failed: tuple[tuple[DueTake, str], ...] = ()
    waiting: tuple[DueTake, ...] = ()


class RetentionService:
    """What a therapist sees and does about takes whose consent to keep them ended."""

    def __init__(self, studio: Studio) -> None:
        self._studio = studio

    def rules(self) -> RetentionRules:
        """The service's rules: grace days, and the maximum age (0: none)."""
        with self._studio._reading() as db:
            return kept.rules(db)

    def set_rules(self, grace_days: int, max_age_days: int) -> RetentionRules:
        """Make these the service's rules (an admin's to change, in a library with accounts);
        InputError for a number out of range."""
        studio = self._studio
        if studio.protected and not studio._signed_in().is_admin:
            raise AccessRefused(_("Only an admin can change how long the service keeps takes."))
        for value, field_name in ((grace_days, _("Grace days")),
                                  (max_age_days, _("Maximum age in days"))):
            if not 0 <= value <= MAX_DAYS:
                raise InputError(_("{field} must be between 0 and {most}.").format(
                    field=field_name, most=MAX_DAYS))
        chosen = RetentionRules(grace_days, max_age_days)
        with studio._transaction() as tx:
            before = kept.rules(tx)
            kept.set_rules(tx, chosen)
            audit.record(tx, "retention.rules_changed", "service_settings",
                         grace_days=grace_days, max_age_days=max_age_days,
                         before=[before.grace_days, before.max_age_days])
        return chosen

    def due(self, now: datetime | None = None) -> DueList:
        """Every take due for deletion at NOW (default: now), held ones too (audited: it names
        people and their consent)."""
        now = now or local_now()
        with self._studio._reading() as db:
            rules = kept.rules(db)
            takes = due_takes(kept.kept_takes(db), consent_ledger.events(db), kept.holds(db),
                              rules, now)
            named = {w.participant_id for t in takes for w in t.why if w.participant_id}
            names = {i: n for i, n in participants.pseudonyms(db).items() if i in named}
        if takes:
            self._studio.note_read("retention.shown", "retention", due=len(takes))
        return DueList(now.astimezone().date(), tuple(takes), names, rules)

    def keep_longer(self, take_id: int, reason: str, now: datetime | None = None
                    ) -> RetentionHold:
        """Keep the due take TAKE_ID for another 30 days, for the written REASON (audited);
        InputError if it is not due or the reason is blank or too long."""
        studio = self._studio
        now = now or local_now()
        written = one_line(reason, _("The reason"), MAX_REASON_LENGTH)
        if not written:
            raise InputError(_("Write why the take must be kept longer: the reason is kept "
                               "in the audit log."))
        if take_id not in {t.take.take_id for t in self.due(now).takes}:
            raise InputError(_("Take {take} is not due for deletion, so there is nothing to "
                               "keep it longer from.").format(take=take_id))
        until = now.astimezone().date() + timedelta(days=HOLD_DAYS)
        actor = studio.actor
        with studio._transaction() as tx:
            kept.hold(tx, take_id, written, actor and actor.account.id, now, until)
            audit.record(tx, "retention.kept_longer", f"take:{take_id}", reason=written,
                         until=until.isoformat())
        return RetentionHold(take_id, written, now, until, actor and actor.account.name)

    def run(self, now: datetime | None = None) -> RetentionRun:
        """Delete every due take whose grace days are over and that no reason holds (each
        deletion audited with why); a take that cannot be deleted now is named and left.
        LibraryReadOnly, deleting nothing, when the ledger was changed outside mt_studio (a
        withdrawal forged into it would otherwise delete takes). Nothing, in a library for
        the day: its ledger is a copy, and its takes go when the service's library says."""
        from mt_studio.core.studio.day_library import of_studio

        self._studio._trust_ledger()
        if of_studio(self._studio) is not None:
            return RetentionRun()
        due = self.due(now)
        deleted, failed, waiting = [], [], []
        for take in due.takes:
            if not take.goes(due.today):
                waiting.append(take)
                continue
            try:
                self._studio.deletion.delete_take(take.take.take_id,
                                                  reason=_deletion_reason(take))
            except MtStudioError as error:
                failed.append((take, str(error)))
            else:
                deleted.append(take)
        return RetentionRun(tuple(deleted), tuple(failed), tuple(waiting))


def why_text(why: Why, names: dict[int, str],
             day_text: Callable[[date], str] = date.isoformat) -> str:
    """One reason a take is due, in words: who and what happened to their consent (days
    written by DAY_TEXT)."""
    who = names.get(why.participant_id, "") if why.participant_id else ""
    if why.cause is DueCause.NO_KEEP:
        return _("{who}: never gave consent to keep it after the session day").format(
            who=who)
    if why.cause is DueCause.WITHDRAWN:
        return _("{who}: withdrew consent to keep it on {day}").format(
            who=who, day=day_text(why.since))
    if why.cause is DueCause.EXPIRED:
        return _("{who}: consent to keep it ran out on {day}").format(
            who=who, day=day_text(why.since))
    if why.cause is DueCause.NO_RECORD:
        return _("{who}: no consent to be recorded when it came in, {day}").format(
            who=who, day=day_text(why.since))
    return _("Older than the service keeps any take (since {day})").format(
        day=day_text(why.since))


def _deletion_reason(take: DueTake) -> str:
    # The audit row's words: by id, so that it names nobody once a person is erased.
    return "retention: " + "; ".join(
        f"{w.cause.value}" + (f" participant:{w.participant_id}" if w.participant_id else "")
        + f" since {w.since.isoformat()}" for w in take.why)

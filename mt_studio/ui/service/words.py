"""The Service view's words for what the studio tells: why someone may have stopped coming,
answers at check-in, course marks and consent rows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mt_studio.core.domain import ConsentAction, ConsentEvent
from mt_studio.core.domain.groups import (
    Answer,
    CourseEvent,
    CourseMark,
    DropoutRules,
    MayHaveStopped,
    StopSign,
)
from mt_studio.i18n import _, ngettext
from mt_studio.ui.common.dates import day_text
from mt_studio.ui.groups.answers_panel import answer_label

if TYPE_CHECKING:
    from mt_studio.core.presets.model import EndingReasons


def why_stopped(flag: MayHaveStopped, rules: DropoutRules) -> str:
    """Why FLAG's participant may have stopped, with the service's numbers: "Missed the last
    3 sessions of Onsdagsbandet"."""
    if flag.sign is StopSign.MISSED_GROUP:
        return ngettext("Missed the last session of {group}",
                        "Missed the last {n} sessions of {group}",
                        rules.missed_in_a_row).format(n=rules.missed_in_a_row,
                                                      group=flag.group_name)
    return ngettext("No individual session for {n} week or more",
                    "No individual session for {n} weeks or more",
                    rules.individual_weeks).format(n=rules.individual_weeks)


def answer_text(answer: Answer | None) -> str:
    """How someone expected answered, in the check-in's words (nothing written counts as not
    coming)."""
    return _("Did not come (nothing written)") if answer is None else answer_label(answer)


def course_text(event: CourseEvent, reasons: EndingReasons) -> str:
    """A course mark in words: "Ended: Moved on to music in the community (Choir)"."""
    if event.mark is CourseMark.RESUMED:
        return _("Began again")
    if event.mark is CourseMark.STILL_WITH_US:
        return _("Still with us")
    reason = reasons.label_of(event.reason or "")
    if event.detail:
        reason = _("{reason} ({detail})").format(
            reason=reason, detail=reasons.detail_label_of(event.reason or "", event.detail))
    return _("Ended: {reason}").format(reason=reason)


def consent_text(event: ConsentEvent) -> str:
    """A consent row in words: "Gave consent: Community, until 1 Jun 2027"."""
    from mt_studio.ui.consent.chips import purpose_label

    purpose = purpose_label(event.purpose)
    if event.action is ConsentAction.WITHDRAW:
        return _("Withdrew consent: {purpose}").format(purpose=purpose)
    if event.valid_until is not None:
        return _("Gave consent: {purpose}, until {day}").format(
            purpose=purpose, day=day_text(event.valid_until))
    return _("Gave consent: {purpose}").format(purpose=purpose)

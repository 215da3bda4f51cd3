"""The periods the Service view offers: this month, quarter or year, last year, since the
start, or the days chosen."""

from __future__ import annotations

import enum
from datetime import date

from mt_studio.core.domain.service_report import Period
from mt_studio.i18n import _


class Choice(enum.StrEnum):
    """A period as the picker offers it."""

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"
    LAST_YEAR = "last_year"
    SINCE_START = "since_start"
    CHOSEN = "chosen"


def choice_label(choice: Choice) -> str:
    """The picker's words for CHOICE."""
    return {
        Choice.MONTH: _("This month"),
        Choice.QUARTER: _("This quarter"),
        Choice.YEAR: _("This year"),
        Choice.LAST_YEAR: _("Last year"),
        Choice.SINCE_START: _("Since the start"),
        Choice.CHOSEN: _("From… to…"),
    }[choice]


def period_of(choice: Choice, today: date, first_day: date | None,
              chosen: tuple[date, date] | None = None) -> Period:
    """The days CHOICE means on TODAY; FIRST_DAY starts "since the start" (today when there is
    nothing yet), CHOSEN gives the days of CHOSEN as they are (the studio checks them)."""
    if choice is Choice.MONTH:
        return Period(today.replace(day=1), today)
    if choice is Choice.QUARTER:
        return Period(date(today.year, (today.month - 1) // 3 * 3 + 1, 1), today)
    if choice is Choice.YEAR:
        return Period(date(today.year, 1, 1), today)
    if choice is Choice.LAST_YEAR:
        return Period(date(today.year - 1, 1, 1), date(today.year - 1, 12, 31))
    if choice is Choice.SINCE_START:
        return Period(min(first_day or today, today), today)
    if chosen is None:
        raise ValueError("a chosen period needs its days")
    return Period(*chosen)

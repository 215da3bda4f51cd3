"""Days and times as the language shown writes them, from CLDR's data for the languages the
studio speaks.

They read exactly as `mt_studio.i18n` writes them with Babel for the command line (a test
compares the two for every day of two years), without loading Babel's data or building Qt's
locale (whose first use builds 839 Python enum members, 6 ms): the window lists its sessions
sooner.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mt_studio import i18n

if TYPE_CHECKING:  # the window paints before anything needs the module (2 ms)
    from datetime import date, datetime

# CLDR's abbreviated month names and "medium" date pattern for each language's locale.
MONTHS = {
    "nb_NO": ("jan.", "feb.", "mars", "apr.", "mai", "juni",
              "juli", "aug.", "sep.", "okt.", "nov.", "des."),
    "en_GB": ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
              "Jul", "Aug", "Sept", "Oct", "Nov", "Dec"),
}
_DAY_PATTERNS = {"nb_NO": "{day}. {month} {year}", "en_GB": "{day} {month} {year}"}


def day_text(day: date) -> str:
    """A calendar day as the user's language writes it: "6 Dec 2026", "6. des. 2026"."""
    name = i18n.locale_name()
    return _DAY_PATTERNS[name].format(day=day.day, month=MONTHS[name][day.month - 1],
                                      year=day.year)


def clock_text(moment: datetime) -> str:
    """The local time of day of MOMENT, hours and minutes (both languages: "14:05")."""
    local = moment.astimezone()
    return f"{local.hour:02d}:{local.minute:02d}"


def moment_text(moment: datetime) -> str:
    """MOMENT as a local day and time: "6 Dec 2026 14:05", "6. des. 2026 14:05"."""
    return f"{day_text(moment.astimezone().date())} {clock_text(moment)}"


_EDIT_PATTERNS = {"nb_NO": "d. MMM yyyy", "en_GB": "d MMM yyyy"}


def day_edit(day: date | None = None, name: str = ""):
    """A field to choose a day in (a calendar drops down), written as `day_text` writes days,
    month names in the user's language; DAY first (default: today); NAME for screen readers."""
    from PyQt6.QtCore import QDate, QLocale
    from PyQt6.QtWidgets import QDateEdit

    edit = QDateEdit(QDate(day) if day is not None else QDate.currentDate())
    edit.setLocale(QLocale(i18n.locale_name()))
    edit.setDisplayFormat(_EDIT_PATTERNS[i18n.locale_name()])
    edit.setCalendarPopup(True)
    if name:
        edit.setAccessibleName(name)
    return edit

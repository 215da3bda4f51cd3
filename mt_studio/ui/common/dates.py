"""Days and times as the language shown writes them, through Qt's own locale data.

They read exactly as `mt_studio.i18n` writes them with Babel for the command line (a test
compares the two), without loading Babel's data: the window lists its sessions sooner.
"""

from __future__ import annotations

from datetime import date, datetime

from PyQt6.QtCore import QDate, QLocale, QTime

from mt_studio import i18n

# CLDR's "medium" date pattern for each language the studio speaks, in Qt's spelling.
_DAY_PATTERNS = {"nb_NO": "d. MMM yyyy", "en_GB": "d MMM yyyy"}


def day_text(day: date) -> str:
    """A calendar day as the user's language writes it: "6 Dec 2026", "6. des. 2026"."""
    name = i18n.locale_name()
    return QLocale(name).toString(QDate(day.year, day.month, day.day), _DAY_PATTERNS[name])


def clock_text(moment: datetime) -> str:
    """The local time of day of MOMENT, hours and minutes: "14:05"."""
    local = moment.astimezone()
    return QLocale(i18n.locale_name()).toString(QTime(local.hour, local.minute), "HH:mm")


def moment_text(moment: datetime) -> str:
    """MOMENT as a local day and time: "6 Dec 2026 14:05", "6. des. 2026 14:05"."""
    return f"{day_text(moment.astimezone().date())} {clock_text(moment)}"

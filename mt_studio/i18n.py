"""Translation of user-visible text with gettext, for the core, the command line and the window.

The language follows the system locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG) unless the user
chose one in the preferences; `use_language` switches at run time, so text must be translated
when it is shown, never when a module is imported.
"""

from __future__ import annotations

import gettext
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the window paints before anything needs the module (2 ms)
    from datetime import date, datetime

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "mt_studio"

# The languages mt_studio speaks, by code, each named in its own language.
LANGUAGES = {"en": "English", "nb": "Norsk bokmål"}
# How each writes dates and numbers (a CLDR locale): English as in Britain, day before month.
_LOCALES = {"en": "en_GB", "nb": "nb_NO"}

_translation: gettext.NullTranslations = gettext.translation(
    DOMAIN, localedir=LOCALE_DIR, fallback=True)


def use_language(code: str | None) -> None:
    """Speak CODE ("en", "nb") from now on; None or "" follows the system locale."""
    global _translation
    languages = [code] if code else None
    if code in ("no", "nn"):  # Norwegian without a written standard named: bokmål serves
        languages = ["nb"]
    _translation = gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=languages,
                                       fallback=True)


def current_language() -> str:
    """The code of the language text is shown in now ("en" when no catalogue matched)."""
    info = _translation.info() if isinstance(_translation, gettext.GNUTranslations) else {}
    return info.get("language", "en") or "en"


def _(message: str) -> str:
    """Translate MESSAGE into the user's language (English when no catalogue matches)."""
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message whose form depends on the count N."""
    return _translation.ngettext(singular, plural, n)


def locale_name() -> str:
    """The CLDR locale of the language shown ("nb_NO"): dates and numbers are written its way."""
    return locale_name_of(current_language())


def locale_name_of(code: str) -> str:
    """The CLDR locale of the language CODE ("nb" -> "nb_NO"); British English for others."""
    return _LOCALES.get(code, "en_GB")


def day_text(day: date) -> str:
    """A calendar day as the user's language writes it: "6 Dec 2026", "6. des. 2026"."""
    from babel.dates import format_date  # loaded when first needed: the window paints sooner

    return format_date(day, "medium", locale=locale_name())


def clock_text(moment: datetime) -> str:
    """The local time of day of MOMENT, hours and minutes: "14:05"."""
    from babel.dates import format_time

    return format_time(moment.astimezone(), "HH:mm", locale=locale_name())


def moment_text(moment: datetime) -> str:
    """MOMENT as a local day and time: "6 Dec 2026 14:05", "6. des. 2026 14:05"."""
    return f"{day_text(moment.astimezone().date())} {clock_text(moment)}"


def number_text(value: float, decimals: int = 1) -> str:
    """VALUE with DECIMALS decimals, as the user's language writes it: "-14.5", "−14,5"."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(value, format=pattern, locale=locale_name(),
                          decimal_quantization=True)

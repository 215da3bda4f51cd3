"""Translation of user-visible text with gettext, for the core, the command line and the window.

The language follows the system locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG) unless the user
chose one in the preferences; `use_language` switches at run time, so text must be translated
when it is shown, never when a module is imported.
"""

from __future__ import annotations

import gettext
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "mt_studio"

# The languages mt_studio speaks, by code, each named in its own language.
LANGUAGES = {"en": "English", "nb": "Norsk bokmål"}

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

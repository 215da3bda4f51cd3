"""Short texts people type (names, titles, witnesses): checked once, shown safely in messages."""

from __future__ import annotations

import unicodedata

from mt_studio.core.errors import InputError
from mt_studio.i18n import _


def shown(text: str) -> str:
    """TEXT in quotes for a one-line message, with control characters (line breaks) escaped."""
    escaped = "".join(
        ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch) == "Cc" else ch
        for ch in text
    )
    return f"'{escaped}'"


def one_line(value: str | None, field: str) -> str | None:
    """VALUE trimmed, or None if blank; InputError naming FIELD if it holds a line break."""
    if value is None:
        return None
    value = unicodedata.normalize("NFC", value).strip()
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise InputError(
            _("{field} must be one line without control characters: {value}").format(
                field=field, value=shown(value)
            )
        )
    return value or None

"""Texts people type (names, titles, notes, lyrics): checked once where they enter the library,
and shown safely in messages.

Control characters (Unicode Cc: escape sequences, carriage returns) and format characters
(Cf: right-to-left overrides, zero-width spaces) are refused everywhere: a stored one could
rewrite a terminal's screen, or make a name look like another, wherever the text is printed.
"""

from __future__ import annotations

import unicodedata

from mt_studio.core.errors import InputError
from mt_studio.i18n import _

LINE_LENGTH = 200
"""The most characters a one-line text may hold unless its field says otherwise."""

_HIDDEN = frozenset({"Cc", "Cf", "Zl", "Zp"})


def holds_hidden(text: str, allowed: str = "") -> bool:
    """Whether TEXT holds a control, format or line-separator character not in ALLOWED."""
    return any(unicodedata.category(ch) in _HIDDEN and ch not in allowed for ch in text)


def printable(text: str) -> str:
    """TEXT with control, format and line-separator characters escaped ("\\x1b", "\\u202e"),
    so that text stored before these were refused prints as what it holds."""
    return "".join(
        ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch) in _HIDDEN
        else ch
        for ch in text
    )


def shown(text: str) -> str:
    """TEXT in quotes for a one-line message, its hidden characters escaped (`printable`)."""
    return f"'{printable(text)}'"


def one_line(value: str | None, field: str, limit: int = LINE_LENGTH) -> str | None:
    """VALUE trimmed, or None if blank; InputError naming FIELD if it holds a line break or
    another control or format character, or more than LIMIT characters."""
    if value is None:
        return None
    value = unicodedata.normalize("NFC", value)
    if holds_hidden(value):  # before trimming: strip() takes line breaks off the ends
        raise InputError(
            _("{field} must be one line, without control or invisible formatting characters: "
              "{value}").format(field=field, value=shown(value))
        )
    value = value.strip()
    _check_length(value, field, limit)
    return value or None


def many_lines(text: str, field: str, limit: int) -> str:
    """Multi-line TEXT as stored: every kind of line break becomes "\\n", each line loses its
    trailing whitespace, blank lines at the start and end go; blank lines between stay, and so
    does indentation (tabs too). InputError naming FIELD and the line for any other control or
    format character, or for more than LIMIT characters."""
    split = [line.rstrip() for line in unicodedata.normalize("NFC", text).splitlines()]
    while split and not split[0]:
        split.pop(0)
    while split and not split[-1]:
        split.pop()
    cleaned = "\n".join(split)
    _check_length(cleaned, field, limit)
    for number, line in enumerate(split, 1):
        if holds_hidden(line, allowed="\t"):
            raise InputError(_("{field} may not hold invisible formatting or control "
                               "characters (line {line}).").format(field=field, line=number))
    return cleaned


def _check_length(value: str, field: str, limit: int) -> None:
    if len(value) > limit:
        raise InputError(_("{field} is longer than {limit} characters.").format(
            field=field, limit=limit))

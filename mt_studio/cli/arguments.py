"""Argument parsing that reports bad input in one line and turns values into domain types."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from datetime import date
from typing import NoReturn

from mt_studio.core.domain import Purpose
from mt_studio.core.text import shown
from mt_studio.i18n import _

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class ArgumentParser(argparse.ArgumentParser):
    """An argparse parser whose usage errors are one line on stderr and exit code 2."""

    def error(self, message: str) -> NoReturn:
        hint = _("see '{prog} --help'").format(prog=self.prog)
        sys.stderr.write(f"{self.prog}: {message} ({hint})\n")
        raise SystemExit(2)


def undecodable(arguments: Sequence[str]) -> str | None:
    """The one-line error naming the first of ARGUMENTS that is not UTF-8 text (bytes Python
    kept as surrogates), or None when all are: such text would be stored as it cannot be read."""
    for number, argument in enumerate(arguments, 1):
        try:
            argument.encode("utf-8")
        except UnicodeEncodeError:
            try:
                given = os.fsencode(argument)  # the bytes as they were given
            except UnicodeError:
                given = argument.encode("utf-8", "backslashreplace")
            return _("argument {number}, {value}, is not UTF-8 text; give it in UTF-8").format(
                number=number, value=shown(given.decode("utf-8", "backslashreplace")))
    return None


def iso_date(text: str) -> date:
    """A YYYY-MM-DD date, for argparse's type=."""
    if _ISO_DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise argparse.ArgumentTypeError(
        _("'{text}' is not a date of the form YYYY-MM-DD").format(text=text)
    )


def purpose(text: str) -> Purpose:
    """A consent purpose, for argparse's type=."""
    try:
        return Purpose(text.strip().lower())
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("'{text}' is not a consent purpose (one of: {purposes})").format(
                text=text, purposes=", ".join(p.value for p in Purpose)
            )
        ) from None


def name_list(text: str) -> list[str]:
    """A comma-separated list of pseudonyms, blanks dropped."""
    return [part.strip() for part in text.split(",") if part.strip()]


def record_id(text: str) -> int:
    """A positive database id, for argparse's type=."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 2**63 - 1:
        raise argparse.ArgumentTypeError(_("'{text}' is not an id (a whole number from 1)").format(
            text=text))
    return value


def positive_int(text: str) -> int:
    """A whole number above zero."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(_("'{text}' is not a positive whole number").format(
            text=text))
    return value


def positive_float(text: str) -> float:
    """A number above zero."""
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(_("'{text}' is not a positive number").format(text=text))
    return value

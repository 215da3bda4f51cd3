"""Strict reading of the values in a parsed preset, with errors that point at the right line."""

from __future__ import annotations

import difflib
import math
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any, NoReturn

from mt_studio.core.presets.errors import PresetError
from mt_studio.core.presets.locate import LineLocator, Loc
from mt_studio.core.text import holds_hidden
from mt_studio.i18n import _

MISSING: Any = object()
"""Marks a key that is absent from a table."""


def dotted(loc: Loc) -> str:
    """A key path as people write it: ("inputs", 2, "number") -> "inputs[2].number"."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def type_phrase(value: Any) -> str:
    """What kind of TOML value VALUE is, in words."""
    if isinstance(value, bool):
        return _("true/false")
    if isinstance(value, int):
        return _("an integer")
    if isinstance(value, float):
        return _("a decimal number")
    if isinstance(value, str):
        return _("text")
    if isinstance(value, list):
        return _("a list")
    if isinstance(value, dict):
        return _("a table")
    return _("a date or time")


def show(value: Any) -> str:
    """VALUE written as in TOML, shortened: for quoting a wrong value back to the user."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    elif isinstance(value, float):
        text = f"{value:g}"
    elif isinstance(value, (list, dict)):
        return type_phrase(value)
    else:
        text = str(value)
    text = "".join(c if c.isprintable() else f"\\u{ord(c):04X}" for c in text)
    return text if len(text) <= 60 else text[:57] + "..."


class Document:
    """One preset file being read: its path and text, and the lines of its keys for errors."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text
        self._locator: LineLocator | None = None

    def line(self, loc: Loc) -> int:
        """The line where LOC (or the nearest table around it) is written."""
        if self._locator is None:
            self._locator = LineLocator(self.text)
        return self._locator.line(loc)

    def fail(self, loc: Loc, problem: str) -> NoReturn:
        """Raise a PresetError for the value at LOC."""
        raise PresetError(self.path, problem, self.line(loc))


class Table:
    """A TOML table of a preset, read one typed key at a time."""

    def __init__(self, doc: Document, raw: dict[str, Any], loc: Loc = ()) -> None:
        self.doc = doc
        self.raw = raw
        self.loc = loc

    def fail(self, key: str | int, problem: str) -> NoReturn:
        """Raise a PresetError for KEY (a name, or an index in a list) of this table."""
        self.doc.fail(self.loc + (key,), problem)

    def name_of(self, key: str | int) -> str:
        """KEY with its path, as shown in messages."""
        return dotted(self.loc + (key,))

    def check_keys(self, allowed: Collection[str]) -> None:
        """Refuse any key not in ALLOWED, suggesting the nearest allowed one (typos)."""
        for key in self.raw:
            if key in allowed:
                continue
            close = difflib.get_close_matches(key, list(allowed), n=1)
            if close:
                problem = _("unknown key '{key}'; did you mean '{suggestion}'?").format(
                    key=self.name_of(key), suggestion=close[0]
                )
            else:
                problem = _("unknown key '{key}'; the keys here are: {keys}").format(
                    key=self.name_of(key), keys=", ".join(sorted(allowed))
                )
            self.fail(key, problem)

    def get(self, key: str, *, required: bool) -> Any:
        """The raw value of KEY, or MISSING when it is absent and not REQUIRED."""
        value = self.raw.get(key, MISSING)
        if value is MISSING and required:
            if self.loc:
                problem = _("missing required key '{key}' in {table}").format(
                    key=key, table=dotted(self.loc)
                )
            else:
                problem = _("missing required key '{key}'").format(key=key)
            self.doc.fail(self.loc, problem)
        return value

    def wrong_type(self, key: str | int, expected: str, value: Any) -> NoReturn:
        """Raise the error for a value of the wrong type."""
        self.fail(
            key,
            _("'{key}' must be {expected}, not {actual} ({value})").format(
                key=self.name_of(key),
                expected=expected,
                actual=type_phrase(value),
                value=show(value),
            ),
        )

    def string(self, key: str) -> str:
        """A required, non-blank, single-line text value."""
        return self.text(key, self.get(key, required=True))

    def text(self, key: str | int, value: Any) -> str:
        """VALUE (found at KEY) checked to be non-blank, single-line text."""
        if not isinstance(value, str):
            self.wrong_type(key, _("text in quotes"), value)
        if not value.strip():
            self.fail(key, _("'{key}' must not be empty").format(key=self.name_of(key)))
        if holds_hidden(value):
            self.fail(
                key,
                _("'{key}' must be one line of text without control characters or invisible "
                  "formatting").format(
                    key=self.name_of(key)
                ),
            )
        return value

    def integer(self, key: str, *, low: int, high: int, default: int | None = None) -> int:
        """An integer in LOW..HIGH; required unless DEFAULT is given."""
        value = self.get(key, required=default is None)
        if value is MISSING:
            assert default is not None
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.wrong_type(key, _("an integer"), value)
        self.check_range(key, value, low, high)
        return value

    def number(self, key: str, *, low: float, high: float) -> float | None:
        """An optional integer or decimal number in LOW..HIGH, as a float."""
        value = self.get(key, required=False)
        if value is MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.wrong_type(key, _("a number"), value)
        if isinstance(value, float) and not math.isfinite(value):
            self.fail(key, _("'{key}' must be a finite number").format(key=self.name_of(key)))
        self.check_range(key, value, low, high)
        return float(value)

    def check_range(self, key: str, value: float, low: float, high: float) -> None:
        """Refuse VALUE outside LOW..HIGH."""
        if not low <= value <= high:
            self.fail(
                key,
                _("'{key}' must be between {low} and {high}, not {value}").format(
                    key=self.name_of(key), low=show(low), high=show(high), value=show(value)
                ),
            )

    def boolean(self, key: str, *, default: bool) -> bool:
        """A true/false value, DEFAULT when absent."""
        value = self.get(key, required=False)
        if value is MISSING:
            return default
        if not isinstance(value, bool):
            self.wrong_type(key, _("true or false"), value)
        return value

    def one_of(self, key: str, choices: Sequence[str] | Sequence[int], *, required: bool) -> Any:
        """One of CHOICES (all text or all integers), or None when absent and not REQUIRED."""
        value = self.get(key, required=required)
        if value is MISSING:
            return None
        if isinstance(choices[0], str):
            if not isinstance(value, str):
                self.wrong_type(key, _("text in quotes"), value)
        elif isinstance(value, bool) or not isinstance(value, int):
            self.wrong_type(key, _("an integer"), value)
        if value not in choices:
            self.fail(
                key,
                _("'{key}' must be one of {choices}, not {value}").format(
                    key=self.name_of(key),
                    choices=", ".join(show(c) for c in choices),
                    value=show(value),
                ),
            )
        return value

    def strings(self, key: str) -> tuple[str, ...]:
        """A required, non-empty list of non-blank single-line texts."""
        value = self.get(key, required=True)
        if not isinstance(value, list):
            self.wrong_type(key, _("a list of texts"), value)
        if not value:
            self.fail(key, _("'{key}' must not be an empty list").format(key=self.name_of(key)))
        items = Table(self.doc, {}, self.loc + (key,))
        return tuple(items.text(index, item) for index, item in enumerate(value))

    def tables(self, key: str, allowed: Collection[str]) -> list[Table]:
        """A required, non-empty array of tables ([[KEY]]) whose keys are all in ALLOWED."""
        value = self.get(key, required=True)
        if not isinstance(value, list):
            header = ".".join(part for part in self.loc + (key,) if isinstance(part, str))
            self.wrong_type(
                key, _("a list of tables, each starting with [[{key}]]").format(key=header), value
            )
        if not value:
            self.fail(key, _("'{key}' must not be an empty list").format(key=self.name_of(key)))
        result = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                self.doc.fail(
                    self.loc + (key, index),
                    _("'{key}' must be a table, not {actual}").format(
                        key=dotted(self.loc + (key, index)), actual=type_phrase(item)
                    ),
                )
            table = Table(self.doc, item, self.loc + (key, index))
            table.check_keys(allowed)
            result.append(table)
        return result

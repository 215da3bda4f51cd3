"""Find the line on which a key or table of a TOML text is written, to point error messages at it.

tomllib returns plain dicts without positions, so this scanner re-reads the text and records,
for every key path such as ("inputs", 2, "number"), the line where it first appears. Array of
tables entries are numbered from 0 in the order of their `[[...]]` headers. The scanner is
lenient: on anything it does not understand it stops and keeps what it found so far.
"""

from __future__ import annotations

import contextlib
import string
from collections.abc import Mapping

Loc = tuple[str | int, ...]

_BARE_KEY = frozenset(string.ascii_letters + string.digits + "_-")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


class _Stop(Exception):
    """The scanner met text it does not understand."""


class LineLocator:
    """Lines of the keys and tables of one TOML text."""

    def __init__(self, text: str) -> None:
        self._lines = _scan(text)

    @property
    def lines(self) -> Mapping[Loc, int]:
        """Every key path found, with the line where it first appears."""
        return self._lines

    def line(self, loc: Loc) -> int:
        """The line of LOC, else of its nearest enclosing table that is written, else 1."""
        for end in range(len(loc), 0, -1):
            found = self._lines.get(loc[:end])
            if found is not None:
                return found
        return 1


def _scan(text: str) -> dict[Loc, int]:
    scanner = _Scanner(text)
    with contextlib.suppress(_Stop, RecursionError):
        scanner.run()
    return scanner.lines


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.lines: dict[Loc, int] = {}
        self.arrays: dict[Loc, int] = {}  # array of tables path -> number of entries so far

    # -- characters ---------------------------------------------------------------------

    def peek(self, n: int = 1) -> str:
        return self.text[self.pos : self.pos + n]

    def advance(self, n: int = 1) -> None:
        self.line += self.text.count("\n", self.pos, self.pos + n)
        self.pos = min(self.pos + n, len(self.text))

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    def skip_blank(self, newlines: bool) -> None:
        while not self.at_end():
            c = self.text[self.pos]
            if c in " \t\r" or (newlines and c == "\n"):
                self.advance()
            elif c == "#":
                end = self.text.find("\n", self.pos)
                self.pos = len(self.text) if end < 0 else end
            else:
                return

    def expect(self, token: str) -> None:
        self.skip_blank(newlines=False)
        if self.peek(len(token)) != token:
            raise _Stop
        self.advance(len(token))

    # -- structure ----------------------------------------------------------------------

    def record(self, loc: Loc, line: int) -> None:
        for end in range(1, len(loc) + 1):
            self.lines.setdefault(loc[:end], line)

    def resolve(self, keys: tuple[str, ...]) -> Loc:
        """A header's path, where a name that is an array of tables means its last entry."""
        loc: list[str | int] = []
        for key in keys:
            loc.append(key)
            count = self.arrays.get(tuple(loc))
            if count:
                loc.append(count - 1)
        return tuple(loc)

    def run(self) -> None:
        table: Loc = ()
        while True:
            self.skip_blank(newlines=True)
            if self.at_end():
                return
            start, line = self.pos, self.line
            if self.peek(2) == "[[":
                self.advance(2)
                keys = self.key()
                self.expect("]]")
                full = self.resolve(keys[:-1]) + (keys[-1],)
                count = self.arrays.get(full, 0)
                self.arrays[full] = count + 1
                table = full + (count,)
                self.record(table, line)
            elif self.peek() == "[":
                self.advance()
                keys = self.key()
                self.expect("]")
                table = self.resolve(keys)
                self.record(table, line)
            else:
                loc = table + self.key()
                self.expect("=")
                self.record(loc, line)
                self.value(loc)
            if self.pos == start:
                raise _Stop

    def key(self) -> tuple[str, ...]:
        parts: list[str] = []
        while True:
            self.skip_blank(newlines=False)
            c = self.peek()
            if c == '"':
                parts.append(self.basic_string())
            elif c == "'":
                parts.append(self.literal_string())
            else:
                start = self.pos
                while not self.at_end() and self.text[self.pos] in _BARE_KEY:
                    self.pos += 1
                if self.pos == start:
                    raise _Stop
                parts.append(self.text[start : self.pos])
            self.skip_blank(newlines=False)
            if self.peek() != ".":
                return tuple(parts)
            self.advance()

    def value(self, loc: Loc) -> None:
        self.skip_blank(newlines=False)
        c = self.peek()
        if self.peek(3) in ('"""', "'''"):
            self.multiline_string(self.peek(3))
        elif c == '"':
            self.basic_string()
        elif c == "'":
            self.literal_string()
        elif c == "[":
            self.array(loc)
        elif c == "{":
            self.inline_table(loc)
        else:
            start = self.pos
            while not self.at_end() and self.text[self.pos] not in ",]}\n#":
                self.pos += 1
            if self.pos == start:
                raise _Stop

    def array(self, loc: Loc) -> None:
        self.advance()
        index = 0
        while True:
            self.skip_blank(newlines=True)
            if self.peek() == "]":
                self.advance()
                return
            self.record(loc + (index,), self.line)
            self.value(loc + (index,))
            self.skip_blank(newlines=True)
            if self.peek() == ",":
                self.advance()
                index += 1
            elif self.peek() != "]":
                raise _Stop

    def inline_table(self, loc: Loc) -> None:
        self.advance()
        while True:
            self.skip_blank(newlines=True)
            if self.peek() == "}":
                self.advance()
                return
            line = self.line
            keys = loc + self.key()
            self.expect("=")
            self.record(keys, line)
            self.value(keys)
            self.skip_blank(newlines=True)
            if self.peek() == ",":
                self.advance()
            elif self.peek() != "}":
                raise _Stop

    # -- strings ------------------------------------------------------------------------

    def basic_string(self) -> str:
        self.advance()
        out: list[str] = []
        while True:
            c = self.peek()
            if c in ("", "\n"):
                raise _Stop
            self.advance()
            if c == '"':
                return "".join(out)
            if c != "\\":
                out.append(c)
                continue
            escape = self.peek()
            self.advance()
            if escape in _ESCAPES:
                out.append(_ESCAPES[escape])
            elif escape in ("u", "U"):
                width = 4 if escape == "u" else 8
                digits = self.peek(width)
                self.advance(width)
                try:
                    out.append(chr(int(digits, 16)))
                except ValueError:
                    raise _Stop from None
            else:
                raise _Stop

    def literal_string(self) -> str:
        self.advance()
        end = self.text.find("'", self.pos)
        newline = self.text.find("\n", self.pos)
        if end < 0 or 0 <= newline < end:
            raise _Stop
        found = self.text[self.pos : end]
        self.advance(end + 1 - self.pos)
        return found

    def multiline_string(self, delimiter: str) -> None:
        self.advance(3)
        while not self.at_end():
            if delimiter == '"""' and self.peek() == "\\":
                self.advance(2)
            elif self.peek(3) == delimiter:
                self.advance(3)
                # Up to two quotes right before the delimiter belong to the content.
                for _ in range(2):
                    if self.peek() == delimiter[0]:
                        self.advance()
                return
            else:
                self.advance()
        raise _Stop

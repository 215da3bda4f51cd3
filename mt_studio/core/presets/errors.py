"""The one error every preset problem is reported as."""

from __future__ import annotations

from pathlib import Path

from mt_studio.core.errors import InputError
from mt_studio.i18n import _


class PresetError(InputError):
    """A preset that cannot be used; the message reads "{path}:{line}: {problem}".

    PATH is the file (absolute) or None when no file is involved (an unknown preset name).
    """

    def __init__(self, path: Path | None, problem: str, line: int | None = None) -> None:
        self.path = path
        self.line = line
        self.problem = problem
        if path is None:
            message = problem
        elif line is None:
            message = _("{path}: {problem}").format(path=path, problem=problem)
        else:
            message = _("{path}:{line}: {problem}").format(path=path, line=line, problem=problem)
        super().__init__(message)

"""The `mt-studio` command: the studio window, or one command of the command line.

It reads its arguments by hand first, so that opening the window imports none of the
commands' modules (and the command line none of the window's).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Open the studio window (no command) or run one command; return the exit code."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    library = window_library(arguments) if all(map(_is_utf8, arguments)) else False
    if library is not False:  # else the command line, which refuses what is not UTF-8
        from mt_studio.ui.app import run

        return run(library)
    from mt_studio.cli.main import run_command

    return run_command(arguments)


def window_library(arguments: list[str]) -> str | None | bool:
    """The library folder to open the window on (None: the default) when ARGUMENTS name no
    command; else False."""
    if arguments == []:
        return None
    if len(arguments) == 2 and arguments[0] == "--library":
        return arguments[1]
    if len(arguments) == 1 and arguments[0].startswith("--library="):
        return arguments[0].split("=", 1)[1]
    return False


def _is_utf8(argument: str) -> bool:
    try:
        argument.encode("utf-8")
    except UnicodeEncodeError:  # bytes that were not UTF-8, kept by Python as surrogates
        return False
    return True

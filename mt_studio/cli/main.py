"""The `mt-studio` entry point: parse, open the library, run one command, give its exit code."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from mt_studio import __version__
from mt_studio.cli import (
    consent_commands,
    device_commands,
    participant_commands,
    preset_commands,
    record_commands,
    session_commands,
)
from mt_studio.cli.arguments import ArgumentParser
from mt_studio.core.errors import MtStudioError
from mt_studio.core.library import Library, default_library_folder
from mt_studio.core.logs import log_file, start_logging
from mt_studio.i18n import _

log = logging.getLogger(__name__)

COMMAND_MODULES = (
    participant_commands, consent_commands, session_commands, preset_commands, device_commands,
    record_commands,
)


def build_parser() -> ArgumentParser:
    """The whole command line."""
    parser = ArgumentParser(
        prog="mt-studio",
        description=_("Record, loop and share music therapy sessions, with consent built in."),
        epilog=_("Exit codes: 0 done, 2 bad input or usage, 3 refused by consent, "
                 "4 audio or MIDI device error, 1 anything else."),
    )
    parser.add_argument("--library", type=Path, metavar="DIR",
                        help=_("the library folder (default: $MT_STUDIO_LIBRARY or {folder})")
                        .format(folder=default_library_folder()))
    parser.add_argument("--version", action="version", version=f"mt-studio {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    start_logging()
    try:
        if getattr(args, "needs_library", True):
            with Library.open(args.library or default_library_folder()) as library:
                return args.run(args, library)
        return args.run(args, None)
    except MtStudioError as error:
        sys.stderr.write(f"mt-studio: {error}\n")
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader (head, less) went away; nothing to tell anyone
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silences the flush at exit
        return 1
    except Exception as error:  # the last resort: one line for the person, the trace in the log
        log.exception("unexpected error in %s", args.command)
        sys.stderr.write(_("mt-studio: unexpected error: {error} (details in {log})\n").format(
            error=error, log=log_file()))
        return 1

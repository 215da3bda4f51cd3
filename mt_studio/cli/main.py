"""The command line: parse, open the studio, run one command, give its exit code."""

from __future__ import annotations

import importlib
import logging
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from mt_studio import __version__
from mt_studio.core.errors import MtStudioError
from mt_studio.core.logs import log_file, start_logging
from mt_studio.i18n import _

if TYPE_CHECKING:
    import argparse

    from mt_studio.cli.arguments import ArgumentParser
    from mt_studio.core.studio import Studio

log = logging.getLogger(__name__)

# Imported when the command line is used, so that opening the window does not load them.
COMMAND_MODULES = (
    "participant_commands", "consent_commands", "session_commands", "preset_commands",
    "device_commands", "record_commands", "play_commands", "song_commands", "export_commands",
    "plugin_commands", "user_commands", "audit_commands", "verify_commands", "delete_commands",
    "retention_commands", "group_commands", "report_commands", "library_commands",
)


def build_parser() -> ArgumentParser:
    """The whole command line."""
    from mt_studio.cli.arguments import ArgumentParser  # not needed to open the window

    parser = ArgumentParser(
        prog="mt-studio",
        description=_("Record, loop and share music therapy sessions, with consent built in."),
        epilog=_("Exit codes: 0 done, 2 bad input or usage, 3 refused by consent, "
                 "4 audio or MIDI device error, 5 sign-in refused or not allowed, "
                 "6 the library is read-only (its ledger changed outside mt_studio), "
                 "1 anything else."),
    )
    from mt_studio.core.studio import default_library_folder

    parser.add_argument("--library", metavar="DIR|postgresql://USER@HOST/DB",  # a string: an
                        # empty one is refused
                        help=_("the library: its folder, or the service's PostgreSQL "
                               "database (default: $MT_STUDIO_LIBRARY or {folder})")
                        .format(folder=default_library_folder()))
    parser.add_argument("--user", metavar="NAME",
                        help=_("sign in as NAME (default: $MT_STUDIO_USER); the passphrase is "
                               "asked, or read from $MT_STUDIO_PASSPHRASE_FILE"))
    parser.add_argument("--version", action="version", version=f"mt-studio {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"mt_studio.cli.{name}").register(commands)
    return parser


def _tell_if_read_only(args: argparse.Namespace, studio: Studio) -> bool:
    """Say once, on stderr, why the library is open read-only (a command about the ledger
    says it itself); whether it was said."""
    doubt = studio.read_only
    if doubt is None or getattr(args, "tells_ledger", False):
        return False
    sys.stderr.write(f"mt-studio: {doubt.problem}\n")
    return True


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command (ARGV, default the process's arguments); its exit code."""
    return run_command(list(sys.argv[1:] if argv is None else argv))


def run_command(argv: Sequence[str]) -> int:
    """Run one command and return its exit code."""
    from mt_studio.cli.arguments import undecodable
    from mt_studio.cli.sign_in import sign_in
    from mt_studio.core.private_files import only_mine
    from mt_studio.core.studio import Studio, default_library_folder
    from mt_studio.core.studio.ledger import LibraryReadOnly

    problem = undecodable(argv)
    if problem is not None:
        sys.stderr.write(f"mt-studio: {problem}\n")
        return 2
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        with only_mine():  # whatever the command writes is its user's alone
            start_logging()
            if getattr(args, "needs_library", True):
                folder = default_library_folder() if args.library is None else args.library
                with Studio.open(folder) as studio:
                    told = _tell_if_read_only(args, studio)
                    try:
                        if not getattr(args, "signs_in_itself", False):
                            sign_in(args, studio)
                        return args.run(args, studio)
                    except LibraryReadOnly as error:
                        if not told:
                            raise
                        sys.stderr.write(_("mt-studio: nothing was changed: the library is "
                                           "open read-only (above).\n"))
                        return error.exit_code
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

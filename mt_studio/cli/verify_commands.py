"""`mt-studio verify [TAKE]`: a take's files, or every take's, checked against the hashes they
were finalized with."""

from __future__ import annotations

import argparse
from pathlib import Path

from mt_studio.cli.arguments import record_id
from mt_studio.cli.output import emit_json, emit_line, emit_table
from mt_studio.core.capture.part_check import FileState, damaged_file
from mt_studio.core.errors import LibraryError
from mt_studio.core.studio import Studio
from mt_studio.i18n import _, ngettext


def register(commands: argparse._SubParsersAction) -> None:
    """Add `verify` to the parser."""
    verify = commands.add_parser(
        "verify", help=_("check that a take's files (default: every take's) are the files "
                         "that were recorded"))
    verify.add_argument("take_id", metavar="TAKE_ID", type=record_id, nargs="?",
                        help=_("the take to check (default: every take)"))
    verify.add_argument("--json", action="store_true", help=_("print JSON"))
    verify.set_defaults(run=run_verify)


def state_text(state: FileState) -> str:
    """What a check found, in words."""
    return {FileState.MATCHES: _("matches"),
            FileState.UNCHECKED: _("unchecked (kept before files were hashed)"),
            FileState.CHANGED: _("CHANGED: not the file recorded"),
            FileState.MISSING: _("MISSING"),
            FileState.UNREADABLE: _("UNREADABLE"),
            FileState.SPOOLED: _("not in the store yet (in another computer's spool)")}[state]


def run_verify(args: argparse.Namespace, studio: Studio) -> int:
    """Print every file's check; exit 1 (a damaged library) naming the first file that is not
    the one recorded."""
    checks = studio.listening.verify(args.take_id)
    folder = studio.folder

    def shown(path: Path) -> str:  # a file waiting in this computer's spool: where it is
        return str(path.relative_to(folder) if path.is_relative_to(folder) else path)

    if args.json:
        emit_json([{"take_id": c.take_id, "track_id": c.track_id,
                    "file": shown(c.path), "state": c.state.value}
                   for c in checks])
    else:
        emit_table([_("Take"), _("Track"), _("File"), _("State")],
                   [(c.take_id, c.track_id, shown(c.path), state_text(c.state))
                    for c in checks])
        unchecked = sum(c.state is FileState.UNCHECKED for c in checks)
        if unchecked:
            emit_line(ngettext("{count} file was kept before files were hashed: unchecked.",
                               "{count} files were kept before files were hashed: unchecked.",
                               unchecked).format(count=unchecked))
    damaged = [c for c in checks if c.damaged]
    if damaged:
        if len(damaged) == 1:
            raise damaged_file(damaged[0])
        raise LibraryError(_("{count} files are not the files that were recorded (listed "
                             "above), the first {path}. Restore them from a backup.").format(
            count=len(damaged), path=damaged[0].path))
    return 0

"""`mt-studio library init`, `library copy`, `library encrypt`, `library recovery-key` and
`take extract`: a service's shared library (docs/architecture.md, "One library for the
service"), moving a library into it, and the library's encryption at rest ("Encrypted at
rest")."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from mt_studio.cli.arguments import record_id
from mt_studio.cli.output import emit_json, emit_line
from mt_studio.core.studio import Studio, day_library
from mt_studio.core.studio.file_sealing import SealingReport
from mt_studio.i18n import _, ngettext


def register(commands: argparse._SubParsersAction) -> None:
    """Add `library init`, `library copy`, `library encrypt`, `library recovery-key`,
    `library status` and `library move-day` to the parser."""
    parser = commands.add_parser("library", help=_("a shared library, and the library's "
                                                   "encryption"))
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    init = actions.add_parser(
        "init", help=_("make a library for the whole service in an empty PostgreSQL database "
                       "(its password from ~/.pgpass, $PGPASSWORD or a service file)"))
    init.add_argument("address", metavar="postgresql://USER@HOST/DB")
    init.add_argument("--audio-store", type=Path, metavar="DIR", required=True,
                      help=_("the folder on the service's file share where its recordings "
                             "are kept"))
    init.set_defaults(run=run_init, needs_library=False)
    copy = actions.add_parser(
        "copy", help=_("copy a library whole, with its ledger and recordings, into a new one: "
                       "a folder into a PostgreSQL database made with 'library init', or back "
                       "(signed in as an admin with --user); safe to stop and run again"))
    copy.add_argument("source", metavar="SOURCE", help=_("the library: a folder or an address"))
    copy.add_argument("target", metavar="TARGET",
                      help=_("a new folder, or the address of a database just made"))
    copy.add_argument("--json", action="store_true", help=_("print JSON"))
    copy.set_defaults(run=run_copy, needs_library=False)
    encrypt = actions.add_parser(
        "encrypt", help=_("seal every take's file still plain (recorded before the library "
                          "got its first account); safe to stop and run again"))
    encrypt.add_argument("--json", action="store_true", help=_("print JSON"))
    encrypt.set_defaults(run=run_encrypt)
    recovery = actions.add_parser(
        "recovery-key", help=_("make a recovery key (an admin's): 24 words that open the "
                               "library if every passphrase is forgotten; shown once"))
    recovery.set_defaults(run=run_recovery_key)
    status = actions.add_parser(
        "status", help=_("where the recordings are kept, and the takes still waiting in a "
                         "computer's spool to be copied to the audio store"))
    status.add_argument("--json", action="store_true", help=_("print JSON"))
    status.set_defaults(run=run_status)
    move_day = actions.add_parser(
        "move-day", help=_("move this computer's library for today (gone on with while the "
                           "server could not be reached) into the shared library, consent "
                           "checked again; the window does it by itself when it opens"))
    move_day.add_argument("--json", action="store_true", help=_("print JSON"))
    move_day.set_defaults(run=run_move_day)


def run_init(args: argparse.Namespace, _studio: None) -> int:
    """Make the shared library and say how to open it."""
    from mt_studio.core.errors import InputError
    from mt_studio.core.studio.server_library import create, is_server_address, shown_address

    if not is_server_address(args.address):
        raise InputError(_("{address} is not a PostgreSQL address: give it as "
                           "postgresql://USER@HOST/DATABASE (a library in a folder is made "
                           "when it is first used).").format(address=args.address))
    create(args.address, args.audio_store)
    emit_line(_("Made a library for the service in {database}, its recordings in {store}. "
                "Use it with: mt-studio --library {database} ... (or $MT_STUDIO_LIBRARY)")
              .format(database=shown_address(args.address),
                      store=args.audio_store.expanduser().absolute()))
    return 0


def run_copy(args: argparse.Namespace, _studio: None) -> int:
    """Copy the library SOURCE into TARGET, telling the progress on stderr."""
    from mt_studio.cli.sign_in import sign_in
    from mt_studio.core.studio.library_copy import copy_library, open_source

    def progress(what: str, done: int, total: int) -> None:
        if what == "files":
            sys.stderr.write(_("Copying files: {done} of {total}").format(
                done=done, total=total) + "\n")
        elif done == 0:
            sys.stderr.write(_("Copying the rows of {total} tables, in one transaction").format(
                total=total) + "\n")

    with open_source(args.source) as studio:
        sign_in(args, studio)
        report = copy_library(studio, args.target, None if args.json else progress)
    if args.json:
        emit_json({**vars(report), "rows": dict(report.rows),
                   "heads": {table: {"rows": rows, "hash": last}
                             for table, (rows, last) in report.heads.items()}})
        return 0
    if report.finished_earlier:
        emit_line(_("{target} holds this copy of {source} already, made by an earlier run; its "
                    "ledger checked, nothing more to copy.").format(source=report.source,
                                                                    target=report.target))
        return 0
    emit_line(_("Copied {source} into {target}: {rows} rows, {copied} files ({already} already "
                "there from before), the ledger checked. Use {target} from now on: on this "
                "computer {source} counts as a copy from before, and opens read-only.").format(
                    source=report.source, target=report.target,
                    rows=sum(report.rows.values()), copied=report.files_copied,
                    already=report.files_already_there))
    return 0


def add_take_extract(actions: argparse._SubParsersAction) -> None:
    """Add `take extract` to the take command's ACTIONS."""
    extract = actions.add_parser(
        "extract", help=_("write a take's files as plain WAV and MIDI files into a folder "
                          "(audited; the copies are no longer encrypted)"))
    extract.add_argument("take_id", metavar="TAKE_ID", type=record_id)
    extract.add_argument("--to", type=Path, metavar="DIR", required=True,
                         help=_("the folder to write them in (made if missing)"))
    extract.add_argument("--json", action="store_true", help=_("print JSON"))
    extract.set_defaults(run=run_extract)


def seal_files(studio: Studio, *, quiet: bool) -> SealingReport:
    """Seal the takes' files still plain, telling the progress on stderr unless QUIET."""
    def progress(done: int, total: int, name: str) -> None:
        if name and not quiet:
            sys.stderr.write(_("Encrypting {done} of {total}: {file}").format(
                done=done + 1, total=total, file=name) + "\n")

    return studio.encryption.seal_files(progress)


def run_encrypt(args: argparse.Namespace, studio: Studio) -> int:
    """Seal what is still plain, telling the progress on stderr."""
    report = seal_files(studio, quiet=args.json)
    if args.json:
        emit_json({"sealed": report.sealed, "caches_removed": report.caches_removed,
                   "left_plain": [{"file": f, "why": why} for f, why in report.left_plain]})
    else:
        emit_line(ngettext("{count} file sealed.", "{count} files sealed.",
                           report.sealed).format(count=report.sealed))
        for name, why in report.left_plain:
            emit_line(_("Left plain: {file} ({why})").format(file=name, why=why))
    return 0


def run_recovery_key(args: argparse.Namespace, studio: Studio) -> int:
    """Print a new recovery key, once."""
    words = studio.encryption.recovery_key()
    emit_line(_("The library's recovery key (write it down or print it, and keep it locked "
                "away; it is not shown again, and any earlier one no longer works):"))
    emit_line("")
    emit_line(words)
    return 0


def run_extract(args: argparse.Namespace, studio: Studio) -> int:
    """Write a take's files plain into a folder."""
    written = studio.encryption.extract(args.take_id, args.to)
    if args.json:
        emit_json([str(path) for path in written])
    else:
        for path in written:
            emit_line(str(path))
        emit_line(_("These copies are not encrypted: keep them safe, and delete them when "
                    "they have served."))
    return 0


def run_status(args: argparse.Namespace, studio: Studio) -> int:
    """Say where the recordings are, and which takes wait to be copied to the audio store."""
    waiting = studio.recording.waiting_for_store()
    if args.json:
        emit_json({"audio_store": str(studio.folder),
                   "day_library_waiting": day_library.waiting(studio),
                   "waiting": [{"take_id": t.take_id, "session": t.session_id,
                                "number": t.number, "computer": t.computer, "here": t.here,
                                "problem": t.problem} for t in waiting]})
        return 0
    emit_line(_("Recordings are kept in {folder}.").format(folder=studio.folder))
    if day_library.waiting(studio):
        emit_line(_("This computer holds a library for today with work to move in: "
                    "mt-studio library move-day (or open the window)."))
    if not waiting:
        emit_line(_("No take waits to be copied to the audio store."))
        return 0
    emit_line(ngettext("{count} take waits to be copied to the audio store:",
                       "{count} takes wait to be copied to the audio store:",
                       len(waiting)).format(count=len(waiting)))
    for take in waiting:
        where = (_("in this computer's spool") if take.here
                 else _("in {computer}'s spool").format(computer=take.computer))
        line = _("  take {number} of session {session}, {where}").format(
            number=take.number, session=take.session_id, where=where)
        emit_line(line + (f": {take.problem}" if take.problem else ""))
    if any(take.here for take in waiting):
        emit_line(_("Keep this computer on and in reach of the store until they are copied "
                    "(the window copies them, or: mt-studio recover)."))
    return 0


def run_move_day(args: argparse.Namespace, studio: Studio) -> int:
    """Move this computer's library for today into the shared library; what came in."""
    moved = day_library.move_in(studio)
    if moved is None:
        if args.json:
            emit_json(None)
        else:
            emit_line(_("No library for today waits on this computer."))
        return 0
    if args.json:
        emit_json({"takes": [{"day_take": t.day_take, "take_id": t.take_id,
                              "session": t.session_id, "number": t.number,
                              "not_consented": list(t.not_consented)} for t in moved.takes],
                   "participants_added": list(moved.participants_added),
                   "consent_carried": moved.consent_carried,
                   "consent_overtaken": [{"participant_id": e.participant_id,
                                          "purpose": e.purpose.value}
                                         for e in moved.consent_overtaken]})
        return 0
    emit_line(day_library.moved_words(moved))
    return 0

"""`mt-studio take delete`, `song delete` and `participant erase`: what goes, printed first
(all that `--dry-run` does), then deleted, with a reason, once confirmed."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from mt_studio.cli.arguments import record_id
from mt_studio.cli.output import emit_json, emit_line
from mt_studio.core.domain import lookup_key
from mt_studio.core.domain.deletion import Deleted, DeletionPlan
from mt_studio.core.errors import InputError
from mt_studio.core.studio import Studio
from mt_studio.core.text import printable, shown
from mt_studio.i18n import _, day_text, ngettext, number_text


def register(commands: argparse._SubParsersAction) -> None:
    """Add `take delete` to the parser (`song delete` and `participant erase` are added to
    their commands by `add_song_delete` and `add_participant_erase`)."""
    from mt_studio.cli.library_commands import add_take_extract

    parser = commands.add_parser("take", help=_("delete takes, or extract their files"))
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    add_take_extract(actions)
    delete = actions.add_parser(
        "delete", help=_("delete a take and every file made from it"))
    delete.add_argument("take_id", metavar="TAKE_ID", type=record_id)
    _options(delete)
    delete.set_defaults(run=run_take_delete)


def add_song_delete(actions: argparse._SubParsersAction) -> None:
    """Add `song delete` to the song command's ACTIONS."""
    delete = actions.add_parser(
        "delete", help=_("delete a song: its words in every version (the takes stay)"))
    delete.add_argument("song_id", metavar="SONG_ID", type=record_id)
    _options(delete)
    delete.set_defaults(run=run_song_delete)


def add_participant_erase(actions: argparse._SubParsersAction) -> None:
    """Add `participant erase` to the participant command's ACTIONS."""
    erase = actions.add_parser(
        "erase", help=_("erase a person: the takes and songs that are theirs, their names; "
                        "their consent rows stay under a tombstone"))
    erase.add_argument("pseudonym", metavar="PSEUDONYM")
    _options(erase)
    erase.set_defaults(run=run_participant_erase)


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reason", metavar="TEXT", required=True,
                        help=_("why (kept in the audit log; do not name anyone)"))
    parser.add_argument("--dry-run", action="store_true",
                        help=_("only print what would go; nothing is deleted"))
    parser.add_argument("--yes", action="store_true",
                        help=_("do not ask for confirmation (needed without a terminal)"))
    parser.add_argument("--json", action="store_true", help=_("print JSON"))


def run_take_delete(args: argparse.Namespace, studio: Studio) -> int:
    """Delete a take (or say what would go)."""
    service = studio.deletion
    return _run(args, service.plan_take(args.take_id),
                lambda: service.delete_take(args.take_id, reason=args.reason))


def run_song_delete(args: argparse.Namespace, studio: Studio) -> int:
    """Delete a song (or say what would go)."""
    service = studio.deletion
    return _run(args, service.plan_song(args.song_id),
                lambda: service.delete_song(args.song_id, reason=args.reason))


def run_participant_erase(args: argparse.Namespace, studio: Studio) -> int:
    """Erase a person (or say what would go)."""
    person = studio.consent.find(args.pseudonym)
    service = studio.deletion
    return _run(args, service.plan_participant(person.id),
                lambda: service.erase_participant(person.id, reason=args.reason))


def _run(args: argparse.Namespace, plan: DeletionPlan, delete: Callable[[], DeletionPlan]
         ) -> int:
    if args.dry_run:
        _emit(args, plan, done=False)
        return 0
    if not args.yes:
        if args.json or not sys.stdin.isatty():
            raise InputError(_("Deleting asks for confirmation on a terminal; add --yes to "
                               "delete without asking, or --dry-run to see what would go. "
                               "Nothing was deleted."))
        _print(plan, done=False)
        if not _confirmed(plan):
            emit_line(_("Nothing was deleted."))
            return 1
    _emit(args, delete(), done=True)
    return 0


def _confirmed(plan: DeletionPlan) -> bool:
    if plan.kind is Deleted.PARTICIPANT:
        prompt = _("Type the pseudonym {pseudonym} to erase them for good: ").format(
            pseudonym=plan.subject)
    else:
        prompt = _("Type yes to delete it for good: ")
    try:
        typed = input(prompt)
    except EOFError:
        return False
    wanted = plan.subject if plan.kind is Deleted.PARTICIPANT else _("yes")
    return lookup_key(typed) == lookup_key(wanted)


def _emit(args: argparse.Namespace, plan: DeletionPlan, done: bool) -> None:
    if args.json:
        emit_json({**plan_json(plan), "deleted": done})
    else:
        _print(plan, done)


def plan_json(plan: DeletionPlan) -> dict:
    """A deletion plan as the JSON contract gives it."""
    return {
        "kind": plan.kind.value, "id": plan.subject_id, "subject": plan.subject,
        "files": [{"path": f.path, "bytes": f.bytes} for f in plan.files],
        "bytes": plan.bytes, "rows": dict(plan.rows),
        "takes": [{"id": t.take_id, "session": t.session_id, "number": t.number}
                  for t in plan.takes],
        "tracks": [{"take": take, "track": track} for take, track in plan.tracks],
        "songs_deleted": [{"id": s.song_id, "title": s.title} for s in plan.songs_deleted],
        "songs_unlinked": [{"id": s.song_id, "title": s.title} for s in plan.songs_unlinked],
        "songs_kept_without_them": [{"id": s.song_id, "title": s.title}
                                    for s in plan.songs_kept],
        "exports_to_recall": [
            {"id": e.export_id, "purpose": e.purpose.value, "recipient": e.recipient,
             "title": e.title, "at": e.created_at.isoformat()} for e in plan.exports_to_recall],
        "lead_sheets": [{"take": s.take_id, "song": s.song_id, "how": s.how,
                         "at": s.at.isoformat()} for s in plan.lead_sheets],
        "ledger_rows_kept": plan.ledger_rows,
        "name_blotted_out": dict(plan.name_written),
        "name_kept_in": dict(plan.name_kept),
        "backups": list(plan.backups),
    }


def _print(plan: DeletionPlan, done: bool) -> None:
    subject = printable(plan.subject)
    size = _megabytes(plan.bytes)
    count = len(plan.files)
    if plan.kind is Deleted.PARTICIPANT:
        head = (_("Erased {subject}: {files} files ({size}) removed.") if done else
                _("Erasing {subject} removes {files} files ({size}):"))
    else:
        head = (_("Deleted {subject}: {files} files ({size}) removed.") if done else
                _("Deleting {subject} removes {files} files ({size}):"))
    emit_line(head.format(subject=shown(subject) if plan.kind is not Deleted.TAKE
                          else subject, files=count, size=size))
    if not done:
        for file in plan.files:
            emit_line(f"  {file.path}  {_megabytes(file.bytes)}")
    if plan.rows:
        emit_line(_("Rows: {rows}.").format(rows=", ".join(
            f"{table} {count}" for table, count in plan.rows)))
    for label, found in ((_("Takes deleted: {items}."), [
            _("take {number} (id {id})").format(number=t.number, id=t.take_id)
            for t in plan.takes if plan.kind is not Deleted.TAKE]),
            (_("Tracks deleted alone: {items}."), [
                _("track {track} of take {take}").format(track=track, take=take)
                for take, track in plan.tracks]),
            (_("Songs deleted: {items}."), [shown(s.title) for s in plan.songs_deleted
                                            if plan.kind is not Deleted.SONG]),
            (_("Songs no longer linked to it: {items}."), [shown(s.title)
                                                           for s in plan.songs_unlinked]),
            (_("Songs kept without them as a writer: {items}."), [
                shown(s.title) for s in plan.songs_kept])):
        if found:
            emit_line(label.format(items=", ".join(found)))
    for export in plan.exports_to_recall:
        emit_line(_("Export {id} ({purpose}) went to {recipient} on {date}: ask for it "
                    "back.").format(
            id=f"{export.export_id} “{printable(export.title)}”" if export.title
            else export.export_id, purpose=export.purpose, recipient=shown(export.recipient),
            date=day_text(export.created_at.astimezone().date())))
    for sheet in plan.lead_sheets:
        emit_line(_("A lead sheet of take {take} was handed out on {date}: ask for it "
                    "back.").format(take=sheet.take_id,
                                    date=day_text(sheet.at.astimezone().date())))
    if plan.kind is Deleted.PARTICIPANT:
        emit_line(ngettext("{count} consent row is kept, under a tombstone with no name.",
                           "{count} consent rows are kept, under a tombstone with no name.",
                           plan.ledger_rows).format(count=plan.ledger_rows))
        for where, rows in plan.name_written:
            emit_line(_("Their real name is blotted out in {where} ({rows} rows).").format(
                where=where, rows=rows))
        for where, rows in plan.name_kept:
            emit_line(_("Their real name stays in {where} ({rows} rows): those rows are "
                        "append-only.").format(where=where, rows=rows))
        for backup in plan.backups:
            emit_line(_("The backup {file} still holds them as they were.").format(
                file=backup))
    if not done:
        emit_line(_("Nothing has been deleted yet."))


def _megabytes(size: int) -> str:
    return _("{size} MB").format(size=number_text(size / 1e6, 1))

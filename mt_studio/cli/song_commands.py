"""`mt-studio song new|list|show|save|link|unlink|stamp|delete`: songs being written."""

from __future__ import annotations

import argparse
import sys

from mt_studio.cli.arguments import name_list, positive_int, record_id
from mt_studio.cli.delete_commands import add_song_delete
from mt_studio.cli.output import emit_json, emit_line, emit_table
from mt_studio.core.errors import InputError
from mt_studio.core.studio import Studio, songs
from mt_studio.core.studio.listening import Take
from mt_studio.core.studio.songs import Song, SongVersion
from mt_studio.i18n import _, moment_text


def register(commands: argparse._SubParsersAction) -> None:
    """Add the song commands to the parser."""
    parser = commands.add_parser("song", help=_("write songs: lyrics, notes, versions, takes"))
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    lyrics_help = _("read the lyrics from FILE (UTF-8 text; '-' reads standard input)")
    notes_help = _("read the notes from FILE (UTF-8 text; '-' reads standard input)")

    new = actions.add_parser("new", help=_("create a song"))
    new.add_argument("title", metavar="TITLE")
    new.add_argument("--writers", type=name_list, default=[], metavar="P1,P2,...",
                     help=_("pseudonyms of the participants who write it"))
    new.add_argument("--lyrics-file", metavar="FILE", help=lyrics_help)
    new.add_argument("--notes-file", metavar="FILE", help=notes_help)
    new.add_argument("--json", action="store_true", help=_("print JSON"))
    new.set_defaults(run=run_new)

    listing = actions.add_parser("list", help=_("list songs by title"))
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    listing.set_defaults(run=run_list)

    show = actions.add_parser("show", help=_("show a song's lyrics with the stamps on its lines"))
    show.add_argument("song_id", metavar="SONG_ID", type=record_id)
    show.add_argument("--version", type=positive_int, metavar="N",
                      help=_("show version N (default: the latest)"))
    show.add_argument("--json", action="store_true", help=_("print JSON"))
    show.set_defaults(run=run_show)

    save = actions.add_parser("save", help=_("save new lyrics or notes as the next version"))
    save.add_argument("song_id", metavar="SONG_ID", type=record_id)
    save.add_argument("--lyrics-file", metavar="FILE", help=lyrics_help)
    save.add_argument("--notes-file", metavar="FILE", help=notes_help)
    save.add_argument("--json", action="store_true", help=_("print JSON"))
    save.set_defaults(run=run_save)

    link = actions.add_parser("link", help=_("link a take to a song"))
    link.add_argument("song_id", metavar="SONG_ID", type=record_id)
    link.add_argument("take_id", metavar="TAKE_ID", type=record_id)
    link.add_argument("--json", action="store_true", help=_("print JSON"))
    link.set_defaults(run=run_link)

    unlink = actions.add_parser(
        "unlink", help=_("unlink a take from a song (the latest version's stamps in it go too)"))
    unlink.add_argument("song_id", metavar="SONG_ID", type=record_id)
    unlink.add_argument("take_id", metavar="TAKE_ID", type=record_id)
    unlink.add_argument("--json", action="store_true", help=_("print JSON"))
    unlink.set_defaults(run=run_unlink)

    stamp = actions.add_parser(
        "stamp", help=_("stamp a line of the latest lyrics with a time in a take"))
    stamp.add_argument("song_id", metavar="SONG_ID", type=record_id)
    stamp.add_argument("line", metavar="LINE", type=positive_int,
                       help=_("the line, counted from 1"))
    stamp.add_argument("take_id", metavar="TAKE_ID", type=record_id)
    stamp.add_argument("time", metavar="TIME", help=_("the time in the take: seconds or m:ss"))
    stamp.add_argument("--json", action="store_true", help=_("print JSON"))
    stamp.set_defaults(run=run_stamp)
    add_song_delete(actions)


def run_new(args: argparse.Namespace, studio: Studio) -> int:
    """Create a song with its version 1."""
    lyrics = _read(args.lyrics_file) if args.lyrics_file else ""
    notes = _read(args.notes_file) if args.notes_file else ""
    writers = [studio.consent.find(pseudonym).id for pseudonym in args.writers]
    song = studio.songs.create(args.title, writers, lyrics, notes)
    if args.json:
        emit_json({"id": song.id, "title": song.title,
                   "writers": [p.pseudonym for p in song.writers], "version": 1})
    else:
        emit_line(_("Created song {id}: {title}.").format(id=song.id, title=song.title))
    return 0


def run_list(args: argparse.Namespace, studio: Studio) -> int:
    """List songs by title."""
    found = studio.songs.all()
    if args.json:
        emit_json([
            {"id": s.id, "title": s.title, "writers": [p.pseudonym for p in s.writers],
             "version": s.latest.number, "lines": len(songs.lines(s.latest)),
             "takes": list(s.take_ids)}
            for s in found
        ])
    elif not found:
        emit_line(_("No songs yet. Create one with 'mt-studio song new TITLE'."))
    else:
        emit_table(
            [_("ID"), _("Title"), _("Writers"), _("Version"), _("Takes")],
            [(s.id, s.title, ", ".join(p.pseudonym for p in s.writers), s.latest.number,
              len(s.take_ids)) for s in found])
    return 0


def run_show(args: argparse.Namespace, studio: Studio) -> int:
    """Show a version's lyrics, each line with its stamps as m:ss in their takes."""
    song = studio.songs.get(args.song_id)
    shown_version = (studio.songs.version(song.id, args.version) if args.version
                     else song.latest)
    count = len(studio.songs.versions(song.id))
    stamped = {t: studio.listening.take(t) for t in
               sorted({*song.take_ids, *(s.take_id for s in shown_version.stamps)})}
    if args.json:
        emit_json(song_json(song, shown_version, count, stamped))
        return 0
    emit_line(song.title)
    emit_line(_("Writers: {names}").format(
        names=", ".join(p.pseudonym for p in song.writers) or _("none named")))
    emit_line(_("Version {number} of {count}, saved {date}").format(
        number=shown_version.number, count=count,
        date=moment_text(shown_version.created_at)))
    if song.take_ids:
        emit_line(_("Takes: {takes}").format(takes=", ".join(
            _("{id} (session {session} take {number})").format(
                id=t, session=stamped[t].session_id, number=stamped[t].number)
            for t in song.take_ids)))
    emit_line()
    words = songs.lines(shown_version)
    by_line = _stamps_by_line(shown_version)
    if words:
        emit_table([_("Line"), _("Lyrics"), _("Stamps")], [
            (number + 1, text, "  ".join(
                _("take {id} at {time}").format(id=s.take_id,
                                                time=_time(s.frame, stamped[s.take_id]))
                for s in by_line.get(number, ())))
            for number, text in enumerate(words)])
    else:
        emit_line(_("No lyrics yet."))
    if shown_version.notes:
        emit_line()
        emit_line(_("Notes:"))
        for line in shown_version.notes.split("\n"):
            emit_line(f"  {line}")
    return 0


def song_json(song: Song, shown_version: SongVersion, count: int,
              known_takes: dict[int, Take]) -> dict:
    """A song and one of its versions as the JSON contract gives it; lines count from 1."""
    by_line = _stamps_by_line(shown_version)
    return {
        "id": song.id,
        "title": song.title,
        "created_at": song.created_at.isoformat(),
        "writers": [p.pseudonym for p in song.writers],
        "versions": count,
        "takes": [{"id": t, "session": known_takes[t].session_id,
                   "number": known_takes[t].number} for t in song.take_ids],
        "version": {
            "number": shown_version.number,
            "latest": shown_version.id == song.latest.id,
            "created_at": shown_version.created_at.isoformat(),
            "lyrics": shown_version.lyrics,
            "notes": shown_version.notes,
            "lines": [
                {"line": number + 1, "text": text, "stamps": [
                    {"take": s.take_id, "frame": s.frame,
                     "seconds": round(s.frame / known_takes[s.take_id].samplerate, 3),
                     "time": _time(s.frame, known_takes[s.take_id])}
                    for s in by_line.get(number, ())]}
                for number, text in enumerate(songs.lines(shown_version))
            ],
        },
    }


def run_save(args: argparse.Namespace, studio: Studio) -> int:
    """Save the files' text as the next version, if it changed anything."""
    if not args.lyrics_file and not args.notes_file:
        raise InputError(_("song save needs --lyrics-file or --notes-file."))
    if args.lyrics_file == "-" and args.notes_file == "-":
        raise InputError(_("Only one of --lyrics-file and --notes-file can read standard input."))
    lyrics = _read(args.lyrics_file) if args.lyrics_file else None
    notes = _read(args.notes_file) if args.notes_file else None
    song = studio.songs.get(args.song_id)
    saved = studio.songs.save(song.id, lyrics, notes)
    created = saved.id != song.latest.id
    kept = len(saved.stamps) if created else 0
    dropped = len(song.latest.stamps) - kept if created else 0
    if args.json:
        emit_json({"song": song.id, "version": saved.number, "created": created,
                   "stamps_kept": kept, "stamps_dropped": dropped})
    elif not created:
        emit_line(_("Nothing changed: version {number} of {title} stays the latest.").format(
            number=saved.number, title=song.title))
    else:
        emit_line(_("Saved version {number} of {title} ({kept} line stamps kept, {dropped} "
                    "dropped with their changed lines).").format(
            number=saved.number, title=song.title, kept=kept, dropped=dropped))
    return 0


def run_link(args: argparse.Namespace, studio: Studio) -> int:
    """Link a take to a song."""
    return _change_link(args, studio, studio.songs.link_take,
                        _("Take {take} is linked to {title}."),
                        _("Take {take} was already linked to {title}."))


def run_unlink(args: argparse.Namespace, studio: Studio) -> int:
    """Unlink a take from a song."""
    return _change_link(args, studio, studio.songs.unlink_take,
                        _("Take {take} is no longer linked to {title}."),
                        _("Take {take} was not linked to {title}."))


def _change_link(args: argparse.Namespace, studio: Studio, change, changed: str,
                 unchanged: str) -> int:
    song = studio.songs.get(args.song_id)
    done = change(song.id, args.take_id)
    if args.json:
        emit_json({"song": song.id, "take": args.take_id, "changed": done})
    else:
        emit_line((changed if done else unchanged).format(take=args.take_id, title=song.title))
    return 0


def run_stamp(args: argparse.Namespace, studio: Studio) -> int:
    """Stamp a line of the latest version with a time in a take."""
    from mt_studio.core.loop_choice import seconds_from_text

    seconds = seconds_from_text(args.time)
    song = studio.songs.get(args.song_id)
    take = studio.listening.take(args.take_id)
    stamped = studio.songs.stamp(song.latest.id, args.line - 1, take.id,
                                 round(seconds * take.samplerate))
    if args.json:
        emit_json({"song": song.id, "version": song.latest.number, "line": args.line,
                   "take": take.id, "frame": stamped.frame,
                   "seconds": round(stamped.frame / take.samplerate, 3)})
    else:
        emit_line(_("Line {line} of {title} is stamped at {time} in take {take}.").format(
            line=args.line, title=song.title, time=_time(stamped.frame, take), take=take.id))
    return 0


def _read(name: str) -> str:
    """A lyrics or notes file's text; '-' reads standard input."""
    if name == "-":
        data = sys.stdin.buffer.read(songs.MAX_FILE_BYTES + 1)
        return songs.decode_text(data, _("standard input"))
    return songs.read_text(name)


def _stamps_by_line(version: SongVersion) -> dict[int, list[songs.LyricStamp]]:
    found: dict[int, list[songs.LyricStamp]] = {}
    for stamp in version.stamps:
        found.setdefault(stamp.line, []).append(stamp)
    return found


def _time(frame: int, take: Take) -> str:
    """FRAME in TAKE as m:ss."""
    seconds = frame // take.samplerate
    return f"{seconds // 60}:{seconds % 60:02d}"

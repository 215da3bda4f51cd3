"""Songs being written: writers, the words and notes in versions, linked takes, stamped lines.

Every save of the words or notes that changes something is a new numbered version; earlier
versions keep their text and stamps as they were. Stamps go on the latest version only.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path

from mt_studio.core.domain import Participant
from mt_studio.core.domain.songs import LyricStamp, Song, SongVersion
from mt_studio.core.errors import InputError
from mt_studio.core.library import audit, takes
from mt_studio.core.library.clock import from_text, to_text, utc_now
from mt_studio.core.library.ids import next_id
from mt_studio.core.library.params import marks
from mt_studio.core.library.sqlite import sqlite3
from mt_studio.core.text import many_lines, one_line, shown
from mt_studio.i18n import _, number_text

MAX_TITLE_LENGTH = 200
MAX_TEXT_LENGTH = 100_000
"""The most characters the lyrics, or the notes, of one version may hold."""

MAX_FILE_BYTES = 4 * MAX_TEXT_LENGTH + 3
"""A lyrics or notes file larger than this holds too many characters (UTF-8 takes at most 4
bytes a character, and a byte-order mark 3)."""


def clean_text(text: str, field: str) -> str:
    """Multi-line TEXT (lyrics or notes) as stored, as `many_lines` cleans it; InputError
    naming FIELD for control or format characters (tabs aside) or more than MAX_TEXT_LENGTH
    characters."""
    return many_lines(text, field, MAX_TEXT_LENGTH)


def lines(version: SongVersion | str) -> tuple[str, ...]:
    """The lines of a version's lyrics (or of lyrics text, cleaned as `clean_text` does).

    Line numbers count these from 0. A blank line between verses is a line (it keeps the
    numbering people see) but cannot be stamped; empty lyrics have no lines. Trailing
    whitespace is not part of a line.
    """
    if isinstance(version, SongVersion):
        text = version.lyrics
    else:
        text = clean_text(version, _("The lyrics"))
    return tuple(text.split("\n")) if text else ()


def carried_lines(old_lines: Sequence[str], new_lines: Sequence[str]) -> dict[int, int]:
    """Where `save` carries stamps: old line number to new line number, for the lines kept as
    they were, matched in order (a repeated line occurrence by occurrence)."""
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    return {a + i: b + i for a, b, size in matcher.get_matching_blocks() for i in range(size)}


def create(
    db: sqlite3.Connection,
    title: str,
    writers: Sequence[Participant] = (),
    lyrics: str = "",
    notes: str = "",
) -> Song:
    """Create a song with its writers and its version 1."""
    title = _clean_title(title)
    lyrics = clean_text(lyrics, _("The lyrics"))
    notes = clean_text(notes, _("The notes"))
    writer_ids = _writer_ids(db, writers)
    now = to_text(utc_now())
    song_id = db.execute("INSERT INTO songs (id, title, created_at) VALUES (?, ?, ?) RETURNING id",
                         (next_id(db, "songs"), title, now)).fetchone()[0]
    db.executemany("INSERT INTO song_writers (song_id, participant_id) VALUES (?, ?)",
                   [(song_id, pid) for pid in writer_ids])
    db.execute("INSERT INTO song_versions (song_id, number, lyrics, notes, created_at)"
               " VALUES (?, 1, ?, ?, ?)", (song_id, lyrics, notes, now))
    audit.record(db, "song.created", f"song:{song_id}", writers=writer_ids)
    return get(db, song_id)


def rename(db: sqlite3.Connection, song_id: int, title: str) -> Song:
    """Give a song a new title (the versions keep theirs: a title is not versioned)."""
    before = get(db, song_id)
    title = _clean_title(title)
    if title == before.title:
        return before
    db.execute("UPDATE songs SET title = ? WHERE id = ?", (title, song_id))
    audit.record(db, "song.edited", f"song:{song_id}", fields=["title"])
    return get(db, song_id)


def set_writers(db: sqlite3.Connection, song_id: int, writers: Sequence[Participant]) -> Song:
    """Make exactly WRITERS the song's writers; each one added or removed is logged."""
    before = {p.id for p in get(db, song_id).writers}
    wanted = set(_writer_ids(db, writers))
    for pid in sorted(before - wanted):
        db.execute("DELETE FROM song_writers WHERE song_id = ? AND participant_id = ?",
                   (song_id, pid))
        audit.record(db, "song.writer_removed", f"song:{song_id}", pid)
    for pid in sorted(wanted - before):
        db.execute("INSERT INTO song_writers (song_id, participant_id) VALUES (?, ?)",
                   (song_id, pid))
        audit.record(db, "song.writer_added", f"song:{song_id}", pid)
    return get(db, song_id)


def save(
    db: sqlite3.Connection, song_id: int, lyrics: str | None, notes: str | None = None
) -> SongVersion:
    """Save the words and notes (None keeps the latest's) as a new version, if they changed.

    Saving what the latest version already holds makes no version and returns the latest.
    Stamps carry over to the new version on the lines whose text is unchanged: lines are matched
    by their text, in order (difflib's matching blocks). A repeated line, such as a chorus sung
    twice, is matched occurrence by occurrence, so the first chorus's stamps never move to the
    second; an occurrence left without a match loses its stamps. Changed lines lose theirs.
    """
    latest = get(db, song_id).latest
    lyrics = latest.lyrics if lyrics is None else clean_text(lyrics, _("The lyrics"))
    notes = latest.notes if notes is None else clean_text(notes, _("The notes"))
    if (lyrics, notes) == (latest.lyrics, latest.notes):
        return latest
    version_id = db.execute(
        "INSERT INTO song_versions (song_id, number, lyrics, notes, created_at)"
        " VALUES (?, ?, ?, ?, ?) RETURNING id",
        (song_id, latest.number + 1, lyrics, notes, to_text(utc_now())),
    ).fetchone()[0]
    moved = carried_lines(lines(latest), lines(lyrics))
    db.executemany(
        "INSERT INTO lyric_stamps (version_id, line, take_id, frame) VALUES (?, ?, ?, ?)",
        [(version_id, moved[s.line], s.take_id, s.frame)
         for s in latest.stamps if s.line in moved],
    )
    changed = [name for name, old, new in (("lyrics", latest.lyrics, lyrics),
                                           ("notes", latest.notes, notes)) if old != new]
    audit.record(db, "song.saved", f"song:{song_id}", version=latest.number + 1, fields=changed)
    return _version(db, "id = ?", version_id)[0]


def get(db: sqlite3.Connection, song_id: int) -> Song:
    """The song with this id; InputError naming the id if there is none."""
    found = _songs(db, "id = ?", song_id)
    if not found:
        raise InputError(
            _("No song with id {id}. See 'mt-studio song list'.").format(id=song_id))
    return found[0]


def all_songs(db: sqlite3.Connection) -> list[Song]:
    """Every song, by title."""
    return sorted(_songs(db, "id > ?", 0), key=lambda s: (s.title.casefold(), s.id))


def for_session(db: sqlite3.Connection, session_id: int) -> list[Song]:
    """The songs a session shows, by title: those played in its takes, those written by
    someone present, and those nobody wrote (a traditional song). Another participant's song
    is theirs: it does not show on the screen of a group they are not in."""
    present = {row[0] for row in db.execute(
        "SELECT participant_id FROM attendance WHERE session_id = ?", (session_id,))}
    played = {row[0] for row in db.execute(
        "SELECT DISTINCT song_takes.song_id FROM song_takes JOIN takes"
        " ON takes.id = song_takes.take_id WHERE takes.session_id = ?", (session_id,))}
    return [song for song in all_songs(db)
            if song.id in played or not song.writers or present & set(song.writer_ids)]


def for_take(db: sqlite3.Connection, take_id: int) -> list[Song]:
    """The songs a take is linked to, by title."""
    found = _songs(db, "id IN (SELECT song_id FROM song_takes WHERE take_id = ?)", take_id)
    return sorted(found, key=lambda s: (s.title.casefold(), s.id))


def versions(db: sqlite3.Connection, song_id: int) -> list[SongVersion]:
    """Every version of a song, oldest first."""
    get(db, song_id)
    return _version(db, "song_id = ?", song_id)


def version(db: sqlite3.Connection, song_id: int, number: int) -> SongVersion:
    """Version NUMBER of a song; InputError naming the number if there is none."""
    found = [v for v in versions(db, song_id) if v.number == number]
    if not found:
        raise InputError(_("Song {song} has no version {number}.").format(
            song=song_id, number=number))
    return found[0]


def song_of_version(db: sqlite3.Connection, version_id: int) -> int:
    """The song whose version VERSION_ID is; InputError if there is none."""
    row = db.execute("SELECT song_id FROM song_versions WHERE id = ?", (version_id,)).fetchone()
    if row is None:
        raise InputError(_("There is no song version {id}.").format(id=version_id))
    return row[0]


def link_take(db: sqlite3.Connection, song_id: int, take_id: int) -> bool:
    """Link a take to the song (it was played in it); False if it already was."""
    get(db, song_id)
    takes.get(db, take_id)
    cursor = db.execute("INSERT INTO song_takes (song_id, take_id) VALUES (?, ?)"
                        " ON CONFLICT DO NOTHING",
                        (song_id, take_id))
    if cursor.rowcount == 0:
        return False
    audit.record(db, "song.take_linked", f"song:{song_id}", take=take_id)
    return True


def unlink_take(db: sqlite3.Connection, song_id: int, take_id: int) -> bool:
    """Unlink a take from the song; False if it was not linked.

    The latest version's stamps in that take go too; earlier versions keep theirs as they were.
    """
    song = get(db, song_id)
    if take_id not in song.take_ids:
        return False
    db.execute("DELETE FROM song_takes WHERE song_id = ? AND take_id = ?", (song_id, take_id))
    db.execute("DELETE FROM lyric_stamps WHERE version_id = ? AND take_id = ?",
               (song.latest.id, take_id))
    audit.record(db, "song.take_unlinked", f"song:{song_id}", take=take_id)
    return True


def stamp(db: sqlite3.Connection, version_id: int, line: int, take_id: int,
          frame: int) -> LyricStamp:
    """Stamp LINE (from 0) of the latest version with FRAME in a take, linking the take.

    Stamping the line again in the same take moves the stamp. InputError for a version that is
    not its song's latest, a line it does not have or that is blank (messages count lines from
    1, as people do), an unknown take or a position outside it.
    """
    found = _version(db, "id = ?", version_id)
    if not found:
        raise InputError(_("No song version with id {id}.").format(id=version_id))
    stamped = found[0]
    latest = get(db, stamped.song_id).latest
    if latest.id != stamped.id:
        raise InputError(
            _("Version {number} of song {song} was followed by version {latest}; only the "
              "latest version can be stamped.").format(
                number=stamped.number, song=stamped.song_id, latest=latest.number))
    words = lines(stamped)
    if not 0 <= line < len(words):
        raise InputError(_("Version {number} of song {song} has no line {line} (it has {count})."
                           ).format(number=stamped.number, song=stamped.song_id, line=line + 1,
                                    count=len(words)))
    if not words[line].strip():
        raise InputError(_("Line {line} of song {song} is blank and cannot be stamped.").format(
            line=line + 1, song=stamped.song_id))
    take = takes.get(db, take_id)
    if not 0 <= frame <= take.frames:
        raise InputError(_("The position {position} s is outside take {id}, which is "
                           "{length} s long.").format(
            position=number_text(frame / take.samplerate), id=take_id,
            length=number_text(take.frames / take.samplerate)))
    link_take(db, stamped.song_id, take_id)
    db.execute(
        "INSERT INTO lyric_stamps (version_id, line, take_id, frame) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (version_id, line, take_id) DO UPDATE SET frame = excluded.frame",
        (version_id, line, take_id, frame),
    )
    return LyricStamp(line, take_id, frame)


def decode_text(data: bytes, source: str) -> str:
    """DATA (read from SOURCE, a file name) as text; InputError naming SOURCE if it is not
    UTF-8 text or is too large to be a song's lyrics or notes."""
    if len(data) > MAX_FILE_BYTES:
        raise InputError(_("{file} holds more than {limit} characters.").format(
            file=source, limit=MAX_TEXT_LENGTH))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    if text is None or "\0" in text:  # a NUL byte: a binary file that happens to decode
        raise InputError(_("{file} is not UTF-8 text.").format(file=source))
    return text


def read_text(path: Path | str) -> str:
    """The text of a lyrics or notes file; InputError naming the file if it cannot be read."""
    try:
        with open(path, "rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise InputError(_("Cannot read {file}: {reason}").format(
            file=path, reason=error.strerror or error)) from error
    return decode_text(data, str(path))


def _clean_title(title: str) -> str:
    cleaned = one_line(title, _("A song title"), MAX_TITLE_LENGTH)
    if not cleaned:
        raise InputError(_("A song needs a title."))
    return cleaned


def _writer_ids(db: sqlite3.Connection, writers: Sequence[Participant]) -> list[int]:
    ids = sorted({p.id for p in writers})
    known = {row[0] for row in db.execute(
        f"SELECT id FROM participants WHERE id IN ({marks(ids)})", ids)}
    for writer in writers:
        if writer.id not in known:
            raise InputError(
                _("No participant called {pseudonym}. See 'mt-studio participant list'.").format(
                    pseudonym=shown(writer.pseudonym)))
    return ids


def _songs(db: sqlite3.Connection, where: str, value: object) -> list[Song]:
    rows = db.execute(f"SELECT id, title, created_at FROM songs WHERE {where} ORDER BY id",
                      (value,)).fetchall()
    found = []
    for song_id, title, created_at in rows:
        writers = tuple(Participant(*r) for r in db.execute(
            "SELECT p.id, p.pseudonym, p.real_name FROM song_writers w"
            " JOIN participants p ON p.id = w.participant_id"
            " WHERE w.song_id = ? ORDER BY p.lookup_key", (song_id,)))
        latest = _version(db, "id = (SELECT id FROM song_versions WHERE song_id = ?"
                              " ORDER BY number DESC LIMIT 1)", song_id)[0]
        take_ids = tuple(r[0] for r in db.execute(
            "SELECT take_id FROM song_takes WHERE song_id = ? ORDER BY take_id", (song_id,)))
        found.append(Song(song_id, title, from_text(created_at), writers, latest, take_ids))
    return found


def _version(db: sqlite3.Connection, where: str, value: object) -> list[SongVersion]:
    rows = db.execute(
        "SELECT id, song_id, number, lyrics, notes, created_at FROM song_versions"
        f" WHERE {where} ORDER BY number", (value,)).fetchall()
    return [
        SongVersion(
            id=row[0], song_id=row[1], number=row[2], lyrics=row[3], notes=row[4],
            created_at=from_text(row[5]),
            stamps=tuple(LyricStamp(*r) for r in db.execute(
                "SELECT line, take_id, frame FROM lyric_stamps WHERE version_id = ?"
                " ORDER BY line, take_id", (row[0],))),
        )
        for row in rows
    ]

"""Takes and what they hold: tracks (with who is heard on them), markers and dropouts; and
the name and note a therapist gives a take."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath

from mt_studio.core.domain import Dropout, TakeStatus, TrackKind
from mt_studio.core.domain.takes import MAX_NAME_LENGTH, MAX_NOTE_LENGTH, Marker, Take, Track
from mt_studio.core.errors import InputError
from mt_studio.core.library import audit
from mt_studio.core.library.clock import from_text, to_text, utc_now
from mt_studio.core.library.database import AUDIO_FOLDER
from mt_studio.core.library.ids import next_id
from mt_studio.core.library.sessions import MAX_NAME_LENGTH as LABEL_LENGTH
from mt_studio.core.library.sqlite import sqlite3
from mt_studio.core.text import many_lines, one_line
from mt_studio.i18n import _


def start(
    db: sqlite3.Connection,
    session_id: int,
    samplerate: int,
    *,
    sample_format: str | None = None,
    device: str | None = None,
) -> int:
    """Create the next take of a session in `recording` state and return its id."""
    number = db.execute(
        "SELECT coalesce(max(number), 0) + 1 FROM takes WHERE session_id = ?", (session_id,)
    ).fetchone()[0]
    take_id = next_id(db, "takes")
    db.execute(
        "INSERT INTO takes (id, session_id, number, status, samplerate, sample_format, device,"
        " started_at) VALUES (?, ?, ?, 'recording', ?, ?, ?, ?)",
        (take_id, session_id, number, samplerate, sample_format, device, to_text(utc_now())),
    )
    audit.record(db, "take.started", f"take:{take_id}", session=session_id)
    return take_id


def take_folder(take_id: int) -> str:
    """The library-relative folder of a take's files."""
    return str(PurePosixPath(AUDIO_FOLDER, f"take-{take_id}"))


def track_file(take_id: int, track_id: int, suffix: str) -> str:
    """The library-relative file name of a track: ids only, never a person's name."""
    return str(PurePosixPath(take_folder(take_id), f"track-{track_id}{suffix}"))


def add_track(
    db: sqlite3.Connection,
    take_id: int,
    kind: TrackKind,
    *,
    participant_ids: Iterable[int] = (),
    input: int | None = None,
    port: str | None = None,
    isolated: bool = False,
    instrument: str | None = None,
    suffix: str | None = None,
) -> Track:
    """Add a track whose file name is made from the take's and the track's ids."""
    suffix = suffix or (".wav" if kind is TrackKind.AUDIO else ".mid")
    # An input's label, as long as the session's set-up lets it be.
    instrument = one_line(instrument, _("The instrument"), LABEL_LENGTH)
    track_id = next_id(db, "tracks")
    db.execute(
        "INSERT INTO tracks (id, take_id, kind, input, port, file, isolated, instrument)"
        " VALUES (?, ?, ?, ?, ?, '', ?, ?)",
        (track_id, take_id, kind.value, input, port, int(isolated), instrument),
    )
    db.execute("UPDATE tracks SET file = ? WHERE id = ?",
               (track_file(take_id, track_id, suffix), track_id))
    db.executemany(
        "INSERT INTO track_participants (track_id, participant_id) VALUES (?, ?)",
        [(track_id, pid) for pid in sorted(set(participant_ids))],
    )
    return _tracks(db, "tracks.id = ?", track_id)[0]


def add_marker(db: sqlite3.Connection, take_id: int, frame: int, name: str = "") -> None:
    """Drop a marker at FRAME; InputError if its NAME is not one short line."""
    name = one_line(name, _("A marker's name"), MAX_NAME_LENGTH) or ""
    db.execute("INSERT INTO markers (take_id, frame, name) VALUES (?, ?, ?)",
               (take_id, frame, name))


def add_dropout(db: sqlite3.Connection, take_id: int, frame: int, length: int, cause: str) -> None:
    """Store frames lost at FRAME (filled with silence) and their cause."""
    db.execute("INSERT INTO dropouts (take_id, frame, length, cause) VALUES (?, ?, ?, ?)",
               (take_id, frame, length, cause))


def finish(
    db: sqlite3.Connection,
    take_id: int,
    frames: int,
    *,
    status: TakeStatus = TakeStatus.COMPLETE,
    stop_reason: str | None = None,
) -> None:
    """Close a take with its final length; a recovered take is logged as a recovery."""
    db.execute(
        "UPDATE takes SET status = ?, frames = ?, ended_at = ?, stop_reason = ? WHERE id = ?",
        (status.value, frames, to_text(utc_now()), stop_reason, take_id),
    )
    action = "take.recovered" if status is TakeStatus.RECOVERED else "take.recorded"
    audit.record(db, action, f"take:{take_id}", frames=frames, stop_reason=stop_reason)


def describe(db: sqlite3.Connection, take_id: int, name: str | None, note: str) -> Take:
    """Give the take a NAME (None or blank: called by its number) and a NOTE; InputError says
    what is wrong with either. The audit log names the fields changed, not their text."""
    before = get(db, take_id)
    name = one_line(name, _("A take's name"), MAX_NAME_LENGTH)
    note = many_lines(note, _("A take's note"), MAX_NOTE_LENGTH)
    changed = [field for field, old, new in (("name", before.name, name),
                                             ("note", before.note, note)) if old != new]
    if changed:
        db.execute("UPDATE takes SET name = ?, note = ? WHERE id = ?", (name, note, take_id))
        audit.record(db, "take.described", f"take:{take_id}", fields=changed)
    return get(db, take_id)


def discard(db: sqlite3.Connection, take_id: int, reason: str) -> None:
    """Remove a take that never held a sample (its files could not be made), with its tracks;
    the audit log keeps that it was started and why it went."""
    db.execute("DELETE FROM takes WHERE id = ? AND frames = 0", (take_id,))
    audit.record(db, "take.discarded", f"take:{take_id}", reason=reason)


def get(db: sqlite3.Connection, take_id: int) -> Take:
    """The take with this id and all it holds; InputError naming the id if there is none."""
    found = _takes(db, "id = ?", take_id)
    if not found:
        raise InputError(_("No take with id {id}.").format(id=take_id))
    return found[0]


def for_session(db: sqlite3.Connection, session_id: int) -> list[Take]:
    """A session's takes in the order they were recorded."""
    return _takes(db, "session_id = ?", session_id)


def ids(db: sqlite3.Connection) -> list[int]:
    """Every take's id, the oldest first."""
    return [row[0] for row in db.execute("SELECT id FROM takes ORDER BY id")]


def with_status(db: sqlite3.Connection, status: TakeStatus) -> list[Take]:
    """Takes in one state, for example those a crash left `recording`."""
    return _takes(db, "status = ?", status.value)


def _takes(db: sqlite3.Connection, where: str, value: object) -> list[Take]:
    rows = db.execute(
        "SELECT id, session_id, number, status, samplerate, frames, started_at, ended_at,"
        " sample_format, device, stop_reason, name, note, EXISTS (SELECT 1 FROM layers"
        " JOIN tracks ON tracks.id = layers.track_id WHERE tracks.take_id = takes.id)"
        f" FROM takes WHERE {where} ORDER BY number, id",
        (value,),
    ).fetchall()
    return [
        Take(
            id=row[0], session_id=row[1], number=row[2], status=TakeStatus(row[3]),
            samplerate=row[4], frames=row[5], started_at=from_text(row[6]),
            ended_at=from_text(row[7]) if row[7] else None, sample_format=row[8], device=row[9],
            stop_reason=row[10], name=row[11], note=row[12], is_loop=bool(row[13]),
            tracks=tuple(_tracks(db, "tracks.take_id = ?", row[0])),
            markers=tuple(Marker(*r) for r in db.execute(
                "SELECT frame, name FROM markers WHERE take_id = ? ORDER BY frame, id", (row[0],))),
            dropouts=tuple(Dropout(*r) for r in db.execute(
                "SELECT frame, length, cause FROM dropouts WHERE take_id = ? ORDER BY frame, id",
                (row[0],))),
        )
        for row in rows
    ]


def _tracks(db: sqlite3.Connection, where: str, value: object) -> list[Track]:
    rows = db.execute(
        "SELECT id, take_id, kind, file, input, port, isolated, instrument,"
        " (SELECT string_agg(CAST(participant_id AS TEXT), ',' ORDER BY participant_id)"
        "  FROM track_participants tp"
        "  WHERE tp.track_id = tracks.id)"
        f" FROM tracks WHERE {where} ORDER BY kind, input, port, id",
        (value,),
    ).fetchall()
    return [
        Track(
            id=row[0], take_id=row[1], kind=TrackKind(row[2]), file=row[3], input=row[4],
            port=row[5], isolated=bool(row[6]), instrument=row[7],
            participant_ids=tuple(sorted(int(p) for p in row[8].split(","))) if row[8] else (),
        )
        for row in rows
    ]


def add_part(db: sqlite3.Connection, track_id: int, number: int, first_frame: int, frames: int,
             file: str, sha256: str | None = None) -> None:
    """Store one file part of a track (tracks longer than a WAV file can hold are split), with
    the SHA-256 it was finalized with (audio: of its samples; MIDI: of the file)."""
    db.execute(
        "INSERT INTO track_parts (track_id, number, first_frame, frames, file, sha256)"
        " VALUES (?, ?, ?, ?, ?, ?)", (track_id, number, first_frame, frames, file, sha256))


def parts(db: sqlite3.Connection, track_id: int) -> list[str]:
    """The library-relative files of a track in order; a track never split has one."""
    return [file for file, _sha256 in hashed_parts(db, track_id)]


def hashed_parts(db: sqlite3.Connection, track_id: int) -> list[tuple[str, str | None]]:
    """The library-relative files of a track in order, each with its stored SHA-256 (None
    for a file kept before files were hashed)."""
    found = db.execute("SELECT file, sha256 FROM track_parts WHERE track_id = ? ORDER BY number",
                       (track_id,)).fetchall()
    if found:
        return [(file, sha256) for file, sha256 in found]
    return [(row[0], None) for row in db.execute("SELECT file FROM tracks WHERE id = ?",
                                                 (track_id,))]

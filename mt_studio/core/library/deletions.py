"""Deleting takes, tracks and songs, and erasing a person down to a tombstone: the rows that go,
what they leave to recall, and where a real name is still written.

Every function here runs inside the caller's transaction. The files go afterwards
(`removals.py`): the rows first, so that no row ever points at a removed file. The consent
ledger, the audit log and the export log are never changed (append-only): a tombstone keeps
their rows pointing at someone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence

from mt_studio.core.domain import Purpose
from mt_studio.core.domain.withdrawal import TouchedExport, TouchedLeadSheet, TouchedTake
from mt_studio.core.library import consent_ledger, ids
from mt_studio.core.library.clock import from_text, to_text, utc_now
from mt_studio.core.library.params import marks
from mt_studio.core.library.sqlite import sqlite3

# Free text people type, outside the append-only tables: where a person's real name may be
# written by hand (a session's notes, an input's label, a song's words), and is blotted out.
FREE_TEXT = (("sessions", "title"), ("sessions", "notes"), ("session_inputs", "label"),
             ("tracks", "instrument"), ("takes", "name"), ("takes", "note"), ("markers", "name"),
             ("songs", "title"), ("song_versions", "lyrics"), ("song_versions", "notes"),
             ("annotations", "label"), ("course_events", "note"))
# The append-only rows that may hold a name typed or credited before: kept as they are.
KEPT_TEXT = (("consent_events", "witness"), ("consent_events", "reason"),
             ("exports", "title"), ("exports", "recipient"), ("exports", "file"),
             ("export_files", "name"), ("audit_log", "details"))
BLOTTED = "—"  # what a real name is replaced with
# Where a deletion removes rows, besides the free text (cleaned up after it on PostgreSQL).
ERASED_TABLES = ("participants", "takes", "tracks", "track_parts", "take_keys", "attendance")

# The rows of a take, and of a track, that go with it (by the schema's ON DELETE CASCADE).
_TAKE_ROWS = (("tracks", "take_id = ?"), ("markers", "take_id = ?"), ("dropouts", "take_id = ?"),
              ("annotations", "take_id = ?"), ("take_listening", "take_id = ?"),
              ("song_takes", "take_id = ?"), ("lyric_stamps", "take_id = ?"),
              ("day_takes", "take_id = ?"))
_TRACK_ROWS = (("track_parts", "track_id"), ("track_participants", "track_id"),
               ("layers", "track_id"), ("track_mix", "track_id"))


def take_rows(db: sqlite3.Connection, take_ids: Sequence[int]) -> dict[str, int]:
    """How many rows of each table go with TAKE_IDS (the takes themselves included)."""
    counts = {"takes": len(take_ids)}
    for take_id in take_ids:
        for table, where in _TAKE_ROWS:
            _add(counts, table, db.execute(f"SELECT count(*) FROM {table} WHERE {where}",
                                           (take_id,)).fetchone()[0])
    track_ids = [row[0] for take_id in take_ids for row in db.execute(
        "SELECT id FROM tracks WHERE take_id = ?", (take_id,))]
    for table, count in track_rows(db, track_ids).items():
        if table != "tracks":
            _add(counts, table, count)
    return {table: count for table, count in counts.items() if count}


def track_rows(db: sqlite3.Connection, track_ids: Sequence[int]) -> dict[str, int]:
    """How many rows of each table go with TRACK_IDS (the tracks themselves included)."""
    counts = {"tracks": len(track_ids)}
    for table, column in _TRACK_ROWS:
        for track_id in track_ids:
            _add(counts, table, db.execute(f"SELECT count(*) FROM {table} WHERE {column} = ?",
                                           (track_id,)).fetchone()[0])
    return {table: count for table, count in counts.items() if count}


def song_rows(db: sqlite3.Connection, song_ids: Sequence[int]) -> dict[str, int]:
    """How many rows of each table go with SONG_IDS (the songs themselves included)."""
    counts = {"songs": len(song_ids)}
    for song_id in song_ids:
        for table, query in (
                ("song_writers", "SELECT count(*) FROM song_writers WHERE song_id = ?"),
                ("song_versions", "SELECT count(*) FROM song_versions WHERE song_id = ?"),
                ("song_takes", "SELECT count(*) FROM song_takes WHERE song_id = ?"),
                ("lyric_stamps", "SELECT count(*) FROM lyric_stamps WHERE version_id IN"
                                 " (SELECT id FROM song_versions WHERE song_id = ?)")):
            _add(counts, table, db.execute(query, (song_id,)).fetchone()[0])
    return {table: count for table, count in counts.items() if count}


def touched_takes(db: sqlite3.Connection, take_ids: Iterable[int]) -> list[TouchedTake]:
    """TAKE_IDS with their sessions and numbers, by id."""
    return [TouchedTake(*row) for take_id in sorted(set(take_ids)) for row in db.execute(
        "SELECT id, session_id, number FROM takes WHERE id = ?", (take_id,))]


def exports_of(db: sqlite3.Connection, *, take_ids: Iterable[int] = (),
               track_ids: Iterable[int] = ()) -> list[TouchedExport]:
    """The exports that carried any of TAKE_IDS, or any of TRACK_IDS, first made first."""
    take_ids, track_ids = sorted(set(take_ids)), sorted(set(track_ids))
    rows = db.execute(
        "SELECT id, purpose, recipient, created_at, title FROM exports WHERE id IN"
        " (SELECT export_id FROM export_tracks WHERE take_id IN"
        f" ({marks(take_ids)}) OR track_id IN ({marks(track_ids)}))"
        " ORDER BY id", [*take_ids, *track_ids])
    return [TouchedExport(row[0], Purpose(row[1]), row[2], from_text(row[3]), row[4])
            for row in rows]


def exports_with(db: sqlite3.Connection, participant_id: int) -> list[TouchedExport]:
    """Every export PARTICIPANT_ID can be heard on, whatever its purpose."""
    return consent_ledger.exports_with(db, participant_id, list(Purpose))


def lead_sheets_of(db: sqlite3.Connection, *, take_ids: Iterable[int] = (),
                   song_ids: Iterable[int] = ()) -> list[TouchedLeadSheet]:
    """Lead sheets printed or saved of TAKE_IDS or with the words of SONG_IDS."""
    takes = {f"take:{take_id}" for take_id in take_ids}
    songs = set(song_ids)
    found = []
    for subject, at, details in db.execute(
            "SELECT subject, at, details FROM audit_log WHERE action = ? ORDER BY id",
            (consent_ledger.LEAD_SHEET_SHARED,)):
        kept = json.loads(details)
        if subject in takes or kept.get("song") in songs:
            found.append(TouchedLeadSheet(int(subject.removeprefix("take:")), kept.get("song"),
                                          kept.get("how", ""), from_text(at)))
    return found


def delete_takes(db: sqlite3.Connection, take_ids: Sequence[int]) -> None:
    """Delete TAKE_IDS and everything kept of them (tracks, markers, analyses, links); their
    ids, and their tracks', are never given again."""
    for take_id in take_ids:
        ids.retire(db, "tracks", [row[0] for row in db.execute(
            "SELECT id FROM tracks WHERE take_id = ?", (take_id,))])
    ids.retire(db, "takes", take_ids)
    db.executemany("DELETE FROM takes WHERE id = ?", [(take_id,) for take_id in take_ids])


def delete_tracks(db: sqlite3.Connection, track_ids: Sequence[int]) -> None:
    """Delete TRACK_IDS alone, with their files' rows; the analyses of their takes go too
    (they were made from the tracks' sound)."""
    take_ids = {row[0] for track_id in track_ids for row in db.execute(
        "SELECT take_id FROM tracks WHERE id = ?", (track_id,))}
    ids.retire(db, "tracks", track_ids)
    db.executemany("DELETE FROM tracks WHERE id = ?", [(track_id,) for track_id in track_ids])
    db.executemany("DELETE FROM annotations WHERE take_id = ?", [(t,) for t in take_ids])


def delete_songs(db: sqlite3.Connection, song_ids: Sequence[int]) -> None:
    """Delete SONG_IDS with their words in every version, stamps and links to takes."""
    ids.retire(db, "songs", song_ids)
    db.executemany("DELETE FROM songs WHERE id = ?", [(song_id,) for song_id in song_ids])


def tombstone_pseudonym(participant_id: int) -> str:
    """The pseudonym of an erased participant: made of the id alone."""
    return f"erased-{participant_id}"


def make_tombstone(db: sqlite3.Connection, participant_id: int) -> None:
    """Leave PARTICIPANT_ID as a tombstone: no real name, a pseudonym made of the id, no
    longer a writer of any song nor a player on a session's inputs. Their consent rows,
    attendance and the exports they were on keep pointing at the tombstone."""
    pseudonym = tombstone_pseudonym(participant_id)
    db.execute("UPDATE participants SET pseudonym = ?, lookup_key = ?, real_name = NULL,"
               " erased_at = ? WHERE id = ?",
               (pseudonym, pseudonym, to_text(utc_now()), participant_id))
    for table in ("song_writers", "session_input_players", "session_midi_players"):
        db.execute(f"DELETE FROM {table} WHERE participant_id = ?", (participant_id,))
    # What a therapist wrote about their course is about them: its words go, its marks stay.
    db.execute("UPDATE course_events SET note = '' WHERE participant_id = ?", (participant_id,))


def written_in(db: sqlite3.Connection, name: str,
               columns: Sequence[tuple[str, str]] = FREE_TEXT) -> dict[str, int]:
    """How many rows of each TABLE.COLUMN hold NAME (as a whole word, in any letter case)."""
    found: dict[str, int] = {}
    pattern = _pattern(name)
    for table, column in columns:
        count = sum(1 for (text,) in db.execute(f"SELECT {column} FROM {table}")
                    if text and pattern.search(text))
        if count:
            found[f"{table}.{column}"] = count
    return found


def blot_out(db: sqlite3.Connection, name: str) -> int:
    """Replace NAME (as a whole word, in any letter case) wherever it is written in FREE_TEXT;
    the rows changed."""
    pattern = _pattern(name)
    changed = 0
    for table, column in FREE_TEXT:
        texts = {text for (text,) in db.execute(f"SELECT DISTINCT {column} FROM {table}")
                 if text and pattern.search(text)}
        for text in texts:  # every row holding the same words gets the same new words
            changed += db.execute(f"UPDATE {table} SET {column} = ? WHERE {column} = ?",
                                  (pattern.sub(BLOTTED, text), text)).rowcount
    return changed


def forget_freed_pages(db: sqlite3.Connection) -> bool:
    """Copy the write-ahead log into the database and empty it, so that what was deleted
    (zeroed by secure_delete) is in neither file; False if a reader in another process kept
    the log from being emptied (it is at the next deletion, or when that reader is done)."""
    if getattr(db, "dialect", "sqlite") == "postgresql":
        # PostgreSQL has no secure_delete: VACUUM at least frees the deleted rows' space for
        # reuse at once; the server's own files and backups are its administrator's to keep.
        for table in (*ERASED_TABLES, *dict(FREE_TEXT)):
            db.execute(f"VACUUM {table}")
        return True
    busy, _log, _copied = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return not busy


def _pattern(name: str) -> re.Pattern[str]:
    """NAME as a whole word or words, in any letter case: "Ola" is not blotted out of "Olav"."""
    return re.compile(rf"(?<!\w){re.escape(name.strip())}(?!\w)", re.IGNORECASE)


def _add(counts: dict[str, int], table: str, count: int) -> None:
    counts[table] = counts.get(table, 0) + count

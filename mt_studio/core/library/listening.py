"""How a take was last listened to on the Takes tab, kept so that it comes back as it was left:
its loop, the practice speed and pitch, and each track's volume, pan, mute and solo."""

from __future__ import annotations

import math

from mt_studio.core.domain.takes import Listening, TrackLevel
from mt_studio.core.errors import InputError
from mt_studio.core.library.sqlite import sqlite3
from mt_studio.i18n import _


def of_take(db: sqlite3.Connection, take_id: int) -> Listening | None:
    """How TAKE_ID was left, or None if nothing was kept for it yet."""
    row = db.execute(
        "SELECT loop_start, loop_end, looping, speed, semitones FROM take_listening"
        " WHERE take_id = ?", (take_id,)).fetchone()
    levels = {
        track_id: TrackLevel(gain, pan, bool(muted), bool(solo))
        for track_id, gain, pan, muted, solo in db.execute(
            "SELECT track_mix.track_id, gain_db, pan, muted, solo FROM track_mix"
            " JOIN tracks ON tracks.id = track_mix.track_id WHERE tracks.take_id = ?",
            (take_id,))
    }
    if row is None and not levels:
        return None
    if row is None:
        return Listening(levels=levels)
    start, end, looping, speed, semitones = row
    return Listening((start, end) if start is not None else None, bool(looping), speed,
                     semitones, levels)


def keep(db: sqlite3.Connection, take_id: int, listening: Listening) -> None:
    """Keep LISTENING as how TAKE_ID is listened to; InputError names what does not fit it."""
    row = db.execute("SELECT frames FROM takes WHERE id = ?", (take_id,)).fetchone()
    if row is None:
        raise InputError(_("No take with id {id}.").format(id=take_id))
    if listening.loop is not None:
        start, end = listening.loop
        if not 0 <= start < end <= row[0]:
            raise InputError(_("The loop {start}-{end} is not inside the take ({frames} "
                               "frames).").format(start=start, end=end, frames=row[0]))
    if not 0.5 <= listening.speed <= 1.5 or not -6 <= listening.semitones <= 6:
        raise InputError(_("The practice speed must be from 50 to 150 % and the pitch at most "
                           "6 semitones up or down."))
    tracks = {r[0] for r in db.execute("SELECT id FROM tracks WHERE take_id = ?", (take_id,))}
    for track_id, level in listening.levels.items():
        if track_id not in tracks:
            raise InputError(_("Track {track} is not a track of this take.").format(
                track=track_id))
        if not (-1.0 <= level.pan <= 1.0 and math.isfinite(level.gain_db)):
            raise InputError(_("The mix of track {track} is out of range.").format(
                track=track_id))
    start, end = listening.loop if listening.loop is not None else (None, None)
    db.execute(
        "INSERT INTO take_listening (take_id, loop_start, loop_end, looping, speed, semitones)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (take_id) DO UPDATE SET"
        " loop_start = excluded.loop_start, loop_end = excluded.loop_end,"
        " looping = excluded.looping, speed = excluded.speed, semitones = excluded.semitones",
        (take_id, start, end, int(listening.looping), listening.speed, listening.semitones))
    db.executemany(
        "INSERT INTO track_mix (track_id, gain_db, pan, muted, solo) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (track_id) DO UPDATE SET gain_db = excluded.gain_db,"
        " pan = excluded.pan, muted = excluded.muted, solo = excluded.solo",
        [(track_id, level.gain_db, level.pan, int(level.muted), int(level.solo))
         for track_id, level in listening.levels.items()])

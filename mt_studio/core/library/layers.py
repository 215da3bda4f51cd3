"""A looper's layers: the audio tracks of a loop take, in the order they were played, with undo.

Undo leaves a layer out of the loop but keeps its file and row (nothing recorded is lost); redo
brings back the layer undone last, unless a newer layer was recorded since.
"""

from __future__ import annotations

from mt_studio.core.domain.takes import Layer
from mt_studio.core.errors import InputError
from mt_studio.core.library import audit
from mt_studio.core.library.clock import to_text, utc_now
from mt_studio.core.library.sqlite import sqlite3
from mt_studio.i18n import _


def add(db: sqlite3.Connection, track_id: int, latency: int = 0) -> Layer:
    """Make TRACK_ID the next layer of its take (LATENCY: frames it was moved back by)."""
    take_id = _take_of(db, track_id)
    number = db.execute(
        "SELECT coalesce(max(layers.number), 0) + 1 FROM layers JOIN tracks"
        " ON tracks.id = layers.track_id WHERE tracks.take_id = ?", (take_id,)).fetchone()[0]
    db.execute("INSERT INTO layers (track_id, number, latency, created_at) VALUES (?, ?, ?, ?)",
               (track_id, number, latency, to_text(utc_now())))
    return Layer(track_id, number, latency, False, False)


def of_take(db: sqlite3.Connection, take_id: int) -> list[Layer]:
    """The take's layers, first played first (empty for a take that is no loop)."""
    rows = db.execute(
        "SELECT layers.track_id, number, latency, muted, undone FROM layers JOIN tracks"
        " ON tracks.id = layers.track_id WHERE tracks.take_id = ? ORDER BY number",
        (take_id,)).fetchall()
    return [Layer(t, n, lat, bool(m), bool(u)) for t, n, lat, m, u in rows]


def left_out(db: sqlite3.Connection, take_id: int) -> set[int]:
    """The tracks of a looper's take that its loop does not play (undone or muted layers);
    a take that is no loop leaves none out."""
    return {layer.track_id for layer in of_take(db, take_id) if not layer.audible}


def set_muted(db: sqlite3.Connection, track_id: int, muted: bool) -> None:
    """Mute or unmute a layer."""
    _take_of(db, track_id)
    db.execute("UPDATE layers SET muted = ? WHERE track_id = ?", (int(muted), track_id))


def undo(db: sqlite3.Connection, take_id: int) -> Layer | None:
    """Leave out the newest layer still in the loop; the layer undone, or None if none is."""
    active = [layer for layer in of_take(db, take_id) if not layer.undone]
    if not active:
        return None
    layer = active[-1]
    db.execute("UPDATE layers SET undone = 1 WHERE track_id = ?", (layer.track_id,))
    audit.record(db, "layer.undone", f"take:{take_id}", track=layer.track_id)
    return Layer(layer.track_id, layer.number, layer.latency, layer.muted, True)


def redo(db: sqlite3.Connection, take_id: int) -> Layer | None:
    """Bring back the layer undone last, if no newer layer was recorded since; or None."""
    layers = of_take(db, take_id)
    newest_active = max((layer.number for layer in layers if not layer.undone), default=0)
    candidates = [layer for layer in layers if layer.undone and layer.number > newest_active]
    if not candidates:
        return None
    layer = candidates[0]
    db.execute("UPDATE layers SET undone = 0 WHERE track_id = ?", (layer.track_id,))
    audit.record(db, "layer.redone", f"take:{take_id}", track=layer.track_id)
    return Layer(layer.track_id, layer.number, layer.latency, layer.muted, False)


def _take_of(db: sqlite3.Connection, track_id: int) -> int:
    row = db.execute("SELECT take_id FROM tracks WHERE id = ?", (track_id,)).fetchone()
    if row is None:
        raise InputError(_("No track with id {id}.").format(id=track_id))
    return row[0]

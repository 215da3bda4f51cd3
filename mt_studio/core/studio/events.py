"""What changed in the studio, as plain values, and the hub that tells whoever listens.

A service announces an event inside its transaction; the studio hands it to the listeners
once the transaction is committed (never for one rolled back), in the thread that made the
change. A window turns them into Qt signals in one place (ui/bridge.py); a listener that
fails is logged and does not stop the others or the change.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """Something changed in the library."""


@dataclass(frozen=True)
class SessionChanged(Event):
    """A session was created or its details (title, date, therapist, notes…) edited."""

    session_id: int


@dataclass(frozen=True)
class AttendanceChanged(Event):
    """Someone was checked in to SESSION_ID or out of it."""

    session_id: int


@dataclass(frozen=True)
class SetupChanged(Event):
    """A session's inputs, their labels and players, or its MIDI keyboard changed."""

    session_id: int


@dataclass(frozen=True)
class ParticipantAdded(Event):
    """A participant was added to the library."""

    participant_id: int


@dataclass(frozen=True)
class ConsentChanged(Event):
    """Consent was granted or withdrawn for PARTICIPANT_ID."""

    participant_id: int


@dataclass(frozen=True)
class TakeChanged(Event):
    """A take started, finished, was recovered, named or given a note, or its looper layers
    changed: anything a list of takes shows."""

    take_id: int
    session_id: int


@dataclass(frozen=True)
class SongChanged(Event):
    """A song was created, saved, renamed, given writers, linked to a take or stamped."""

    song_id: int


@dataclass(frozen=True)
class ExportLogged(Event):
    """An export was written and logged (who it went to is in the library)."""

    export_id: int
    take_id: int


Listener = Callable[[Event], None]


class Events:
    """Listeners to the studio's events; `subscribe` returns the call that unsubscribes."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call LISTENER with every event from now on; the returned call stops that."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def emit(self, event: Event) -> None:
        """Tell every listener about EVENT, in this thread."""
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(event)
            except Exception:  # a window that cannot redraw must not undo a saved change
                log.exception("a listener failed on %s", event)

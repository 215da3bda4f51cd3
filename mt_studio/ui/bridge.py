"""The studio's events as Qt signals: the one place a window learns what changed.

The studio announces plain events in the thread that made the change (a worker's export, the
looper's writer); the bridge lives in the GUI thread, so the signals it emits reach the
windows there, queued when they come from another thread.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PyQt6.QtCore import QObject, pyqtSignal

if TYPE_CHECKING:
    from mt_studio.core.studio import Event, Studio


class StudioBridge(QObject):
    """Every event of STUDIO as a signal: `session_changed(session_id)`,
    `attendance_changed(session_id)`, `setup_changed(session_id)`,
    `participant_added(participant_id)`, `consent_changed(participant_id)`,
    `take_changed(take_id, session_id)`, `song_changed(song_id)`,
    `export_logged(export_id, take_id)`, `group_changed(group_id)`,
    `course_changed(participant_id)` and `reach_changed(reachable)` (a shared library's
    server lost or back); `changed(event)` for any of them."""

    changed = pyqtSignal(object)
    session_changed = pyqtSignal(int)
    attendance_changed = pyqtSignal(int)
    setup_changed = pyqtSignal(int)
    participant_added = pyqtSignal(int)
    consent_changed = pyqtSignal(int)
    take_changed = pyqtSignal(int, int)
    song_changed = pyqtSignal(int)
    export_logged = pyqtSignal(int, int)
    group_changed = pyqtSignal(int)
    course_changed = pyqtSignal(int)
    reach_changed = pyqtSignal(bool)

    def __init__(self, studio: Studio, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.studio = studio
        self._held: list[Event] | None = None  # while the window is locked
        self._holding = threading.Lock()
        self._unsubscribe = studio.events.subscribe(self._heard)
        self.destroyed.connect(lambda _object=None, off=self._unsubscribe: off())

    def close(self) -> None:
        """Stop listening (the window closes)."""
        self._unsubscribe()

    def hold(self) -> None:
        """Keep the events from now on instead of telling them (the window is locked, and
        nothing may be read to redraw), until `release`."""
        with self._holding:
            if self._held is None:
                self._held = []

    def release(self) -> None:
        """Tell the events kept since `hold`, each once, and tell them as they come again."""
        with self._holding:
            held, self._held = self._held or [], None
        for event in dict.fromkeys(held):
            self._tell(event)

    def _heard(self, event: Event) -> None:
        with self._holding:
            if self._held is not None:
                self._held.append(event)
                return
        self._tell(event)

    def _tell(self, event: Event) -> None:
        from mt_studio.core.studio.events import (  # loaded by then: announced with one
            AttendanceChanged,
            ConsentChanged,
            CourseChanged,
            ExportLogged,
            GroupChanged,
            ParticipantAdded,
            ServerReach,
            SessionChanged,
            SetupChanged,
            SongChanged,
            TakeChanged,
        )

        match event:
            case SessionChanged(session_id):
                self.session_changed.emit(session_id)
            case AttendanceChanged(session_id):
                self.attendance_changed.emit(session_id)
            case SetupChanged(session_id):
                self.setup_changed.emit(session_id)
            case ParticipantAdded(participant_id):
                self.participant_added.emit(participant_id)
            case ConsentChanged(participant_id):
                self.consent_changed.emit(participant_id)
            case TakeChanged(take_id, session_id):
                self.take_changed.emit(take_id, session_id)
            case SongChanged(song_id):
                self.song_changed.emit(song_id)
            case ExportLogged(export_id, take_id):
                self.export_logged.emit(export_id, take_id)
            case GroupChanged(group_id):
                self.group_changed.emit(group_id)
            case CourseChanged(participant_id):
                self.course_changed.emit(participant_id)
            case ServerReach(reachable):
                self.reach_changed.emit(reachable)
        self.changed.emit(event)

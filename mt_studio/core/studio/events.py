"""What changed in the studio, as plain values (told to listeners by `event_hub.Events`).

A service announces an event inside its transaction; the studio hands it to the listeners
once the transaction is committed (never for one rolled back), in the thread that made the
change. A window turns them into Qt signals in one place (ui/bridge.py).
"""

from __future__ import annotations

from dataclasses import dataclass


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
    """A take started, finished, was recovered, named or given a note, its looper layers
    changed, or its files reached the audio store: anything a list of takes shows."""

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


@dataclass(frozen=True)
class GroupChanged(Event):
    """A group was added, or someone joined or left it."""

    group_id: int


@dataclass(frozen=True)
class CourseChanged(Event):
    """A therapist wrote that PARTICIPANT_ID's course ended, began again, or goes on."""

    participant_id: int


@dataclass(frozen=True)
class ServerReach(Event):
    """The server of a shared library was lost (REACHABLE False: nothing can be saved until
    it is back) or is back (True: whatever changed meanwhile may be redrawn)."""

    reachable: bool

"""The studio: the one door to the library for every window, command and plugin.

`Studio.open(folder)` opens a library; its services are named by what people do (sessions
and check-in, participants and consent, recording, listening, sharing, songs, plugins), own
their transactions and announce what changed as plain events. See docs/architecture.md.
"""

from mt_studio.core.studio.events import (
    AttendanceChanged,
    ConsentChanged,
    Event,
    Events,
    ExportLogged,
    ParticipantAdded,
    SessionChanged,
    SetupChanged,
    SongChanged,
    TakeChanged,
)
from mt_studio.core.studio.studio import Studio, default_library_folder

__all__ = [
    "AttendanceChanged",
    "ConsentChanged",
    "Event",
    "Events",
    "ExportLogged",
    "ParticipantAdded",
    "SessionChanged",
    "SetupChanged",
    "SongChanged",
    "Studio",
    "TakeChanged",
    "default_library_folder",
]

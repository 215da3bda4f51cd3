"""The studio: the one door to the library for every window, command and plugin.

`Studio.open(folder)` opens a library; its services are named by what people do (sessions
and check-in, participants and consent, recording, listening, sharing, songs, plugins), own
their transactions and announce what changed as plain events. See docs/architecture.md.
"""

from mt_studio.core.studio.event_hub import Events
from mt_studio.core.studio.studio import Studio, default_library_folder

_EVENTS = ("AttendanceChanged", "ConsentChanged", "Event", "ExportLogged", "ParticipantAdded",
           "SessionChanged", "SetupChanged", "SongChanged", "TakeChanged")


def __getattr__(name: str) -> object:
    # The events load when first asked for, not with the studio: the window lists the
    # sessions before any is needed.
    if name in _EVENTS:
        from mt_studio.core.studio import events

        return getattr(events, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

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

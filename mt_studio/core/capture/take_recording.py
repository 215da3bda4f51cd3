"""The window's old way to record a take, kept until it goes through the studio: a take is
recorded by `studio.recording.start(request)` (mt_studio.core.studio.recording), its consent
planned by `take_plan.plan_take`, its engines run by `take_capture.TakeCapture`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from mt_studio.core.capture.take_capture import TakeResult
from mt_studio.core.capture.take_plan import MIDI_KEY, TakePlan, TakeRequest

if TYPE_CHECKING:  # transitional: the window calls this until it goes through the studio
    from sqlite3 import Connection

    from mt_studio.core.library import Library

__all__ = ["MIDI_KEY", "TakePlan", "TakeRecording", "TakeRequest", "TakeResult", "plan_take"]


# transitional: the window calls this until it goes through the studio
class TakeRecording:
    """`studio.recording.start(request)` on LIBRARY, in two steps: `start()`, then the
    recording's own `number`, `take_id`, `capture`, `midi_events`, `wait()` and `stop()`."""

    def __init__(self, library: Library, request: TakeRequest) -> None:
        self.library = library
        self.request = request
        self._recording = None

    def start(self) -> None:
        """Check consent and the device, create the take, and start recording."""
        from mt_studio.core.studio import Studio

        self._recording = Studio(self.library).recording.start(self.request)

    def __getattr__(self, name: str):
        if name.startswith("_") or self._recording is None:
            raise AttributeError(name)
        return getattr(self._recording, name)


# transitional: the window calls this until it goes through the studio
def plan_take(db: Connection, request: TakeRequest, inputs: Sequence[int],
              midi_port: str | None = None, at: datetime | None = None) -> TakePlan:
    """`studio.recording.plan` on the connection DB, at AT (default now)."""
    from mt_studio.core.studio.recording import read_plan

    return read_plan(db, request, inputs, midi_port, at)

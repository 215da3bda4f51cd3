"""Recording: what Record would record under the consent rules, takes recorded, the looper's
loops, and takes repaired after a crash. TakeChanged is announced as a take starts, finishes
or is recovered, and as a looper's layers change."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from mt_studio.core.capture.recovery import RecoveredTake, recover_takes
from mt_studio.core.capture.take_recording import (
    TakePlan,
    TakeRecording,
    TakeRequest,
    TakeResult,
    plan_take,
)
from mt_studio.core.studio.events import TakeChanged

if TYPE_CHECKING:
    from mt_studio.core.looper import Looper
    from mt_studio.core.studio.studio import Studio

__all__ = ["RecordingService", "TakePlan", "TakeRequest", "TakeResult"]


class RecordingService:
    """What a therapist does to record."""

    def __init__(self, studio: Studio) -> None:
        self._studio = studio

    def plan(self, request: TakeRequest, inputs: Sequence[int] | None = None,
             midi_port: str | None = None) -> TakePlan:
        """Which of INPUTS (default: the request's) and the MIDI port would record now, and
        why not: the rule Record is enabled by, and the take applies again as it starts."""
        with self._studio.reading() as db:
            return plan_take(db, request, request.inputs if inputs is None else inputs,
                             request.midi if midi_port is None else midi_port)

    def start(self, request: TakeRequest) -> TakeRecording:
        """Record a take: the consent rules and the device checked, the take made, the device
        recording when this returns. ConsentRefused, DeviceError or InputError say why not."""
        recording = _AnnouncedRecording(self._studio, request)
        recording.start()
        return recording

    def recover(self) -> list[RecoveredTake]:
        """Repair the takes a crash left behind (not those another process still records)."""
        with self._studio.reading():
            recovered = recover_takes(self._studio.library)
        for take in recovered:
            self._studio.announce(TakeChanged(take.take_id, take.session_id))
        return recovered

    def looper(self, session_id: int, device: str, samplerate: int, inputs: int, *,
               round_trip: int = 0) -> Looper:
        """A looper for SESSION_ID on DEVICE (not open yet: `start()` opens it)."""
        from mt_studio.core.looper import Looper

        return Looper(self._studio.library, session_id, device, samplerate, inputs,
                      round_trip=round_trip)

    def layers_changed(self, take_id: int, session_id: int) -> None:
        """A looper kept, undid, redid or muted a layer of TAKE_ID: tell the listeners."""
        self._studio.announce(TakeChanged(take_id, session_id))


class _AnnouncedRecording(TakeRecording):
    """A take that says when it started and when it finished."""

    def __init__(self, studio: Studio, request: TakeRequest) -> None:
        super().__init__(studio.library, request)
        self._studio = studio

    def start(self) -> None:
        try:
            super().start()
        finally:
            if getattr(self, "take_id", None) is not None:
                self._studio.announce(TakeChanged(self.take_id, self.request.session_id))

    def finish(self) -> TakeResult:
        try:
            return super().finish()
        finally:
            self._studio.announce(TakeChanged(self.take_id, self.request.session_id))

"""The status bar's word on recording, always true: recording, counting in, the looper busy,
refused and why, or ready and with what; before a session is open, which interfaces there are."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt6.QtWidgets import QLabel, QWidget

from mt_studio.core.errors import MtStudioError
from mt_studio.i18n import _, ngettext
from mt_studio.ui.common.worker import run_in_worker

if TYPE_CHECKING:
    from mt_studio.ui.looper.looper_panel import LooperPanel
    from mt_studio.ui.recording.record_panel import RecordPanel


class StudioStatus(QLabel):
    """Looks for audio inputs in a worker thread and says what it found; once a session is
    open (`follow`), says what its Record tab would do now, or is doing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_("Looking for audio interfaces…"), parent)
        self.available: bool | None = None
        self._devices_text = self.text()
        self._record: RecordPanel | None = None
        self._looper: LooperPanel | None = None
        self.setAccessibleName(_("Recording status"))

    def look(self) -> None:
        """Start looking (returns at once; the answer is shown when it arrives)."""
        run_in_worker(self, self._look, done=lambda found: self._found(*found),
                      thread="mt-studio-devices")

    def follow(self, record: RecordPanel, looper: LooperPanel) -> None:
        """Speak for RECORD and LOOPER, the open session's, from now on."""
        self._record, self._looper = record, looper
        record.state_changed.connect(self.update_text)
        looper.active_changed.connect(lambda _on: self.update_text())
        self.update_text()

    def update_text(self) -> None:
        """Say again what is true now."""
        text = self._devices_text if self._record is None else self._session_text()
        self.setText(text)
        self.setToolTip(text)

    def _session_text(self) -> str:
        record = self._record
        if record.is_recording:
            return _("● Recording take {number}").format(number=record.recording.number)
        if record.counter.counting:
            return _("Counting in – nothing is recorded yet")
        if self._looper is not None and self._looper.is_active:
            return _("The looper is using the audio interface")
        if self.available is False:
            return self._devices_text
        request, plan = record.plan()
        if plan is not None and plan.refusal:
            return plan.refusal  # "Recording refused: …", naming who
        if record.reason_disabled() is not None:
            return _("Not ready to record: {why}").format(why=record.reason_disabled())
        inputs = len(plan.armed) if plan is not None else len(request.inputs or ())
        words = ngettext("Ready to record {n} input of {device}",
                         "Ready to record {n} inputs of {device}", inputs).format(
            n=inputs, device=request.device)
        if request.midi:
            words += _(" and the MIDI keyboard")
        return words

    @staticmethod
    def _look() -> tuple[bool, str]:
        """Whether recording is possible, and the words to show (in a worker)."""
        from mt_studio.core.capture import devices

        try:
            inputs = devices.audio_input_devices()
        except MtStudioError as error:
            return False, _("Recording is unavailable: {why}").format(why=error)
        if not inputs:
            return False, _("Recording is unavailable: {why}").format(
                why=devices.no_input_device_message())
        return True, ngettext("Audio interface found: {names}",
                              "Audio interfaces found: {names}", len(inputs)).format(
            names=", ".join(device.name for device in inputs))

    def _found(self, available: bool, text: str) -> None:
        self.available = available
        self._devices_text = text
        self.update_text()

"""The status bar's word on recording: which interfaces are there, or why recording cannot work."""

from __future__ import annotations

import threading

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import QLabel, QWidget

from mt_studio.core.errors import MtStudioError
from mt_studio.i18n import _, ngettext


class DeviceStatus(QLabel):
    """Looks for audio inputs in a worker thread and says what it found."""

    found = pyqtSignal(bool, str)  # recording possible, the words to show

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_("Looking for audio interfaces…"), parent)
        self.available: bool | None = None
        self.setAccessibleName(_("Recording status"))
        self.found.connect(self._show)

    def look(self) -> None:
        """Start looking (returns at once; the answer arrives as `found`)."""
        threading.Thread(target=self._look, name="mt-studio-devices", daemon=True).start()

    def _look(self) -> None:
        from mt_studio.core.capture import devices

        try:
            inputs = devices.audio_input_devices()
        except MtStudioError as error:
            self.found.emit(False, _("Recording is unavailable: {why}").format(why=error))
            return
        if not inputs:
            self.found.emit(False, _("Recording is unavailable: {why}").format(
                why=devices.no_input_device_message()))
            return
        self.found.emit(True, ngettext("Ready to record: {n} audio input device",
                                       "Ready to record: {n} audio input devices",
                                       len(inputs)).format(n=len(inputs)))

    def _show(self, available: bool, text: str) -> None:
        self.available = available
        self.setText(text)
        self.setToolTip(text)

"""The looper's latency line: how late sound comes back through the interface, and Measure…,
which opens the dialog that measures it through a cable."""

from __future__ import annotations

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from mt_studio.core.capture.take_plan import TakeRequest
from mt_studio.i18n import _
from mt_studio.ui.looper.calibration_dialog import CalibrationDialog, milliseconds


class LatencyLine(QWidget):
    """The measured delay in words (`words`) and the Measure… button; `calibration` is the
    dialog opened last (None before). `measured(device, samplerate, frames)` once a
    measurement is saved."""

    measured = pyqtSignal(str, int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.calibration: CalibrationDialog | None = None
        self.words = QLabel()
        self.words.setWordWrap(True)
        self.words.setAccessibleName(_("Latency"))
        self.measure_button = QPushButton(_("Measure…"))
        self.measure_button.setAccessibleName(_("Measure the delay"))
        self.measure_button.setToolTip(_("Measure how late sound comes back through the "
                                         "interface, so that layers line up."))
        line = QHBoxLayout(self)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.words, 1)
        line.addWidget(self.measure_button)

    def show_delay(self, request: TakeRequest | None, frames: int | None, samplerate: int,
                   live: bool) -> None:
        """Say REQUEST's interface's round trip (FRAMES at SAMPLERATE; None: not measured);
        Measure… works while the looper is not LIVE."""
        if request is None:
            self.words.setText(_("Latency: choose the audio interface on the Inputs tab."))
        elif frames is None:
            self.words.setText(_("Latency: not measured – layers may be a little late."))
        else:
            self.words.setText(_("Latency: measured ({ms} ms)").format(
                ms=milliseconds(frames, samplerate)))
        self.measure_button.setEnabled(request is not None and not live)

    def calibrate(self, device: str, samplerate: int, first_input: int) -> None:
        """Open the dialog that measures DEVICE's delay at SAMPLERATE, from FIRST_INPUT on."""
        if self.calibration is not None:
            self.calibration.release()
        dialog = CalibrationDialog(device, samplerate, self, input=first_input)
        dialog.measured.connect(lambda frames: self.measured.emit(device, samplerate, frames))
        self.calibration = dialog
        dialog.open()

    def release(self, timeout: float = 5.0) -> None:
        """Stop a measurement under way and wait up to TIMEOUT seconds for the device."""
        if self.calibration is not None:
            self.calibration.release(timeout)

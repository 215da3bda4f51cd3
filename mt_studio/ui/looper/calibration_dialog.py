"""Measuring an interface's delay for the looper: a cable (or the microphone held to a speaker)
from an output to an input, eight clicks, and the round trip saved for that interface.

The measurement plays and records on the device, so it runs in a worker thread; the dialog
only shows what it found, or the plain words of what went wrong.
"""

from __future__ import annotations

import logging
import threading

from PyQt6.QtCore import QLocale, pyqtSignal
from PyQt6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mt_studio.core.errors import MtStudioError
from mt_studio.core.latency import measure_round_trip, save_round_trip
from mt_studio.i18n import _
from mt_studio.ui.common.dialog_buttons import translate
from mt_studio.ui.common.worker import Worker, run_in_worker

log = logging.getLogger(__name__)

MAX_CHANNEL = 64


def milliseconds(frames: int, samplerate: int) -> str:
    """FRAMES at SAMPLERATE as whole milliseconds, written as the system writes numbers."""
    return QLocale().toString(round(frames * 1000 / max(1, samplerate)))


class CalibrationDialog(QDialog):
    """Measures DEVICE's round trip at SAMPLERATE through a loopback and saves it.

    `measured(frames)` is emitted once a measurement is saved. `release()` stops a measurement
    under way and waits for the device to be let go.
    """

    measured = pyqtSignal(int)

    def __init__(self, device: str, samplerate: int, parent: QWidget | None = None, *,
                 input: int = 1) -> None:
        super().__init__(parent)
        self.device = device
        self.samplerate = samplerate
        self.frames: int | None = None
        self._cancel = threading.Event()
        self._worker: Worker | None = None
        self.setWindowTitle(_("Measure the delay"))

        heading = QLabel(_("Measure the delay of {device}").format(device=device))
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        heading.setFont(font)
        steps = QLabel(_(
            "So that new layers line up with the loop, the studio measures how long sound "
            "takes to go out of the interface and come back in.\n\n"
            "1. Connect an output of the interface to one of its inputs with a cable, or hold "
            "the microphone on that input close to the speaker.\n"
            "2. Choose that output and input below, and press Measure. You will hear a few "
            "short clicks.\n"
            "3. Take the cable away afterwards."))
        steps.setWordWrap(True)
        self.output_choice = QSpinBox()
        self.output_choice.setRange(1, MAX_CHANNEL)
        self.output_choice.setAccessibleName(_("Output the cable comes from"))
        self.input_choice = QSpinBox()
        self.input_choice.setRange(1, MAX_CHANNEL)
        self.input_choice.setValue(max(1, min(input, MAX_CHANNEL)))
        self.input_choice.setAccessibleName(_("Input the cable goes to"))
        form = QFormLayout()
        form.addRow(_("Output"), self.output_choice)
        form.addRow(_("Input"), self.input_choice)
        self.measure_button = QPushButton(_("Measure"))
        self.measure_button.setAccessibleName(_("Measure the delay"))
        self.measure_button.setDefault(True)
        line = self.measure_button.fontMetrics().height()
        self.measure_button.setMinimumHeight(line * 2)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setAccessibleName(_("Measurement result"))
        self.result.setMinimumHeight(line * 3)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        translate(buttons)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(steps)
        layout.addLayout(form)
        layout.addWidget(self.measure_button)
        layout.addWidget(self.result)
        layout.addWidget(buttons)
        self.setMinimumWidth(line * 28)

        self.measure_button.clicked.connect(self.measure)

    @property
    def measuring(self) -> bool:
        """True while a measurement runs."""
        return self._worker is not None and self._worker.running

    def measure(self) -> None:
        """Play the clicks and listen for them, in a worker thread (returns at once)."""
        if self.measuring:
            return
        self._cancel.clear()
        self.measure_button.setEnabled(False)
        self.result.setText(_("Measuring… Keep the room as quiet as you can for a moment."))
        device, rate = self.device, self.samplerate
        output, input_ = self.output_choice.value(), self.input_choice.value()
        cancel = self._cancel

        def work() -> tuple[int | None, str]:
            """The frames measured and saved (None on failure), and the problem in words."""
            try:
                frames = measure_round_trip(device, rate, output=output, input=input_,
                                            cancelled=cancel.is_set)
                save_round_trip(device, rate, frames)
            except MtStudioError as error:
                return None, str(error)
            except OSError as error:
                log.warning("the round trip could not be saved: %s", error)
                return None, _("The delay was measured but could not be saved: {error}").format(
                    error=error)
            except Exception as error:  # a failing device must not end the thread silently
                log.exception("measuring the round trip failed")
                return None, _("The measurement failed: {error}").format(error=error)
            return frames, ""

        self._worker = run_in_worker(self, work, done=lambda ended: self._show_result(*ended),
                                     thread="mt-studio-calibrate")

    def _show_result(self, frames: int | None, problem: str) -> None:
        self.measure_button.setEnabled(True)
        if frames is None:
            self.result.setText(problem)
            self.adjustSize()
            return
        self.frames = frames
        self.result.setText(_(
            "Measured: {ms} ms. It is saved for {device} at {rate} Hz, and new layers will "
            "line up with the loop. You can take the cable away now.").format(
            ms=milliseconds(frames, self.samplerate), device=self.device, rate=self.samplerate))
        self.adjustSize()
        self.measured.emit(frames)

    def release(self, timeout: float = 5.0) -> None:
        """Stop a measurement under way and wait up to TIMEOUT seconds for the device."""
        self._cancel.set()
        if self._worker is not None:
            self._worker.wait(timeout)

    def done(self, result: int) -> None:  # closing stops a measurement under way
        self._cancel.set()
        super().done(result)

"""Recording a new take of a song on the participant's own inputs: Record with a count-in, as
the Record tab counts in, the time recorded, and Stop. The studio's participant door plans
the take and applies the consent rules (docs/architecture.md, "Recorded"); what it refuses is
said in its words, which name nobody."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PyQt6.QtCore import QTimer, pyqtSignal
from PyQt6.QtWidgets import QCheckBox, QHBoxLayout, QVBoxLayout, QWidget

from mt_studio.core.capture.take_plan import TakeRequest
from mt_studio.core.errors import MtStudioError
from mt_studio.i18n import _
from mt_studio.ui.common.take_words import duration_text
from mt_studio.ui.participant.big_type import big_button, page_font, words
from mt_studio.ui.participant.my_words import cannot_now
from mt_studio.ui.recording.count_in import ClickPlayer, CountIn, play_on_default_output

if TYPE_CHECKING:
    from mt_studio.core.studio.participant_studio import ParticipantStudio
    from mt_studio.core.studio.recording import Recording

log = logging.getLogger(__name__)

TICK_MS = 100
COUNT_IN_BARS = 1


class MyRecorder(QWidget):
    """Record and Stop a take on the participant's inputs of DEVICE (None: no interface
    chosen); the count-in shows over OVERLAY (default: this widget).

    `recording_changed(bool)` as a take starts and ends (a player must let go of the device
    before); `take_recorded(take_id)` once a take is kept.
    """

    recording_changed = pyqtSignal(bool)
    take_recorded = pyqtSignal(int)

    def __init__(self, mine: ParticipantStudio, device: str | None,
                 parent: QWidget | None = None, *, overlay: QWidget | None = None,
                 click_player: ClickPlayer = play_on_default_output) -> None:
        super().__init__(parent)
        self._mine = mine
        self.device = device
        self.bpm: float | None = None  # the count-in's tempo (None: the usual one)
        self.recording: Recording | None = None
        self._reason: str | None = None
        self.record_button = big_button(_("Record a new take"), _("Record a new take"))
        big = page_font(1.2)
        big.setBold(True)
        self.record_button.setFont(big)
        self.record_button.clicked.connect(self.toggle_record)
        self.count_in = QCheckBox(_("Count in first"))
        self.count_in.setChecked(True)
        self.count_in.setAccessibleName(_("Count in before recording"))
        self.count_in.setToolTip(_("Count four beats on screen and aloud before the take "
                                   "starts."))
        self.elapsed = words(duration_text(0), _("Time recorded"))
        self.elapsed.setFont(page_font(1.6))
        self.message = words("", _("Recording status"))
        self.counter = CountIn(overlay or self, click_player)
        self.counter.finished.connect(self._start)
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        line = QHBoxLayout()
        line.addWidget(self.record_button, 3)
        line.addWidget(self.elapsed, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(line)
        layout.addWidget(self.count_in)
        layout.addWidget(self.message)
        self.refresh()

    @property
    def is_recording(self) -> bool:
        """Whether a take records now."""
        return self.recording is not None

    def request(self) -> TakeRequest | None:
        """What Record records: the participant's inputs of the device, and the session's
        keyboard when they play it (None: no input)."""
        inputs = self._mine.recording.inputs()
        if self.device is None or not inputs:
            return None
        return TakeRequest(self._mine.session_id, self.device, inputs=inputs,
                           midi=self._mine.recording.keyboard())

    def reason_disabled(self) -> str | None:
        """Why Record is off, in words; None when it may be pressed."""
        return self._reason

    def refresh(self) -> None:
        """Ask the studio again whether a take may be recorded (consent may have changed)."""
        if not self.is_recording and not self.counter.counting:
            self._reason = self._why_not()
        self._show()

    def toggle_record(self, *_checked: object) -> None:
        """Start a take (after the count-in, if chosen), cancel the count-in, or stop."""
        if self.is_recording:
            self.stop_recording()
        elif self.counter.counting:
            self.counter.cancel()
            self.refresh()
        elif self._reason is None:
            self.recording_changed.emit(True)  # the player lets go of the device now
            if self.count_in.isChecked():
                self.counter.start(COUNT_IN_BARS, self.bpm)
                self._show()
            else:
                self._start()

    def stop_recording(self) -> None:
        """Stop the take and keep it."""
        recording, self.recording = self.recording, None
        if recording is None:
            return
        self._timer.stop()
        try:
            result = recording.stop()
        except Exception:  # the engine closed the files; the studio repairs the take later
            log.exception("stopping the participant's take failed")
            self.message.setText(_("The recording stopped. Your therapist can find the take."))
            result = None
        if result is not None:
            length = duration_text(result.frames / max(1, result.samplerate))
            if result.stopped_by_trouble:
                self.message.setText(_("The recording stopped by itself. Take {number} is "
                                       "kept ({length}).").format(number=result.number,
                                                                  length=length))
            else:
                self.message.setText(_("Take {number} is kept ({length}).").format(
                    number=result.number, length=length))
        self.refresh()
        self.recording_changed.emit(False)
        if result is not None:
            self.take_recorded.emit(result.take_id)

    def _start(self) -> None:
        request = self.request()
        if request is None or self._why_not() is not None:
            self.refresh()
            self.recording_changed.emit(False)
            return
        try:
            self.recording = self._mine.recording.start(request)
        except MtStudioError as error:  # worded without anyone's name by the studio
            self.message.setText(str(error))
        except Exception:
            log.exception("the participant's take could not start")
            self.message.setText(cannot_now())
        if self.recording is None:
            self.refresh()
            self.recording_changed.emit(False)
            return
        self.message.setText(_("Recording. Press Stop when you are done."))
        self._tick()
        self._timer.start()
        self._show()

    def _tick(self) -> None:
        recording = self.recording
        if recording is None:
            return
        capture = recording.capture
        self.elapsed.setText(duration_text(capture.clock() / capture.settings.samplerate))
        if capture.wait(0):  # stopped by itself: the disk, the device, a set length
            self.stop_recording()

    def _why_not(self) -> str | None:
        if self.device is None:
            return _("No audio interface is chosen. Ask your therapist.")
        request = self.request()
        if request is None:
            return _("No input of this session is yours. Ask your therapist.")
        try:
            plan = self._mine.recording.plan(request)
        except MtStudioError as error:
            return str(error)
        return plan.refusal

    def _show(self) -> None:
        button = self.record_button
        if self.is_recording:
            button.setText(_("Stop"))
            button.setAccessibleName(_("Stop recording"))
        elif self.counter.counting:
            button.setText(_("Cancel count-in"))
            button.setAccessibleName(_("Cancel the count-in"))
        else:
            button.setText(_("Record a new take"))
            button.setAccessibleName(_("Record a new take"))
            self.elapsed.setText(duration_text(0))
        button.setEnabled(self.is_recording or self.counter.counting or self._reason is None)
        button.setToolTip(self._reason or "")
        self.count_in.setEnabled(not self.is_recording and not self.counter.counting)
        if self._reason is not None and not self.is_recording:
            self.message.setText(self._reason)

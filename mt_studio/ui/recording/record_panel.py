"""The Record tab: a big Record/Stop, time, disk left, meters, dropouts, markers and a count-in.

Record asks the studio's plan (the rule the take applies again as it starts) before it is
enabled, and says in words who blocks it. While recording, a timer pulls the engine's latest
meter readings and clock; it never waits on the engine. Before a take, the meters show the
levels a monitor reads (`show_levels`). R starts a take; only Stop or Ctrl+R end it, never a key
one types: a marker's name is typed while the take goes on.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PyQt6.QtCore import QEvent, QObject, Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QKeySequence, QShortcut
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from mt_studio.core.capture.meters import SILENCE_DBFS, MeterReading
from mt_studio.core.capture.wav_stream import bytes_per_second
from mt_studio.core.domain.sessions import Session
from mt_studio.core.errors import MtStudioError
from mt_studio.core.studio.recording import Recording, TakePlan, TakeRequest, TakeResult
from mt_studio.i18n import _, ngettext
from mt_studio.ui.common.activity_light import ActivityLight
from mt_studio.ui.common.key_shortcuts import add_shortcuts, text_field_has_focus
from mt_studio.ui.common.meter_widget import MeterWidget
from mt_studio.ui.common.take_words import duration_text
from mt_studio.ui.recording.count_in import ClickPlayer, CountIn, play_on_default_output
from mt_studio.ui.recording.record_words import disarmed_text, disk_time_text, dropout_text

if TYPE_CHECKING:
    from mt_studio.core.studio import Studio
    from mt_studio.ui.bridge import StudioBridge

log = logging.getLogger(__name__)

TICK_MS = 33  # 30 meter frames a second
DISK_EVERY_TICKS = 30
STOP_KEYS = "Ctrl+R"  # no typing makes it
# Keys that press a focused button: while a take records, the Stop button ignores them.
_PRESSING_KEYS = (Qt.Key.Key_Space, Qt.Key.Key_Select, Qt.Key.Key_Return, Qt.Key.Key_Enter)
_SILENT = MeterReading(SILENCE_DBFS, SILENCE_DBFS, False)


class RecordPanel(QWidget):
    """Record and stop takes of the open session, with meters, markers and a count-in.

    Signals: `recording_starting()` just before a take opens the device (whoever holds it
    must let go at once); `recording_changed(bool)`; `take_recorded(take_id)`;
    `state_changed()` whenever what Record would do changed.
    """

    take_recorded = pyqtSignal(int)
    recording_changed = pyqtSignal(bool)
    recording_starting = pyqtSignal()
    state_changed = pyqtSignal()

    def __init__(self, studio: Studio, bridge: StudioBridge | None = None,
                 parent: QWidget | None = None, *,
                 click_player: ClickPlayer = play_on_default_output) -> None:
        super().__init__(parent)
        self.studio = studio
        self.bridge = bridge  # the studio's events as signals (None: a panel alone, in tests)
        self._session: Session | None = None
        self._request: TakeRequest | None = None
        self._device_problem = ""
        self._plan: TakePlan | None = None
        self._reason: str | None = None
        self.recording: Recording | None = None
        self._ticks = 0
        self._markers = 0
        self._pending_marker: tuple[int, str] | None = None
        self._metered: tuple[int, ...] = ()  # the inputs the meters show, in order
        self._meter_labels: list[str] = []
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        if bridge is not None:  # consent, attendance or the session changed: ask the rules again
            bridge.consent_changed.connect(lambda _participant: self.refresh())
            for changed in (bridge.attendance_changed, bridge.session_changed):
                changed.connect(self._session_changed)

        self.title = QLabel(self)
        self.record_button = QPushButton(self)
        self.record_button.setAccessibleName(_("Record"))
        self.record_button.setSizePolicy(QSizePolicy.Policy.Preferred,
                                         QSizePolicy.Policy.Expanding)
        big = self.record_button.font()
        big.setPointSizeF(big.pointSizeF() * 2)
        big.setBold(True)
        self.record_button.setFont(big)
        line = self.record_button.fontMetrics().height()
        self.record_button.setMinimumSize(line * 6, line * 3)
        self.reason = QLabel(self)
        self.reason.setWordWrap(True)
        self.disarmed = QLabel(self)
        self.disarmed.setWordWrap(True)
        self.elapsed = QLabel(duration_text(0), self)
        clock_font = self.elapsed.font()
        clock_font.setPointSizeF(clock_font.pointSizeF() * 2.5)
        self.elapsed.setFont(clock_font)
        self.elapsed.setAccessibleName(_("Time recorded"))
        self.disk = QLabel(self)
        self.levels_note = QLabel(_("Levels now: nothing is recorded until you press Record."),
                                  self)
        self.dropouts = QLabel(dropout_text(0), self)
        self.dropouts.setWordWrap(True)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.count_in = QCheckBox(_("Count in"), self)
        self.count_in.setAccessibleName(_("Count in before recording"))
        self.count_in.setToolTip(_("Count the beats aloud and on screen before the take starts."))
        self.count_in_bars = QComboBox(self)
        self.count_in_bars.setAccessibleName(_("Count-in length"))
        for bars in (1, 2):
            self.count_in_bars.addItem(ngettext("{n} bar", "{n} bars", bars).format(n=bars), bars)
        self.meters = MeterWidget(self)
        self.midi_light = ActivityLight(_("MIDI keyboard"), self)
        self.midi_light.setAccessibleName(_("MIDI activity"))
        self.midi_light.setToolTip(_("Lights when the MIDI keyboard sends a note or a "
                                     "controller."))
        self.marker_button = QPushButton(_("Add marker (M)"), self)
        self.marker_button.setAccessibleName(_("Add marker"))
        self.marker_button.setToolTip(_("Mark this moment in the take, to find it again later."))
        self.marker_name = QLineEdit(self)
        self.marker_name.setAccessibleName(_("Marker name"))
        self.marker_name.setToolTip(_("Type a name for the last marker and press Enter. "
                                      "The recording goes on while you type."))
        self.marker_name.setPlaceholderText(_("Name of the last marker"))
        self.counter = CountIn(self, click_player)

        top = QGridLayout()
        top.addWidget(self.record_button, 0, 0, 2, 1)
        top.addWidget(self.reason, 0, 1)
        top.addWidget(self.disarmed, 1, 1)
        top.setColumnStretch(1, 1)
        status = QHBoxLayout()
        status.addWidget(self.elapsed)
        status.addWidget(self.levels_note)
        status.addStretch(1)
        status.addWidget(self.disk)
        count_line = QHBoxLayout()
        count_line.addWidget(self.count_in)
        count_line.addWidget(self.count_in_bars)
        count_line.addStretch(1)
        marker_line = QHBoxLayout()
        marker_line.addWidget(self.marker_button)
        marker_line.addWidget(self.marker_name, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(top)
        layout.addLayout(count_line)
        layout.addLayout(status)
        layout.addWidget(self.meters)
        layout.addWidget(self.midi_light)
        layout.addWidget(self.dropouts)
        layout.addLayout(marker_line)
        layout.addWidget(self.message)
        layout.addStretch(1)

        self.record_button.clicked.connect(self.toggle_record)
        self.marker_button.clicked.connect(self.add_marker)
        self.marker_name.returnPressed.connect(self._marker_named)
        self.counter.finished.connect(self._start_recording)
        add_shortcuts(self, (("R", self._record_key), ("M", self.add_marker)))
        QShortcut(QKeySequence(STOP_KEYS), self, self._stop_key,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.record_button.installEventFilter(self)
        self.setFocusProxy(self.record_button)  # where the keys go back after a marker's name
        self._show_state()

    # -- public API ---------------------------------------------------------------------------

    def show_session(self, session_id: int) -> None:
        """Show session SESSION_ID (ignored while a take records)."""
        if self.is_recording:
            return
        self._session = self.studio.sessions.get(session_id)
        self.count_in.setChecked(self._session.count_in_bars > 0)
        self.count_in_bars.setCurrentIndex(
            max(0, self.count_in_bars.findData(self._session.count_in_bars)))
        self.message.clear()
        self.refresh()

    def refresh(self) -> None:
        """Reread the session and ask the consent rules again."""
        if self._session is not None and not self.is_recording:
            self._session = self.studio.sessions.get(self._session.id)
        self._show_state()

    def _session_changed(self, session_id: int) -> None:
        if self._session is not None and session_id == self._session.id:
            self.refresh()

    def refresh_consent(self) -> None:
        """Consent or attendance changed: ask the consent rules again."""
        self.refresh()

    def set_request(self, request: TakeRequest | None) -> None:
        """What the Inputs tab would record now (None: nothing usable); used from the next take."""
        self._request = request
        self._show_state()

    def set_device_problem(self, problem: str) -> None:
        """Why no audio device can be used ("" when one can): shown as Record's reason."""
        self._device_problem = problem
        self._show_state()

    @property
    def is_recording(self) -> bool:
        """True while a take records."""
        return self.recording is not None

    def reason_disabled(self) -> str | None:
        """Why Record is off, in words; None when it may be pressed."""
        return self._reason

    def plan(self) -> tuple[TakeRequest | None, TakePlan | None]:
        """What Record would record now, and what the consent rules made of it."""
        return self._request, self._plan

    def toggle_record(self) -> None:
        """Start (after the count-in, if chosen) or stop a take; cancel a running count-in."""
        if self.is_recording:
            self.stop_recording()
        elif self.counter.counting:
            self.counter.cancel()
            self._show_state()
        elif self._reason is None:
            if self.count_in.isChecked():
                self.counter.start(self.count_in_bars.currentData() or 1,
                                   self._session.tempo_bpm if self._session else None)
                self._show_state()
            else:
                self._start_recording()

    def show_levels(self, readings: Sequence[MeterReading]) -> None:
        """Show the levels of inputs 1, 2, … (READINGS, from a monitor) on the meters of the
        inputs a take would record; ignored while one records."""
        if not self.is_recording:
            self.meters.set_readings([readings[n - 1] if n <= len(readings) else _SILENT
                                      for n in self._metered])

    def show_midi_activity(self, messages: int | None) -> None:
        """MESSAGES heard from the MIDI keyboard so far (None: a new count starts)."""
        if messages is None:
            self.midi_light.reset()
        elif not self.is_recording:
            self.midi_light.show_count(messages)

    def add_marker(self) -> None:
        """Drop a marker at the take's position now and put the keys in its name (typed while
        the take goes on; Enter gives the keys back)."""
        if self.recording is None or self.recording.capture is None:
            return
        frame = self.recording.capture.clock()
        self._commit_marker()
        self._markers += 1
        name = _("Marker {n}").format(n=self._markers)
        self._pending_marker = (frame, name)
        self.marker_name.setText(name)
        self.marker_name.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.marker_name.selectAll()  # typing replaces the name
        self.message.setText(_("{name} added at {time}. Type its name and press Enter; the "
                               "take goes on.").format(
            name=name, time=duration_text(frame / self.recording.capture.settings.samplerate)))

    def stop_recording(self) -> TakeResult | None:
        """Stop the take, keep its files, and say how it went."""
        recording = self.recording
        if recording is None:
            return None
        self._timer.stop()
        self._commit_marker()
        try:
            result = recording.stop()
        except Exception:  # the files are closed by the engine; say so plainly
            log.exception("stopping the take failed")
            self.message.setText(_("The recording stopped, but the take could not be closed "
                                   "properly. It will be repaired when the studio starts again."))
            result = None
        self.recording = None
        self.marker_name.clear()
        if result is not None:
            seconds = duration_text(result.frames / result.samplerate)
            if result.stopped_by_trouble:
                self.message.setText(_(
                    "The recording stopped by itself ({why}). Everything recorded until then "
                    "is kept as take {number} ({length}).").format(
                    why=result.stop_detail or result.stop_reason.value, number=result.number,
                    length=seconds))
            else:
                self.message.setText(_("Take {number} is saved ({length}).").format(
                    number=result.number, length=seconds))
        self._show_state()
        self.recording_changed.emit(False)
        if result is not None:
            self.take_recorded.emit(result.take_id)
        return result

    # -- recording ----------------------------------------------------------------------------

    def _start_recording(self) -> None:
        self._show_state()
        if self._reason is not None or self._request is None:
            return
        request = self._request
        self.recording_starting.emit()  # a level monitor lets go of the device now
        try:
            recording = self.studio.recording.start(request)
        except MtStudioError as error:
            self.message.setText(str(error))
            self._show_state()
            return
        except Exception:
            log.exception("the take could not start")
            self.message.setText(_("The recording could not start. Check the audio interface "
                                   "and try again."))
            self._show_state()
            return
        self.recording = recording
        self._markers = 0
        self._pending_marker = None
        self._label_meters(recording.capture.settings.inputs, fresh=True)  # no clip from before
        self.midi_light.reset()
        self.message.setText(_("Recording take {number}. Click Stop (or press {keys}) to end "
                               "it, M to mark a moment.").format(number=recording.number,
                                                                 keys=STOP_KEYS))
        self._ticks = 0
        self._tick()
        self._timer.start()
        self._show_state()
        self.recording_changed.emit(True)

    def _tick(self) -> None:
        recording = self.recording
        if recording is None:
            return
        capture = recording.capture
        self.meters.set_readings(capture.meters.latest())
        self.elapsed.setText(duration_text(capture.clock() / capture.settings.samplerate))
        self.dropouts.setText(dropout_text(len(capture.dropouts)))
        self.midi_light.show_count(recording.midi_events)
        if self._ticks % DISK_EVERY_TICKS == 0 and capture.free_bytes is not None:
            # The writer measures the disk anyway; the window never waits on it while recording.
            self._show_disk(len(capture.settings.inputs), capture.settings.samplerate,
                            capture.free_bytes)
        self._ticks += 1
        if capture.wait(0):  # stopped by itself: disk full, device lost, duration
            self.stop_recording()

    def _record_key(self) -> None:
        """R: start a take, or cancel the count-in; never the end of a take."""
        if self.is_recording:
            self.message.setText(_("The take goes on. To end it, click Stop or press "
                                   "{keys}.").format(keys=STOP_KEYS))
        else:
            self.toggle_record()

    def _stop_key(self) -> None:
        if not self.is_recording:
            return
        if text_field_has_focus():
            self.message.setText(_("The take goes on while a name is typed. Press Enter, then "
                                   "{keys} to stop (or click Stop).").format(keys=STOP_KEYS))
            return
        self.stop_recording()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        """Keep the keys that press a focused button from pressing Stop: Space is typed."""
        if (watched is self.record_button and self.is_recording
                and event.type() == QEvent.Type.KeyPress and event.key() in _PRESSING_KEYS):
            self._record_key()  # says how to stop
            return True
        return super().eventFilter(watched, event)

    def _marker_named(self) -> None:
        self._commit_marker()
        self.setFocus(Qt.FocusReason.OtherFocusReason)  # the next M drops the next marker

    def _label_meters(self, inputs: Sequence[int], fresh: bool = False) -> None:
        """Meter INPUTS, labelled with their number and instrument; the meters keep their
        peak holds and clip lights unless these change or FRESH."""
        session_labels = {i.number: i.label for i in self._session.inputs} if self._session \
            else {}
        request_labels = self._request.labels if self._request is not None else {}
        labels = {**session_labels, **request_labels}
        texts = ["{n} {label}".format(n=n, label=labels.get(n, "")).strip() for n in inputs]
        if fresh or tuple(inputs) != self._metered or texts != self._meter_labels:
            self._metered, self._meter_labels = tuple(inputs), texts
            self.meters.set_labels(texts)

    def _commit_marker(self) -> None:
        if self._pending_marker is None or self.recording is None:
            return
        frame, default = self._pending_marker
        name = self.marker_name.text().strip() or default
        try:
            self.studio.listening.add_marker(self.recording.take_id, frame, name)
        except Exception:  # a marker is never worth the take
            log.exception("the marker could not be stored")
            self.message.setText(_("The marker could not be saved; the recording goes on."))
        self._pending_marker = None

    # -- state --------------------------------------------------------------------------------

    def _why_not(self) -> str | None:
        self._plan = None
        if self._session is None:
            return _("Open a session first.")
        if self._device_problem:
            return self._device_problem
        request = self._request
        if request is None or request.session_id != self._session.id:
            return _("Choose the audio interface and inputs on the Inputs tab.")
        if not request.inputs:
            return _("No input is ticked for recording on the Inputs tab.")
        try:
            self._plan = self.studio.recording.plan(request)
        except MtStudioError as error:
            return str(error)
        if self._plan.refusal is None:
            return None
        return _("{refusal} The session can go on without recording, or give their "
                 "instrument its own direct input on the Inputs tab.").format(
            refusal=self._plan.refusal)

    def _show_state(self) -> None:
        recording = self.is_recording
        counting = self.counter.counting
        self._reason = None if recording or counting else self._why_not()
        if self._session is not None:
            self.title.setText(_("Session: {title}").format(title=self._session.title))
        button = self.record_button
        if recording:
            button.setText(_("Stop"))
            button.setToolTip(_("Stop the take ({keys}). Typing never stops it.").format(
                keys=STOP_KEYS))
            button.setAccessibleDescription(_("Stops the recording. Click it, or press "
                                              "{keys}.").format(keys=STOP_KEYS))
        elif counting:
            button.setText(_("Cancel count-in"))
            button.setToolTip(_("Stop the count-in; nothing is recorded (R)"))
            button.setAccessibleDescription(_("Cancels the count-in."))
        else:
            button.setText(_("Record"))
            tip = self._reason or _("Start recording a take (R)")
            button.setToolTip(tip)
            button.setAccessibleDescription(tip)
        button.setEnabled(recording or counting or self._reason is None)
        self.reason.setText(self._reason or "")
        self.disarmed.setText(disarmed_text(self._plan) if not recording else "")
        self.marker_button.setEnabled(recording)
        self.marker_name.setEnabled(recording)
        self.count_in.setEnabled(not recording and not counting)
        self.count_in_bars.setEnabled(not recording and not counting)
        self.midi_light.setVisible(bool(self._request and self._request.midi))
        self.levels_note.setVisible(not recording and self._request is not None)
        if not recording:
            plan, request = self._plan, self._request
            if plan is not None:
                self._label_meters(plan.armed)
            else:
                self._label_meters(request.inputs or () if request is not None else ())
            if plan is not None and plan.allowed and self._request is not None:
                rate = self._request.samplerate or 48000
                self._show_disk(len(plan.armed), rate)
            else:
                self.disk.clear()
        self.state_changed.emit()

    def _show_disk(self, channels: int, samplerate: int, free: int | None = None) -> None:
        if self._request is None or channels == 0:
            self.disk.clear()
            return
        if free is None:
            try:
                free = shutil.disk_usage(self.studio.recording.disk_folder()).free
            except (OSError, MtStudioError):
                self.disk.clear()
                return
        self.disk.setText(disk_time_text(
            free, bytes_per_second(samplerate, channels, self._request.sample_format)))


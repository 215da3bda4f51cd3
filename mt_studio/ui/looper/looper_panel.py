"""The Looper tab: record a loop, layer over it while it plays, undo, redo and mute layers.

The looper is core (`mt_studio.core.looper`): it asks consent for each layer, keeps each layer
as a track, and lines layers up by the device's measured round trip. This panel chooses who
plays into which input, opens and closes the device in worker threads, and pulls the looper's
state, position and finished layers on a timer; it never waits on the device or the disk.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PyQt6.QtCore import QLocale, Qt, QTimer, pyqtSignal
from PyQt6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from mt_studio.core.capture.take_recording import TakeRequest
from mt_studio.core.errors import ConsentRefused, MtStudioError
from mt_studio.core.latency import saved_round_trip
from mt_studio.core.library import Library, participants, sessions, takes
from mt_studio.core.library.layers import Layer
from mt_studio.core.looper import Looper, LooperState, Player
from mt_studio.core.metronome import CountIn, beat_frame, count_in
from mt_studio.core.tempo import TapTempo, check_tempo
from mt_studio.i18n import _, ngettext
from mt_studio.ui.common.key_shortcuts import add_shortcuts
from mt_studio.ui.common.worker import Worker, run_in_worker
from mt_studio.ui.looper.calibration_dialog import CalibrationDialog, milliseconds
from mt_studio.ui.looper.layer_list import LayerList, scaled

log = logging.getLogger(__name__)

TICK_MS = 40  # 25 looks at the looper a second
BEATS_PER_BAR = 4
MOST_BARS = 8
POSITION_STEPS = 1000


def seconds_text(frames: int, samplerate: int) -> str:
    """FRAMES as seconds with one decimal, written as the system writes numbers."""
    return QLocale().toString(frames / max(1, samplerate), "f", 1)


def who_text(owners: tuple[int, ...], names: dict[int, str]) -> str:
    """Who plays: their pseudonyms, or everyone in the room for a microphone nobody owns."""
    if not owners:
        return _("everyone in the room")
    return ", ".join(sorted((names.get(p, "?") for p in owners), key=str.casefold))


class LooperPanel(QWidget):
    """Record a loop from one input, overdub layers from any, and see who played each.

    Slots: `show_session(session_id)`, `set_request(request)` (the Inputs tab's choices),
    `release()` (stop and let go of the device; call it before the window closes).
    Signals: `layers_changed(take_id)` after a layer is kept, undone, redone or muted;
    `active_changed(bool)` when the looper takes or lets go of the audio device.
    """

    layers_changed = pyqtSignal(int)
    active_changed = pyqtSignal(bool)

    def __init__(self, library: Library, parent: QWidget | None = None, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self.library = library
        self._clock = clock
        self._session: sessions.Session | None = None
        self._request: TakeRequest | None = None
        self.looper: Looper | None = None  # the loop shown: playing, opening or stopped
        self._live = False  # the looper has (or is getting) the device
        self._ready = False  # ...and has it
        self._channels = 0  # inputs the live looper's stream opened
        self._layers: list[Layer] = []
        self._round_trips: dict[tuple[str, int], int | None] = {}
        self._unclosed: list[Looper] = []  # started, not yet closed
        self._workers: list[Worker] = []
        self._tap = TapTempo()
        self._loop_bpm: float | None = None  # the tempo of a loop of bars
        self._stop_after_layer = False  # Stop was pressed while a layer was being played
        self._counted_start: tuple[Player, int, CountIn] | None = None  # waits for the sound
        self.calibration: CalibrationDialog | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._build()
        self._show_state()

    # -- building -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.title = scaled(QLabel(), 1.3, bold=True)

        self.input_choice = QComboBox()
        # Who plays is who must consent: the whole words stay in sight.
        self.input_choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.input_choice.setAccessibleName(_("Input to loop from"))
        self.input_choice.setToolTip(_("Who plays the next layer, and into which input. "
                                       "Inputs and players are chosen on the Inputs tab."))
        self.length_choice = QComboBox()
        self.length_choice.setAccessibleName(_("Loop length"))
        self.length_choice.setToolTip(_("Free: the loop is as long as you play before "
                                        "pressing Close loop. Or a number of bars at the tempo."))
        self.length_choice.addItem(_("Free – you close the loop"), 0)
        for bars in range(1, MOST_BARS + 1):
            self.length_choice.addItem(ngettext("{n} bar", "{n} bars", bars).format(n=bars),
                                       bars)
        self.tempo = QLineEdit()
        self.tempo.setAccessibleName(_("Tempo in beats per minute"))
        self.tempo.setPlaceholderText(_("Beats per minute"))
        self.tempo.setToolTip(_("Type the tempo, or tap it with the Tap button or the T key."))
        self.tap_button = QPushButton(_("Tap (T)"))
        self.tap_button.setAccessibleName(_("Tap the tempo"))
        self.tap_button.setToolTip(_("Tap along with the beat a few times to set the tempo."))
        line = self.fontMetrics().height()
        self.tempo.setMaximumWidth(line * 8)
        self.count_in_box = QCheckBox(_("Count in"))
        self.count_in_box.setAccessibleName(_("Count in one bar before the loop"))
        self.count_in_box.setToolTip(_("For a loop of bars: one bar of clicks and big numbers "
                                       "first, then the loop starts on the downbeat."))
        self.count_in_box.setChecked(True)
        self.click_box = QCheckBox(_("Click"))
        self.click_box.setAccessibleName(_("Click along with the loop"))
        self.click_box.setToolTip(_("For a loop of bars: a click on every beat while it plays."))
        self.click_box.toggled.connect(lambda _on: self._send_click())
        self.counter = scaled(QLabel(self), 8.0, bold=True)
        self.counter.setAccessibleName(_("Count-in"))
        self.counter.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.counter.setAutoFillBackground(True)
        self.counter.hide()

        self.record_button = scaled(QPushButton(), 2.0, bold=True)
        self.record_button.setAccessibleName(_("Record loop"))
        big_line = self.record_button.fontMetrics().height()
        self.stop_button = scaled(QPushButton(_("Stop looper")), 1.4)
        self.stop_button.setAccessibleName(_("Stop looper"))
        self.stop_button.setToolTip(_("Stop the loop and let go of the audio interface. Every "
                                      "layer is kept; one being played is finished first."))
        for button, width in ((self.record_button, 8), (self.stop_button, 5)):
            button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
            button.setMinimumSize(big_line * width, big_line * 3)
        self.state = scaled(QLabel(), 1.5)
        self.state.setWordWrap(True)
        self.state.setAccessibleName(_("Looper state"))
        self.position = QProgressBar()
        self.position.setAccessibleName(_("Loop position"))
        self.position.setRange(0, POSITION_STEPS)
        self.position.setTextVisible(False)
        self.position.setMinimumHeight(line * 2)
        self.message = scaled(QLabel(), 1.15)
        self.message.setWordWrap(True)
        self.message.setAccessibleName(_("Looper message"))

        layers_title = scaled(QLabel(_("Layers")), 1.3, bold=True)
        self.layer_list = LayerList()
        self.layer_list.mute_toggled.connect(self.set_muted)
        self.undo_button = scaled(QPushButton(_("Undo layer (Ctrl+Z)")), 1.2)
        self.undo_button.setAccessibleName(_("Undo layer"))
        self.undo_button.setToolTip(_("Leave the newest layer out of the loop. It is kept, "
                                      "and Redo brings it back."))
        self.redo_button = scaled(QPushButton(_("Redo layer (Ctrl+Shift+Z)")), 1.2)
        self.redo_button.setAccessibleName(_("Redo layer"))
        self.redo_button.setToolTip(_("Bring back the layer undone last."))
        for button in (self.undo_button, self.redo_button):
            button.setMinimumHeight(round(line * 2.5))
        self.tap_button.setMinimumHeight(line * 2)

        self.latency = QLabel()
        self.latency.setWordWrap(True)
        self.latency.setAccessibleName(_("Latency"))
        self.measure_button = QPushButton(_("Measure…"))
        self.measure_button.setAccessibleName(_("Measure the delay"))
        self.measure_button.setToolTip(_("Measure how late sound comes back through the "
                                         "interface, so that layers line up."))

        # "Play from" has a line of its own: who plays is who must consent, in whole words.
        source = QHBoxLayout()
        choices = QHBoxLayout()
        for line_layout, words, widget in ((source, _("Play from"), self.input_choice),
                                           (choices, _("Length"), self.length_choice),
                                           (choices, _("Tempo"), self.tempo)):
            label = QLabel(words)
            label.setBuddy(widget)
            line_layout.addWidget(label)
            line_layout.addWidget(widget)
            line_layout.addSpacing(line)
        source.addStretch(1)
        choices.addWidget(self.tap_button)
        choices.addSpacing(line)
        choices.addWidget(self.count_in_box)
        choices.addWidget(self.click_box)
        choices.addStretch(1)
        actions = QGridLayout()
        actions.addWidget(self.record_button, 0, 0, 2, 1)
        actions.addWidget(self.stop_button, 0, 1, 2, 1)
        actions.addWidget(self.state, 0, 2)
        actions.addWidget(self.message, 1, 2)
        actions.setColumnStretch(2, 1)
        layers_line = QHBoxLayout()
        layers_line.addWidget(layers_title)
        layers_line.addSpacing(line * 2)
        layers_line.addWidget(self.undo_button)
        layers_line.addWidget(self.redo_button)
        layers_line.addStretch(1)
        latency_line = QHBoxLayout()
        latency_line.addWidget(self.latency, 1)
        latency_line.addWidget(self.measure_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(source)
        layout.addLayout(choices)
        layout.addLayout(actions)
        layout.addWidget(self.position)
        layout.addLayout(layers_line)
        layout.addWidget(self.layer_list, 1)
        layout.addLayout(latency_line)

        self.record_button.clicked.connect(self.toggle_record)
        self.stop_button.clicked.connect(self.stop_looper)
        self.tap_button.clicked.connect(self.tap)
        self.undo_button.clicked.connect(self.undo)
        self.redo_button.clicked.connect(self.redo)
        self.measure_button.clicked.connect(self.calibrate)
        self.length_choice.currentIndexChanged.connect(self._show_state)
        add_shortcuts(self, (("R", self.toggle_record), ("T", self.tap),
                             ("Ctrl+Z", self.undo), ("Ctrl+Shift+Z", self.redo)))

    # -- public API ---------------------------------------------------------------------------

    def show_session(self, session_id: int) -> None:
        """Show SESSION_ID; a looper playing for another session stops (its layers are kept)."""
        another = self._session is None or self._session.id != session_id
        if another:
            self.stop_looper()
            self.looper = None
            self._layers = []
            self.layer_list.clear()
            self.message.clear()
        self._session = sessions.get(self.library.connection, session_id)
        if another:
            bpm = self._session.tempo_bpm
            self.tempo.setText(QLocale().toString(bpm, "g", 5) if bpm else "")
            self._tap.reset()
        self._show_inputs()
        self._show_state()

    def set_request(self, request: TakeRequest | None) -> None:
        """The Inputs tab's device, sample rate and players (None: nothing usable)."""
        self._request = request
        if request is not None:
            key = self._key(request)
            if key not in self._round_trips:
                self._read_round_trip(*key)
        self._show_inputs()
        self._show_state()

    @property
    def is_active(self) -> bool:
        """True while the looper has (or is getting) the audio device."""
        return self._live

    def toggle_record(self) -> None:
        """What R does: record a loop, close a free loop, or overdub a layer."""
        state = self.looper.state if self._live and self.looper else None
        if state is None:
            self.record_loop()
        elif state is LooperState.RECORDING and self._ready:
            self.looper.close_loop()
            self._show_state()
        elif state is LooperState.LOOPING and self._ready:
            self.overdub()

    def record_loop(self) -> None:
        """Record the first layer from the chosen input: free, or the chosen bars at the tempo."""
        if self._live or self._why_not() is not None:
            return
        request = self._request
        player = self._player()
        if player is None:
            return
        frames = None
        bpm = None
        bars = self.length_choice.currentData() or 0
        try:
            if bars and not self.tempo.text().strip():
                self.message.setText(_("Type the tempo, or tap it, for a loop of bars."))
                self.tempo.setFocus()
                return
            if bars:
                bpm = check_tempo(self.tempo.text())
                frames = beat_frame(bars * BEATS_PER_BAR, bpm, self._rate())
            channels = max(request.inputs)
            looper = Looper(self.library, self._session.id, request.device, self._rate(),
                            channels, round_trip=self._round_trips.get(self._key(request)) or 0)
            if bars and self.count_in_box.isChecked():
                looper.check(player)  # consent now; the count-in starts once the sound runs
                self._counted_start = (player, frames,
                                       count_in(bpm, BEATS_PER_BAR, 1, self._rate()))
            else:
                self._counted_start = None
                looper.record_loop(player, frames)  # consent is asked before the device opens
        except ConsentRefused as error:
            self._refused(error)
            return
        except MtStudioError as error:
            self.message.setText(str(error))
            return
        self.looper, self._live, self._ready, self._channels = looper, True, False, channels
        self._loop_bpm = bpm
        self._layers = []
        self.layer_list.clear()
        self.message.clear()
        self._open_in_background(looper)
        self._show_state()
        self.active_changed.emit(True)

    def overdub(self) -> None:
        """Record one more pass from the chosen input, from the loop's next seam."""
        looper = self.looper
        if not (self._live and self._ready and looper is not None):
            return
        player = self._player()
        if player is None:
            return
        try:
            looper.overdub(player)
        except ConsentRefused as error:
            self._refused(error)
        except MtStudioError as error:
            self.message.setText(str(error))
        else:
            self.message.clear()
        self._show_state()

    def stop_looper(self) -> None:
        """Stop the loop and let go of the device (in the background); layers are kept, and a
        layer being played is finished and kept first (a free first layer closes here)."""
        looper = self.looper
        if not self._live or looper is None:
            return
        if self._ready and looper.state in (LooperState.RECORDING, LooperState.OVERDUBBING,
                                            LooperState.ARMED):
            self._stop_after_layer = True
            if looper.finish_layer(timeout=0):  # nothing was being played yet: stop now
                self._stop_after_layer = False
            else:
                self.message.setText(_("Keeping the layer being played, then stopping…"))
                self._show_state()
                return
        self._stop_after_layer = False
        ready, self._live, self._ready = self._ready, False, False
        self._timer.stop()
        if ready:
            self._close_in_background(looper)
        # Still opening: `_opened` closes it once it is open.
        self.position.setValue(0)
        self._refresh_layers()
        self.message.setText(_("The looper is stopped. The layers are kept with the session's "
                               "takes.") if self._layers else _("The looper is stopped. "
                                                                 "Nothing was kept."))
        self._show_state()
        self.active_changed.emit(False)

    def undo(self) -> None:
        """Leave the newest layer out of the loop; it is kept, and Redo brings it back."""
        if self.looper is None or not self.undo_button.isEnabled():
            return
        try:
            layer = self.looper.undo()
        except MtStudioError as error:
            self.message.setText(str(error))
            return
        if layer is not None:
            self.message.setText(_("Layer {n} is left out of the loop. It is kept, and Redo "
                                   "(Ctrl+Shift+Z) brings it back.").format(n=layer.number))
        self._layers_touched()

    def redo(self) -> None:
        """Bring back the layer undone last."""
        if self.looper is None or not self.redo_button.isEnabled():
            return
        try:
            layer = self.looper.redo()
        except MtStudioError as error:
            self.message.setText(str(error))
            return
        if layer is None:
            self.message.setText(_("A newer layer was recorded since, so the undone layers "
                                   "stay out of the loop. They are kept."))
        else:
            self.message.setText(_("Layer {n} is back in the loop.").format(n=layer.number))
        self._layers_touched()

    def set_muted(self, track_id: int, muted: bool) -> None:
        """Mute or unmute the layer on TRACK_ID."""
        if self.looper is None:
            return
        number = next((x.number for x in self._layers if x.track_id == track_id), "?")
        try:
            self.looper.set_muted(track_id, muted)
        except MtStudioError as error:
            self.message.setText(str(error))
        else:
            self.message.setText(_("Layer {n} is muted.").format(n=number) if muted else
                                 _("Layer {n} plays again.").format(n=number))
        self._layers_touched()

    def tap(self) -> None:
        """A tap of the tempo (what T does): after a few, the tempo field shows it."""
        if not self.tempo.isEnabled():
            return
        bpm = self._tap.tap(self._clock())
        if bpm is None:
            self.message.setText(_("Keep tapping with the beat…"))
            return
        self.tempo.setText(QLocale().toString(round(bpm)))
        self.message.setText(_("Tapped tempo: {bpm} beats per minute.").format(
            bpm=QLocale().toString(round(bpm))))

    def calibrate(self) -> None:
        """Open the dialog that measures the interface's delay through a cable."""
        request = self._request
        if request is None or self._live:
            return
        if self.calibration is not None:
            self.calibration.release()
        first = min(request.inputs) if request.inputs else 1
        dialog = CalibrationDialog(request.device, self._rate(), self, input=first)
        device, rate = self._key(request)
        dialog.measured.connect(lambda frames: self._round_trip_read(device, rate, frames))
        self.calibration = dialog
        dialog.open()

    def release(self, timeout: float = 5.0) -> None:
        """Keep a layer being played, stop the looper and let go of the device, waiting up to
        TIMEOUT seconds for each (call it before the window closes or PortAudio restarts)."""
        if self._live and self._ready and self.looper is not None:
            self.looper.finish_layer(timeout)
            self._layers_touched()
        if self._live:
            self._stop_after_layer = False
            self.stop_looper()
        if self.calibration is not None:
            self.calibration.release(timeout)
        for worker in self._workers:  # openers return with their stream open: close it below
            worker.wait(timeout)
        QApplication.processEvents()  # reports of loopers opened meanwhile are handled
        for looper in list(self._unclosed):
            self._close_in_background(looper)
        for worker in self._workers:
            worker.wait(timeout)
        self._workers = [w for w in self._workers if w.running]

    # -- the device, in workers ---------------------------------------------------------------

    def _open_in_background(self, looper: Looper) -> None:
        self._unclosed.append(looper)

        def work() -> str:
            """Start the looper; why it could not ("" if it did)."""
            problem = ""
            try:
                looper.start()
            except MtStudioError as error:
                problem = str(error)
            except Exception as error:  # an unexpected device failure must not go unsaid
                log.exception("the looper could not start")
                problem = _("The looper could not start: {error}").format(error=error)
            if problem:
                looper.stop()
            return problem

        self._start_worker(work, "mt-studio-looper-open",
                           lambda problem: self._opened(looper, problem))

    def _opened(self, looper: Looper, problem: str) -> None:
        if problem:
            if looper in self._unclosed:
                self._unclosed.remove(looper)
            if looper is self.looper and self._live:
                self._live = False
                self.looper = None
                self.message.setText(problem)
                self._show_state()
                self.active_changed.emit(False)
            return
        if looper is not self.looper or not self._live:  # stopped while it opened
            self._close_in_background(looper)
            return
        self._ready = True
        if self._counted_start is not None:  # a loop of bars, counted in now the sound runs
            player, frames, counted = self._counted_start
            self._counted_start = None
            looper.record_loop(player, frames, count_in=counted)
        self._send_click()
        self._timer.start()
        self._show_state()

    def _send_click(self) -> None:
        """Click along with a loop of bars, at its tempo, while Click is ticked."""
        looper, bpm = self.looper, self._loop_bpm
        if looper is not None and self._ready:
            looper.set_click(bpm if bpm is not None and self.click_box.isChecked() else None)

    def _close_in_background(self, looper: Looper) -> None:
        if looper in self._unclosed:
            self._unclosed.remove(looper)
        self._start_worker(looper.stop, "mt-studio-looper-close")

    def _read_round_trip(self, device: str, samplerate: int) -> None:
        self._start_worker(lambda: saved_round_trip(device, samplerate), "mt-studio-round-trip",
                           lambda frames: self._round_trip_read(device, samplerate, frames))

    def _round_trip_read(self, device: str, samplerate: int, frames: int | None) -> None:
        self._round_trips[(device, samplerate)] = frames
        self._show_state()

    def _start_worker(self, work: Callable[[], object], name: str,
                      done: Callable[[object], None] | None = None) -> None:
        worker = run_in_worker(self, work, done, thread=name)
        self._workers = [w for w in self._workers if w.running] + [worker]

    # -- pulled on the timer ------------------------------------------------------------------

    def _tick(self) -> None:
        looper = self.looper
        if looper is None or not self._ready:
            self._timer.stop()
            return
        if looper.layer_done.is_set():
            looper.layer_done.clear()
            self._layers_touched()
            if self._stop_after_layer:
                self.stop_looper()
                return
        if looper.problem:
            problem = looper.problem
            self.stop_looper()
            self.message.setText(_("{problem} The layers recorded until then are kept.").format(
                problem=problem))
            return
        self._show_position(looper)
        self._show_count(looper.counting_in())
        self._show_state()

    def _show_count(self, number: int | None) -> None:
        """The count-in's beat, big over the panel, in step with its click."""
        if number is None:
            self.counter.hide()
            return
        if self.counter.isHidden():
            self.counter.setGeometry(self.rect())
            self.counter.raise_()
            self.counter.show()
        self.counter.setText(str(number))
        self.counter.setAccessibleDescription(str(number))

    def _show_position(self, looper: Looper) -> None:
        anchor, length, rate = looper.anchor, looper.length, looper.samplerate
        if anchor is None:
            self.position.setValue(0)
            return
        played = looper.heard - anchor
        if not length:  # the first layer, free: the bar shows nothing to fill yet
            self.position.setValue(0)
            self.position.setAccessibleDescription(_("{s} seconds recorded").format(
                s=seconds_text(max(0, played), rate)))
            return
        where = played % length
        self.position.setValue(round(POSITION_STEPS * where / length))
        self.position.setAccessibleDescription(_("{now} of {length} seconds").format(
            now=seconds_text(where, rate), length=seconds_text(length, rate)))

    # -- layers -------------------------------------------------------------------------------

    def _layers_touched(self) -> None:
        self._refresh_layers()
        self._show_state()
        if self.looper is not None and self.looper.take_id is not None:
            self.layers_changed.emit(self.looper.take_id)

    def _refresh_layers(self) -> None:
        looper = self.looper
        self._layers = looper.layers() if looper is not None else []
        if not self._layers:
            return
        db = self.library.connection
        owners = {t.id: t.participant_ids for t in takes.get(db, looper.take_id).tracks}
        names = participants.pseudonyms(db)
        self.layer_list.show_layers(self._layers, {
            layer.track_id: who_text(owners.get(layer.track_id, ()), names)
            for layer in self._layers})

    def layer_mute(self, number: int) -> QCheckBox:
        """The Mute box of layer NUMBER."""
        return self.layer_list.mute_box(number)

    def layer_rows(self) -> list[tuple[str, str, str, bool]]:
        """What the layer rows show: number, who, whether it sounds, muted."""
        return self.layer_list.rows()

    # -- state --------------------------------------------------------------------------------

    def _rate(self) -> int:
        return (self._request.samplerate if self._request else None) or 48000

    @staticmethod
    def _key(request: TakeRequest) -> tuple[str, int]:
        return request.device, request.samplerate or 48000

    def _player(self) -> Player | None:
        request, number = self._request, self.input_choice.currentData()
        if request is None or number is None:
            return None
        looper = self.looper
        if self._live and looper is not None and (
                request.device != looper.device or self._rate() != looper.samplerate
                or number > self._channels):
            self.message.setText(_("The looper plays on {device}, with inputs 1 to {n}. Stop "
                                   "it before choosing another interface or input.").format(
                device=looper.device, n=self._channels))
            return None
        return Player(number, tuple(request.owners.get(number, ())),
                      number in request.isolated, request.labels.get(number))

    def _refused(self, error: ConsentRefused) -> None:
        self.message.setText(_("{refusal} Nothing was recorded, and the loop is as it was. "
                               "Choose another input or player.").format(refusal=error))

    def _why_not(self) -> str | None:
        if self._session is None:
            return _("Open a session first.")
        request = self._request
        if request is None or request.session_id != self._session.id:
            return _("Choose the audio interface and inputs on the Inputs tab.")
        if not request.inputs:
            return _("No input is ticked for recording on the Inputs tab.")
        return None

    def _show_inputs(self) -> None:
        chosen = self.input_choice.currentData()
        self.input_choice.clear()
        request = self._request
        if request is None or self._session is None or request.session_id != self._session.id:
            return
        names = participants.pseudonyms(self.library.connection)
        for number in request.inputs or ():
            label = request.labels.get(number, "")
            words = (_("Input {n} · {label}").format(n=number, label=label) if label
                     else _("Input {n}").format(n=number))
            self.input_choice.addItem(_("{input} – {who}").format(
                input=words, who=who_text(tuple(request.owners.get(number, ())), names)),
                number)
        self.input_choice.setCurrentIndex(max(0, self.input_choice.findData(chosen)))

    def _show_state(self) -> None:
        looper = self.looper if self._live else None
        state = looper.state if looper is not None else None
        free = not (self.length_choice.currentData() or 0)
        button = self.record_button
        if looper is None:
            reason = self._why_not()
            text, tip, enabled = _("Record loop"), reason or _("Record the loop (R)"), not reason
            words = reason or (_("Ready. Press Record loop (R) and play.") if free else
                               _("Ready. Press Record loop (R) and play; the loop closes by "
                                 "itself."))
        elif not self._ready:
            text, tip, enabled = _("Record loop"), _("Getting the sound ready…"), False
            words = _("Getting the sound ready…")
        elif state is LooperState.RECORDING:
            closes = looper.length is None
            text = _("Close loop") if closes else _("Recording…")
            tip = _("End the loop here (R)") if closes else _("The loop closes by itself.")
            enabled = closes
            words = (_("Recording the loop – play now. Press Close loop (R) at its end.")
                     if closes else _("Recording the loop – play now. It closes by itself."))
            if looper.counting_in() is not None:
                words = _("Counting in – start playing on the next 1.")
        elif state is LooperState.LOOPING:
            text, tip, enabled = _("Overdub"), _("Record one more layer from the next time "
                                                 "round (R)"), True
            words = _("Looping ({s} s). Press Overdub (R) to add a layer.").format(
                s=seconds_text(looper.length or 0, looper.samplerate))
        else:
            number = len(self._layers) + 1
            text, tip, enabled = _("Recording…"), _("The layer ends by itself after one "
                                                    "time round."), False
            words = (_("Waiting for the loop to come round…") if state is LooperState.ARMED
                     else _("Recording layer {n} – play now.").format(n=number))
        if self._stop_after_layer:
            enabled, words = False, _("Keeping the layer being played, then stopping…")
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(text)
        button.setAccessibleDescription(tip)
        button.setEnabled(enabled)
        self.state.setText(words)
        self.stop_button.setEnabled(self._live and self._ready and not self._stop_after_layer)
        if self._session is not None:
            self.title.setText(_("Looper · {title}").format(title=self._session.title))
        else:
            self.title.setText(_("Looper"))
        for widget in (self.length_choice, self.tempo, self.tap_button):
            widget.setEnabled(not self._live)
        self.input_choice.setEnabled(state in (None, LooperState.LOOPING))
        has_layers = self.looper is not None and bool(self._layers)
        self.undo_button.setEnabled(has_layers and any(not x.undone for x in self._layers))
        self.redo_button.setEnabled(has_layers and any(x.undone for x in self._layers))
        self._show_latency()

    def _show_latency(self) -> None:
        request = self._request
        frames = self._round_trips.get(self._key(request)) if request is not None else None
        if request is None:
            self.latency.setText(_("Latency: choose the audio interface on the Inputs tab."))
        elif frames is None:
            self.latency.setText(_("Latency: not measured – layers may be a little late."))
        else:
            self.latency.setText(_("Latency: measured ({ms} ms)").format(
                ms=milliseconds(frames, self._rate())))
        self.measure_button.setEnabled(request is not None and not self._live)

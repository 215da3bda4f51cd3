"""The Looper tab: record a loop, layer over it while it plays, undo, redo and mute layers.

The panel shows its `LooperModel` (the looper's state, the device and the layers) and
forwards what the person does to it; it never waits on the device or the disk.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import (
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

from mt_studio.core.capture.take_plan import TakeRequest
from mt_studio.core.looper import Looper, LooperState
from mt_studio.i18n import _, ngettext
from mt_studio.ui.common.key_shortcuts import add_shortcuts
from mt_studio.ui.looper.calibration_dialog import CalibrationDialog
from mt_studio.ui.looper.latency_line import LatencyLine
from mt_studio.ui.looper.layer_list import LayerList, scaled
from mt_studio.ui.looper.looper_model import LooperModel
from mt_studio.ui.looper.looper_words import seconds_text
from mt_studio.ui.looper.tempo_tap import TempoTap

if TYPE_CHECKING:
    from mt_studio.core.studio import Studio
    from mt_studio.ui.bridge import StudioBridge

MOST_BARS = 8
POSITION_STEPS = 1000


class LooperPanel(QWidget):
    """Record a loop from one input, overdub layers from any, and see who played each.

    Slots: `show_session(session_id)`, `set_request(request)` (the Inputs tab's choices),
    `release()` (stop and let go of the device; call it before the window closes).
    Signals: `layers_changed(take_id)` after a layer is kept, undone, redone or muted;
    `active_changed(bool)` when the looper takes or lets go of the audio device.
    """

    layers_changed = pyqtSignal(int)
    active_changed = pyqtSignal(bool)

    def __init__(self, studio: Studio, bridge: StudioBridge | None = None,
                 parent: QWidget | None = None, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self.studio = studio
        self.bridge = bridge  # the studio's events as signals (None: a panel alone, in tests)
        self.model = LooperModel(studio, self)
        self._build()
        self._tempo = TempoTap(self.tempo, clock)
        model = self.model
        model.changed.connect(self._show_state)
        model.ticked.connect(self._show_ticked)
        model.said.connect(self.message.setText)
        model.layers_updated.connect(self._show_layers)
        model.layers_changed.connect(self.layers_changed)
        model.active_changed.connect(self.active_changed)
        self.latency_line.measured.connect(model.round_trip_measured)
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
        self.click_box.toggled.connect(self.model.set_click)
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

        self.latency_line = LatencyLine()
        self.latency = self.latency_line.words
        self.measure_button = self.latency_line.measure_button

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
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(source)
        layout.addLayout(choices)
        layout.addLayout(actions)
        layout.addWidget(self.position)
        layout.addLayout(layers_line)
        layout.addWidget(self.layer_list, 1)
        layout.addWidget(self.latency_line)

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
        if self.model.show_session(session_id):
            self.layer_list.clear()
            self.message.clear()
            self._tempo.start_over(self.model.session.tempo_bpm)
        self._show_inputs()
        self._show_state()

    def set_request(self, request: TakeRequest | None) -> None:
        """The Inputs tab's device, sample rate and players (None: nothing usable)."""
        self.model.set_request(request)
        self._show_inputs()
        self._show_state()

    @property
    def looper(self) -> Looper | None:
        """The core looper shown: playing, opening or stopped (None before one)."""
        return self.model.looper

    @property
    def is_active(self) -> bool:
        """True while the looper has (or is getting) the audio device."""
        return self.model.live

    @property
    def _ready(self) -> bool:  # the tests wait for the device to be open
        return self.model.ready

    @property
    def calibration(self) -> CalibrationDialog | None:
        """The dialog that measures the delay, once opened."""
        return self.latency_line.calibration

    def toggle_record(self) -> None:
        """What R does: record a loop, close a free loop, or overdub a layer."""
        model = self.model
        state = model.looper.state if model.live and model.looper else None
        if state is None:
            self.record_loop()
        elif state is LooperState.RECORDING and model.ready:
            model.close_loop()
        elif state is LooperState.LOOPING and model.ready:
            self.overdub()

    def record_loop(self) -> None:
        """Record the first layer from the chosen input: free, or the chosen bars at the tempo."""
        model = self.model
        if model.live or model.why_not() is not None:
            return
        player = model.player(self.input_choice.currentData())
        if player is None:
            return
        bars = self.length_choice.currentData() or 0
        if bars and not self.tempo.text().strip():
            self.message.setText(_("Type the tempo, or tap it, for a loop of bars."))
            self.tempo.setFocus()
            return
        model.record_loop(player, bars, self.tempo.text(), self.count_in_box.isChecked())

    def overdub(self) -> None:
        """Record one more pass from the chosen input, from the loop's next seam."""
        model = self.model
        if not (model.live and model.ready and model.looper is not None):
            return
        player = model.player(self.input_choice.currentData())
        if player is not None:
            model.overdub(player)

    def stop_looper(self) -> None:
        """Stop the loop and let go of the device (in the background); layers are kept, and a
        layer being played is finished and kept first (a free first layer closes here)."""
        self.model.stop()

    def undo(self) -> None:
        """Leave the newest layer out of the loop; it is kept, and Redo brings it back."""
        if self.undo_button.isEnabled():
            self.model.undo()

    def redo(self) -> None:
        """Bring back the layer undone last."""
        if self.redo_button.isEnabled():
            self.model.redo()

    def set_muted(self, track_id: int, muted: bool) -> None:
        """Mute or unmute the layer on TRACK_ID."""
        self.model.set_muted(track_id, muted)

    def tap(self) -> None:
        """A tap of the tempo (what T does): after a few, the tempo field shows it."""
        words = self._tempo.tap()
        if words is not None:
            self.message.setText(words)

    def calibrate(self) -> None:
        """Open the dialog that measures the interface's delay through a cable."""
        request = self.model.request
        if request is None or self.model.live:
            return
        first = min(request.inputs) if request.inputs else 1
        self.latency_line.calibrate(request.device, self.model.rate(), first)

    def release(self, timeout: float = 5.0) -> None:
        """Keep a layer being played, stop the looper and let go of the device, waiting up to
        TIMEOUT seconds for each (call it before the window closes or PortAudio restarts)."""
        self.latency_line.release(timeout)
        self.model.release(timeout)

    def layer_mute(self, number: int) -> QCheckBox:
        """The Mute box of layer NUMBER."""
        return self.layer_list.mute_box(number)

    def layer_rows(self) -> list[tuple[str, str, str, bool]]:
        """What the layer rows show: number, who, whether it sounds, muted."""
        return self.layer_list.rows()

    # -- showing the model --------------------------------------------------------------------

    def _show_layers(self) -> None:
        if self.model.layers:
            self.layer_list.show_layers(self.model.layers, self.model.players)
        else:
            self.layer_list.clear()

    def _show_ticked(self) -> None:
        looper = self.model.looper
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

    def _show_inputs(self) -> None:
        chosen = self.input_choice.currentData()
        self.input_choice.clear()
        for words, number in self.model.input_choices():
            self.input_choice.addItem(words, number)
        self.input_choice.setCurrentIndex(max(0, self.input_choice.findData(chosen)))

    def _show_state(self) -> None:
        model = self.model
        looper = model.looper if model.live else None
        state = looper.state if looper is not None else None
        free = not (self.length_choice.currentData() or 0)
        button = self.record_button
        if looper is None:
            reason = model.why_not()
            text, tip, enabled = _("Record loop"), reason or _("Record the loop (R)"), not reason
            words = reason or (_("Ready. Press Record loop (R) and play.") if free else
                               _("Ready. Press Record loop (R) and play; the loop closes by "
                                 "itself."))
        elif not model.ready:
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
            number = len(model.layers) + 1
            text, tip, enabled = _("Recording…"), _("The layer ends by itself after one "
                                                    "time round."), False
            words = (_("Waiting for the loop to come round…") if state is LooperState.ARMED
                     else _("Recording layer {n} – play now.").format(n=number))
        if model.stop_after_layer:
            enabled, words = False, _("Keeping the layer being played, then stopping…")
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(text)
        button.setAccessibleDescription(tip)
        button.setEnabled(enabled)
        self.state.setText(words)
        self.stop_button.setEnabled(model.live and model.ready and not model.stop_after_layer)
        if model.session is not None:
            self.title.setText(_("Looper · {title}").format(title=model.session.title))
        else:
            self.title.setText(_("Looper"))
        if not model.live:
            self.position.setValue(0)
        for widget in (self.length_choice, self.tempo, self.tap_button):
            widget.setEnabled(not model.live)
        self.input_choice.setEnabled(state in (None, LooperState.LOOPING))
        has_layers = model.looper is not None and bool(model.layers)
        self.undo_button.setEnabled(has_layers and any(not x.undone for x in model.layers))
        self.redo_button.setEnabled(has_layers and any(x.undone for x in model.layers))
        self.latency_line.show_delay(model.request, model.round_trip(), model.rate(), model.live)

"""Looping a part of a song in My songs: start a loop (a bar counted in on the loop's own
sound, then a few bars recorded, and it plays round), add a layer over it, leave the last
layer out, stop. The Looper tab's model drives the device in workers (`LooperModel`); the
participant's studio makes the looper, which records only from their own inputs and refuses
without naming anyone (docs/architecture.md, "Looped")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt6.QtCore import QObject, Qt, pyqtSignal
from PyQt6.QtWidgets import QButtonGroup, QHBoxLayout, QVBoxLayout, QWidget

from mt_studio.core.capture.take_plan import TakeRequest
from mt_studio.core.domain.takes import Layer
from mt_studio.core.errors import ConsentRefused
from mt_studio.core.looper import Looper, LooperState
from mt_studio.i18n import _
from mt_studio.ui.looper.looper_model import LooperModel
from mt_studio.ui.participant.big_type import big_button, page_font, words

if TYPE_CHECKING:
    from mt_studio.core.studio.participant_studio import ParticipantStudio

LOOP_BARS = 2  # a loop's length: two bars of four at the song's tempo
BEAT_SCALE = 2.0  # the count-in's numbers and what to do now, against the page's type


class MyLoopModel(LooperModel):
    """The Looper tab's model on a participant's studio: their inputs on DEVICE (None: no
    interface chosen), no names, no therapist's words."""

    def __init__(self, mine: ParticipantStudio, device: str | None,
                 parent: QObject | None = None) -> None:
        super().__init__(mine, parent)  # type: ignore[arg-type]  # it asks only the hooks below
        self.mine = mine
        inputs = mine.recording.inputs()
        me = (mine.participant.id,)
        if device is not None and inputs:
            self.set_request(TakeRequest(mine.session_id, device, inputs=inputs,
                                         owners={n: me for n in inputs}))

    def why_not(self) -> str | None:
        """Why no loop can be started now, in their words (None: one can)."""
        if self.request is None:
            if not self.mine.recording.inputs():
                return _("No input of this session is yours. Ask your therapist.")
            return _("No audio interface is chosen. Ask your therapist.")
        return None

    def _new_looper(self, device: str, channels: int) -> Looper:
        return self.mine.recording.looper(device, self.rate(), channels,
                                          round_trip=self.round_trip() or 0)

    def _who_played(self, take_id: int) -> dict[int, str]:
        return {}  # every layer is theirs

    def _stopped_words(self) -> str:
        return (_("The loop is stopped. It is kept with your takes.") if self.layers
                else _("The loop is stopped."))

    def _undone_words(self, layer: Layer) -> str:
        return _("The last layer is left out.")

    def _refused(self, error: ConsentRefused) -> None:
        self.said.emit(str(error))  # worded without anyone's name by their studio


class MyLooper(QWidget):
    """Start a loop, add a layer, undo the last layer and stop, in big buttons, at the tempo
    the song view gives (`bpm`).

    `looping_changed(bool)` when the loop takes or lets go of the audio device (Record and
    Play must let go before); `take_made(take_id)` when a layer is kept in their loop take.
    """

    looping_changed = pyqtSignal(bool)
    take_made = pyqtSignal(int)

    def __init__(self, mine: ParticipantStudio, device: str | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = MyLoopModel(mine, device, self)
        self.bpm = 100.0
        self.bars = LOOP_BARS
        self.loop_button = big_button(_("Loop a part"), _("Loop a part, or stop the loop"),
                                      _("Count in, record a short part, and hear it go round."))
        self.loop_button.clicked.connect(self.toggle_loop)
        big = page_font(1.2)
        big.setBold(True)
        self.loop_button.setFont(big)
        self.layer_button = big_button(_("Add a layer"), _("Add a layer"),
                                       _("Play along: the next time round is recorded too."))
        self.layer_button.clicked.connect(self.add_layer)
        self.undo_button = big_button(_("Undo layer"), _("Undo the last layer"),
                                      _("Leave out the last layer you played."))
        self.undo_button.clicked.connect(self.model.undo)
        self.beat = words("", _("Loop status"))
        self.beat.setFont(page_font(BEAT_SCALE))
        self.beat.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message = words("", _("Loop message"))
        self.model.changed.connect(self._show)
        self.model.ticked.connect(self._show)
        self.model.said.connect(self.message.setText)
        self.model.layers_changed.connect(self.take_made)
        self.model.active_changed.connect(self.looping_changed)
        buttons = QHBoxLayout()
        for button in (self.loop_button, self.layer_button, self.undo_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._input_choice())
        layout.addLayout(buttons)
        layout.addWidget(self.beat)
        layout.addWidget(self.message)
        self._show()

    @property
    def looping(self) -> bool:
        """Whether the loop has (or is getting) the audio device."""
        return self.model.live

    def toggle_loop(self, *_checked: object) -> None:
        """Start a loop from the chosen input, counted in; or stop the one playing."""
        model = self.model
        if model.live:
            model.stop()
            return
        why = model.why_not()
        if why is not None:
            self.message.setText(why)
            return
        player = model.player(self.chosen_input)
        model.record_loop(player, self.bars, str(self.bpm), counted_in=True)

    def add_layer(self, *_checked: object) -> None:
        """Record one more time round from the chosen input, over the loop."""
        model = self.model
        if model.looper is not None and model.request is not None:
            model.overdub(model.player(self.chosen_input))

    def refresh(self) -> None:
        """Ask again whether a loop may be started."""
        self._show()

    @property
    def chosen_input(self) -> int | None:
        """The input the next layer is played into: the one chosen, else their first."""
        request = self.model.request
        if request is None:
            return None
        chosen = self.input_buttons.checkedButton()
        return chosen.property("input") if chosen is not None else request.inputs[0]

    def _input_choice(self) -> QHBoxLayout:
        """A big button for each of their inputs, when they have more than one: the layer
        comes from the one chosen (a guitar first, then a voice)."""
        row = QHBoxLayout()
        self.input_buttons = QButtonGroup(self)
        inputs = self.model.request.inputs if self.model.request is not None else ()
        if len(inputs) < 2:
            return row
        for number in inputs:
            button = big_button(_("Input {n}").format(n=number),
                                _("Loop from input {n}").format(n=number),
                                _("The next layer is played into this input."))
            button.setCheckable(True)
            button.setProperty("input", number)
            button.setChecked(number == inputs[0])
            self.input_buttons.addButton(button)
            row.addWidget(button)
        return row

    def let_go(self, timeout: float = 5.0) -> None:
        """Keep a layer being played, stop, and let go of the device."""
        self.model.release(timeout)

    def _show(self) -> None:
        model, looper = self.model, self.model.looper
        state = looper.state if looper is not None and model.live else None
        counting = looper.counting_in() if state is LooperState.RECORDING else None
        self.loop_button.setText(_("Stop the loop") if model.live else _("Loop a part"))
        self.loop_button.setEnabled(model.live or model.why_not() is None)
        self.layer_button.setEnabled(state is LooperState.LOOPING)
        self.undo_button.setEnabled(model.live and state is LooperState.LOOPING and any(
            not layer.undone for layer in model.layers))
        self.beat.setText(str(counting) if counting is not None else _state_words(
            state, model.live and not model.ready, model.stop_after_layer))
        if not model.live and model.why_not() is not None:
            self.message.setText(model.why_not())


def _state_words(state: LooperState | None, opening: bool, stopping: bool) -> str:
    if opening:
        return _("Getting ready…")
    if stopping:
        return _("Finishing the layer…")
    return {
        LooperState.RECORDING: _("Play now!"),
        LooperState.LOOPING: _("Looping"),
        LooperState.ARMED: _("Get ready: next time round"),
        LooperState.OVERDUBBING: _("Play now: adding a layer"),
    }.get(state, "")

"""The Looper tab's state: the core `Looper` it drives, the device it opens and closes in
workers, the layers kept, the interface's measured delay, and what to tell the person.

The looper is core (`mt_studio.core.looper`): it asks consent for each layer, keeps each layer
as a track, and lines layers up by the device's measured round trip. This model opens and
closes the device in workers and pulls the looper's state, position and finished layers on a
timer; it never waits on the device or the disk. The panel (`LooperPanel`) shows it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PyQt6.QtCore import QObject, QTimer, pyqtSignal
from PyQt6.QtWidgets import QApplication

from mt_studio.core.capture.take_plan import TakeRequest
from mt_studio.core.domain.sessions import Session
from mt_studio.core.domain.takes import Layer
from mt_studio.core.errors import ConsentRefused, MtStudioError
from mt_studio.core.latency import saved_round_trip
from mt_studio.core.looper import Looper, LooperState, Player
from mt_studio.core.metronome import CountIn, beat_frame, count_in
from mt_studio.core.tempo import check_tempo
from mt_studio.i18n import _
from mt_studio.ui.common.worker import Worker, run_in_worker
from mt_studio.ui.looper.looper_words import who_text

if TYPE_CHECKING:
    from mt_studio.core.studio import Studio

log = logging.getLogger(__name__)

TICK_MS = 40  # 25 looks at the looper a second
BEATS_PER_BAR = 4


class LooperModel(QObject):
    """A session's looper: a loop recorded from one input, layers overdubbed from any.

    `looper` is the loop shown (playing, opening or stopped; None before one), `live` while
    it has (or is getting) the audio device, `ready` once it has it; `layers` are its layers,
    `players` who played each (by track id).
    Signals: `changed()` when what it shows changed; `ticked()` on each look at a live
    looper (its position and count-in); `said(words)` with a message for the person ("":
    none); `layers_updated()` when `layers` changed; `layers_changed(take_id)` after a layer
    is kept, undone, redone or muted; `active_changed(bool)` when the looper takes or lets go
    of the audio device.
    """

    changed = pyqtSignal()
    ticked = pyqtSignal()
    said = pyqtSignal(str)
    layers_updated = pyqtSignal()
    layers_changed = pyqtSignal(int)
    active_changed = pyqtSignal(bool)

    def __init__(self, studio: Studio, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.studio = studio
        self.session: Session | None = None
        self.request: TakeRequest | None = None
        self.looper: Looper | None = None
        self.live = False
        self.ready = False
        self.channels = 0  # inputs the live looper's stream opened
        self.layers: list[Layer] = []
        self.players: dict[int, str] = {}
        self.click = False  # a click along with a loop of bars
        self.stop_after_layer = False  # Stop was pressed while a layer was being played
        self._round_trips: dict[tuple[str, int], int | None] = {}
        self._unclosed: list[Looper] = []  # started, not yet closed
        self._workers: list[Worker] = []
        self._loop_bpm: float | None = None  # the tempo of a loop of bars
        self._counted_start: tuple[Player, int, CountIn] | None = None  # waits for the sound
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)

    # -- the session and the Inputs tab's choices ---------------------------------------------

    def show_session(self, session_id: int) -> bool:
        """Work on SESSION_ID; True if it is another session (a looper playing for the one
        before stops, its layers kept)."""
        another = self.session is None or self.session.id != session_id
        if another:
            self.stop()
            self.looper = None
            self.layers = []
        self.session = self.studio.sessions.get(session_id)
        return another

    def set_request(self, request: TakeRequest | None) -> None:
        """The Inputs tab's device, sample rate and players (None: nothing usable)."""
        self.request = request
        if request is not None:
            key = self._key(request)
            if key not in self._round_trips:
                self._read_round_trip(*key)

    def rate(self) -> int:
        """The sample rate the looper runs at."""
        return (self.request.samplerate if self.request else None) or 48000

    def round_trip(self) -> int | None:
        """The chosen interface's measured round trip in frames (None: not measured)."""
        request = self.request
        return self._round_trips.get(self._key(request)) if request is not None else None

    def why_not(self) -> str | None:
        """Why no loop can be recorded now, in words (None: one can)."""
        if self.session is None:
            return _("Open a session first.")
        request = self.request
        if request is None or request.session_id != self.session.id:
            return _("Choose the audio interface and inputs on the Inputs tab.")
        if not request.inputs:
            return _("No input is ticked for recording on the Inputs tab.")
        return None

    def input_choices(self) -> list[tuple[str, int]]:
        """Each input to loop from, in words with who plays it, and its number."""
        request = self.request
        if request is None or self.session is None or request.session_id != self.session.id:
            return []
        names = self.studio.consent.pseudonyms()
        choices = []
        for number in request.inputs or ():
            label = request.labels.get(number, "")
            words = (_("Input {n} · {label}").format(n=number, label=label) if label
                     else _("Input {n}").format(n=number))
            choices.append((_("{input} – {who}").format(
                input=words, who=who_text(tuple(request.owners.get(number, ())), names)),
                number))
        return choices

    def player(self, number: int | None) -> Player | None:
        """Who plays into input NUMBER (None: no input, or not one the live looper has)."""
        request = self.request
        if request is None or number is None:
            return None
        looper = self.looper
        if self.live and looper is not None and (
                request.device != looper.device or self.rate() != looper.samplerate
                or number > self.channels):
            self.said.emit(_("The looper plays on {device}, with inputs 1 to {n}. Stop it "
                             "before choosing another interface or input.").format(
                device=looper.device, n=self.channels))
            return None
        return Player(number, tuple(request.owners.get(number, ())),
                      number in request.isolated, request.labels.get(number))

    # -- recording ----------------------------------------------------------------------------

    def record_loop(self, player: Player, bars: int, tempo: str, counted_in: bool) -> None:
        """Record the first layer from PLAYER: free (BARS 0), or BARS at the TEMPO typed,
        after a bar of count-in if COUNTED_IN."""
        request = self.request
        frames = None
        bpm = None
        try:
            if bars:
                bpm = check_tempo(tempo)
                frames = beat_frame(bars * BEATS_PER_BAR, bpm, self.rate())
            channels = max(request.inputs)
            looper = self._new_looper(request.device, channels)
            if bars and counted_in:
                looper.check(player)  # consent now; the count-in starts once the sound runs
                self._counted_start = (player, frames,
                                       count_in(bpm, BEATS_PER_BAR, 1, self.rate()))
            else:
                self._counted_start = None
                looper.record_loop(player, frames)  # consent is asked before the device opens
        except ConsentRefused as error:
            self._refused(error)
            return
        except MtStudioError as error:
            self.said.emit(str(error))
            return
        self.looper, self.live, self.ready, self.channels = looper, True, False, channels
        self._loop_bpm = bpm
        self.layers = []
        self.layers_updated.emit()
        self.said.emit("")
        self._open_in_background(looper)
        self.changed.emit()
        self.active_changed.emit(True)

    def _new_looper(self, device: str, channels: int) -> Looper:
        """A looper for the session on DEVICE's first CHANNELS inputs, not open yet."""
        return self.studio.recording.looper(self.session.id, device, self.rate(), channels,
                                            round_trip=self.round_trip() or 0)

    def close_loop(self) -> None:
        """End a free loop here."""
        self.looper.close_loop()
        self.changed.emit()

    def overdub(self, player: Player) -> None:
        """Record one more pass from PLAYER, from the loop's next seam."""
        try:
            self.looper.overdub(player)
        except ConsentRefused as error:
            self._refused(error)
        except MtStudioError as error:
            self.said.emit(str(error))
        else:
            self.said.emit("")
        self.changed.emit()

    def stop(self) -> None:
        """Stop the loop and let go of the device (in the background); layers are kept, and a
        layer being played is finished and kept first (a free first layer closes here)."""
        looper = self.looper
        if not self.live or looper is None:
            return
        if self.ready and looper.state in (LooperState.RECORDING, LooperState.OVERDUBBING,
                                           LooperState.ARMED):
            self.stop_after_layer = True
            if looper.finish_layer(timeout=0):  # nothing was being played yet: stop now
                self.stop_after_layer = False
            else:
                self.said.emit(_("Keeping the layer being played, then stopping…"))
                self.changed.emit()
                return
        self.stop_after_layer = False
        ready, self.live, self.ready = self.ready, False, False
        self._timer.stop()
        if ready:
            self._close_in_background(looper)
        # Still opening: `_opened` closes it once it is open.
        self._refresh_layers()
        self.said.emit(self._stopped_words())
        self.changed.emit()
        self.active_changed.emit(False)

    def set_click(self, on: bool) -> None:
        """Click along with a loop of bars, at its tempo, while ON."""
        self.click = on
        looper, bpm = self.looper, self._loop_bpm
        if looper is not None and self.ready:
            looper.set_click(bpm if bpm is not None and on else None)

    def _stopped_words(self) -> str:
        return (_("The looper is stopped. The layers are kept with the session's takes.")
                if self.layers else _("The looper is stopped. Nothing was kept."))

    def _refused(self, error: ConsentRefused) -> None:
        self.said.emit(_("{refusal} Nothing was recorded, and the loop is as it was. Choose "
                         "another input or player.").format(refusal=error))

    # -- layers -------------------------------------------------------------------------------

    def undo(self) -> None:
        """Leave the newest layer out of the loop; it is kept, and Redo brings it back."""
        if self.looper is None:
            return
        try:
            layer = self.looper.undo()
        except MtStudioError as error:
            self.said.emit(str(error))
            return
        if layer is not None:
            self.said.emit(self._undone_words(layer))
        self._layers_touched()

    def _undone_words(self, layer: Layer) -> str:
        return _("Layer {n} is left out of the loop. It is kept, and Redo (Ctrl+Shift+Z) "
                 "brings it back.").format(n=layer.number)

    def redo(self) -> None:
        """Bring back the layer undone last."""
        if self.looper is None:
            return
        try:
            layer = self.looper.redo()
        except MtStudioError as error:
            self.said.emit(str(error))
            return
        if layer is None:
            self.said.emit(_("A newer layer was recorded since, so the undone layers stay out "
                             "of the loop. They are kept."))
        else:
            self.said.emit(_("Layer {n} is back in the loop.").format(n=layer.number))
        self._layers_touched()

    def set_muted(self, track_id: int, muted: bool) -> None:
        """Mute or unmute the layer on TRACK_ID."""
        if self.looper is None:
            return
        number = next((x.number for x in self.layers if x.track_id == track_id), "?")
        try:
            self.looper.set_muted(track_id, muted)
        except MtStudioError as error:
            self.said.emit(str(error))
        else:
            self.said.emit(_("Layer {n} is muted.").format(n=number) if muted else
                           _("Layer {n} plays again.").format(n=number))
        self._layers_touched()

    def _layers_touched(self) -> None:
        self._refresh_layers()
        self.changed.emit()
        if self.looper is not None and self.looper.take_id is not None:
            self.layers_changed.emit(self.looper.take_id)

    def _refresh_layers(self) -> None:
        looper = self.looper
        self.layers = looper.layers() if looper is not None else []
        if not self.layers:
            return
        self.players = self._who_played(looper.take_id)
        self.layers_updated.emit()

    def _who_played(self, take_id: int) -> dict[int, str]:
        """Who played each layer of TAKE_ID, in words, by track id."""
        owners = {t.id: t.participant_ids for t in self.studio.listening.take(take_id).tracks}
        names = self.studio.consent.pseudonyms()
        return {layer.track_id: who_text(owners.get(layer.track_id, ()), names)
                for layer in self.layers}

    # -- the device, in workers ---------------------------------------------------------------

    def release(self, timeout: float = 5.0) -> None:
        """Keep a layer being played, stop the looper and let go of the device, waiting up to
        TIMEOUT seconds for each (call it before the window closes or PortAudio restarts)."""
        if self.live and self.ready and self.looper is not None:
            self.looper.finish_layer(timeout)
            self._layers_touched()
        if self.live:
            self.stop_after_layer = False
            self.stop()
        for worker in self._workers:  # openers return with their stream open: close it below
            worker.wait(timeout)
        QApplication.processEvents()  # reports of loopers opened meanwhile are handled
        for looper in list(self._unclosed):
            self._close_in_background(looper)
        for worker in self._workers:
            worker.wait(timeout)
        self._workers = [w for w in self._workers if w.running]

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
            if looper is self.looper and self.live:
                self.live = False
                self.looper = None
                self.said.emit(problem)
                self.changed.emit()
                self.active_changed.emit(False)
            return
        if looper is not self.looper or not self.live:  # stopped while it opened
            self._close_in_background(looper)
            return
        self.ready = True
        if self._counted_start is not None:  # a loop of bars, counted in now the sound runs
            player, frames, counted = self._counted_start
            self._counted_start = None
            looper.record_loop(player, frames, count_in=counted)
        self.set_click(self.click)
        self._timer.start()
        self.changed.emit()

    def _close_in_background(self, looper: Looper) -> None:
        if looper in self._unclosed:
            self._unclosed.remove(looper)
        self._start_worker(looper.stop, "mt-studio-looper-close")

    def _read_round_trip(self, device: str, samplerate: int) -> None:
        self._start_worker(lambda: saved_round_trip(device, samplerate), "mt-studio-round-trip",
                           lambda frames: self.round_trip_measured(device, samplerate, frames))

    def round_trip_measured(self, device: str, samplerate: int, frames: int | None) -> None:
        """DEVICE's round trip at SAMPLERATE is FRAMES (None: not measured)."""
        self._round_trips[(device, samplerate)] = frames
        self.changed.emit()

    def _start_worker(self, work, name: str, done=None) -> None:
        worker = run_in_worker(self, work, done, thread=name)
        self._workers = [w for w in self._workers if w.running] + [worker]

    @staticmethod
    def _key(request: TakeRequest) -> tuple[str, int]:
        return request.device, request.samplerate or 48000

    # -- pulled on the timer ------------------------------------------------------------------

    def _tick(self) -> None:
        looper = self.looper
        if looper is None or not self.ready:
            self._timer.stop()
            return
        if looper.layer_done.is_set():
            looper.layer_done.clear()
            self._layers_touched()
            if self.stop_after_layer:
                self.stop()
                return
        if looper.problem:
            problem = looper.problem
            self.stop()
            self.said.emit(_("{problem} The layers recorded until then are kept.").format(
                problem=problem))
            return
        self.ticked.emit()

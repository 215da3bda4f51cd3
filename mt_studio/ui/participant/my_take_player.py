"""Playing one of a participant's takes: Play and Stop, slower or faster for practice, and
where it is. The player opens in a worker and closes in one, as the Takes tab's transport
does (docs/architecture.md, "Played"); a practice version is made in a worker by the core's
practice engine, from the same files the player plays."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from PyQt6.QtCore import QTimer, pyqtSignal
from PyQt6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from mt_studio.core.domain.takes import Take
from mt_studio.core.errors import MtStudioError
from mt_studio.i18n import _
from mt_studio.ui.common.take_words import length_words
from mt_studio.ui.common.worker import Worker, run_in_worker
from mt_studio.ui.participant.big_type import big_button, words
from mt_studio.ui.participant.my_words import cannot_now, speed_words

if TYPE_CHECKING:
    from mt_studio.core.playback import TakePlayer
    from mt_studio.core.studio.participant_studio import ParticipantStudio

log = logging.getLogger(__name__)

FOLLOW_MS = 100
SPEED_STEP, SLOWEST, FASTEST = 10, 50, 150  # percent of the recorded speed
SETTLE_MS = 500  # a practice version is made once the speed buttons rest


class MyTakePlayer(QWidget):
    """Play, Stop, Slower and Faster for the take shown (`show_take`), on DEVICE's output.

    `playing_changed(bool)` when it starts or stops playing.
    """

    playing_changed = pyqtSignal(bool)

    def __init__(self, mine: ParticipantStudio, device: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._mine = mine
        self.device = device  # the therapist's interface plays (None: the system's output)
        self.take: Take | None = None
        self.player: TakePlayer | None = None
        self.speed = 100
        self._closers: list[Worker] = []
        self._play_when_ready = False
        self._generation = 0  # of the practice version asked for last
        self._practice_cancel = threading.Event()
        self.play_button = big_button(_("Play"), _("Play or stop"),
                                      _("Play the take, or stop it (Space)."))
        self.play_button.clicked.connect(self.toggle)
        self.slower_button = big_button(_("Slower"), _("Play slower"),
                                        _("Play the take slower to practise, same pitch."))
        self.slower_button.clicked.connect(self.slower)
        self.faster_button = big_button(_("Faster"), _("Play faster"),
                                        _("Play the take faster, same pitch."))
        self.faster_button.clicked.connect(self.faster)
        self.speed_label = words(speed_words(100), _("Practice speed"))
        self.clock = words("", _("Time in the take"))
        self.status = words("", _("Playback status"))
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self._prepare_practice)
        self._follow = QTimer(self)
        self._follow.setInterval(FOLLOW_MS)
        self._follow.timeout.connect(self._follow_player)
        buttons = QHBoxLayout()
        for button in (self.play_button, self.slower_button, self.faster_button):
            buttons.addWidget(button)
        heard = QHBoxLayout()
        heard.addWidget(self.clock)
        heard.addWidget(self.speed_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addLayout(heard)
        layout.addWidget(self.status)
        self.show_take(None)

    @property
    def playing(self) -> bool:
        """Whether the take is playing."""
        return self.player is not None and self.player.playing

    def show_take(self, take: Take | None) -> None:
        """Make TAKE the one played (None: none); the one before stops and lets go."""
        if take is not None and self.take is not None and take.id == self.take.id:
            return
        self.let_go()
        self.take = take
        self.speed = 100
        self.status.setText("")
        self._show()

    def toggle(self, *_checked: object) -> None:
        """Play the take from where it stopped (from the start at its end), or stop it."""
        if self.take is None:
            return
        if self.playing:
            self.player.stop()
            self._follow_player()
            return
        if self.player is None:
            self._play_when_ready = True
            self._open()
        elif self.player.is_open:
            self._play()

    def slower(self, *_checked: object) -> None:
        """Practise one step slower."""
        self.set_speed(self.speed - SPEED_STEP)

    def faster(self, *_checked: object) -> None:
        """Practise one step faster."""
        self.set_speed(self.speed + SPEED_STEP)

    def set_speed(self, percent: int) -> None:
        """Practise at PERCENT of the recorded speed (50-150); made ready in the background."""
        self.speed = max(SLOWEST, min(FASTEST, percent))
        self._show()
        if self.player is not None and self.player.is_open:
            self._settle.start()

    def let_go(self) -> None:
        """Stop playing and close the output in the background."""
        self._follow.stop()
        self._settle.stop()
        self._practice_cancel.set()
        self._play_when_ready = False
        player, self.player = self.player, None
        if player is not None:
            closer = run_in_worker(self, player.close, thread="mt-studio-close-output")
            self._closers = [c for c in self._closers if c.running] + [closer]
            self.playing_changed.emit(False)

    def wait_until_closed(self, timeout: float) -> None:
        """Wait up to TIMEOUT seconds for the outputs being closed to close."""
        for closer in self._closers:
            closer.wait(timeout)
        self._closers = [c for c in self._closers if c.running]

    # -- the player -------------------------------------------------------------------------

    def _open(self) -> None:
        try:
            player = self._mine.listening.player(self.take.id, self.device)
        except MtStudioError as error:
            self.status.setText(str(error))
            return
        self.player = player
        self.status.setText(_("Getting the sound ready…"))
        self._show()

        def work() -> str:
            """Open the player; what went wrong in words ("" if nothing)."""
            try:
                player.prepare(cancelled=lambda: player is not self.player)
                if not player.sources:
                    return _("This take has no sound to play.")
                player.open()
            except MtStudioError as error:
                return str(error)
            except Exception:  # an unexpected device failure: said plainly, logged in full
                log.exception("the output could not be opened")
                return cannot_now()
            return ""

        run_in_worker(self, work, done=lambda problem: self._opened(player, problem))

    def _opened(self, player: TakePlayer, problem: str) -> None:
        if player is not self.player:  # another take was chosen meanwhile
            closer = run_in_worker(self, player.close, thread="mt-studio-close-output")
            self._closers = [c for c in self._closers if c.running] + [closer]
            return
        if problem:
            self.player = None
            self.status.setText(problem)
            self._show()
            return
        self.status.setText("")
        if self.speed != 100:
            self._prepare_practice()
        elif self._play_when_ready:
            self._play()
        self._show()

    def _play(self) -> None:
        self._play_when_ready = False
        player = self.player
        start = player.position if player.position < player.frames else 0
        try:
            player.play(start)
        except MtStudioError as error:
            self.status.setText(str(error))
            return
        self._follow.start()
        self._show()
        self.playing_changed.emit(True)

    def _follow_player(self) -> None:
        player = self.player
        if player is None:
            self._follow.stop()
            return
        # Asked before showing: a player stopped a moment ago may still be draining its ring,
        # and once it says it has stopped it stays stopped until played again.
        if not player.playing:
            self._follow.stop()
            if player.problem:
                self.status.setText(player.problem)
            self.playing_changed.emit(False)
        self._show()

    # -- slower or faster -------------------------------------------------------------------

    def _prepare_practice(self) -> None:
        """Make the practice version for the speed chosen in a worker, then play it."""
        from mt_studio.core.practice import PracticeSettings, RenderCancelled, practice_version

        player = self.player
        if player is None:
            return
        self._practice_cancel.set()
        self._generation += 1
        generation, cancel = self._generation, threading.Event()
        self._practice_cancel = cancel
        if self.speed == 100:
            player.set_practice(None)
            self._practice_ready(generation, None, "")
            return
        settings = PracticeSettings(self.speed / 100)
        folder, sources, rate = self._mine.folder, list(player.sources), player.samplerate
        self.status.setText(_("Getting the take ready at {speed} %…").format(speed=self.speed))

        def work() -> tuple[object, str]:
            try:
                return practice_version(folder, sources, settings, samplerate=rate,
                                        cancelled=cancel.is_set), ""
            except RenderCancelled:
                return None, ""
            except MtStudioError as error:
                return None, str(error)

        run_in_worker(self, work, done=lambda made: self._practice_ready(generation, *made),
                      thread="mt-studio-practice")

    def _practice_ready(self, generation: int, version, problem: str) -> None:
        if generation != self._generation or self.player is None:
            return
        if version is not None:
            self.player.set_practice(version)
        self.status.setText(problem)
        if self._play_when_ready:
            self._play()
        self._show()

    def _show(self) -> None:
        take, player = self.take, self.player
        self.play_button.setEnabled(take is not None and bool(take.frames))
        self.play_button.setText(_("Stop") if self.playing else _("Play"))
        self.slower_button.setEnabled(take is not None and self.speed > SLOWEST)
        self.faster_button.setEnabled(take is not None and self.speed < FASTEST)
        self.speed_label.setText(speed_words(self.speed))
        if take is None:
            self.clock.setText("")
            return
        at = player.position if player is not None else 0
        self.clock.setText(_("{now} of {length}").format(
            now=length_words(at, take.samplerate),
            length=length_words(take.frames, take.samplerate)))

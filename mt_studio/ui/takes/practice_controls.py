"""The beat and practice line of the Takes tab: the metronome's click, the tempo (typed, tapped
or found in the take) and the beats to a bar; and a practice version of the take, slower or
faster and transposed, prepared in the background with progress and Cancel."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from PyQt6.QtCore import QTimer, pyqtSignal
from PyQt6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QWidget,
)

from mt_studio.core.domain import TakeStatus
from mt_studio.core.domain.sound import TakeSound
from mt_studio.core.domain.takes import Take
from mt_studio.core.errors import MtStudioError
from mt_studio.core.metronome import BeatGrid
from mt_studio.core.tempo import MAX_BPM, MIN_BPM, TapTempo
from mt_studio.i18n import _
from mt_studio.ui.common.worker import run_in_worker

log = logging.getLogger(__name__)


class PracticeControls(QWidget):
    """Click, tempo, beats to a bar, Tap and Find tempo; speed and transposition.

    PART gives the frames (start, stop) to practise and to find the tempo in: the loop, or
    the whole take. `grid_changed(grid)` follows the tempo, the bars, the first beat and the
    click; `practice_ready(version)` hands over a practice version to play in the take's place
    (None: play the take as recorded); `note(words)` says how it went, for the transport.
    """

    grid_changed = pyqtSignal(object)
    practice_ready = pyqtSignal(object)
    note = pyqtSignal(str)

    def __init__(self, part: Callable[[], tuple[int, int]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._part = part
        self._take: Take | None = None
        self._folder: Path | None = None  # where practice versions of the take are kept
        self._sources: list[list[Path]] = []  # the files of each track that plays
        self._playable = False
        self._first_beat = 0  # the take's first downbeat, once a tempo was found in it
        self._generation = 0
        self._practice_cancel = threading.Event()
        self._tempo_cancel = threading.Event()
        self._tap = TapTempo()
        self._build()

    def _build(self) -> None:
        self.click_button = QPushButton(_("Click"))
        self.click_button.setCheckable(True)
        self.click_button.setAccessibleName(_("Metronome click"))
        self.click_button.setToolTip(_("A click on every beat while the take plays."))
        self.click_button.toggled.connect(self._grid_changed)
        self.tempo = QDoubleSpinBox()
        self.tempo.setRange(MIN_BPM, MAX_BPM)
        self.tempo.setDecimals(1)
        self.tempo.setSuffix(_(" BPM"))
        self.tempo.setValue(100.0)
        self.tempo.setAccessibleName(_("Tempo in beats per minute"))
        self.tempo.setToolTip(_("The tempo for the click and for snapping loops to bars."))
        self.tempo.valueChanged.connect(self._grid_changed)
        self.beats = QComboBox()
        for beats in (2, 3, 4, 5, 6, 7):
            self.beats.addItem(_("{n}/4").format(n=beats), beats)
        self.beats.setCurrentIndex(2)
        self.beats.setAccessibleName(_("Beats to a bar"))
        self.beats.currentIndexChanged.connect(self._grid_changed)
        self.tap_button = QPushButton(_("Tap"))
        self.tap_button.setAccessibleName(_("Tap the tempo"))
        self.tap_button.setToolTip(_("Tap along with the beat (T); the tempo follows your taps."))
        self.tap_button.clicked.connect(self.tap)
        self.find_tempo_button = QPushButton(_("Find tempo"))
        self.find_tempo_button.setAccessibleName(_("Find the tempo of this take"))
        self.find_tempo_button.setToolTip(_(
            "Listen to the take (the loop, if there is one) and set the tempo and the bars "
            "from its beat."))
        self.find_tempo_button.clicked.connect(self.find_tempo)
        self.speed = QSpinBox()
        self.speed.setRange(50, 150)
        self.speed.setSingleStep(5)
        self.speed.setValue(100)
        self.speed.setSuffix(" %")
        self.speed.setAccessibleName(_("Practice speed"))
        self.speed.setToolTip(_("Play slower or faster without changing the pitch (100 % is as "
                                "recorded). The loop, or the whole take, is prepared first."))
        self.transpose = QSpinBox()
        self.transpose.setRange(-6, 6)
        self.transpose.setAccessibleName(_("Transpose in semitones"))
        self.transpose.setToolTip(_("Move the pitch up or down by up to six semitones."))
        self.practice_progress = QProgressBar()
        self.practice_progress.setRange(0, 100)
        self.practice_progress.setAccessibleName(_("Preparing the practice version"))
        self.practice_progress.setVisible(False)
        self.practice_cancel = QPushButton(_("Cancel"))
        self.practice_cancel.setAccessibleName(_("Stop preparing the practice version"))
        self.practice_cancel.setVisible(False)
        self.practice_cancel.clicked.connect(self.cancel)
        self._practice_timer = QTimer(self)
        self._practice_timer.setSingleShot(True)
        self._practice_timer.setInterval(600)  # while the arrows are still being clicked
        self._practice_timer.timeout.connect(self._prepare_practice)
        for box in (self.speed, self.transpose):
            box.valueChanged.connect(self._practice_changed)

        line = QHBoxLayout(self)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.click_button)
        line.addWidget(self.tempo)
        line.addWidget(self.beats)
        line.addWidget(self.tap_button)
        line.addWidget(self.find_tempo_button)
        line.addSpacing(self.fontMetrics().height())
        line.addWidget(QLabel(_("Speed")))
        line.addWidget(self.speed)
        line.addWidget(QLabel(_("Transpose")))
        line.addWidget(self.transpose)
        line.addWidget(self.practice_progress)
        line.addWidget(self.practice_cancel)
        line.addStretch(1)

    def start_afresh(self, sound: TakeSound | None) -> None:
        """Make ready for the take of SOUND as the studio resolved it (None: no take). What
        belonged to the take before goes: its practice version (and one being prepared) and
        its beat; the speed goes back to as recorded, as preparing a long take again unasked
        could take many minutes."""
        self.cancel()
        self._generation += 1
        self._show_working(False)
        for box, value in ((self.speed, 100), (self.transpose, 0)):
            box.blockSignals(True)
            box.setValue(value)
            box.blockSignals(False)
        self._practice_timer.stop()
        self._first_beat = 0
        take = sound.take if sound is not None else None
        self._take, self._folder = take, (sound.folder if sound is not None else None)
        self._sources = [list(t.files) for t in sound.audio] if take and take.frames else []
        self.find_tempo_button.setEnabled(take is not None and bool(take.frames)
                                          and take.status is not TakeStatus.RECORDING)

    def set_playable(self, playable: bool, sources: list[list[Path]] | None = None) -> None:
        """Whether the take can play now: a practice version is prepared only then (at once,
        if a speed or transposition is already chosen), of SOURCES when given (the files of
        each track the player plays, in its order)."""
        self._playable = playable
        if sources is not None:
            self._sources = [list(paths) for paths in sources]
        if playable and not self.settings().is_original:
            self._prepare_practice()

    def part_changed(self) -> None:
        """The part to practise changed (a loop drawn, looping on or off): prepare it anew."""
        if not self.settings().is_original:
            self._practice_timer.start()

    def settings(self):
        """The speed and transposition chosen (core PracticeSettings)."""
        from mt_studio.core.practice import PracticeSettings

        return PracticeSettings(self.speed.value() / 100, self.transpose.value())

    def grid(self) -> BeatGrid:
        """The beats: the tempo and bars chosen, from the take's first beat once found."""
        return BeatGrid(self.tempo.value(), self.beats.currentData(), self._first_beat)

    def click_grid(self) -> BeatGrid | None:
        """The beats the click follows, or None with the click off."""
        return self.grid() if self.click_button.isChecked() else None

    def cancel(self) -> None:
        """Stop preparing a practice version, and listening for the beat (the Cancel button)."""
        self._practice_cancel.set()
        self._tempo_cancel.set()

    # Slots are methods, not lambdas: a method's connection goes with its widget, where a
    # lambda's could still be called while the widget is being taken apart.

    def _grid_changed(self, *_changed: object) -> None:
        self.grid_changed.emit(self.grid())

    def _practice_changed(self, *_value: int) -> None:
        self._practice_timer.start()

    def _show_working(self, on: bool) -> None:
        """Show or hide the progress bar and Cancel, which practice and Find tempo share."""
        if on:
            self.practice_progress.setValue(0)
        self.practice_progress.setVisible(on)
        self.practice_cancel.setVisible(on)

    def _show_progress(self, generation: int, fraction: float) -> None:
        if generation == self._generation:
            self.practice_progress.setValue(round(fraction * 100))

    # The tempo: tapped, or found in the take

    def tap(self) -> None:
        """Take the tempo from taps on the Tap button or T."""
        bpm = self._tap.tap(time.monotonic())
        if bpm is not None:
            self.tempo.setValue(bpm)

    def find_tempo(self) -> None:
        """Find the take's tempo (of the loop, if one plays) in a worker, with progress and
        Cancel; the tempo box and the bars follow when it is found."""
        if self._take is None or not self._take.frames:
            return
        from mt_studio.core.tempo import DetectionCancelled, detect_tempo_of_files

        take_id, cancel = self._take.id, threading.Event()
        self._tempo_cancel = cancel
        tracks = self._sources
        start, stop = self._part()
        self.find_tempo_button.setEnabled(False)
        self.note.emit(_("Listening for the beat…"))
        self._show_working(True)

        def work(report: Callable[[float], None]) -> tuple[object, str]:
            """The estimate (or None), and what went wrong in words."""
            try:
                return detect_tempo_of_files(tracks, start=start, stop=stop,
                                             cancelled=cancel.is_set, progress=report), ""
            except DetectionCancelled:
                return None, ""
            except MtStudioError as error:
                log.info("no tempo found in take %d: %s", take_id, error)
                return None, _("No steady beat was heard in this take. Type the tempo, or "
                               "tap it.")

        # its progress counts as the newest practice version's, so that it shows
        run_in_worker(self, work, done=lambda heard: self._tempo_found(take_id, *heard),
                      progress=lambda f: self._show_progress(self._generation, float(f)),
                      thread="mt-studio-tempo")

    def _tempo_found(self, take_id: int, found, problem: str) -> None:
        take = self._take
        self.find_tempo_button.setEnabled(take is not None and bool(take.frames))
        self._show_working(False)
        if take is None or take.id != take_id:
            return
        if found is None:
            self.note.emit(problem)
            return
        self._first_beat = found.first_beat(take.samplerate)
        self.tempo.setValue(round(found.bpm, 1))
        self.note.emit(_("The take's tempo is about {bpm:.0f} beats a minute.")
                       .format(bpm=found.bpm))
        self._grid_changed()

    # Practice versions: slower, faster, transposed

    def _prepare_practice(self) -> None:
        """Make the practice version (of the part) in a worker, then hand it over; as
        recorded, hand over None to play the take itself."""
        self.cancel()
        if self._take is None or not self._playable:
            return
        settings = self.settings()
        if settings.is_original:
            self.practice_ready.emit(None)
            self.note.emit("")
            return
        from mt_studio.core.practice import RenderCancelled, practice_version

        self._generation += 1
        generation, cancel = self._generation, threading.Event()
        self._practice_cancel = cancel
        start, stop = self._part()
        take_id, rate = self._take.id, self._take.samplerate
        folder, sources = self._folder, self._sources
        self._show_working(True)
        self.note.emit(_("Preparing the take at {speed} %…").format(speed=self.speed.value()))

        def work(report: Callable[[float], None]) -> tuple[object, str]:
            """The practice version (or None), and what went wrong in words."""
            try:
                return practice_version(folder, sources, settings, samplerate=rate,
                                        start=start, stop=stop, cancelled=cancel.is_set,
                                        progress=report), ""
            except RenderCancelled:
                return None, _("Preparing was stopped; the take plays as recorded.")
            except MtStudioError as error:
                return None, str(error)

        run_in_worker(self, work,
                      done=lambda made: self._practice_made(generation, take_id, *made),
                      progress=lambda f: self._show_progress(generation, float(f)),
                      thread="mt-studio-practice")

    def _practice_made(self, generation: int, take_id: int, version, problem: str) -> None:
        if generation != self._generation or self._take is None or self._take.id != take_id:
            return
        self._show_working(False)
        if version is not None and self.transpose.value():
            problem = _("Ready: the take plays at {speed} %, {semitones} semitones.").format(
                speed=self.speed.value(), semitones=f"{self.transpose.value():+d}")
        elif version is not None:
            problem = _("Ready: the take plays at {speed} %.").format(speed=self.speed.value())
        self.note.emit(problem)
        self.practice_ready.emit(version)

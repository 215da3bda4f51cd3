"""The Takes tab: a session's takes with thumbnails and status, and the chosen take's lanes,
mix and transport: Space plays and stops, Home goes back to the start, L loops the part drawn
on the loop strip (or, with none, the part between the markers around the playhead), M drops a
named marker at the playhead, and the metronome clicks along at the session's or a tapped
tempo. Waveforms come from each track's peak cache, built in the background."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PyQt6.QtCore import QObject, QRectF, QSize, Qt, QThreadPool, QTimer, pyqtSignal
from PyQt6.QtGui import QIcon, QKeySequence, QPainter, QPalette, QPixmap, QShortcut
from PyQt6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from mt_studio.core import peak_cache
from mt_studio.core.domain import TakeStatus, TrackKind
from mt_studio.core.errors import MtStudioError
from mt_studio.core.library import Library, layers, participants, sessions, takes
from mt_studio.core.library.takes import Take, Track
from mt_studio.core.looping import LoopRegion
from mt_studio.core.metronome import BeatGrid
from mt_studio.core.playback import TakePlayer
from mt_studio.core.tempo import MAX_BPM, MIN_BPM, TapTempo
from mt_studio.core.waveform import midi_notes, part_paths
from mt_studio.i18n import _, ngettext
from mt_studio.ui.mix_panel import MixPanel
from mt_studio.ui.record_panel import duration_text
from mt_studio.ui.take_lanes import Lane, Mark, Note, Span, TakeLanes, draw_peaks

log = logging.getLogger(__name__)

TAKE_ID_ROLE = Qt.ItemDataRole.UserRole
THUMBNAIL_COLUMNS = 160
PLAYHEAD_INTERVAL_MS = 33  # about 30 times a second
LOOP_CROSSFADE_SECONDS = 0.005  # against a click at the seam


def marker_names() -> list[str]:
    """The names offered for a new marker, in the window's language."""
    return [_("Verse"), _("Chorus"), _("Bridge"), _("Intro"), _("Outro")]


def length_words(frames: int, samplerate: int) -> str:
    """A length as people read it: 0:25, or 1:02:03 past an hour."""
    return duration_text(frames / max(1, samplerate))


def status_words(take: Take) -> str:
    """The take's state in words: complete, recovered, still recording; and its dropouts."""
    words = {
        TakeStatus.COMPLETE: _("complete"),
        TakeStatus.RECOVERED: _("recovered after a crash"),
        TakeStatus.RECORDING: _("still recording"),
    }[take.status]
    if take.dropouts:
        count = len(take.dropouts)
        words = _("{status}, {dropouts}").format(status=words, dropouts=ngettext(
            "has {n} dropout", "has {n} dropouts", count).format(n=count))
    return words


def take_summary(take: Take) -> str:
    """One line for the takes list: number, time, length and status."""
    return _("Take {number} · {time} · {length} · {status}").format(
        number=take.number, time=take.started_at.astimezone().strftime("%H:%M"),
        length=length_words(take.frames, take.samplerate), status=status_words(take))


def lane_for(track: Track, names: dict[int, str]) -> Lane:
    """How a track shows in its lane: the instrument (or the input) and who is heard on it."""
    if track.instrument:
        title = track.instrument
    elif track.kind is TrackKind.MIDI:
        title = _("MIDI {port}").format(port=track.port or "")
    else:
        title = _("Input {number}").format(number=track.input)
    people = ", ".join(sorted((names.get(pid, "?") for pid in track.participant_ids),
                              key=str.casefold))
    return Lane(track.id, title, people, audio=track.kind is TrackKind.AUDIO)


class _Results(QObject):
    """Workers report here; Qt queues the signals to the GUI thread."""

    thumbnail = pyqtSignal(int, object)  # take id, peaks (or None)
    lane_peaks = pyqtSignal(int, int, object, int, int)  # generation, track, peaks, start, stop
    caches_built = pyqtSignal(int)  # take id
    lane_notes = pyqtSignal(int, object)  # track id, notes
    player_ready = pyqtSignal(object, str)  # the player, a problem in words ("" if none)
    practice_ready = pyqtSignal(int, int, object, str)  # generation, take, version, problem
    practice_progress = pyqtSignal(int, float)  # generation, fraction done
    tempo_found = pyqtSignal(int, object, str)  # take id, the estimate (or None), problem


def _peaks_or_none(folder: Path, paths: list[Path], columns: int, frames: int | None = None,
                   start: int = 0, stop: int | None = None) -> np.ndarray | None:
    """The track's waveform in COLUMNS over START..STOP, from its peak cache when it has one;
    with FRAMES (the take's length), a track that ends early (a recovered take) gets flat
    columns where it has no sound, so lanes line up."""
    try:
        return peak_cache.peaks_for_track(folder, paths, columns, start=start, stop=stop,
                                          length=frames)
    except (MtStudioError, OSError) as error:
        log.warning("no waveform for %s: %s", paths[0] if paths else "?", error)
        return None


def _build_caches(folder: Path, tracks: list[list[Path]], current: Callable[[], bool]) -> bool:
    """Build the peak caches the tracks lack (a worker's call); True if any was built."""
    built = False
    for paths in tracks:
        if not paths or not current():
            continue
        target = peak_cache.cache_file(folder, paths)
        if peak_cache.PeakCache.open(paths, target) is not None:
            continue
        try:
            built |= peak_cache.build(paths, target, cancelled=lambda: not current())
        except (MtStudioError, OSError) as error:
            log.warning("no peak cache for %s: %s", paths[0], error)
    return built


class TakesView(QWidget):
    """A session's takes (newest first) above the chosen take's lanes and transport.

    `position_changed(take_id, frame)` follows the playhead (take_id is 0 with no take).
    """

    position_changed = pyqtSignal(int, int)

    def __init__(self, library: Library, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.session_id: int | None = None
        self.take: Take | None = None
        self.player: TakePlayer | None = None
        self._thumbnails: dict[tuple[int, int], np.ndarray | None] = {}
        self._generation = 0
        self._closers: list[threading.Thread] = []
        self._lane_sources: list[tuple[int, list[Path]]] = []  # audio track id, its files
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)
        self._results = _Results(self)
        self._results.thumbnail.connect(self._show_thumbnail)
        self._results.lane_peaks.connect(self._show_lane_peaks)
        self._results.caches_built.connect(self._caches_built)
        self._results.practice_ready.connect(self._practice_ready)
        self._results.practice_progress.connect(self._practice_progress)
        self._results.tempo_found.connect(self._tempo_found)
        self._first_beat = 0  # the take's first downbeat, once a tempo was found in it
        self._practice_generation = 0
        self._play_when_ready = False
        self._releasing = False  # the view lets go: background work stops where it can
        self._practice_cancel = threading.Event()
        self._tempo_cancel = threading.Event()
        self._tap = TapTempo()
        self._results.lane_notes.connect(self._show_lane_notes)
        self._results.player_ready.connect(self._player_ready)
        self._build()

    def _build(self) -> None:
        line = self.fontMetrics().height()
        self.take_list = QListWidget()
        self.take_list.setAccessibleName(_("Takes of this session"))
        self.take_list.setToolTip(_("Choose a take to see its tracks and play it."))
        self.take_list.setIconSize(QSize(line * 8, line * 2))
        self.take_list.currentItemChanged.connect(self._take_chosen)

        self.title = QLabel(_("No take chosen"))
        title_font = self.title.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.3)
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.play_button = QPushButton(_("Play"))
        self.play_button.setAccessibleName(_("Play or stop"))
        self.play_button.setToolTip(_("Play the take from the playhead, or stop (Space)."))
        self.play_button.clicked.connect(self.toggle_playback)
        self.start_button = QPushButton(_("Back to start"))
        self.start_button.setAccessibleName(_("Back to the start"))
        self.start_button.setToolTip(_("Move the playhead to the start of the take (Home)."))
        self.start_button.clicked.connect(self.to_start)
        self.clock = QLabel()
        self.clock.setAccessibleName(_("Playhead time"))
        self.transport_note = QLabel()
        self.transport_note.setWordWrap(True)
        self.transport_note.setAccessibleName(_("Playback status"))
        self.loop_button = QPushButton(_("Loop"))
        self.loop_button.setCheckable(True)
        self.loop_button.setAccessibleName(_("Loop"))
        self.loop_button.setToolTip(_(
            "Play the marked part over and over (L). Drag along the strip above the tracks to "
            "mark a part; without one, the part between the markers around the playhead."))
        self.loop_button.toggled.connect(self._loop_toggled)
        self.loop_at_once = QCheckBox(_("Change the loop at once"))
        self.loop_at_once.setToolTip(_(
            "When off, a new loop starts when the one playing comes round to its end."))
        self.marker_button = QPushButton(_("Add marker…"))
        self.marker_button.setAccessibleName(_("Add a marker at the playhead"))
        self.marker_button.setToolTip(_("Name this point of the take, for example Chorus (M)."))
        self.marker_button.clicked.connect(self.add_marker)
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
        transport = QHBoxLayout()
        transport.addWidget(self.play_button)
        transport.addWidget(self.start_button)
        transport.addWidget(self.clock)
        transport.addWidget(self.loop_button)
        transport.addWidget(self.loop_at_once)
        transport.addWidget(self.marker_button)
        transport.addWidget(self.transport_note, 1)
        beat_line = QHBoxLayout()
        beat_line.addWidget(self.click_button)
        beat_line.addWidget(self.tempo)
        beat_line.addWidget(self.beats)
        beat_line.addWidget(self.tap_button)
        beat_line.addWidget(self.find_tempo_button)
        beat_line.addSpacing(line)
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
        self.practice_cancel.clicked.connect(self._cancel_practice)
        self._practice_timer = QTimer(self)
        self._practice_timer.setSingleShot(True)
        self._practice_timer.setInterval(600)  # while the arrows are still being clicked
        self._practice_timer.timeout.connect(self._prepare_practice)
        for box in (self.speed, self.transpose):
            box.valueChanged.connect(self._practice_changed)
        beat_line.addWidget(QLabel(_("Speed")))
        beat_line.addWidget(self.speed)
        beat_line.addWidget(QLabel(_("Transpose")))
        beat_line.addWidget(self.transpose)
        beat_line.addWidget(self.practice_progress)
        beat_line.addWidget(self.practice_cancel)
        beat_line.addStretch(1)
        self.zoom_hint = QLabel(_("Drag along the strip above the tracks to mark a part to "
                                  "loop. Ctrl+wheel or + and − zoom; 0 shows the whole take."))
        self.zoom_hint.setWordWrap(True)

        self.lanes = TakeLanes()
        self.lanes.seek_requested.connect(self.seek)
        self.lanes.view_changed.connect(self._view_changed)
        self.lanes.loop_changed.connect(self._loop_drawn)
        self._peaks_shape: tuple[int, int, int, int] | None = None  # take, columns, view
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.lanes)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        self.mix = MixPanel()
        self.mix.mix_changed.connect(self._mix_changed)
        detail_layout.addWidget(self.title)
        detail_layout.addLayout(transport)
        detail_layout.addLayout(beat_line)
        detail_layout.addWidget(scroll, 1)
        detail_layout.addWidget(self.zoom_hint)
        detail_layout.addWidget(self.mix)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.take_list)
        splitter.addWidget(detail)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([line * 7, line * 40])  # the take, more than the list, to start
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self._resize_timer = QTimer(self)
        self._resize_timer.setSingleShot(True)
        self._resize_timer.setInterval(60)
        self._resize_timer.timeout.connect(self._lanes_resized)
        self._playhead_timer = QTimer(self)
        self._playhead_timer.setInterval(PLAYHEAD_INTERVAL_MS)
        self._playhead_timer.timeout.connect(self._follow_player)
        for keys, action in ((Qt.Key.Key_Space, self.toggle_playback),
                             (Qt.Key.Key_Home, self.to_start),
                             (Qt.Key.Key_L, self.loop_button.toggle),
                             (Qt.Key.Key_M, self.add_marker),
                             (Qt.Key.Key_T, self.tap)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(action)
        self._set_transport(False, "")
        self._show_clock()

    # Takes list

    def show_session(self, session_id: int) -> None:
        """Show SESSION_ID's takes (the chosen take is let go)."""
        if session_id != self.session_id:
            self.session_id = session_id
            tempo = sessions.get(self.library.connection, session_id).tempo_bpm
            if tempo:
                self.tempo.setValue(tempo)
            self.take_list.clear()
            self._show_take(None)
        self.refresh()

    def refresh(self) -> None:
        """Read the session's takes again, keeping the chosen one chosen."""
        if self.session_id is None:
            return
        found = list(reversed(takes.for_session(self.library.connection, self.session_id)))
        chosen = self.take.id if self.take else None
        grown = next((t for t in found if t.id == chosen and self._changed(t)), None)
        self.take_list.blockSignals(True)
        self.take_list.clear()
        for take in found:
            item = QListWidgetItem(take_summary(take))
            item.setData(TAKE_ID_ROLE, take.id)
            item.setToolTip(take_summary(take))
            self.take_list.addItem(item)
            key = (take.id, take.frames)
            if key in self._thumbnails:
                self._set_icon(item, self._thumbnails[key])
            else:
                self._thumbnail_later(take)
            if take.id == chosen:
                self.take_list.setCurrentItem(item)
        self.take_list.blockSignals(False)
        if chosen is not None and self.take_list.currentItem() is None:
            self._show_take(None)
        if self.take_list.currentItem() is None and found:
            self.take_list.setCurrentRow(0)  # the newest take, ready to play
        if not found:
            self.title.setText(_("No takes yet. Recorded takes appear here."))
        if grown is not None:  # a looper's take gained a layer: show it, where it was
            playhead, loop = self.lanes.playhead, self.lanes.loop
            self._show_take(grown.id)
            self.lanes.set_playhead(playhead)
            if loop is not None:
                self.lanes.set_loop(loop)

    def _changed(self, take: Take) -> bool:
        """Whether TAKE holds other tracks or frames than the take shown."""
        shown = self.take
        return (take.frames, [t.id for t in take.tracks]) != (
            shown.frames, [t.id for t in shown.tracks])

    def _thumbnail_later(self, take: Take) -> None:
        audio = [t for t in take.tracks if t.kind is TrackKind.AUDIO]
        if not audio:
            self._thumbnails[(take.id, take.frames)] = None
            return
        paths = self._paths(audio[0])
        take_id, frames = take.id, take.frames
        self._thumbnails[(take_id, frames)] = None  # under way: a refresh does not start another

        def work() -> None:
            peaks = _peaks_or_none(self.library.folder, paths, THUMBNAIL_COLUMNS)
            self._thumbnails[(take_id, frames)] = peaks
            self._emit(self._results.thumbnail, take_id, peaks)

        self._pool.start(work)

    def _show_thumbnail(self, take_id: int, peaks: np.ndarray | None) -> None:
        for row in range(self.take_list.count()):
            item = self.take_list.item(row)
            if item.data(TAKE_ID_ROLE) == take_id:
                self._set_icon(item, peaks)

    def _set_icon(self, item: QListWidgetItem, peaks: np.ndarray | None) -> None:
        if peaks is None:
            return
        size = self.take_list.iconSize()
        pixmap = QPixmap(size)
        pixmap.fill(self.palette().color(QPalette.ColorRole.Base))
        painter = QPainter(pixmap)
        draw_peaks(painter, QRectF(0, 0, size.width(), size.height()), peaks,
                   self.palette().color(QPalette.ColorRole.Highlight))
        painter.end()
        item.setIcon(QIcon(pixmap))
        item.setData(Qt.ItemDataRole.UserRole + 1, True)

    def has_thumbnail(self, row: int) -> bool:
        """Whether the take in ROW shows its waveform thumbnail yet."""
        return bool(self.take_list.item(row).data(Qt.ItemDataRole.UserRole + 1))

    # The chosen take

    def _take_chosen(self, item: QListWidgetItem | None, _previous=None) -> None:
        self._show_take(item.data(TAKE_ID_ROLE) if item is not None else None)

    def _show_take(self, take_id: int | None) -> None:
        self._release_player()
        self._generation += 1
        self._start_afresh()
        self.take = takes.get(self.library.connection, take_id) if take_id is not None else None
        if self.take is None:
            self.title.setText(_("No take chosen"))
            self.lanes.set_take([], 0, 48000)
            self.mix.set_tracks([])
            self._set_transport(False, "")
            self._show_clock()
            return
        if not self.take.frames:
            self.title.setText(_("Take {number} has no sound yet ({status}).").format(
                number=self.take.number, status=status_words(self.take)))
            self.lanes.set_take([], 0, self.take.samplerate)
            self.mix.set_tracks([])
            self._set_transport(False, "")
            self._show_clock()
            return
        take = self.take
        names = participants.pseudonyms(self.library.connection)
        self.title.setText(_("Take {number} – {length} – {status}").format(
            number=take.number, length=length_words(take.frames, take.samplerate),
            status=status_words(take)))
        self.lanes.set_take(
            [lane_for(track, names) for track in take.tracks], take.frames, take.samplerate,
            markers=[Mark(m.frame, m.name) for m in take.markers],
            dropouts=[Span(d.frame, d.length) for d in take.dropouts])
        self._lane_sources = [(t.id, self._paths(t)) for t in take.tracks
                              if t.kind is TrackKind.AUDIO]
        self.mix.set_tracks([(lane.title, lane.people) for lane in
                             (lane_for(t, names) for t in take.tracks
                              if t.kind is TrackKind.AUDIO)])
        self.find_tempo_button.setEnabled(take.status is not TakeStatus.RECORDING)
        self._show_layers(take)
        self._grid_changed()
        self._show_clock()
        self._compute_lane_peaks()
        if take.status is not TakeStatus.RECORDING:
            self._build_caches_later(take)
        self._read_notes(take)
        self._open_player(take)

    def _start_afresh(self) -> None:
        """What belonged to the take shown before goes: its practice version (and one being
        prepared), its loop, a wish to play, its beat; the speed goes back to as recorded, as
        preparing a long take again unasked could take many minutes."""
        self._cancel_practice()
        self._practice_generation += 1
        self.practice_progress.setVisible(False)
        self.practice_cancel.setVisible(False)
        for box, value in ((self.speed, 100), (self.transpose, 0)):
            box.blockSignals(True)
            box.setValue(value)
            box.blockSignals(False)
        self._practice_timer.stop()
        self.loop_button.blockSignals(True)
        self.loop_button.setChecked(False)
        self.loop_button.blockSignals(False)
        self._play_when_ready = False
        self._first_beat = 0
        self.find_tempo_button.setEnabled(False)

    def _lanes_resized(self) -> None:
        if self.take is not None and self._peaks_shape != self._view_shape():
            self._compute_lane_peaks()

    def _view_shape(self) -> tuple[int, int, int, int]:
        lanes = self.lanes
        return (self.take.id, lanes.wave_width(), lanes.view_start, lanes.view_stop)

    def _compute_lane_peaks(self) -> None:
        if self.take is None:
            return
        self._peaks_shape = self._view_shape()
        _take, columns, start, stop = self._peaks_shape
        frames, folder = self.take.frames, self.library.folder
        jobs = list(self._lane_sources)
        self._generation += 1
        generation = self._generation

        def work() -> None:
            for track_id, paths in jobs:
                if generation != self._generation:
                    return  # a newer view or take took over
                self._emit(self._results.lane_peaks, generation, track_id,
                           _peaks_or_none(folder, paths, columns, frames, start, stop),
                           start, stop)

        self._pool.start(work)

    def _build_caches_later(self, take: Take) -> None:
        """Build the peak caches the take's tracks lack, then draw the waveforms from them."""
        tracks = [paths for _track, paths in self._lane_sources]
        folder, take_id = self.library.folder, take.id

        def work() -> None:
            if _build_caches(folder, tracks, lambda: not self._releasing
                             and self.take is not None and self.take.id == take_id):
                self._emit(self._results.caches_built, take_id)

        self._pool.start(work)

    def _caches_built(self, take_id: int) -> None:
        if self.take is not None and self.take.id == take_id:
            self._compute_lane_peaks()

    def _read_notes(self, take: Take) -> None:
        jobs = [(t.id, self._paths(t)[0]) for t in take.tracks if t.kind is TrackKind.MIDI]
        samplerate = take.samplerate

        def work() -> None:
            for track_id, path in jobs:
                try:
                    notes = [Note(n.first_frame, n.frames, n.note)
                             for n in midi_notes(path, samplerate)]
                except MtStudioError as error:
                    log.warning("no notes for %s: %s", path, error)
                    continue
                self._emit(self._results.lane_notes, track_id, notes)

        if jobs:
            self._pool.start(work)

    def _show_lane_notes(self, track_id: int, notes: list[Note]) -> None:
        if any(lane.track_id == track_id for lane in self.lanes.lanes):  # still the same take
            self.lanes.set_notes(track_id, notes)

    def _show_lane_peaks(self, generation: int, track_id: int, peaks: np.ndarray | None,
                         start: int, stop: int) -> None:
        if generation == self._generation and peaks is not None:
            self.lanes.set_peaks(track_id, peaks, start, stop)

    def _paths(self, track: Track) -> list[Path]:
        return part_paths(self.library, track.id)

    # Playback

    def _open_player(self, take: Take) -> None:
        if not any(t.kind is TrackKind.AUDIO for t in take.tracks):
            self._set_transport(False, _("This take has no audio to play."))
            return
        player = TakePlayer(self.library, take.id)
        self.player = player
        self._set_transport(False, _("Getting the sound ready…"))

        def work() -> None:
            try:
                player.open()
                problem = ""
            except MtStudioError as error:
                problem = str(error)
            except Exception as error:  # an unexpected device failure must not kill the pool
                log.exception("the output could not be opened")
                problem = _("Playback is not possible here: {error}").format(error=error)
            self._emit(self._results.player_ready, player, problem)

        self._pool.start(work)

    def _player_ready(self, player: TakePlayer, problem: str) -> None:
        if player is not self.player:
            self._close_in_background(player)
            return
        if problem:
            self.player = None
            self._set_transport(False, problem)
        else:
            for index in range(len(player.track_ids)):
                player.set_mix(index, self.mix.mix(index))
            player.set_click(self._grid() if self.click_button.isChecked() else None)
            player.set_loop(self._loop_region() if self.loop_button.isChecked() else None)
            self._set_transport(True, "")
            if not self.practice_settings().is_original:
                self._prepare_practice()
            if self._play_when_ready:
                self._play_when_ready = False
                self._start_player(self.lanes.playhead)

    def _release_player(self) -> None:
        self._playhead_timer.stop()
        player, self.player = self.player, None
        if player is not None and player.is_open:
            self._close_in_background(player)

    def _set_transport(self, usable: bool, note: str) -> None:
        self.play_button.setEnabled(usable)
        self.start_button.setEnabled(self.take is not None)
        self.transport_note.setText(note)
        self.transport_note.setToolTip(note)
        self._show_play_label()

    def _show_play_label(self) -> None:
        playing = self.player is not None and self.player.playing
        self.play_button.setText(_("Stop") if playing else _("Play"))

    @property
    def playing(self) -> bool:
        """Whether the chosen take is playing."""
        return self.player is not None and self.player.playing

    def toggle_playback(self) -> None:
        """Play from the playhead, or stop if playing (what Space does; on a button that has
        the keyboard's focus, Space presses that button, as everywhere else)."""
        focused = QApplication.focusWidget()
        if isinstance(focused, QAbstractButton) and focused is not self.play_button \
                and self.isAncestorOf(focused):
            focused.animateClick()
            return
        if self.playing:
            self.stop()
        else:
            self.play()

    def play(self) -> None:
        """Play the chosen take from the playhead (from the start if it is at the end)."""
        if self.player is None or not self.play_button.isEnabled():
            return
        start = self.lanes.playhead
        if start >= self.lanes.frames:
            start = 0
        self._start_player(start)

    def _start_player(self, start: int) -> None:
        try:
            self.player.play(start)
        except MtStudioError as error:
            self.transport_note.setText(str(error))
            return
        self.transport_note.setText("")
        self._playhead_timer.start()
        self._show_play_label()

    def stop(self) -> None:
        """Stop playing; the playhead stays where the sound stopped."""
        if self.player is None:
            return
        self.player.stop()
        self._follow_player()

    def to_start(self) -> None:
        """Move the playhead to the start (what Home does), playing on if playing."""
        self.seek(0)

    def seek(self, frame: int) -> None:
        """Move the playhead to FRAME; playback, if on, goes on from there."""
        if self.take is None:
            return
        self.lanes.set_playhead(frame)
        self._show_clock()
        if self.playing:
            self._start_player(self.lanes.playhead)

    def play_from(self, take_id: int, frame: int) -> None:
        """Choose take TAKE_ID (of this session) and play it from FRAME (a song's stamp)."""
        for row in range(self.take_list.count()):
            if self.take_list.item(row).data(TAKE_ID_ROLE) == take_id:
                self.take_list.setCurrentRow(row)
                break
        else:
            self.transport_note.setText(_("That take belongs to another session."))
            return
        self.lanes.set_playhead(frame)
        self._show_clock()
        if self.player is not None and self.player.is_open:
            self._start_player(self.lanes.playhead)
        else:
            self._play_when_ready = True

    def _follow_player(self) -> None:
        player = self.player
        if player is None:
            self._playhead_timer.stop()
            return
        self.lanes.set_playhead(player.position)
        self._keep_in_view(self.lanes.playhead)
        self._show_clock()
        if not player.playing:
            self._playhead_timer.stop()
            self._show_play_label()
            if player.problem:
                self.transport_note.setText(player.problem)

    def _keep_in_view(self, frame: int) -> None:
        """Page a zoomed view along so that FRAME stays in sight while the take plays."""
        lanes = self.lanes
        span = lanes.view_stop - lanes.view_start
        if span < lanes.frames and not lanes.view_start <= frame < lanes.view_stop:
            start = frame - span // 10
            lanes.set_view(start, start + span)

    def _show_layers(self, take: Take) -> None:
        """A looper's take plays as its loop: round and round, without the layers undone or
        muted in the looper."""
        if not layers.of_take(self.library.connection, take.id):
            return
        silent = layers.left_out(self.library.connection, take.id)
        for index, (track_id, _paths) in enumerate(self._lane_sources):
            if track_id in silent:
                self.mix.row(index)[0].setChecked(True)
        self.lanes.set_loop((0, take.frames))
        self.loop_button.setChecked(True)

    # Loops, markers, the metronome and the mix

    def _loop_region(self) -> LoopRegion | None:
        """The loop drawn on the strip, as the player takes it."""
        if self.lanes.loop is None or self.take is None:
            return None
        start, end = self.lanes.loop
        return LoopRegion(start, end, round(LOOP_CROSSFADE_SECONDS * self.take.samplerate))

    def _loop_toggled(self, on: bool) -> None:
        if not self.practice_settings().is_original:
            self._practice_timer.start()  # the practice version is of the loop, or the take
        if on and self.lanes.loop is None:
            self.lanes.set_loop(self.lanes.marked_part(self.lanes.playhead))
        if on and self.lanes.loop is None:
            self.loop_button.setChecked(False)
            return
        self._send_loop(on)

    def _loop_drawn(self, region: tuple[int, int] | None) -> None:
        if not self.practice_settings().is_original:
            self._practice_timer.start()  # the practice version is of the loop
        if region is None:
            self.loop_button.setChecked(False)
        elif not self.loop_button.isChecked():
            self.loop_button.setChecked(True)  # drawing a loop means looping it
        else:
            self._send_loop(True)

    def _send_loop(self, on: bool) -> None:
        if self.player is None:
            return
        try:
            self.player.set_loop(self._loop_region() if on else None,
                                 at_once=self.loop_at_once.isChecked())
        except MtStudioError as error:
            self.transport_note.setText(str(error))

    def add_marker(self) -> None:
        """Ask for a name and drop a marker at the playhead (what M does)."""
        if self.take is None:
            return
        frame = self.lanes.playhead
        names = marker_names()
        name, chosen = QInputDialog.getItem(
            self, _("Add a marker"), _("Name the part that starts at {time}:").format(
                time=length_words(frame, self.take.samplerate)), names, 0, True)
        name = name.strip()
        if not chosen or not name:
            return
        try:
            with self.library.transaction() as db:
                takes.add_marker(db, self.take.id, frame, name)
        except MtStudioError as error:
            self.transport_note.setText(str(error))
            return
        self.take = takes.get(self.library.connection, self.take.id)
        self.lanes.set_markers([Mark(m.frame, m.name) for m in self.take.markers])

    def tap(self) -> None:
        """Take the tempo from taps on the Tap button or T."""
        bpm = self._tap.tap(time.monotonic())
        if bpm is not None:
            self.tempo.setValue(bpm)

    def find_tempo(self) -> None:
        """Find the take's tempo (of the loop, if one plays) in a worker, with progress and
        Cancel; the tempo box and the bars follow when it is found."""
        if self.take is None or not self.take.frames:
            return
        from mt_studio.core.tempo import DetectionCancelled, detect_tempo_of_files

        take_id, cancel = self.take.id, threading.Event()
        self._tempo_cancel = cancel
        tracks = [paths for _track, paths in self._lane_sources]
        start, stop = (self.lanes.loop if self.loop_button.isChecked() and self.lanes.loop
                       else (0, self.take.frames))
        self.find_tempo_button.setEnabled(False)
        self.transport_note.setText(_("Listening for the beat…"))
        self.practice_progress.setValue(0)
        self.practice_progress.setVisible(True)
        self.practice_cancel.setVisible(True)

        def work() -> None:
            try:
                found, problem = detect_tempo_of_files(
                    tracks, start=start, stop=stop, cancelled=cancel.is_set,
                    progress=lambda f: self._emit(self._results.practice_progress,
                                                  self._practice_generation, f)), ""
            except DetectionCancelled:
                found, problem = None, ""
            except MtStudioError as error:
                log.info("no tempo found in take %d: %s", take_id, error)
                found, problem = None, _("No steady beat was heard in this take. Type the "
                                         "tempo, or tap it.")
            self._emit(self._results.tempo_found, take_id, found, problem)

        threading.Thread(target=work, name="mt-studio-tempo", daemon=True).start()

    def _tempo_found(self, take_id: int, found, problem: str) -> None:
        self.find_tempo_button.setEnabled(self.take is not None and bool(self.take.frames))
        self.practice_progress.setVisible(False)
        self.practice_cancel.setVisible(False)
        if self.take is None or self.take.id != take_id:
            return
        if found is None:
            self.transport_note.setText(problem)
            return
        self._first_beat = found.first_beat(self.take.samplerate)
        self.tempo.setValue(round(found.bpm, 1))
        self.transport_note.setText(_("The take's tempo is about {bpm:.0f} beats a minute.")
                                    .format(bpm=found.bpm))
        self._grid_changed()

    def _grid(self) -> BeatGrid:
        return BeatGrid(self.tempo.value(), self.beats.currentData(), self._first_beat)

    # Slots are methods, not lambdas: a method's connection goes with its view, where a
    # lambda's could still be called while the view is being taken apart.

    def _view_changed(self, *_view: int) -> None:
        self._resize_timer.start()

    def _practice_changed(self, *_value: int) -> None:
        self._practice_timer.start()

    def _grid_changed(self, *_changed: object) -> None:
        grid = self._grid()
        self.lanes.set_grid(grid)
        if self.player is not None:
            self.player.set_click(grid if self.click_button.isChecked() else None)

    def _mix_changed(self, index: int, mix) -> None:
        if self.player is not None:
            self.player.set_mix(index, mix)

    # Practice versions: slower, faster, transposed

    def practice_settings(self):
        """The speed and transposition chosen (core PracticeSettings)."""
        from mt_studio.core.practice import PracticeSettings

        return PracticeSettings(self.speed.value() / 100, self.transpose.value())

    def _prepare_practice(self) -> None:
        """Make the practice version (of the loop, or the whole take) in a worker, then play
        it in the take's place; as recorded, go back to the take."""
        self._cancel_practice()
        if self.take is None or self.player is None:
            return
        settings = self.practice_settings()
        if settings.is_original:
            self.player.set_practice(None)
            self.transport_note.setText("")
            return
        from mt_studio.core.practice import practice_version

        self._practice_generation += 1
        generation, cancel = self._practice_generation, threading.Event()
        self._practice_cancel = cancel
        region = (self.lanes.loop if self.loop_button.isChecked() and self.lanes.loop
                  else (0, self.take.frames))
        take_id = self.take.id
        folder, rate = self.library.folder, self.take.samplerate
        sources = [paths for _track, paths in self._lane_sources]
        self.practice_progress.setValue(0)
        self.practice_progress.setVisible(True)
        self.practice_cancel.setVisible(True)
        self.transport_note.setText(_("Preparing the take at {speed} %…").format(
            speed=self.speed.value()))

        def work() -> None:
            from mt_studio.core.practice import RenderCancelled

            try:
                version = practice_version(
                    folder, sources, settings, samplerate=rate, start=region[0],
                    stop=region[1], cancelled=cancel.is_set,
                    progress=lambda f: self._emit(self._results.practice_progress,
                                                  generation, f))
                problem = ""
            except RenderCancelled:
                version, problem = None, _("Preparing was stopped; the take plays as "
                                           "recorded.")
            except MtStudioError as error:
                version, problem = None, str(error)
            self._emit(self._results.practice_ready, generation, take_id, version, problem)

        threading.Thread(target=work, name="mt-studio-practice", daemon=True).start()

    def _practice_progress(self, generation: int, fraction: float) -> None:
        if generation == self._practice_generation:
            self.practice_progress.setValue(round(fraction * 100))

    def _practice_ready(self, generation: int, take_id: int, version, problem: str) -> None:
        if generation != self._practice_generation or self.take is None \
                or self.take.id != take_id:
            return
        self.practice_progress.setVisible(False)
        self.practice_cancel.setVisible(False)
        if version is not None and self.transpose.value():
            problem = _("Ready: the take plays at {speed} %, {semitones} semitones.").format(
                speed=self.speed.value(), semitones=f"{self.transpose.value():+d}")
        elif version is not None:
            problem = _("Ready: the take plays at {speed} %.").format(speed=self.speed.value())
        self.transport_note.setText(problem)
        if self.player is not None and self.player.take_id == take_id:
            self.player.set_practice(version)
            self._show_play_label()

    def _cancel_practice(self) -> None:
        """Stop preparing a practice version, and listening for the beat (the Cancel button)."""
        self._practice_cancel.set()
        self._tempo_cancel.set()

    def _show_clock(self) -> None:
        rate = self.take.samplerate if self.take else 48000
        frames = self.take.frames if self.take else 0
        self.position_changed.emit(self.take.id if self.take else 0, self.lanes.playhead)
        self.clock.setText(_("{now} of {length}").format(
            now=length_words(self.lanes.playhead, rate), length=length_words(frames, rate)))

    def release(self, timeout: float = 2.0) -> None:
        """Stop playing and let go of the audio output, waiting up to TIMEOUT seconds for it
        to close (call it before the window closes or PortAudio restarts)."""
        self._releasing = True  # peak caches under way stop building
        self._cancel_practice()
        self._release_player()
        self._pool.waitForDone(int(timeout * 1000))
        self._releasing = False
        QApplication.processEvents()  # a player opened meanwhile is handed over, and closed
        for closer in self._closers:
            closer.join(timeout)
        self._closers = [c for c in self._closers if c.is_alive()]

    def _close_in_background(self, player: TakePlayer) -> None:
        """Close PLAYER's output without making the window wait on the device."""
        closer = threading.Thread(target=player.close, name="mt-studio-close-output",
                                  daemon=True)
        closer.start()
        self._closers = [c for c in self._closers if c.is_alive()] + [closer]

    @staticmethod
    def _emit(signal, *args: object) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:  # the view was closed while the worker ran
            pass


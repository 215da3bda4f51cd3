"""The Takes tab: a session's takes with thumbnails and status, and the chosen take's lanes and
transport for plain playback (space plays and stops, Home goes back to the start)."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import numpy as np
from PyQt6.QtCore import QObject, QRectF, QSize, Qt, QThreadPool, QTimer, pyqtSignal
from PyQt6.QtGui import QIcon, QKeySequence, QPainter, QPalette, QPixmap, QShortcut
from PyQt6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from mt_studio.core.domain import TakeStatus, TrackKind
from mt_studio.core.errors import MtStudioError
from mt_studio.core.library import Library, participants, takes
from mt_studio.core.library.takes import Take, Track
from mt_studio.core.playback import TakePlayer
from mt_studio.core.waveform import midi_notes, part_paths, track_peaks
from mt_studio.i18n import _, ngettext
from mt_studio.ui.record_panel import duration_text
from mt_studio.ui.take_lanes import Lane, Mark, Note, Span, TakeLanes, draw_peaks

log = logging.getLogger(__name__)

TAKE_ID_ROLE = Qt.ItemDataRole.UserRole
THUMBNAIL_COLUMNS = 160
PLAYHEAD_INTERVAL_MS = 33  # about 30 times a second


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
    lane_peaks = pyqtSignal(int, int, object)  # generation, track id, peaks (or None)
    lane_notes = pyqtSignal(int, object)  # track id, notes
    player_ready = pyqtSignal(object, str)  # the player, a problem in words ("" if none)


def _peaks_or_none(paths: list[Path], columns: int, frames: int | None = None
                   ) -> np.ndarray | None:
    """The track's waveform in COLUMNS; with FRAMES (the take's length), a track that ends
    early (a recovered take) gets flat columns where it has no sound, so lanes line up."""
    try:
        return track_peaks(paths, columns, length=frames)
    except (MtStudioError, OSError) as error:
        log.warning("no waveform for %s: %s", paths[0] if paths else "?", error)
        return None


class TakesView(QWidget):
    """A session's takes (newest first) above the chosen take's lanes and transport."""

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
        transport = QHBoxLayout()
        transport.addWidget(self.play_button)
        transport.addWidget(self.start_button)
        transport.addWidget(self.clock)
        transport.addWidget(self.transport_note, 1)

        self.lanes = TakeLanes()
        self.lanes.seek_requested.connect(self.seek)
        self.lanes.wave_width_changed.connect(lambda _width: self._resize_timer.start())
        self._peaks_shape: tuple[int, int] | None = None  # (take id, columns) last computed
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.lanes)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.title)
        detail_layout.addLayout(transport)
        detail_layout.addWidget(scroll, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.take_list)
        splitter.addWidget(detail)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self._resize_timer = QTimer(self)
        self._resize_timer.setSingleShot(True)
        self._resize_timer.setInterval(150)
        self._resize_timer.timeout.connect(self._lanes_resized)
        self._playhead_timer = QTimer(self)
        self._playhead_timer.setInterval(PLAYHEAD_INTERVAL_MS)
        self._playhead_timer.timeout.connect(self._follow_player)
        for keys, action in ((Qt.Key.Key_Space, self.toggle_playback),
                             (Qt.Key.Key_Home, self.to_start)):
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
            self.take_list.clear()
            self._show_take(None)
        self.refresh()

    def refresh(self) -> None:
        """Read the session's takes again, keeping the chosen one chosen."""
        if self.session_id is None:
            return
        found = list(reversed(takes.for_session(self.library.connection, self.session_id)))
        chosen = self.take.id if self.take else None
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

    def _thumbnail_later(self, take: Take) -> None:
        audio = [t for t in take.tracks if t.kind is TrackKind.AUDIO]
        if not audio:
            self._thumbnails[(take.id, take.frames)] = None
            return
        paths = self._paths(audio[0])
        take_id, frames = take.id, take.frames
        self._thumbnails[(take_id, frames)] = None  # under way: a refresh does not start another

        def work() -> None:
            peaks = _peaks_or_none(paths, THUMBNAIL_COLUMNS)
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
        self.take = takes.get(self.library.connection, take_id) if take_id is not None else None
        if self.take is None:
            self.title.setText(_("No take chosen"))
            self.lanes.set_take([], 0, 48000)
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
        self._show_clock()
        self._compute_lane_peaks()
        self._read_notes(take)
        self._open_player(take)

    def _lanes_resized(self) -> None:
        if self.take is not None and self._peaks_shape != (self.take.id, self.lanes.wave_width()):
            self._compute_lane_peaks()

    def _compute_lane_peaks(self) -> None:
        if self.take is None:
            return
        columns, frames = self.lanes.wave_width(), self.take.frames
        self._peaks_shape = (self.take.id, columns)
        jobs = list(self._lane_sources)
        self._generation += 1
        generation = self._generation

        def work() -> None:
            for track_id, paths in jobs:
                if generation != self._generation:
                    return  # a newer size or take took over
                self._emit(self._results.lane_peaks, generation, track_id,
                           _peaks_or_none(paths, columns, frames))

        self._pool.start(work)

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

    def _show_lane_peaks(self, generation: int, track_id: int, peaks: np.ndarray | None) -> None:
        if generation == self._generation and peaks is not None:
            self.lanes.set_peaks(track_id, peaks)

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
            self._set_transport(True, "")

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
        """Play from the playhead, or stop if playing (what Space does)."""
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

    def _follow_player(self) -> None:
        player = self.player
        if player is None:
            self._playhead_timer.stop()
            return
        self.lanes.set_playhead(player.position)
        self._show_clock()
        if not player.playing:
            self._playhead_timer.stop()
            self._show_play_label()
            if player.problem:
                self.transport_note.setText(player.problem)

    def _show_clock(self) -> None:
        rate = self.take.samplerate if self.take else 48000
        frames = self.take.frames if self.take else 0
        self.clock.setText(_("{now} of {length}").format(
            now=length_words(self.lanes.playhead, rate), length=length_words(frames, rate)))

    def hideEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.stop()
        super().hideEvent(event)

    def release(self, timeout: float = 2.0) -> None:
        """Stop playing and let go of the audio output, waiting up to TIMEOUT seconds for it
        to close (call it before the window closes or PortAudio restarts)."""
        self._release_player()
        self._pool.waitForDone(int(timeout * 1000))
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


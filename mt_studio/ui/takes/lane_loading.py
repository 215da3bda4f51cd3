"""What a take's lanes show that takes time to read: waveforms from each track's peak cache
(built in the background where a track lacks one) and the notes of MIDI tracks."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PyQt6.QtCore import QObject, QTimer

from mt_studio.core import peak_cache
from mt_studio.core.domain import TakeStatus
from mt_studio.core.domain.sound import TakeSound
from mt_studio.core.errors import MtStudioError
from mt_studio.core.waveform import midi_notes
from mt_studio.ui.common.worker import run_in_worker
from mt_studio.ui.takes.lane_marks import Note
from mt_studio.ui.takes.take_lanes import TakeLanes

log = logging.getLogger(__name__)


def peaks_or_none(folder: Path, paths: list[Path], columns: int, frames: int | None = None,
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


def build_caches(folder: Path, tracks: list[list[Path]], current: Callable[[], bool]) -> bool:
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


class LaneLoader(QObject):
    """Fills LANES in workers from a take as the studio resolved it: the audio tracks'
    waveforms at the lanes' width and span (again when either changes), drawn again once
    missing peak caches are built, and the MIDI tracks' notes.

    `releasing`, while true, stops peak caches under way from being built.
    """

    def __init__(self, lanes: TakeLanes, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lanes = lanes
        self._sound: TakeSound | None = None
        self._sources: list[tuple[int, list[Path]]] = []  # each audio track: its id, its files
        self._generation = 0
        self.peaks_shape: tuple[int, int, int, int] | None = None  # take, columns, view
        self.releasing = False
        self._resize_timer = QTimer(self)
        self._resize_timer.setSingleShot(True)
        self._resize_timer.setInterval(60)
        self._resize_timer.timeout.connect(self._lanes_resized)
        lanes.view_changed.connect(self._view_changed)

    def show_take(self, sound: TakeSound | None) -> None:
        """Fill the lanes for the take of SOUND (None: a take with nothing to read); what was
        under way for the take before is dropped."""
        self._generation += 1
        self._sound = sound
        self._sources = [(t.id, list(t.files)) for t in sound.audio] if sound else []
        if sound is None:
            return
        self._compute_peaks()
        if sound.take.status is not TakeStatus.RECORDING:
            self._build_caches_later(sound)
        self._read_notes(sound)

    @property
    def _take_id(self) -> int | None:
        return self._sound.take.id if self._sound is not None else None

    def _view_changed(self, *_view: int) -> None:
        self._resize_timer.start()

    def _lanes_resized(self) -> None:
        if self._sound is not None and self.peaks_shape != self._view_shape():
            self._compute_peaks()

    def _view_shape(self) -> tuple[int, int, int, int]:
        lanes = self._lanes
        return (self._take_id, lanes.wave_width(), lanes.view_start, lanes.view_stop)

    def _compute_peaks(self) -> None:
        self.peaks_shape = self._view_shape()
        _take, columns, start, stop = self.peaks_shape
        frames, folder = self._sound.frames, self._sound.folder
        jobs = list(self._sources)
        self._generation += 1
        generation = self._generation

        def work(report: Callable[[tuple[int, np.ndarray | None]], None]) -> None:
            for track_id, paths in jobs:
                if generation != self._generation:
                    return  # a newer view or take took over
                report((track_id, peaks_or_none(folder, paths, columns, frames, start, stop)))

        run_in_worker(self, work, progress=lambda read: self._show_peaks(generation, *read,
                                                                         start, stop))

    def _show_peaks(self, generation: int, track_id: int, peaks: np.ndarray | None,
                    start: int, stop: int) -> None:
        if generation == self._generation and peaks is not None:
            self._lanes.set_peaks(track_id, peaks, start, stop)

    def _build_caches_later(self, sound: TakeSound) -> None:
        """Build the peak caches the take's tracks lack, then draw the waveforms from them."""
        tracks = [paths for _track, paths in self._sources]
        folder, take_id = sound.folder, sound.take.id

        def work() -> bool:
            return build_caches(folder, tracks,
                                lambda: not self.releasing and self._take_id == take_id)

        run_in_worker(self, work, done=lambda built: self._caches_built(take_id, built))

    def _caches_built(self, take_id: int, built: bool) -> None:
        if built and self._take_id == take_id:
            self._compute_peaks()  # drawn again from the caches

    def _read_notes(self, sound: TakeSound) -> None:
        jobs = [(t.id, t.files[0]) for t in sound.midi if t.files]
        samplerate = sound.samplerate

        def work(report: Callable[[tuple[int, list[Note]]], None]) -> None:
            for track_id, path in jobs:
                try:
                    notes = [Note(n.first_frame, n.frames, n.note)
                             for n in midi_notes(path, samplerate)]
                except MtStudioError as error:
                    log.warning("no notes for %s: %s", path, error)
                    continue
                report((track_id, notes))

        if jobs:
            run_in_worker(self, work, progress=lambda read: self._show_notes(*read))

    def _show_notes(self, track_id: int, notes: list[Note]) -> None:
        if any(lane.track_id == track_id for lane in self._lanes.lanes):  # still the same take
            self._lanes.set_notes(track_id, notes)

"""The files of a take being recorded: a mono WAV per track, split before 4 GiB, and a journal;
each sealed under the take's key when the studio gives one (a plain library gives none)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import numpy as np

from mt_studio.core.capture.file_seal import audio_chunk_bytes, seal_for
from mt_studio.core.capture.journal import JOURNAL_NAME, FilePart, Journal
from mt_studio.core.capture.sealed_wav import SealedWavWriter
from mt_studio.core.capture.wav_stream import (
    MAX_DATA_BYTES,
    SampleEncoder,
    SampleFormat,
    WavStreamWriter,
)
from mt_studio.core.sealing.stream import TAG_BYTES

# Room left in a sealed part for its header (the rest of it is chunks and their tags).
_SEALED_HEADER_ROOM = 1024


@dataclass(frozen=True)
class TrackTarget:
    """Where one captured channel goes: the track's id and its first file (library-relative)."""

    track_id: int
    channel: int
    file: str


def part_file(first_file: str, number: int) -> str:
    """The library-relative name of part NUMBER of a track whose first part is FIRST_FILE."""
    if number == 1:
        return first_file
    path = PurePosixPath(first_file)
    return str(path.with_name(f"{path.stem}.part{number}{path.suffix}"))


class TakeFiles:
    """Writes blocks of captured audio to every track's file, all channels kept in step.

    A failed write (disk full, file too large) leaves every file cut back to the frames that
    all of them hold (sealed files: in the chunks on disk, writing nothing more), so the take
    stays aligned; the caller then stops and finalizes. Each
    part's samples are hashed as they are written; `hashes` holds those of the parts closed.

    With a FILE_KEY (and the take's TAKE_ID) every file is sealed (sealed_wav.py, a sealed
    journal); a sealed part splits so that the file, tags and header included, stays within
    SPLIT_BYTES too.
    """

    def __init__(
        self,
        library_folder: Path,
        take_folder: str,
        tracks: Sequence[TrackTarget],
        samplerate: int,
        sample_format: SampleFormat,
        split_bytes: int = MAX_DATA_BYTES,
        *,
        file_key: bytes | None = None,
        take_id: int | None = None,
    ) -> None:
        self.library_folder = library_folder
        self.tracks = list(tracks)
        self.samplerate = samplerate
        self.sample_format = sample_format
        self._key, self._take_id = file_key, take_id
        self.split_frames = self._split_frames(split_bytes)
        self.frames = 0
        self.parts: list[FilePart] = []
        self.hashes: dict[str, str | None] = {}  # a closed part's file: its samples' SHA-256
        self._part_first_frame = 0
        self._encoder = SampleEncoder(sample_format)
        rows = [t.channel for t in self.tracks]
        self._rows = None if rows == list(range(len(rows))) else rows
        folder = library_folder / take_folder
        folder.mkdir(parents=True, exist_ok=True)
        # Every file is new (a file already there is refused, never written over); if one
        # cannot be made, those made before it go again, and nothing else is touched.
        self.journal = Journal(folder / JOURNAL_NAME, seal_for(
            file_key, take_id, PurePosixPath(take_folder, JOURNAL_NAME)))
        self._writers = []
        try:
            for track in self.tracks:
                self._writers.append(self._open_part(track, 1, 0))
        except BaseException:
            for writer in self._writers:
                writer.close()
                writer.path.unlink(missing_ok=True)
            self.journal.close()
            self.journal.path.unlink(missing_ok=True)
            raise
        _sync_folder(folder)

    def write(self, planar: np.ndarray) -> None:
        """Append a (channels, frames) float32 block, splitting files at part boundaries.

        Row N of the block is captured channel N; each track takes the row it names.
        """
        if self._rows is not None:
            planar = planar[self._rows]
        frames = planar.shape[1]
        start = 0
        while start < frames:
            room = self.split_frames - self.frames % self.split_frames
            if room == self.split_frames and self.frames > 0:
                self._next_parts()
            segment = planar[:, start:start + room]
            encoded = self._encoder.encode(segment)
            try:
                for writer, samples in zip(self._writers, encoded, strict=True):
                    writer.append(samples)
            except OSError:
                # Back to what every file holds, writing nothing more: the disk may be full.
                kept = min(writer.frames_kept_without_writing for writer in self._writers)
                for writer in self._writers:
                    writer.finalize(kept)
                self.frames = self._part_first_frame + kept
                raise
            self.frames += segment.shape[1]
            start += segment.shape[1]

    def write_silence(self, frames: int) -> None:
        """Append FRAMES of silence to every track (lost input, kept aligned)."""
        channels = max((t.channel for t in self.tracks), default=0) + 1
        chunk = np.zeros((channels, min(frames, 65536)), dtype=np.float32)
        while frames > 0:
            self.write(chunk[:, :frames])
            frames -= min(frames, chunk.shape[1])

    def sync(self) -> int:
        """fsync every file, then journal the frames every file now holds on disk (a sealed
        file: in whole chunks); returns them."""
        for writer in self._writers:
            writer.sync()
        held = min((writer.durable_frames for writer in self._writers),
                   default=self.frames - self._part_first_frame)
        durable = self._part_first_frame + held
        self.journal.durable(durable)
        return durable

    def dropout(self, frame: int, length: int, cause: str) -> None:
        """Journal frames lost at FRAME (the caller writes the silence)."""
        self.journal.dropout(frame, length, cause)

    def finalize(self) -> int:
        """Write true headers on every file and close the journal; returns the take's frames."""
        for writer in self._writers:
            if not writer.closed:  # a failed write has finalized them already
                writer.finalize()
        self._keep_hashes()
        self.journal.durable(self.frames)
        self.journal.close()
        return self.frames

    def _next_parts(self) -> None:
        number = self.frames // self.split_frames + 1
        for writer in self._writers:
            writer.finalize()
        self._keep_hashes()
        self._part_first_frame = self.frames
        self._writers = [self._open_part(track, number, self.frames) for track in self.tracks]

    def _keep_hashes(self) -> None:
        for writer in self._writers:
            self.hashes[str(writer.path.relative_to(self.library_folder))] = writer.sha256

    def _split_frames(self, split_bytes: int) -> int:
        """Frames in each part but the last, for files of at most SPLIT_BYTES."""
        width = self.sample_format.sample_bytes
        if self._key is None:
            return max(1, split_bytes // width)
        chunk = audio_chunk_bytes(self.samplerate, self.sample_format)
        chunks = (split_bytes - _SEALED_HEADER_ROOM - TAG_BYTES) // (chunk + TAG_BYTES)
        return max(1, chunks * chunk // width)

    def _open_part(self, track: TrackTarget, number: int,
                   first_frame: int) -> WavStreamWriter | SealedWavWriter:
        part = FilePart(track.track_id, number, first_frame, part_file(track.file, number))
        # Made before it is journalled, so that recovery only ever touches files of its own.
        path = self.library_folder / part.file
        seal = seal_for(self._key, self._take_id, part.file)
        writer = (SealedWavWriter(path, self.samplerate, self.sample_format, seal)
                  if seal is not None else
                  WavStreamWriter(path, self.samplerate, self.sample_format))
        self.journal.part(part)
        self.parts.append(part)
        return writer


def _sync_folder(folder: Path) -> None:
    """Make new file names durable, so that recovery finds the files after a crash."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

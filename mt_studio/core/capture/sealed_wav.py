"""Mono recordings sealed as they are written: the samples alone, in sealed chunks.

A sealed recording holds no WAV header (one rewritten at the end would seal a chunk twice
under one nonce): its header says the samplerate and the format, and its plaintext is the
samples exactly as a plain recording's data chunk holds them. The writer thread seals, as it
writes; the audio callback never sees it. Only whole chunks reach the disk before the end,
so `durable_frames` is what the chunks fsync'd hold, never what was appended.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from mt_studio.core.capture.file_seal import FileSeal, audio_chunk_bytes, audio_meta
from mt_studio.core.capture.wav_stream import SampleFormat, SamplesHash
from mt_studio.core.sealing.stream import (
    SealedFileError,
    SealedReader,
    SealedWriter,
    read_header,
    recover,
)

_READ_BYTES = 1 << 20


class SealedWavWriter:
    """One mono recording being sealed: append, sync, finalize, as `WavStreamWriter`. Never
    overwrites a file; `sha256` is of the samples, as a plain recording's."""

    def __init__(self, path: Path, samplerate: int, sample_format: SampleFormat,
                 seal: FileSeal) -> None:
        self.path = path
        self.samplerate = samplerate
        self.sample_format = sample_format
        self.frames = 0
        self.durable_frames = 0  # in chunks on disk as of the last sync
        self._hash = SamplesHash()
        self._file = SealedWriter(path, seal.key, seal.name, seal.take_id,
                                  audio_meta(samplerate, sample_format),
                                  chunk_size=audio_chunk_bytes(samplerate, sample_format))
        self._closed = False

    @property
    def closed(self) -> bool:
        """True once finalized or closed."""
        return self._closed

    @property
    def data_bytes(self) -> int:
        """Sample bytes appended so far."""
        return self.frames * self.sample_format.sample_bytes

    @property
    def frames_kept_without_writing(self) -> int:
        """The frames `finalize` can keep after a failed write (a full disk, a file too
        large): those in the chunks already written, but the last sample, so that the last
        of them is sealed again in its place and the file grows no further."""
        width = self.sample_format.sample_bytes
        return min(self.frames, max(0, (self._file.sealed_bytes - 1) // width))

    def append(self, samples: bytes | memoryview) -> None:
        """Append encoded samples (sealed as each chunk fills); on a failed write, the
        OSError is raised and `frames` stays as it was."""
        self._file.write(samples)
        self._hash.update(self.frames, samples)
        self.frames += memoryview(samples).nbytes // self.sample_format.sample_bytes

    @property
    def sha256(self) -> str | None:
        """The hex SHA-256 of the samples kept so far; None if a cut left it unknown."""
        return self._hash.hexdigest()

    def sync(self) -> None:
        """fsync the chunks sealed so far: `durable_frames` is what they hold."""
        sealed = self._file.sealed_bytes
        self._file.sync()
        self.durable_frames = sealed // self.sample_format.sample_bytes

    def finalize(self, frames: int | None = None) -> None:
        """Cut to FRAMES (default: all appended), seal the rest as the last chunk, sync and
        close."""
        frames = self.frames if frames is None else min(frames, self.frames)
        self._file.finish(keep_bytes=frames * self.sample_format.sample_bytes)
        self._hash.cut(self.frames, frames)
        self.frames = self.durable_frames = frames
        self._closed = True

    def close(self) -> None:
        """Close without finishing (left for recovery, as a crash leaves it)."""
        if not self._closed:
            self._file.close()
            self._closed = True


def recover_part(path: Path, seal: FileSeal, samplerate: int, sample_format: SampleFormat,
                 frames: int) -> tuple[int, str]:
    """Finish a crashed sealed recording with every chunk that authenticates, keeping at most
    FRAMES; returns the frames kept and the SHA-256 of their samples (as
    `SealedWavWriter.sha256`). A finished one is left as it is.

    A power cut before the first sync can leave a part without its whole header, when
    nothing of the take was durable yet (FRAMES 0): it is made again, empty and finished.
    """
    width = sample_format.sample_bytes
    if frames == 0 and not _has_header(path):
        path.unlink()
        SealedWavWriter(path, samplerate, sample_format, seal).finalize()
    kept = recover(path, seal.key, seal.name, keep_bytes=frames * width) // width
    return kept, samples_hash(path, seal, kept * width)


def _has_header(path: Path) -> bool:
    try:
        read_header(path)
    except SealedFileError:
        return False
    return True


def samples_hash(path: Path, seal: FileSeal, length: int) -> str:
    """The hex SHA-256 of the first LENGTH plaintext bytes of the sealed file at PATH."""
    digest = hashlib.sha256()
    reader = SealedReader(path, seal.key, seal.name)
    try:
        offset = 0
        while offset < length:
            piece = reader.read_at(offset, min(_READ_BYTES, length - offset))
            if not piece:
                break
            digest.update(piece)
            offset += len(piece)
    finally:
        reader.close()
    return digest.hexdigest()

"""Mono WAV files written as a stream: the header once, samples appended, sizes set at the end.

libsndfile and the standard `wave` module rewrite the header as they go and hide the file
descriptor; a recorder that must fsync every second, see ENOSPC and EFBIG as they happen, and
repair a header after a crash needs the file in its own hands, so the few bytes of a WAV header
are written here. Files are read back with soundfile.
"""

from __future__ import annotations

import enum
import errno
import hashlib
import os
import struct
from pathlib import Path

import numpy as np

from mt_studio.core.durable_files import create_exclusively

# While recording, the sizes say "unknown" (the largest value), which readers such as
# libsndfile treat as "read to the end of the file"; finalize() and repair() set the truth.
UNKNOWN_SIZE = 0xFFFFFFFF
MAX_DATA_BYTES = 0xFFFFFFFF - 64
_PCM, _IEEE_FLOAT = 1, 3
_READ_BYTES = 1 << 20

# What a part's samples are hashed with; benchmarks/record_unhashed.py swaps it to measure
# what hashing costs.
new_samples_hash = hashlib.sha256


class SampleFormat(enum.StrEnum):
    """How samples are stored."""

    PCM24 = "pcm24"
    FLOAT32 = "float32"

    @property
    def sample_bytes(self) -> int:
        """Bytes per sample (one frame of a mono file)."""
        return 3 if self is SampleFormat.PCM24 else 4


class SampleEncoder:
    """Turns planar float32 audio into each channel's file bytes, reusing its buffers.

    24-bit samples are rounded and clipped as floats, then cast straight into the output as
    32-bit integers three bytes apart: written in ascending order, each integer's high byte
    is overwritten by the next sample, and one spare byte per row takes the last. That is one
    pass where a three-byte gather goes item by item. The order is numpy's, so it is checked
    once against byte lanes (three single-byte copies, slower), which are used instead should
    a numpy ever write otherwise. The buffers grow to the largest block seen.
    """

    _overlapping_writes_hold: bool | None = None  # checked on the first 24-bit encoder

    def __init__(self, sample_format: SampleFormat) -> None:
        self.sample_format = sample_format
        self._scaled = np.empty(0, dtype=np.float32)
        self._packed = np.empty(0, dtype=np.uint8)
        if sample_format is SampleFormat.PCM24 and SampleEncoder._overlapping_writes_hold is None:
            SampleEncoder._overlapping_writes_hold = _overlapping_writes_pack_correctly()

    def encode(self, planar: np.ndarray) -> list[memoryview]:
        """A (channels, frames) float32 array as one run of file bytes per channel."""
        channels, frames = planar.shape
        if self.sample_format is SampleFormat.FLOAT32:
            # Each row is already one contiguous run of samples: handed over as it is.
            return [memoryview(np.ascontiguousarray(planar[c], dtype="<f4")).cast("B")
                    for c in range(channels)]
        scaled, packed = self._buffers(channels, frames)
        # Scale by 2**23 as libsndfile reads 24-bit back, so k / 2**23 round-trips exactly.
        np.multiply(planar, np.float32(8388608.0), out=scaled)
        np.rint(scaled, out=scaled)
        np.clip(scaled, -8388608, 8388607, out=scaled)
        if SampleEncoder._overlapping_writes_hold:
            _pack_overlapping(scaled, packed)
        else:
            _pack_by_lanes(scaled, packed)
        return [memoryview(packed[c, :frames * 3]) for c in range(channels)]

    def _buffers(self, channels: int, frames: int):
        size, packed_size = channels * frames, channels * (frames * 3 + 1)
        # Flat buffers, so that every shape's view is contiguous; grown to twice the need.
        if len(self._scaled) < size:
            self._scaled = np.empty(2 * size, dtype=np.float32)
        if len(self._packed) < packed_size:
            self._packed = np.empty(2 * packed_size, dtype=np.uint8)
        return (self._scaled[:size].reshape(channels, frames),
                self._packed[:packed_size].reshape(channels, frames * 3 + 1))


def _pack_overlapping(scaled: np.ndarray, packed: np.ndarray) -> None:
    """Whole-number floats (channels, frames) into rows of little-endian 3-byte integers."""
    channels, frames = scaled.shape
    words = np.ndarray((channels, frames), dtype="<i4", buffer=packed,
                       strides=(packed.strides[0], 3))
    np.copyto(words, scaled, casting="unsafe")


def _pack_by_lanes(scaled: np.ndarray, packed: np.ndarray) -> None:
    """As _pack_overlapping, by way of 32-bit integers and three lanes of single bytes."""
    channels, frames = scaled.shape
    word_bytes = scaled.astype("<i4").view(np.uint8).reshape(channels, frames, 4)
    lanes = packed[:, :frames * 3].reshape(channels, frames, 3)
    for lane in range(3):
        lanes[:, :, lane] = word_bytes[:, :, lane]


def _overlapping_writes_pack_correctly() -> bool:
    """True if this numpy writes overlapping integers in ascending order, as packing needs
    (checked on more samples than numpy casts in one buffer)."""
    channels, frames = 2, 20_011
    scaled = np.rint(np.linspace(-8388608, 8388607, channels * frames, dtype=np.float64))
    scaled = scaled.astype(np.float32).reshape(channels, frames)
    overlapping = np.zeros((channels, frames * 3 + 1), dtype=np.uint8)
    lanes = np.zeros_like(overlapping)
    _pack_overlapping(scaled, overlapping)
    _pack_by_lanes(scaled, lanes)
    return bool(np.array_equal(overlapping[:, :-1], lanes[:, :-1]))


def bytes_per_second(samplerate: int, channels: int, sample_format: SampleFormat) -> int:
    """How fast CHANNELS mono files of SAMPLE_FORMAT grow at SAMPLERATE."""
    return samplerate * channels * sample_format.sample_bytes


def header(samplerate: int, sample_format: SampleFormat, frames: int | None = None) -> bytes:
    """A mono WAV header; FRAMES None writes the "still recording" sizes."""
    width = sample_format.sample_bytes
    data_bytes = UNKNOWN_SIZE if frames is None else frames * width
    if sample_format is SampleFormat.FLOAT32:
        fmt = struct.pack("<HHIIHHH", _IEEE_FLOAT, 1, samplerate, samplerate * width, width,
                          8 * width, 0)
        fact = b"fact" + struct.pack("<II", 4, UNKNOWN_SIZE if frames is None else frames)
    else:
        fmt = struct.pack("<HHIIHH", _PCM, 1, samplerate, samplerate * width, width, 8 * width)
        fact = b""
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + fact
    riff_size = UNKNOWN_SIZE if frames is None else len(body) + 8 + data_bytes
    return b"RIFF" + struct.pack("<I", riff_size) + body + b"data" + struct.pack("<I", data_bytes)


def header_size(sample_format: SampleFormat) -> int:
    """Bytes before the first sample."""
    return len(header(48000, sample_format))


class SamplesHash:
    """The SHA-256 of a part's samples, updated block by block as they are appended: a cut
    back to before the last block keeps it, any other cut leaves it unknown (None)."""

    def __init__(self) -> None:
        self._hash = new_samples_hash()
        self._before: tuple[int, object] | None = None  # frames and hash before the last block

    def update(self, frames: int, samples: bytes | memoryview) -> None:
        """Add SAMPLES, appended after the first FRAMES."""
        if self._hash is not None:
            self._before = (frames, self._hash.copy())
            self._hash.update(samples)

    def cut(self, frames: int, kept: int) -> None:
        """FRAMES appended so far are cut to KEPT."""
        if kept != frames:
            before = self._before
            self._hash = before[1] if before is not None and before[0] == kept else None
            self._before = None

    def hexdigest(self) -> str | None:
        """The hex SHA-256 of the samples kept so far; None if a cut left it unknown."""
        return self._hash.hexdigest() if self._hash is not None else None


class WavStreamWriter:
    """One mono WAV file being recorded: append, sync, finalize. Never overwrites a file.

    The samples are hashed as they are appended, in the writer's thread: `sha256` is the
    SHA-256 of the data chunk (the header is written last, so it is not hashed; it is what
    `header` makes of the samplerate, the format and the file's length).
    """

    def __init__(self, path: Path, samplerate: int, sample_format: SampleFormat) -> None:
        self.path = path
        self.samplerate = samplerate
        self.sample_format = sample_format
        self.frames = 0
        self.durable_frames = 0  # as of the last sync
        self._hash = SamplesHash()
        # Recordings are health data: readable by their owner only; never written over.
        self._fd = create_exclusively(path)
        self._data_offset = header_size(sample_format)
        try:
            self._write_all(header(samplerate, sample_format))
        except OSError:
            os.close(self._fd)
            raise

    @property
    def closed(self) -> bool:
        """True once finalized or closed."""
        return self._fd < 0

    @property
    def data_bytes(self) -> int:
        """Sample bytes written so far."""
        return self.frames * self.sample_format.sample_bytes

    @property
    def frames_kept_without_writing(self) -> int:
        """The frames `finalize` can keep after a failed write (a header's rewrite needs no
        more room): all."""
        return self.frames

    def append(self, samples: bytes | memoryview) -> None:
        """Append encoded samples; on a short write, trim to the last whole frame and raise."""
        try:
            self._write_all(samples)
        except OSError:
            self._trim_to(self.frames)
            raise
        self._hash.update(self.frames, samples)
        self.frames += memoryview(samples).nbytes // self.sample_format.sample_bytes

    @property
    def sha256(self) -> str | None:
        """The hex SHA-256 of the samples kept so far; None if a cut left it unknown."""
        return self._hash.hexdigest()

    def sync(self) -> None:
        """Make everything appended so far durable (`durable_frames`)."""
        os.fsync(self._fd)
        self.durable_frames = self.frames

    def finalize(self, frames: int | None = None) -> None:
        """Cut to FRAMES (default: all written), write the true header, sync and close."""
        frames = self.frames if frames is None else min(frames, self.frames)
        self._trim_to(frames)
        os.pwrite(self._fd, header(self.samplerate, self.sample_format, frames), 0)
        os.fsync(self._fd)
        os.close(self._fd)
        self._fd = -1
        self.durable_frames = frames

    def close(self) -> None:
        """Close without finalizing (the header stays "still recording" for recovery)."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def _trim_to(self, frames: int) -> None:
        self._hash.cut(self.frames, frames)
        self.frames = frames
        os.ftruncate(self._fd, self._data_offset + frames * self.sample_format.sample_bytes)
        os.lseek(self._fd, 0, os.SEEK_END)

    def _write_all(self, data: bytes | memoryview) -> None:
        view = memoryview(data).cast("B")
        while view:
            written = os.write(self._fd, view)
            if written == 0:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self.path))
            view = view[written:]


def repair(path: Path, samplerate: int, sample_format: SampleFormat,
           frames: int) -> tuple[int, str]:
    """Give a crashed recording its true header, keeping at most FRAMES; returns the frames
    kept and the SHA-256 of their samples (as `WavStreamWriter.sha256`), read as it repairs."""
    data_offset = header_size(sample_format)
    width = sample_format.sample_bytes
    size = path.stat().st_size
    kept = max(0, min(frames, (size - data_offset) // width))
    fd = os.open(path, os.O_RDWR)
    try:
        os.ftruncate(fd, data_offset + kept * width)
        os.pwrite(fd, header(samplerate, sample_format, kept), 0)
        os.fsync(fd)
        digest = _hash_from(fd, data_offset)
    finally:
        os.close(fd)
    return kept, digest


def _hash_from(fd: int, data_offset: int) -> str:
    """The hex SHA-256 of the open file FD from DATA_OFFSET to its end."""
    digest = hashlib.sha256()
    offset = data_offset
    while chunk := os.pread(fd, _READ_BYTES, offset):
        digest.update(chunk)
        offset += len(chunk)
    return digest.hexdigest()

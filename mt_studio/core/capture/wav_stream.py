"""Mono WAV files written as a stream: the header once, samples appended, sizes set at the end.

libsndfile and the standard `wave` module rewrite the header as they go and hide the file
descriptor; a recorder that must fsync every second, see ENOSPC and EFBIG as they happen, and
repair a header after a crash needs the file in its own hands, so the few bytes of a WAV header
are written here. Files are read back with soundfile.
"""

from __future__ import annotations

import enum
import errno
import os
import struct
from pathlib import Path

import numpy as np

# While recording, the sizes say "unknown" (the largest value), which readers such as
# libsndfile treat as "read to the end of the file"; finalize() and repair() set the truth.
UNKNOWN_SIZE = 0xFFFFFFFF
MAX_DATA_BYTES = 0xFFFFFFFF - 64
_PCM, _IEEE_FLOAT = 1, 3


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

    24-bit packing works on whole groups of four samples (three 32-bit words), so that numpy
    does word operations rather than a slow three-byte gather; the block-sized buffers grow to
    the largest block seen and are then reused (the word shifts still make small temporaries).
    """

    def __init__(self, sample_format: SampleFormat) -> None:
        self.sample_format = sample_format
        self._size = 0
        self._scaled = np.empty(0, dtype=np.float32)
        self._words = np.empty(0, dtype="<i4")
        self._packed = np.empty(0, dtype=np.uint8)

    def encode(self, planar: np.ndarray) -> list[memoryview]:
        """A (channels, frames) float32 array as one run of file bytes per channel."""
        channels, frames = planar.shape
        if self.sample_format is SampleFormat.FLOAT32:
            # Each row is already one contiguous run of samples: handed over as it is.
            return [memoryview(np.ascontiguousarray(planar[c], dtype="<f4")).cast("B")
                    for c in range(channels)]
        scaled, words, packed = self._buffers(channels, frames)
        # Scale by 2**23 as libsndfile reads 24-bit back, so k / 2**23 round-trips exactly.
        np.multiply(planar, np.float32(8388608.0), out=scaled[:, :frames])
        scaled[:, frames:] = 0
        np.rint(scaled, out=scaled)
        np.clip(scaled, -8388608, 8388607, out=scaled)
        np.copyto(words, scaled, casting="unsafe")
        s0, s1, s2, s3 = (words.view(np.uint32).reshape(channels, -1, 4)[:, :, k]
                          for k in range(4))
        out = packed.view(np.uint32).reshape(channels, -1, 3)
        np.bitwise_or(s0 & 0xFFFFFF, s1 << 24, out=out[:, :, 0])
        np.bitwise_or((s1 >> 8) & 0xFFFF, s2 << 16, out=out[:, :, 1])
        np.bitwise_or((s2 >> 16) & 0xFF, s3 << 8, out=out[:, :, 2])
        return [memoryview(packed[c, :frames * 3]) for c in range(channels)]

    def _buffers(self, channels: int, frames: int):
        padded = -(-frames // 4) * 4
        size = channels * padded
        if self._size < size:  # flat buffers, so that every shape's view is contiguous
            self._size = max(size, 2 * self._size)
            self._scaled = np.empty(self._size, dtype=np.float32)
            self._words = np.empty(self._size, dtype="<i4")
            self._packed = np.empty(self._size * 3, dtype=np.uint8)
        return (self._scaled[:size].reshape(channels, padded),
                self._words[:size].reshape(channels, padded),
                self._packed[:size * 3].reshape(channels, padded * 3))


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


class WavStreamWriter:
    """One mono WAV file being recorded: append, sync, finalize. Never overwrites a file."""

    def __init__(self, path: Path, samplerate: int, sample_format: SampleFormat) -> None:
        self.path = path
        self.samplerate = samplerate
        self.sample_format = sample_format
        self.frames = 0
        # Recordings are health data: readable by their owner only.
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
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

    def append(self, samples: bytes | memoryview) -> None:
        """Append encoded samples; on a short write, trim to the last whole frame and raise."""
        try:
            self._write_all(samples)
        except OSError:
            self._trim_to(self.frames)
            raise
        self.frames += memoryview(samples).nbytes // self.sample_format.sample_bytes

    def sync(self) -> None:
        """Make everything appended so far durable."""
        os.fsync(self._fd)

    def finalize(self, frames: int | None = None) -> None:
        """Cut to FRAMES (default: all written), write the true header, sync and close."""
        frames = self.frames if frames is None else min(frames, self.frames)
        self._trim_to(frames)
        os.pwrite(self._fd, header(self.samplerate, self.sample_format, frames), 0)
        os.fsync(self._fd)
        os.close(self._fd)
        self._fd = -1

    def close(self) -> None:
        """Close without finalizing (the header stays "still recording" for recovery)."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def _trim_to(self, frames: int) -> None:
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


def repair(path: Path, samplerate: int, sample_format: SampleFormat, frames: int) -> int:
    """Give a crashed recording its true header, keeping at most FRAMES; returns frames kept."""
    data_offset = header_size(sample_format)
    width = sample_format.sample_bytes
    size = path.stat().st_size
    kept = max(0, min(frames, (size - data_offset) // width))
    fd = os.open(path, os.O_RDWR)
    try:
        os.ftruncate(fd, data_offset + kept * width)
        os.pwrite(fd, header(samplerate, sample_format, kept), 0)
        os.fsync(fd)
    finally:
        os.close(fd)
    return kept

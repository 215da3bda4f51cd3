"""Input meters: peak and RMS in dBFS and a clip flag per input; the latest is always readable."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

SILENCE_DBFS = -120.0
CLIP_LEVEL = 0.999


class MeterReading(NamedTuple):
    """One input's level over the last stretch of audio the writer handled."""

    peak_dbfs: float
    rms_dbfs: float
    clipped: bool


def measure(planar: np.ndarray) -> tuple[MeterReading, ...]:
    """Readings for each row of a (channels, frames) block."""
    channels, frames = planar.shape
    if not frames:
        return (MeterReading(SILENCE_DBFS, SILENCE_DBFS, False),) * channels
    peaks = np.maximum(planar.max(axis=1), -planar.min(axis=1)).astype(np.float64)
    rms = np.sqrt(np.einsum("ij,ij->i", planar, planar) / frames, dtype=np.float64)
    floor = 10 ** (SILENCE_DBFS / 20)
    peak_db = (20 * np.log10(np.maximum(peaks, floor))).tolist()
    rms_db = (20 * np.log10(np.maximum(rms, floor))).tolist()
    clipped = (peaks >= CLIP_LEVEL).tolist()
    return tuple(map(MeterReading, peak_db, rms_db, clipped))


class Meters:
    """The latest readings, published by one thread and read by any other without locks.

    The writer replaces the whole tuple in one assignment, so a reader sees either the old
    readings or the new ones, never a mix, and never blocks anyone.
    """

    def __init__(self, channels: int) -> None:
        silent = MeterReading(SILENCE_DBFS, SILENCE_DBFS, False)
        self._latest: tuple[MeterReading, ...] = (silent,) * channels

    def publish(self, readings: tuple[MeterReading, ...]) -> None:
        """Replace the readings (writer thread)."""
        self._latest = readings

    def latest(self) -> tuple[MeterReading, ...]:
        """The most recent readings, one per recorded input (any thread)."""
        return self._latest

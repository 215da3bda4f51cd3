"""The ring's unread frames, copied once into one row per channel as they arrive.

The audio thread leaves frames interleaved in the ring, in memory that is cold for the
writer's core; reading them is the writer's dearest step. Each frame is therefore read from
the ring once, into rows that the meters and then the file writes both use.
"""

from __future__ import annotations

import numpy as np


class RingRows:
    """A copy, as (channels, frames) rows, of the frames at the front of an rtmixer ring."""

    def __init__(self, ring, channels: int, frames: int) -> None:
        self._ring = ring
        self._channels = channels
        self._rows = np.empty((channels, max(1, frames)), dtype=np.float32)
        self.count = 0  # frames copied: the ring's first `count` unread frames
        self._unmetered = 0  # the first copied frame not yet handed to the meters

    def catch_up(self) -> None:
        """Copy the frames that arrived since the last call."""
        start = self.count
        available, first, second = self._ring.get_read_buffers(self._ring.read_available)
        if available <= start:
            return
        if self._rows.shape[1] < available:
            grown = np.empty((self._channels, max(available, 2 * self._rows.shape[1])),
                             dtype=np.float32)
            grown[:, :start] = self._rows[:, :start]
            self._rows = grown
        at = 0  # where each piece of the ring (two where it wraps) begins, in frames
        for buffer in (first, second):
            piece = np.frombuffer(buffer, dtype=np.float32).reshape(-1, self._channels)
            low, high = max(start, at), at + len(piece)
            if high > low:
                np.copyto(self._rows[:, low:high], piece[low - at:].T)
            at += len(piece)
        self.count = available

    def unmetered(self) -> np.ndarray:
        """The rows copied since the last call (however many catch-ups ago), for the meters."""
        fresh = self._rows[:, self._unmetered:self.count]
        self._unmetered = self.count
        return fresh

    def front(self, count: int) -> np.ndarray:
        """The rows of the first COUNT frames copied."""
        return self._rows[:, :min(count, self.count)]

    def consumed(self, count: int) -> None:
        """The first COUNT frames were read off the ring: let their rows go."""
        rest = self.count - count
        if rest > 0:  # frames held back while a loss is measured: moved to the front
            self._rows[:, :rest] = self._rows[:, count:self.count]
        self.count = max(0, rest)
        self._unmetered = max(0, self._unmetered - count)

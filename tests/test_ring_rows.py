"""The writer's copy of the ring's unread frames: one row per channel, each frame copied once."""

from __future__ import annotations

import numpy as np
import rtmixer

from mt_studio.core.capture.ring_rows import RingRows

CHANNELS = 3


def frames(first: int, count: int) -> np.ndarray:
    """Interleaved frames numbered FIRST..: channel c of frame n holds n + c / 10."""
    numbers = np.arange(first, first + count, dtype=np.float32)[:, None]
    return numbers + np.arange(CHANNELS, dtype=np.float32) / 10


def test_rows_follow_the_ring_across_its_wrap_and_keep_what_is_held_back():
    ring = rtmixer.RingBuffer(4 * CHANNELS, 16)  # 16 frames: wraps quickly
    rows = RingRows(ring, CHANNELS, frames=4)  # and grows
    assert ring.write(frames(0, 10)) == 10
    rows.catch_up()
    np.testing.assert_array_equal(rows.unmetered(), frames(0, 10).T)
    rows.catch_up()
    assert rows.unmetered().shape == (CHANNELS, 0)  # nothing new
    ring.advance_read_index(7)
    rows.consumed(7)  # three held back
    assert ring.write(frames(10, 5)) == 5
    rows.catch_up()  # as a write does, between two meter readings
    assert ring.write(frames(15, 7)) == 7  # past the ring's end
    rows.catch_up()
    np.testing.assert_array_equal(rows.unmetered(), frames(10, 12).T)  # every one metered
    np.testing.assert_array_equal(rows.front(15), frames(7, 15).T)
    np.testing.assert_array_equal(rows.front(99), frames(7, 15).T)  # no more than copied
    ring.advance_read_index(15)
    rows.consumed(15)
    assert rows.count == 0
    assert ring.write(frames(22, 5)) == 5
    rows.catch_up()
    np.testing.assert_array_equal(rows.unmetered(), frames(22, 5).T)

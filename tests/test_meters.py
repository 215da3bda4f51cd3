"""Meters: what the writer publishes for each input, from the rows it copies off the ring."""

from __future__ import annotations

import numpy as np
import pytest

from mt_studio.core.capture.meters import SILENCE_DBFS, MeterReading, Meters, measure


@pytest.mark.parametrize("frames", [1, 2, 2880])
def test_each_column_is_measured_over_every_frame(frames):
    chooser = np.random.default_rng(frames)
    planar = (chooser.uniform(-0.5, 0.5, (5, frames))).astype(np.float32)
    planar[3, frames - 1] = -1.0  # the last frame clips one input
    readings = measure(planar[:, :])
    peaks = np.abs(planar.astype(np.float64)).max(axis=1)
    rms = np.sqrt((planar.astype(np.float64) ** 2).mean(axis=1))
    np.testing.assert_allclose([r.peak_dbfs for r in readings], 20 * np.log10(peaks),
                               atol=1e-4)
    np.testing.assert_allclose([r.rms_dbfs for r in readings], 20 * np.log10(rms), atol=1e-3)
    assert [r.clipped for r in readings] == [False, False, False, True, False]


def test_silence_and_no_frames_read_as_the_floor():
    silent = MeterReading(SILENCE_DBFS, SILENCE_DBFS, False)
    assert measure(np.zeros((3, 0), np.float32)) == (silent,) * 3
    assert measure(np.zeros((2, 100), np.float32)) == (silent,) * 2


def test_readers_see_whole_publications():
    meters = Meters(2)
    assert meters.latest()[1].peak_dbfs == SILENCE_DBFS
    loud = measure(np.full((2, 64), 0.5, np.float32))
    meters.publish(loud)
    assert meters.latest() is loud

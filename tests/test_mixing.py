"""The stereo mix: pan law, mute and solo, headroom, ramps without clicks."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mt_studio.core.mixing import TrackMix, mix_to_stereo, stereo_gains


def test_a_centred_track_sounds_at_its_gain_on_both_sides_and_pan_keeps_the_power():
    (gains,) = stereo_gains([TrackMix()])
    np.testing.assert_allclose(gains, [1.0, 1.0], rtol=1e-6)
    for pan in (-1.0, -0.5, 0.3, 1.0):
        left, right = stereo_gains([TrackMix(pan=pan)])[0]
        assert left**2 + right**2 == pytest.approx(2.0, rel=1e-5)
    assert stereo_gains([TrackMix(pan=-1.0)])[0][1] == pytest.approx(0.0, abs=1e-7)
    assert stereo_gains([TrackMix(gain_db=-6.0)])[0][0] == pytest.approx(0.501, abs=1e-3)


def test_mute_silences_a_track_and_solo_silences_every_other():
    gains = stereo_gains([TrackMix(), TrackMix(mute=True), TrackMix()])
    assert not gains[1].any() and gains[0].all() and gains[2].all()
    gains = stereo_gains([TrackMix(), TrackMix(solo=True), TrackMix(solo=True, mute=True)])
    assert not gains[0].any() and gains[1].all() and not gains[2].any()
    assert gains[1][0] == pytest.approx(1 / math.sqrt(3) * 1.0, rel=1e-5)  # headroom


def test_a_change_of_gain_ramps_across_the_block_and_the_mix_is_clipped():
    block = np.ones((1, 4), dtype=np.float32)
    start, end = stereo_gains([TrackMix()]), stereo_gains([TrackMix(mute=True)])
    out = mix_to_stereo(block, start, end)
    np.testing.assert_allclose(out[:, 0], [0.75, 0.5, 0.25, 0.0], atol=1e-6)
    loud = mix_to_stereo(np.full((2, 3), 0.9, dtype=np.float32), np.ones((2, 2), np.float32))
    assert out.shape == (4, 2) and loud.max() == 1.0 and loud.flags.c_contiguous


def test_a_mix_out_of_range_is_refused():
    with pytest.raises(ValueError):
        TrackMix(pan=1.5)
    with pytest.raises(ValueError):
        TrackMix(gain_db=float("nan"))

"""Loop regions on arrays in memory: the seam is exact, the crossfade smooth, changes land where
they are asked to."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mt_studio.core.looping import LoopCursor, LoopRegion, fade_in_weights, looped

SOURCE = np.arange(1000, dtype=np.float32)  # each frame's value is its index


def test_without_a_crossfade_the_output_is_the_region_repeated_sample_for_sample():
    loop = LoopRegion(200, 300)
    out = looped(SOURCE, 1000, position=250, loop=loop)
    assert np.array_equal(out[:50], SOURCE[250:300])
    assert np.array_equal(out[50:], np.resize(SOURCE[200:300], 950))


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 998), st.integers(1, 500), st.integers(0, 999), st.integers(1, 3000),
       st.integers(1, 257))
def test_any_loop_read_in_any_pieces_repeats_its_region_exactly(start, length, position,
                                                                frames, piece):
    end = min(start + length, 1000)
    loop = LoopRegion(start, end)
    cursor = LoopCursor(1000, position, loop)
    got = []
    while sum(span.count for span in got) < frames:
        got.extend(cursor.spans(min(piece, frames - sum(span.count for span in got))))
    indices = np.concatenate([np.arange(s.first, s.first + s.count) for s in got])
    first = position if position < end else start
    expected = np.concatenate([np.arange(first, end),
                               np.resize(np.arange(start, end), max(0, frames))])[:frames]
    assert np.array_equal(indices, expected)
    assert all(span.blend is None for span in got)


def test_a_crossfade_blends_the_end_into_what_precedes_the_start_and_keeps_the_period():
    loop = LoopRegion(400, 600, crossfade=50)
    out = looped(SOURCE, 600, position=400, loop=loop)
    assert np.array_equal(out[:150], SOURCE[400:550])  # untouched before the fade
    weights = fade_in_weights(50, 0, 50)
    faded = SOURCE[550:600] + weights * (SOURCE[350:400] - SOURCE[550:600])
    np.testing.assert_allclose(out[150:200], faded, rtol=1e-6)
    assert np.array_equal(out[200:350], SOURCE[400:550])  # the period is still 200 frames
    # the last frame of the fade is all but the frame before the start: no jump at the seam
    assert abs(out[199] - SOURCE[399]) < 0.01 * (SOURCE[599] - SOURCE[399])


def test_the_fade_weights_rise_smoothly_and_a_fade_read_in_pieces_is_the_same():
    weights = fade_in_weights(64, 0, 64)
    assert 0 < weights[0] < 0.01 and 0.99 < weights[-1] < 1 and np.all(np.diff(weights) > 0)
    np.testing.assert_allclose(weights + weights[::-1], 1.0, atol=1e-6)  # symmetric
    whole = looped(SOURCE, 500, 300, LoopRegion(300, 400, crossfade=30))
    cursor = LoopCursor(1000, 300, LoopRegion(300, 400, crossfade=30))
    from mt_studio.core.looping import read_span

    pieces = np.concatenate([read_span(SOURCE, span) for n in (7, 13, 64, 416)
                             for span in cursor.spans(n)])
    np.testing.assert_array_equal(pieces, whole)


def test_a_crossfade_longer_than_what_precedes_the_loop_is_shortened_to_fit():
    assert LoopRegion(10, 500, crossfade=100).fade == 10
    assert LoopRegion(0, 500, crossfade=100).fade == 0
    assert LoopRegion(300, 340, crossfade=100).fade == 40


def test_a_new_loop_waits_for_the_seam_or_comes_at_once():
    cursor = LoopCursor(1000, 100, LoopRegion(100, 200))
    cursor.spans(50)  # at 150
    cursor.set_loop(LoopRegion(500, 600))
    assert cursor.spans(50)[0].first == 150  # the running loop ends first
    assert cursor.spans(10)[0].first == 500
    cursor.set_loop(LoopRegion(100, 200), at_once=True)
    assert cursor.position == 100  # 510 lies outside the new loop: it starts at its start
    cursor.set_loop(None)
    cursor.spans(100)  # the seam: the loop ends, and playback goes on
    assert cursor.position == 200 and cursor.loop is None
    (span,) = cursor.spans(100)
    assert (span.first, span.count) == (200, 100)


def test_without_a_loop_playback_reads_to_the_end_and_stops():
    cursor = LoopCursor(1000, 900)
    spans = cursor.spans(500)
    assert [(s.first, s.count) for s in spans] == [(900, 100)]
    assert cursor.at_end and cursor.spans(10) == []


def test_a_loop_out_of_place_is_refused():
    with pytest.raises(ValueError):
        LoopRegion(300, 300)
    with pytest.raises(ValueError):
        LoopRegion(-1, 30)
    with pytest.raises(ValueError):
        LoopCursor(1000).set_loop(LoopRegion(900, 1001))

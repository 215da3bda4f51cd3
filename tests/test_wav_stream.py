"""The WAV stream writer's sample encoding, read back by libsndfile."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from mt_studio.core.capture.take_files import TakeFiles, TrackTarget
from mt_studio.core.capture.wav_stream import SampleEncoder, SampleFormat, WavStreamWriter
from mt_studio.core.errors import LibraryError

samples = hnp.arrays(
    np.float32, st.tuples(st.integers(1, 4), st.integers(0, 37)),
    elements=st.floats(-1.5, 1.5, width=32, allow_nan=False))


def reference_pcm24(planar: np.ndarray) -> list[bytes]:
    """Plain, slow 24-bit encoding: scale, round, clip, keep the low three bytes."""
    ints = np.clip(np.rint(planar.astype(np.float64) * 2**23), -2**23, 2**23 - 1).astype("<i4")
    return [b"".join(int(v).to_bytes(4, "little", signed=True)[:3] for v in row)
            for row in ints]


@settings(max_examples=200, deadline=None)
@given(first=samples, second=samples)
def test_pcm24_packing_matches_the_plain_encoding_whatever_the_block_sizes(first, second):
    encoder = SampleEncoder(SampleFormat.PCM24)  # reused: buffers shrink and grow between calls
    for planar in (first, second, first):
        assert [bytes(v) for v in encoder.encode(planar)] == reference_pcm24(planar)


@settings(max_examples=50, deadline=None)
@given(planar=samples, fmt=st.sampled_from(list(SampleFormat)), offset=st.integers(0, 5))
def test_encoded_files_read_back_as_written(tmp_path_factory, planar, fmt, offset):
    path = tmp_path_factory.mktemp("wav") / "track.wav"
    writer = WavStreamWriter(path, 48000, fmt)
    encoder = SampleEncoder(fmt)
    # a strided view, as the writer passes when a file is split mid-block
    view = planar[:1, offset:]
    writer.append(encoder.encode(view)[0])
    writer.finalize()
    read, rate = sf.read(path, dtype="float32", always_2d=True)
    expected = view[0]
    if fmt is SampleFormat.PCM24:
        expected = np.clip(np.rint(expected * 2**23), -2**23, 2**23 - 1) / np.float32(2**23)
    assert rate == 48000
    np.testing.assert_array_equal(read[:, 0], expected.astype(np.float32))


@settings(max_examples=50, deadline=None)
@given(planar=samples)
def test_the_byte_lane_packing_a_numpy_could_need_instead_encodes_the_same(planar):
    assert SampleEncoder._overlapping_writes_hold  # this numpy packs the fast way
    slow = SampleEncoder(SampleFormat.PCM24)
    try:
        SampleEncoder._overlapping_writes_hold = False
        assert [bytes(v) for v in slow.encode(planar)] == reference_pcm24(planar)
    finally:
        SampleEncoder._overlapping_writes_hold = True


def test_a_take_never_writes_over_a_file_already_at_one_of_its_paths(tmp_path):
    planted = tmp_path / "audio" / "take-7" / "track-2.wav"
    planted.parent.mkdir(parents=True)
    planted.write_bytes(b"an older take's recording")
    targets = [TrackTarget(1, 0, "audio/take-7/track-1.wav"),
               TrackTarget(2, 1, "audio/take-7/track-2.wav")]
    with pytest.raises(LibraryError, match=str(planted)) as refused:
        TakeFiles(tmp_path, "audio/take-7", targets, 48000, SampleFormat.PCM24)
    assert "never writes over a recording" in str(refused.value)
    assert planted.read_bytes() == b"an older take's recording"
    # The files it had made already went again: recovery finds nothing of it to touch.
    assert list(planted.parent.iterdir()) == [planted]
    with pytest.raises(LibraryError, match="never writes over"):
        WavStreamWriter(planted, 48000, SampleFormat.FLOAT32)
    assert planted.read_bytes() == b"an older take's recording"

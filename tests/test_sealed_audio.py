"""A sealed audio file reads as soundfile reads the WAV it stands for, bit for bit: in every
sample type, from any frame, across chunk edges, into a given array or a new one, past its end;
and a damaged chunk stops the read that meets it, naming the file."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from hypothesis import given, settings
from hypothesis import strategies as st

from mt_studio.core.capture.wav_stream import SampleFormat, header
from mt_studio.core.sealing import keyring
from mt_studio.core.sealing.audio import open_sealed_audio
from mt_studio.core.sealing.format import TAG_BYTES
from mt_studio.core.sealing.stream import SealedFileError, SealedWriter, read_header
from mt_studio.core.waveform import TrackReader, open_track_file

RATE = 48000
TAKE = 3
FRAMES = 5000
CHUNK = 1000  # a multiple of neither 3 nor 4: samples straddle the chunks' edges


def samples(sample_format: SampleFormat) -> bytes:
    """Raw samples with the extremes of the format in them."""
    rng = np.random.default_rng(11)
    if sample_format is SampleFormat.PCM24:
        values = rng.integers(-2 ** 23, 2 ** 23, FRAMES, dtype=np.int32)
        values[:4] = (-2 ** 23, 2 ** 23 - 1, 0, -1)
        return values.astype("<i4").view(np.uint8).reshape(-1, 4)[:, :3].tobytes()
    values = (rng.standard_normal(FRAMES) * 0.5).astype("<f4")
    values[:6] = (-1.0, 1.0, 0.0, -0.0, 3.5, 1e-40)  # beyond full scale, and a subnormal
    return values.tobytes()


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """{format: (sealed, plain)}: the same samples as a sealed file and as a plain WAV."""
    folder = tmp_path_factory.mktemp("sealed-audio")
    key = os.urandom(32)
    made = {}
    for sample_format in SampleFormat:
        data = samples(sample_format)
        plain = folder / f"plain-{sample_format.value}.wav"
        plain.write_bytes(header(RATE, sample_format, FRAMES) + data)
        sealed = folder / "library" / "audio" / f"take-{TAKE}" / f"{sample_format.value}.wav"
        sealed.parent.mkdir(parents=True, exist_ok=True)
        writer = SealedWriter(sealed, key, sealed.relative_to(folder / "library").as_posix(),
                              TAKE, {"samplerate": RATE, "format": sample_format.value},
                              chunk_size=CHUNK)
        writer.write(data)
        writer.finish()
        made[sample_format] = (sealed, plain)
    keyring.install(folder / "library", lambda _take: key)
    yield made
    keyring.uninstall(folder / "library")


def test_a_sealed_file_says_what_the_wav_says(files):
    for sealed, plain in files.values():
        with open_sealed_audio(sealed) as ours, sf.SoundFile(plain) as theirs:
            assert (ours.frames, ours.samplerate, ours.channels, ours.subtype, ours.format) == \
                (theirs.frames, theirs.samplerate, theirs.channels, theirs.subtype, theirs.format)


@settings(max_examples=150, deadline=None)
@given(sample_format=st.sampled_from(list(SampleFormat)),
       dtype=st.sampled_from(["float32", "float64", "int32", "int16"]),
       start=st.integers(0, FRAMES), frames=st.integers(-1, FRAMES + 50),
       always_2d=st.booleans(), fill=st.sampled_from([None, 0.0, -1.0]),
       into=st.sampled_from([None, "1d", "2d"]))
def test_any_read_of_a_sealed_file_is_the_wavs_bit_for_bit(files, sample_format, dtype, start,
                                                           frames, always_2d, fill, into):
    sealed, plain = files[sample_format]
    with open_sealed_audio(sealed) as ours, sf.SoundFile(plain) as theirs:
        results = []
        for file in (ours, theirs):
            assert file.seek(start) == start
            out = None if into is None else np.full(
                (max(frames, 1), 1) if into == "2d" else max(frames, 1), 7, dtype=dtype)
            got = file.read(frames, dtype=dtype, always_2d=always_2d, fill_value=fill, out=out)
            results.append((got.shape, got.dtype, got.tobytes(), file.tell(),
                            None if out is None else out.tobytes()))
        assert results[0] == results[1]


def test_reads_go_on_where_the_last_ended_and_seek_as_soundfiles_do(files):
    for sealed, plain in files.values():
        with open_sealed_audio(sealed) as ours, sf.SoundFile(plain) as theirs:
            for file in (ours, theirs):
                file.seek(-10, os.SEEK_END)
                file.seek(-5, os.SEEK_CUR)
            for size in (3, 1, 7, 20):
                np.testing.assert_array_equal(ours.read(size, dtype="int32"),
                                              theirs.read(size, dtype="int32"))
            assert ours.tell() == theirs.tell() == FRAMES
            for file in (ours, theirs):
                for frame in (-1, FRAMES + 1):
                    with pytest.raises(sf.SoundFileError):
                        file.seek(frame)


def test_a_damaged_chunk_stops_the_read_that_meets_it_naming_the_file(files, tmp_path):
    sealed, plain = files[SampleFormat.PCM24]
    original = sealed.read_bytes()
    damaged_index = 2
    at = len(read_header(sealed).raw) + damaged_index * (CHUNK + TAG_BYTES) + 10
    damaged = bytearray(original)
    damaged[at] ^= 1
    try:
        sealed.write_bytes(bytes(damaged))
        before = damaged_index * CHUNK // 3  # whole frames before the damaged chunk
        with TrackReader([sealed]) as reader, open_track_file(plain) as whole:
            np.testing.assert_array_equal(reader.read(before), whole.read(before,
                                                                          dtype="float32"))
            with pytest.raises(SealedFileError) as refused:
                reader.read(10)
        message = str(refused.value)
        assert str(sealed) in message and f"chunk {damaged_index}" in message
        with open_sealed_audio(sealed) as file:
            file.seek(before)
            with pytest.raises(SealedFileError):
                file.read(10, dtype="float32")
            assert file.tell() == before  # nothing read
    finally:
        sealed.write_bytes(original)


def test_a_closed_sealed_file_reads_nothing(files):
    sealed, _plain = files[SampleFormat.FLOAT32]
    file = open_sealed_audio(Path(sealed))
    file.close()
    file.close()
    with pytest.raises(sf.SoundFileError):
        file.read(1)

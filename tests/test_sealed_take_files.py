"""A sealed take's files as the writer thread leaves them, on a real file system: the journal
counts only whole chunks on disk, parts split within their size, a failed write leaves every
file finished at one length, a part a power cut left headless is recovered empty, and a
looper's layer is sealed whole."""

from __future__ import annotations

import errno
import hashlib
import os
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from conftest import file_size_limit

from mt_studio.core.capture.file_seal import FileSeal, audio_chunk_bytes
from mt_studio.core.capture.journal import read_journal
from mt_studio.core.capture.recovery import repair_take
from mt_studio.core.capture.take_files import TakeFiles, TrackTarget
from mt_studio.core.capture.wav_stream import SampleEncoder, SampleFormat
from mt_studio.core.domain import SessionKind, TrackKind
from mt_studio.core.errors import LibraryError
from mt_studio.core.library import sessions, takes
from mt_studio.core.looper import _write_durably
from mt_studio.core.sealing.stream import SealedReader, is_sealed, open_file

RATE = 48000
FOLDER = "audio/take-7"


def sealed_files(tmp_path: Path, key: bytes, channels: int = 2,
                 sample_format: SampleFormat = SampleFormat.PCM24, **options) -> TakeFiles:
    targets = [TrackTarget(n + 1, n, f"{FOLDER}/track-{n + 1}.wav") for n in range(channels)]
    return TakeFiles(tmp_path, FOLDER, targets, RATE, sample_format, file_key=key, take_id=7,
                     **options)


def signal_of(frames: int, channels: int = 2) -> np.ndarray:
    return np.stack([(np.arange(frames, dtype=np.float32) * (c + 1) % 1000 / 1000 - 0.5)
                     for c in range(channels)])


def plaintext(tmp_path: Path, key: bytes, file: str, **options) -> bytes:
    with SealedReader(tmp_path / file, key, file, **options) as reader:
        return reader.read_at(0, reader.size)


def test_the_journal_counts_only_the_frames_in_whole_chunks_on_disk(tmp_path):
    key = os.urandom(32)
    files = sealed_files(tmp_path, key)
    chunk_frames = audio_chunk_bytes(RATE, SampleFormat.PCM24) // 3
    assert chunk_frames == RATE // 8  # a kill -9 costs a sync's second and at most this more
    files.write(signal_of(3 * chunk_frames + 500))
    assert files.sync() == 3 * chunk_frames
    journal = tmp_path / FOLDER / "journal.log"
    seal = FileSeal(key, 7, f"{FOLDER}/journal.log")
    assert read_journal(journal, seal).durable_frames == 3 * chunk_frames
    for n in (1, 2):
        held = plaintext(tmp_path, key, f"{FOLDER}/track-{n}.wav", unfinished_ok=True)
        assert len(held) == 3 * chunk_frames * 3
    files.write(signal_of(chunk_frames - 500))  # the fourth chunk fills
    assert files.sync() == 4 * chunk_frames
    assert read_journal(journal, seal).durable_frames == 4 * chunk_frames
    assert files.finalize() == 4 * chunk_frames


def test_sealed_parts_split_within_the_size_given_without_a_gap(tmp_path):
    key = os.urandom(32)
    files = sealed_files(tmp_path, key, channels=1, split_bytes=60_000)
    block = signal_of(2 * RATE, channels=1)
    for start in range(0, 2 * RATE, 5000):
        files.write(block[:, start:start + 5000])
    assert files.finalize() == 2 * RATE
    parts = [part.file for part in files.parts]
    assert len(parts) > 1
    assert all((tmp_path / part).stat().st_size <= 60_000 for part in parts)
    held = [plaintext(tmp_path, key, part) for part in parts]
    (expected,) = SampleEncoder(SampleFormat.PCM24).encode(block)
    assert b"".join(held) == bytes(expected)
    assert [p.first_frame for p in files.parts] == [
        sum(len(h) for h in held[:n]) // 3 for n in range(len(parts))]
    assert files.hashes == {part: hashlib.sha256(h).hexdigest() for part, h in zip(
        parts, held, strict=True)}


def test_a_write_that_fails_leaves_every_sealed_file_finished_at_one_length(tmp_path):
    key = os.urandom(32)
    files = sealed_files(tmp_path, key, sample_format=SampleFormat.FLOAT32)
    files.write(signal_of(RATE))
    limit = (tmp_path / FOLDER / "track-1.wav").stat().st_size  # not one byte more
    with file_size_limit(limit):
        with pytest.raises(OSError) as failed:
            files.write(signal_of(RATE))
        frames = files.finalize()  # as the take is finished, the limit still there
    assert failed.value.errno == errno.EFBIG
    # What the chunks on disk held, but the last sample: the last of them is sealed again as
    # the end, in its place, and nothing is written past it.
    assert frames == RATE - 1
    (written,) = SampleEncoder(SampleFormat.FLOAT32).encode(signal_of(RATE)[:1])
    for n in (1, 2):
        path = tmp_path / FOLDER / f"track-{n}.wav"
        assert path.stat().st_size <= limit
        held = plaintext(tmp_path, key, f"{FOLDER}/track-{n}.wav")  # finished, or it fails
        assert len(held) == frames * 4
    assert plaintext(tmp_path, key, f"{FOLDER}/track-1.wav") == bytes(written)[:frames * 4]


def test_a_layer_of_a_sealed_take_is_sealed_whole_and_never_written_over(tmp_path):
    key = os.urandom(32)
    sound = np.sin(np.arange(RATE // 4, dtype=np.float32) / 10).astype(np.float32)
    name = "audio/take-3/track-9.wav"
    path = tmp_path / name
    path.parent.mkdir(parents=True)
    digest = _write_durably(path, sound, RATE, FileSeal(key, 3, name))
    assert is_sealed(path)
    with SealedReader(path, key, name) as reader:
        assert reader.meta == {"samplerate": RATE, "format": "float32"} and reader.take_id == 3
    held = open_file(path, key, name)
    assert held == sound.astype("<f4").tobytes()
    assert digest == hashlib.sha256(held).hexdigest()
    before = path.read_bytes()
    with pytest.raises(LibraryError, match="never writes over"):
        _write_durably(path, sound, RATE, FileSeal(key, 3, name))
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["track-9.wav"]


def test_a_part_a_power_cut_left_without_its_header_is_recovered_empty(library):
    """Before the first sync nothing of a take is durable, and a power cut can leave a part
    without the header written to it: recovery makes it again, empty and finished, rather
    than refuse the whole take (recovery runs before every recording)."""
    key = os.urandom(32)
    with library.transaction() as tx:
        session = sessions.create(tx, "Tuesday band", SessionKind.BAND, on=date(2026, 12, 7))
        take_id = takes.start(tx, session.id, RATE, sample_format="pcm24")
        made = [takes.add_track(tx, take_id, TrackKind.AUDIO, input=n + 1) for n in range(2)]
    files = TakeFiles(library.folder, takes.take_folder(take_id),
                      [TrackTarget(t.id, n, t.file) for n, t in enumerate(made)], RATE,
                      SampleFormat.PCM24, file_key=key, take_id=take_id)
    for writer in files._writers:
        writer.close()  # the machine went down: nothing was finished
    files.journal.close()
    os.truncate(library.folder / made[0].file, 20)  # its header never reached the disk
    take = takes.get(library.connection, take_id)
    repaired = repair_take(library.folder, take, takes.take_folder(take_id), key)
    assert repaired.frames == 0
    assert [(p.frames, p.sha256) for p in repaired.parts] == [
        (0, hashlib.sha256(b"").hexdigest())] * 2
    for track in made:
        with SealedReader(library.folder / track.file, key, track.file) as reader:
            assert reader.finished and reader.size == 0
            assert reader.meta == {"samplerate": RATE, "format": "pcm24"}

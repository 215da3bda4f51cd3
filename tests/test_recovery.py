"""Recovery after a crash: the true header bytes, the cap by the shortest file, and a live
recorder's take left alone (recovery runs before every `record`, in any process)."""

from __future__ import annotations

import hashlib
import json
import struct
from datetime import date
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from jack_rig import RampsInAChildProcess, port_names, wait_for
from recorder_rig import (
    RATE,
    RECORDER_PORTS,
    Recording,
    check_ramp,
    make_studio,
    mt_studio,
    read,
    start_server,
)

from mt_studio.core.capture.take_files import TakeFiles, TrackTarget
from mt_studio.core.capture.wav_stream import SampleFormat, header_size
from mt_studio.core.domain import SessionKind, TakeStatus, TrackKind
from mt_studio.core.library import Library, sessions, takes
from mt_studio.core.studio import Studio, TakeChanged


def chunks(path: Path) -> tuple[int, dict[bytes, tuple[int, int]]]:
    """The RIFF size and each chunk's (offset of its data, size), read byte by byte."""
    data = path.read_bytes()
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    riff_size = struct.unpack_from("<I", data, 4)[0]
    found, offset = {}, 12
    while offset + 8 <= len(data):
        name, size = data[offset:offset + 4], struct.unpack_from("<I", data, offset + 4)[0]
        found[name] = (offset + 8, size)
        if size == 0xFFFFFFFF:
            break
        offset += 8 + size + size % 2
    return riff_size, found


def crashed_take(library: Library, sample_format: SampleFormat, durable: int, written: int,
                 tracks: int = 2) -> tuple[int, list[Path]]:
    """A take left `recording` as a kill -9 leaves it: DURABLE frames journalled, WRITTEN
    frames in its files (the rest never journalled), the headers still saying "recording"."""
    with library.transaction() as tx:
        session = sessions.create(tx, "Tuesday band", SessionKind.BAND, on=date(2026, 11, 3))
        take_id = takes.start(tx, session.id, RATE, sample_format=sample_format.value)
        made = [takes.add_track(tx, take_id, TrackKind.AUDIO, input=n + 1)
                for n in range(tracks)]
    files = TakeFiles(library.folder, takes.take_folder(take_id),
                      [TrackTarget(t.id, n, t.file) for n, t in enumerate(made)], RATE,
                      sample_format)
    ramp_block = (np.arange(written, dtype=np.float32) % 1000 / 1000 - 0.5)
    files.write(np.tile(ramp_block, (tracks, 1))[:, :durable])
    files.sync()
    files.write(np.tile(ramp_block, (tracks, 1))[:, durable:])  # written, never journalled
    for writer in files._writers:
        writer.close()  # the process is gone: nothing is finalized
    files.journal.close()
    return take_id, [library.folder / t.file for t in made]


@pytest.mark.parametrize("sample_format", list(SampleFormat))
def test_recovery_writes_the_true_sizes_into_every_header(library, studio, sample_format):
    take_id, paths = crashed_take(library, sample_format, durable=RATE, written=RATE + 5000)
    (recovered,) = studio.recording.recover()
    assert recovered.frames == RATE
    width = sample_format.sample_bytes
    for path in paths:
        riff_size, found = chunks(path)
        assert path.stat().st_size == header_size(sample_format) + RATE * width
        assert riff_size == path.stat().st_size - 8
        data_at, data_size = found[b"data"]
        assert data_size == RATE * width and data_at + data_size == path.stat().st_size
        if sample_format is SampleFormat.FLOAT32:
            fact_at, _size = found[b"fact"]
            assert struct.unpack_from("<I", path.read_bytes(), fact_at)[0] == RATE
        assert sf.info(path).frames == RATE
    take = takes.get(library.connection, take_id)
    assert take.status is TakeStatus.RECOVERED and take.frames == RATE


def test_a_recovered_take_is_as_long_as_its_shortest_file(library, studio):
    take_id, paths = crashed_take(library, SampleFormat.PCM24, durable=RATE, written=RATE)
    # The second file lost its last 1000 frames (a disk that lied about its cache).
    width = SampleFormat.PCM24.sample_bytes
    with paths[1].open("r+b") as file:
        file.truncate(paths[1].stat().st_size - 1000 * width)
    (recovered,) = studio.recording.recover()
    assert recovered.frames == RATE - 1000
    take = takes.get(library.connection, take_id)
    assert take.frames == RATE - 1000
    assert [sf.info(p).frames for p in paths] == [RATE, RATE - 1000]


@pytest.fixture
def server():
    with start_server() as running:
        yield running


def test_recovery_leaves_a_take_another_process_is_recording_alone(server, tmp_path):
    studio = make_studio(server, tmp_path)
    generator = RampsInAChildProcess(server, 2)
    try:
        recording = Recording(studio, "--inputs", "1-2", "--duration", "3")
        generator.connect_to(RECORDER_PORTS)
        connected_at = generator.now()
        wait_for(lambda: generator.now() > connected_at + RATE, 30, "a second recorded")
        with Studio.open(studio["MT_STUDIO_LIBRARY"]) as opened:
            assert opened.recording.recover() == []
            (live,) = opened.sessions.takes(1)
            assert live.status is TakeStatus.RECORDING
        other = mt_studio(studio, "recover", "--json")  # and from another process
        assert other.returncode == 0 and json.loads(other.stdout) == [], other.stderr
        assert port_names(generator.client, RECORDER_PORTS)  # still recording
        code, result, err = recording.finish()
    finally:
        generator.close()
    assert code == 0, err
    assert result["stop_reason"] == "duration" and result["frames"] == 3 * RATE
    assert result["dropouts"] == []
    for channel, file in enumerate(result["files"]):
        samples = read(file)
        assert len(samples) == 3 * RATE
        check_ramp(samples, channel)
    (take,) = json.loads(mt_studio(studio, "session", "show", "1", "--json").stdout)["takes"]
    assert take["id"] == live.id
    assert take["status"] == "complete" and take["frames"] == 3 * RATE


def test_each_recovered_take_is_announced_once_it_is_kept(library, studio):
    first, _paths = crashed_take(library, SampleFormat.PCM24, durable=RATE, written=RATE)
    second, _paths = crashed_take(library, SampleFormat.FLOAT32, durable=RATE // 2,
                                  written=RATE)
    seen = []
    with Library.open(library.folder) as other:  # sees only what is committed
        studio.events.subscribe(lambda event: seen.append(
            (event, takes.get(other.connection, event.take_id).status)))
        recovered = studio.recording.recover()
    assert [(r.take_id, r.frames) for r in recovered] == [(first, RATE), (second, RATE // 2)]
    assert seen == [(TakeChanged(r.take_id, r.session_id), TakeStatus.RECOVERED)
                    for r in recovered]
    assert studio.recording.recover() == [] and len(seen) == 2  # nothing left to announce


def test_a_recovered_part_is_hashed_as_it_is_repaired(library, studio):
    take_id, paths = crashed_take(library, SampleFormat.PCM24, durable=RATE, written=RATE + 5000)
    studio.recording.recover()
    kept = dict(library.connection.execute(
        "SELECT track_parts.file, sha256 FROM track_parts JOIN tracks ON tracks.id = track_id"
        " WHERE take_id = ?", (take_id,)).fetchall())
    offset = header_size(SampleFormat.PCM24)
    assert {library.folder / file: digest for file, digest in kept.items()} == {
        path: hashlib.sha256(path.read_bytes()[offset:]).hexdigest() for path in paths}

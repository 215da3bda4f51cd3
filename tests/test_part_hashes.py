"""Files tied to the library: each part's SHA-256 is kept as it is finalized (recorded on a
real JACK interface, a looper's layer), and a file swapped for another take's is refused by
the export, playback and `mt-studio verify`, naming it; parts kept before files were hashed
play as before and are reported unchecked."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from jack_rig import JackServer, SignalGenerator, ramp, seen_by_portaudio
from recorder_rig import RECORDER_PORTS

from mt_studio.core.capture.part_check import FileState
from mt_studio.core.capture.wav_stream import SampleFormat, header, header_size
from mt_studio.core.domain import Purpose, SessionKind
from mt_studio.core.errors import LibraryError
from mt_studio.core.export import ExportRequest
from mt_studio.core.library import Library, consent_ledger, participants, sessions
from mt_studio.core.library.database import DATABASE_NAME
from mt_studio.core.looper import LayerToKeep, Player, _write_durably
from mt_studio.core.studio import Studio
from mt_studio.core.studio.layer_keeper import SessionLayerKeeper
from mt_studio.core.studio.recording import TakeRequest

RATE = 48000
DATA = Path(__file__).parent / "data"


def stored_parts(library: Library, take_id: int) -> list[tuple[Path, int, str | None]]:
    """Each part of TAKE_ID as the library keeps it: its file, frames and SHA-256."""
    rows = library.connection.execute(
        "SELECT track_parts.file, frames, sha256 FROM track_parts JOIN tracks"
        " ON tracks.id = track_id WHERE take_id = ? ORDER BY track_id, number",
        (take_id,)).fetchall()
    return [(library.folder / file, frames, sha256) for file, frames, sha256 in rows]


def samples_sha256(path: Path, sample_format: SampleFormat) -> str:
    """hashlib's SHA-256 of a finished WAV's samples, read back from the disk."""
    return hashlib.sha256(path.read_bytes()[header_size(sample_format):]).hexdigest()


@pytest.fixture
def rig():
    with (JackServer(samplerate=RATE, inputs=2, synchronous=True) as server,
          seen_by_portaudio(server)):
        yield server


@pytest.fixture
def session(library):
    """Ola, who may be recorded, kept and shared with the group, alone in a session."""
    with library.transaction() as db:
        ola = participants.add(db, "Ola")
        consent_ledger.grant(db, ola, [Purpose.RECORD, Purpose.KEEP, Purpose.GROUP])
        return sessions.create(db, "Duo", SessionKind.INDIVIDUAL, on=date(2026, 12, 1),
                               participants=[ola]).id


def record(server: JackServer, studio: Studio, session_id: int) -> int:
    """A take of a second on inputs 1 and 2, fed rising ramps (never the same twice)."""
    generator = SignalGenerator(server, [ramp(0), ramp(1)])
    try:
        recording = studio.recording.start(TakeRequest(session_id, "system", inputs=(1, 2),
                                                       duration_seconds=1.0))
        try:
            generator.connect_to(RECORDER_PORTS)
            assert recording.wait(30)
        finally:
            recording.stop()
    finally:
        generator.close()
    return recording.take_id


def test_a_recorded_parts_hash_is_hashlibs_of_its_finished_file(rig, library, studio, session):
    take_id = record(rig, studio, session)
    parts = stored_parts(library, take_id)
    assert len(parts) == 2
    for path, frames, sha256 in parts:
        assert frames == RATE
        assert path.read_bytes()[:header_size(SampleFormat.PCM24)] == header(
            RATE, SampleFormat.PCM24, frames)
        assert sha256 == samples_sha256(path, SampleFormat.PCM24)
    assert {c.state for c in studio.listening.verify(take_id)} == {FileState.MATCHES}


def test_a_part_swapped_for_another_takes_is_refused_naming_it_and_nothing_is_exported(
        rig, library, studio, session, tmp_path, cli):
    first, second = record(rig, studio, session), record(rig, studio, session)
    (victim, frames, _hash), _other = stored_parts(library, first)
    (swapped_in, other_frames, _), _ = stored_parts(library, second)
    assert frames == other_frames and victim.stat().st_size == swapped_in.stat().st_size
    assert victim.read_bytes() != swapped_in.read_bytes()  # the ramps made them differ
    shutil.copyfile(swapped_in, victim)  # same format, same length: a readable take still

    destination = tmp_path / "out"
    destination.mkdir()
    with pytest.raises(LibraryError, match=str(victim)):
        studio.sharing.export(ExportRequest(first, Purpose.GROUP, destination))
    assert list(destination.iterdir()) == []

    player = studio.listening.player(first)
    with pytest.raises(LibraryError, match=str(victim)):
        player.prepare()

    result = cli("verify", first)
    assert result.code == 1
    assert str(victim) in result.err and "CHANGED" in result.out
    assert cli("verify", second).code == 0
    everything = cli("verify", "--json")
    assert everything.code == 1 and str(victim) in everything.err


def test_a_layer_is_kept_with_the_hash_of_its_samples(library, studio, session):
    keeper = SessionLayerKeeper(studio, session, "system", RATE)
    (ola,) = [p.id for p in studio.sessions.get(session).participants]
    sound = np.sin(np.arange(RATE // 2, dtype=np.float32) / 20).astype(np.float32) * 0.5
    take_id, _track = keeper.keep(
        None, LayerToKeep(Player(1, (ola,), isolated=True), (ola,), len(sound), 0),
        lambda path: _write_durably(path, sound, RATE))
    ((_file, frames, sha256),) = stored_parts(library, take_id)
    path = layer_file(studio, take_id)
    assert frames == len(sound)
    assert sha256 == samples_sha256(path, SampleFormat.FLOAT32)
    np.testing.assert_array_equal(sf.read(path, dtype="float32")[0], sound)
    assert [c.state for c in studio.listening.verify(take_id)] == [FileState.MATCHES]


def kept_layer(studio: Studio, library: Library, session: int) -> tuple[int, Path]:
    """A take of one looper layer, as the looper keeps it, and the layer's file."""
    keeper = SessionLayerKeeper(studio, session, "system", RATE)
    (ola,) = [p.id for p in studio.sessions.get(session).participants]
    sound = np.zeros(RATE // 10, dtype=np.float32)
    take_id, _track = keeper.keep(
        None, LayerToKeep(Player(1, (ola,), isolated=True), (ola,), len(sound), 0),
        lambda path: _write_durably(path, sound, RATE))
    return take_id, layer_file(studio, take_id)


def layer_file(studio: Studio, take_id: int) -> Path:
    """The file of the one layer of TAKE_ID, where it is (a service's library: in this
    computer's spool while the looper plays)."""
    ((path,),) = [track.files for track in studio.listening.sound(take_id).tracks]
    return path


def test_a_folder_in_a_parts_place_is_named_as_unreadable_not_a_traceback(
        library, studio, session, cli):
    take_id, path = kept_layer(studio, library, session)
    path.unlink()
    path.mkdir()
    (check,) = studio.listening.verify(take_id)
    assert check.state is FileState.UNREADABLE and check.problem
    with pytest.raises(LibraryError, match=str(path)):
        studio.listening.player(take_id).prepare()
    result = cli("verify", take_id)
    assert result.code == 1 and str(path) in result.err and "UNREADABLE" in result.out


def test_a_part_grown_past_what_a_wav_can_hold_is_changed_not_a_crash(library, studio, session):
    take_id, path = kept_layer(studio, library, session)
    with open(path, "r+b") as file:
        file.truncate(header_size(SampleFormat.FLOAT32) + (5 << 30))  # sparse: takes no disk
    (check,) = studio.listening.verify(take_id)
    assert check.state is FileState.CHANGED


@pytest.mark.folder_library
def test_parts_kept_before_files_were_hashed_play_as_before_and_are_unchecked(tmp_path, cli):
    folder = tmp_path / "library"  # the CLI's library in this test
    folder.mkdir()
    db = sqlite3.connect(folder / DATABASE_NAME)
    db.executescript((DATA / "library-v6.sql").read_text())
    files = [row[0] for row in db.execute("SELECT file FROM tracks ORDER BY id")]
    db.close()
    for file in files:
        (folder / file).parent.mkdir(parents=True, exist_ok=True)
        sf.write(folder / file, np.zeros(480000, dtype=np.float32), RATE, subtype="PCM_24")
    with Studio.open(folder) as studio:
        checks = studio.listening.verify()
        assert [(c.path, c.state) for c in checks] == [
            (folder / file, FileState.UNCHECKED) for file in files]
        studio.listening.player(1).prepare()  # no refusal
    result = cli("verify")
    assert result.code == 0 and "unchecked" in result.out


def test_a_file_found_matching_is_not_read_again_until_it_changes(
        library, studio, session, monkeypatch):
    from mt_studio.core.capture import part_check

    take_id, path = kept_layer(studio, library, session)
    sound = studio.listening.sound(take_id)
    reads = []
    real_hash = part_check.samples_hash
    monkeypatch.setattr(part_check, "samples_hash",
                        lambda *args: reads.append(args[0]) or real_hash(*args))
    part_check.refuse_damaged(sound)
    part_check.refuse_damaged(sound)
    assert reads == [path]  # the second time, its stat said it was unchanged
    # The same length and modification time, other samples: read again, and refused.
    stamp = path.stat()
    data = bytearray(path.read_bytes())
    data[-4:] = b"\x00\x00\x80\x3f"
    path.write_bytes(bytes(data))
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    with pytest.raises(LibraryError, match=str(path)):
        part_check.refuse_damaged(sound)
    assert reads == [path, path]
    assert [c.state for c in studio.listening.verify(take_id)] == [FileState.CHANGED]

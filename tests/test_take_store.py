"""A service's library records into this computer's spool and copies each finished take to the
audio store (docs/architecture.md, "How a take travels"): nothing reaches the store while the
take records; once it ends its files are copied, checked and only then let go of by the spool;
it plays the same before and after; a copy killed at any moment loses nothing and is finished
at the next opening; a file in the store that differs is named and never written over; sealed
files reach the store sealed; another computer is told whose spool still holds a take; a
deletion leaves nothing in either place."""

from __future__ import annotations

import gc
import hashlib
import random
import signal
import subprocess
from datetime import date
from pathlib import Path

import mido
import numpy as np
import pytest
from jack_rig import JackServer, SignalGenerator, ramp, seen_by_portaudio, wait_for
from store_mover import run_mover

from mt_studio.core import peak_cache
from mt_studio.core.capture.part_check import FileState
from mt_studio.core.capture.spool import ID_NAME, computer_name
from mt_studio.core.capture.wav_stream import SampleFormat, header
from mt_studio.core.domain import Purpose, SessionKind, TakeStatus, TrackKind
from mt_studio.core.domain.accounts import Role
from mt_studio.core.errors import LibraryError
from mt_studio.core.export import ExportRequest
from mt_studio.core.library import consent_ledger, deletions, participants, sessions, spools, takes
from mt_studio.core.looper import LayerToKeep, Player
from mt_studio.core.studio import Studio, TakeChanged, take_mover
from mt_studio.core.studio.layer_keeper import SessionLayerKeeper
from mt_studio.core.studio.recording import Recording, TakeRequest
from mt_studio.core.waveform import TrackReader

RATE = 48000
JACK_MIDI = "mido.backends.rtmidi/UNIX_JACK"
RECORDER_PORTS = "PortAudio.*:in_"


@pytest.fixture
def backend() -> str:
    """Every library here is a service's, on the tests' PostgreSQL server."""
    return "postgresql"


@pytest.fixture
def studio(library_location):
    with Studio.open(library_location) as opened:
        yield opened


@pytest.fixture
def rig(monkeypatch):
    """A JACK server that PortAudio sees as "system", its MIDI reached by mido too."""
    monkeypatch.setenv("MIDO_BACKEND", JACK_MIDI)
    with (JackServer(samplerate=RATE, inputs=2, synchronous=True) as server,
          seen_by_portaudio(server)):
        yield server


def a_session(studio: Studio) -> tuple[int, int]:
    """Ola, who may be recorded, alone in a session: (session, Ola)."""
    with studio._transaction() as tx:
        ola = participants.add(tx, "Ola", "Ola Nordmann")
        consent_ledger.grant(tx, ola, [Purpose.RECORD])
        session = sessions.create(tx, "Duo", SessionKind.INDIVIDUAL, on=date(2026, 12, 7),
                                  participants=[ola])
    return session.id, ola.id


def spool_of(studio: Studio) -> Path:
    return studio.recording.disk_folder()


def waiting_take(studio: Studio, session_id: int, *, tracks: int = 2, seconds: float = 1.0,
                 spool: str | None = None, computer: str | None = None,
                 status: TakeStatus = TakeStatus.COMPLETE) -> tuple[int, dict[str, bytes]]:
    """A take recorded into a spool as the recorder leaves one (this computer's, unless SPOOL
    names another's, whose files are not here): its id and its files' contents by name."""
    folder, frames = spool_of(studio), int(seconds * RATE)
    spool = spool or (folder / ID_NAME).read_text().strip()
    here = spool == (folder / ID_NAME).read_text().strip()
    rng = np.random.default_rng(frames + tracks)
    contents = {}
    with studio._transaction() as tx:
        take_id = takes.start(tx, session_id, RATE, sample_format="pcm24")
        for n in range(tracks):
            track = takes.add_track(tx, take_id, TrackKind.AUDIO, input=n + 1)
            samples = rng.integers(0, 256, 3 * frames, dtype=np.uint8).tobytes()
            contents[track.file] = header(RATE, SampleFormat.PCM24, frames) + samples
            if status is not TakeStatus.RECORDING:
                takes.add_part(tx, track.id, 1, 0, frames, track.file,
                               hashlib.sha256(samples).hexdigest())
        contents[f"{takes.take_folder(take_id)}/journal.log"] = b"a journal's lines\n"
        if status is not TakeStatus.RECORDING:
            takes.finish(tx, take_id, frames, status=status)
        spools.mark(tx, take_id, spool, computer or computer_name())
    for name, content in contents.items() if here else ():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    return take_id, contents


def files_under(folder: Path) -> dict[str, bytes]:
    """Every file under FOLDER by its name there, but the take's lock."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != "recording.lock"} if folder.is_dir() else {}


def played(sound) -> list[np.ndarray]:
    """The audio tracks of SOUND as the player reads them."""
    out = []
    for track in sound.audio:
        with TrackReader(track.files) as reader:
            out.append(reader.read(sound.frames).copy())
    return out


def record(studio: Studio, server: JackServer, session_id: int, during=lambda _r: None,
           **request) -> Recording:
    """Record two seconds of two ramps (and whatever REQUEST adds), calling DURING with the
    recording meanwhile; the recording, once it has stopped by itself."""
    generator = SignalGenerator(server, [ramp(0), ramp(1)])
    try:
        recording = studio.recording.start(TakeRequest(session_id, "system", inputs=(1, 2),
                                                       duration_seconds=2, **request))
        generator.connect_to(RECORDER_PORTS)
        during(recording)
        assert recording.wait(30)
    finally:
        generator.close()
    return recording


def test_a_take_records_into_the_spool_and_plays_the_same_from_the_store_once_moved(
        rig, studio):
    session, _ola = a_session(studio)
    store, spool = studio.folder, spool_of(studio)
    assert spool != store and not spool.is_relative_to(store)
    heard = []
    studio.events.subscribe(heard.append)

    def nothing_in_the_store_yet(recording) -> None:
        folder = takes.take_folder(recording.take_id)
        wait_for(lambda: recording.capture.frames > RATE // 2, 30, "half a second")
        assert (spool / folder / "track-1.wav").is_file()
        assert not (store / folder).exists()

    mover = studio._shared.places.mover_for(studio)
    with mover.paused():  # the copy waits while the take is looked at from the spool
        recording = record(studio, rig, session, nothing_in_the_store_yet)
        result = recording.stop()
        take_folder = takes.take_folder(result.take_id)
        assert not (store / take_folder).exists()
        assert [(t.take_id, t.here) for t in studio.recording.waiting_for_store()] == [
            (result.take_id, True)]
        before = studio.listening.sound(result.take_id)
        assert before.folder == spool
        from_spool = played(before)
    studio.recording.move_to_store()
    assert studio.recording.waiting_for_store() == []
    assert heard[-1] == TakeChanged(result.take_id, session)
    after = studio.listening.sound(result.take_id)
    assert after.folder == store and all(f.is_relative_to(store) for t in after.tracks
                                         for f in t.files)
    assert [c.state for c in studio.listening.verify(result.take_id)] == [FileState.MATCHES] * 2
    from_store = played(after)
    assert len(from_store[0]) == 2 * RATE and from_store[0].any()
    for spooled, stored in zip(from_spool, from_store, strict=True):
        np.testing.assert_array_equal(spooled, stored)
    # What was handed out before the copy reads on, the same, until it is let go of.
    assert (spool / take_folder).is_dir()
    for spooled, again in zip(from_spool, played(before), strict=True):
        np.testing.assert_array_equal(spooled, again)
    del before
    gc.collect()
    wait_for(lambda: not (spool / take_folder).exists(), 30, "the spool to let the take go")
    assert files_under(spool / "audio") == {}


def test_a_move_killed_at_random_points_loses_nothing_and_is_finished_at_the_next_opening(
        library_location):
    with Studio.open(library_location) as studio:
        session, _ola = a_session(studio)
        waiting_take(studio, session, tracks=2, seconds=3)
        spool, store = spool_of(studio), studio.folder
    whole = run_mover()  # a move from start to end: how many calls it makes
    assert whole.returncode == 0, whole.stderr
    calls = int(whole.stdout)
    for point in sorted(random.Random(20261207).sample(range(1, calls + 1), 20)):
        with Studio.open(library_location) as studio:
            take_id, contents = waiting_take(studio, session, tracks=2, seconds=3)
        take_folder = takes.take_folder(take_id)
        killed = run_mover(kill_at=point)
        assert killed.returncode == -signal.SIGKILL, (point, killed.stderr)
        with Studio.open(library_location) as look:
            with look._reading() as db:
                still_waiting = spools.of_take(db, take_id) is not None
        stored = {n: c for n, c in files_under(store).items() if n.startswith(take_folder)
                  and not Path(n).name.startswith(".")}
        assert all(contents[name] == content for name, content in stored.items()), point
        if still_waiting:  # the spool holds all of it
            assert files_under(spool / take_folder) == {
                Path(n).relative_to(take_folder).as_posix(): c for n, c in contents.items()}
        else:  # marked as in the store only once the store holds all of it, checked
            assert stored == contents, point
        with Studio.open(library_location) as studio:  # the next opening
            studio.recording.move_to_store()
            assert studio.recording.waiting_for_store() == []
            assert {c.state for c in studio.listening.verify(take_id)} == {FileState.MATCHES}
        assert files_under(store / take_folder) == {  # no copy cut short left behind
            Path(n).relative_to(take_folder).as_posix(): c for n, c in contents.items()}
        assert not (spool / take_folder).exists(), point


def test_a_file_in_the_store_that_differs_is_named_and_neither_copy_is_touched(studio, cli):
    session, _ola = a_session(studio)
    take_id, contents = waiting_take(studio, session)
    spool, store = spool_of(studio), studio.folder
    name = sorted(contents)[0]
    planted = store / name
    planted.parent.mkdir(parents=True)
    planted.write_bytes(b"another program's file")
    (moved,) = studio.recording.move_to_store()
    assert not moved.moved and str(planted) in moved.problem
    assert "not the file recorded" in moved.problem
    assert planted.read_bytes() == b"another program's file"
    assert files_under(spool) == {**contents, "spool.id": (spool / ID_NAME).read_bytes()}
    (waiting,) = studio.recording.waiting_for_store()
    assert waiting.take_id == take_id and waiting.here and str(planted) in waiting.problem
    status = cli("library", "status")
    assert status.code == 0 and "1 take waits to be copied to the audio store" in status.out
    assert "take 1 of session 1, in this computer's spool" in status.out
    assert studio.listening.sound(take_id).folder == spool  # the take is read from there
    planted.unlink()  # moved away by whoever looks after the store
    (moved,) = studio.recording.move_to_store()
    assert moved.moved and files_under(store) == contents


def test_takes_wait_while_the_share_is_gone_and_are_copied_once_it_is_back(studio,
                                                                            monkeypatch):
    monkeypatch.setattr(take_mover, "RETRY_SECONDS", 0.1)
    session, _ola = a_session(studio)
    take_id, contents = waiting_take(studio, session)
    spool, store = spool_of(studio), studio.folder
    unmounted = store.with_name(store.name + "-unmounted")
    store.rename(unmounted)
    studio.recording.recover()  # as the window does at its start: copied in a worker
    wait_for(lambda: any(t.problem for t in studio.recording.waiting_for_store()), 30,
             "a try at copying")
    (waiting,) = studio.recording.waiting_for_store()
    assert "cannot be reached" in waiting.problem and str(store) in waiting.problem
    assert not store.exists()  # nothing is copied onto this computer's disk in its place
    assert set(files_under(spool)) == {*contents, ID_NAME}
    unmounted.rename(store)  # the share is back
    wait_for(lambda: not studio.recording.waiting_for_store(), 30, "the take's copy")
    assert files_under(store) == contents


def test_a_library_whose_audio_store_cannot_be_reached_is_named_and_none_is_made(
        library_location):
    with Studio.open(library_location) as studio:
        store = studio.folder
    store.rename(store.with_name(store.name + "-unmounted"))
    with pytest.raises(LibraryError, match=f"audio store {store} cannot be reached"):
        Studio.open(library_location)
    assert not store.exists()


def test_another_computers_take_says_whose_spool_holds_it_and_is_not_recovered_here(
        studio, tmp_path):
    session, _ola = a_session(studio)
    elsewhere, _contents = waiting_take(studio, session, spool="0" * 32, computer="laptop-2")
    recording, _ = waiting_take(studio, session, spool="0" * 32, computer="laptop-2",
                                status=TakeStatus.RECORDING)
    with pytest.raises(LibraryError, match="still being copied from laptop-2's spool"):
        studio.listening.player(elsewhere).prepare()
    with pytest.raises(LibraryError, match="still being copied from laptop-2's spool"):
        studio.sharing.export(ExportRequest(elsewhere, Purpose.GROUP, tmp_path / "out"))
    assert not (tmp_path / "out").exists()
    assert {c.state for c in studio.listening.verify(elsewhere)} == {FileState.SPOOLED}
    assert studio.recording.recover() == []  # laptop-2 may still be recording it
    assert studio.listening.take(recording).status is TakeStatus.RECORDING
    assert [(t.take_id, t.here, t.computer) for t in studio.recording.waiting_for_store()] == [
        (elsewhere, False, "laptop-2"), (recording, False, "laptop-2")]
    assert studio.recording.move_to_store() == []  # not this computer's to copy


def test_deleting_a_take_removes_it_from_the_spool_too(studio):
    session, _ola = a_session(studio)
    take_id, contents = waiting_take(studio, session)
    spool = spool_of(studio)
    sound = studio.listening.sound(take_id)
    parts = list(sound.audio[0].files)
    peaks = peak_cache.cache_file(sound.folder, parts)
    assert peak_cache.build(parts, peaks) and peaks.is_relative_to(spool)
    del sound
    plan = studio.deletion.plan_take(take_id)
    assert {f.path for f in plan.files} >= {*contents, peaks.relative_to(spool).as_posix()}
    studio.deletion.delete_take(take_id, reason="consent to keep withdrawn")
    assert files_under(spool / "audio") == {} and not peaks.exists()
    assert not (studio.folder / takes.take_folder(take_id)).exists()
    assert studio.recording.waiting_for_store() == []


def test_a_take_deleted_elsewhere_while_it_waits_here_leaves_nothing_at_the_next_pass(studio):
    session, _ola = a_session(studio)
    take_id, contents = waiting_take(studio, session)
    spool, store = spool_of(studio), studio.folder
    leftover = store / sorted(contents)[0]  # half a copy, from a pass cut short
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(contents[sorted(contents)[0]][:1000])
    with studio._transaction() as tx:  # as another computer's deletion does
        deletions.delete_takes(tx, [take_id])
    assert studio.recording.move_to_store() == []
    assert files_under(spool / "audio") == {}
    assert not (store / takes.take_folder(take_id)).exists()


def test_a_loop_take_stays_in_the_spool_while_its_looper_plays_then_is_moved(studio):
    session, ola = a_session(studio)
    keeper = SessionLayerKeeper(studio, session, "system", RATE)
    sound = np.linspace(-0.5, 0.5, RATE // 2, dtype=np.float32)

    def write(path: Path, seal=None) -> str:
        assert seal is None  # a plain library
        samples = sound.astype("<f4").tobytes()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(header(RATE, SampleFormat.FLOAT32, len(sound)) + samples)
        return hashlib.sha256(samples).hexdigest()

    layer = LayerToKeep(Player(1, (ola,), isolated=True), (ola,), len(sound), 0)
    take_id, _track = keeper.keep(None, layer, write)
    keeper.keep(take_id, layer, write)
    folder = takes.take_folder(take_id)
    assert len(list((spool_of(studio) / folder).glob("track-*.wav"))) == 2
    (held,) = studio.recording.move_to_store()
    assert not held.moved and held.problem == ""  # the looper still plays it
    assert not (studio.folder / folder).exists()
    keeper.done(take_id)
    wait_for(lambda: not studio.recording.waiting_for_store(), 30, "the loop take's copy")
    assert len(list((studio.folder / folder).glob("track-*.wav"))) == 2
    assert {c.state for c in studio.listening.verify(take_id)} == {FileState.MATCHES}


def test_an_encrypted_take_reaches_the_store_sealed(rig, library_location):
    name, passphrase = "Therese", "a song for every morning"
    with Studio.open(library_location) as studio:
        studio.accounts.add(name, Role.ADMIN, passphrase)
    keyboard = mido.Backend(JACK_MIDI).open_output("keyboard", virtual=True)
    try:
        with Studio.open(library_location) as studio:
            studio.sign_in(name, passphrase)
            session, ola = a_session(studio)

            def play_keys(recording) -> None:
                for pitch in (60, 64, 67):
                    keyboard.send(mido.Message("note_on", note=pitch, velocity=90))

            recording = record(studio, rig, session, play_keys, midi="keyboard",
                               owners={"midi": (ola,)})
            result = recording.stop()
            studio.recording.move_to_store()
            assert studio.recording.waiting_for_store() == []
            take = studio.listening.take(result.take_id)
            assert len(take.tracks) == 3
            assert {c.state for c in studio.listening.verify(result.take_id)} == {
                FileState.MATCHES}
            stored = studio.folder / takes.take_folder(result.take_id)
    finally:
        keyboard.close()
    files = sorted(p for p in stored.iterdir() if p.stat().st_size)
    assert {p.suffix for p in files} >= {".wav", ".mid", ".midilog", ".log"}
    for path in files:
        raw = path.read_bytes()
        for plain in (b"RIFF", b"WAVE", b"MThd", b"MTrk", b"durable"):
            assert plain not in raw, (path.name, plain)
    words = subprocess.run(["strings", "-n", "4", *map(str, files)], capture_output=True,
                           text=True, check=True).stdout
    for secret in ("Ola", "Nordmann", "Duo", "keyboard", "RIFF", "MThd"):
        assert secret not in words


def test_the_session_list_says_while_takes_wait_here_to_be_copied(qtbot, studio):
    from mt_studio.ui.sessions.session_list import SessionList

    session, _ola = a_session(studio)
    waiting_take(studio, session)
    listing = SessionList()
    qtbot.addWidget(listing)
    listing.attach(studio, None)
    assert not listing.store_note.isHidden()
    assert "1 take recorded here is not in the audio store yet" in listing.store_note.text()
    studio.recording.move_to_store()
    listing.refresh()
    assert listing.store_note.isHidden()

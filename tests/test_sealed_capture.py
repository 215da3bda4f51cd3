"""A take recorded sealed under its key on the real rig: a JACK server, ramps from a process of
their own, a virtual MIDI keyboard, and the engine in a child process (sealed_recorder) that
can be killed. Its files hold no plain sound or MIDI, read back sample-exactly, and a kill -9
is recovered up to the frame the journal says was durable; a looper's layer is sealed too."""

from __future__ import annotations

import hashlib
import io
import os
import random
from datetime import date
from pathlib import Path

import mido
import numpy as np
import pytest
from jack_rig import RampsInAChildProcess, port_names, ramp_origin, seen_by_portaudio, wait_for
from recorder_rig import PERIOD, RATE, check_ramp, start_server
from sealed_recorder import MIDI_BACKEND, PORTS, SealedRecording

from mt_studio.core.capture.file_seal import FileSeal
from mt_studio.core.capture.journal import read_journal
from mt_studio.core.capture.recovery import repair_take
from mt_studio.core.capture.wav_stream import SampleFormat, header_size
from mt_studio.core.domain import SessionKind, TrackKind
from mt_studio.core.library import sessions, takes
from mt_studio.core.looper import Looper, Player
from mt_studio.core.sealing.stream import SealedReader, open_file, read_sealed_log

# What plain files of a take hold, and random bytes do not (each too long to turn up by chance
# in a few megabytes of ciphertext): a WAV header, a MIDI file's header, a journal's and a
# MIDI log's lines.
PLAIN_MARKS = (b"WAVEfmt ", b"MThd\x00\x00\x00\x06", b"durable ", b"mt-studio-midi-log")


@pytest.fixture
def server(monkeypatch):
    """The rig's JACK server, which this process's MIDI keyboard joins too."""
    with start_server() as running:
        monkeypatch.setenv("JACK_DEFAULT_SERVER", running.name)
        monkeypatch.setenv("JACK_NO_START_SERVER", "1")
        yield running


@pytest.fixture
def device():
    """The rig's JACK server, which PortAudio in this process sees as the device "system"."""
    with start_server() as running, seen_by_portaudio(running):
        yield running


@pytest.fixture
def keyboard(server):
    """A virtual MIDI keyboard on the rig's server, "RtMidiOut Client:keyboard"."""
    port = mido.Backend(MIDI_BACKEND).open_output("keyboard", virtual=True)
    yield port
    port.close()


def new_take(library, sample_format: str, inputs: int, midi: bool = False):
    """A take being recorded, with a track per input (and a MIDI track): its id, its audio
    tracks as (id, file) and its MIDI file."""
    with library.transaction() as tx:
        session = sessions.create(tx, "Tuesday band", SessionKind.BAND, on=date(2026, 12, 7))
        take_id = takes.start(tx, session.id, RATE, sample_format=sample_format)
        audio = [takes.add_track(tx, take_id, TrackKind.AUDIO, input=n + 1)
                 for n in range(inputs)]
        midi_track = takes.add_track(tx, take_id, TrackKind.MIDI, port="keyboard") if midi \
            else None
    return take_id, [(t.id, t.file) for t in audio], midi_track.file if midi_track else None


def samples(plaintext: bytes, sample_format: SampleFormat) -> np.ndarray:
    """A recording's plaintext (its samples' bytes, as a WAV's data chunk holds them) as
    float32, the way soundfile reads a WAV."""
    if sample_format is SampleFormat.FLOAT32:
        return np.frombuffer(plaintext, "<f4")
    triples = np.frombuffer(plaintext, np.uint8).reshape(-1, 3).astype(np.int32)
    words = triples[:, 0] | triples[:, 1] << 8 | triples[:, 2] << 16
    return (np.where(words >= 1 << 23, words - (1 << 24), words) / 8388608.0).astype(np.float32)


def plain_marks_in(folder: Path) -> list[tuple[str, bytes]]:
    """Each file of FOLDER with a plain file's marks in its raw bytes."""
    return [(path.name, mark) for path in sorted(folder.iterdir())
            for mark in PLAIN_MARKS if mark in path.read_bytes()]


def test_a_sealed_take_holds_what_a_plain_take_of_the_same_signal_holds(server, keyboard,
                                                                        library):
    key = os.urandom(32)
    plain_id, plain_tracks, _none = new_take(library, "pcm24", 2)
    take_id, tracks, midi_file = new_take(library, "pcm24", 2, midi=True)
    generator = RampsInAChildProcess(server, 2)
    watch = server.client("mt-test-keyboard-watch")
    try:
        plain = SealedRecording(server, library.folder, plain_id, plain_tracks, None, seconds=2)
        plain.started()
        generator.connect_to(PORTS)
        plain_result = plain.finish()
        sealed = SealedRecording(server, library.folder, take_id, tracks, key, seconds=2,
                                 midi=("keyboard", midi_file))
        sealed.started()
        generator.connect_to(PORTS)
        wait_for(lambda: watch.get_all_connections("RtMidiOut Client:keyboard"), 10,
                 "the recorder to listen to the keyboard")
        for pitch in (60, 64, 67):
            started = generator.now()
            wait_for(lambda at=started: generator.now() > at + RATE // 5, 10, "a fifth second")
            keyboard.send(mido.Message("note_on", note=pitch, velocity=90))
        result = sealed.finish()
    finally:
        watch.close()
        generator.close()
    assert result["frames"] == plain_result["frames"] == 2 * RATE
    assert result["dropouts"] == plain_result["dropouts"] == 0
    folder = library.folder / takes.take_folder(take_id)
    assert plain_marks_in(folder) == []
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["journal.log", "recording.lock", Path(midi_file).name,
         Path(midi_file).with_suffix(".midilog").name, *(Path(f).name for _id, f in tracks)])

    # The plain take's samples, by the frame of the server they were made at (the ramp's
    # period is 65536 frames, and a take of two seconds holds every one).
    offset = header_size(SampleFormat.PCM24)
    for channel, ((_id, plain_file), (_track, file)) in enumerate(zip(plain_tracks, tracks,
                                                                      strict=True)):
        plain_bytes = (library.folder / plain_file).read_bytes()[offset:]
        plain_samples = samples(plain_bytes, SampleFormat.PCM24)
        plain_begin = int(np.flatnonzero(plain_samples)[0])
        plain_origin = check_ramp(plain_samples, channel)
        by_frame = {}
        for index in range(plain_begin, len(plain_samples)):
            by_frame[(plain_origin + index) % 65536] = plain_bytes[3 * index:3 * index + 3]
        assert len(by_frame) == 65536

        reader = SealedReader(library.folder / file, key, file)
        assert reader.meta == {"samplerate": RATE, "format": "pcm24"}
        assert reader.take_id == take_id
        plaintext = reader.read_at(0, reader.size)
        reader.close()
        sealed_samples = samples(plaintext, SampleFormat.PCM24)
        assert len(sealed_samples) == 2 * RATE
        origin = check_ramp(sealed_samples, channel)
        begin = int(np.flatnonzero(sealed_samples)[0])
        expected = b"".join(by_frame[(origin + index) % 65536]
                            for index in range(begin, len(sealed_samples)))
        assert plaintext[3 * begin:] == expected
        (part,) = [p for p in result["parts"] if p["file"] == file]
        assert part["frames"] == 2 * RATE
        assert part["sha256"] == hashlib.sha256(plaintext).hexdigest()

    journal = read_journal(folder / "journal.log",
                           FileSeal(key, take_id, f"{takes.take_folder(take_id)}/journal.log"))
    assert journal.durable_frames == 2 * RATE and len(journal.parts) == 2
    log_name = str(Path(midi_file).with_suffix(".midilog"))
    assert read_sealed_log(library.folder / log_name, key, log_name)[0] == \
        b"mt-studio-midi-log 1\n"
    midi_bytes = open_file(library.folder / midi_file, key, midi_file)
    assert hashlib.sha256(midi_bytes).hexdigest() == result["midi_sha256"]
    played = [m.note for m in mido.MidiFile(file=io.BytesIO(midi_bytes)).tracks[0]
              if m.type == "note_on" and m.velocity]
    assert played == [60, 64, 67]


@pytest.mark.timeout(600)  # four recordings, each killed and recovered
def test_a_sealed_take_killed_at_random_moments_is_recovered_to_its_durable_frame(
        server, keyboard, library):
    chooser = random.Random(20261207)
    generator = RampsInAChildProcess(server, 3)
    watch = server.client("mt-test-keyboard-watch")
    try:
        for attempt in range(4):
            sample_format = SampleFormat.FLOAT32 if attempt % 2 else SampleFormat.PCM24
            width = sample_format.sample_bytes
            key = os.urandom(32)
            take_id, tracks, midi_file = new_take(library, sample_format.value, 3, midi=True)
            recording = SealedRecording(server, library.folder, take_id, tracks, key,
                                        sample_format=sample_format.value,
                                        midi=("keyboard", midi_file))
            recording.started()
            generator.connect_to(PORTS)
            connected_at = generator.now()
            wait_for(lambda: watch.get_all_connections("RtMidiOut Client:keyboard"), 10,
                     "the recorder to listen to the keyboard")
            keyboard.send(mido.Message("note_on", note=60, velocity=90))
            kill_at = connected_at + chooser.uniform(0.5, 2.5) * RATE
            wait_for(lambda until=kill_at: generator.now() > until, 30, "the moment to kill")
            recording.kill()
            killed_at = generator.now()
            wait_for(lambda: not port_names(generator.client, PORTS), 30,
                     "the killed recorder's ports to go")

            folder = library.folder / takes.take_folder(take_id)
            journal_name = f"{takes.take_folder(take_id)}/journal.log"
            durable = read_journal(folder / "journal.log",
                                   FileSeal(key, take_id, journal_name)).durable_frames
            for _id, file in tracks:  # what the journal says is durable is in whole chunks
                with SealedReader(library.folder / file, key, file,
                                  unfinished_ok=True) as crashed:
                    assert not crashed.finished
                    assert crashed.size >= durable * width

            take = takes.get(library.connection, take_id)
            repaired = repair_take(library.folder, take, takes.take_folder(take_id), key)
            assert repaired.frames == durable > 0
            raw = {file: (library.folder / file).read_bytes() for _id, file in tracks}
            for channel, (_id, file) in enumerate(tracks):
                with SealedReader(library.folder / file, key, file) as finished:
                    plaintext = finished.read_at(0, finished.size)
                recorded = samples(plaintext, sample_format)
                assert len(recorded) == durable
                check_ramp(recorded, channel)
                lost = killed_at - connected_at - (durable - int(np.flatnonzero(recorded)[0]))
                assert lost <= RATE + 2 * PERIOD, f"{lost} frames lost"
                (part,) = [p for p in repaired.parts if p.file == file]
                assert part.frames == durable
                assert part.sha256 == hashlib.sha256(plaintext).hexdigest()
            midi_bytes = open_file(library.folder / midi_file, key, midi_file)
            assert repaired.midi_hashes == {
                t.id: hashlib.sha256(midi_bytes).hexdigest()
                for t in take.tracks if t.kind is TrackKind.MIDI}
            assert plain_marks_in(folder) == []

            again = repair_take(library.folder, take, takes.take_folder(take_id), key)
            assert (again.frames, again.parts) == (repaired.frames, repaired.parts)
            assert raw == {file: (library.folder / file).read_bytes() for _id, file in tracks}
    finally:
        watch.close()
        generator.close()


class SealingKeeper:
    """A looper's keeper beside the real looper, as the studio's keeps a sealed take's layers:
    each layer a file of take 4, sealed under KEY by the looper's writer."""

    def __init__(self, folder: Path, key: bytes) -> None:
        self.folder, self.key = folder, key
        self.kept: list[tuple[str, int, str]] = []  # (file, frames, hash) of each layer

    def heard(self, player):
        return player.owners

    def keep(self, take_id, layer, write):
        name = f"audio/take-4/track-{len(self.kept) + 1}.wav"
        (self.folder / name).parent.mkdir(parents=True, exist_ok=True)
        self.kept.append((name, layer.frames, write(self.folder / name,
                                                    FileSeal(self.key, 4, name))))
        return 4, len(self.kept)

    def undo(self, take_id):
        return None

    def redo(self, take_id):
        return None

    def set_muted(self, take_id, track_id, muted):
        pass

    def of_take(self, take_id):
        return []

    def done(self, take_id):
        pass


def test_a_looper_layer_of_a_sealed_take_is_sealed_with_what_was_played(device, tmp_path):
    keeper = SealingKeeper(tmp_path, os.urandom(32))
    generator = RampsInAChildProcess(device, 1)
    looper = Looper(keeper, "system", RATE, inputs=1)
    try:
        looper.start()
        generator.connect_to(PORTS)
        connected_at = generator.now()
        wait_for(lambda: generator.now() > connected_at + RATE // 10, 10, "the ramp to play")
        looper.record_loop(Player(1, (1,), isolated=True), frames=RATE // 2)
        wait_for(looper.layer_done.is_set, 10, "the layer to be kept")
    finally:
        looper.stop()
        generator.close()
    assert looper.problem is None
    ((name, frames, digest),) = keeper.kept
    path = tmp_path / name
    assert frames == RATE // 2 and plain_marks_in(path.parent) == []
    with SealedReader(path, keeper.key, name) as reader:
        assert reader.meta == {"samplerate": RATE, "format": "float32"} and reader.take_id == 4
        held = reader.read_at(0, reader.size)
    assert digest == hashlib.sha256(held).hexdigest()
    played = np.frombuffer(held, "<f4")
    assert len(played) == RATE // 2
    ramp_origin(played, 0, len(played), 0)  # every sample what the ramp played

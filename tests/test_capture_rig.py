"""Recording from a real audio interface: a JACK server on the dummy backend.

Each test starts its own server and a JACK client that generates known signals into the
recorder's input ports; the recorder runs as `mt-studio record` in a child process, as people
run it, so that it can be killed, stopped and starved like the real thing.
"""

from __future__ import annotations

import json
import os
import random
import resource
import signal
import time
from pathlib import Path

import mido
import numpy as np
import pytest
import soundfile as sf
from jack_rig import (
    RampsInAChildProcess,
    SignalGenerator,
    clicks,
    port_names,
    prevailing_ramp_origin,
    sine,
    wait_for,
)
from recorder_rig import (
    PERIOD,
    RATE,
    RECORDER_PORTS,
    Recording,
    check_ramp,
    make_studio,
    mt_studio,
    read,
    start_server,
)

from mt_studio.core.capture.journal import read_journal
from mt_studio.core.library import Library


@pytest.fixture
def server(request):
    """The rig's JACK server (see recorder_rig.start_server), with a test's own options."""
    with start_server(**getattr(request, "param", {})) as running:
        yield running


@pytest.fixture
def studio(server, tmp_path):
    """A library with Ola and Kari (both may be recorded) in session 1, and the env to reach it."""
    return make_studio(server, tmp_path)


def test_eight_inputs_record_eight_frequencies_for_the_duration(server, studio):
    frequencies = [220.0 * (n + 1) for n in range(8)]
    generator = SignalGenerator(server, [sine(f, RATE) for f in frequencies])
    try:
        recording = Recording(studio, "--inputs", "1-8", "--duration", "3")
        generator.connect_to(RECORDER_PORTS)
        code, result, err = recording.finish()
    finally:
        generator.close()
    assert code == 0, err
    assert result["stop_reason"] == "duration"
    assert result["dropouts"] == []  # nothing here provokes one
    assert len(result["files"]) == 8
    for file, frequency in zip(result["files"], frequencies, strict=True):
        samples = read(file)
        assert abs(len(samples) - 3 * RATE) <= PERIOD
        played = samples[np.flatnonzero(samples)[0]:]
        spectrum = np.abs(np.fft.rfft(played * np.hanning(len(played))))
        peak = np.fft.rfftfreq(len(played), 1 / RATE)[np.argmax(spectrum)]
        assert abs(peak - frequency) < 2, (file, peak, frequency)
        # Continuity: the sine's next sample is predicted from the two before it.
        predicted = 2 * np.cos(2 * np.pi * frequency / RATE) * played[1:-1] - played[:-2]
        smooth = np.abs(predicted - played[2:]) < 1e-4
        begin = len(samples) - len(played)
        assert smooth.all(), f"a jump at sample {begin + 2 + np.flatnonzero(~smooth)[0]}"
    shown = json.loads(mt_studio(studio, "session", "show", "1", "--json").stdout)
    (take,) = shown["takes"]
    assert take["status"] == "complete" and take["frames"] == result["frames"]
    assert [t["input"] for t in take["tracks"]] == list(range(1, 9))
    assert all(t["participants"] == ["Kari", "Ola"] for t in take["tracks"])


@pytest.mark.parametrize("sample_format", ["pcm24", "float32"])
def test_every_sample_arrives_in_order(server, studio, sample_format):
    generator = RampsInAChildProcess(server, 2)
    try:
        recording = Recording(studio, "--inputs", "1-2", "--duration", "2",
                              "--format", sample_format)
        generator.connect_to(RECORDER_PORTS)
        code, result, err = recording.finish()
    finally:
        generator.close()
    assert code == 0, err
    assert sf.info(result["files"][0]).subtype == {"pcm24": "PCM_24", "float32": "FLOAT"}[
        sample_format]
    assert result["dropouts"] == []
    starts = [check_ramp(read(f), channel) for channel, f in enumerate(result["files"])]
    assert starts[0] == starts[1]  # both inputs begin at the same frame of the server


@pytest.mark.timeout(600)  # ten recordings, each killed and recovered
def test_sigkill_at_random_moments_loses_at_most_a_second(server, studio):
    chooser = random.Random(20261123)
    generator = RampsInAChildProcess(server, 3)
    try:
        for attempt in range(10):
            recording = Recording(studio, "--inputs", "1-3", "--format",
                                  "float32" if attempt % 2 else "pcm24")
            generator.connect_to(RECORDER_PORTS)
            kill_at = generator.now() + chooser.uniform(0.3, 2.5) * RATE
            connected_at = generator.now()
            wait_for(lambda until=kill_at: generator.now() > until, 30, "the moment to kill")
            recording.process.kill()
            killed_at = generator.now()
            recording.finish()
            wait_for(lambda: not port_names(generator.client, RECORDER_PORTS), 30,
                     "the killed recorder's ports to go")
            recovered = mt_studio(studio, "recover", "--json")
            assert recovered.returncode == 0, recovered.stderr
            (take,) = json.loads(recovered.stdout)
            with Library.open(Path(studio["MT_STUDIO_LIBRARY"])) as library:
                journal = read_journal(library.folder / "audio" / f"take-{take['id']}"
                                       / "journal.log")
            assert take["frames"] == journal.durable_frames
            shown = json.loads(mt_studio(studio, "session", "show", "1", "--json").stdout)
            (entry,) = [t for t in shown["takes"] if t["id"] == take["id"]]
            assert entry["status"] == "recovered" and entry["frames"] == take["frames"]
            assert entry["dropouts"] == []  # a kill is no lost input
            for channel, track in enumerate(entry["tracks"]):
                samples = read(track["file"])
                assert len(samples) == take["frames"]
                if samples.any():
                    check_ramp(samples, channel)
                    recorded = len(samples) - int(np.flatnonzero(samples)[0])
                    assert killed_at - connected_at - recorded <= RATE + 2 * PERIOD
                else:
                    assert killed_at - connected_at <= RATE + 2 * PERIOD
    finally:
        generator.close()
    assert mt_studio(studio, "recover", "--json").stdout.strip() == "[]"


def test_a_file_size_limit_stops_the_take_cleanly(server, studio):
    limit = 600_000

    def small_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG, not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    generator = RampsInAChildProcess(server, 2)
    try:
        recording = Recording(studio, "--inputs", "1-2", "--format", "float32",
                              "--duration", "20", preexec=small_files)
        generator.connect_to(RECORDER_PORTS)
        code, result, err = recording.finish()
    finally:
        generator.close()
    assert code == 1
    assert result["stop_reason"] == "file_too_large"
    assert "largest size" in err and err.count("\n") == 1
    lengths = [len(read(f)) for f in result["files"]]
    assert lengths == [result["frames"]] * 2
    assert 0 < result["frames"] * 4 <= limit
    assert result["dropouts"] == []
    for channel, file in enumerate(result["files"]):
        check_ramp(read(file), channel)
    (take,) = json.loads(mt_studio(studio, "session", "show", "1", "--json").stdout)["takes"]
    assert take["status"] == "complete" and take["frames"] == result["frames"]


def test_files_split_into_parts_without_a_gap(server, studio):
    generator = RampsInAChildProcess(server, 1)
    try:
        recording = Recording(studio, "--inputs", "1", "--duration", "2",
                              "--split-bytes", str(3 * 20_000))
        generator.connect_to(RECORDER_PORTS)
        code, result, err = recording.finish()
    finally:
        generator.close()
    assert code == 0, err
    parts = result["files"]
    assert len(parts) == -(-2 * RATE // 20_000)
    assert [Path(p).name for p in parts[:3]] == [
        Path(parts[0]).name, Path(parts[0]).stem + ".part2.wav", Path(parts[0]).stem + ".part3.wav"]
    pieces = [read(p) for p in parts]
    assert all(len(piece) == 20_000 for piece in pieces[:-1])
    assert result["dropouts"] == []
    check_ramp(np.concatenate(pieces), 0)
    (take,) = json.loads(mt_studio(studio, "session", "show", "1", "--json").stdout)["takes"]
    assert take["tracks"][0]["parts"] == parts and take["tracks"][0]["file"] == parts[0]


def test_losing_the_audio_server_stops_the_take_and_keeps_it(server, studio):
    # No generator here: a JACK client in this process would go down with the server.
    recording = Recording(studio, "--inputs", "1-2", "--duration", "30")
    watcher = server.client("mt-test-watcher")
    try:
        wait_for(lambda: port_names(watcher, RECORDER_PORTS), 30, "the recorder's ports")
        started_at = watcher.frame_time
        wait_for(lambda: watcher.frame_time > started_at + RATE, 30, "a second of audio")
    finally:
        watcher.close()
    server.kill()
    code, result, err = recording.finish()
    assert code == 4
    assert result["stop_reason"] == "device_lost"
    assert "audio device" in err or "no audio" in err
    assert result["frames"] >= RATE // 2
    for file in result["files"]:
        assert len(read(file)) == result["frames"]
    (take,) = json.loads(mt_studio(studio, "session", "show", "1", "--json").stdout)["takes"]
    assert take["status"] == "complete" and take["frames"] == result["frames"]


@pytest.mark.parametrize("server", [{"synchronous": False}], indirect=True)
def test_lost_input_is_filled_with_silence_and_stays_aligned(server, studio):
    """Stopping the recorder's process makes it miss JACK cycles: real xruns, real lost input.

    A synchronous server would wait for the stopped recorder; an asynchronous one goes on.
    """
    generator = RampsInAChildProcess(server, 2)
    try:
        recording = Recording(studio, "--inputs", "1-2", "--duration", "4", "--blocksize",
                              str(PERIOD))
        generator.connect_to(RECORDER_PORTS)
        connected_at = generator.now()
        wait_for(lambda: generator.now() > connected_at + RATE, 30, "a second")
        os.kill(recording.process.pid, signal.SIGSTOP)
        stopped_at = generator.now()
        wait_for(lambda: generator.now() > stopped_at + 0.3 * RATE, 30, "0.3 s")
        os.kill(recording.process.pid, signal.SIGCONT)
        code, result, err = recording.finish()
    finally:
        generator.close()
    assert code == 0, err
    assert result["frames"] == 4 * RATE
    big = [d for d in result["dropouts"] if d["length"] >= 0.2 * RATE]
    assert len(big) == 1 and big[0]["cause"] == "input overflow"
    assert big[0]["length"] % PERIOD == 0
    shown = json.loads(mt_studio(studio, "session", "show", "1", "--json").stdout)
    assert shown["takes"][0]["dropouts"] == result["dropouts"]
    hole_start, hole_end = big[0]["frame"], big[0]["frame"] + big[0]["length"]
    # The stretches either side, a writer tick away from the hole (where the silence may sit
    # up to a tick late), each a quarter second.
    before = (hole_start - RATE // 20 - RATE // 4, hole_start - RATE // 20)
    after = (hole_end + RATE // 20, hole_end + RATE // 20 + RATE // 4)
    for channel, file in enumerate(result["files"]):
        samples = read(file)
        assert len(samples) == result["frames"]
        # This asynchronous, non-realtime server also lets the recorder and the Python
        # generator miss the odd cycle by themselves: each stretch is judged by the origin
        # most of its samples agree on.
        origin_before = prevailing_ramp_origin(samples, *before, channel)
        origin_after = prevailing_ramp_origin(samples, *after, channel)
        # The loss is counted on JACK's cycle counter, to the block; two periods either way.
        shift = (origin_after - origin_before + 32768) % 65536 - 32768
        assert abs(shift) <= 2 * PERIOD, f"the silence is {shift} frames off the loss"


def test_a_late_server_is_not_lost_input(server, studio):
    """Stopping the server itself makes every cycle late, and PortAudio flags an overflow,
    but no client misses a frame: nothing may be filled with silence, every sample is exact.

    PortAudio's own JACK clock runs ahead by the lateness and takes a second or two to
    settle back; a recorder trusting it would write silence into good audio here.
    """
    generator = RampsInAChildProcess(server, 2)  # a collection here cannot make it late
    try:
        recording = Recording(studio, "--inputs", "1-2", "--duration", "4", "--blocksize",
                              str(PERIOD))
        generator.connect_to(RECORDER_PORTS)
        for _ in range(3):
            resumed_at = generator.now()
            wait_for(lambda at=resumed_at: generator.now() > at + 0.5 * RATE, 30, "0.5 s")
            os.kill(server.process.pid, signal.SIGSTOP)
            try:
                time.sleep(0.2)  # the fault being simulated, not a wait for something
            finally:
                os.kill(server.process.pid, signal.SIGCONT)
        code, result, err = recording.finish()
    finally:
        generator.close()
    assert code == 0, err
    assert result["dropouts"] == []
    for channel, file in enumerate(result["files"]):
        samples = read(file)
        assert len(samples) == result["frames"] == 4 * RATE
        check_ramp(samples, channel)


def test_consent_refuses_a_room_mic_and_disarms_an_isolated_input(server, studio):
    mt_studio(studio, "session", "new", "With Nils", "--kind", "band", "--participants",
              "Ola,Nils")
    refused = mt_studio(studio, "record", "2", "--device", "system", "--inputs", "1-2",
                        "--duration", "1")
    assert refused.returncode == 3
    assert "Nils" in refused.stderr and refused.stderr.count("\n") == 1
    shown = json.loads(mt_studio(studio, "session", "show", "2", "--json").stdout)
    assert shown["takes"] == []

    mt_studio(studio, "session", "new", "Nils on bass", "--kind", "band", "--participants",
              "Ola,Kari,Nils")
    disarmed = mt_studio(studio, "record", "3", "--device", "system", "--inputs", "1-3",
                         "--assign", "1=Ola,2=Nils,3=Kari", "--isolated", "1,2,3",
                         "--duration", "1", "--json")
    assert disarmed.returncode == 0, disarmed.stderr
    assert json.loads(disarmed.stdout)["disarmed"] == [2]
    assert "2" in disarmed.stderr
    (take,) = json.loads(mt_studio(studio, "session", "show", "3", "--json").stdout)["takes"]
    assert [(t["input"], t["participants"]) for t in take["tracks"]] == [
        (1, ["Ola"]), (3, ["Kari"])]


def test_midi_notes_land_with_the_audio_played_with_them(server, studio):
    every = RATE // 2
    generator = SignalGenerator(server, [clicks(every)], note_every=every)
    env = {**studio, "MIDO_BACKEND": "mido.backends.rtmidi/UNIX_JACK"}
    try:
        recording = Recording(env, "--inputs", "1", "--midi", "midi_out", "--duration", "4")
        generator.connect_to(RECORDER_PORTS)
        code, result, err = recording.finish()
    finally:
        generator.close()
    assert code == 0, err
    wav, mid = result["files"]
    assert mid.endswith(".mid")
    audio = read(wav)
    onsets = np.flatnonzero((audio[1:] > 0.25) & (audio[:-1] <= 0.25)) + 1
    midi = mido.MidiFile(mid)
    assert midi.type == 0 and midi.ticks_per_beat == 960
    ticks, notes = 0, []
    for message in midi.tracks[0]:
        ticks += message.time
        assert not message.is_meta or message.type == "end_of_track"
        if message.type == "note_on" and message.velocity:
            notes.append(ticks * RATE / 1920)
    tolerance = PERIOD + 0.002 * RATE
    # The MIDI port opens just after the audio stream: clicks before the first note are early.
    onsets = onsets[onsets >= notes[0] - tolerance]
    assert len(onsets) >= 5 and len(notes) >= len(onsets)
    errors = np.array([min(abs(note - onset) for note in notes) for onset in onsets])
    # Notes are stamped with the frames the audio device has delivered when they reach
    # Python: within a period and 2 ms of the audio played with them. On a loaded machine
    # without real-time scheduling a note can wait for the interpreter, but never long.
    assert np.median(errors) <= tolerance, errors
    assert errors.max() <= 0.05 * RATE, errors
    (take,) = json.loads(mt_studio(studio, "session", "show", "1", "--json").stdout)["takes"]
    midi_track = [t for t in take["tracks"] if t["kind"] == "midi"]
    assert len(midi_track) == 1 and "midi_out" in midi_track[0]["port"]
    assert "Ola" not in Path(mid).read_bytes().decode("latin-1")


def test_a_file_already_at_the_takes_path_is_refused_never_written_over(server, studio):
    library = Path(studio["MT_STUDIO_LIBRARY"])
    planted = library / "audio" / "take-1" / "track-2.wav"
    planted.parent.mkdir(parents=True)
    planted.write_bytes(b"an older take's recording")
    refused = mt_studio(studio, "record", "1", "--device", "system", "--inputs", "1-2",
                        "--duration", "1")
    assert refused.returncode == 1
    assert str(planted) in refused.stderr and "never writes over" in refused.stderr
    assert planted.read_bytes() == b"an older take's recording"
    assert sorted(p.name for p in planted.parent.iterdir()) == ["recording.lock", "track-2.wav"]
    assert json.loads(mt_studio(studio, "session", "show", "1", "--json").stdout)["takes"] == []
    assert mt_studio(studio, "recover", "--json").stdout.strip() == "[]"
    assert planted.read_bytes() == b"an older take's recording"

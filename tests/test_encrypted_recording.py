"""Recording into an encrypted library on the rig: `mt-studio record` in a child process against
a JACK server, the take's files sealed as they are written; killed with SIGKILL mid-take, the
take is recovered by the studio, sealed, sample-exact up to its durable frame."""

from __future__ import annotations

import os
import signal

import numpy as np
import pytest
from jack_rig import RampsInAChildProcess, wait_for
from recorder_rig import (
    RATE,
    RECORDER_PORTS,
    Recording,
    check_ramp,
    make_studio,
    mt_studio,
    start_server,
)

from mt_studio.core.capture.part_check import FileState
from mt_studio.core.domain import TakeStatus
from mt_studio.core.sealing.stream import is_sealed
from mt_studio.core.studio import Studio
from mt_studio.core.waveform import TrackReader

ADMIN, ADMIN_PASS = "Therese", "a song for every morning"


@pytest.fixture
def server():
    with start_server() as running:
        yield running


@pytest.fixture
def encrypted(server, tmp_path):
    """The rig's library with its first account (encrypted), and the environment that signs a
    command in to it."""
    env = make_studio(server, tmp_path)
    passphrase = tmp_path / "admin.pass"
    passphrase.write_text(ADMIN_PASS + "\n", encoding="utf-8")
    added = mt_studio(env, "user", "add", ADMIN, "--role", "admin",
                      "--passphrase-file", str(passphrase))
    assert added.returncode == 0, added.stderr
    return {**env, "MT_STUDIO_USER": ADMIN, "MT_STUDIO_PASSPHRASE_FILE": str(passphrase)}


def recorded(studio: Studio, take_id: int) -> list[np.ndarray]:
    """The take's audio tracks as the engines read them."""
    sound = studio.listening.sound(take_id)
    out = []
    for track in sound.tracks:
        with TrackReader(track.files) as reader:
            out.append(reader.read(sound.take.frames).copy())
    return out


def test_a_take_recorded_encrypted_is_sealed_and_plays_sample_exactly(server, encrypted):
    generator = RampsInAChildProcess(server, 2)
    try:
        recording = Recording(encrypted, "--inputs", "1-2", "--duration", "2")
        generator.connect_to(RECORDER_PORTS)
        code, result, err = recording.finish()
    finally:
        generator.close()
    assert code == 0, err
    folder = os.path.dirname(result["files"][0])
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        if os.path.getsize(path):
            assert is_sealed(path), name
    with Studio.open(encrypted["MT_STUDIO_LIBRARY"]) as studio:
        studio.sign_in(ADMIN, ADMIN_PASS)
        take_id = result["id"]
        assert all(c.state is FileState.MATCHES for c in studio.listening.verify(take_id))
        for channel, samples in enumerate(recorded(studio, take_id)):
            assert len(samples) == 2 * RATE
            check_ramp(samples, channel)


def test_an_encrypted_take_killed_mid_take_is_recovered_sealed(server, encrypted):
    generator = RampsInAChildProcess(server, 2)
    try:
        recording = Recording(encrypted, "--inputs", "1-2", "--duration", "60")
        generator.connect_to(RECORDER_PORTS)
        connected_at = generator.now()
        wait_for(lambda: generator.now() > connected_at + 3 * RATE, 30, "3 s recorded")
        os.kill(recording.process.pid, signal.SIGKILL)
        recording.process.wait(timeout=30)
        heard = generator.now() - connected_at
    finally:
        generator.close()
    with Studio.open(encrypted["MT_STUDIO_LIBRARY"]) as studio:
        studio.sign_in(ADMIN, ADMIN_PASS)
        (recovered,) = studio.recording.recover()
        assert studio.recording.recover() == []  # kept once
        take = studio.listening.take(recovered.take_id)
        assert take.status is TakeStatus.RECOVERED
        # at most about a second lost: the writer syncs each second, in whole sealed chunks
        assert heard - 1.5 * RATE <= take.frames <= heard + RATE // 2
        assert all(c.state is FileState.MATCHES
                   for c in studio.listening.verify(recovered.take_id))
        for channel, samples in enumerate(recorded(studio, recovered.take_id)):
            check_ramp(samples, channel)
    again = mt_studio(encrypted, "recover", "--json")
    assert again.returncode == 0 and again.stdout.strip() == "[]", again.stderr

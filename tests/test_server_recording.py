"""Recording on a service's shared library when its server goes away in the middle of a take:
the sound never waits for the database, and the take is kept (docs/architecture.md, "One
library for the service"). `mt-studio record` runs in a child process on the JACK rig."""

from __future__ import annotations

import pytest
from jack_rig import RampsInAChildProcess, wait_for
from recorder_rig import RATE, RECORDER_PORTS, Recording, check_ramp, mt_studio, start_server

from mt_studio.core.capture.part_check import FileState
from mt_studio.core.domain import TakeStatus
from mt_studio.core.studio import Studio
from mt_studio.core.studio.server_library import create
from mt_studio.core.waveform import TrackReader


@pytest.fixture
def jack():
    with start_server() as running:
        yield running


@pytest.fixture
def shared(jack, postgres_server, tmp_path) -> dict:
    """A shared library on the tests' PostgreSQL server with Ola and Kari (both may be
    recorded) in session 1, and the environment that reaches it and the rig."""
    address = postgres_server.new_database()
    create(address, tmp_path / "store")
    env = {**jack.env, "MT_STUDIO_LIBRARY": address, "MT_STUDIO_LOG_DIR": str(tmp_path / "logs"),
           "MT_STUDIO_PRESETS": str(tmp_path / "presets"),
           "MT_STUDIO_STATE_DIR": str(tmp_path / "state")}
    for args in (["participant", "add", "Ola"], ["participant", "add", "Kari"],
                 ["consent", "grant", "Ola", "record"], ["consent", "grant", "Kari", "record"],
                 ["session", "new", "Band", "--kind", "band", "--participants", "Ola,Kari"]):
        done = mt_studio(env, *args)
        assert done.returncode == 0, done.stderr
    return env


def test_a_take_whose_server_goes_away_mid_take_is_kept_whole(jack, shared, postgres_server):
    generator = RampsInAChildProcess(jack, 2)
    try:
        recording = Recording(shared, "--inputs", "1-2", "--duration", "6")
        generator.connect_to(RECORDER_PORTS)
        connected_at = generator.now()
        wait_for(lambda: generator.now() > connected_at + 2 * RATE, 30, "2 s recorded")
        postgres_server.stop()
        try:
            code, _result, err = recording.finish(timeout=60)
        finally:
            postgres_server.start()
    finally:
        generator.close()
    assert code != 0 and "Cannot reach the library's database" in err, err
    with Studio.open(shared["MT_STUDIO_LIBRARY"]) as studio:
        (recovered,) = studio.recording.recover()
        take = studio.listening.take(recovered.take_id)
        assert take.status is TakeStatus.RECOVERED
        assert take.frames >= 5 * RATE  # the sound went on while the server was away
        assert all(check.state is FileState.MATCHES
                   for check in studio.listening.verify(recovered.take_id))
        sound = studio.listening.sound(recovered.take_id)
        for channel, track in enumerate(sound.tracks):
            with TrackReader(track.files) as reader:
                check_ramp(reader.read(take.frames).copy(), channel)

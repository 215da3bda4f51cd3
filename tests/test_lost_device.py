"""The audio server goes away while a take plays or a loop records: each stops by itself, says
why, keeps what was played, and lets go in seconds. Each runs in a child process, as a lost
server can leave PortAudio in that process unusable."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import numpy as np
import soundfile as sf
from jack_rig import JackServer, port_names, wait_for

from mt_studio.core.domain import Purpose, SessionKind, TrackKind
from mt_studio.core.library import Library, consent_ledger, participants, sessions, takes

RATE = 48000
MT_STUDIO = str(Path(sys.executable).with_name("mt-studio"))


def library_with_a_take(folder: Path, seconds: float) -> tuple[int, int]:
    """A session with one consenting participant and a take of a quiet tone; their ids."""
    frames = int(seconds * RATE)
    with Library.open(folder) as library, library.transaction() as db:
        player = participants.add(db, "Kari")
        consent_ledger.grant(db, player, [Purpose.RECORD])
        session = sessions.create(db, "Band", SessionKind.BAND, on=date(2026, 12, 1),
                                  participants=[player])
        take_id = takes.start(db, session.id, RATE)
        track = takes.add_track(db, take_id, TrackKind.AUDIO, input=1)
        takes.add_part(db, track.id, 1, 0, frames, track.file)
        takes.finish(db, take_id, frames)
    (folder / track.file).parent.mkdir(parents=True)
    tone = 0.1 * np.sin(2 * np.pi * 220 * np.arange(frames) / RATE)
    sf.write(folder / track.file, tone, RATE, subtype="FLOAT")
    return session.id, take_id


def env_for(server: JackServer, tmp_path: Path) -> dict:
    return {**server.env, "MT_STUDIO_LIBRARY": str(tmp_path / "library"),
            "MT_STUDIO_LOG_DIR": str(tmp_path / "logs"),
            "MT_STUDIO_CONFIG_DIR": str(tmp_path / "config")}


def test_a_take_playing_when_the_server_goes_stops_with_a_device_error(tmp_path):
    with JackServer(samplerate=RATE, period=256, inputs=2, outputs=2) as server:
        _session, take_id = library_with_a_take(tmp_path / "library", seconds=60)
        playing = subprocess.Popen([MT_STUDIO, "play", str(take_id), "--device", "system"],
                                   env=env_for(server, tmp_path), stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        watcher = server.client("mt-test-watcher")
        try:
            wait_for(lambda: port_names(watcher, "PortAudio.*:out_"), 30, "the player's ports")
            started = watcher.frame_time
            wait_for(lambda: watcher.frame_time > started + RATE // 2, 30, "half a second")
        finally:
            watcher.close()
        server.kill()
        out, err = playing.communicate(timeout=30)  # not the minute the take lasts
    assert playing.returncode == 4, err
    assert "audio output stopped" in err


LOOPER = textwrap.dedent("""
    import json, sys, time
    from mt_studio.core.looper import Player
    from mt_studio.core.studio import Studio

    folder, session_id = sys.argv[1], int(sys.argv[2])
    with Studio.open(folder) as studio:
        looper = studio.recording.looper(session_id, "system", 48000, inputs=1)
        looper.start()
        looper.record_loop(Player(1, (1,), isolated=True))  # free: the person plays on
        print("recording", flush=True)
        while looper.problem is None:
            time.sleep(0.05)  # the child's own pacing while the parent kills the server
        looper.stop()  # a stop that hung would run into the parent's timeout
        print(json.dumps({"problem": looper.problem, "layers": len(looper.layers()),
                          "take": looper.take_id}), flush=True)
""")


def test_a_loop_recording_when_the_server_goes_keeps_what_was_played(tmp_path):
    with JackServer(samplerate=RATE, period=256, inputs=2, outputs=2) as server:
        session_id, _take = library_with_a_take(tmp_path / "library", seconds=1)
        looping = subprocess.Popen(
            [sys.executable, "-c", LOOPER, str(tmp_path / "library"), str(session_id)],
            env=env_for(server, tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True)
        assert looping.stdout.readline().strip() == "recording"
        watcher = server.client("mt-test-watcher")
        try:
            started = watcher.frame_time
            wait_for(lambda: watcher.frame_time > started + RATE, 30, "a second played")
        finally:
            watcher.close()
        server.kill()
        out, err = looping.communicate(timeout=30)
    assert looping.returncode == 0, err
    result = json.loads(out.strip().splitlines()[-1])
    assert "stopped" in result["problem"]
    assert result["layers"] == 1  # what was played is kept
    with Library.open(tmp_path / "library") as library:
        take = takes.get(library.connection, result["take"])
        assert take.frames >= RATE // 2
        assert sf.info(library.folder / take.tracks[0].file).frames == take.frames

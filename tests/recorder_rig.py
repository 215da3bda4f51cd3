"""The recorder on the rig: `mt-studio record` in a child process against a JACK server (see
jack_rig), a library to record into, and exact checks of what it wrote.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import soundfile as sf
from conftest import without_notice
from jack_rig import JackServer, ramp_start, ramp_values

RATE, PERIOD = 48000, 128
RECORDER_PORTS = "PortAudio.*:in_"
MT_STUDIO = str(Path(sys.executable).with_name("mt-studio"))


def start_server(**options) -> JackServer:
    """A JACK server; synchronous unless asked otherwise, so that the Python signal
    generator's lateness under load can never reorder the graph and shift its signal, and
    realtime (where the system allows it), so that the faults a test makes are the only ones."""
    options = {"synchronous": True, "realtime": True, **options}
    return JackServer(samplerate=RATE, period=PERIOD, inputs=8, **options)


def make_studio(server: JackServer, folder: Path) -> dict:
    """A library in FOLDER with Ola and Kari (both may be recorded) and Nils (not) in session 1;
    returns the environment that reaches it and the server."""
    env = {**server.env, "MT_STUDIO_LIBRARY": str(folder / "library"),
           "MT_STUDIO_LOG_DIR": str(folder / "logs"),
           "MT_STUDIO_PRESETS": str(folder / "presets")}
    for args in (["participant", "add", "Ola"], ["participant", "add", "Kari"],
                 ["participant", "add", "Nils"],
                 ["consent", "grant", "Ola", "record"], ["consent", "grant", "Kari", "record"],
                 ["session", "new", "Band", "--kind", "band", "--participants", "Ola,Kari"]):
        subprocess.run([MT_STUDIO, *args], env=env, check=True, capture_output=True, timeout=60)
    return env


class Recording:
    """`mt-studio record` running in a child process."""

    def __init__(self, env: dict, *args: str, preexec=None) -> None:
        self.process = subprocess.Popen(
            [MT_STUDIO, "record", "1", "--device", "system", "--json", *args],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            preexec_fn=preexec)

    def finish(self, timeout: float = 60) -> tuple[int, dict | None, str]:
        out, err = self.process.communicate(timeout=timeout)
        return self.process.returncode, json.loads(out) if out.strip() else None, without_notice(
            err)


def mt_studio(env: dict, *args: str) -> subprocess.CompletedProcess:
    """Run one command against the rig's library (stderr without the line saying that the
    library has no accounts)."""
    done = subprocess.run([MT_STUDIO, *args], env=env, capture_output=True, text=True,
                          timeout=60)
    done.stderr = without_notice(done.stderr)
    return done


def read(path: str | Path) -> np.ndarray:
    """A recorded file's samples, asserting its rate."""
    data, rate = sf.read(path, dtype="float32", always_2d=False)
    assert rate == RATE
    return data


def check_ramp(samples: np.ndarray, channel: int) -> int:
    """Assert SAMPLES are silence (before the generator was connected) then an unbroken ramp:
    every sample exact, none lost, repeated or filled with silence.

    Returns the server frame (mod 65536) at which the file begins.
    """
    offset = channel * 4099
    nonzero = np.flatnonzero(samples)
    assert len(nonzero), "the recording is silent"
    begin = int(nonzero[0])
    assert not samples[:begin].any()
    piece = samples[begin:]
    n0 = ramp_start(float(piece[0]), offset)
    expected = ramp_values(np.arange(n0, n0 + len(piece)), offset)
    wrong = np.flatnonzero(piece != expected)
    if len(wrong):
        at = wrong[0]
        jump = (round((float(piece[at]) + 0.5) * 65536)
                - round((float(expected[at]) + 0.5) * 65536)) % 65536
        raise AssertionError(f"ramp broken at sample {begin + at}: {len(wrong)} samples "
                             f"differ, the first {jump} frames ahead")
    return (n0 - begin) % 65536

"""The round trip of a device, measured through a loopback and kept per device and sample rate.

A sound played at frame p of a duplex stream comes back in its recording at frame p + round
trip: the cable or the air, and whatever PortAudio's reported converter latencies leave out or
count twice (so it may be negative: on JACK a client's own output reaches its input one period
later, while PortAudio accounts for more).
Measured once with the output wired (or held) to the input, it lets the looper line up what a
participant plays along with what they heard (`latency.json` in the config folder).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from mt_studio.core.duplex import DuplexStream
from mt_studio.core.durable_files import replaced_atomically
from mt_studio.core.errors import DeviceError
from mt_studio.core.preferences import config_folder
from mt_studio.i18n import _

log = logging.getLogger(__name__)

FILE_NAME = "latency.json"
CLICKS = 8
SPACING_SECONDS = 0.25
MAX_ROUND_TRIP_SECONDS = 0.1  # either way; the clicks are further apart than twice this


def probe_signal(samplerate: int) -> tuple[np.ndarray, list[int]]:
    """The probe: CLICKS short clicks SPACING apart after a silent lead-in; their frames."""
    spacing = int(SPACING_SECONDS * samplerate)
    frames = [spacing * (k + 1) for k in range(CLICKS)]
    signal = np.zeros(spacing * (CLICKS + 2), dtype=np.float32)
    for at in frames:
        signal[at:at + len(CLICK)] = CLICK
    return signal, frames


# A short click with no DC: a Hann-windowed burst of three cycles.
CLICK = (0.5 * np.hanning(32) * np.sin(np.linspace(0, 6 * np.pi, 32))).astype(np.float32)


def find_round_trip(played: np.ndarray, recorded: np.ndarray, samplerate: int) -> int:
    """Frames by which RECORDED lags PLAYED (the probe); DeviceError when the probe was not
    heard back clearly (no loopback) or its clicks came back at different delays."""
    limit = int(MAX_ROUND_TRIP_SECONDS * samplerate)
    _signal, clicks = probe_signal(samplerate)
    lags = []
    for at in clicks:
        window = recorded[max(0, at - limit):at + limit + len(CLICK)]
        if len(window) < 2 * limit + len(CLICK):
            break
        correlation = np.correlate(window, CLICK, mode="valid")
        lag = int(np.argmax(correlation)) - limit
        if correlation[lag + limit] < 0.5 * float(CLICK @ CLICK):  # not half the click came back
            raise DeviceError(_("The test clicks did not come back: connect an output to an "
                                "input with a cable (or hold the microphone to a speaker) and "
                                "try again."))
        lags.append(lag)
    if not lags:
        raise DeviceError(_("The measurement stopped before it was done."))
    if max(lags) - min(lags) > 1:
        raise DeviceError(_("The test clicks came back at different delays ({low} to {high} "
                            "frames); check the cable and that nothing else plays, and try "
                            "again.").format(low=min(lags), high=max(lags)))
    return int(np.median(lags))


def measure_round_trip(device: str, samplerate: int, output: int = 1, input: int = 1,
                       cancelled: Callable[[], bool] = lambda: False) -> int:
    """Play the probe on OUTPUT (1-based) of DEVICE and record INPUT; the round trip in frames."""
    played, _clicks = probe_signal(samplerate)
    stream = DuplexStream(device, samplerate, inputs=input, outputs=max(2, output))
    stream.open()
    recorded = np.zeros(len(played) + int(MAX_ROUND_TRIP_SECONDS * samplerate), np.float32)
    try:
        stream.wait_until_started()
        lead = stream.prefilled  # silence played before the probe
        written = got = 0
        while got < len(recorded):
            if cancelled() or stream.lost():
                raise DeviceError(_("The measurement stopped before it was done."))
            room = stream.played.write_available
            if room:
                block = np.zeros((room, stream.outputs), dtype=np.float32)
                piece = played[written:written + room]
                block[:len(piece), output - 1] = piece
                stream.played.write(block)
                written += room
            available = stream.recorded.read_available
            if available:
                frames = np.frombuffer(stream.recorded.read(available), np.float32)
                frames = frames.reshape(-1, stream.inputs)[:, input - 1]
                take = frames[lead:] if lead else frames
                lead = max(0, lead - len(frames))
                take = take[:len(recorded) - got]
                recorded[got:got + len(take)] = take
                got += len(take)
            time.sleep(0.01)  # the rings hold far more than a tick's worth
    finally:
        stream.close()
    return find_round_trip(played, recorded, samplerate)


def saved_round_trip(device: str, samplerate: int, folder: Path | None = None) -> int | None:
    """The round trip measured earlier for DEVICE at SAMPLERATE, if any."""
    entry = _load(folder).get(_key(device, samplerate))
    return int(entry["frames"]) if isinstance(entry, dict) and "frames" in entry else None


def save_round_trip(device: str, samplerate: int, frames: int, folder: Path | None = None) -> None:
    """Keep FRAMES as DEVICE's round trip at SAMPLERATE (written atomically)."""
    folder = folder or config_folder()
    saved = _load(folder)
    saved[_key(device, samplerate)] = {"frames": int(frames),
                                       "measured": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    with replaced_atomically(folder / FILE_NAME) as file:
        file.write(json.dumps(saved, indent=2, sort_keys=True).encode("utf-8"))


def _key(device: str, samplerate: int) -> str:
    return f"{device.strip().casefold()}@{samplerate}"


def _load(folder: Path | None) -> dict:
    path = (folder or config_folder()) / FILE_NAME
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        log.warning("ignoring unreadable round trips %s: %s", path, error)
        return {}
    return saved if isinstance(saved, dict) else {}

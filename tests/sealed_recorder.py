"""The capture engine in a child process of its own against the rig's JACK server (see
jack_rig), given a take key as the studio gives one, so that it can be killed like the real
thing; `mt-studio record` cannot be given a key of the test's.

Run as a script, it records the take its one JSON argument describes (`SealedRecording`
writes it) and says "recording" once the device and the MIDI port are open; with a duration
it then finishes the take and prints what was captured as JSON, else it records until killed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from dataclasses import asdict
from pathlib import Path

from jack_rig import JackServer

PORTS = "PortAudio.*:in_"
MIDI_BACKEND = "mido.backends.rtmidi/UNIX_JACK"
REPO = Path(__file__).resolve().parent.parent


class SealedRecording:
    """A child process recording TRACKS ((track id, library-relative file) pairs, inputs 1,
    2, ... in order) of take TAKE_ID into LIBRARY, sealed under KEY (None: plain files)."""

    def __init__(self, server: JackServer, library: Path, take_id: int,
                 tracks: list[tuple[int, str]], key: bytes | None, *,
                 sample_format: str = "pcm24", seconds: float | None = None,
                 midi: tuple[str, str] | None = None, split_bytes: int | None = None) -> None:
        job = {"library": str(library), "take_id": take_id, "tracks": tracks,
               "key": key.hex() if key is not None else None, "format": sample_format,
               "seconds": seconds, "midi": midi, "split_bytes": split_bytes}
        self.process = subprocess.Popen(
            [sys.executable, __file__, json.dumps(job)],
            # this checkout's mt_studio, whichever the virtualenv was installed from
            env={**server.env, "MIDO_BACKEND": MIDI_BACKEND, "PYTHONPATH": str(REPO)},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def started(self, timeout: float = 30) -> None:
        """Wait until it records; RuntimeError with what it said if it could not start."""
        line: list[str] = []
        reader = threading.Thread(target=lambda: line.append(self.process.stdout.readline()),
                                  daemon=True)
        reader.start()
        reader.join(timeout)
        if not line or line[0].strip() != "recording":
            self.process.kill()
            raise RuntimeError(f"the recorder did not start: {self.process.stderr.read()}")

    def finish(self, timeout: float = 60) -> dict:
        """What a recording with a duration captured, once it has finished."""
        out, err = self.process.communicate(timeout=timeout)
        assert self.process.returncode == 0, err
        return json.loads(out)

    def kill(self) -> None:
        """SIGKILL it, as a crash would end it, and wait for it to be gone."""
        self.process.kill()
        self.process.communicate(timeout=30)


def _record(job: dict) -> None:
    from mt_studio.core.capture import devices
    from mt_studio.core.capture.audio_capture import CaptureSettings
    from mt_studio.core.capture.midi_capture import find_midi_input
    from mt_studio.core.capture.take_capture import TakeCapture
    from mt_studio.core.capture.take_files import TrackTarget
    from mt_studio.core.capture.wav_stream import MAX_DATA_BYTES, SampleFormat

    rate = 48000
    device = devices.find_audio_input("system")
    tracks = [TrackTarget(track_id, column, file)
              for column, (track_id, file) in enumerate(job["tracks"])]
    seconds = job["seconds"]
    settings = CaptureSettings(device.index, tuple(range(1, len(tracks) + 1)), rate,
                               device.hostapi,
                               duration_frames=round(seconds * rate) if seconds else None)
    midi_port = midi_file = None
    if job["midi"]:
        port, midi_file = job["midi"]
        midi_port = find_midi_input(port)
    take_id = job["take_id"]
    engine = TakeCapture(Path(job["library"]), f"audio/take-{take_id}", tracks, settings,
                         SampleFormat(job["format"]), job["split_bytes"] or MAX_DATA_BYTES,
                         midi_port=midi_port, midi_file=midi_file,
                         file_key=bytes.fromhex(job["key"]) if job["key"] else None,
                         take_id=take_id)
    engine.open()
    engine.start()
    print("recording", flush=True)
    engine.wait()  # the duration, or until killed
    engine.stop()
    captured = engine.finish()
    engine.release()
    print(json.dumps({"frames": captured.frames, "stop_reason": captured.stop_reason.value,
                      "dropouts": len(captured.dropouts), "midi_sha256": captured.midi_sha256,
                      "parts": [asdict(part) for part in captured.parts]}), flush=True)


if __name__ == "__main__":
    _record(json.loads(sys.argv[1]))

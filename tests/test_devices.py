"""Devices: finding audio inputs by name, and `mt-studio devices` against a real JACK server.

The command runs in a child process so that PortAudio starts fresh and sees only the server
that the test started (JACK_DEFAULT_SERVER). These tests expect a machine whose only audio
device is that server, as in CI containers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import mido
import pytest
from jack_rig import JackServer

from mt_studio.core.capture import devices
from mt_studio.core.capture.devices import AudioInputDevice, find_audio_input, match_device
from mt_studio.core.errors import DeviceError, InputError

MIDO_JACK = "mido.backends.rtmidi/UNIX_JACK"

HIDE_PORTAUDIO = """\
import ctypes.util

_find_library = ctypes.util.find_library


def find_library(name):
    # sounddevice finds libportaudio through find_library: this machine now has none.
    return None if "portaudio" in name else _find_library(name)


ctypes.util.find_library = find_library
"""


def without_portaudio(env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """ENV for a child process that cannot find the PortAudio library."""
    hide = tmp_path / "no-portaudio"
    hide.mkdir(exist_ok=True)
    (hide / "sitecustomize.py").write_text(HIDE_PORTAUDIO)
    pythonpath = os.pathsep.join(p for p in (str(hide), env.get("PYTHONPATH")) if p)
    return {**env, "PYTHONPATH": pythonpath}


def run_devices(env: dict[str, str], tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """`mt-studio devices ARGS` in a child process with ENV, MIDI through JACK."""
    script = Path(sys.executable).with_name("mt-studio")
    env = {**env, "MT_STUDIO_LOG_DIR": str(tmp_path / "logs"), "MIDO_BACKEND": MIDO_JACK}
    return subprocess.run([str(script), "devices", *args], capture_output=True, text=True,
                          timeout=60, env=env)


def system_device(listed: dict) -> dict:
    """The JACK `system` device in `devices --json` output."""
    matches = [d for d in listed["audio"] if d["name"] == "system"]
    assert len(matches) == 1, listed
    return matches[0]


@pytest.fixture
def server() -> Iterator[JackServer]:
    """A JACK dummy server with 8 inputs at 48 kHz."""
    with JackServer(samplerate=48000, inputs=8) as started:
        yield started


@pytest.fixture
def keyboard(server: JackServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A virtual MIDI keyboard: a JACK MIDI output port named `keyboard` on SERVER."""
    monkeypatch.setenv("JACK_DEFAULT_SERVER", server.name)
    monkeypatch.setenv("JACK_NO_START_SERVER", "1")
    port = mido.Backend(MIDO_JACK, load=True).open_output("keyboard", virtual=True)
    try:
        yield "keyboard"
    finally:
        port.close()


def test_lists_the_jack_system_device_and_a_midi_keyboard(server, keyboard, tmp_path):
    result = run_devices(server.env, tmp_path, "--json")
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    system = system_device(listed)
    assert system["inputs"] == 8
    assert "JACK" in system["hostapi"]
    assert system["default_samplerate"] == 48000
    assert isinstance(system["index"], int)
    assert any(port.endswith(f":{keyboard}") for port in listed["midi"]), listed["midi"]
    assert listed["problems"] == []
    assert result.stderr == ""


def test_text_output_is_an_aligned_table(server, keyboard, tmp_path):
    result = run_devices(server.env, tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    header = next(line for line in lines if line.startswith("Index"))
    row = next(line for line in lines if " system " in line)
    for column, value in (("Host API", "JACK"), ("Inputs", "8"), ("Default rate", "48000 Hz")):
        assert row.index(value) == header.index(column), (header, row)
    assert "MIDI inputs" in lines
    assert any(line.endswith(f":{keyboard}") for line in lines)


def test_counts_every_input_of_a_32_input_interface(tmp_path):
    with JackServer(samplerate=96000, inputs=32) as server:
        result = run_devices(server.env, tmp_path, "--json")
    assert result.returncode == 0, result.stderr
    system = system_device(json.loads(result.stdout))
    assert system["inputs"] == 32
    assert system["default_samplerate"] == 96000


def test_no_audio_server_is_one_clear_line_and_exit_4(tmp_path):
    env = {**os.environ, "JACK_DEFAULT_SERVER": f"mt-test-absent-{uuid.uuid4().hex[:8]}",
           "JACK_NO_START_SERVER": "1"}
    result = run_devices(env, tmp_path, "--json")
    assert result.returncode == 4
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("mt-studio: No audio input device"), result.stderr
    assert "audio server" in result.stderr
    listed = json.loads(result.stdout)
    assert listed["audio"] == [] and listed["midi"] == []
    assert len(listed["problems"]) == 1


def test_missing_portaudio_is_a_clear_message_and_midi_still_lists(server, keyboard, tmp_path):
    result = run_devices(without_portaudio(server.env, tmp_path), tmp_path, "--json")
    assert result.returncode == 4
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert "PortAudio" in result.stderr and "libportaudio2" in result.stderr
    listed = json.loads(result.stdout)
    assert listed["audio"] == []
    assert any(port.endswith(f":{keyboard}") for port in listed["midi"]), listed["midi"]


def test_refresh_finds_a_server_started_after_portaudio(monkeypatch):
    monkeypatch.setenv("JACK_NO_START_SERVER", "1")
    monkeypatch.setenv("JACK_DEFAULT_SERVER", f"mt-test-absent-{uuid.uuid4().hex[:8]}")
    devices.refresh()
    assert not any(d.name == "system" for d in devices.audio_input_devices())
    with JackServer(samplerate=48000, inputs=8) as server:
        monkeypatch.setenv("JACK_DEFAULT_SERVER", server.name)
        try:
            devices.refresh()
            found = find_audio_input("SYSTEM")
        finally:
            # Let PortAudio's JACK client go before the server does.
            monkeypatch.setenv("JACK_DEFAULT_SERVER", f"mt-test-absent-{uuid.uuid4().hex[:8]}")
            devices.refresh()
    assert (found.name, found.inputs, found.default_samplerate) == ("system", 8, 48000)
    assert "JACK" in found.hostapi


def device(index: int, name: str) -> AudioInputDevice:
    return AudioInputDevice(index, name, "ALSA", 2, 48000.0)


USB = [device(0, "USB Audio"), device(1, "USB Audio CODEC"), device(2, "Scarlett 18i20 USB")]


def test_an_exact_name_wins_over_longer_names_containing_it():
    assert match_device("usb audio", USB).index == 0


def test_a_part_of_the_name_in_any_case_is_enough():
    assert match_device("scarlett", USB).index == 2
    assert match_device(" codec ", USB).index == 1


def test_an_unknown_name_is_named_with_what_is_available():
    with pytest.raises(DeviceError) as raised:
        match_device("Behringer", USB)
    message = str(raised.value)
    assert "'Behringer'" in message
    assert all(f"'{d.name}'" in message for d in USB)
    assert raised.value.exit_code == 4


def test_an_ambiguous_name_lists_the_candidates():
    with pytest.raises(DeviceError) as raised:
        match_device("usb", USB)
    message = str(raised.value)
    assert "several" in message
    assert all(f"'{d.name}'" in message for d in USB)


def test_no_device_at_all_says_so_with_a_hint():
    with pytest.raises(DeviceError, match="No audio input device was found.*plugged in"):
        match_device("system", [])


def test_a_blank_name_is_bad_input():
    with pytest.raises(InputError):
        match_device("  ", USB)


def test_the_device_modules_load_without_portaudio(tmp_path):
    check = ("import sys, mt_studio.cli.device_commands; "
             "print('sounddevice' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True,
                            timeout=60, env=without_portaudio(dict(os.environ), tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"

"""The level monitor on a real device (a JACK dummy server) and a virtual MIDI keyboard on it."""

from __future__ import annotations

import mido
import pytest
from jack_rig import JackServer, SignalGenerator, port_names, seen_by_portaudio, sine, wait_for

from mt_studio.core.capture.input_monitor import InputMonitor, MonitorSettings
from mt_studio.core.capture.meters import SILENCE_DBFS
from mt_studio.core.errors import DeviceError

RATE = 48000
JACK_MIDI = "mido.backends.rtmidi/UNIX_JACK"
MONITOR_PORTS = "PortAudio.*:in_"


@pytest.fixture
def device(monkeypatch: pytest.MonkeyPatch):
    """A JACK server seen by PortAudio as "system", with MIDI through the same server."""
    with (JackServer(samplerate=RATE, period=128, inputs=4, synchronous=True) as server,
          seen_by_portaudio(server)):
        monkeypatch.setenv("JACK_DEFAULT_SERVER", server.name)
        yield server


def test_a_tone_on_input_3_shows_on_input_3_alone_and_a_note_is_counted(device):
    keyboard = mido.Backend(JACK_MIDI).open_output("keyboard", virtual=True)
    watcher = device.client("mt-test-watch")
    monitor = InputMonitor(MonitorSettings("system", 4, RATE, midi="RtMidiOut Client:keyboard",
                                           midi_backend=JACK_MIDI))
    generator = None
    try:
        monitor.start()
        assert monitor.is_open and not monitor.midi_problem
        # Made after: a JACK client opened while this one's Python callback waits for the
        # interpreter stalls (rtmidi's open holds it); an interface's own clock never does.
        generator = SignalGenerator(device, [sine(1000, RATE, 0.5)])
        ports = sorted(port_names(watcher, MONITOR_PORTS, is_input=True))
        assert len(ports) == 4
        generator.client.connect(generator.ports[0], ports[2])
        # The first reading may cover a moment before the cable was in: wait for a whole one.
        wait_for(lambda: monitor.meters.latest()[2].rms_dbfs > -9.2, 10, "the tone's level")
        readings = monitor.meters.latest()
        assert -6.2 < readings[2].peak_dbfs < -5.8  # a sine of 0.5: -6.02 dBFS
        assert -9.2 < readings[2].rms_dbfs < -8.8  # and 3 dB less as RMS
        assert not readings[2].clipped
        assert [r.peak_dbfs for i, r in enumerate(readings) if i != 2] == [SILENCE_DBFS] * 3

        wait_for(lambda: watcher.get_all_connections("RtMidiOut Client:keyboard"), 5,
                 "the monitor's MIDI connection")
        keyboard.send(mido.Message("clock"))  # timing, not playing: not counted
        keyboard.send(mido.Message("note_on", note=60, velocity=90))
        keyboard.send(mido.Message("control_change", control=64, value=127))
        wait_for(lambda: monitor.midi_messages == 2, 5, "the note and the pedal")

        monitor.stop()
        assert not monitor.is_open
        assert not port_names(watcher, MONITOR_PORTS)
        assert not watcher.get_all_connections("RtMidiOut Client:keyboard")
    finally:
        monitor.stop()
        if generator is not None:
            generator.close()
        keyboard.close()
        watcher.close()


def test_a_monitor_stopped_before_it_starts_opens_nothing_and_a_bad_device_is_said(device):
    monitor = InputMonitor(MonitorSettings("system", 4, RATE))
    monitor.stop()
    monitor.start()
    assert not monitor.is_open

    missing = InputMonitor(MonitorSettings("no such interface", 2, RATE))
    with pytest.raises(DeviceError, match="no such interface"):
        missing.start()
    assert "no such interface" in missing.problem and not missing.is_open
    missing.stop()

"""Levels and the MIDI light before a take, on the Inputs and Record tabs of a session, from a
real device (a JACK dummy server) and a virtual MIDI keyboard on it."""

from __future__ import annotations

from datetime import date

import mido
import pytest
import soundfile as sf
from jack_rig import JackServer, SignalGenerator, port_names, seen_by_portaudio, sine

from mt_studio.core.capture.meters import SILENCE_DBFS
from mt_studio.core.domain import Purpose, SessionKind
from mt_studio.core.library import consent_ledger, participants, sessions, takes
from mt_studio.core.library.sessions import SessionInput
from tests.conftest import studio_of

RATE = 48000
JACK_MIDI = "mido.backends.rtmidi/UNIX_JACK"
KEYBOARD = "RtMidiOut Client:keyboard"
PORTAUDIO_INPUTS = "PortAudio.*:in_"
OPEN_MS = 15000


@pytest.fixture
def rig(monkeypatch: pytest.MonkeyPatch):
    """A 4-input JACK server that PortAudio sees as "system", and a MIDI keyboard on it."""
    monkeypatch.setenv("MIDO_BACKEND", JACK_MIDI)
    with (JackServer(samplerate=RATE, period=128, inputs=4, synchronous=True) as server,
          seen_by_portaudio(server)):
        keyboard = mido.Backend(JACK_MIDI).open_output("keyboard", virtual=True)
        watcher = server.client("mt-test-watch")
        try:
            yield server, keyboard, watcher
        finally:
            watcher.close()
            keyboard.close()


def files_in(folder):
    return sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file())


def input_ports(watcher) -> list[str]:
    """PortAudio's input ports, in order: the open stream's inputs 1, 2, …"""
    return sorted(port_names(watcher, PORTAUDIO_INPUTS, is_input=True),
                  key=lambda name: int(name.rsplit("_", 1)[1]))


def test_levels_show_before_recording_and_the_device_is_let_go_for_a_take(
        qtbot, library, rig):
    from mt_studio.ui.session_view import SessionView

    server, keyboard, watcher = rig
    db = library.connection
    ola = participants.add(db, "Ola")
    consent_ledger.grant(db, ola, [Purpose.RECORD])
    session = sessions.create(
        db, "Band", SessionKind.BAND, on=date(2026, 11, 3), participants=[ola],
        inputs=[SessionInput(1, "Vocal"), SessionInput(2, "Keys"), SessionInput(3, "Guitar"),
                SessionInput(4, "Bass")])
    before = files_in(library.folder)
    view = SessionView(studio_of(library))
    qtbot.addWidget(view)
    view.show_session(session.id)
    view.show()
    qtbot.waitExposed(view)
    inputs, record, levels = view.inputs, view.record, view.levels
    qtbot.waitUntil(lambda: inputs.device.findData("system") >= 0, timeout=OPEN_MS)
    inputs.device.setCurrentIndex(inputs.device.findData("system"))
    inputs.midi.setCurrentIndex(inputs.midi.findData(KEYBOARD))
    qtbot.waitUntil(lambda: not levels._check_soon.isActive())
    assert levels.monitor is None and not input_ports(watcher)  # the consent board shows

    generator = None
    try:
        view.setCurrentWidget(inputs)
        qtbot.waitUntil(lambda: levels.monitor is not None and levels.monitor.is_open,
                        timeout=OPEN_MS)
        monitor = levels.monitor
        assert len(input_ports(watcher)) == 4  # one stream: every input of the device
        qtbot.waitUntil(lambda: bool(watcher.get_all_connections(KEYBOARD)), timeout=OPEN_MS)
        keyboard.send(mido.Message("note_on", note=60, velocity=90))
        qtbot.waitUntil(lambda: inputs.midi_light.lit)
        view.setCurrentWidget(record)
        keyboard.send(mido.Message("control_change", control=64, value=127))
        qtbot.waitUntil(lambda: record.midi_light.lit)
        assert levels.monitor is monitor  # the same stream for both tabs

        # Without the keyboard from here: a JACK client opened while a Python one runs in
        # this process (the tone generator) stalls, as rtmidi holds the interpreter meanwhile.
        inputs.midi.setCurrentIndex(inputs.midi.findData(""))
        qtbot.waitUntil(lambda: levels.monitor is not monitor and levels.monitor.is_open,
                        timeout=OPEN_MS)
        assert not monitor.is_open and not watcher.get_all_connections(KEYBOARD)
        generator = SignalGenerator(server, [sine(1000, RATE, 0.5)])
        generator.client.connect(generator.ports[0], input_ports(watcher)[2])
        qtbot.waitUntil(lambda: record.meters.level(2)[1] > -9.2, timeout=OPEN_MS)
        assert record.record_button.isEnabled(), record.reason.text()
        assert record.meters.labels() == ["1 Vocal", "2 Keys", "3 Guitar", "4 Bass"]
        assert -6.2 < record.meters.level(2)[0] < -5.8
        assert [record.meters.level(i)[0] for i in (0, 1, 3)] == [SILENCE_DBFS] * 3
        view.setCurrentWidget(inputs)
        qtbot.waitUntil(lambda: inputs.row(3).level.level(0)[1] > -9.2)
        peak, rms = inputs.row(3).level.level(0)
        assert -6.2 < peak < -5.8 and -9.2 < rms < -8.8  # a sine of 0.5
        assert [inputs.row(n).level.level(0)[0] for n in (1, 2, 4)] == [SILENCE_DBFS] * 3
        assert files_in(library.folder) == before  # nothing recorded, nothing written
        assert takes.for_session(db, session.id) == []

        view.setCurrentWidget(view.takes)
        qtbot.waitUntil(lambda: levels.monitor is None)
        assert not input_ports(watcher)  # the stream is closed

        view.setCurrentWidget(record)
        qtbot.waitUntil(lambda: levels.monitor is not None and levels.monitor.is_open,
                        timeout=OPEN_MS)
        with qtbot.waitSignal(record.recording_changed, timeout=OPEN_MS):
            record.record_button.click()
        assert levels.monitor is None
        ports = input_ports(watcher)
        assert len(ports) == 4  # the take's stream alone: the monitor let go first
        generator.client.connect(generator.ports[0], ports[2])
        qtbot.waitUntil(lambda: record.meters.level(2)[1] > -9.2, timeout=OPEN_MS)
        qtbot.waitUntil(lambda: record.recording.capture.frames > RATE // 2, timeout=OPEN_MS)
        with qtbot.waitSignal(record.take_recorded, timeout=OPEN_MS) as recorded:
            record.record_button.click()
        qtbot.waitUntil(lambda: levels.monitor is not None and levels.monitor.is_open,
                        timeout=OPEN_MS)  # and after Stop, the levels come back
    finally:
        if record.is_recording:
            record.stop_recording()
        view.release()  # as the window does when it closes
        if generator is not None:
            generator.close()
    assert levels.monitor is None and not input_ports(watcher)

    take = takes.get(db, recorded.args[0])
    guitar = next(t for t in take.tracks if t.input == 3)
    vocal = next(t for t in take.tracks if t.input == 1)
    tone, _rate = sf.read(library.folder / guitar.file, dtype="float32")
    silence, _rate = sf.read(library.folder / vocal.file, dtype="float32")
    assert 0.49 < abs(tone).max() < 0.51 and not silence.any()


def test_a_device_that_refuses_the_sample_rate_is_said_and_levels_come_once_it_fits(
        qtbot, library, rig):
    from mt_studio.ui.session_view import SessionView

    _server, _keyboard, watcher = rig
    session = sessions.create(library.connection, "Choir", SessionKind.CHOIR,
                              on=date(2026, 11, 3))
    view = SessionView(studio_of(library))
    qtbot.addWidget(view)
    view.show_session(session.id)
    view.setCurrentWidget(view.inputs)
    view.show()
    inputs, levels = view.inputs, view.levels
    qtbot.waitUntil(lambda: inputs.device.findData("system") >= 0, timeout=OPEN_MS)
    try:
        inputs.device.setCurrentIndex(inputs.device.findData("system"))
        inputs.samplerate.setCurrentIndex(inputs.samplerate.findData(44100))  # JACK runs 48 kHz
        qtbot.waitUntil(lambda: inputs.level_note.isVisible(), timeout=OPEN_MS)
        assert inputs.level_note.text().startswith("Levels cannot be shown: The audio device "
                                                   "could not be opened")
        assert not input_ports(watcher)
        inputs.samplerate.setCurrentIndex(inputs.samplerate.findData(RATE))
        qtbot.waitUntil(lambda: levels.monitor is not None and levels.monitor.is_open,
                        timeout=OPEN_MS)
        assert not inputs.level_note.isVisible()
    finally:
        view.release()


def test_the_midi_light_lights_for_a_message_that_came_before_its_first_look(qtbot):
    from mt_studio.ui.common.activity_light import GLOW_SECONDS, ActivityLight

    light = ActivityLight("Heard")
    qtbot.addWidget(light)
    light.show_count(1, now=100.0)  # a note in the first moment after the port opened
    assert light.lit
    light.show_count(1, now=100.0 + GLOW_SECONDS + 0.01)
    assert not light.lit
    light.reset()  # a new source: its first message lights it again
    light.show_count(1, now=200.0)
    assert light.lit

"""A session's set-up and a take's listening belong to them: they come back after another
session was open, and after the studio was closed and opened again. One click opens a session.

The audio interface is a JACK server with 8 inputs that PortAudio sees as "system", and the
MIDI keyboard a virtual port on it, as a therapist's would be listed.
"""

from __future__ import annotations

from datetime import date

import mido
import numpy as np
import pytest
import soundfile as sf
from jack_rig import JackServer, seen_by_portaudio
from PyQt6.QtCore import Qt

from mt_studio.core.capture.midi_capture import midi_input_ports
from mt_studio.core.domain import Purpose, SessionKind, TrackKind
from mt_studio.core.library import Library, consent_ledger, participants, sessions, takes
from mt_studio.core.library.sessions import SessionInput
from mt_studio.ui.common.error_reporter import ErrorReporter
from tests.conftest import studio_of

RATE = 48000
JACK_MIDI = "mido.backends.rtmidi/UNIX_JACK"
SCAN_TIMEOUT_MS = 20000


@pytest.fixture
def windows():
    """The windows a test opens; each lets go of its audio streams when the test ends."""
    opened = []
    yield opened
    for window in opened:
        if window.session_view is not None:
            window.session_view.release()


@pytest.fixture
def studio(monkeypatch, windows):
    """An 8-input interface and a MIDI keyboard; the keyboard's port name."""
    with (JackServer(samplerate=RATE, period=256, inputs=8, outputs=2) as server,
          seen_by_portaudio(server)):
        monkeypatch.setenv("MIDO_BACKEND", JACK_MIDI)
        keyboard = mido.Backend(JACK_MIDI).open_output("keyboard", virtual=True)
        try:
            (port,) = midi_input_ports()
            yield port
        finally:
            for window in windows:
                if window.session_view is not None:
                    window.session_view.release()  # no stream may outlive the server
            keyboard.close()


@pytest.fixture
def two_sessions(library):
    """A band session with a take of a second (a room track and a bass track), and a choir
    session: (band id, choir id, {pseudonym: id})."""
    with library.transaction() as db:
        people = {name: participants.add(db, name) for name in ("Ola", "Kari", "Nils")}
        for person in people.values():
            consent_ledger.grant(db, person, [Purpose.RECORD])
        band = sessions.create(
            db, "Tuesday band", SessionKind.BAND, on=date(2026, 11, 3),
            participants=list(people.values()),
            inputs=[SessionInput(1, "Room mic"), SessionInput(2, "Bass DI", isolated=True),
                    SessionInput(3, "Vocal")])
        choir = sessions.create(db, "Thursday choir", SessionKind.CHOIR, on=date(2026, 11, 5),
                                participants=[people["Ola"]],
                                inputs=[SessionInput(1, "Choir left"),
                                        SessionInput(2, "Choir right")])
        take_id = takes.start(db, band.id, RATE)
        room = takes.add_track(db, take_id, TrackKind.AUDIO, input=1, instrument="Room mic",
                               participant_ids=[p.id for p in people.values()])
        bass = takes.add_track(db, take_id, TrackKind.AUDIO, input=2, isolated=True,
                               instrument="Bass DI", participant_ids=[people["Kari"].id])
        takes.finish(db, take_id, RATE)
    (library.folder / takes.take_folder(take_id)).mkdir(parents=True)
    tone = 0.5 * np.sin(2 * np.pi * 110 * np.arange(RATE) / RATE)
    for track, level in ((room, 0.25), (bass, 0.5)):
        sf.write(library.folder / track.file, tone * level, RATE, subtype="PCM_24")
    return band.id, choir.id, {name: p.id for name, p in people.items()}


def open_window(qtbot, library, windows):
    """The studio's window on LIBRARY, shown at a laptop's size."""
    from mt_studio.ui.main_window import MainWindow

    window = MainWindow(studio_of(library), ErrorReporter())
    qtbot.addWidget(window)
    windows.append(window)
    window.resize(1366, 740)
    window.show()
    qtbot.waitExposed(window)
    return window


def click_session(qtbot, window, session_id: int) -> None:
    """One click on SESSION_ID's row of the session list."""
    tree = window.sessions.tree
    item = next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
                if tree.topLevelItem(i).session_id == session_id)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton,
                     pos=tree.visualItemRect(item).center())


def type_into(qtbot, field, text: str) -> None:
    """Replace FIELD's text by typing, and press Enter, as a person does."""
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def inputs_shown(inputs) -> tuple:
    """What the Inputs tab shows of the session: per input (armed, label, who, only them),
    then the MIDI keyboard and who plays it."""
    rows = []
    number = 1
    while number <= len(inputs._rows):
        row = inputs.row(number)
        rows.append((row.arm.isChecked(), row.label.text(), row.who.chosen(),
                     row.isolated.isChecked()))
        number += 1
    return tuple(rows), inputs.midi.currentData(), inputs.midi_who.chosen()


def listening_shown(view) -> tuple:
    """What the Takes tab shows of how the take is listened to."""
    mix = tuple(view.mix.mix(index) for index in range(len(view.mix.track_ids)))
    return mix, view.lanes.loop, view.loop_button.isChecked(), view.speed.value(), \
        view.transpose.value()


def wait_for_devices(qtbot, inputs) -> None:
    qtbot.waitUntil(lambda: inputs.request() is not None and inputs.midi.count() > 1
                    and len(inputs._rows) == 8, timeout=SCAN_TIMEOUT_MS)


def test_a_sessions_set_up_and_a_takes_listening_come_back_after_another_session_and_a_restart(
        qtbot, library, two_sessions, studio, windows):
    band, choir, people = two_sessions
    window = open_window(qtbot, library, windows)
    click_session(qtbot, window, band)
    view = window.session_view
    assert window.session_id == band and view.record._session.id == band
    inputs = view.inputs
    wait_for_devices(qtbot, inputs)
    assert [inputs.row(n).label.text() for n in (1, 2, 3, 6)] == ["Room mic", "Bass DI",
                                                                  "Vocal", ""]
    assert not inputs.row(6).arm.isChecked()  # the template's layout, before any change

    type_into(qtbot, inputs.row(1).label, "Ola's vocal")
    inputs.row(1).who.set_chosen([people["Ola"]])
    inputs.row(2).who.set_chosen([people["Kari"]])
    qtbot.mouseClick(inputs.row(3).arm, Qt.MouseButton.LeftButton)  # no vocal today
    qtbot.mouseClick(inputs.row(6).arm, Qt.MouseButton.LeftButton)
    type_into(qtbot, inputs.row(6).label, "Guitar")
    inputs.row(6).who.set_chosen([people["Nils"]])
    qtbot.mouseClick(inputs.row(6).isolated, Qt.MouseButton.LeftButton)
    inputs.midi.setFocus()
    qtbot.keyClick(inputs.midi, Qt.Key.Key_Down)  # from "No MIDI keyboard" to the keyboard
    inputs.midi_who.set_chosen([people["Kari"]])
    set_up = inputs_shown(inputs)
    assert set_up[1] == studio and set_up[2] == (people["Kari"],)
    assert set_up[0][:6] == (
        (True, "Ola's vocal", (people["Ola"],), False), (True, "Bass DI", (people["Kari"],), True),
        (False, "Vocal", (), False), set_up[0][3], set_up[0][4],
        (True, "Guitar", (people["Nils"],), True))

    takes_view = view.takes
    view.setCurrentWidget(takes_view)
    qtbot.waitUntil(lambda: takes_view.play_button.isEnabled(), timeout=10_000)
    qtbot.mouseClick(takes_view.mix.row(0)[1], Qt.MouseButton.LeftButton)  # solo the room
    mute, _solo, volume, pan = takes_view.mix.row(1)
    qtbot.mouseClick(mute, Qt.MouseButton.LeftButton)
    volume.setValue(-12)
    pan.setValue(-40)
    takes_view.lanes.set_loop((RATE // 4, 3 * RATE // 4))
    qtbot.mouseClick(takes_view.loop_button, Qt.MouseButton.LeftButton)
    takes_view.speed.setValue(80)
    listened = listening_shown(takes_view)
    assert listened[1:] == ((RATE // 4, 3 * RATE // 4), True, 80, 0)

    click_session(qtbot, window, choir)
    assert window.session_id == choir and view.record._session.id == choir
    assert inputs.row(1).label.text() == "Choir left" and inputs.row(1).who.chosen() == ()
    assert inputs.midi.currentData() == "" and takes_view.take is None

    click_session(qtbot, window, band)
    assert window.session_id == band
    assert inputs_shown(inputs) == set_up
    assert inputs.request().labels[6] == "Guitar" and inputs.request().isolated == {2, 6}
    view.setCurrentWidget(takes_view)
    assert takes_view.take is not None and listening_shown(takes_view) == listened
    qtbot.waitUntil(lambda: takes_view.player is not None and takes_view.player.practice
                    is not None, timeout=30_000)  # it plays at 80 % again, without asking

    takes_view.transpose.setValue(2)  # and the studio is closed at once:
    listened = (*listened[:4], 2)
    window.close()  # what was left is in the library
    library.close()
    with Library.open(library.folder) as reopened:
        window = open_window(qtbot, reopened, windows)
        click_session(qtbot, window, band)
        inputs, takes_view = window.session_view.inputs, window.session_view.takes
        wait_for_devices(qtbot, inputs)
        assert inputs_shown(inputs) == set_up
        window.session_view.setCurrentWidget(takes_view)
        assert listening_shown(takes_view) == listened
        window.close()


def test_one_click_opens_a_session_and_a_refused_one_leaves_the_open_one_chosen(
        qtbot, library, two_sessions, windows):
    band, choir, _people = two_sessions
    window = open_window(qtbot, library, windows)
    click_session(qtbot, window, choir)
    assert window.session_id == choir and window.sessions.current_session() == choir
    record = window.session_view.record
    assert record._session.id == choir
    record.recording = object()  # stands for a take in progress: is_recording is True
    record.recording_changed.emit(True)
    try:
        click_session(qtbot, window, band)
        assert window.session_id == choir and record._session.id == choir
        assert window.sessions.current_session() == choir  # the open one stays chosen
        assert "Stop the recording" in window.statusBar().currentMessage()
    finally:
        record.recording = None
        record.recording_changed.emit(False)
    click_session(qtbot, window, band)
    assert window.session_id == band == window.sessions.current_session()
    assert record._session.id == band and window.session_view.takes.session_id == band
    window.sessions.refresh()  # listing again opens nothing, and keeps the open one chosen
    assert window.sessions.current_session() == band and window.session_id == band

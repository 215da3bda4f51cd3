"""The Record tab on a real audio device (a JACK dummy server), and the meter widget."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
import soundfile as sf
from jack_rig import JackServer, SignalGenerator, seen_by_portaudio, sine
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QApplication

from mt_studio.core.capture.meters import MeterReading
from mt_studio.core.domain import Purpose, SessionKind, TakeStatus
from mt_studio.core.library import consent_ledger, participants, sessions, takes
from mt_studio.core.library.sessions import SessionInput
from mt_studio.ui.common.meter_widget import HOLD_SECONDS, MeterWidget
from mt_studio.ui.inputs.input_assignment import InputAssignment
from mt_studio.ui.recording.record_panel import RecordPanel, disk_time_text, dropout_text
from tests.conftest import studio_of

RATE, PERIOD = 48000, 128
PORTS = "PortAudio.*:in_"


@pytest.fixture
def device():
    """A JACK server that PortAudio in this process sees as the device 'system'."""
    with (JackServer(samplerate=RATE, period=PERIOD, inputs=4, synchronous=True) as server,
          seen_by_portaudio(server)):
        yield server


def test_a_take_recorded_from_the_panel_has_meters_a_count_in_a_marker_and_files(
        qtbot, library, device):
    db = library.connection
    ola, kari = participants.add(db, "Ola"), participants.add(db, "Kari")
    consent_ledger.grant(db, ola, [Purpose.RECORD])
    consent_ledger.grant(db, kari, [Purpose.RECORD])
    session = sessions.create(
        db, "Band", SessionKind.BAND, on=date(2026, 11, 3), participants=[ola, kari],
        tempo_bpm=300, count_in_bars=1,  # the fastest count-in: four beats in 0.8 s
        inputs=[SessionInput(1, "Vocal"), SessionInput(2, "Keys")])
    inputs = InputAssignment(studio_of(library))
    clicks: list[int] = []

    def broken_speaker(samples: np.ndarray, rate: int) -> None:
        clicks.append(len(samples))
        raise OSError("no output device")

    panel = RecordPanel(studio_of(library), click_player=broken_speaker)
    qtbot.addWidget(inputs)
    qtbot.addWidget(panel)
    inputs.assignment_changed.connect(panel.set_request)
    inputs.problem_changed.connect(panel.set_device_problem)
    panel.recording_changed.connect(inputs.set_recording)
    inputs.show_session(session.id)
    panel.show_session(session.id)
    qtbot.waitUntil(lambda: inputs.device.findData("system") >= 0, timeout=15000)
    inputs.device.setCurrentIndex(inputs.device.findData("system"))
    assert inputs.request().inputs == (1, 2)
    assert panel.record_button.isEnabled(), panel.reason.text()
    assert panel.count_in.isChecked()

    generator = SignalGenerator(device, [sine(1000, RATE, 0.5),
                                         lambda n: np.ones(len(n), np.float32)])
    try:
        panel.show()
        qtbot.waitExposed(panel)
        with qtbot.waitSignal(panel.recording_changed, timeout=10000) as started:
            panel.record_button.click()
            assert panel.counter.isVisible() and panel.counter.text() == "1"
            assert not panel.recording  # nothing records during the count-in
        assert started.args == [True] and not panel.counter.isVisible()
        assert clicks and panel.counter.click_failed  # a silent click did not stop it
        assert not inputs.look_again.isEnabled()  # no rescan while a stream is open
        generator.connect_to(PORTS)

        qtbot.waitUntil(lambda: panel.meters.level(0)[0] > -7, timeout=10000)
        peak, rms = panel.meters.level(0)
        assert -6.5 < peak < -5.5 and rms < peak
        qtbot.waitUntil(lambda: panel.meters.clipped(1))
        assert panel.meters.labels() == ["1 Vocal", "2 Keys"]

        panel.setFocus()
        qtbot.keyClick(panel, Qt.Key.Key_M)
        assert panel.marker_name.text() == "Marker 1"
        marker_frame = panel._pending_marker[0]
        panel.marker_name.setText("Chorus")
        qtbot.keyClick(panel.marker_name, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: panel.recording.capture.clock() > marker_frame + PERIOD)
        panel.add_marker()  # a second one keeps its default name
        qtbot.waitUntil(lambda: panel.recording.capture.clock() > RATE // 2)
        capture = panel.recording.capture
        qtbot.waitUntil(lambda: panel.dropouts.text() == dropout_text(len(capture.dropouts)))
        assert "recording space left" in panel.disk.text()

        with qtbot.waitSignal(panel.take_recorded, timeout=10000) as recorded:
            panel.record_button.click()
    finally:
        if panel.is_recording:  # a failed check must not leave a stream on a dying server
            panel.stop_recording()
        generator.close()
    assert panel.record_button.text() == "Record" and inputs.look_again.isEnabled()
    take = takes.get(db, recorded.args[0])
    assert take.status is TakeStatus.COMPLETE and take.frames > RATE // 2
    assert [m.name for m in take.markers] == ["Chorus", "Marker 2"]
    assert take.markers[0].frame == marker_frame < take.markers[1].frame
    assert [(t.input, t.instrument) for t in take.tracks] == [(1, "Vocal"), (2, "Keys")]
    for track in take.tracks:
        data, rate = sf.read(library.folder / track.file, dtype="float32")
        assert rate == RATE and len(data) == take.frames
    assert f"Take {take.number} is saved" in panel.message.text()


def test_peak_hold_lingers_then_sinks_and_the_clip_light_stays_until_clicked(qtbot):
    meters = MeterWidget()
    qtbot.addWidget(meters)
    meters.set_labels(["1 Vocal", "2 Bass"])
    meters.resize(400, 80)
    meters.show()
    loud = (MeterReading(-3.0, -9.0, False), MeterReading(0.0, -2.0, True))
    quiet = (MeterReading(-40.0, -45.0, False), MeterReading(-40.0, -45.0, False))
    meters.set_readings(loud, now=10.0)
    meters.set_readings(quiet, now=10.0 + HOLD_SECONDS - 0.1)
    assert meters.level(0) == (-40.0, -45.0)
    assert meters.peak_hold(0) == -3.0  # still held
    meters.set_readings(quiet, now=10.0 + HOLD_SECONDS + 0.5)
    assert -40.0 < meters.peak_hold(0) < -3.0  # sinking
    meters.set_readings(quiet, now=10.0 + HOLD_SECONDS + 10)
    assert meters.peak_hold(0) == -40.0  # back with the signal

    assert meters.clipped(1) and not meters.clipped(0)  # latched after the loud moment
    light = meters.clip_light_rect(1).center().toPoint()
    qtbot.mouseClick(meters, Qt.MouseButton.LeftButton, pos=light)
    assert not meters.clipped(1)
    meters.set_readings(loud, now=30.0)
    meters.setFocus()
    qtbot.keyClick(meters, Qt.Key.Key_Space)
    assert not meters.clipped(1)


def test_plain_words_for_dropouts_and_disk_space():
    assert dropout_text(0) == "No dropouts"
    assert dropout_text(3) == ("3 short gaps were filled with silence — the computer may be "
                               "too busy.")
    per_second = 48000 * 8 * 3
    assert disk_time_text(64 * 1024 * 1024 + per_second * 7200, per_second) == (
        "About 2 hours of recording space left.")
    assert "5 minutes" in disk_time_text(64 * 1024 * 1024 + per_second * 330, per_second)


def recording_panel(qtbot, library):
    """An Inputs tab and a Record tab on the device, wired as the window wires them, shown."""
    db = library.connection
    ola = participants.add(db, "Ola")
    consent_ledger.grant(db, ola, [Purpose.RECORD])
    session = sessions.create(db, "Band", SessionKind.BAND, on=date(2026, 11, 3),
                              participants=[ola], inputs=[SessionInput(1, "Vocal")])
    inputs = InputAssignment(studio_of(library))
    panel = RecordPanel(studio_of(library))
    qtbot.addWidget(inputs)
    qtbot.addWidget(panel)
    inputs.assignment_changed.connect(panel.set_request)
    inputs.problem_changed.connect(panel.set_device_problem)
    inputs.show_session(session.id)
    panel.show_session(session.id)
    qtbot.waitUntil(lambda: inputs.device.findData("system") >= 0, timeout=15000)
    inputs.device.setCurrentIndex(inputs.device.findData("system"))
    assert panel.record_button.isEnabled(), panel.reason.text()
    panel.show()
    qtbot.waitExposed(panel)
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow)
    return panel


def type_keys(qtbot, text: str) -> None:
    """Type TEXT wherever the keyboard's focus is, as a person would."""
    qtbot.keyClicks(QApplication.focusWidget(), text)


def press(qtbot, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def test_typing_marker_names_during_a_take_never_stops_it(qtbot, library, device):
    panel = recording_panel(qtbot, library)
    try:
        panel.setFocus()
        press(qtbot, Qt.Key.Key_R)
        assert panel.is_recording
        press(qtbot, Qt.Key.Key_M)
        type_keys(qtbot, "Chorus")  # its "r" used to stop the take
        assert panel.is_recording
        assert panel.marker_name.text() == "Chorus"  # in place of "Marker 1"
        press(qtbot, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)  # not while typing
        assert panel.is_recording and "Enter" in panel.message.text()
        press(qtbot, Qt.Key.Key_Return)
        assert QApplication.focusWidget() is not panel.marker_name
        type_keys(qtbot, "or ")  # typed with the keys back on the Stop button: nothing stops
        assert panel.is_recording and "Stop" in panel.message.text()

        press(qtbot, Qt.Key.Key_M)  # the next M drops the next marker, and so on
        assert panel.marker_name.hasFocus() and panel.marker_name.selectedText() == "Marker 2"
        type_keys(qtbot, "Drums from the bridge")
        press(qtbot, Qt.Key.Key_Enter)
        press(qtbot, Qt.Key.Key_M)
        press(qtbot, Qt.Key.Key_Return)  # the default name kept
        assert panel.is_recording
        assert "Ctrl+R" in panel.record_button.toolTip()

        with qtbot.waitSignal(panel.take_recorded, timeout=10000) as recorded:
            press(qtbot, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    finally:
        if panel.is_recording:
            panel.stop_recording()
    take = takes.get(library.connection, recorded.args[0])
    assert [m.name for m in take.markers] == ["Chorus", "Drums from the bridge",
                                              "Marker 3"]


def test_the_status_bar_says_whether_a_take_records_is_refused_or_is_ready(
        qtbot, library, device):
    from mt_studio.ui.common.error_reporter import ErrorReporter
    from mt_studio.ui.main_window import MainWindow

    db = library.connection
    ola, kim = participants.add(db, "Ola"), participants.add(db, "Kim")
    consent_ledger.grant(db, ola, [Purpose.RECORD])
    session = sessions.create(db, "Band", SessionKind.BAND, on=date(2026, 11, 3),
                              participants=[ola], inputs=[SessionInput(1, "Room mic")])
    window = MainWindow(studio_of(library), ErrorReporter())
    qtbot.addWidget(window)
    status = window.recording_status
    window.recording_status.look()
    qtbot.waitUntil(lambda: status.available is not None, timeout=15000)
    assert status.text() == "Audio interface found: system"  # no session open yet
    window.open_session(session.id)
    view = window.session_view
    view.inputs.device.setCurrentIndex(view.inputs.device.findData("system"))
    view.inputs.row(1).arm.setChecked(True)
    qtbot.waitUntil(lambda: status.text() == "Ready to record 1 input of system")

    view.consent.check_in(kim.id)  # heard on the room mic, never asked
    assert status.text() == "Recording refused: Kim has never given consent to record."
    view.consent.check_out(kim.id)
    assert status.text() == "Ready to record 1 input of system"

    view.setCurrentWidget(view.record)
    view.record.count_in.setChecked(False)
    try:
        with qtbot.waitSignal(view.record.recording_changed, timeout=10000):
            view.record.record_button.click()
        assert status.text() == f"● Recording take {view.record.recording.number}"
    finally:
        if view.record.is_recording:
            view.record.stop_recording()
    assert status.text() == "Ready to record 1 input of system"
    window.close()

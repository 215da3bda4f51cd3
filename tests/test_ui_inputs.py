"""The Inputs tab and the Record button's consent gate, on a real library (no audio needed)."""

from __future__ import annotations

from datetime import date

import pytest

from mt_studio.core.capture.devices import AudioInputDevice
from mt_studio.core.capture.take_plan import TakeRequest
from mt_studio.core.domain import Purpose, SessionKind
from mt_studio.core.library import consent_ledger, participants, sessions
from mt_studio.core.library.sessions import SessionInput
from mt_studio.ui.inputs.device_scan import Scan
from mt_studio.ui.inputs.input_assignment import InputAssignment
from mt_studio.ui.recording.record_panel import RecordPanel
from tests.conftest import studio_of

SCARLETT = AudioInputDevice(3, "Scarlett 4i4 USB", "ALSA", 4, 48000.0)


@pytest.fixture
def band(library):
    """Ola and Kari may be recorded, Nils may not; all three are present in session 1."""
    db = library.connection
    ola, kari, nils = (participants.add(db, name) for name in ("Ola", "Kari", "Nils"))
    consent_ledger.grant(db, ola, [Purpose.RECORD])
    consent_ledger.grant(db, kari, [Purpose.RECORD])
    session = sessions.create(
        db, "Band", SessionKind.BAND, on=date(2026, 11, 3), participants=[ola, kari, nils],
        inputs=[SessionInput(1, "Room mic"), SessionInput(2, "Bass DI", isolated=True),
                SessionInput(3, "Vocal")])
    return session, {"Ola": ola.id, "Kari": kari.id, "Nils": nils.id}


def found(*devices: AudioInputDevice, problem: str | None = None):
    return lambda rescan: Scan(list(devices), [], problem)


@pytest.fixture
def tabs(qtbot, library, band):
    """The Inputs tab wired to the Record tab as the main window wires them."""
    session, _people = band
    inputs = InputAssignment(studio_of(library), scanner=found(SCARLETT))
    panel = RecordPanel(studio_of(library))
    qtbot.addWidget(inputs)
    qtbot.addWidget(panel)
    inputs.assignment_changed.connect(panel.set_request)
    inputs.problem_changed.connect(panel.set_device_problem)
    inputs.show_session(session.id)
    panel.show_session(session.id)
    qtbot.waitUntil(lambda: inputs.request() is not None)
    panel.set_request(inputs.request())
    return inputs, panel


def test_a_present_participant_without_consent_on_a_room_mic_blocks_record_by_name(tabs):
    inputs, panel = tabs
    assert not panel.record_button.isEnabled()
    assert "Nils" in panel.reason.text()
    assert "Nils" in panel.record_button.toolTip()
    assert "Nils" in panel.record_button.accessibleDescription()
    assert "Ola" not in panel.reason.text() and "Kari" not in panel.reason.text()


def test_nils_on_his_own_isolated_input_is_disarmed_and_the_rest_may_record(tabs, band,
                                                                            qtbot):
    inputs, panel = tabs
    _session, people = band
    # Nils is present, so any room mic hears him: only direct lines can be recorded.
    for number in (1, 3, 4):
        inputs.row(number).arm.setChecked(False)
    inputs.row(2).who.set_chosen([people["Nils"]])
    inputs.row(2).isolated.setChecked(True)
    inputs.row(4).arm.setChecked(True)
    inputs.row(4).who.set_chosen([people["Ola"]])
    inputs.row(4).isolated.setChecked(True)

    request = inputs.request()
    assert request.inputs == (2, 4) and request.isolated == frozenset({2, 4})
    assert panel.record_button.isEnabled(), panel.reason.text()
    assert panel.reason_disabled() is None
    assert "Input 2" in panel.disarmed.text() and "Nils" in panel.disarmed.text()
    assert "4" not in panel.disarmed.text()
    plan = panel.studio.recording.plan(request)

    assert plan.armed == (4,) and plan.disarmed == (2,)

    inputs.row(2).isolated.setChecked(False)  # his line now counts as a room input again
    assert not panel.record_button.isEnabled() and "Nils" in panel.reason.text()


def test_the_request_follows_the_arm_boxes_labels_and_owners(tabs, band):
    inputs, _panel = tabs
    _session, people = band
    first = inputs.request()
    # The session's layout pre-fills labels and arming; input 4 is not in it.
    assert first.inputs == (1, 2, 3)
    assert first.labels == {1: "Room mic", 2: "Bass DI", 3: "Vocal",
                            4: "Line in 4"}  # the Scarlett 4i4 preset names input 4
    assert first.device == "Scarlett 4i4 USB" and first.samplerate == 48000
    assert first.isolated == frozenset()  # input 2 is isolated only once it has an owner

    with_signal = []
    inputs.assignment_changed.connect(with_signal.append)
    inputs.row(1).arm.setChecked(False)
    inputs.row(4).arm.setChecked(True)
    inputs.row(2).who.set_chosen([people["Kari"]])
    assert with_signal and isinstance(with_signal[-1], TakeRequest)
    latest = with_signal[-1]
    assert latest.inputs == (2, 3, 4)
    assert latest.owners == {2: (people["Kari"],)}
    assert latest.isolated == frozenset({2})


def test_the_interface_model_comes_from_the_presets(tabs):
    inputs, _panel = tabs
    assert inputs.input_map.currentData() == "scarlett-4i4"
    titles = [inputs.input_map.itemText(i) for i in range(inputs.input_map.count())]
    assert any("UMC404HD" in t for t in titles) and any("L-8" in t for t in titles)


def test_no_audio_device_says_so_and_keeps_record_off(qtbot, library, band):
    session, _people = band
    inputs = InputAssignment(studio_of(library), scanner=found())
    panel = RecordPanel(studio_of(library))
    qtbot.addWidget(inputs)
    qtbot.addWidget(panel)
    inputs.assignment_changed.connect(panel.set_request)
    inputs.problem_changed.connect(panel.set_device_problem)
    assert "Looking for audio devices" in inputs.status.text()
    inputs.show_session(session.id)
    panel.show_session(session.id)
    qtbot.waitUntil(lambda: "No audio input device" in inputs.status.text())
    assert inputs.request() is None
    assert not panel.record_button.isEnabled()
    assert "No audio input device" in panel.reason.text()

    inputs.scanner = found(SCARLETT)
    with qtbot.waitSignal(inputs.problem_changed, check_params_cb=lambda p: p == ""):
        inputs.look_again.click()
        assert "Looking for audio devices" in panel.reason.text()
    qtbot.waitUntil(lambda: inputs.request() is not None)
    assert "Nils" in panel.reason.text()  # now the consent rule speaks


def test_every_control_is_named_for_assistive_technology(tabs):
    inputs, panel = tabs
    from PyQt6.QtWidgets import QAbstractButton, QComboBox, QLineEdit

    for widget in (inputs, panel):
        for control in widget.findChildren((QAbstractButton, QComboBox, QLineEdit)):
            if control.isVisibleTo(widget) or not control.isWindow():
                assert control.accessibleName(), control


def test_a_rescan_keeps_the_chosen_interface_even_when_its_description_changes(qtbot, tabs):
    inputs, _panel = tabs
    inputs.scanner = found(SCARLETT, AudioInputDevice(4, "UMC404HD", "ALSA", 4, 48000.0))
    inputs.scan()
    qtbot.waitUntil(lambda: inputs.device.count() == 2)
    inputs.device.setCurrentIndex(inputs.device.findData("UMC404HD"))
    inputs.scanner = found(SCARLETT, AudioInputDevice(4, "UMC404HD", "ALSA", 6, 48000.0))
    inputs.scan()
    qtbot.waitUntil(lambda: "6" in inputs.device.itemText(1))
    assert inputs.device.currentData() == "UMC404HD"
    assert inputs.request().device == "UMC404HD"


def test_the_inputs_follow_who_is_present_their_consent_and_the_set_up_kept_elsewhere(
        qtbot, library, band):
    from mt_studio.ui.bridge import StudioBridge

    session, people = band
    studio = studio_of(library)
    bridge = StudioBridge(studio)
    inputs = InputAssignment(studio, bridge, scanner=found(SCARLETT))
    qtbot.addWidget(inputs)
    inputs.show_session(session.id)
    qtbot.waitUntil(lambda: inputs.request() is not None)
    inputs.row(2).who.set_chosen([people["Nils"]])
    inputs.midi_who.set_chosen([people["Nils"]])
    told = []
    inputs.assignment_changed.connect(told.append)

    def offered(picker) -> list[str]:
        return [action.text() for action in picker.menu().actions()]

    try:
        robin = studio.consent.add_participant("Robin", check_in_to=session.id)  # the board
        qtbot.waitUntil(lambda: "Robin" in offered(inputs.row(1).who))
        assert "Robin" in offered(inputs.midi_who)
        studio.sessions.check_out(session.id, people["Nils"])
        qtbot.waitUntil(lambda: inputs.row(2).who.chosen() == ())
        assert inputs.midi_who.chosen() == () and "Nils" not in offered(inputs.midi_who)
        kept = studio.sessions.get(session.id)
        assert kept.inputs[1].players == () and kept.midi_players == ()

        told.clear()
        studio.consent.grant(robin.id, [Purpose.RECORD])  # Record is told what may record now
        qtbot.waitUntil(lambda: len(told) > 0)
        assert told[-1].session_id == session.id

        studio.sessions.keep_setup(session.id, [  # kept by another window
            SessionInput(1, "Choir left"), SessionInput(2, "Choir right", armed=False)])
        qtbot.waitUntil(lambda: inputs.row(1).label.text() == "Choir left")
        assert inputs.row(2).label.text() == "Choir right" and not inputs.row(2).arm.isChecked()
        shown = [(n, inputs.row(n).arm.isChecked(), inputs.row(n).label.text())
                 for n in range(1, 5)]
        assert shown == [(i.number, i.armed, i.label)
                         for i in studio.sessions.get(session.id).inputs]
        assert inputs.request().inputs == (1, 3)  # input 3 stays as it was kept
    finally:
        bridge.close()

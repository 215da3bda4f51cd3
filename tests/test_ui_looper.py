"""The Looper tab on a real audio device (a JACK dummy server with a cable from output 1 to
input 1): a loop of one bar, an overdub, undo, redo and mute, consent per layer, measuring the
delay through the cable, and the keyboard."""

from __future__ import annotations

from datetime import date

import pytest
from jack_rig import JackServer, Loopback, seen_by_portaudio
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QAbstractSpinBox, QComboBox, QWidget

from mt_studio.core.capture.take_plan import TakeRequest
from mt_studio.core.domain import Purpose, SessionKind
from mt_studio.core.latency import saved_round_trip
from mt_studio.core.library import consent_ledger, participants, sessions, takes
from mt_studio.core.looper import LooperState
from mt_studio.ui.looper.looper_panel import LooperPanel
from tests.conftest import studio_of

RATE = 48000
LAYER_TIMEOUT_MS = 15000
CLICK = Qt.MouseButton.LeftButton
CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def panels():
    """The panels a test makes; each lets go of the device when the test ends."""
    made: list[LooperPanel] = []
    yield made
    for panel in made:
        panel.release()


@pytest.fixture
def server(panels):
    """A JACK server PortAudio sees as "system", 2 in and 2 out."""
    with (JackServer(samplerate=RATE, period=256, inputs=2, outputs=2, synchronous=True)
          as jack, seen_by_portaudio(jack)):
        yield jack
        for panel in panels:
            panel.release()  # no stream may be open when the server stops


@pytest.fixture
def rig(server):
    """The server with a cable from output 1 to input 1, as a therapist wires one."""
    cable = Loopback(server, output=1, input=1)
    try:
        yield server
    finally:
        cable.close()


@pytest.fixture
def band(library):
    """A session at 240 BPM with two players who consented to be recorded, and one who did
    not: (session id, drummer, singer, shy)."""
    with library.transaction() as db:
        drummer, singer, shy = (participants.add(db, p) for p in ("Drummer", "Singer", "Shy"))
        consent_ledger.grant(db, drummer, [Purpose.RECORD])
        consent_ledger.grant(db, singer, [Purpose.RECORD])
        session = sessions.create(db, "Loops", SessionKind.INDIVIDUAL, on=date(2026, 12, 1),
                                  participants=[drummer, singer, shy], tempo_bpm=240)
    return session.id, drummer.id, singer.id, shy.id


def request_for(session_id: int, owners: dict[int, tuple[int, ...]]) -> TakeRequest:
    """Inputs 1 and 2 of "system", each owned input a direct line of its owner."""
    return TakeRequest(session_id, "system", inputs=(1, 2), owners=owners,
                       isolated=frozenset(owners), samplerate=RATE)


@pytest.fixture
def make_panel(qtbot, library, panels):
    """A LooperPanel, shown and active (shortcuts need an active window)."""

    def make(**options) -> LooperPanel:
        panel = LooperPanel(studio_of(library), **options)
        qtbot.addWidget(panel)
        panels.append(panel)
        panel.resize(1100, 700)
        panel.show()
        qtbot.waitExposed(panel)
        panel.activateWindow()
        qtbot.waitUntil(panel.isActiveWindow)
        return panel

    return make


def choose(combo, data) -> None:
    """Choose the item of COMBO that carries DATA."""
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def controls(root: QWidget) -> list[QWidget]:
    """The widgets in ROOT that Tab reaches (not the parts inside a spin box or combo box)."""
    def inside_a_control(widget: QWidget) -> bool:
        parent = widget.parentWidget()
        while parent is not None and parent is not root:
            if isinstance(parent, QAbstractSpinBox | QComboBox):
                return True
            parent = parent.parentWidget()
        return False

    return [w for w in root.findChildren(QWidget)
            if w.focusPolicy() & Qt.FocusPolicy.TabFocus and not inside_a_control(w)]


def wait_for_layers(qtbot, panel: LooperPanel, count: int) -> None:
    qtbot.waitUntil(lambda: len(panel.layer_rows()) == count, timeout=LAYER_TIMEOUT_MS)


def test_a_bar_long_loop_an_overdub_undo_redo_and_mute(qtbot, make_panel, library, band, rig):
    session_id, drummer, singer, _shy = band
    panel = make_panel()
    changed: list[int] = []
    active: list[bool] = []
    panel.layers_changed.connect(changed.append)
    panel.active_changed.connect(active.append)
    panel.show_session(session_id)
    panel.set_request(request_for(session_id, {1: (singer,), 2: (drummer,)}))
    assert panel.tempo.text() == "240"  # the session's tempo
    assert [panel.input_choice.itemText(i) for i in range(panel.input_choice.count())] == [
        "Input 1 – Singer", "Input 2 – Drummer"]
    assert not panel.stop_button.isEnabled() and not panel.undo_button.isEnabled()

    choose(panel.input_choice, 2)
    choose(panel.length_choice, 1)  # one bar of four beats at 240 BPM: one second
    qtbot.mouseClick(panel.record_button, CLICK)
    assert panel.is_active and active == [True]
    assert not panel.record_button.isEnabled()  # a bar-long loop closes by itself
    wait_for_layers(qtbot, panel, 1)
    looper = panel.looper
    assert looper.length == RATE and changed == [looper.take_id]
    assert panel.layer_rows() == [("Layer 1", "Drummer", "in the loop", False)]
    assert panel.record_button.text() == "Overdub" and panel.state.text().startswith("Looping")
    seen: set[int] = set()  # the position bar goes round
    qtbot.waitUntil(lambda: seen.add(panel.position.value()) or len(seen) >= 4)

    choose(panel.input_choice, 1)
    qtbot.mouseClick(panel.record_button, CLICK)
    assert panel.state.text() in ("Waiting for the loop to come round…",
                                  "Recording layer 2 – play now.")
    assert not panel.record_button.isEnabled()
    wait_for_layers(qtbot, panel, 2)
    assert panel.layer_rows()[1] == ("Layer 2", "Singer", "in the loop", False)
    assert panel.record_button.text() == "Overdub"

    qtbot.mouseClick(panel.undo_button, CLICK)
    first, second = looper.layers()
    assert second.undone and not second.audible and first.audible
    assert panel.layer_rows()[1][2] == "undone – kept; Redo brings it back"
    assert "Layer 2 is left out of the loop. It is kept" in panel.message.text()
    assert panel.redo_button.isEnabled()
    qtbot.mouseClick(panel.redo_button, CLICK)
    assert [layer.audible for layer in looper.layers()] == [True, True]
    assert panel.layer_rows()[1][2] == "in the loop" and not panel.redo_button.isEnabled()

    qtbot.mouseClick(panel.layer_mute(1), CLICK)
    assert [layer.muted for layer in looper.layers()] == [True, False]
    assert panel.layer_rows()[0] == ("Layer 1", "Drummer", "muted", True)
    assert changed == [looper.take_id] * 5  # kept, kept, undone, redone, muted

    qtbot.mouseClick(panel.stop_button, CLICK)
    assert not panel.is_active and active == [True, False]
    assert panel.record_button.text() == "Record loop" and panel.record_button.isEnabled()
    assert len(panel.layer_rows()) == 2  # still shown: nothing recorded goes away
    tracks = {t.id: t for t in takes.get(library.connection, looper.take_id).tracks}
    layered = [tracks[layer.track_id] for layer in looper.layers()]
    assert [(t.input, t.participant_ids) for t in layered] == [(2, (drummer,)), (1, (singer,))]
    assert all((library.folder / t.file).is_file() for t in layered)


def test_a_player_without_consent_is_named_and_the_looper_is_left_as_it_was(
        qtbot, make_panel, library, band, rig):
    session_id, drummer, _singer, shy = band
    panel = make_panel()
    panel.show_session(session_id)
    panel.set_request(request_for(session_id, {1: (shy,), 2: (drummer,)}))
    choose(panel.input_choice, 1)
    qtbot.mouseClick(panel.record_button, CLICK)
    assert "Shy" in panel.message.text() and "Nothing was recorded" in panel.message.text()
    assert not panel.is_active and panel.looper is None
    panel.set_request(request_for(session_id, {2: (drummer,)}))  # input 1: a room microphone
    choose(panel.input_choice, 1)
    assert panel.input_choice.currentText() == "Input 1 – everyone in the room"
    qtbot.mouseClick(panel.record_button, CLICK)
    assert "Shy" in panel.message.text() and not panel.is_active
    assert takes.for_session(library.connection, session_id) == []

    choose(panel.input_choice, 2)
    choose(panel.length_choice, 1)
    qtbot.mouseClick(panel.record_button, CLICK)
    wait_for_layers(qtbot, panel, 1)
    panel.set_request(request_for(session_id, {1: (shy,), 2: (drummer,)}))
    choose(panel.input_choice, 1)
    qtbot.mouseClick(panel.record_button, CLICK)  # Overdub
    assert "Shy" in panel.message.text()
    assert panel.looper.state is LooperState.LOOPING and len(panel.looper.layers()) == 1
    assert panel.record_button.text() == "Overdub" and panel.record_button.isEnabled()


def test_the_delay_measured_through_the_cable_is_shown_saved_and_used(
        qtbot, make_panel, library, band, rig, private_folders):
    session_id, drummer, singer, _shy = band
    panel = make_panel()
    panel.show_session(session_id)
    panel.set_request(request_for(session_id, {1: (singer,), 2: (drummer,)}))
    qtbot.waitUntil(lambda: "not measured" in panel.latency.text())
    qtbot.mouseClick(panel.measure_button, CLICK)
    dialog = panel.calibration
    qtbot.waitExposed(dialog)
    assert dialog.device == "system" and dialog.samplerate == RATE
    qtbot.mouseClick(dialog.measure_button, CLICK)
    assert dialog.measuring and not dialog.measure_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.measure_button.isEnabled(), timeout=LAYER_TIMEOUT_MS)
    assert dialog.frames is not None, dialog.result.text()
    assert 0 < dialog.frames < RATE // 10
    assert dialog.result.text().startswith("Measured: ")
    ms = round(dialog.frames * 1000 / RATE)
    assert panel.latency.text() == f"Latency: measured ({ms} ms)"
    assert (private_folders / "config" / "latency.json").is_file()
    assert saved_round_trip("system", RATE) == dialog.frames
    dialog.close()

    choose(panel.input_choice, 1)
    qtbot.mouseClick(panel.record_button, CLICK)  # a free loop: it uses what was measured
    assert panel.looper.round_trip == dialog.frames
    qtbot.waitUntil(lambda: panel.record_button.text() == "Close loop"
                    and panel.record_button.isEnabled(), timeout=LAYER_TIMEOUT_MS)
    assert not panel.measure_button.isEnabled()  # not while the looper has the device


def test_without_a_cable_the_measurement_says_so_and_nothing_is_saved(
        qtbot, make_panel, library, band, server):
    session_id, drummer, singer, _shy = band
    panel = make_panel()
    panel.show_session(session_id)
    panel.set_request(request_for(session_id, {1: (singer,), 2: (drummer,)}))
    qtbot.mouseClick(panel.measure_button, CLICK)
    dialog = panel.calibration
    qtbot.mouseClick(dialog.measure_button, CLICK)
    qtbot.waitUntil(lambda: dialog.measure_button.isEnabled(), timeout=LAYER_TIMEOUT_MS)
    assert dialog.frames is None
    assert "did not come back" in dialog.result.text()
    assert "cable" in dialog.result.text()
    assert saved_round_trip("system", RATE) is None
    assert "not measured" in panel.latency.text()


def test_the_keyboard_records_closes_taps_undoes_and_redoes(qtbot, make_panel, library, band,
                                                            rig):
    session_id, drummer, singer, _shy = band
    taps = iter([10.0, 10.5, 11.0, 11.5])  # a tap every half second: 120 BPM
    panel = make_panel(clock=lambda: next(taps))
    panel.show_session(session_id)
    panel.set_request(request_for(session_id, {1: (singer,), 2: (drummer,)}))
    panel.setFocus()
    for _ in range(4):
        qtbot.keyClick(panel, Qt.Key.Key_T)
    assert panel.tempo.text() == "120"

    assert panel.length_choice.currentData() == 0  # free: R closes the loop
    qtbot.keyClick(panel, Qt.Key.Key_R)
    assert panel.is_active
    qtbot.waitUntil(lambda: panel.record_button.text() == "Close loop"
                    and panel.record_button.isEnabled(), timeout=LAYER_TIMEOUT_MS)
    qtbot.waitUntil(lambda: panel.looper.heard > RATE // 2)
    qtbot.keyClick(panel, Qt.Key.Key_R)
    wait_for_layers(qtbot, panel, 1)
    assert panel.looper.length >= RATE // 2
    qtbot.keyClick(panel, Qt.Key.Key_Z, CTRL)
    assert panel.looper.layers()[0].undone and panel.layer_rows()[0][2].startswith("undone")
    qtbot.keyClick(panel, Qt.Key.Key_Z, CTRL | SHIFT)
    assert panel.looper.layers()[0].audible and panel.layer_rows()[0][2] == "in the loop"

    qtbot.mouseClick(panel.measure_button, CLICK)  # disabled while looping: nothing opens
    assert panel.calibration is None
    qtbot.keyClick(panel, Qt.Key.Key_R)  # overdub
    assert panel.looper.state in (LooperState.ARMED, LooperState.OVERDUBBING)
    qtbot.mouseClick(panel.stop_button, CLICK)
    panel.set_request(request_for(session_id, {1: (singer,), 2: (drummer,)}))
    qtbot.mouseClick(panel.measure_button, CLICK)
    shown = [*controls(panel), *controls(panel.calibration)]
    assert len(shown) >= 14
    assert [type(w).__name__ for w in shown if not w.accessibleName()] == []
    assert panel.layer_mute(1).focusPolicy() & Qt.FocusPolicy.TabFocus
    panel.calibration.close()


def test_a_loop_of_bars_is_counted_in_with_big_numbers_and_clicks_along(
        qtbot, make_panel, library, band, rig):
    session_id, drummer, _singer, _shy = band
    panel = make_panel()
    panel.show_session(session_id)
    panel.set_request(request_for(session_id, {1: (drummer,)}))
    choose(panel.length_choice, 1)  # a bar at 240 BPM, after a bar of count-in
    assert panel.count_in_box.isChecked()
    panel.click_box.setChecked(True)
    shown: list[str] = []

    def seen() -> bool:
        if panel.counter.isVisible() and (not shown or shown[-1] != panel.counter.text()):
            shown.append(panel.counter.text())
        return len(panel.layer_rows()) == 1

    qtbot.mouseClick(panel.record_button, CLICK)
    qtbot.waitUntil(seen, timeout=LAYER_TIMEOUT_MS)
    assert shown == ["1", "2", "3", "4"] and not panel.counter.isVisible()
    assert panel.looper._click == 240  # the click goes on with the loop
    panel.click_box.setChecked(False)
    assert panel.looper._click is None


def test_stop_while_a_free_loop_is_played_keeps_it_and_closing_mid_overdub_keeps_that(
        qtbot, make_panel, library, band, rig):
    session_id, drummer, singer, _shy = band
    panel = make_panel()
    panel.show_session(session_id)
    panel.set_request(request_for(session_id, {1: (singer,), 2: (drummer,)}))
    choose(panel.length_choice, 0)  # free: the person plays, then presses Stop by mistake
    qtbot.mouseClick(panel.record_button, CLICK)
    qtbot.waitUntil(lambda: panel.looper is not None and panel._ready,
                    timeout=LAYER_TIMEOUT_MS)
    recorded = panel.looper
    qtbot.waitUntil(lambda: recorded.heard > RATE, timeout=LAYER_TIMEOUT_MS)
    qtbot.mouseClick(panel.stop_button, CLICK)
    qtbot.waitUntil(lambda: not panel.is_active, timeout=LAYER_TIMEOUT_MS)
    assert len(panel.layer_rows()) == 1 and "kept" in panel.message.text()
    assert takes.get(library.connection, recorded.take_id).frames > RATE // 2

    panel.show_session(session_id)
    choose(panel.length_choice, 1)
    qtbot.mouseClick(panel.record_button, CLICK)  # at once: the last stream is still closing
    wait_for_layers(qtbot, panel, 1)
    qtbot.mouseClick(panel.record_button, CLICK)  # an overdub, then the window closes
    qtbot.waitUntil(lambda: panel.looper.state.value == "overdubbing",
                    timeout=LAYER_TIMEOUT_MS)
    looper = panel.looper
    panel.release()
    assert not panel.is_active and len(looper.layers()) == 2  # the pass was played out


def test_a_loop_recorded_in_the_studio_is_counted_called_a_loop_and_carries_the_label(
        qtbot, library, band, rig, panels):
    from mt_studio.ui.common.error_reporter import ErrorReporter
    from mt_studio.ui.main_window import MainWindow

    session_id, drummer, _singer, _shy = band
    window = MainWindow(studio_of(library), ErrorReporter())
    qtbot.addWidget(window)
    window.resize(1366, 740)
    window.show()
    qtbot.waitExposed(window)
    window.open_session(session_id)
    view = window.session_view
    panels.append(view.looper)  # let go of the device before the server goes
    inputs = view.inputs
    qtbot.waitUntil(lambda: inputs.request() is not None, timeout=LAYER_TIMEOUT_MS)
    inputs.row(1).label.setFocus()
    inputs.row(1).label.selectAll()
    qtbot.keyClicks(inputs.row(1).label, "Shaker")
    qtbot.keyClick(inputs.row(1).label, Qt.Key.Key_Return)
    inputs.row(1).who.set_chosen([drummer])
    inputs.row(1).isolated.setChecked(True)  # Shy, present without consent, is not heard
    inputs.row(2).arm.setChecked(False)
    assert window.sessions.row_texts()[0][4] == "0"

    panel = view.looper
    view.setCurrentWidget(panel)
    choose(panel.input_choice, 1)
    choose(panel.length_choice, 1)
    qtbot.mouseClick(panel.record_button, CLICK)
    wait_for_layers(qtbot, panel, 1)
    assert window.sessions.row_texts()[0][4] == "1"  # the session list counts the loop
    (track,) = takes.get(library.connection, panel.looper.take_id).tracks
    assert (track.instrument, track.participant_ids) == ("Shaker", (drummer,))
    qtbot.mouseClick(panel.stop_button, CLICK)
    qtbot.waitUntil(lambda: not panel.is_active, timeout=LAYER_TIMEOUT_MS)
    assert view.takes.take_list.item(0).text().startswith("Loop 1 · ")
    view.setCurrentWidget(view.takes)
    assert [lane.title for lane in view.takes.lanes.lanes] == ["Shaker"]
    view.release()

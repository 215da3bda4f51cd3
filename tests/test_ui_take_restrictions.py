"""A withdrawal shows where it matters: the take list and the take view mark a restricted take
with who and what for, turn off what it no longer allows and say why, Play asks before playing
it to the room, and a combination worth a question is noted on the board and on the take."""

from __future__ import annotations

import uuid

import pytest
from jack_rig import JackServer, seen_by_portaudio
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QMessageBox

from mt_studio.core.capture import devices
from mt_studio.core.domain import ConsentAction, Purpose
from mt_studio.core.library import consent_ledger, participants, songs
from mt_studio.ui.common.error_reporter import ErrorReporter
from mt_studio.ui.consent.consent_dialogs import GrantDialog
from mt_studio.ui.export.export_dialog import ExportDialog
from mt_studio.ui.takes.takes_view import TakesView
from tests.conftest import studio_of

RATE = 48000


@pytest.fixture
def no_output(monkeypatch):
    """PortAudio with no audio server to find: nothing plays, nothing records."""
    monkeypatch.setenv("JACK_DEFAULT_SERVER", f"mt-test-absent-{uuid.uuid4().hex[:8]}")
    monkeypatch.setenv("JACK_NO_START_SERVER", "1")
    devices.refresh()


@pytest.fixture
def window(qtbot, library, demo_take, no_output):
    """The studio window with the demo session open."""
    from mt_studio.ui.main_window import MainWindow

    shown = MainWindow(studio_of(library), ErrorReporter())
    qtbot.addWidget(shown)
    shown.show()
    shown.open_session(demo_take.session_id)
    yield shown
    shown.session_view.release()


def withdraw_on_the_board(qtbot, window, who: str, *purposes: Purpose) -> None:
    """Withdraw PURPOSES for WHO through the consent board's dialog, as a therapist does."""
    board = window.session_view.consent
    person = board.studio.consent.find(who)
    with qtbot.waitSignal(board.consent_changed, timeout=1000):
        dialog = board.open_withdraw_dialog(person.id, purposes[0])
        for purpose in purposes:
            dialog.purpose_boxes[purpose].setChecked(True)
        dialog.accept()


def export_actions(view: TakesView) -> dict[Purpose, object]:
    return {action.data(): action for action in view.export_button.menu().actions()}


def test_a_withdrawal_marks_the_take_in_the_list_and_the_view_and_turns_off_group_export(
        qtbot, window, library, demo_take):
    view = window.session_view.takes
    assert view.take.id == demo_take.id
    assert "Restricted" not in view.take_list.item(0).text()
    assert not view.consent.isVisibleTo(view)
    assert export_actions(view)[Purpose.GROUP].isEnabled()

    withdraw_on_the_board(qtbot, window, "Demo Singer", Purpose.GROUP)

    row = view.take_list.item(0).text()
    assert "Restricted: Demo Singer withdrew group sharing on" in row
    assert view.take.id == demo_take.id  # still the take shown
    note = view.consent.text()
    assert "Restricted: Demo Singer withdrew group sharing on" in note
    assert view.consent.isVisibleTo(view)
    group = export_actions(view)[Purpose.GROUP]
    assert not group.isEnabled()
    assert group.toolTip().startswith("Export for the group is off: Demo Singer (Drums (room "
                                      "mic), Vocal mic) withdrew group sharing on")
    assert "Bass (DI), Keys (line out), Keys (MIDI) may still be shared on their own" \
        in group.toolTip()
    assert "Export for the group is off: Demo Singer is heard on Drums (room mic), Vocal mic." \
        in note
    # Community was never given by anyone: it waits for consent, it is not withdrawn.
    assert export_actions(view)[Purpose.COMMUNITY].isEnabled()
    assert "Play asks before playing it to the room" in note


def test_choosing_a_purpose_from_the_export_menu_opens_the_dialog_for_it(
        qtbot, window, demo_take):
    view = window.session_view.takes
    export_actions(view)[Purpose.COMMUNITY].trigger()
    dialog = view.findChild(ExportDialog)
    assert dialog is not None and dialog.form.purpose.currentData() is Purpose.COMMUNITY
    dialog.reject()


def test_group_withdrawn_while_community_is_granted_is_a_question_on_board_and_take(
        qtbot, window, library):
    singer = participants.find(library.connection, "Demo Singer")
    with library.transaction() as db:
        consent_ledger.grant(db, singer, [Purpose.COMMUNITY], witness="A")
    window.session_view.consent.refresh()
    assert not window.session_view.consent.questions.isVisibleTo(window.session_view.consent)

    withdraw_on_the_board(qtbot, window, "Demo Singer", Purpose.GROUP)

    question = ("Demo Singer withdrew group sharing but community sharing is still granted: "
                "ask whether that is still meant.")
    board = window.session_view.consent
    assert board.questions.text() == question
    assert board.questions.isVisibleTo(board)
    assert question in window.session_view.takes.consent.text()


def test_consent_recorded_in_the_export_dialog_lifts_the_mark(qtbot, window, library):
    withdraw_on_the_board(qtbot, window, "Demo Singer", Purpose.GROUP)
    view = window.session_view.takes
    assert "Restricted" in view.take_list.item(0).text()
    export = view.open_export(Purpose.GROUP)
    [(_label, button)] = export.preview.blocker_lines
    with qtbot.waitSignal(view.consent_changed, timeout=1000):
        button.click()
        grant = export.findChild(GrantDialog)
        grant.accept()
    assert "Restricted" not in view.take_list.item(0).text()
    assert not view.consent.isVisibleTo(view)
    singer = participants.find(library.connection, "Demo Singer")
    board = window.session_view.consent
    # The board was told too, by the studio's event (it redraws once the events settle).
    qtbot.waitUntil(lambda: board.chip(singer.id, Purpose.GROUP).chip.valid)
    export.reject()


def test_the_lead_sheet_says_when_it_leaves_the_words_out(qtbot, window, library, demo_take):
    singer = participants.find(library.connection, "Demo Singer")
    with library.transaction() as db:
        song = songs.create(db, "Morning", [singer], lyrics="Here comes the sun")
        songs.link_take(db, song.id, demo_take.id)
    view = window.session_view.takes
    view.refresh()
    assert "words" not in view.lead_sheet_button.toolTip()
    withdraw_on_the_board(qtbot, window, "Demo Singer", Purpose.GROUP)
    assert ("The lead sheet leaves the words out: Demo Singer withdrew group sharing on"
            in view.lead_sheet_button.toolTip())


@pytest.fixture
def output():
    """A JACK server that PortAudio in this process sees as the default output."""
    with (JackServer(samplerate=RATE, period=256, inputs=2, outputs=2) as server,
          seen_by_portaudio(server)):
        yield server


def question(view: TakesView) -> QMessageBox:
    box = view.consent.question
    assert box is not None and box.isVisible()
    return box


def answer(box: QMessageBox, text: str) -> None:
    button = next(b for b in box.buttons() if b.text() == text)
    button.click()


def test_play_asks_before_playing_to_the_room_and_cancel_does_not_play(
        qtbot, library, demo_take, output):
    singer = participants.find(library.connection, "Demo Singer")
    consent_ledger.withdraw(library.connection, singer, [Purpose.GROUP])
    view = TakesView(studio_of(library))
    qtbot.addWidget(view)
    try:
        view.show()
        view.show_session(demo_take.session_id)
        qtbot.waitUntil(view.play_button.isEnabled, timeout=10_000)

        qtbot.mouseClick(view.play_button, Qt.MouseButton.LeftButton)
        box = question(view)
        assert "Demo Singer withdrew group sharing on" in box.text()
        assert {b.text() for b in box.buttons()} == {"Play anyway", "Cancel"}
        answer(box, "Cancel")
        assert view.consent.question is None and not view.playing
        assert view.play_button.text() == "Play"

        view.toggle_playback()  # Space asks too
        answer(question(view), "Play anyway")
        assert view.playing
        view.stop()
        view.play()  # once allowed, the take plays without asking again
        assert view.consent.question is None and view.playing
        view.stop()
    finally:
        view.release()


def test_a_take_nobody_withdrew_from_plays_without_a_question(
        qtbot, library, demo_take, output):
    view = TakesView(studio_of(library))
    qtbot.addWidget(view)
    try:
        view.show()
        view.show_session(demo_take.session_id)
        qtbot.waitUntil(view.play_button.isEnabled, timeout=10_000)
        view.play()
        assert view.consent.question is None and view.playing
        view.stop()
        assert consent_ledger.events(library.connection)[-1].action is ConsentAction.GRANT
    finally:
        view.release()


@pytest.fixture
def bridged_view(qtbot, library, demo_take, no_output):
    """The Takes tab alone on the demo session, hearing the studio through a bridge."""
    from mt_studio.ui.bridge import StudioBridge

    bridge = StudioBridge(studio_of(library))
    view = TakesView(studio_of(library), bridge)
    qtbot.addWidget(view)
    view.show_session(demo_take.session_id)
    yield view
    view.release()
    bridge.close()


def test_a_withdrawal_made_through_the_studio_marks_the_take_on_the_takes_tab(
        bridged_view, library, demo_take):
    view, studio = bridged_view, studio_of(library)
    assert "Restricted" not in view.take_list.item(0).text()
    assert export_actions(view)[Purpose.GROUP].isEnabled()

    # Withdrawn elsewhere (the consent board, the command line): nothing here calls refresh.
    studio.consent.withdraw(studio.consent.find("Demo Singer").id, [Purpose.GROUP])
    assert "Restricted: Demo Singer withdrew group sharing on" in view.take_list.item(0).text()
    assert view.take.id == demo_take.id
    assert "Restricted: Demo Singer withdrew group sharing on" in view.consent.text()
    assert view.consent.isVisibleTo(view)
    assert not export_actions(view)[Purpose.GROUP].isEnabled()


def test_someone_checked_in_late_who_withdrew_marks_the_takes_room_tracks(
        bridged_view, library, demo_take):
    view, studio = bridged_view, studio_of(library)
    with library.transaction() as db:
        late = participants.add(db, "Late Guitarist")
        consent_ledger.grant(db, late, [Purpose.RECORD, Purpose.KEEP, Purpose.GROUP],
                             witness="A")
        consent_ledger.withdraw(db, late, [Purpose.GROUP])
    assert "Restricted" not in view.take_list.item(0).text()

    studio.sessions.check_in(demo_take.session_id, late.id)  # heard on the room mics now
    assert "Restricted: Late Guitarist withdrew group sharing on" in \
        view.take_list.item(0).text()
    assert not export_actions(view)[Purpose.GROUP].isEnabled()

"""The check-in and consent board against a real library: chips, grant, withdraw, check-in."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from PyQt6.QtCore import QDate, Qt
from PyQt6.QtWidgets import QLabel

from mt_studio.core.consent_board import ChipState
from mt_studio.core.domain import ConsentAction, Credit, Purpose, SessionKind, TrackKind
from mt_studio.core.library import (
    consent_ledger,
    exports,
    participants,
    sessions,
    songs,
    takes,
)
from mt_studio.i18n import moment_text
from mt_studio.ui.consent.consent_board import ConsentBoard
from mt_studio.ui.consent.consent_dialogs import GrantDialog, WithdrawDialog
from tests.conftest import studio_of


@pytest.fixture
def people(library):
    db = library.connection
    ola = participants.add(db, "Ola")
    kari = participants.add(db, "Kari", "Kari Nordmann")
    nils = participants.add(db, "Nils", "Nils Hansen")
    band = sessions.create(db, "Tuesday band", SessionKind.BAND, on=date(2026, 11, 3),
                           participants=[ola, kari], therapist="Therapist A")
    return band, ola, kari, nils


@pytest.fixture
def board(qtbot, library, people):
    widget = ConsentBoard(studio_of(library))
    qtbot.addWidget(widget)
    widget.show_session(people[0].id)
    return widget


def test_a_withdrawal_updates_the_chips_at_once_and_tells_the_others(qtbot, library, board,
                                                                      people):
    band, ola, kari, _nils = people
    db = library.connection
    consent_ledger.grant(db, ola, [Purpose.RECORD, Purpose.COMMUNITY], witness="A")
    take = takes.start(db, band.id, 48000)
    room = takes.add_track(db, take, TrackKind.AUDIO, input=1)
    exports.record(db, Purpose.COMMUNITY, "Kulturhuset choir", "mix.flac", [room], [ola.id])
    board.refresh()
    chip = board.chip(ola.id, Purpose.COMMUNITY)
    assert chip.state is ChipState.GRANTED and "granted" in chip.text()

    with qtbot.waitSignal(board.consent_changed, timeout=1000):
        chip.click()  # a valid chip asks to withdraw
        dialog = board.findChild(WithdrawDialog)
        assert dialog is not None and dialog.isVisible()
        assert dialog.purpose_boxes[Purpose.COMMUNITY].isChecked()
        assert not dialog.purpose_boxes[Purpose.RECORD].isChecked()
        dialog.reason.setText("moved away")
        dialog.accept()

    after = board.chip(ola.id, Purpose.COMMUNITY)
    assert after.state is ChipState.WITHDRAWN and "withdrawn" in after.text()
    assert "Reason: moved away" in after.toolTip()
    assert board.chip(ola.id, Purpose.RECORD).state is ChipState.GRANTED
    assert consent_ledger.events(db, [ola.id])[-1].action is ConsentAction.WITHDRAW
    notice = board.notice_text()
    assert "take 1 of “Tuesday band”" in notice and "Kulturhuset choir" in notice
    assert [t.take_id for t in board.last_report.restricted_takes] == [take]


def test_withdrawing_group_consent_names_the_lead_sheets_printed_with_their_words(
        qtbot, library, board, people):
    band, ola, _kari, _nils = people
    db = library.connection
    consent_ledger.grant(db, ola, [Purpose.RECORD, Purpose.GROUP])
    take = takes.get(db, takes.start(db, band.id, 48000))
    song = songs.create(db, "Vårsang", [ola], lyrics="Snøen går\n")
    songs.link_take(db, song.id, take.id)
    sharing = studio_of(library).sharing
    sharing.log_lead_sheet(take.id, sharing.lead_sheet(take.id), "printed")
    board.refresh()
    with qtbot.waitSignal(board.consent_changed, timeout=1000):
        board.chip(ola.id, Purpose.GROUP).click()
        board.findChild(WithdrawDialog).accept()
    notice = board.notice_text()
    assert "1 lead sheet with their words was printed or saved" in notice
    assert "printed on" in notice
    assert [s.take_id for s in board.last_report.lead_sheets] == [take.id]


def test_a_grant_with_witness_and_form_version_lands_in_the_ledger(qtbot, library, board,
                                                                   people):
    _band, ola, _kari, _nils = people
    never = board.chip(ola.id, Purpose.SUPERVISION)
    assert never.state is ChipState.NEVER
    with qtbot.waitSignal(board.consent_changed, timeout=1000):
        never.click()  # a chip never given asks to grant, that purpose ticked
        dialog = board.findChild(GrantDialog)
        assert dialog.purpose_boxes[Purpose.SUPERVISION].isChecked()
        assert dialog.witness.text() == "Therapist A"  # the session's therapist to start with
        dialog.purpose_boxes[Purpose.KEEP].setChecked(True)
        dialog.witness.setText("Therapist B")
        dialog.form_version.setText("2026-1")
        dialog.limited.setChecked(True)
        dialog.until.setDate(QDate.currentDate().addDays(30))
        dialog.credit.setCurrentIndex(dialog.credit.findData(Credit.PSEUDONYM))
        dialog.accept()
    rows = consent_ledger.events(library.connection, [ola.id])
    assert [(e.purpose, e.witness, e.form_version, e.credit) for e in rows] == [
        (Purpose.KEEP, "Therapist B", "2026-1", Credit.PSEUDONYM),
        (Purpose.SUPERVISION, "Therapist B", "2026-1", Credit.PSEUDONYM)]
    assert rows[0].valid_until == date.today() + timedelta(days=30)
    chip = board.chip(ola.id, Purpose.SUPERVISION)
    assert chip.state is ChipState.GRANTED
    assert "Witness: Therapist B" in chip.toolTip() and "Form version: 2026-1" in chip.toolTip()
    assert board.row(ola.id).credit is Credit.PSEUDONYM


def test_a_grant_with_no_purpose_ticked_stays_open_and_writes_nothing(qtbot, library, board,
                                                                      people):
    ola = people[1]
    dialog = board.open_grant_dialog(ola.id)
    with qtbot.assertNotEmitted(board.consent_changed):
        dialog.accept()
    assert dialog.isVisible() and "at least one purpose" in dialog.error.text()
    assert consent_ledger.events(library.connection) == []


def test_chips_show_expiring_soon_expired_and_never_in_words_as_well_as_colour(library, board,
                                                                              people):
    _band, ola, kari, _nils = people
    db = library.connection
    now = datetime.now().astimezone()
    consent_ledger.grant(db, ola, [Purpose.KEEP], valid_until=date.today() + timedelta(days=5))
    consent_ledger.grant(db, ola, [Purpose.GROUP], valid_until=date.today() - timedelta(days=3),
                         at=now - timedelta(days=40))
    board.refresh()
    soon, expired, never = (board.chip(ola.id, p)
                            for p in (Purpose.KEEP, Purpose.GROUP, Purpose.PUBLIC))
    assert (soon.state, expired.state, never.state) == (
        ChipState.EXPIRES_SOON, ChipState.EXPIRED, ChipState.NEVER)
    assert "expires soon" in soon.text() and "Valid until" in soon.toolTip()
    assert "expired" in expired.text() and "No longer valid from" in expired.toolTip()
    assert "never given" in never.text()
    assert len({soon.styleSheet(), expired.styleSheet(), never.styleSheet()}) == 3
    assert {c.text().split()[0] for c in (soon, expired, never)} == {"⚠", "◷", "–"}
    assert soon.accessibleName() == "Ola, Keep: expires soon"


def test_check_in_and_out_change_the_sessions_participants(qtbot, library, board, people):
    band, ola, kari, nils = people
    assert board.absent.count() == 1 and board.absent.itemText(0) == "Nils"  # no real name
    with qtbot.waitSignal(board.consent_changed, timeout=1000):
        board.check_in_button.click()
    present = sessions.get(library.connection, band.id).participants
    assert [p.pseudonym for p in present] == ["Kari", "Nils", "Ola"]
    assert (nils.id, Purpose.RECORD) in board.chips
    with qtbot.waitSignal(board.consent_changed, timeout=1000):
        board.check_out(ola.id)
    present = sessions.get(library.connection, band.id).participants
    assert [p.pseudonym for p in present] == ["Kari", "Nils"]
    assert (ola.id, Purpose.RECORD) not in board.chips
    assert board.absent.itemText(0) == "Ola"


def test_checking_out_someone_heard_on_a_take_is_refused_with_a_notice(qtbot, library, board,
                                                                       people):
    band, ola, _kari, _nils = people
    takes.add_track(library.connection, takes.start(library.connection, band.id, 48000),
                    TrackKind.AUDIO, input=1)
    with qtbot.assertNotEmitted(board.consent_changed):
        board.check_out(ola.id)
    assert "'Ola' can be heard on the takes" in board.notice_text()
    assert ola in sessions.get(library.connection, band.id).participants


def test_a_new_participant_is_added_and_checked_in_with_the_real_name_after_the_pseudonym(
        qtbot, library, board, people):
    band = people[0]
    dialog = board.open_new_participant_dialog()
    dialog.pseudonym.setText("Kari")
    dialog.accept()  # the pseudonym is taken: refused inside the dialog
    assert dialog.isVisible() and "already exists" in dialog.error.text()
    dialog.pseudonym.setText("Siri")
    dialog.real_name.setText("Siri Berg")
    with qtbot.waitSignal(board.consent_changed, timeout=1000):
        dialog.accept()
    assert "Siri" in [p.pseudonym for p in sessions.get(library.connection, band.id).participants]
    labels = [label.text() for label in board.findChildren(type(board.heading))]
    assert "Siri (Siri Berg)" in labels and "Kari (Kari Nordmann)" in labels
    assert not any("Nils Hansen" in text for text in labels)  # absent: no real name shown


def test_every_chip_is_reachable_with_tab_and_named(qtbot, board, people):
    ola = people[1]
    chip = board.chip(ola.id, Purpose.RECORD)
    assert chip.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert chip.accessibleName() == "Ola, Record: never given"
    assert "Click to give consent." in chip.toolTip()


def test_a_row_stamped_in_the_future_counts_and_is_flagged(qtbot, library, board, people):
    _band, ola, kari, _nils = people
    db = library.connection
    consent_ledger.grant(db, ola, [Purpose.GROUP], witness="A")
    two_days_ahead = datetime.now().astimezone() + timedelta(days=2)
    consent_ledger.withdraw(db, ola, [Purpose.GROUP], at=two_days_ahead)
    board.refresh()
    assert board.chip(ola.id, Purpose.GROUP).state is ChipState.WITHDRAWN
    flags = {label.parent(): label for label in board.findChildren(QLabel, "stampedAhead")}
    (flag,) = flags.values()
    assert flag.isVisibleTo(board) and "Clock was ahead" in flag.text()
    assert moment_text(two_days_ahead) in flag.toolTip()  # "8 Dec 2026 21:53"
    assert not board.row(kari.id).ahead


@pytest.fixture
def bridge(library):
    """The studio's events as signals, as the window has them."""
    from mt_studio.ui.bridge import StudioBridge

    made = StudioBridge(studio_of(library))
    yield made
    made.close()


@pytest.fixture
def heard_board(qtbot, library, people, bridge):
    """The board of the band session, listening to the studio as it does in the window."""
    widget = ConsentBoard(studio_of(library), bridge)
    qtbot.addWidget(widget)
    widget.show_session(people[0].id)
    return widget


def test_a_grant_made_in_a_worker_shows_on_the_board_without_a_refresh(qtbot, library,
                                                                        heard_board, people):
    import threading

    _band, ola, _kari, _nils = people
    studio = studio_of(library)
    assert heard_board.chip(ola.id, Purpose.GROUP).state is ChipState.NEVER
    with qtbot.assertNotEmitted(heard_board.consent_changed):  # not made here
        worker = threading.Thread(target=lambda: studio.consent.grant(
            ola.id, [Purpose.GROUP], witness="Therapist B"))
        worker.start()
        worker.join(timeout=10)
        qtbot.waitUntil(lambda: heard_board.chip(ola.id, Purpose.GROUP).state
                        is ChipState.GRANTED)
    assert "Witness: Therapist B" in heard_board.chip(ola.id, Purpose.GROUP).toolTip()


def test_consent_recorded_in_another_panel_shows_on_the_board_and_keeps_the_keys_there(
        qtbot, library, bridge, people):
    from PyQt6.QtWidgets import QApplication, QLineEdit, QTabWidget

    from mt_studio.ui.consent.consent_dialogs import GrantRequest, record_grant

    band, ola, kari, _nils = people
    window = QTabWidget()  # the board and another panel, as the session's tabs
    qtbot.addWidget(window)
    heard_board = ConsentBoard(studio_of(library), bridge)
    heard_board.show_session(band.id)
    elsewhere = QLineEdit()  # a field of the other panel, where the person is typing
    window.addTab(heard_board, "Check-in")
    window.addTab(elsewhere, "Elsewhere")
    window.show()
    qtbot.waitExposed(window)
    heard_board.open_grant_dialog(kari.id, Purpose.KEEP).reject()  # the board's last chip
    window.activateWindow()
    window.setCurrentWidget(elsewhere)
    elsewhere.setFocus()
    qtbot.waitUntil(elsewhere.hasFocus)
    record_grant(studio_of(library), kari, GrantRequest(
        (Purpose.COMMUNITY,), None, "Therapist A", "2026-1", Credit.NAME))  # as Export… does
    qtbot.waitUntil(lambda: heard_board.chip(kari.id, Purpose.COMMUNITY).state
                    is ChipState.GRANTED)
    assert heard_board.row(kari.id).credit is Credit.NAME
    assert heard_board.chip(ola.id, Purpose.COMMUNITY).state is ChipState.NEVER
    assert QApplication.focusWidget() is elsewhere  # the redraw took nobody's keys


def test_people_added_and_checked_in_elsewhere_show_on_the_board(qtbot, library, heard_board,
                                                                 people):
    band, ola, kari, nils = people
    studio = studio_of(library)
    robin = studio.consent.add_participant("Robin", "Robin Dahl")  # in another session
    qtbot.waitUntil(lambda: heard_board.absent.count() == 2)
    assert [heard_board.absent.itemText(i) for i in range(2)] == ["Nils", "Robin"]
    heard_board.absent.setCurrentIndex(1)
    studio.sessions.edit(band.id, present=[ola.id, kari.id, nils.id])  # the session dialog
    qtbot.waitUntil(lambda: (nils.id, Purpose.RECORD) in heard_board.chips)
    assert heard_board.absent.currentData() == robin.id  # the one chosen stays chosen
    studio.sessions.check_out(band.id, ola.id)
    qtbot.waitUntil(lambda: (ola.id, Purpose.RECORD) not in heard_board.chips)


def test_the_board_of_a_group_session_names_who_sent_word_and_who_did_not_come(
        qtbot, library, people, bridge):
    from mt_studio.core.domain.groups import GroupKind

    _band, ola, kari, nils = people
    studio = studio_of(library)
    group = studio.groups.add("Monday band", GroupKind.BAND, [ola.id, kari.id, nils.id],
                              on=date(2026, 9, 1))
    made = studio.sessions.create("Monday band", None, on=date(2026, 11, 9), group_id=group.id)
    widget = ConsentBoard(studio, bridge)
    qtbot.addWidget(widget)
    widget.show_session(made.id)
    assert widget.answers.isHidden()  # everyone came
    studio.groups.attend(made.id, [ola.id], sent_word=[kari.id])
    qtbot.waitUntil(lambda: widget.answers.text() == "Sent word: Kari\nDid not come: Nils")
    assert not widget.answers.isHidden()
    widget.show_session(people[0].id)  # a session of no group
    assert widget.answers.isHidden()

"""The session list and the session dialog against a real library."""

from __future__ import annotations

from datetime import date

import pytest
from PyQt6.QtCore import QDate, Qt, QTimer
from PyQt6.QtWidgets import QAbstractItemView, QApplication

from mt_studio.core.domain import SessionKind, TrackKind
from mt_studio.core.library import participants, sessions, takes
from mt_studio.ui.sessions.session_dialog import SessionDialog
from mt_studio.ui.sessions.session_list import SessionList
from tests.conftest import studio_of


@pytest.fixture
def filled(library):
    db = library.connection
    ola = participants.add(db, "Ola")
    kari = participants.add(db, "Kari", "Kari Nordmann")
    older = sessions.create(db, "Monday choir", SessionKind.CHOIR, on=date(2026, 11, 2),
                            participants=[ola])
    newer = sessions.create(db, "Tuesday band", SessionKind.BAND, on=date(2026, 11, 3),
                            participants=[ola, kari])
    for _ in range(2):
        takes.add_track(db, takes.start(db, newer.id, 48000), TrackKind.AUDIO, input=1)
    return older, newer, ola, kari



def session_list(library) -> SessionList:
    """The session list on LIBRARY's studio, without a bridge (it is refreshed by hand)."""
    widget = SessionList()
    widget.attach(studio_of(library), None)
    return widget

def test_the_list_shows_newest_first_with_kind_and_counts(qtbot, library, filled):
    widget = session_list(library)
    qtbot.addWidget(widget)
    rows = widget.row_texts()
    assert [row[1:] for row in rows] == [
        ["Band", "Tuesday band", "2", "2"],
        ["Choir", "Monday choir", "1", "0"],
    ]
    assert widget.has_sessions()
    counts = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    for row in range(widget.tree.topLevelItemCount()):
        item = widget.tree.topLevelItem(row)
        assert [Qt.AlignmentFlag(item.textAlignment(c)) for c in (3, 4)] == [counts, counts]
        assert item.textAlignment(2) == 0  # the title as the style puts it
    assert widget.tree.selectionMode() == QAbstractItemView.SelectionMode.SingleSelection
    takes.add_track(library.connection, takes.start(library.connection, filled[0].id, 48000),
                    TrackKind.AUDIO, input=1)
    widget.select(filled[0].id)
    widget.refresh()
    assert widget.row_texts()[1][4] == "1"
    assert widget.current_session() == filled[0].id  # the choice survives a refresh


def test_enter_opens_the_chosen_session_and_edit_asks_for_it(qtbot, library, filled):
    older, newer, _ola, _kari = filled
    widget = session_list(library)
    qtbot.addWidget(widget)
    widget.show()
    widget.tree.setFocus()
    widget.select(newer.id)
    qtbot.keyClick(widget.tree, Qt.Key.Key_Down)
    assert widget.current_session() == older.id
    with qtbot.waitSignal(widget.session_chosen, timeout=1000) as chosen:
        qtbot.keyClick(widget.tree, Qt.Key.Key_Return)
    assert chosen.args == [older.id]
    with qtbot.waitSignal(widget.edit_session_requested, timeout=1000) as edit:
        widget.edit_button.click()
    assert edit.args == [older.id]
    with qtbot.waitSignal(widget.new_session_requested, timeout=1000):
        widget.new_button.click()


def test_an_empty_library_lists_nothing_and_cannot_edit(qtbot, library):
    widget = session_list(library)
    qtbot.addWidget(widget)
    assert not widget.has_sessions() and not widget.edit_button.isEnabled()


def test_the_dialog_creates_a_session_from_the_choir_template(qtbot, library, filled):
    _older, _newer, ola, kari = filled
    dialog = SessionDialog(studio_of(library))
    qtbot.addWidget(dialog)
    assert dialog.date.date() == QDate.currentDate()
    dialog.choose_template("choir")
    assert dialog.kind.currentData() is SessionKind.CHOIR
    assert dialog.title.text() == "Choir session"
    dialog.title.setText("Thursday choir")
    dialog.therapist.setText("Therapist A")
    dialog.notes.setPlainText("Warm-up first")
    dialog.set_present([kari.id])
    session = sessions.get(library.connection, dialog.save())
    assert (session.title, session.kind, session.template, session.date) == (
        "Thursday choir", SessionKind.CHOIR, "choir", date.today())
    assert [i.label for i in session.inputs] == ["Room mic left", "Room mic right"]
    assert (session.therapist, session.notes, session.participants) == (
        "Therapist A", "Warm-up first", (kari,))


def test_create_runs_the_dialog_and_returns_the_new_id(qtbot, library):
    def fill_and_accept():
        dialog = QApplication.activeModalWidget()
        dialog.choose_template("band")
        dialog.title.setText("Friday band")
        dialog.accept()

    QTimer.singleShot(0, fill_and_accept)
    created = SessionDialog.create(studio_of(library))
    session = sessions.get(library.connection, created)
    assert (session.title, session.kind, len(session.inputs)) == ("Friday band",
                                                                  SessionKind.BAND, 4)


def test_a_session_without_a_title_is_refused_inside_the_dialog(qtbot, library):
    dialog = SessionDialog(studio_of(library))
    qtbot.addWidget(dialog)
    dialog.title.setText("   ")
    dialog.accept()
    assert not dialog.error.isHidden() and "needs a title" in dialog.error.text()
    assert sessions.all_sessions(library.connection) == []


def test_editing_changes_the_details_and_who_was_present(qtbot, library, filled):
    older, _newer, ola, kari = filled
    dialog = SessionDialog(studio_of(library), older.id)
    qtbot.addWidget(dialog)
    assert dialog.title.text() == "Monday choir" and dialog.present_ids() == [ola.id]
    assert dialog.date.date() == QDate(2026, 11, 2)
    dialog.title.setText("Monday choir (short)")
    dialog.kind.setCurrentIndex(dialog.kind.findData(SessionKind.BAND))
    dialog.set_present([kari.id])
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    edited = sessions.get(library.connection, older.id)
    assert (edited.title, edited.kind, edited.participants) == (
        "Monday choir (short)", SessionKind.BAND, (kari,))


def test_the_dialog_names_participants_by_pseudonym_only(qtbot, library, filled):
    dialog = SessionDialog(studio_of(library))
    qtbot.addWidget(dialog)
    names = [dialog.present.item(i).text() for i in range(dialog.present.count())]
    assert names == ["Kari", "Ola"]


def test_one_click_on_a_session_chooses_it_and_listing_again_chooses_nothing(qtbot, library,
                                                                            filled):
    older, newer, _ola, _kari = filled
    widget = session_list(library)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    chosen = []
    widget.session_chosen.connect(chosen.append)
    tree = widget.tree
    row = next(tree.topLevelItem(i) for i in range(2) if tree.topLevelItem(i).session_id
               == older.id)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton,
                     pos=tree.visualItemRect(row).center())
    assert chosen == [older.id] and widget.current_session() == older.id
    widget.refresh()
    widget.select(newer.id)  # the window's doing: it opens nothing
    assert chosen == [older.id] and widget.current_session() == newer.id


def test_a_new_session_finds_who_is_present_by_a_filter_and_adds_a_new_participant(
        qtbot, library, filled):
    from mt_studio.core.library import participants as people
    from mt_studio.ui.consent.consent_dialogs import NewParticipantDialog

    _older, _newer, ola, kari = filled
    people.add(library.connection, "Øyvind", "Øyvind Berg")
    dialog = SessionDialog(studio_of(library))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.shown_names() == ["Kari", "Ola", "Øyvind"]
    qtbot.keyClicks(dialog.find, "KA")
    assert dialog.shown_names() == ["Kari"]
    qtbot.keyClick(dialog.find, Qt.Key.Key_Return)  # ticks Kari; the dialog stays open
    assert dialog.isVisible() and dialog.present_ids() == [kari.id]
    qtbot.keyClicks(dialog.find, "øY")  # replaces the selected "KA"
    assert dialog.shown_names() == ["Øyvind"]
    dialog.find.setText("Nordmann")  # Kari's real name: not shown here, so not searched
    assert dialog.shown_names() == []

    qtbot.mouseClick(dialog.new_participant_button, Qt.MouseButton.LeftButton)
    new = dialog.findChild(NewParticipantDialog)
    assert new is not None and new.isVisible()
    qtbot.keyClicks(new.pseudonym, "ola")
    new.accept()  # taken, in another letter case: said inside the dialog
    assert new.isVisible() and "already exists" in new.error.text()
    new.pseudonym.clear()
    qtbot.keyClicks(new.pseudonym, "Robin")
    qtbot.keyClick(new.pseudonym, Qt.Key.Key_Return)
    del new  # it closed, and goes once the event loop comes round:
    qtbot.waitUntil(lambda: dialog.findChild(NewParticipantDialog) is None)
    robin = people.find(library.connection, "Robin")
    assert dialog.find.text() == "" and dialog.shown_names() == ["Kari", "Ola", "Robin",
                                                                 "Øyvind"]
    assert dialog.present_ids() == [kari.id, robin.id]

    dialog.title.setText("Drop-in")
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    session = sessions.get(library.connection, dialog.session_id)
    assert [p.pseudonym for p in session.participants] == ["Kari", "Robin"]
    assert ola not in session.participants


def test_what_the_dialog_makes_and_changes_is_heard_by_the_other_windows(qtbot, library,
                                                                         filled):
    from mt_studio.core.studio import AttendanceChanged, ParticipantAdded, SessionChanged

    older, _newer, ola, kari = filled
    studio = studio_of(library)
    heard = []
    unsubscribe = studio.events.subscribe(heard.append)
    try:
        dialog = SessionDialog(studio)
        qtbot.addWidget(dialog)
        dialog.add_participant("Robin", None)
        robin = participants.find(library.connection, "Robin").id
        dialog.choose_template("band")
        dialog.title.setText("Friday band")
        created = dialog.save()
        editing = SessionDialog(studio, older.id)
        qtbot.addWidget(editing)
        editing.set_present([ola.id, kari.id])
        editing.save()
    finally:
        unsubscribe()
    assert heard == [ParticipantAdded(robin), SessionChanged(created),
                     AttendanceChanged(older.id), SessionChanged(older.id)]
    assert [p.pseudonym for p in sessions.get(library.connection, created).participants] == [
        "Robin"]


@pytest.fixture
def band_group(library, studio, filled):
    """The group "Tuesday band": Ola and Kari from 1 Sept 2026, Øyvind from 1 Dec 2026."""
    from mt_studio.core.domain.groups import GroupKind

    _older, _newer, ola, kari = filled
    oyvind = participants.add(library.connection, "Øyvind")
    group = studio.groups.add("Tuesday band", GroupKind.BAND, [ola.id, kari.id],
                              on=date(2026, 9, 1))
    return studio.groups.join(group.id, oyvind.id, on=date(2026, 12, 1)), ola, kari, oyvind


def test_a_new_session_of_a_group_has_its_kind_and_its_members_that_day_ticked(
        qtbot, studio, band_group):
    group, ola, kari, _oyvind = band_group
    dialog = SessionDialog(studio)
    qtbot.addWidget(dialog)
    dialog.choose_template("choir")
    dialog.date.setDate(QDate(2026, 11, 10))  # before Øyvind joined
    dialog.choose_group("Tuesday band")
    assert dialog.kind.currentData() is SessionKind.BAND
    assert dialog.template.currentData().session_kind is SessionKind.BAND
    assert dialog.title.text() == "Tuesday band"
    assert dialog.present_ids() == [kari.id, ola.id]
    dialog.set_present([ola.id])  # Kari is not here today
    session = studio.sessions.get(dialog.save())
    assert (session.group_id, session.kind, session.date) == (group.id, SessionKind.BAND,
                                                              date(2026, 11, 10))
    assert [p.id for p in session.participants] == [ola.id]


def test_check_in_of_a_group_session_stores_the_three_answers_and_shows_them_again(
        qtbot, studio, band_group):
    from mt_studio.core.domain.groups import Answer

    group, ola, kari, oyvind = band_group
    robin = studio.consent.add_participant("Robin", None)
    made = studio.sessions.create("Band", None, on=date(2026, 12, 8), group_id=group.id)
    dialog = SessionDialog(studio, made.id)
    qtbot.addWidget(dialog)
    assert not dialog.group.isEnabled() and dialog.group.currentText() == "Tuesday band"
    assert dialog.answers.answers() == {kari.id: Answer.PRESENT, ola.id: Answer.PRESENT,
                                        oyvind.id: Answer.PRESENT}
    dialog.answers.choose(kari.id, Answer.SENT_WORD)
    dialog.answers.choose(oyvind.id, Answer.ABSENT)
    dialog.answers.add_guest(robin.id)  # came along with Ola
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    stored = {e.pseudonym: e.answer for e in studio.groups.expected(made.id)}
    assert stored == {"Kari": Answer.SENT_WORD, "Ola": Answer.PRESENT,
                      "Robin": Answer.PRESENT, "Øyvind": Answer.ABSENT}
    again = SessionDialog(studio, made.id)
    qtbot.addWidget(again)
    assert again.answers.answers() == {e.participant_id: e.answer
                                       for e in studio.groups.expected(made.id)}
    assert again.answers.buttons[(kari.id, Answer.SENT_WORD)].isChecked()


def test_someone_heard_on_a_take_stays_present_and_the_dialog_says_why(qtbot, library, studio,
                                                                        band_group):
    from mt_studio.core.domain.groups import Answer

    group, ola, kari, _oyvind = band_group
    made = studio.sessions.create("Band", None, on=date(2026, 11, 10), group_id=group.id)
    db = library.connection
    takes.add_track(db, takes.start(db, made.id, 48000), TrackKind.AUDIO, input=1)
    dialog = SessionDialog(studio, made.id)
    qtbot.addWidget(dialog)
    dialog.answers.choose(ola.id, Answer.ABSENT)
    dialog.title.setText("Band, renamed")
    dialog.accept()
    assert not dialog.error.isHidden() and dialog.result() != dialog.DialogCode.Accepted
    assert "'Ola' can be heard on the takes" in dialog.error.text()
    assert dialog.answers.answers()[ola.id] is Answer.ABSENT  # what was chosen stays
    assert dialog.title.text() == "Band, renamed"
    assert {e.pseudonym: e.answer for e in studio.groups.expected(made.id)} == {
        "Kari": Answer.PRESENT, "Ola": Answer.PRESENT}
    assert studio.sessions.get(made.id).title == "Band"

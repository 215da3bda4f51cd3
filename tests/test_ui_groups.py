"""The groups dialog against a real library: groups made, members joining and leaving, the
studio's refusals shown inside the dialogs, and redraws on changes made elsewhere."""

from __future__ import annotations

from datetime import date

import pytest
from PyQt6.QtCore import QDate
from PyQt6.QtWidgets import QWidget

from mt_studio.core.domain.groups import GroupKind
from mt_studio.ui.bridge import StudioBridge
from mt_studio.ui.groups import open_groups
from mt_studio.ui.groups.group_forms import JoinDialog, LeaveDialog, NewGroupDialog
from mt_studio.ui.groups.groups_dialog import GroupsDialog


@pytest.fixture
def people(studio):
    return {name: studio.consent.add_participant(name, None).id
            for name in ("Ola", "Kari", "Øyvind", "Robin")}


def groups_dialog(qtbot, studio) -> GroupsDialog:
    dialog = GroupsDialog(studio, StudioBridge(studio))
    qtbot.addWidget(dialog)
    return dialog


def test_a_group_made_in_the_dialog_with_members_is_in_the_studio(qtbot, studio, people):
    dialog = groups_dialog(qtbot, studio)
    assert dialog.group_rows() == [] and not dialog.join_button.isEnabled()
    new = dialog.open_new_group()
    assert isinstance(new, NewGroupDialog)
    qtbot.keyClicks(new.name, "Tuesday band")
    new.kind.setCurrentIndex(new.kind.findData(GroupKind.BAND))
    new.joined.setDate(QDate(2026, 9, 1))
    new.members.find.setText("ka")
    assert new.members.shown_names() == ["Kari"]
    new.members.tick([people["Kari"], people["Robin"]])  # Robin ticked while hidden
    new.members.find.clear()
    new.accept()
    assert new.result() == new.DialogCode.Accepted
    [group] = studio.groups.all()
    assert (group.name, group.kind) == ("Tuesday band", GroupKind.BAND)
    assert sorted((m.pseudonym, m.joined, m.left) for m in group.memberships) == [
        ("Kari", date(2026, 9, 1), None), ("Robin", date(2026, 9, 1), None)]
    qtbot.waitUntil(lambda: dialog.group_rows() == [["Tuesday band", "Band", "2"]])
    assert dialog.current_group() == group.id
    assert [row[0] for row in dialog.member_rows()] == ["Kari", "Robin"]


def test_a_name_taken_is_refused_inside_the_new_group_dialog_with_the_fields_kept(
        qtbot, studio, people):
    studio.groups.add("Choir", GroupKind.CHOIR)
    dialog = groups_dialog(qtbot, studio)
    new = dialog.open_new_group()
    new.name.setText("choir")
    new.members.tick([people["Ola"]])
    new.accept()
    assert new.isVisible() and new.error.isVisible()
    assert "already exists" in new.error.text()
    assert (new.name.text(), new.members.ticked_ids()) == ("choir", [people["Ola"]])
    assert [g.name for g in studio.groups.all()] == ["Choir"]


def test_a_member_joining_twice_is_refused_in_words_and_nothing_changes(qtbot, studio, people):
    group = studio.groups.add("Band", GroupKind.BAND, [people["Ola"]], on=date(2026, 9, 1))
    dialog = groups_dialog(qtbot, studio)
    join = dialog.open_join()
    assert isinstance(join, JoinDialog)
    join.choose(people["Ola"])
    join.day.setDate(QDate(2026, 10, 1))
    join.accept()
    assert join.isVisible() and join.error.isVisible()
    assert join.error.text() == "'Ola' is already a member of 'Band' (since 2026-09-01)."
    assert join.person.currentText() == "Ola" and join.day.date() == QDate(2026, 10, 1)
    assert studio.groups.get(group.id).memberships == group.memberships


def test_a_member_added_and_leaving_through_the_dialog(qtbot, studio, people):
    group = studio.groups.add("Band", GroupKind.BAND, [people["Ola"]], on=date(2026, 9, 1))
    dialog = groups_dialog(qtbot, studio)
    join = dialog.open_join()
    join.person.setEditText("kari")  # typed, in any letter case
    join.day.setDate(QDate(2026, 10, 1))
    join.accept()
    assert join.result() == join.DialogCode.Accepted
    qtbot.waitUntil(lambda: [r[0] for r in dialog.member_rows()] == ["Kari", "Ola"])
    assert dialog.group_rows()[0][2] == "2"
    dialog.choose_member(people["Ola"])
    leave = dialog.open_leave()
    assert isinstance(leave, LeaveDialog)
    leave.day.setDate(QDate(2026, 8, 1))  # before Ola joined: refused, shown
    leave.accept()
    assert leave.isVisible() and "cannot leave before" in leave.error.text()
    leave.day.setDate(QDate(2026, 11, 2))
    leave.accept()
    assert leave.result() == leave.DialogCode.Accepted
    spells = {m.pseudonym: (m.joined, m.left) for m in studio.groups.get(group.id).memberships}
    assert spells == {"Ola": (date(2026, 9, 1), date(2026, 11, 2)),
                      "Kari": (date(2026, 10, 1), None)}
    qtbot.waitUntil(lambda: dialog.member_rows()[-1][0] == "Ola"
                    and dialog.member_rows()[-1][2] != "—")
    assert dialog.group_rows()[0][2] == "1"


def test_the_dialog_redraws_on_groups_and_participants_made_elsewhere(qtbot, studio, people):
    dialog = groups_dialog(qtbot, studio)
    studio.groups.add("Choir", GroupKind.CHOIR, [people["Kari"]])
    qtbot.waitUntil(lambda: dialog.group_rows() == [["Choir", "Choir", "1"]])
    studio.consent.add_participant("Sam", None)
    join = dialog.open_join()
    assert join.person.findText("Sam") >= 0


def test_the_service_menu_opens_the_groups_over_the_window(qtbot, studio):
    window = QWidget()  # what open_groups needs of the main window: its studio and bridge
    window.studio, window.bridge = studio, StudioBridge(studio)
    qtbot.addWidget(window)
    window.show()
    studio.groups.add("Band", GroupKind.BAND)
    dialog = open_groups(window)
    assert dialog.isVisible() and dialog.parent() is window
    assert dialog.group_rows() == [["Band", "Band", "0"]]
    dialog.close()

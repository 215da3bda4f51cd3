"""The small dialogs of the groups: a new group with its members, someone joining, someone
leaving. Each applies its change through the studio and shows a refusal inside itself, with
everything typed still there."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PyQt6.QtCore import QDate, Qt
from PyQt6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mt_studio.core.domain import Participant
from mt_studio.core.domain.groups import Group, GroupKind
from mt_studio.core.errors import InputError
from mt_studio.i18n import _, ngettext
from mt_studio.ui.common.applying_dialog import ApplyingDialog
from mt_studio.ui.common.dialog_buttons import ok_cancel

if TYPE_CHECKING:
    from mt_studio.core.studio import Studio


def group_kind_label(kind: GroupKind) -> str:
    """"Band" or "Choir", in the session list's words."""
    return {GroupKind.BAND: _("Band"), GroupKind.CHOIR: _("Choir")}[kind]


def day_field(accessible_name: str, day: date | None = None) -> QDateEdit:
    """A date field with a calendar, on DAY (default: today)."""
    field = QDateEdit(QDate(day.year, day.month, day.day) if day else QDate.currentDate())
    field.setCalendarPopup(True)
    field.setAccessibleName(accessible_name)
    return field


class PeoplePicker(QWidget):
    """Participants to tick, by pseudonym, with a field that shows only those it finds;
    everyone ticked stays ticked while hidden."""

    def __init__(self, people: list[Participant], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._people = {p.id: p for p in people}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.find = QLineEdit()
        self.find.setClearButtonEnabled(True)
        self.find.setPlaceholderText(_("Find by pseudonym"))
        self.find.setAccessibleName(_("Find a participant"))
        self.find.textChanged.connect(self._filter)
        self.list = QListWidget()
        self.list.setAccessibleName(_("Members"))
        self.list.setToolTip(_("Tick everyone who plays in the group. Space ticks the chosen "
                               "name."))
        for person in people:
            item = QListWidgetItem(person.pseudonym)
            item.setData(Qt.ItemDataRole.UserRole, person.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.ticked = QLabel()
        self.ticked.setWordWrap(True)
        self.ticked.setTextFormat(Qt.TextFormat.PlainText)
        self.ticked.setAccessibleName(_("Ticked as members"))
        self.list.itemChanged.connect(self._show_ticked)
        self._show_ticked()
        layout.addWidget(self.find)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.ticked)

    def tick(self, participant_ids: list[int]) -> None:
        """Tick exactly these participants."""
        for item in self._items():
            ticked = item.data(Qt.ItemDataRole.UserRole) in participant_ids
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)

    def ticked_ids(self) -> list[int]:
        """The participants ticked, top to bottom."""
        return [item.data(Qt.ItemDataRole.UserRole) for item in self._items()
                if item.checkState() == Qt.CheckState.Checked]

    def shown_names(self) -> list[str]:
        """The pseudonyms the find field leaves in sight."""
        return [item.text() for item in self._items() if not item.isHidden()]

    def _items(self) -> list[QListWidgetItem]:
        return [self.list.item(i) for i in range(self.list.count())]

    def _filter(self, text: str) -> None:
        for item in self._items():
            item.setHidden(not self._people[item.data(Qt.ItemDataRole.UserRole)].found_by(text))

    def _show_ticked(self, *_changed: object) -> None:
        names = [self._people[i].pseudonym for i in self.ticked_ids()]
        self.ticked.setText(ngettext("{n} member: {names}", "{n} members: {names}",
                                     len(names)).format(n=len(names), names=", ".join(names))
                            if names else _("Nobody is ticked yet."))


class NewGroupDialog(ApplyingDialog):
    """A new band or choir: its name, kind and members (joining today, or on the day given)."""

    def __init__(self, studio: Studio, parent: QWidget | None = None) -> None:
        super().__init__(_("New group"), parent)
        self.studio = studio
        self.group: Group | None = None
        form = QFormLayout()
        self.name = QLineEdit()
        self.name.setAccessibleName(_("Group name"))
        form.addRow(_("Name"), self.name)
        self.kind = QComboBox()
        for kind in GroupKind:
            self.kind.addItem(group_kind_label(kind), kind)
        self.kind.setAccessibleName(_("Kind of group"))
        form.addRow(_("Kind"), self.kind)
        self.joined = day_field(_("Members joined on"))
        form.addRow(_("Members joined on"), self.joined)
        self.members = PeoplePicker(studio.consent.participants())
        form.addRow(_("Members"), self.members)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(ok_cancel(self, _("Create group")))
        self.resize(self.fontMetrics().averageCharWidth() * 80, self.sizeHint().height())

    def _apply(self) -> None:
        self.group = self.studio.groups.add(self.name.text(), self.kind.currentData(),
                                            self.members.ticked_ids(),
                                            on=self.joined.date().toPyDate())


class JoinDialog(ApplyingDialog):
    """Someone joins GROUP from a day: everyone is offered; the studio refuses a member."""

    def __init__(self, studio: Studio, group: Group, parent: QWidget | None = None) -> None:
        super().__init__(_("Add a member to {group}").format(group=group.name), parent)
        self.studio = studio
        self.group_id = group.id
        form = QFormLayout()
        self.person = QComboBox()
        self.person.setEditable(True)  # typing part of a pseudonym finds it
        self.person.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.person.setAccessibleName(_("Participant"))
        for participant in studio.consent.participants():
            self.person.addItem(participant.pseudonym, participant.id)
        form.addRow(_("Participant"), self.person)
        self.day = day_field(_("Joins on"))
        form.addRow(_("Joins on"), self.day)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(ok_cancel(self, _("Add member")))

    def choose(self, participant_id: int) -> None:
        """Choose the participant PARTICIPANT_ID."""
        self.person.setCurrentIndex(self.person.findData(participant_id))

    def _apply(self) -> None:
        index = self.person.findText(self.person.currentText(), Qt.MatchFlag.MatchFixedString)
        if index < 0:
            raise InputError(_("Nobody is called {name}: choose a participant from the "
                               "list.").format(name=self.person.currentText()))
        self.studio.groups.join(self.group_id, self.person.itemData(index),
                                on=self.day.date().toPyDate())


class LeaveDialog(ApplyingDialog):
    """PARTICIPANT leaves GROUP on a day; its sessions from then on no longer expect them."""

    def __init__(self, studio: Studio, group: Group, participant_id: int, pseudonym: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("{who} leaves {group}").format(who=pseudonym, group=group.name),
                         parent)
        self.studio = studio
        self.group_id = group.id
        self.participant_id = participant_id
        form = QFormLayout()
        self.day = day_field(_("Leaves on"))
        form.addRow(_("Leaves on"), self.day)
        note = QLabel(_("Sessions of the group from this day on no longer expect {who}.")
                      .format(who=pseudonym))
        note.setWordWrap(True)
        note.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(ok_cancel(self, _("Leaves")))

    def _apply(self) -> None:
        self.studio.groups.leave(self.group_id, self.participant_id,
                                 on=self.day.date().toPyDate())

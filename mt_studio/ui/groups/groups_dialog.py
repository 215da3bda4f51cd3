"""The groups dialog: the service's bands and choirs with their members now, and for the
chosen group every spell of membership (joined, left), with a new group, a member added and a
member leaving. It redraws when a group or a participant is added or changed anywhere."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mt_studio.core.domain.groups import Group, Membership
from mt_studio.i18n import _
from mt_studio.ui.common.dates import day_text
from mt_studio.ui.common.dialog_buttons import translate
from mt_studio.ui.common.redraw_soon import redraw_soon
from mt_studio.ui.groups.group_forms import (
    JoinDialog,
    LeaveDialog,
    NewGroupDialog,
    group_kind_label,
)

if TYPE_CHECKING:
    from mt_studio.core.studio import Studio
    from mt_studio.ui.bridge import StudioBridge


class GroupsDialog(QDialog):
    """The groups of STUDIO, redrawn on BRIDGE's `group_changed` and `participant_added`."""

    def __init__(self, studio: Studio, bridge: StudioBridge | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.studio = studio
        self.setWindowTitle(_("Groups"))
        self._groups: dict[int, Group] = {}
        self._redraw_soon = redraw_soon(self, lambda: self.studio, self.refresh)
        layout = QHBoxLayout()

        left = QVBoxLayout()
        self.groups = QTreeWidget()
        self.groups.setHeaderLabels([_("Group"), _("Kind"), _("Members now")])
        self.groups.setRootIsDecorated(False)
        self.groups.headerItem().setTextAlignment(
            2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.groups.setAccessibleName(_("Groups"))
        self.groups.currentItemChanged.connect(lambda *_items: self._show_members())
        self.new_button = QPushButton(_("New group…"))
        self.new_button.setAccessibleName(_("New group"))
        self.new_button.clicked.connect(lambda: self.open_new_group())
        left.addWidget(self.groups, 1)
        left.addWidget(self.new_button)

        right = QVBoxLayout()
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.heading.setFont(font)
        self.members = QTreeWidget()
        self.members.setHeaderLabels([_("Member"), _("Joined"), _("Left")])
        self.members.setRootIsDecorated(False)
        self.members.setAccessibleName(_("Members of the group"))
        self.members.currentItemChanged.connect(lambda *_items: self._enable())
        self.join_button = QPushButton(_("Add a member…"))
        self.join_button.setAccessibleName(_("Add a member"))
        self.join_button.clicked.connect(lambda: self.open_join())
        self.leave_button = QPushButton(_("Leaves…"))
        self.leave_button.setAccessibleName(_("The chosen member leaves"))
        self.leave_button.setToolTip(_("The chosen member leaves the group on a day you give."))
        self.leave_button.clicked.connect(lambda: self.open_leave())
        buttons = QHBoxLayout()
        buttons.addWidget(self.join_button)
        buttons.addWidget(self.leave_button)
        buttons.addStretch(1)
        right.addWidget(self.heading)
        right.addWidget(self.members, 1)
        right.addLayout(buttons)

        layout.addLayout(left, 1)
        layout.addLayout(right, 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        translate(close)
        close.rejected.connect(self.reject)
        outer = QVBoxLayout(self)
        outer.addLayout(layout, 1)
        outer.addWidget(close)
        if bridge is not None:
            bridge.group_changed.connect(lambda _id: self._redraw_soon.start())
            bridge.participant_added.connect(lambda _id: self._redraw_soon.start())
        self.refresh()
        width = self.fontMetrics().averageCharWidth()
        self.resize(width * 130, self.fontMetrics().height() * 32)

    def refresh(self) -> None:
        """Read the groups again; the chosen group stays chosen."""
        self._redraw_soon.stop()
        chosen = self.current_group()
        self._groups = {group.id: group for group in self.studio.groups.all()}
        today = date.today()
        self.groups.clear()
        for group in self._groups.values():
            item = QTreeWidgetItem([group.name, group_kind_label(group.kind),
                                    str(len({m.participant_id
                                             for m in group.members_on(today)}))])
            item.setData(0, Qt.ItemDataRole.UserRole, group.id)
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.groups.addTopLevelItem(item)
        for column in range(2):
            self.groups.resizeColumnToContents(column)
        self.select(chosen if chosen in self._groups else next(iter(self._groups), None))
        self._show_members()

    def select(self, group_id: int | None) -> None:
        """Choose the group GROUP_ID (None: none)."""
        for row in range(self.groups.topLevelItemCount()):
            item = self.groups.topLevelItem(row)
            if item.data(0, Qt.ItemDataRole.UserRole) == group_id:
                self.groups.setCurrentItem(item)
                return
        self.groups.setCurrentItem(None)

    def current_group(self) -> int | None:
        """The id of the group chosen, or None."""
        item = self.groups.currentItem()
        return None if item is None else item.data(0, Qt.ItemDataRole.UserRole)

    def group_rows(self) -> list[list[str]]:
        """The groups as shown: name, kind, members now."""
        return [[item.text(c) for c in range(3)]
                for item in map(self.groups.topLevelItem, range(self.groups.topLevelItemCount()))]

    def member_rows(self) -> list[list[str]]:
        """The chosen group's spells of membership as shown: member, joined, left."""
        return [[item.text(c) for c in range(3)]
                for item in map(self.members.topLevelItem,
                                range(self.members.topLevelItemCount()))]

    def choose_member(self, participant_id: int) -> None:
        """Choose the chosen group's current spell of PARTICIPANT_ID."""
        for row in range(self.members.topLevelItemCount()):
            item = self.members.topLevelItem(row)
            spell: Membership = item.data(0, Qt.ItemDataRole.UserRole)
            if spell.participant_id == participant_id and spell.left is None:
                self.members.setCurrentItem(item)
                return
        raise KeyError(participant_id)

    def open_new_group(self) -> NewGroupDialog:
        """Open (without blocking) the dialog that makes a group."""
        dialog = NewGroupDialog(self.studio, self)
        dialog.accepted.connect(lambda: dialog.group and self._made(dialog.group.id))
        return self._open(dialog)

    def open_join(self) -> JoinDialog | None:
        """Open (without blocking) the dialog that adds a member to the chosen group."""
        group = self._groups.get(self.current_group())
        return None if group is None else self._open(JoinDialog(self.studio, group, self))

    def open_leave(self) -> LeaveDialog | None:
        """Open (without blocking) the dialog in which the chosen member leaves."""
        group = self._groups.get(self.current_group())
        item = self.members.currentItem()
        if group is None or item is None:
            return None
        spell: Membership = item.data(0, Qt.ItemDataRole.UserRole)
        return self._open(LeaveDialog(self.studio, group, spell.participant_id, spell.pseudonym,
                                      self))

    def _open(self, dialog: QDialog):
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _made(self, group_id: int) -> None:
        self.refresh()
        self.select(group_id)

    def _show_members(self) -> None:
        group = self._groups.get(self.current_group())
        self.members.clear()
        if group is None:
            self.heading.setText(_("No groups yet: make one with \u201cNew group…\u201d.")
                                 if not self._groups else "")
        else:
            self.heading.setText(_("{group} ({kind})").format(
                group=group.name, kind=group_kind_label(group.kind)))
            spells = sorted(group.memberships,
                            key=lambda m: (m.left is not None, m.pseudonym.casefold(), m.joined))
            for spell in spells:
                item = QTreeWidgetItem([spell.pseudonym, day_text(spell.joined),
                                        day_text(spell.left) if spell.left else "—"])
                item.setData(0, Qt.ItemDataRole.UserRole, spell)
                self.members.addTopLevelItem(item)
            for column in range(3):
                self.members.resizeColumnToContents(column)
        self._enable()

    def _enable(self) -> None:
        self.join_button.setEnabled(self.current_group() is not None)
        item = self.members.currentItem()
        spell = None if item is None else item.data(0, Qt.ItemDataRole.UserRole)
        self.leave_button.setEnabled(spell is not None and spell.left is None)

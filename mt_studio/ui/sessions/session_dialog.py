"""The dialog that creates a session from a template, or edits one: title, date, its group, who
is present (found by a filter, or added there as a new participant); for a session of a group,
everyone expected with their answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt6.QtCore import QDate, Qt, pyqtSignal
from PyQt6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mt_studio.core.domain import Participant, SessionKind, lookup_key
from mt_studio.core.domain.groups import Answer, Group
from mt_studio.core.domain.sessions import Session
from mt_studio.core.presets import PresetCatalog, SessionTemplate
from mt_studio.i18n import _, ngettext
from mt_studio.ui.common.applying_dialog import ApplyingDialog
from mt_studio.ui.common.dates import day_edit
from mt_studio.ui.common.dialog_buttons import ok_cancel
from mt_studio.ui.consent.consent_dialogs import NewParticipantDialog
from mt_studio.ui.sessions.session_list import kind_label

if TYPE_CHECKING:
    from mt_studio.core.studio import Studio


class _FindField(QLineEdit):
    """A filter field whose Enter is its own (`entered`), not the dialog's OK."""

    entered = pyqtSignal()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.entered.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class SessionDialog(ApplyingDialog):
    """Create a session (SESSION_ID None) from a template, or edit session SESSION_ID.

    `save()` applies the fields and returns the session's id; OK calls it and shows a refusal
    inside the dialog. `create` and `edit` run the dialog modally for the main window.
    """

    def __init__(self, studio: Studio, session_id: int | None = None,
                 parent: QWidget | None = None, catalog: PresetCatalog | None = None) -> None:
        editing = studio.sessions.get(session_id) if session_id else None
        super().__init__(_("Edit session") if editing else _("New session"), parent)
        self.studio = studio
        self.session_id = session_id
        layout = QVBoxLayout(self)
        form = QFormLayout()

        self.template = QComboBox()
        self.template.setAccessibleName(_("Template"))
        self.template.setToolTip(_("A starting point: the kind of session and its inputs."))
        self._template_title = ""
        problems: list[str] = []
        if editing is None:
            catalog = catalog or PresetCatalog.default()
            for template in catalog.session_templates():
                self.template.addItem(template.title, template)
            self.template.addItem(_("No template"), None)
            problems = [str(problem) for problem in catalog.problems()]
            form.addRow(_("Start from"), self.template)
        self.group = QComboBox()  # the band or choir whose session it is
        self.group.setAccessibleName(_("Group"))
        self.group.setToolTip(_("A session of a group is of the group's kind and expects its "
                                "members."))
        group = studio.groups.get(editing.group_id) if editing and editing.group_id else None
        if editing is None:
            self.group.addItem(_("No group"), None)
            for each in studio.groups.all():
                self.group.addItem(each.name, each)
            form.addRow(_("Group"), self.group)
        elif group is not None:  # a session stays its group's
            self.group.addItem(group.name, group)
            self.group.setEnabled(False)
            form.addRow(_("Group"), self.group)

        self.kind = QComboBox()
        for kind in SessionKind:
            self.kind.addItem(kind_label(kind), kind)
        self.kind.setAccessibleName(_("Kind of session"))
        form.addRow(_("Kind"), self.kind)

        self.title = QLineEdit()
        self.title.setAccessibleName(_("Title"))
        form.addRow(_("Title"), self.title)

        self.date = day_edit(name=_("Date"))
        form.addRow(_("Date"), self.date)

        self.therapist = QLineEdit()
        self.therapist.setAccessibleName(_("Therapist"))
        form.addRow(_("Therapist"), self.therapist)

        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setAccessibleName(_("Notes"))
        self.notes.setToolTip(_("Kept in the library with the session; never exported."))
        self.notes.setMaximumHeight(self.fontMetrics().height() * 5)
        form.addRow(_("Notes"), self.notes)

        self.find = _FindField()
        self.find.setClearButtonEnabled(True)
        self.find.setPlaceholderText(_("Find by pseudonym"))
        self.find.setAccessibleName(_("Find a participant"))
        self.find.setToolTip(_("Type part of a pseudonym to show only those who match; Enter "
                               "ticks the first of them. Everyone ticked stays ticked."))
        self.find.textChanged.connect(self._filter)
        self.find.entered.connect(self._tick_first_found)
        self.new_participant_button = QPushButton(_("New participant…"))
        self.new_participant_button.setAccessibleName(_("Add a new participant"))
        self.new_participant_button.setToolTip(_("Add someone who is not in the list yet; they "
                                                 "are ticked as present."))
        self.new_participant_button.clicked.connect(self.open_new_participant_dialog)
        find_line = QHBoxLayout()
        find_line.addWidget(self.find, 1)
        find_line.addWidget(self.new_participant_button)
        self.present = QListWidget()
        self.present.setAccessibleName(_("Participants present"))
        self.present.setToolTip(_("Tick everyone who is here. Space ticks the chosen name."))
        self._people: dict[int, Participant] = {}
        for participant in studio.consent.participants():
            self._add_item(participant, ticked=False)
        self.ticked = QLabel()  # who is ticked, also those the filter hides
        self.ticked.setWordWrap(True)
        self.ticked.setTextFormat(Qt.TextFormat.PlainText)
        self.ticked.setAccessibleName(_("Ticked as present"))
        self.present.itemChanged.connect(self._show_ticked)
        self._show_ticked()
        present_column = QVBoxLayout()
        present_column.addLayout(find_line)
        present_column.addWidget(self.present)
        present_column.addWidget(self.ticked)
        form.addRow(_("Present"), present_column)
        self.answers = None  # a group's session: everyone expected, and their answers
        if group is not None:
            from mt_studio.ui.groups.answers_panel import AnswersPanel

            form.setRowVisible(present_column, False)
            self.answers = AnswersPanel(studio.groups.expected(session_id),
                                        studio.consent.participants())
            form.addRow(_("Check-in"), self.answers)
        layout.addLayout(form)

        if problems:
            note = QLabel(_("Some templates could not be read and are left out:") + "\n"
                          + "\n".join(problems))
            note.setWordWrap(True)
            note.setTextFormat(Qt.TextFormat.PlainText)
            layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(ok_cancel(self, _("Save") if editing else _("Create session")))

        if editing is None:
            self.template.currentIndexChanged.connect(self._template_chosen)
            self._template_chosen()
            self.group.currentIndexChanged.connect(self._group_chosen)
        else:
            self._fill(editing)
        self.resize(max(self.sizeHint().width(), self.fontMetrics().averageCharWidth() * 80),
                    self.sizeHint().height())

    def _fill(self, session: Session) -> None:
        self.kind.setCurrentIndex(self.kind.findData(session.kind))
        self.title.setText(session.title)
        self.date.setDate(QDate(session.date.year, session.date.month, session.date.day))
        self.therapist.setText(session.therapist or "")
        self.notes.setPlainText(session.notes)
        self.set_present([p.id for p in session.participants])

    def _template_chosen(self) -> None:
        template: SessionTemplate | None = self.template.currentData()
        if template is None:
            return
        self.kind.setCurrentIndex(self.kind.findData(template.session_kind))
        if self.title.text() in ("", self._template_title):
            self.title.setText(template.title)
        self._template_title = template.title

    def _group_chosen(self) -> None:
        """The group's kind (from a template of that kind, if the one chosen is not), its
        name as the title, and its members that day ticked as present."""
        group: Group | None = self.group.currentData()
        if group is None:
            return
        kind = SessionKind(group.kind.value)
        template: SessionTemplate | None = self.template.currentData()
        if template is not None and template.session_kind is not kind:
            index = next((i for i in range(self.template.count())
                          if getattr(self.template.itemData(i), "session_kind", None) is kind),
                         self.template.currentIndex())
            self.template.setCurrentIndex(index)
        self.kind.setCurrentIndex(self.kind.findData(kind))
        if self.title.text() in ("", self._template_title):
            self.title.setText(group.name)
            self._template_title = group.name
        self.set_present([m.participant_id
                          for m in group.members_on(self.date.date().toPyDate())])

    def choose_group(self, name: str) -> None:
        """Make a session of the group called NAME."""
        index = next(i for i in range(1, self.group.count())
                     if self.group.itemData(i).name == name)
        self.group.setCurrentIndex(index)

    def choose_template(self, name: str) -> None:
        """Start from the template called NAME."""
        for index in range(self.template.count()):
            template = self.template.itemData(index)
            if template is not None and template.name == name:
                self.template.setCurrentIndex(index)
                return
        raise KeyError(name)

    def set_present(self, participant_ids: list[int]) -> None:
        """Tick exactly these participants as present."""
        for index in range(self.present.count()):
            item = self.present.item(index)
            ticked = item.data(Qt.ItemDataRole.UserRole) in participant_ids
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)

    def shown_names(self) -> list[str]:
        """The pseudonyms the filter leaves in sight, top to bottom."""
        items = (self.present.item(i) for i in range(self.present.count()))
        return [item.text() for item in items if not item.isHidden()]

    def open_new_participant_dialog(self) -> NewParticipantDialog:
        """Open (without blocking) the dialog that adds a participant, ticked as present."""
        dialog = NewParticipantDialog(self.add_participant, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def add_participant(self, pseudonym: str, real_name: str | None) -> None:
        """Add a participant to the library and tick them as present; InputError if the
        pseudonym is taken. They stay in the library even if this dialog is cancelled."""
        participant = self.studio.consent.add_participant(pseudonym, real_name)
        self.find.clear()
        item = self._add_item(participant, ticked=True)
        self.present.setCurrentItem(item)
        self.present.scrollToItem(item)

    def _add_item(self, participant: Participant, *, ticked: bool) -> QListWidgetItem:
        """A ticked or unticked row for PARTICIPANT, in pseudonym order."""
        self._people[participant.id] = participant
        item = QListWidgetItem(participant.pseudonym)
        item.setData(Qt.ItemDataRole.UserRole, participant.id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
        key = lookup_key(participant.pseudonym)
        row = next((i for i in range(self.present.count())
                    if lookup_key(self.present.item(i).text()) > key), self.present.count())
        self.present.insertItem(row, item)
        return item

    def _tick_first_found(self) -> None:
        """Enter in the filter ticks (or unticks) the first participant found."""
        found = [self.present.item(i) for i in range(self.present.count())
                 if not self.present.item(i).isHidden()]
        if found:
            ticked = found[0].checkState() == Qt.CheckState.Checked
            found[0].setCheckState(Qt.CheckState.Unchecked if ticked else Qt.CheckState.Checked)
        self.find.selectAll()

    def _show_ticked(self, *_changed: object) -> None:
        ids = set(self.present_ids())
        names = [p.pseudonym for p in self._people.values() if p.id in ids]
        names.sort(key=lookup_key)
        self.ticked.setText(ngettext("{n} present: {names}", "{n} present: {names}",
                                     len(names)).format(n=len(names), names=", ".join(names))
                            if names else _("Nobody is ticked as present yet."))

    def _filter(self, text: str) -> None:
        for index in range(self.present.count()):
            item = self.present.item(index)
            person = self._people[item.data(Qt.ItemDataRole.UserRole)]
            item.setHidden(not person.found_by(text))

    def present_ids(self) -> list[int]:
        """The participants ticked as present."""
        items = (self.present.item(i) for i in range(self.present.count()))
        return [item.data(Qt.ItemDataRole.UserRole) for item in items
                if item.checkState() == Qt.CheckState.Checked]

    def save(self) -> int:
        """Create or update the session from the fields; InputError says what is wrong."""
        present = self.present_ids()
        fields = {
            "kind": self.kind.currentData(),
            "on": self.date.date().toPyDate(),
            "therapist": self.therapist.text(),
            "notes": self.notes.toPlainText(),
        }
        if self.session_id is not None:
            if self.answers is not None:  # first: someone heard on takes cannot be taken off
                self.studio.groups.attend(self.session_id, self.answers.chosen(Answer.PRESENT),
                                          self.answers.chosen(Answer.SENT_WORD),
                                          self.answers.chosen(Answer.ABSENT))
            self.studio.sessions.edit(self.session_id, title=self.title.text(), **fields,
                                      present=None if self.answers else present)
            return self.session_id
        template: SessionTemplate | None = self.template.currentData()
        group: Group | None = self.group.currentData()
        created = self.studio.sessions.create(self.title.text(), present=present,
                                              template=template, **fields,
                                              group_id=group.id if group else None)
        self.session_id = created.id
        return created.id

    def _apply(self) -> None:
        self.save()

    @classmethod
    def create(cls, studio: Studio, parent: QWidget | None = None) -> int | None:
        """Ask for a new session; its id, or None if the dialog was cancelled."""
        dialog = cls(studio, None, parent)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.session_id
        return None

    @classmethod
    def edit(cls, studio: Studio, session_id: int, parent: QWidget | None = None) -> bool:
        """Edit SESSION_ID; True if it was saved."""
        return cls(studio, session_id, parent).exec() == QDialog.DialogCode.Accepted

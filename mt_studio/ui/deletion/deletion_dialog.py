"""The dialogs that delete a take or a song, or erase a person: they show exactly what goes and
the exports to ask back, ask why, and (to erase someone) ask for their pseudonym typed out;
the studio's deletion service decides and does the rest."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtGui import QFont
from PyQt6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from mt_studio.core.domain import Participant, lookup_key
from mt_studio.core.domain.deletion import MAX_REASON_LENGTH, Deleted, DeletionPlan
from mt_studio.i18n import _
from mt_studio.ui.common.applying_dialog import ApplyingDialog
from mt_studio.ui.common.dialog_buttons import translate
from mt_studio.ui.deletion.deletion_words import details, recalls, summary

if TYPE_CHECKING:
    from mt_studio.core.studio import Studio

PlanOf = Callable[[int], DeletionPlan]
Delete = Callable[[int, str], DeletionPlan]


class DeletionDialog(ApplyingDialog):
    """Show what deleting the subject (SUBJECT_ID, or the one chosen among PEOPLE) removes, by
    PLAN_OF, and delete it by DELETE with the reason typed once the button is pressed; `went`
    is then the plan of what went. Erasing someone asks for their pseudonym typed out.
    `about_to_delete()` just before it goes, for a view to let go of what it shows of it."""

    about_to_delete = pyqtSignal()

    def __init__(self, title: str, kind: Deleted, plan_of: PlanOf, delete: Delete,
                 subject_id: int | None, parent: QWidget | None = None,
                 people: Sequence[Participant] = ()) -> None:
        super().__init__(title, parent)
        self.kind = kind
        self._plan_of, self._delete = plan_of, delete
        self.plan: DeletionPlan | None = None
        self.went: DeletionPlan | None = None
        layout = QVBoxLayout(self)
        self.person = QComboBox()
        self.person.setAccessibleName(_("Person to erase"))
        for person in people:
            self.person.addItem(person.pseudonym, person.id)
        if people:
            chooser = QFormLayout()
            chooser.addRow(_("Person"), self.person)
            layout.addLayout(chooser)
            self.person.setCurrentIndex(max(0, self.person.findData(subject_id)))
            self.person.currentIndexChanged.connect(lambda _index: self._show_plan())
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.heading.setFont(font)
        self.summary = _wrapped()
        self.what_goes = _text_box(_("What goes"))
        self.recall_label = _wrapped()
        self.recall_label.setStyleSheet("color: #8b0000; font-weight: bold;")
        self.recall_label.setText(_("Already given out: ask for these back"))
        self.recalls = _text_box(_("Exports and lead sheets to ask back"))
        self.reason = QLineEdit()
        self.reason.setMaxLength(MAX_REASON_LENGTH)
        self.reason.setAccessibleName(_("Reason for the deletion"))
        self.reason.setPlaceholderText(_("for example: kept past the agreed time"))
        self.reason.setToolTip(_("Kept in the audit log for good: write it without anyone's "
                                 "name."))
        self.typed = QLineEdit()
        self.typed.setAccessibleName(_("Pseudonym typed to confirm"))
        self.typed_label = QLabel()
        form = QFormLayout()
        form.addRow(_("Why"), self.reason)
        if kind is Deleted.PARTICIPANT:
            form.addRow(self.typed_label, self.typed)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        translate(buttons)
        self.delete_button = buttons.addButton(
            _("Erase for good") if kind is Deleted.PARTICIPANT else _("Delete for good"),
            QDialogButtonBox.ButtonRole.DestructiveRole)
        self.delete_button.setStyleSheet("QPushButton:enabled { color: #8b0000; "
                                         "font-weight: bold; }")
        self.delete_button.setAutoDefault(False)
        self.delete_button.clicked.connect(self.accept)
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setDefault(True)  # Enter never deletes
        buttons.rejected.connect(self.reject)
        for widget, stretch in ((self.heading, 0), (self.summary, 0), (self.what_goes, 1),
                                (self.recall_label, 0), (self.recalls, 0)):
            layout.addWidget(widget, stretch)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.reason.textChanged.connect(self._enable)
        self.typed.textChanged.connect(self._enable)
        self._subject_id = subject_id
        self._show_plan()
        line = self.fontMetrics().height()
        self.resize(max(self.fontMetrics().averageCharWidth() * 120, line * 40),
                    min(line * 36, 700))

    @property
    def subject_id(self) -> int | None:
        """The take, song or person the dialog would delete."""
        chosen = self.person.currentData()
        return chosen if chosen is not None else self._subject_id

    def _show_plan(self) -> None:
        self.error.hide()
        self.typed.clear()
        subject = self.subject_id
        self.plan = plan = self._plan_of(subject) if subject is not None else None
        if plan is None:
            self.heading.setText(_("Nobody to erase."))
            self._enable()
            return
        headings = {Deleted.TAKE: _("Delete {subject}?"), Deleted.SONG: _("Delete the song "
                    "“{subject}”?"), Deleted.PARTICIPANT: _("Erase {subject}?")}
        self.heading.setText(headings[self.kind].format(subject=plan.subject))
        self.summary.setText(summary(plan))
        self.what_goes.setPlainText("\n".join(details(plan)))
        to_recall = recalls(plan)
        self.recalls.setPlainText("\n".join(to_recall))
        shown_lines = min(max(len(to_recall), 1), 6)
        self.recalls.setFixedHeight(self.recalls.fontMetrics().height() * (shown_lines + 1))
        self.recall_label.setVisible(bool(to_recall))
        self.recalls.setVisible(bool(to_recall))
        self.typed_label.setText(_("Type {pseudonym} to confirm").format(
            pseudonym=plan.subject))
        self._enable()

    def _enable(self) -> None:
        plan = self.plan
        ready = plan is not None and bool(self.reason.text().strip())
        if ready and self.kind is Deleted.PARTICIPANT:
            ready = lookup_key(self.typed.text()) == lookup_key(plan.subject)
        self.delete_button.setEnabled(ready)

    def _apply(self) -> None:
        if not self.delete_button.isEnabled():
            return
        self.about_to_delete.emit()
        self.went = self._delete(self.subject_id, self.reason.text())


def delete_take_dialog(studio: Studio, take_id: int, parent: QWidget | None = None
                       ) -> DeletionDialog:
    """The dialog that deletes take TAKE_ID."""
    service = studio.deletion
    return DeletionDialog(_("Delete take"), Deleted.TAKE, service.plan_take,
                          lambda take, reason: service.delete_take(take, reason=reason),
                          take_id, parent)


def delete_song_dialog(studio: Studio, song_id: int, parent: QWidget | None = None
                       ) -> DeletionDialog:
    """The dialog that deletes song SONG_ID."""
    service = studio.deletion
    return DeletionDialog(_("Delete song"), Deleted.SONG, service.plan_song,
                          lambda song, reason: service.delete_song(song, reason=reason),
                          song_id, parent)


def erase_person_dialog(studio: Studio, parent: QWidget | None = None,
                        participant_id: int | None = None) -> DeletionDialog:
    """The dialog that erases a person, chosen among everyone (PARTICIPANT_ID first)."""
    service = studio.deletion
    people = studio.consent.participants()
    return DeletionDialog(_("Erase a person"), Deleted.PARTICIPANT, service.plan_participant,
                          lambda person, reason: service.erase_participant(person,
                                                                           reason=reason),
                          participant_id if participant_id is not None else
                          (people[0].id if people else None), parent, people)


def _wrapped() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def _text_box(name: str) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setReadOnly(True)
    box.setAccessibleName(name)
    box.setFont(QFont("monospace"))
    box.setMinimumHeight(box.fontMetrics().height() * 6)
    return box

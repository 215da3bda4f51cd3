"""Recording that a participant's course ended: the day, a reason from the service's list (and
its detail when it has details) and a short note. The studio checks it all; its refusal shows
here, and nothing typed is lost."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PyQt6.QtCore import QDate
from PyQt6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from mt_studio.core.errors import MtStudioError
from mt_studio.core.studio.courses import MAX_NOTE_LENGTH
from mt_studio.i18n import _
from mt_studio.ui.common.dates import day_edit
from mt_studio.ui.common.dialog_buttons import ok_cancel

if TYPE_CHECKING:
    from datetime import datetime

    from mt_studio.core.studio import Studio


class EndingDialog(QDialog):
    """Write that PSEUDONYM's (PARTICIPANT_ID's) course ended; NOW is the studio's moment."""

    def __init__(self, studio: Studio, participant_id: int, pseudonym: str, now: datetime,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.studio = studio
        self.participant_id = participant_id
        self.now = now
        self.reasons = studio.courses.reasons()
        self.setWindowTitle(_("Record an ending"))
        today = now.astimezone().date()
        self.day = day_edit(today, _("The day it ended"))
        self.day.setMaximumDate(QDate(today))
        self.reason = QComboBox()
        self.reason.setAccessibleName(_("Reason"))
        for reason in self.reasons.reasons:
            self.reason.addItem(reason.label, reason.key)
        self.detail = QComboBox()
        self.detail.setAccessibleName(_("Which"))
        self.detail_label = QLabel(_("Which:"))
        self.note = QLineEdit()
        self.note.setMaxLength(MAX_NOTE_LENGTH)
        self.note.setPlaceholderText(_("A short note, without names (optional)"))
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #9b1c1c; font-weight: bold")
        self.problem.hide()
        form = QFormLayout()
        form.addRow(_("Day it ended:"), self.day)
        form.addRow(_("Reason:"), self.reason)
        form.addRow(self.detail_label, self.detail)
        form.addRow(_("Note:"), self.note)
        intro = QLabel(_("Write that {who}'s course ended.").format(who=pseudonym))
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(ok_cancel(self, _("Record the ending")))
        self.reason.currentIndexChanged.connect(self._reason_chosen)
        self._reason_chosen()
        self.setMinimumWidth(480)

    def choose(self, reason: str, detail: str | None = None, on: date | None = None,
               note: str = "") -> None:
        """Fill the dialog: REASON and DETAIL are keys of the service's list."""
        self.reason.setCurrentIndex(self.reason.findData(reason))
        if detail is not None:
            self.detail.setCurrentIndex(self.detail.findData(detail))
        if on is not None:
            self.day.setDate(QDate(on))
        self.note.setText(note)

    def accept(self) -> None:
        """Write the ending; on the studio's refusal, say why and stay open."""
        try:
            self.studio.courses.end(self.participant_id, self.reason.currentData(),
                                    on=self.day.date().toPyDate(),
                                    detail=self.detail.currentData(), note=self.note.text(),
                                    now=self.now)
        except MtStudioError as error:
            self.problem.setText(str(error))
            self.problem.show()
            return
        super().accept()

    def _reason_chosen(self) -> None:
        found = self.reasons.find(self.reason.currentData() or "")
        details = found.details if found is not None else ()
        self.detail.clear()
        if details:
            self.detail.addItem(_("Not said"), None)
            for detail in details:
                self.detail.addItem(detail.label, detail.key)
        self.detail.setVisible(bool(details))
        self.detail_label.setVisible(bool(details))

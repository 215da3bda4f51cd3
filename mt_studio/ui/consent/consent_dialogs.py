"""The consent board's dialogs: give consent, withdraw it, add a participant.

Giving and withdrawing weigh the same: one dialog each, one OK.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from PyQt6.QtCore import QDate
from PyQt6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from mt_studio.core.domain import Credit, Participant, Purpose
from mt_studio.core.errors import InputError
from mt_studio.i18n import _
from mt_studio.ui.common.applying_dialog import ApplyingDialog
from mt_studio.ui.common.dialog_buttons import ok_cancel
from mt_studio.ui.consent.chips import credit_label, purpose_help, purpose_label

if TYPE_CHECKING:
    from mt_studio.core.studio import Studio


def purpose_boxes(layout: QBoxLayout, purposes: Iterable[Purpose],
                  ticked: Purpose | None) -> dict[Purpose, QCheckBox]:
    """A check box per purpose, added to LAYOUT, with TICKED ticked."""
    boxes = {}
    for each in purposes:
        box = QCheckBox(purpose_label(each))
        box.setChecked(each is ticked)
        box.setToolTip(purpose_help(each))
        box.setAccessibleName(purpose_label(each))
        boxes[each] = box
        layout.addWidget(box)
    return boxes


@dataclass(frozen=True)
class GrantRequest:
    """What the grant dialog asks the ledger to record."""

    purposes: tuple[Purpose, ...]
    valid_until: date | None
    witness: str | None
    form_version: str | None
    credit: Credit


@dataclass(frozen=True)
class WithdrawRequest:
    """What the withdraw dialog asks the ledger to record."""

    purposes: tuple[Purpose, ...]
    reason: str | None


def record_grant(studio: Studio, participant: Participant, request: GrantRequest) -> None:
    """Record the grant REQUEST describes for PARTICIPANT (every window hears of it)."""
    studio.consent.grant(participant.id, request.purposes, valid_until=request.valid_until,
                         witness=request.witness, form_version=request.form_version,
                         credit=request.credit)


class GrantDialog(ApplyingDialog):
    """Give consent: purposes, valid until (optional), witness, form version and credit."""

    def __init__(self, participant: Participant, purpose: Purpose | None, *, credit: Credit,
                 witness: str | None, form_version: str | None,
                 apply: Callable[[GrantRequest], None], parent: QWidget | None = None) -> None:
        super().__init__(_("Give consent"), parent)
        self._on_apply = apply
        layout = QVBoxLayout(self)
        intro = QLabel(_("What does {who} agree to?").format(who=participant.pseudonym))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.purpose_boxes = purpose_boxes(layout, Purpose, purpose)
        form = QFormLayout()
        self.limited = QCheckBox(_("Only until"))
        self.limited.setAccessibleName(_("Only valid until a day"))
        self.limited.setToolTip(_("Tick if the consent form gives a last valid day."))
        self.until = QDateEdit(QDate.currentDate().addYears(1))
        self.until.setCalendarPopup(True)
        self.until.setMinimumDate(QDate.currentDate())
        self.until.setEnabled(False)
        self.until.setAccessibleName(_("Last valid day"))
        self.limited.toggled.connect(self.until.setEnabled)
        form.addRow(self.limited, self.until)
        self.witness = QLineEdit(witness or "")
        self.witness.setAccessibleName(_("Witness"))
        self.witness.setToolTip(_("Who saw the consent being given."))
        form.addRow(_("Witness"), self.witness)
        self.form_version = QLineEdit(form_version or "")
        self.form_version.setAccessibleName(_("Form version"))
        self.form_version.setToolTip(_("The version printed on the signed consent form."))
        form.addRow(_("Form version"), self.form_version)
        self.credit = QComboBox()
        for choice in Credit:
            self.credit.addItem(credit_label(choice), choice)
        self.credit.setCurrentIndex(self.credit.findData(credit))
        self.credit.setAccessibleName(_("Credit"))
        self.credit.setToolTip(_("How {who} wants to be named where their music is shared.")
                               .format(who=participant.pseudonym))
        form.addRow(_("Credit"), self.credit)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(ok_cancel(self, _("Give consent")))

    def request(self) -> GrantRequest:
        """The grant as the dialog's fields describe it now."""
        return GrantRequest(
            purposes=tuple(p for p, box in self.purpose_boxes.items() if box.isChecked()),
            valid_until=self.until.date().toPyDate() if self.limited.isChecked() else None,
            witness=self.witness.text() or None,
            form_version=self.form_version.text() or None,
            credit=self.credit.currentData(),
        )

    def _apply(self) -> None:
        request = self.request()
        if not request.purposes:
            raise InputError(_("Tick at least one purpose."))
        self._on_apply(request)


class WithdrawDialog(ApplyingDialog):
    """Withdraw consent: the purposes (the one clicked ticked) and an optional reason."""

    def __init__(self, participant: Participant, purpose: Purpose, valid: list[Purpose], *,
                 apply: Callable[[WithdrawRequest], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(_("Withdraw consent"), parent)
        self._on_apply = apply
        layout = QVBoxLayout(self)
        intro = QLabel(_("What does {who} withdraw? It takes effect at once.").format(
            who=participant.pseudonym))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.purpose_boxes = purpose_boxes(layout, valid, purpose)
        form = QFormLayout()
        self.reason = QLineEdit()
        self.reason.setAccessibleName(_("Reason (optional)"))
        self.reason.setPlaceholderText(_("optional"))
        form.addRow(_("Reason"), self.reason)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(ok_cancel(self, _("Withdraw")))

    def request(self) -> WithdrawRequest:
        """The withdrawal as the dialog's fields describe it now."""
        return WithdrawRequest(
            purposes=tuple(p for p, box in self.purpose_boxes.items() if box.isChecked()),
            reason=self.reason.text() or None,
        )

    def _apply(self) -> None:
        request = self.request()
        if not request.purposes:
            raise InputError(_("Tick at least one purpose."))
        self._on_apply(request)


class NewParticipantDialog(ApplyingDialog):
    """Add a participant (a pseudonym, a real name only if wanted) and check them in."""

    def __init__(self, apply: Callable[[str, str | None], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(_("New participant"), parent)
        self._on_apply = apply
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.pseudonym = QLineEdit()
        self.pseudonym.setAccessibleName(_("Pseudonym"))
        self.pseudonym.setToolTip(_("The name used everywhere in mt_studio."))
        form.addRow(_("Pseudonym"), self.pseudonym)
        self.real_name = QLineEdit()
        self.real_name.setAccessibleName(_("Real name (optional)"))
        self.real_name.setToolTip(
            _("Optional. Shown only on this board, and never shared unless they choose to be "
              "credited by name."))
        self.real_name.setPlaceholderText(_("optional"))
        form.addRow(_("Real name"), self.real_name)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(ok_cancel(self, _("Add and check in")))

    def _apply(self) -> None:
        self._on_apply(self.pseudonym.text(), self.real_name.text() or None)

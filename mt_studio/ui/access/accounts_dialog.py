"""The accounts in the window, for an admin: add a therapist or an admin, disable or enable
one, give one a new passphrase. The studio checks every rule; this only asks and shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mt_studio.core.domain.accounts import Role
from mt_studio.core.errors import MtStudioError
from mt_studio.i18n import _
from mt_studio.ui.common.dialog_buttons import ok_cancel

if TYPE_CHECKING:
    from mt_studio.core.studio import Studio


def role_words(role: Role) -> str:
    """A role as people say it."""
    return {Role.THERAPIST: _("therapist"), Role.ADMIN: _("admin")}[role]


class AccountsDialog(QDialog):
    """The accounts of STUDIO, and what an admin does with them."""

    def __init__(self, studio: Studio, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.studio = studio
        self.setWindowTitle(_("Accounts"))
        self.accounts = QListWidget()
        self.accounts.setAccessibleName(_("Accounts"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        for words, slot in ((_("&Add…"), self.add), (_("&Disable"), self.disable),
                            (_("&Enable"), self.enable),
                            (_("New &passphrase…"), self.new_passphrase)):
            button = QPushButton(words)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.accounts, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.refresh()

    def refresh(self) -> None:
        """List the accounts again."""
        self.accounts.clear()
        for account in self.studio.accounts.all():
            words = f"{account.name} ({role_words(account.role)})"
            if account.disabled:
                words += " – " + _("disabled")
            item = QListWidgetItem(words)
            item.setData(Qt.ItemDataRole.UserRole, account.name)
            self.accounts.addItem(item)

    def chosen(self) -> str | None:
        """The name of the chosen account, if any."""
        item = self.accounts.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def add(self) -> None:
        """Ask for a new account's name, role and passphrase, and add it."""
        form = _PassphraseDialog(self, with_name=True)
        if form.exec():
            self._try(lambda: self.studio.accounts.add(
                form.name.text(), form.role.currentData(), form.passphrase.text(),
                form.again.text()), _("Added."))

    def disable(self) -> None:
        """Stop the chosen account from signing in."""
        if (name := self.chosen()) is not None:
            self._try(lambda: self.studio.accounts.disable(name), _("Disabled."))

    def enable(self) -> None:
        """Let the chosen account sign in again."""
        if (name := self.chosen()) is not None:
            self._try(lambda: self.studio.accounts.enable(name), _("Enabled."))
            if not self.studio.accounts.opens_library(name):
                self.message.setText(_("Enabled. The library is encrypted, so give {name} a new "
                                       "passphrase too (New passphrase…) before they sign "
                                       "in.").format(name=name))

    def new_passphrase(self) -> None:
        """Give the chosen account a new passphrase (one's own only with the current one)."""
        if (name := self.chosen()) is None:
            return
        own = self.studio.actor is not None and self.studio.actor.account.name == name
        form = _PassphraseDialog(self, with_name=False, with_current=own)
        if form.exec():
            self._try(lambda: self.studio.accounts.set_passphrase(
                name, form.passphrase.text(), form.again.text(),
                current=form.current.text() if own else None), _("New passphrase set."))

    def _try(self, change, done: str) -> None:
        try:
            change()
        except MtStudioError as error:
            self.message.setText(str(error))
            return
        self.message.setText(done)
        self.refresh()


def change_own_passphrase(studio: Studio, parent: QWidget) -> None:
    """Ask the account signed in for its current passphrase and a new one, and set it; the
    outcome is said in a message box."""
    from PyQt6.QtWidgets import QMessageBox

    name = studio.actor.account.name
    form = _PassphraseDialog(parent, with_name=False, with_current=True)
    while form.exec():
        try:
            studio.accounts.set_passphrase(name, form.passphrase.text(), form.again.text(),
                                           current=form.current.text())
        except MtStudioError as error:
            form.message.setText(str(error))
            continue
        QMessageBox.information(parent, _("My passphrase"), _("Your new passphrase is set."))
        return


class _PassphraseDialog(QDialog):
    def __init__(self, parent: QWidget, with_name: bool, with_current: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("New account") if with_name else _("New passphrase"))
        form = QFormLayout(self)
        self.current = QLineEdit()
        self.current.setEchoMode(QLineEdit.EchoMode.Password)
        if with_current:
            form.addRow(_("&Current passphrase:"), self.current)
        self.name = QLineEdit()
        self.role = QComboBox()
        for role in Role:
            self.role.addItem(role_words(role), role)
        if with_name:
            form.addRow(_("&Name:"), self.name)
            form.addRow(_("&Role:"), self.role)
        self.passphrase, self.again = QLineEdit(), QLineEdit()
        for field in (self.passphrase, self.again):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(_("&New passphrase:") if with_current else _("&Passphrase:"),
                    self.passphrase)
        form.addRow(_("&Again:"), self.again)
        self.message = QLabel()
        self.message.setWordWrap(True)
        form.addRow(self.message)
        form.addRow(ok_cancel(self))

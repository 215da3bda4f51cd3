"""A name and a passphrase, checked by the studio in a worker (Argon2 takes a tenth of a
second): the one form behind signing in, unlocking and leaving participant mode."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from mt_studio.core.errors import MtStudioError
from mt_studio.i18n import _
from mt_studio.ui.common.worker import run_in_worker

if TYPE_CHECKING:
    from mt_studio.core.domain.accounts import Account
    from mt_studio.core.studio import Studio


class PassphraseForm(QWidget):
    """Name, passphrase and a button worded ACTION; `accepted(account)` once STUDIO has
    signed the account in (a therapist's or admin's), and nothing else until then."""

    accepted = pyqtSignal(object)

    def __init__(self, studio: Studio, action: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.studio = studio
        self.name = QLineEdit()
        self.name.setAccessibleName(_("Name"))
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(_("Passphrase"))
        self.button = QPushButton(action)
        self.button.setAccessibleName(action)
        self.button.setDefault(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName(_("Sign-in message"))
        form = QFormLayout()
        form.addRow(_("&Name:"), self.name)
        form.addRow(_("&Passphrase:"), self.passphrase)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.message)
        for field in (self.name, self.passphrase):
            field.returnPressed.connect(self.submit)
        self.button.clicked.connect(self.submit)

    def start_afresh(self, name: str = "") -> None:
        """Empty the form (NAME filled in, if given) and put the cursor where typing goes."""
        self.name.setText(name)
        self.passphrase.clear()
        self.message.clear()
        self.setEnabled(True)
        (self.passphrase if name else self.name).setFocus()

    def submit(self) -> None:
        """Sign in with what is typed (in a worker)."""
        name, passphrase = self.name.text().strip(), self.passphrase.text()
        if not name or not passphrase:
            self.message.setText(_("Type your name and your passphrase."))
            return
        self.setEnabled(False)
        self.message.setText(_("Checking…"))
        run_in_worker(self, lambda: self.studio.sign_in(name, passphrase),
                      done=self._signed_in, failed=self._refused)

    def _signed_in(self, account: Account) -> None:
        self.passphrase.clear()
        self.message.clear()
        self.setEnabled(True)
        self.accepted.emit(account)

    def _refused(self, error: Exception) -> None:
        self.passphrase.clear()
        self.passphrase.setFocus()
        show_refusal(self, self.message, error, _("Signing in failed. Try again."))


def show_refusal(form: QWidget, message: QLabel, error: Exception, otherwise: str) -> None:
    """FORM usable again with ERROR's words in MESSAGE (a refusal the studio worded), or
    OTHERWISE and the error raised on to the app's error dialog and the log."""
    form.setEnabled(True)
    message.setText(str(error) if isinstance(error, MtStudioError) else otherwise)
    if not isinstance(error, MtStudioError):
        raise error

"""The window's first run: the first account is made before anything of the library shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from mt_studio.core.domain.accounts import Role
from mt_studio.core.passphrases import MIN_LENGTH
from mt_studio.i18n import _
from mt_studio.ui.access.gate_page import centred
from mt_studio.ui.access.passphrase_form import show_refusal
from mt_studio.ui.common.worker import run_in_worker

if TYPE_CHECKING:
    from mt_studio.core.studio import Studio


class FirstAccountPage(QWidget):
    """Name and passphrase twice for the library's first account (an admin's); `made()` once
    it is made and signed in."""

    made = pyqtSignal()

    def __init__(self, studio: Studio, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.studio = studio
        heading = QLabel(_("<h1>Welcome to mt_studio</h1>"))
        words = QLabel(_(
            "The recordings made here are health data. Make your own account first: nobody "
            "sees anything in this studio without signing in. You will be its admin, and can "
            "add your colleagues' accounts later."))
        words.setWordWrap(True)
        self.name = QLineEdit()
        self.name.setAccessibleName(_("Your name"))
        self.passphrase = QLineEdit()
        self.again = QLineEdit()
        for field, name in ((self.passphrase, _("Passphrase")),
                            (self.again, _("The same passphrase again"))):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setAccessibleName(name)
            field.returnPressed.connect(self.create)
        self.passphrase.setPlaceholderText(_("at least {n} characters, a few words are "
                                             "best").format(n=MIN_LENGTH))
        self.button = QPushButton(_("Make my account"))
        self.button.setDefault(True)
        self.button.clicked.connect(self.create)
        self.message = QLabel()
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow(_("Your &name:"), self.name)
        form.addRow(_("&Passphrase:"), self.passphrase)
        form.addRow(_("&Again:"), self.again)
        body = QVBoxLayout()
        body.addWidget(heading)
        body.addWidget(words)
        body.addLayout(form)
        body.addWidget(self.button, 0, Qt.AlignmentFlag.AlignRight)
        body.addWidget(self.message)
        centred(self, body)

    def create(self) -> None:
        """Make the account (in a worker: the passphrase is hashed), then sign it in."""
        name, passphrase, again = self.name.text(), self.passphrase.text(), self.again.text()
        self.setEnabled(False)
        self.message.setText(_("Making your account…"))

        def work() -> None:
            self.studio.accounts.add(name, Role.ADMIN, passphrase, again)
            self.studio.sign_in(name, passphrase)

        run_in_worker(self, work, done=lambda _none: self.made.emit(), failed=self._refused)

    def _refused(self, error: Exception) -> None:
        self.passphrase.clear()
        self.again.clear()
        show_refusal(self, self.message, error, _("The account could not be made. Try again."))

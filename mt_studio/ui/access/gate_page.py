"""The pages in front of the library: signing in at the start, and the lock, which keeps a
take being recorded going and lets it be stopped, and nothing else."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt6.QtCore import QTimer, pyqtSignal
from PyQt6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mt_studio.i18n import _
from mt_studio.ui.access.passphrase_form import PassphraseForm

if TYPE_CHECKING:
    from mt_studio.core.studio import Studio
    from mt_studio.ui.recording.record_panel import RecordPanel

COLUMN_WIDTH = 460  # pixels: a form to read, in the middle of whatever screen


def centred(page: QWidget, body: QLayout) -> None:
    """Lay BODY out in a column of its own in the middle of PAGE."""
    column = QWidget()
    column.setLayout(body)
    column.setMaximumWidth(COLUMN_WIDTH)
    row = QHBoxLayout()
    row.addStretch()
    row.addWidget(column, 1)
    row.addStretch()
    outer = QVBoxLayout(page)
    outer.addStretch()
    outer.addLayout(row)
    outer.addStretch(2)


class GatePage(QWidget):
    """Sign in (at the start) or unlock (after the lock) with STUDIO: `signed_in(account)`.

    While RECORD records (`watch`), it says so with the time recorded and offers Stop."""

    signed_in = pyqtSignal(object)

    def __init__(self, studio: Studio, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = QLabel()
        self.words = QLabel()
        self.words.setWordWrap(True)
        self.form = PassphraseForm(studio, _("Sign in"))
        self.form.accepted.connect(self.signed_in)
        self.recording = QLabel()
        self.recording.setAccessibleName(_("Recording under the lock"))
        self.stop_button = QPushButton(_("Stop the recording"))
        self.stop_button.setAccessibleName(_("Stop the recording"))
        self.stop_button.clicked.connect(self._stop)
        body = QVBoxLayout()
        for widget in (self.heading, self.words, self.form, self.recording, self.stop_button):
            body.addWidget(widget)
        centred(self, body)
        self._record: RecordPanel | None = None
        self._clock = QTimer(self)
        self._clock.setInterval(500)
        self._clock.timeout.connect(self._show_recording)
        self.show_signing_in()

    def show_signing_in(self) -> None:
        """Worded for the start: this library is kept behind accounts."""
        self.heading.setText(_("<h1>Sign in</h1>"))
        self.words.setText(_("This studio keeps health data: sign in to see it."))
        self.form.button.setText(_("Sign in"))
        self.watch(None)
        self.form.start_afresh()

    def show_locked(self, record: RecordPanel | None, name: str = "") -> None:
        """Worded for the lock, NAME (who locked it) filled in; RECORD's take, if one is being
        recorded, shown going on."""
        self.heading.setText(_("<h1>Locked</h1>"))
        self.words.setText(_("Nothing is shown until someone signs in again."))
        self.form.button.setText(_("Unlock"))
        self.watch(record)
        self.form.start_afresh(name)

    def watch(self, record: RecordPanel | None) -> None:
        """Show RECORD's take while it records (None: no take)."""
        self._record = record
        self._show_recording()
        if record is not None:
            self._clock.start()
        else:
            self._clock.stop()

    def _show_recording(self) -> None:
        record = self._record
        on = record is not None and record.is_recording
        self.recording.setVisible(on)
        self.stop_button.setVisible(on)
        if on:
            self.recording.setText(_("● Recording goes on: {elapsed}").format(
                elapsed=record.elapsed.text()))
        elif record is not None and not self.recording.isVisible():
            self._clock.stop()

    def _stop(self) -> None:
        if self._record is not None and self._record.is_recording:
            self._record.stop_recording()
        self._show_recording()
        self.recording.setVisible(True)
        self.recording.setText(_("The recording is stopped and kept."))

"""An admin's recovery key: what it is, in plain words, then its 24 words, large and numbered,
shown once, to write down or print. Nothing offers to copy them: a clipboard is readable by
every other program."""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QTextDocument
from PyQt6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from mt_studio.i18n import _
from mt_studio.ui.common.dates import day_text
from mt_studio.ui.common.worker import run_in_worker
from mt_studio.ui.encryption.sealing_dialog import PROBLEM_STYLE
from mt_studio.ui.songs.lyrics_editor import scaled_font

if TYPE_CHECKING:
    from PyQt6.QtPrintSupport import QPrinter

    from mt_studio.core.studio import Studio

COLUMNS = 4  # 24 words: six rows of four, read across


class RecoveryKeyDialog(QDialog):
    """Make a new recovery key for STUDIO's library (an admin signed in), and show it once.
    Closing it once the words show asks whether they were written down (not when the window
    locks: then they are hidden at once)."""

    def __init__(self, studio: Studio, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.studio = studio
        self.words: list[str] = []  # once made
        self.setWindowTitle(_("Recovery key"))
        self.pages = QStackedWidget()
        self.pages.addWidget(self._explaining())
        self.pages.addWidget(self._showing())
        QVBoxLayout(self).addWidget(self.pages)
        self.setMinimumWidth(600)

    def _explaining(self) -> QWidget:
        page = QWidget()
        heading = _heading(_("Make a recovery key"))
        words = QLabel(_(
            "A recovery key is 24 words that open this library if every passphrase is "
            "forgotten. Anyone who has them can open every recording here, so write them on "
            "paper or print them, and keep that locked away. Making a new recovery key stops "
            "the old one from working."))
        words.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setStyleSheet(PROBLEM_STYLE)
        self.problem.setAccessibleName(_("Problem"))
        self.problem.hide()
        cancel = QPushButton(_("Cancel"))
        cancel.clicked.connect(self.reject)
        self.make_button = QPushButton(_("Make the recovery key"))
        self.make_button.setDefault(True)
        self.make_button.clicked.connect(self.make)
        layout = QVBoxLayout(page)
        layout.addWidget(heading)
        layout.addWidget(words)
        layout.addWidget(self.problem)
        layout.addStretch()
        layout.addLayout(_row(cancel, self.make_button))
        return page

    def _showing(self) -> QWidget:
        page = QWidget()
        heading = _heading(_("Your recovery key"))
        words = QLabel(_("Write these 24 words on paper in this order, or print them. They are "
                         "shown only now: mt_studio does not keep them."))
        words.setWordWrap(True)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(8)
        self.grid.setVerticalSpacing(10)
        self.print_button = QPushButton(_("&Print…"))
        self.print_button.clicked.connect(self.print_words)
        self.done_button = QPushButton(_("Done"))
        self.done_button.setDefault(True)
        self.done_button.clicked.connect(self.accept)
        layout = QVBoxLayout(page)
        layout.addWidget(heading)
        layout.addWidget(words)
        layout.addSpacing(8)
        layout.addLayout(self.grid)
        layout.addSpacing(8)
        layout.addLayout(_row(self.print_button, self.done_button))
        return page

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """Start on Make: Enter makes the key, Escape cancels."""
        super().showEvent(event)
        if not self.words:
            self.make_button.setFocus()

    def make(self) -> None:
        """Make the key (in a worker: it writes the key file and the audit log) and show it."""
        self.make_button.setEnabled(False)
        self.problem.hide()
        run_in_worker(self, self.studio.encryption.recovery_key, done=self._show,
                      failed=self._refused)

    def _refused(self, error: Exception) -> None:
        self.make_button.setEnabled(True)
        self.problem.setText(str(error))
        self.problem.show()

    def _show(self, words: str) -> None:
        if not self.isVisible():
            return  # closed (or locked) meanwhile: never shown; the admin makes a new one
        self.words = words.split()
        font = scaled_font(self.font(), 1.6)
        for index, word in enumerate(self.words):
            number = QLabel(f"{index + 1}.")
            number.setFont(font)
            number.setStyleSheet("color: #555;")
            number.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            number.setContentsMargins(24 if index % COLUMNS else 0, 0, 0, 0)  # pairs apart
            shown = QLabel(word)
            shown.setFont(font)
            shown.setStyleSheet("font-weight: bold;")
            shown.setAccessibleName(_("Word {n}").format(n=index + 1))
            row, column = divmod(index, COLUMNS)
            self.grid.addWidget(number, row, 2 * column)
            self.grid.addWidget(shown, row, 2 * column + 1)
        self.pages.setCurrentIndex(1)
        self.done_button.setFocus()
        self.adjustSize()

    def shown_words(self) -> list[str]:
        """The words as the grid shows them, in their order."""
        return [self.grid.itemAtPosition(index // COLUMNS, 2 * (index % COLUMNS) + 1)
                .widget().text() for index in range(self.grid.count() // 2)]

    def print_words(self) -> None:
        """Print the key on the printer chosen (Qt's print dialog)."""
        printer = choose_printer(self)
        if printer is not None:
            print_recovery_key(printer, self.words, self.studio.folder)

    def done(self, result: int) -> None:
        """Close (Done, Escape, the title bar's cross: every way comes here), once the words
        are written down; at once when the window locks."""
        if self.words and self.studio.open_to_use and not written_down(self):
            return
        self.words = []
        super().done(result)


def written_down(parent: QWidget) -> bool:
    """Ask whether the recovery key was written down (or printed); True to close it."""
    box = QMessageBox(QMessageBox.Icon.Question, _("Recovery key"),
                      _("Have you written it down?"), QMessageBox.StandardButton.NoButton,
                      parent)
    box.setInformativeText(_("The words are not shown again. Without them this recovery key "
                             "cannot be used; you can make a new one."))
    yes = box.addButton(_("Yes, close"), QMessageBox.ButtonRole.AcceptRole)
    back = box.addButton(_("No, show the words"), QMessageBox.ButtonRole.RejectRole)
    for button in (yes, back):
        button.setAccessibleName(button.text())
    box.setDefaultButton(back)
    box.setEscapeButton(back)
    box.exec()
    return box.clickedButton() is yes


def choose_printer(parent: QWidget) -> QPrinter | None:
    """The printer the person chose in Qt's print dialog, or None."""
    from PyQt6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(_("Print the recovery key"))
    return printer if dialog.exec() == QDialog.DialogCode.Accepted else None


def print_recovery_key(printer: QPrinter, words: list[str], folder: Path) -> None:
    """Print WORDS, numbered, on one page for the library in FOLDER, with what they are."""
    cells = [f'<td style="padding: 10px 12px; white-space: nowrap;">'
             f'<span style="color: #555; font-size: 13pt;">{n + 1}.</span> '
             f'<b style="font-size: 18pt;">{html.escape(word)}</b></td>'
             for n, word in enumerate(words)]
    rows = "".join("<tr>" + "".join(cells[i:i + COLUMNS]) + "</tr>"
                   for i in range(0, len(cells), COLUMNS))
    document = QTextDocument()
    document.setHtml(
        "<body style='font-size: 12pt;'><h1>{title}</h1><p>{library}</p>"
        "<table width='100%'>{rows}</table><p><br>{what}</p></body>".format(
            title=html.escape(_("mt_studio recovery key")),
            library=html.escape(_("For the library in {folder}, made on {day}.").format(
                folder=folder, day=day_text(date.today()))),
            rows=rows,
            what=html.escape(_(
                "These 24 words open the library if every passphrase is forgotten. Anyone who "
                "has this paper can open every recording in it: keep it locked away. A newer "
                "recovery key stops this one from working."))))
    document.print(printer)


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    font = scaled_font(label.font(), 1.3)
    font.setBold(True)
    label.setFont(font)
    return label


def _row(*buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addStretch()
    for button in buttons:
        button.setAccessibleName(button.text().replace("&", ""))
        row.addWidget(button)
    return row

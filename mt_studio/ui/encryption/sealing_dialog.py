"""The dialog that says, in plain words, how far encrypting the recordings made before has got:
not an error, and closing it is fine (what is left is encrypted at the next sign-in)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mt_studio.i18n import _, ngettext
from mt_studio.ui.songs.lyrics_editor import scaled_font

if TYPE_CHECKING:
    from mt_studio.core.studio.file_sealing import SealingReport

PROBLEM_STYLE = "color: #8b0000; font-weight: bold;"


class SealingDialog(QDialog):
    """How far sealing TOTAL files has got (`show_progress`), and how it ended (`show_done`,
    `show_problem`). Closing it means: stop after the file being sealed."""

    def __init__(self, total: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Encrypting recordings"))
        self.line = QLabel()  # how far it got, and then that it is done
        self.line.setFont(scaled_font(self.font(), 1.25))
        self.line.setWordWrap(True)
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)
        self.bar.setAccessibleName(_("Encrypting the recordings made before"))
        self.words = words = QLabel(_(
            "This library is encrypted now, so that only someone signed in can open what is "
            "in it. The recordings made before then are being encrypted too, one file at a "
            "time; nothing in them is lost or changed."))
        words.setWordWrap(True)
        self.later = QLabel(_("You can close this and go on working: whatever is left is "
                              "encrypted the next time someone signs in."))
        self.later.setWordWrap(True)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setStyleSheet(PROBLEM_STYLE)
        self.problem.setAccessibleName(_("Problem"))
        self.problem.hide()
        # A plain button: the style's "close" icon is a cross, which reads as "abort".
        self.close_button = QPushButton(_("Close"))
        self.close_button.setAccessibleName(_("Close"))
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.line)
        layout.addWidget(self.bar)
        layout.addSpacing(6)
        for widget in (words, self.later, self.problem):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        self.setMinimumWidth(540)
        self.show_progress(0, total)

    def show_progress(self, done: int, total: int) -> None:
        """DONE of TOTAL files are encrypted."""
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        self.line.setText(ngettext("Encrypting the recordings made before: {done} of {total} "
                                   "file",
                                   "Encrypting the recordings made before: {done} of {total} "
                                   "files", total).format(done=done, total=total))

    def show_done(self, report: SealingReport) -> None:
        """Say that it is done (and which file was left as it was, if any)."""
        self.bar.setValue(self.bar.maximum())
        self.later.hide()
        self.words.setText(_("The recordings made before are encrypted now too: only someone "
                             "signed in can open them."))
        self.line.setText(ngettext("Done: {n} file was encrypted.",
                                   "Done: {n} files were encrypted.",
                                   report.sealed).format(n=report.sealed))
        if report.left_plain:
            name, why = report.left_plain[0]
            said = _("{file} was left as it was: {why}").format(file=name, why=why)
            more = len(report.left_plain) - 1
            if more:
                said += " " + ngettext("(and {n} more file: see the log)",
                                       "(and {n} more files: see the log)", more).format(n=more)
            self.show_problem(said)
        self.close_button.setFocus()
        self.adjustSize()  # the words that went leave no gap

    def show_problem(self, words: str) -> None:
        """Say in one line what went wrong (naming the file)."""
        self.problem.setText(words)
        self.problem.show()
        self.later.hide()  # the problem says when it is tried again

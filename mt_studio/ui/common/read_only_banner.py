"""The band across the top of the window that says, once and plainly, that the library is open
read-only because its ledger was changed outside mt_studio, and what to do; the check of the
ledger, run in a worker once the window is open (it reads every row: half a second for a
library with 100 000 audit rows)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from mt_studio.i18n import _
from mt_studio.ui.common.worker import run_in_worker

if TYPE_CHECKING:
    from mt_studio.core.studio import Studio
    from mt_studio.core.studio.ledger import LedgerCheck

STYLE = ("QFrame#readOnlyBanner { background: #fff3cd; border: 2px solid #b45309;"
         " border-radius: 4px; } QLabel { color: #3b2300; }")


class ReadOnlyBanner(QFrame):
    """Hidden until `show_problem`: then the problem, in large plain words.
    Signal: `shown()` when it shows a problem (what the window offers is read again)."""

    shown = pyqtSignal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title: QLabel | None = None  # made when first shown: its style sheet costs 4 ms
        self.text: QLabel | None = None  # before the first paint otherwise
        self.last_check: LedgerCheck | None = None  # what the check in the worker found
        self.hide()

    def show_problem(self, problem: str) -> None:
        """Say PROBLEM (the studio's message, naming the first bad row or guard)."""
        if self.title is None:
            self._build()
        self.title.setText(_("Read-only: you can listen, but nothing can be changed"))
        self.text.setText(problem)
        self.setAccessibleName(self.title.text())
        self.setAccessibleDescription(problem)
        self.show()
        self.shown.emit()

    def _build(self) -> None:
        self.setObjectName("readOnlyBanner")
        self.setStyleSheet(STYLE)
        self.title = QLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.text = QLabel()
        self.text.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.text)

    def watch(self, studio: Studio, then: Callable[[], None] | None = None) -> None:
        """Show what STUDIO's ledger check found: at once if it is known read-only, else
        after checking it in a worker (the library becomes read-only when it fails); THEN
        once it was found intact."""
        if studio.read_only is not None:
            self.show_problem(studio.read_only.problem)
            return
        run_in_worker(self, studio.check_ledger, done=lambda check: self._checked(check, then),
                      failed=self._failed, thread="mt-studio-ledger-check")

    def _checked(self, check: LedgerCheck, then: Callable[[], None] | None) -> None:
        self.last_check = check
        if not check.intact:
            self.show_problem(check.problem)
        elif then is not None:
            then()

    def _failed(self, error: Exception) -> None:
        import logging  # not loaded before the first paint

        logging.getLogger(__name__).error("the ledger could not be checked: %s", error)
        self.show_problem(_("The ledger of this library could not be checked: {error}").format(
            error=error))


def with_banner(banner: QWidget, content: QWidget, *more: QWidget) -> QWidget:
    """CONTENT with BANNER (and MORE banners) above it."""
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    for shown in (banner, *more):
        layout.addWidget(shown)
    layout.addWidget(content, 1)
    return holder

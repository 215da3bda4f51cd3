"""Who may have stopped coming, with why in words and the last day they came; for each, an
ending to record, "still with us", or their page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mt_studio.i18n import _, ngettext
from mt_studio.ui.common.dates import day_text
from mt_studio.ui.service.figures_panel import scaled_font
from mt_studio.ui.service.words import why_stopped

if TYPE_CHECKING:
    from mt_studio.core.domain.groups import DropoutRules, MayHaveStopped


class StoppedList(QWidget):
    """The "may have stopped" list. Signals: `end_asked(id, pseudonym)`,
    `still_with_us_asked(id)`, `page_asked(id)`."""

    end_asked = pyqtSignal(int, str)
    still_with_us_asked = pyqtSignal(int)
    page_asked = pyqtSignal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.flags: list[MayHaveStopped] = []
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setFont(scaled_font(self, 1.15))
        self.rows = QTreeWidget()
        self.rows.setRootIsDecorated(False)
        self.rows.setAccessibleName(_("May have stopped coming"))
        self.rows.setHeaderLabels([_("Who"), _("Why"), _("Last came")])
        self.rows.setFont(scaled_font(self, 1.3))
        self.rows.setStyleSheet("QTreeView::item { padding: 6px 12px 6px 0px; }")
        header = self.rows.header()
        header.setFont(scaled_font(self, 1.1, bold=True))
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)  # the last day they came, close to why
        self.rows.itemSelectionChanged.connect(self._chosen_changed)
        self.rows.itemDoubleClicked.connect(lambda *_args: self._ask(self.page_asked))
        self.end_button = QPushButton(_("Record an &ending…"))
        self.end_button.setToolTip(_("Write the day their course ended, and why"))
        self.end_button.clicked.connect(self._ask_end)
        self.still_button = QPushButton(_("&Still with us"))
        self.still_button.setToolTip(_("They go on: the sessions missed until today no longer "
                                       "count"))
        self.still_button.clicked.connect(lambda: self._ask(self.still_with_us_asked))
        self.page_button = QPushButton(_("Their &page…"))
        self.page_button.clicked.connect(lambda: self._ask(self.page_asked))
        buttons = QHBoxLayout()
        for button in (self.end_button, self.still_button, self.page_button):
            buttons.addWidget(button)
        buttons.addStretch()
        self.rules_row = QHBoxLayout()  # the admin's preferences go here
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.rows, 1)
        layout.addLayout(buttons)
        layout.addLayout(self.rules_row)
        self._chosen_changed()

    def show_flags(self, flags: list[MayHaveStopped], rules: DropoutRules) -> None:
        """List FLAGS, their reasons counted with RULES; the same person stays chosen."""
        chosen = self.chosen()
        self.flags = flags
        self.rows.clear()
        for flag in flags:
            item = QTreeWidgetItem([flag.pseudonym, why_stopped(flag, rules),
                                    day_text(flag.last_came)])
            item.setData(0, Qt.ItemDataRole.UserRole, flag.participant_id)
            self.rows.addTopLevelItem(item)
            if flag.participant_id == chosen:
                self.rows.setCurrentItem(item)
        self.summary.setText(ngettext(
            "{n} person may have stopped coming. Ask them, then write what happened: an "
            "ending, or that they are still with us.",
            "{n} people may have stopped coming. Ask them, then write what happened: an "
            "ending, or that they are still with us.", len(flags)).format(n=len(flags))
            if flags else _("Nobody seems to have stopped coming."))
        self._chosen_changed()

    def chosen(self) -> int | None:
        """The participant id of the row chosen, if any."""
        item = self.rows.currentItem()
        return None if item is None else item.data(0, Qt.ItemDataRole.UserRole)

    def choose(self, participant_id: int) -> None:
        """Make PARTICIPANT_ID's row the chosen one."""
        for number in range(self.rows.topLevelItemCount()):
            item = self.rows.topLevelItem(number)
            if item.data(0, Qt.ItemDataRole.UserRole) == participant_id:
                self.rows.setCurrentItem(item)

    def _ask(self, signal) -> None:
        chosen = self.chosen()
        if chosen is not None:
            signal.emit(chosen)

    def _ask_end(self) -> None:
        item = self.rows.currentItem()
        if item is not None:
            self.end_asked.emit(item.data(0, Qt.ItemDataRole.UserRole), item.text(0))

    def _chosen_changed(self) -> None:
        for button in (self.end_button, self.still_button, self.page_button):
            button.setEnabled(self.chosen() is not None)

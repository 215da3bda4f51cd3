"""The export dialog's preview: everyone heard on what would be exported, where each stands for
the chosen purpose (a chip's symbol, word and colour), and how each will be credited; under the
verdict, each person who blocks it with the tracks they are heard on and "Record consent…".

Who is heard and the verdict are the studio's (`studio.sharing.preview`, a Preview of plain
values): this only shows them, so the preview shows who holds the purpose as well as who
blocks it, and where.
"""

from __future__ import annotations

from collections.abc import Mapping

from PyQt6.QtCore import QSize, Qt, pyqtSignal
from PyQt6.QtGui import QBrush, QColor
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mt_studio.core.consent_board import ChipState
from mt_studio.core.domain import Credit, Purpose
from mt_studio.core.export.preview import HeardRow, Preview
from mt_studio.i18n import _
from mt_studio.ui.consent.chips import COLOURS, SYMBOLS, chip_details, state_label
from mt_studio.ui.consent.restriction_words import blocking_text, use_words


def purpose_wording(purpose: Purpose) -> str:
    """Who an export for PURPOSE may reach, as a therapist would say it."""
    return {
        Purpose.GROUP: _("Inside the group"),
        Purpose.COMMUNITY: _("A community music group"),
        Purpose.PUBLIC: _("Public"),
    }[purpose]


def credit_words(row: HeardRow) -> str:
    """How ROW's person will be credited, in words."""
    if row.credit_text is None:
        return _("not named")
    if row.credit is Credit.NAME:
        return _("credited by name as {name}").format(name=row.credit_text)
    return _("credited as {pseudonym}").format(pseudonym=row.credit_text)


class ExportPreview(QWidget):
    """A list of everyone heard (consent and credit) above the verdict in one sentence, and
    each person who blocks the export with the tracks they are heard on.

    `consent_requested(participant_id, purpose)` when "Record consent…" is pressed for them.
    """

    consent_requested = pyqtSignal(int, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: tuple[HeardRow, ...] = ()
        self.blocker_lines: list[tuple[QLabel, QPushButton]] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.people = QTreeWidget()
        self.people.setColumnCount(3)
        self.people.setRootIsDecorated(False)
        self.people.setUniformRowHeights(True)
        self.people.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.people.setAccessibleName(_("Who is heard, their consent and their credit"))
        self.people.setToolTip(_("Everyone heard on the tracks to export. Anyone without "
                                 "consent for the chosen purpose stops the export."))
        layout.addWidget(self.people, 1)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setTextFormat(Qt.TextFormat.PlainText)
        self.verdict.setFrameShape(QFrame.Shape.StyledPanel)
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                             | Qt.TextInteractionFlag.TextSelectableByMouse)
        self.verdict.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.verdict.setAccessibleName(_("Can this be exported?"))
        layout.addWidget(self.verdict)
        self.blockers = QGridLayout()
        self.blockers.setColumnStretch(0, 1)
        layout.addLayout(self.blockers)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        """As wide as the list of people needs: the verdict wraps beneath it."""
        return QSize(self.people.minimumWidth(), super().sizeHint().height())

    def show_preview(self, preview: Preview, purpose: Purpose,
                     titles: Mapping[int, str] | None = None) -> None:
        """Show PREVIEW of an export for PURPOSE; TITLES name the tracks (by id)."""
        self.rows = preview.rows
        self._show_blocking(preview, titles or {})
        self.people.setHeaderLabels([_("Heard"), purpose_wording(purpose), _("Credit")])
        self.people.clear()
        for row in preview.rows:
            state = row.chip.state
            item = QTreeWidgetItem([row.pseudonym, f"{SYMBOLS[state]} {state_label(state)}",
                                    credit_words(row)])
            background, text = COLOURS[state]
            item.setBackground(1, QBrush(QColor(background)))
            item.setForeground(1, QBrush(QColor(text)))
            # The chip's details, without its last line: there is nothing to click here.
            item.setToolTip(1, chip_details(row.chip).rsplit("\n", 1)[0])
            self.people.addTopLevelItem(item)
        gap = self.fontMetrics().height() // 2  # between a name and the next column
        width = 2 * self.people.frameWidth() + 2 * gap
        header = self.people.header()
        for column in range(self.people.columnCount()):
            # what the column needs, not its width: the last one stretches to the edge
            needed = max(self.people.sizeHintForColumn(column),
                         header.sectionSizeHint(column)) + gap
            self.people.setColumnWidth(column, needed)
            width += needed
        self.people.setMinimumWidth(width)  # every column whole, the credits too
        if preview.allowed:
            self.verdict.setText(_("Everyone heard has given this consent. Ready to export.")
                                 if preview.rows else
                                 _("Nobody is heard on these tracks. Ready to export."))
            self.verdict.setStyleSheet(f"padding: 0.5em; color: {COLOURS[ChipState.GRANTED][1]};")
        else:
            self.verdict.setText(preview.problem)
            self.verdict.setStyleSheet(
                f"padding: 0.5em; color: {COLOURS[ChipState.WITHDRAWN][1]};")

    def _show_blocking(self, preview: Preview, titles: Mapping[int, str]) -> None:
        """A line per person who blocks the export, naming the tracks they are heard on, and
        a button to record their consent."""
        for label, button in self.blocker_lines:
            for widget in (label, button):
                self.blockers.removeWidget(widget)
                widget.hide()  # at once: deletion waits for the event loop
                widget.deleteLater()
        self.blocker_lines = []
        names = {row.participant_id: row.pseudonym for row in preview.rows}
        ordered = sorted(preview.blocking,
                         key=lambda b: names.get(b.participant_id, "").casefold())
        for line, blocking in enumerate(ordered):  # as the list of people above
            who = names.get(blocking.participant_id, "?")
            purpose = blocking.blocker.purpose
            label = QLabel(blocking_text(blocking, names, titles))
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            button = QPushButton(_("Record consent…"))
            button.setAutoDefault(False)
            button.setAccessibleName(_("Record consent for {who}").format(who=who))
            button.setToolTip(_("Record the consent {who} gives to {use}, with witness and "
                                "form version.").format(who=who, use=use_words(purpose)))
            button.clicked.connect(lambda _checked=False, pid=blocking.participant_id,
                                   p=purpose: self.consent_requested.emit(pid, p))
            self.blockers.addWidget(label, line, 0)
            self.blockers.addWidget(button, line, 1, Qt.AlignmentFlag.AlignTop)
            self.blocker_lines.append((label, button))

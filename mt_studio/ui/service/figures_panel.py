"""The service's figures on screen: exact, large and calm, in the sections every form of the
report has (core/service_report/layout.py), names of nobody."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QFont
from PyQt6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from mt_studio.core.service_report.layout import ReportLayout, Section

COLUMNS = (("people", "music"), ("sessions", "community"), ("endings",))
"""Which sections stand in which column, top to bottom: three columns fit a laptop."""


def scaled_font(widget: QWidget, factor: float, bold: bool = False) -> QFont:
    """WIDGET's font, FACTOR times as large, bold if BOLD."""
    font = QFont(widget.font())
    font.setPointSizeF(font.pointSizeF() * factor)
    font.setBold(bold)
    return font


class FiguresPanel(QScrollArea):
    """The figures of one report, section by section; `value(section, label)` and
    `cell(section, row, column)` say what shows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._values: dict[tuple[str, str], QLabel] = {}
        self._cells: dict[tuple[str, str, str], QLabel] = {}
        self.setWidget(QWidget())

    def show_layout(self, layout: ReportLayout) -> None:
        """Show LAYOUT's sections (exact counts: "<3" is for what leaves the window)."""
        self._values.clear()
        self._cells.clear()
        page = QWidget()
        columns = QHBoxLayout(page)
        columns.setSpacing(18)
        sections = {section.key: section for section in layout.sections}
        for keys in COLUMNS:
            column = QVBoxLayout()
            column.setSpacing(18)
            for key in keys:
                if key in sections:
                    column.addWidget(self._section_box(sections.pop(key)))
            column.addStretch()
            columns.addLayout(column, 1)
        for section in sections.values():  # any the layout adds later
            columns.addWidget(self._section_box(section), 1)
        self.setWidget(page)

    def value(self, section: str, label: str) -> str:
        """The text shown for the row LABEL of SECTION (KeyError if there is none)."""
        return self._values[(section, label)].text()

    def cell(self, section: str, row: str, column: str) -> str:
        """The text shown in SECTION's table at ROW and COLUMN."""
        return self._cells[(section, row, column)].text()

    def _section_box(self, section: Section) -> QGroupBox:
        box = QGroupBox(section.heading)
        box.setFont(scaled_font(self, 1.25, bold=True))
        label_font = scaled_font(self, 1.2)
        value_font = scaled_font(self, 1.6, bold=True)
        grid = QGridLayout(box)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(0, 1)
        row_number = 0
        for row in section.rows:
            text = row.figure.text(suppress=False)
            words = row.figure.kind == "words"
            label = QLabel(row.label)
            label.setContentsMargins(24 * row.level, 0, 0, 0)  # a breakdown, under its row
            label.setFont(label_font)
            label.setWordWrap(True)
            value = QLabel(text)
            value.setFont(label_font if words else value_font)
            value.setWordWrap(words)
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value.setAccessibleName(f"{row.label}: {text}")
            self._values[(section.key, row.label)] = value
            if words and len(text) > 12:  # a list of groups goes under its label
                grid.addWidget(label, row_number, 0, 1, 2)
                value.setAlignment(Qt.AlignmentFlag.AlignLeft)
                row_number += 1
                grid.addWidget(value, row_number, 0, 1, 2)
            else:
                grid.addWidget(label, row_number, 0)
                grid.addWidget(value, row_number, 1)
            row_number += 1
        if section.table is not None:
            row_number = self._table(grid, row_number, section, label_font, value_font)
        return box

    def _table(self, grid: QGridLayout, first: int, section: Section, label_font: QFont,
               value_font: QFont) -> int:
        table = section.table
        grid.addWidget(_rule(), first, 0, 1, 2)
        inner = QGridLayout()
        inner.setHorizontalSpacing(14)
        for column, heading in enumerate(table.columns):
            title = QLabel(heading)
            title.setFont(scaled_font(self, 1.0, bold=True))
            title.setWordWrap(True)
            if column:
                title.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom)
            inner.addWidget(title, 0, column)
        for row_number, (name, figures) in enumerate(table.rows, start=1):
            label = QLabel(name)
            label.setFont(label_font)
            label.setWordWrap(True)
            inner.addWidget(label, row_number, 0)
            for column, figure in enumerate(figures, start=1):
                value = QLabel(figure.text(suppress=False))
                value.setFont(value_font)
                value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                value.setAccessibleName(f"{name}, {table.columns[column]}: {value.text()}")
                inner.addWidget(value, row_number, column)
                self._cells[(section.key, name, table.columns[column])] = value
        inner.setColumnStretch(0, 1)
        grid.addLayout(inner, first + 1, 0, 1, 2)
        return first + 2


def _rule() -> QFrame:
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    return line

"""List rows that know the id of what they show: ticked rows, and rows of two lines."""

from __future__ import annotations

from PyQt6.QtCore import QSize, Qt
from PyQt6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PyQt6.QtWidgets import (
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

ID_ROLE = Qt.ItemDataRole.UserRole
DETAIL_ROLE = Qt.ItemDataRole.UserRole + 1


def tick_item(text: str, item_id: object, ticked: bool) -> QListWidgetItem:
    """A row with a tick box (TICKED or not) showing TEXT, knowing ITEM_ID."""
    item = QListWidgetItem(text)
    item.setData(ID_ROLE, item_id)
    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
    set_ticked(item, ticked)
    return item


def set_ticked(item: QListWidgetItem, ticked: bool) -> None:
    """Tick ITEM, or untick it."""
    item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)


def is_ticked(item: QListWidgetItem) -> bool:
    """Whether ITEM is ticked."""
    return item.checkState() == Qt.CheckState.Checked


def items(shown: QListWidget) -> list[QListWidgetItem]:
    """Every row of SHOWN, top to bottom."""
    return [shown.item(row) for row in range(shown.count())]


def item_ids(shown: QListWidget) -> list[object]:
    """The id each row of SHOWN knows, top to bottom."""
    return [item.data(ID_ROLE) for item in items(shown)]


def inert_item(item: QListWidgetItem) -> QListWidgetItem:
    """ITEM made a row that cannot be chosen: a note such as "No songs yet"."""
    item.setFlags(Qt.ItemFlag.NoItemFlags)
    return item


class TwoLines(QStyledItemDelegate):
    """A list row with its title in bold and a quieter line of detail (DETAIL_ROLE) under it."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        detail = index.data(DETAIL_ROLE)
        if detail is None:
            super().paint(painter, option, index)
            return
        shown = QStyleOptionViewItem(option)
        self.initStyleOption(shown, index)
        title, shown.text = shown.text, ""
        widget = shown.widget
        widget.style().drawControl(QStyle.ControlElement.CE_ItemViewItem, shown, painter, widget)
        selected = bool(shown.state & QStyle.StateFlag.State_Selected)
        palette = shown.palette
        bold = QFont(shown.font)
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        pad = metrics.height() // 4
        area = shown.rect.adjusted(pad * 2, pad, -pad * 2, -pad)
        painter.save()
        painter.setFont(bold)
        painter.setPen(palette.color(QPalette.ColorRole.HighlightedText if selected
                                     else QPalette.ColorRole.Text))
        painter.drawText(area.adjusted(0, 0, 0, -metrics.height()), Qt.AlignmentFlag.AlignLeft,
                         metrics.elidedText(title, Qt.TextElideMode.ElideRight, area.width()))
        painter.setFont(shown.font)
        painter.setPen(palette.color(QPalette.ColorRole.HighlightedText if selected
                                     else QPalette.ColorRole.PlaceholderText))
        painter.drawText(area.adjusted(0, metrics.height(), 0, 0), Qt.AlignmentFlag.AlignLeft,
                         QFontMetrics(shown.font).elidedText(
                             detail, Qt.TextElideMode.ElideRight, area.width()))
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:  # noqa: N802 (Qt's)
        if index.data(DETAIL_ROLE) is None:
            return super().sizeHint(option, index)
        line = option.fontMetrics.height()
        return QSize(line * 8, line * 2 + line // 2 + 2)


def two_line_item(title: str, detail: str, item_id: object) -> QListWidgetItem:
    """A row for a list drawn by `TwoLines`: TITLE over DETAIL, knowing ITEM_ID."""
    item = QListWidgetItem(title)
    item.setData(DETAIL_ROLE, detail)
    item.setData(ID_ROLE, item_id)
    item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{title}, {detail}")
    item.setToolTip(f"{title}\n{detail}")
    return item


class TwoLineList(QListWidget):
    """A list of rows drawn by `TwoLines`, with accessible NAME."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.setItemDelegate(TwoLines(self))
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def choose_quietly(self, item_id: object) -> None:
        """Make the row knowing ITEM_ID the current row, without a signal."""
        self.blockSignals(True)
        for row, known in enumerate(item_ids(self)):
            if known == item_id:
                self.setCurrentRow(row)
        self.blockSignals(False)

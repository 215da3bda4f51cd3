"""The looper's layers, one row each: number, who played it, Mute, and whether it sounds."""

from __future__ import annotations

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import QCheckBox, QGridLayout, QLabel, QScrollArea, QWidget

from mt_studio.core.domain.takes import Layer
from mt_studio.i18n import _

MOST_ROWS = 1000  # the layer grid's stretch row, below any layer


class _LayerRow:
    """The widgets of one layer: number, who played it, Mute, and whether it sounds."""

    def __init__(self, number: int, parent: QWidget) -> None:
        self.number = QLabel(_("Layer {n}").format(n=number), parent)
        self.who = QLabel(parent)
        self.state = QLabel(parent)
        self.mute = QCheckBox(_("Mute"), parent)
        self.mute.setAccessibleName(_("Mute layer {n}").format(n=number))
        self.mute.setToolTip(_("Silence this layer for now; untick to hear it again."))

    def update(self, layer: Layer, who: str) -> None:
        """Show LAYER as played by WHO."""
        self.who.setText(who)
        if layer.undone:
            words = _("undone – kept; Redo brings it back")
        elif layer.muted:
            words = _("muted")
        else:
            words = _("in the loop")
        self.state.setText(words)
        self.mute.blockSignals(True)
        self.mute.setChecked(layer.muted)
        self.mute.blockSignals(False)
        for label in (self.number, self.who, self.state):  # italic, not greyed: still legible
            font = label.font()
            font.setItalic(layer.undone)
            label.setFont(font)

    def widgets(self) -> tuple[QWidget, ...]:
        """The row's widgets, left to right."""
        return self.number, self.who, self.mute, self.state


class LayerList(QScrollArea):
    """One row per layer, in a slightly larger font; rows are updated in place, so a Mute box
    keeps the keyboard focus. `mute_toggled(track_id, muted)` when a Mute box is ticked."""

    mute_toggled = pyqtSignal(int, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: dict[int, _LayerRow] = {}  # track id → its row
        holder = QWidget()
        scaled(holder, 1.25)
        line = holder.fontMetrics().height()
        self._grid = QGridLayout(holder)
        self._grid.setHorizontalSpacing(line * 2)
        self._grid.setVerticalSpacing(line // 2)
        for column, heading in enumerate((_("Layer"), _("Played by"), "", _("Status"))):
            self._grid.addWidget(scaled(QLabel(heading), 1.0, bold=True), 0, column)
        self._grid.setColumnStretch(3, 1)
        self.empty = QLabel(_("No layers yet. Record a loop to begin."))
        self._grid.addWidget(self.empty, 1, 0, 1, 4)
        self._grid.setRowStretch(MOST_ROWS, 1)
        self.setWidget(holder)
        self.setWidgetResizable(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def show_layers(self, layers: list[Layer], who: dict[int, str]) -> None:
        """Show LAYERS, each played by WHO[its track id]."""
        for layer in layers:
            row = self._rows.get(layer.track_id)
            if row is None:
                row = _LayerRow(layer.number, self.widget())
                for column, widget in enumerate(row.widgets()):
                    self._grid.addWidget(widget, layer.number, column)
                row.mute.toggled.connect(
                    lambda muted, track=layer.track_id: self.mute_toggled.emit(track, muted))
                self._rows[layer.track_id] = row
            row.update(layer, who.get(layer.track_id, ""))
        self.empty.setVisible(not self._rows)

    def clear(self) -> None:
        """Take every row away."""
        for row in self._rows.values():
            for widget in row.widgets():
                self._grid.removeWidget(widget)
                widget.hide()  # at once: deletion waits for the event loop
                widget.deleteLater()
        self._rows.clear()
        self.empty.show()

    def mute_box(self, number: int) -> QCheckBox:
        """The Mute box of layer NUMBER."""
        return next(r.mute for r in self._rows.values()
                    if r.number.text() == _("Layer {n}").format(n=number))

    def rows(self) -> list[tuple[str, str, str, bool]]:
        """What the rows show: number, who, whether it sounds, muted."""
        return [(r.number.text(), r.who.text(), r.state.text(), r.mute.isChecked())
                for r in self._rows.values()]



def scaled(widget: QWidget, factor: float, bold: bool = False) -> QWidget:
    """WIDGET with its font FACTOR times the system's (bold if BOLD); WIDGET returned."""
    font = widget.font()
    if factor != 1.0:  # else the size is left to follow the parent's
        font.setPointSizeF(font.pointSizeF() * factor)
    font.setBold(bold)
    widget.setFont(font)
    return widget

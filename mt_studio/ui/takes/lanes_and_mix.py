"""The chosen take's tracks above their mix: the lanes in a scroll area with the hint on how to
loop and zoom under them, the mix below, and the handle between them to be dragged (and kept):
on a laptop's screen a take of many tracks would otherwise leave its lanes no room."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from mt_studio.i18n import _
from mt_studio.ui.common.remembered_splitter import RememberedSplitter
from mt_studio.ui.takes.mix_panel import MixPanel
from mt_studio.ui.takes.take_lanes import TakeLanes


class LanesAndMix(RememberedSplitter):
    """LANES (with `zoom_hint` under them) above MIX, as tall as they were last left."""

    def __init__(self, lanes: TakeLanes, mix: MixPanel, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, "take_lanes_height", parent)
        line = self.fontMetrics().height()
        self.zoom_hint = QLabel(_("Drag along the strip above the tracks to mark a part to "
                                  "loop. Ctrl+wheel or + and − zoom; 0 shows the whole take."))
        self.zoom_hint.setWordWrap(True)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(lanes)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        lanes_and_hint = QWidget()
        lanes_layout = QVBoxLayout(lanes_and_hint)
        lanes_layout.setContentsMargins(0, 0, 0, 0)
        lanes_layout.addWidget(scroll, 1)
        lanes_layout.addWidget(self.zoom_hint)
        mix_scroll = QScrollArea()
        mix_scroll.setWidgetResizable(True)
        mix_scroll.setWidget(mix)
        mix_scroll.setFrameShape(QFrame.Shape.NoFrame)
        mix_scroll.setMinimumHeight(line * 3)
        self.addWidget(lanes_and_hint)
        self.addWidget(mix_scroll)
        self.setStretchFactor(0, 3)
        self.setStretchFactor(1, 1)
        self.restore(line * 16, line * 8)

"""Work put off until a widget has been drawn runs once, after the paint, or at the latest."""

from __future__ import annotations

from PyQt6.QtCore import QEvent, QObject
from PyQt6.QtWidgets import QLabel

from mt_studio.ui.common.after_paint import after_next_paint


class PaintLog(QObject):
    """Writes "paint" into EVENTS each time WIDGET is painted."""

    def __init__(self, widget, events: list[str]) -> None:
        super().__init__(widget)
        self.events = events
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            self.events.append("paint")
        return False


def test_the_work_runs_once_just_after_the_widget_has_painted(qtbot):
    label = QLabel("Sessions")
    qtbot.addWidget(label)
    label.show()
    qtbot.waitExposed(label)
    events: list[str] = []
    PaintLog(label, events)
    after_next_paint(label, lambda: events.append("work"), latest_ms=60_000)
    qtbot.waitUntil(lambda: "work" in events)
    assert events[0] == "paint" and events.count("work") == 1
    label.repaint()
    qtbot.wait(50)  # a later paint calls nothing more
    assert events.count("work") == 1


def test_a_widget_that_is_never_shown_still_gets_its_work_done_at_the_latest(qtbot):
    label = QLabel("hidden")
    qtbot.addWidget(label)
    events: list[str] = []
    after_next_paint(label, lambda: events.append("work"), latest_ms=100)
    qtbot.waitUntil(lambda: events == ["work"], timeout=5000)
    assert not label.isVisible()

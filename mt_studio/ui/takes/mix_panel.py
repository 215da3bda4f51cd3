"""The mix of a take while it plays: per track a mute and a solo button, volume and pan."""

from __future__ import annotations

from collections.abc import Sequence

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import (
    QGridLayout,
    QLabel,
    QPushButton,
    QSlider,
    QWidget,
)

from mt_studio.core.mixing import TrackMix
from mt_studio.i18n import _

VOLUME_RANGE_DB = (-30, 6)


class MixPanel(QWidget):
    """One row per track; `mix_changed(index, TrackMix)` after every change."""

    mix_changed = pyqtSignal(int, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._rows: list[tuple[QPushButton, QPushButton, QSlider, QSlider]] = []
        self._labels: list[QLabel] = []
        self.setAccessibleName(_("Mix"))

    def set_tracks(self, tracks: Sequence[tuple[str, str]]) -> None:
        """Show a row for each track, given as (its title, who is heard on it), all level."""
        while self._grid.count():
            item = self._grid.takeAt(0)
            if item.widget() is not None:
                item.widget().hide()  # at once: left showing, an old row covered the new ones
                item.widget().deleteLater()
        self._rows, self._labels = [], []
        for column, heading in enumerate((_("Track"), "", "", _("Volume"), _("Left – right"))):
            if heading:
                self._grid.addWidget(QLabel(heading), 0, column)
        for index, (title, people) in enumerate(tracks):
            label = QLabel(title)
            label.setToolTip(people)
            mute = self._toggle(_("Mute"), _("Mute {track}").format(track=title))
            solo = self._toggle(_("Solo"), _("Hear only {track} (and other solo tracks)")
                                .format(track=title))
            volume = self._slider(*VOLUME_RANGE_DB, 0, _("Volume of {track}").format(
                track=title))
            pan = self._slider(-100, 100, 0, _("Left or right for {track}").format(track=title))
            volume.setToolTip(_("0 dB is as recorded. Double-click to set it back."))
            pan.setToolTip(_("Middle is both sides alike."))
            for widget, column in ((label, 0), (mute, 1), (solo, 2), (volume, 3), (pan, 4)):
                self._grid.addWidget(widget, index + 1, column)
            for control in (mute, solo):
                control.toggled.connect(lambda _on, i=index: self._changed(i))
            for control in (volume, pan):
                control.valueChanged.connect(lambda _v, i=index: self._changed(i))
            self._rows.append((mute, solo, volume, pan))
            self._labels.append(label)
        self._grid.setColumnStretch(3, 2)
        self._grid.setColumnStretch(4, 1)

    def mix(self, index: int) -> TrackMix:
        """How track INDEX is set to sound."""
        mute, solo, volume, pan = self._rows[index]
        return TrackMix(gain_db=float(volume.value()), pan=pan.value() / 100,
                        mute=mute.isChecked(), solo=solo.isChecked())

    def row(self, index: int) -> tuple[QPushButton, QPushButton, QSlider, QSlider]:
        """The mute, solo, volume and pan controls of track INDEX."""
        return self._rows[index]

    def set_unavailable(self, index: int, why: str) -> None:
        """Grey out track INDEX's row, which cannot sound here, saying WHY."""
        label = self._labels[index]
        if not label.isEnabled():
            return
        label.setEnabled(False)
        label.setText(_("{track} (not heard)").format(track=label.text()))
        label.setToolTip(why)
        for control in self._rows[index]:
            control.setEnabled(False)
            control.setToolTip(why)

    def _changed(self, index: int) -> None:
        self.mix_changed.emit(index, self.mix(index))

    def _toggle(self, text: str, name: str) -> QPushButton:
        button = QPushButton(text)
        button.setCheckable(True)
        button.setAccessibleName(name)
        button.setToolTip(name)
        return button

    def _slider(self, low: int, high: int, value: int, name: str) -> QSlider:
        slider = _ResettingSlider(Qt.Orientation.Horizontal)
        slider.setRange(low, high)
        slider.setValue(value)
        slider.setAccessibleName(name)
        slider.setMinimumWidth(self.fontMetrics().height() * 6)
        return slider


class _ResettingSlider(QSlider):
    """A slider that a double click sets back to the middle position it started at."""

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.setValue(0)
        event.accept()

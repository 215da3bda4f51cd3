"""The mix of a take while it plays: per track a mute and a solo button, volume and pan, sent
to the take's player as they change."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import (
    QGridLayout,
    QLabel,
    QPushButton,
    QSlider,
    QWidget,
)

from mt_studio.core.mixing import TrackMix, stereo_gains
from mt_studio.i18n import _
from mt_studio.ui.takes.lane_marks import Lane

if TYPE_CHECKING:
    from mt_studio.core.playback import TakePlayer

VOLUME_RANGE_DB = (-30, 6)


class MixPanel(QWidget):
    """One row per track (`track_ids` in order); `mix_changed(index, TrackMix)` after every
    change, which the player given by `set_player` hears too."""

    mix_changed = pyqtSignal(int, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._rows: list[tuple[QPushButton, QPushButton, QSlider, QSlider]] = []
        self._labels: list[QLabel] = []
        self.track_ids: list[int] = []
        self._player: TakePlayer | None = None
        self.setAccessibleName(_("Mix"))

    def set_tracks(self, tracks: Sequence[Lane]) -> None:
        """Show a row for each track as its lane names it (title, who is heard), all level."""
        while self._grid.count():
            item = self._grid.takeAt(0)
            if item.widget() is not None:
                item.widget().hide()  # at once: left showing, an old row covered the new ones
                item.widget().deleteLater()
        self._rows, self._labels = [], []
        self.track_ids = [lane.track_id for lane in tracks]
        self._player = None  # the rows' player is given again once it opens
        for column, heading in enumerate((_("Track"), "", "", _("Volume"), _("Left – right"))):
            if heading:
                self._grid.addWidget(QLabel(heading), 0, column)
        for index, (title, people) in enumerate((t.title, t.people) for t in tracks):
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

    def mixes(self) -> dict[int, TrackMix]:
        """How each track is set to sound, by track id."""
        return {track_id: self.mix(index) for index, track_id in enumerate(self.track_ids)}

    def heard(self) -> set[int]:
        """The tracks (ids) the mix lets be heard: not muted, and soloed if any is."""
        gains = stereo_gains([self.mix(index) for index in range(len(self._rows))])
        return {track_id for track_id, gain in zip(self.track_ids, gains, strict=True)
                if gain.any()}

    def leave_out(self, silent: Collection[int]) -> None:
        """Mute the tracks in SILENT (by id) and unmute the rest: a looper's word on its
        layers is the last."""
        for index, track_id in enumerate(self.track_ids):
            self._rows[index][0].setChecked(track_id in silent)

    def set_player(self, player: TakePlayer | None) -> None:
        """Mix PLAYER (None: none open) as the rows are set, and as they change from now on;
        a row whose track the player cannot sound (a MIDI track without a synthesizer) is
        greyed, saying why."""
        self._player = player
        if player is None:
            return
        for index, track_id in enumerate(self.track_ids):
            if track_id in player.track_ids:
                player.set_mix(player.track_ids.index(track_id), self.mix(index))
            else:
                self.set_unavailable(index, player.midi_problem or "")

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
        mix, player, track_id = self.mix(index), self._player, self.track_ids[index]
        if player is not None and track_id in player.track_ids:
            player.set_mix(player.track_ids.index(track_id), mix)
        self.mix_changed.emit(index, mix)

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

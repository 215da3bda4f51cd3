"""How a take is listened to on the Takes tab, kept with the take: its loop, the practice speed
and pitch, and each track's volume, pan, mute and solo. A change is written a moment after it
is made (a fader being dragged is written once it rests), and at once before another take is
shown or the tab lets go; the take shown again comes back as it was left."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PyQt6.QtCore import QObject, QTimer

from mt_studio.core.domain.sound import TakeSound
from mt_studio.core.domain.takes import Listening, Take, TrackLevel
from mt_studio.core.errors import MtStudioError
from mt_studio.ui.takes.mix_panel import MixPanel
from mt_studio.ui.takes.practice_controls import PracticeControls
from mt_studio.ui.takes.take_lanes import TakeLanes
from mt_studio.ui.takes.take_transport import TakeTransport

if TYPE_CHECKING:
    from mt_studio.core.studio import Studio

log = logging.getLogger(__name__)

KEEP_AFTER_MS = 500


class ListeningKeeper(QObject):
    """Keeps with the take, through the studio, what LANES, TRANSPORT, PRACTICE and MIX show
    of the take shown."""

    def __init__(self, studio: Studio, lanes: TakeLanes, transport: TakeTransport,
                 practice: PracticeControls, mix: MixPanel) -> None:
        super().__init__(transport)
        self._studio = studio
        self._lanes, self._transport, self._practice, self._mix = lanes, transport, practice, mix
        self._take: Take | None = None  # the take whose listening is shown
        self._setting = False  # while the take's listening is set: nothing to keep
        self._pending = False  # a change waits to be kept
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(KEEP_AFTER_MS)
        self._timer.timeout.connect(self.keep_now)
        mix.mix_changed.connect(self.changed)
        transport.loop_changed.connect(self.changed)
        for box in (practice.speed, practice.transpose):
            box.valueChanged.connect(self.changed)

    def changed(self, *_args: object) -> None:
        """Something the take is listened with changed: keep it in a moment."""
        if self._take is not None and not self._setting:
            self._pending = True
            self._timer.start()

    def keep_now(self) -> None:
        """Write a change not yet kept (before another take is shown, or the tab lets go)."""
        self._timer.stop()
        take, pending, self._pending = self._take, self._pending, False
        if take is None or not pending:
            return
        shown = self.shown()
        try:
            self._studio.listening.keep(take.id, shown)
        except MtStudioError as error:  # how it sounds is not worth a message in the way
            log.warning("how take %d is listened to was not kept: %s", take.id, error)

    def shown(self) -> Listening:
        """The listening the tab shows now."""
        levels = {}
        for index, track_id in enumerate(self._mix.track_ids):
            mix = self._mix.mix(index)
            levels[track_id] = TrackLevel(mix.gain_db, mix.pan, mix.mute, mix.solo)
        return Listening(self._lanes.loop, self._transport.loop_button.isChecked(),
                         self._practice.speed.value() / 100, self._practice.transpose.value(),
                         levels)

    def show(self, sound: TakeSound | None) -> None:
        """Set the tab as the take of SOUND (None: none, or one with no sound) was left, as
        the studio resolved it; call it once its lanes and mix rows are there, before its
        player opens."""
        self._take, self._pending = (sound.take if sound else None), False
        kept = sound.kept if sound else None
        if kept is None:
            return
        self._setting = True
        try:
            for index, track_id in enumerate(self._mix.track_ids):
                level = kept.levels.get(track_id)
                if level is not None:
                    mute, solo, volume, pan = self._mix.row(index)
                    mute.setChecked(level.muted)
                    solo.setChecked(level.solo)
                    volume.setValue(round(level.gain_db))
                    pan.setValue(round(level.pan * 100))
            self._lanes.set_loop(kept.loop)
            self._transport.loop_button.setChecked(kept.looping and self._lanes.loop is not None)
            for box, value in ((self._practice.speed, round(kept.speed * 100)),
                               (self._practice.transpose, kept.semitones)):
                box.blockSignals(True)  # prepared once the player opens: see set_playable
                box.setValue(value)
                box.blockSignals(False)
        finally:
            self._setting = False

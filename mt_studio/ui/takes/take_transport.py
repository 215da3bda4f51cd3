"""The transport of the chosen take: Play and Stop, back to the start, the clock, looping the
part drawn on the loop strip (or the part between the markers around the playhead), named
markers; and the take's player, opened in the background and closed without keeping the
window waiting on the device."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PyQt6.QtCore import QTimer, pyqtSignal
from PyQt6.QtWidgets import QCheckBox, QHBoxLayout, QInputDialog, QLabel, QPushButton, QWidget

from mt_studio.core.domain.takes import Take
from mt_studio.core.errors import InputError, MtStudioError
from mt_studio.core.looping import LoopRegion
from mt_studio.core.playback import TakePlayer
from mt_studio.core.synth import RenderCancelled
from mt_studio.i18n import _
from mt_studio.ui.common.take_words import length_words
from mt_studio.ui.common.worker import Worker, run_in_worker
from mt_studio.ui.takes.lane_marks import Mark
from mt_studio.ui.takes.take_lanes import TakeLanes

if TYPE_CHECKING:
    from mt_studio.core.studio import Studio

log = logging.getLogger(__name__)

PLAYHEAD_INTERVAL_MS = 33  # about 30 times a second
LOOP_CROSSFADE_SECONDS = 0.005  # against a click at the seam


def marker_names() -> list[str]:
    """The names offered for a new marker, in the window's language."""
    return [_("Verse"), _("Chorus"), _("Bridge"), _("Intro"), _("Outro")]


class TakeTransport(QWidget):
    """The transport line and the player of `take`, the take shown in LANES: the studio's
    player of the take, opened in a worker.

    `position_changed(take_id, frame)` follows the playhead (take_id is 0 with no take);
    `player_changed(player)` when the take's player is open, or None when it is let go;
    `loop_changed()` when a loop is drawn, or looping goes on or off.
    """

    position_changed = pyqtSignal(int, int)
    player_changed = pyqtSignal(object)
    loop_changed = pyqtSignal()

    def __init__(self, studio: Studio, lanes: TakeLanes,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._studio = studio
        self._lanes = lanes
        self.take: Take | None = None
        self.player: TakePlayer | None = None
        self._closers: list[Worker] = []
        self._play_when_ready = False
        lanes.seek_requested.connect(self.seek)
        lanes.loop_changed.connect(self._loop_drawn)
        self._build()

    def _build(self) -> None:
        self.play_button = QPushButton(_("Play"))
        self.play_button.setAccessibleName(_("Play or stop"))
        self.play_button.setToolTip(_("Play the take from the playhead, or stop (Space)."))
        self.start_button = QPushButton(_("Back to start"))
        self.start_button.setAccessibleName(_("Back to the start"))
        self.start_button.setToolTip(_("Move the playhead to the start of the take (Home)."))
        self.start_button.clicked.connect(self.to_start)
        self.clock = QLabel()
        self.clock.setAccessibleName(_("Playhead time"))
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName(_("Playback status"))
        self.loop_button = QPushButton(_("Loop"))
        self.loop_button.setCheckable(True)
        self.loop_button.setAccessibleName(_("Loop"))
        self.loop_button.setToolTip(_(
            "Play the marked part over and over (L). Drag along the strip above the tracks to "
            "mark a part; without one, the part between the markers around the playhead."))
        self.loop_button.toggled.connect(self._loop_toggled)
        self.loop_at_once = QCheckBox(_("Change the loop at once"))
        self.loop_at_once.setToolTip(_(
            "When off, a new loop starts when the one playing comes round to its end."))
        self.marker_button = QPushButton(_("Add marker…"))
        self.marker_button.setAccessibleName(_("Add a marker at the playhead"))
        self.marker_button.setToolTip(_("Name this point of the take, for example Chorus (M)."))
        self.marker_button.clicked.connect(self.add_marker)
        line = QHBoxLayout(self)
        line.setContentsMargins(0, 0, 0, 0)
        for widget in (self.play_button, self.start_button, self.clock, self.loop_button,
                       self.loop_at_once, self.marker_button):
            line.addWidget(widget)
        line.addWidget(self.status, 1)
        self._playhead_timer = QTimer(self)
        self._playhead_timer.setInterval(PLAYHEAD_INTERVAL_MS)
        self._playhead_timer.timeout.connect(self._follow_player)
        self._set_usable(False, "")
        self.show_clock()

    # The take and its player

    def start_afresh(self, take: Take | None) -> None:
        """Let go of the take shown before (its player, its loop, a wish to play) for TAKE;
        `open_player` follows once the lanes show TAKE."""
        self.let_go()
        self.take = take
        self.loop_button.blockSignals(True)
        self.loop_button.setChecked(False)
        self.loop_button.blockSignals(False)
        self._play_when_ready = False

    def open_player(self) -> None:
        """Show the take on the clock and open its player in the background; the note says
        why a take cannot play."""
        take = self.take
        self.show_clock()
        if take is None or not take.frames:
            self._set_usable(False, "")
            return
        if not take.tracks:
            self._set_usable(False, _("This take has no audio to play."))
            return
        player = self._studio.listening.player(take.id)
        self.player = player
        self._set_usable(False, _("Getting the sound ready…"))

        def work() -> str:
            """Open the player; what went wrong in words ("" if nothing)."""
            try:
                player.prepare(cancelled=lambda: player is not self.player)  # MIDI's sound
                if not player.sources:
                    raise InputError(player.midi_problem or _("This take has no audio to "
                                                              "play."))
                player.open()
            except RenderCancelled:
                pass  # another take was chosen meanwhile: this player is let go
            except MtStudioError as error:
                return str(error)
            except Exception as error:  # an unexpected device failure must be said
                log.exception("the output could not be opened")
                return _("Playback is not possible here: {error}").format(error=error)
            return ""

        run_in_worker(self, work, done=lambda problem: self._player_ready(player, problem))

    def _player_ready(self, player: TakePlayer, problem: str) -> None:
        if player is not self.player:
            self._close_in_background(player)
            return
        if problem:
            self.player = None
            self._set_usable(False, problem)
            return
        player.set_loop(self.loop_region() if self.loop_button.isChecked() else None)
        self._set_usable(True, player.midi_problem or "")  # the audio plays all the same
        self.player_changed.emit(player)
        if self._play_when_ready:
            self._play_when_ready = False
            self._start_player(self._lanes.playhead)

    def set_practice(self, version) -> None:
        """Play VERSION (a practice version) in the take's place; None: the take as recorded."""
        if self.player is not None:
            self.player.set_practice(version)
            self._show_play_label()

    def wait_until_closed(self, timeout: float) -> None:
        """Wait up to TIMEOUT seconds for each output being closed to close."""
        for closer in self._closers:
            closer.wait(timeout)
        self._closers = [c for c in self._closers if c.running]

    def let_go(self) -> None:
        """Stop playing and close the output in the background."""
        self._playhead_timer.stop()
        player, self.player = self.player, None
        if player is not None and player.is_open:
            self._close_in_background(player)
        self.player_changed.emit(None)

    def _close_in_background(self, player: TakePlayer) -> None:
        """Close PLAYER's output without making the window wait on the device."""
        closer = run_in_worker(self, player.close, thread="mt-studio-close-output")
        self._closers = [c for c in self._closers if c.running] + [closer]

    # Playing

    @property
    def playing(self) -> bool:
        """Whether the take is playing."""
        return self.player is not None and self.player.playing

    def play(self) -> None:
        """Play the take from the playhead (from the start if it is at the end)."""
        if self.player is None or not self.play_button.isEnabled():
            return
        start = self._lanes.playhead
        if start >= self._lanes.frames:
            start = 0
        self._start_player(start)

    def play_from(self, frame: int) -> None:
        """Play the take from FRAME, or as soon as its player is open."""
        self._lanes.set_playhead(frame)
        self.show_clock()
        if self.player is not None and self.player.is_open:
            self._start_player(self._lanes.playhead)
        else:
            self._play_when_ready = True

    def _start_player(self, start: int) -> None:
        try:
            self.player.play(start)
        except MtStudioError as error:
            self.status.setText(str(error))
            return
        self.status.setText("")
        self._playhead_timer.start()
        self._show_play_label()

    def stop(self) -> None:
        """Stop playing; the playhead stays where the sound stopped."""
        if self.player is None:
            return
        self.player.stop()
        self._follow_player()

    def to_start(self) -> None:
        """Move the playhead to the start (what Home does), playing on if playing."""
        self.seek(0)

    def seek(self, frame: int) -> None:
        """Move the playhead to FRAME; playback, if on, goes on from there."""
        if self.take is None:
            return
        self._lanes.set_playhead(frame)
        self.show_clock()
        if self.playing:
            self._start_player(self._lanes.playhead)

    def _follow_player(self) -> None:
        player = self.player
        if player is None:
            self._playhead_timer.stop()
            return
        self._lanes.set_playhead(player.position)
        self._keep_in_view(self._lanes.playhead)
        self.show_clock()
        if not player.playing:
            self._playhead_timer.stop()
            self._show_play_label()
            if player.problem:
                self.status.setText(player.problem)

    def _keep_in_view(self, frame: int) -> None:
        """Page a zoomed view along so that FRAME stays in sight while the take plays."""
        lanes = self._lanes
        span = lanes.view_stop - lanes.view_start
        if span < lanes.frames and not lanes.view_start <= frame < lanes.view_stop:
            start = frame - span // 10
            lanes.set_view(start, start + span)

    def _set_usable(self, usable: bool, note: str) -> None:
        self.play_button.setEnabled(usable)
        self.start_button.setEnabled(self.take is not None)
        self.status.setText(note)
        self.status.setToolTip(note)
        self._show_play_label()

    def _show_play_label(self) -> None:
        self.play_button.setText(_("Stop") if self.playing else _("Play"))

    def show_clock(self) -> None:
        """Show where the playhead is, on the clock and to `position_changed`."""
        rate = self.take.samplerate if self.take else 48000
        frames = self.take.frames if self.take else 0
        self.position_changed.emit(self.take.id if self.take else 0, self._lanes.playhead)
        self.clock.setText(_("{now} of {length}").format(
            now=length_words(self._lanes.playhead, rate), length=length_words(frames, rate)))

    # Loops and markers

    def loop_region(self) -> LoopRegion | None:
        """The loop drawn on the strip, as the player takes it."""
        if self._lanes.loop is None or self.take is None:
            return None
        start, end = self._lanes.loop
        return LoopRegion(start, end, round(LOOP_CROSSFADE_SECONDS * self.take.samplerate))

    def looped_part(self) -> tuple[int, int]:
        """The frames (start, stop) that play: the loop while looping, else the whole take."""
        if self.loop_button.isChecked() and self._lanes.loop:
            return self._lanes.loop
        return (0, self.take.frames)

    # Slots are methods, not lambdas: a method's connection goes with its widget, where a
    # lambda's could still be called while the widget is being taken apart.

    def _loop_toggled(self, on: bool) -> None:
        self.loop_changed.emit()
        if on and self._lanes.loop is None:
            self._lanes.set_loop(self._lanes.marked_part(self._lanes.playhead))
        if on and self._lanes.loop is None:
            self.loop_button.setChecked(False)
            return
        self._send_loop(on)

    def _loop_drawn(self, region: tuple[int, int] | None) -> None:
        self.loop_changed.emit()
        if region is None:
            self.loop_button.setChecked(False)
        elif not self.loop_button.isChecked():
            self.loop_button.setChecked(True)  # drawing a loop means looping it
        else:
            self._send_loop(True)

    def _send_loop(self, on: bool) -> None:
        if self.player is None:
            return
        try:
            self.player.set_loop(self.loop_region() if on else None,
                                 at_once=self.loop_at_once.isChecked())
        except MtStudioError as error:
            self.status.setText(str(error))

    def add_marker(self) -> None:
        """Ask for a name and drop a marker at the playhead (what M does)."""
        if self.take is None:
            return
        frame = self._lanes.playhead
        names = marker_names()
        name, chosen = QInputDialog.getItem(
            self, _("Add a marker"), _("Name the part that starts at {time}:").format(
                time=length_words(frame, self.take.samplerate)), names, 0, True)
        name = name.strip()
        if not chosen or not name:
            return
        try:
            marked = self._studio.listening.add_marker(self.take.id, frame, name)
        except MtStudioError as error:
            self.status.setText(str(error))
            return
        self.show_markers(marked)

    def show_markers(self, take: Take) -> None:
        """TAKE is the take shown, its markers as they are now (marked here or elsewhere)."""
        self.take = take
        self._lanes.set_markers([Mark(m.frame, m.name) for m in take.markers])

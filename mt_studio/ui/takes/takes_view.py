"""The Takes tab: a session's takes with thumbnails and status, and the chosen take's lanes,
mix and transport: Space plays and stops, Home goes back to the start, L loops the part drawn
on the loop strip (or, with none, the part between the markers around the playhead), M drops a
named marker at the playhead, and the metronome clicks along at the session's or a tapped
tempo. Waveforms come from each track's peak cache, built in the background.

This module ties the parts together: `take_list` lists the takes, `take_heading` names the
chosen one, `take_transport` plays it, `practice_controls` holds the beat and the practice
line, `take_plugins` the plugins' analyses, lead sheet and playback effect, `lane_loading`
fills the lanes, `mix_panel` mixes the tracks (`lanes_and_mix` lays the two out),
`take_consent` shows what the take may still be used for and `take_listening` keeps the loop,
practice and mix with the take. What they show is the take as the studio resolved it
(`studio.listening.sound`), and the tab follows the studio's events through the bridge: a take
recorded, named or given a layer, consent or who is present changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt6.QtCore import QSize, Qt, pyqtSignal
from PyQt6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QVBoxLayout,
    QWidget,
)

from mt_studio.core.domain import Purpose, TakeStatus
from mt_studio.core.domain.sound import TakeSound
from mt_studio.core.domain.takes import Take
from mt_studio.core.looping import LoopRegion
from mt_studio.core.metronome import BeatGrid
from mt_studio.core.playback import TakePlayer
from mt_studio.core.plugins import PluginHost
from mt_studio.i18n import _
from mt_studio.ui.common.key_shortcuts import add_shortcuts
from mt_studio.ui.common.remembered_splitter import RememberedSplitter
from mt_studio.ui.common.worker import wait_for_pool_work
from mt_studio.ui.deletion.deletion_dialog import delete_take_dialog
from mt_studio.ui.export.export_dialog import ExportDialog
from mt_studio.ui.takes.lane_loading import LaneLoader
from mt_studio.ui.takes.lane_marks import Mark, Span, lane_for
from mt_studio.ui.takes.lanes_and_mix import LanesAndMix
from mt_studio.ui.takes.mix_panel import MixPanel
from mt_studio.ui.takes.practice_controls import PracticeControls
from mt_studio.ui.takes.take_consent import TakeConsent
from mt_studio.ui.takes.take_heading import TakeHeading
from mt_studio.ui.takes.take_lanes import TakeLanes
from mt_studio.ui.takes.take_list import TakeList
from mt_studio.ui.takes.take_listening import ListeningKeeper
from mt_studio.ui.takes.take_plugins import TakePlugins
from mt_studio.ui.takes.take_transport import PLAYHEAD_INTERVAL_MS, TakeTransport

if TYPE_CHECKING:
    from mt_studio.core.studio import Studio
    from mt_studio.ui.bridge import StudioBridge

# PLAYHEAD_INTERVAL_MS is imported from here too.
__all__ = ["PLAYHEAD_INTERVAL_MS", "TakesView"]


class TakesView(QWidget):
    """A session's takes (newest first) above the chosen take's lanes and transport.

    `position_changed(take_id, frame)` follows the playhead (take_id is 0 with no take);
    `plugins_changed()` when a plugin failed here and was disabled; `consent_changed()` when
    consent was recorded from here (in the export dialog). PLUGINS is the app's plugin host
    (None until it has started: see `set_plugins`). BRIDGE (None: a tab alone, in tests, which
    `refresh` by hand) tells the tab what changed in the studio.
    """

    position_changed = pyqtSignal(int, int)
    plugins_changed = pyqtSignal()
    consent_changed = pyqtSignal()

    def __init__(self, studio: Studio, bridge: StudioBridge | None = None,
                 parent: QWidget | None = None,
                 plugins: PluginHost | None = None) -> None:
        super().__init__(parent)
        self.studio = studio
        self.bridge = bridge  # the studio's events as signals (None: a panel alone, in tests)
        self.plugin_host = plugins
        self.session_id: int | None = None
        self._left_out: frozenset[int] = frozenset()  # the looper's, as the take is shown
        self._build()
        if bridge is not None:
            bridge.take_changed.connect(self._take_changed)
            bridge.consent_changed.connect(self._consent_changed)
            bridge.attendance_changed.connect(self._attendance_changed)

    def _build(self) -> None:
        line = self.fontMetrics().height()
        self.take_list = TakeList(self.studio)
        self.take_list.setIconSize(QSize(line * 8, line * 2))
        self.take_list.take_chosen.connect(self._show_take)

        self.heading = TakeHeading(self.studio)
        self.heading.export_button.clicked.connect(self._export_clicked)
        self.heading.name_button.clicked.connect(self.name_take)
        self.heading.delete_button.clicked.connect(self.delete_take)
        self.heading.named.connect(self._take_named)
        self.lanes = TakeLanes()
        self._lane_loader = LaneLoader(self.lanes, self)
        self.transport = TakeTransport(self.studio, self.lanes)
        self.transport.position_changed.connect(self.position_changed)
        self.transport.player_changed.connect(self._player_changed)
        # Play goes through the tab's toggle, as Space does (the toggle knows the whole tab).
        self.transport.play_button.clicked.connect(self.toggle_playback)
        self.practice = PracticeControls(self.transport.looped_part)
        self.practice.grid_changed.connect(self._grid_changed)
        self.practice.practice_ready.connect(self.transport.set_practice)
        self.practice.note.connect(self.transport.status.setText)
        self.transport.loop_changed.connect(self.practice.part_changed)
        self.take_plugins = TakePlugins(self.studio, self.lanes)
        self.take_plugins.set_host(self.plugin_host)
        self.take_plugins.plugins_changed.connect(self.plugins_changed)
        # The parts' widgets, by the names the tab has always given them.
        self.title, self.note = self.heading.title, self.heading.note
        self.name_button, self.export_button = self.heading.name_button, self.heading.export_button
        self.play_button = self.transport.play_button
        self.start_button = self.transport.start_button
        self.clock = self.transport.clock
        self.transport_note = self.transport.status
        self.loop_button = self.transport.loop_button
        self.loop_at_once = self.transport.loop_at_once
        self.marker_button = self.transport.marker_button
        self.click_button = self.practice.click_button
        self.tempo = self.practice.tempo
        self.beats = self.practice.beats
        self.tap_button = self.practice.tap_button
        self.find_tempo_button = self.practice.find_tempo_button
        self.speed = self.practice.speed
        self.transpose = self.practice.transpose
        self.practice_progress = self.practice.practice_progress
        self.practice_cancel = self.practice.practice_cancel
        self.analyse_button = self.take_plugins.analyse_button
        self.lead_sheet_button = self.take_plugins.lead_sheet_button
        self.effect = self.take_plugins.effect
        self.strip = self.take_plugins.strip
        self.consent = TakeConsent(self.studio, self.lead_sheet_button)
        self.consent.export_requested.connect(self.open_export)
        self.export_button.setMenu(self.consent.export_menu)
        self.mix = MixPanel()
        self.listening = ListeningKeeper(self.studio, self.lanes, self.transport, self.practice,
                                         self.mix)
        self.lanes_splitter = LanesAndMix(self.lanes, self.mix)
        self.zoom_hint = self.lanes_splitter.zoom_hint
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        for part in (self.heading, self.consent, self.transport, self.practice,
                     self.take_plugins, self.strip):
            detail_layout.addWidget(part)
        detail_layout.addWidget(self.lanes_splitter, 1)
        # The list can be dragged taller; it opens as tall as it was last left.
        self.splitter = RememberedSplitter(Qt.Orientation.Vertical, "take_list_height")
        self.splitter.addWidget(self.take_list)
        self.splitter.addWidget(detail)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.restore(line * 7, line * 40)  # the take, more than the list, to start
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)

        add_shortcuts(self, ((Qt.Key.Key_Space, self.toggle_playback),
                             (Qt.Key.Key_Home, self.transport.to_start),
                             (Qt.Key.Key_L, self.loop_button.toggle),
                             (Qt.Key.Key_M, self.add_marker),
                             (Qt.Key.Key_T, self.tap),
                             (Qt.Key.Key_F2, self.name_take)))

    @property
    def take(self) -> Take | None:
        """The chosen take (None: none)."""
        return self.transport.take

    @property
    def player(self) -> TakePlayer | None:
        """The chosen take's player, once it is being opened."""
        return self.transport.player

    @property
    def playing(self) -> bool:
        """Whether the chosen take is playing."""
        return self.transport.playing

    @property
    def _peaks_shape(self) -> tuple[int, int, int, int] | None:
        """The take, columns and view the lanes' waveforms were last read for."""
        return self._lane_loader.peaks_shape

    # Takes list

    def show_session(self, session_id: int) -> None:
        """Show SESSION_ID's takes (the chosen take is let go)."""
        if session_id != self.session_id:
            self.session_id = session_id
            tempo = self.studio.sessions.get(session_id).tempo_bpm
            if tempo:
                self.tempo.setValue(tempo)
            self.take_list.clear()
            self._show_take(None)
        self.refresh()

    def refresh(self) -> None:
        """Read the session's takes and what each may still be used for again, keeping the
        chosen one chosen and showing what changed of it (a layer the looper kept, undid or
        muted, its name, note and markers)."""
        if self.session_id is None:
            return
        found = list(reversed(self.studio.sessions.takes(self.session_id)))
        chosen = self.take.id if self.take else None
        fresh = next((t for t in found if t.id == chosen), None)
        self.take_list.show_takes(found, chosen, self.consent.marks(found))
        self.consent.show_take(self.take)
        if chosen is not None and self.take_list.currentItem() is None:
            self._show_take(None)
        if self.take_list.currentItem() is None and found:
            self.take_list.setCurrentRow(0)  # the newest take, ready to play
        if not found:
            self.title.setText(_("No takes yet. Recorded takes appear here."))
        if fresh is None or self.take is None or self.take.id != fresh.id:
            return
        if self._grown(fresh):  # a looper's take gained a layer: show it, where it was
            playhead, loop = self.lanes.playhead, self.lanes.loop
            self._show_take(fresh.id)
            self.lanes.set_playhead(playhead)
            if loop is not None:
                self.lanes.set_loop(loop)
        else:
            if fresh != self.take:  # named, noted or marked, here or elsewhere
                self.transport.show_markers(fresh)
                self.heading.show_title(fresh)
                self.heading.show_note(fresh)
            if fresh.is_loop and fresh.frames:
                self._follow_layers(self.studio.listening.sound(fresh.id))

    def _grown(self, take: Take) -> bool:
        """Whether TAKE holds other tracks or frames than the take shown."""
        shown = self.take
        return (take.frames, [t.id for t in take.tracks]) != (
            shown.frames, [t.id for t in shown.tracks])

    def has_thumbnail(self, row: int) -> bool:
        """Whether the take in ROW shows its waveform thumbnail yet."""
        return self.take_list.has_thumbnail(row)

    # What the studio says changed (slots are methods: their connections go with the tab)

    def _take_changed(self, _take_id: int, session_id: int) -> None:
        if session_id == self.session_id:
            self.refresh()

    def _consent_changed(self, _participant_id: int) -> None:
        self.refresh()  # what every take may be used for, and the chosen take's note

    def _attendance_changed(self, session_id: int) -> None:
        if session_id == self.session_id:
            self.refresh()  # who is heard on a room track follows who is present

    # The chosen take

    def _show_take(self, take_id: int | None) -> None:
        """Show take TAKE_ID (None: none) as the studio resolves it, starting afresh: see the
        parts' `start_afresh`; it comes back looped, paced and mixed as it was left."""
        self.listening.keep_now()  # of the take shown until now
        sound = self.studio.listening.sound(take_id) if take_id is not None else None
        take = sound.take if sound is not None else None
        self.transport.start_afresh(take)
        sounding = take is not None and bool(take.frames)
        self.export_button.setEnabled(sounding and take.status is not TakeStatus.RECORDING)
        self.name_button.setEnabled(take is not None)
        self.heading.delete_button.setEnabled(
            take is not None and take.status is not TakeStatus.RECORDING)
        self.heading.show_note(take)
        self.practice.start_afresh(sound)
        self.take_plugins.show_take(take)
        self.consent.show_take(take)
        if not sounding:
            if take is None:
                self.title.setText(_("No take chosen"))
            else:
                self.heading.show_title(take)
            self.lanes.set_take([], 0, take.samplerate if take is not None else 48000)
            self._lane_loader.show_take(None)
            self.mix.set_tracks([])
            self.listening.show(None)
            self.transport.open_player()
            return
        names = self.studio.consent.pseudonyms()
        lanes = [lane_for(track, names) for track in take.tracks]
        self.heading.show_title(take)
        self.lanes.set_take(
            lanes, take.frames, take.samplerate,
            markers=[Mark(m.frame, m.name) for m in take.markers],
            dropouts=[Span(d.frame, d.length) for d in take.dropouts])
        self.mix.set_tracks(lanes)
        self.listening.show(sound)
        self._show_layers(sound)
        self._grid_changed(self.practice.grid())
        self._lane_loader.show_take(sound)
        self.transport.open_player()

    def name_take(self):
        """Open the dialog that names the chosen take and gives it a note (what F2 does); the
        dialog (window-modal), or None with no take."""
        return self.heading.name_take(self.take) if self.take is not None else None

    def delete_take(self):
        """Open the dialog that shows what deleting the chosen take removes and deletes it;
        the dialog (window-modal), or None with no take. The take is let go of first."""
        if self.take is None:
            return None
        dialog = delete_take_dialog(self.studio, self.take.id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.about_to_delete.connect(self._let_go_of_take)
        dialog.accepted.connect(self.refresh)
        dialog.open()
        return dialog

    def _let_go_of_take(self) -> None:
        self.take_list.clearSelection()
        self._show_take(None)

    def _take_named(self, _take: Take | None) -> None:
        if self.bridge is None:  # else the studio has said so already
            self.refresh()

    def _show_layers(self, sound: TakeSound) -> None:
        """A looper's take plays as its loop: round and round (unless a loop of its own was
        kept), without the layers undone or muted in the looper, whose word is the last."""
        self._left_out = sound.left_out
        if sound.loop is None:
            return
        self.mix.leave_out(sound.left_out)
        if self.lanes.loop is None:
            self.lanes.set_loop(sound.loop)
            self.loop_button.setChecked(True)

    def _follow_layers(self, sound: TakeSound) -> None:
        """The looper undid, brought back or muted a layer of the take shown: its word is the
        last here too."""
        if sound.left_out != self._left_out:
            self._left_out = sound.left_out
            self.mix.leave_out(sound.left_out)

    # Playback, markers and the beat (the parts do the work)

    def toggle_playback(self) -> None:
        """Play from the playhead, or stop if playing (what Space does; on a button that has
        the keyboard's focus, Space presses that button, as everywhere else)."""
        focused = QApplication.focusWidget()
        if isinstance(focused, QAbstractButton) and focused is not self.play_button \
                and self.isAncestorOf(focused):
            focused.animateClick()
            return
        if self.playing:
            self.stop()
        else:
            self.play()

    def play(self) -> None:
        """Play the chosen take from the playhead (from the start if it is at the end); first
        ask, when someone heard on it no longer shares with the group."""
        if self.play_button.isEnabled():
            self.consent.ask_to_play(self._playing_tracks(), self.transport.play)

    def stop(self) -> None:
        """Stop playing; the playhead stays where the sound stopped."""
        self.transport.stop()

    def seek(self, frame: int) -> None:
        """Move the playhead to FRAME; playback, if on, goes on from there."""
        self.transport.seek(frame)

    def play_from(self, take_id: int, frame: int) -> None:
        """Choose take TAKE_ID (of this session) and play it from FRAME (a song's stamp)."""
        if self.take_list.choose(take_id):
            self.consent.ask_to_play(self._playing_tracks(),
                                     lambda: self.transport.play_from(frame))
        else:
            self.transport_note.setText(_("That take belongs to another session."))

    def _loop_region(self) -> LoopRegion | None:
        """The loop drawn on the strip, as the player takes it."""
        return self.transport.loop_region()

    def add_marker(self) -> None:
        """Ask for a name and drop a marker at the playhead (what M does)."""
        self.transport.add_marker()

    def open_export(self, purpose: Purpose | None = None):
        """Open the export dialog (window-modal) for the chosen take, with the take's mix and
        loop as they are now, for PURPOSE (None: the dialog's first); the dialog, or None with
        no take."""
        if self.take is None:
            return None
        dialog = ExportDialog(self.studio, self.take, self.mix.mixes(), self._loop_region(),
                              self, plugins=self.plugin_host, purpose=purpose)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.consent_recorded.connect(self._consent_recorded)
        dialog.open()
        return dialog

    def _export_clicked(self) -> None:
        self.open_export()

    def _playing_tracks(self) -> set[int]:
        """The chosen take's tracks that sound now: all but those its mix silences."""
        return self.mix.heard() if self.take is not None else set()

    def _consent_recorded(self) -> None:
        if self.bridge is None:  # else the studio has said so already
            self.refresh()
        self.consent_changed.emit()

    def set_plugins(self, host: PluginHost | None) -> None:
        """Offer HOST's analyses and effects (the app's plugin host, once started)."""
        self.plugin_host = host
        self.take_plugins.set_host(host)

    def refresh_plugins(self) -> None:
        """A plugin was switched on or off: list the analyses and effects again."""
        self.take_plugins.refresh_lists()

    def analyse(self, analysis_id: str) -> None:
        """Run the plugin analysis ANALYSIS_ID on the chosen take in the background."""
        self.take_plugins.analyse(analysis_id)

    def tap(self) -> None:
        """Take the tempo from taps on the Tap button or T."""
        self.practice.tap()

    def find_tempo(self) -> None:
        """Find the take's tempo (of the loop, if one plays) in the background."""
        self.practice.find_tempo()

    def practice_settings(self):
        """The speed and transposition chosen (core PracticeSettings)."""
        return self.practice.settings()

    # Slots are methods, not lambdas: a method's connection goes with its view, where a
    # lambda's could still be called while the view is being taken apart.

    def _player_changed(self, player: TakePlayer | None) -> None:
        self.mix.set_player(player)
        if player is not None:
            player.set_click(self.practice.click_grid())
        self.take_plugins.set_player(player)
        # practice versions are made of what the player plays, MIDI tracks' sound included
        self.practice.set_playable(player is not None,
                                   player.sources if player is not None else None)

    def _grid_changed(self, grid: BeatGrid) -> None:
        self.lanes.set_grid(grid)
        if self.player is not None:
            self.player.set_click(self.practice.click_grid())

    def release(self, timeout: float = 2.0) -> None:
        """Stop playing and let go of the audio output, waiting up to TIMEOUT seconds for it
        to close (call it before the window closes or PortAudio restarts); an export under way
        is cancelled, and what it wrote removed."""
        self.listening.keep_now()
        for dialog in self.findChildren(ExportDialog):
            dialog.stop_for_closing()
        self._lane_loader.releasing = True  # peak caches under way stop building
        self.practice.cancel()
        self.transport.let_go()
        wait_for_pool_work(timeout)
        self._lane_loader.releasing = False
        QApplication.processEvents()  # a player opened meanwhile is handed over, and closed
        self.transport.wait_until_closed(timeout)

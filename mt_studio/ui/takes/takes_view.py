"""The Takes tab: a session's takes with thumbnails and status, and the chosen take's lanes,
mix and transport: Space plays and stops, Home goes back to the start, L loops the part drawn
on the loop strip (or, with none, the part between the markers around the playhead), M drops a
named marker at the playhead, and the metronome clicks along at the session's or a tapped
tempo. Waveforms come from each track's peak cache, built in the background.

This module ties the parts together: `take_list` lists the takes, `take_heading` names the
chosen one, `take_transport` plays it, `practice_controls` holds the beat and the practice
line, `take_plugins` the plugins' analyses, lead sheet and playback effect, `lane_loading`
fills the lanes, `mix_panel` mixes the tracks and `take_listening` keeps the loop, practice
and mix with the take.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PyQt6.QtCore import QSize, Qt, pyqtSignal
from PyQt6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QFrame,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from mt_studio.core import take_restrictions
from mt_studio.core.domain import Purpose, TakeStatus, TrackKind
from mt_studio.core.library import layers, participants, sessions, takes
from mt_studio.core.library.takes import Take, Track
from mt_studio.core.looping import LoopRegion
from mt_studio.core.metronome import BeatGrid
from mt_studio.core.mixing import stereo_gains
from mt_studio.core.playback import TakePlayer
from mt_studio.core.plugins import PluginHost
from mt_studio.core.waveform import part_paths
from mt_studio.i18n import _
from mt_studio.ui.common.key_shortcuts import add_shortcuts
from mt_studio.ui.common.remembered_splitter import RememberedSplitter
from mt_studio.ui.common.take_words import track_title
from mt_studio.ui.common.worker import wait_for_pool_work
from mt_studio.ui.consent.restriction_words import mark_text
from mt_studio.ui.export.export_dialog import ExportDialog
from mt_studio.ui.takes.lane_loading import LaneLoader
from mt_studio.ui.takes.lane_marks import Lane, Mark, Span
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


def lane_for(track: Track, names: dict[int, str]) -> Lane:
    """How a track shows in its lane: the instrument (or the input) and who is heard on it."""
    people = ", ".join(sorted((names.get(pid, "?") for pid in track.participant_ids),
                              key=str.casefold))
    return Lane(track.id, track_title(track), people, audio=track.kind is TrackKind.AUDIO)


class TakesView(QWidget):
    """A session's takes (newest first) above the chosen take's lanes and transport.

    `position_changed(take_id, frame)` follows the playhead (take_id is 0 with no take);
    `plugins_changed()` when a plugin failed here and was disabled; `consent_changed()` when
    consent was recorded from here (in the export dialog). PLUGINS is the app's plugin host
    (None until it has started: see `set_plugins`).
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
        self.library = studio.library  # transitional: until this goes through the studio
        self.plugin_host = plugins
        self.session_id: int | None = None
        self._restrictions: dict[int, take_restrictions.TakeRestrictions] = {}
        self._lane_sources: list[tuple[int, list[Path]]] = []  # audio track id, its files
        self._mix_tracks: list[int] = []  # the track of each mix row, audio and MIDI
        self._build()

    def _build(self) -> None:
        line = self.fontMetrics().height()
        self.take_list = TakeList(self.studio)
        self.take_list.setIconSize(QSize(line * 8, line * 2))
        self.take_list.take_chosen.connect(self._show_take)

        self.heading = TakeHeading(self.studio)
        self.heading.export_button.clicked.connect(self._export_clicked)
        self.heading.name_button.clicked.connect(self.name_take)
        self.heading.named.connect(self._take_named)
        self.lanes = TakeLanes()
        self._lane_loader = LaneLoader(self.studio, self.lanes, self)
        self.transport = TakeTransport(self.studio, self.lanes)
        self.transport.position_changed.connect(self.position_changed)
        self.transport.player_changed.connect(self._player_changed)
        # Play goes through the tab's toggle, as Space does (the toggle knows the whole tab).
        self.transport.play_button.clicked.connect(self.toggle_playback)
        self.practice = PracticeControls(self.studio, self.transport.looped_part)
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
        self.consent = TakeConsent(self.lead_sheet_button)
        self.consent.export_requested.connect(self.open_export)
        self.export_button.setMenu(self.consent.export_menu)
        self.zoom_hint = QLabel(_("Drag along the strip above the tracks to mark a part to "
                                  "loop. Ctrl+wheel or + and − zoom; 0 shows the whole take."))
        self.zoom_hint.setWordWrap(True)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.lanes)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        self.mix = MixPanel()
        self.mix.mix_changed.connect(self._mix_changed)
        self.listening = ListeningKeeper(self.studio, self.lanes, self.transport, self.practice,
                                         self.mix, self._mix_track_ids)
        detail_layout.addWidget(self.heading)
        detail_layout.addWidget(self.consent)
        detail_layout.addWidget(self.transport)
        detail_layout.addWidget(self.practice)
        detail_layout.addWidget(self.take_plugins)
        detail_layout.addWidget(self.strip)
        # The tracks above their mix, the handle between them to be dragged (and kept): on a
        # laptop's screen a take of many tracks would otherwise leave its lanes no room.
        mix_scroll = QScrollArea()
        mix_scroll.setWidgetResizable(True)
        mix_scroll.setWidget(self.mix)
        mix_scroll.setFrameShape(QFrame.Shape.NoFrame)
        mix_scroll.setMinimumHeight(line * 3)
        lanes_and_hint = QWidget()
        lanes_layout = QVBoxLayout(lanes_and_hint)
        lanes_layout.setContentsMargins(0, 0, 0, 0)
        lanes_layout.addWidget(scroll, 1)
        lanes_layout.addWidget(self.zoom_hint)
        self.lanes_splitter = RememberedSplitter(Qt.Orientation.Vertical, "take_lanes_height")
        self.lanes_splitter.addWidget(lanes_and_hint)
        self.lanes_splitter.addWidget(mix_scroll)
        self.lanes_splitter.setStretchFactor(0, 3)
        self.lanes_splitter.setStretchFactor(1, 1)
        self.lanes_splitter.restore(line * 16, line * 8)
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
            tempo = sessions.get(self.library.connection, session_id).tempo_bpm
            if tempo:
                self.tempo.setValue(tempo)
            self.take_list.clear()
            self._show_take(None)
        self.refresh()

    def refresh(self) -> None:
        """Read the session's takes again, keeping the chosen one chosen."""
        if self.session_id is None:
            return
        found = list(reversed(takes.for_session(self.library.connection, self.session_id)))
        chosen = self.take.id if self.take else None
        grown = next((t for t in found if t.id == chosen and self._changed(t)), None)
        self._restrictions = take_restrictions.load(self.library.connection, found)
        names = participants.pseudonyms(self.library.connection)
        self.take_list.show_takes(found, chosen, {
            take_id: mark_text(r, names) for take_id, r in self._restrictions.items()})
        self._show_consent()
        if chosen is not None and self.take_list.currentItem() is None:
            self._show_take(None)
        if self.take_list.currentItem() is None and found:
            self.take_list.setCurrentRow(0)  # the newest take, ready to play
        if not found:
            self.title.setText(_("No takes yet. Recorded takes appear here."))
        if grown is not None:  # a looper's take gained a layer: show it, where it was
            playhead, loop = self.lanes.playhead, self.lanes.loop
            self._show_take(grown.id)
            self.lanes.set_playhead(playhead)
            if loop is not None:
                self.lanes.set_loop(loop)

    def _changed(self, take: Take) -> bool:
        """Whether TAKE holds other tracks or frames than the take shown."""
        shown = self.take
        return (take.frames, [t.id for t in take.tracks]) != (
            shown.frames, [t.id for t in shown.tracks])

    def has_thumbnail(self, row: int) -> bool:
        """Whether the take in ROW shows its waveform thumbnail yet."""
        return self.take_list.has_thumbnail(row)

    # The chosen take

    def _show_take(self, take_id: int | None) -> None:
        """Show take TAKE_ID (None: none), starting afresh: see the parts' `start_afresh`; it
        comes back looped, paced and mixed as it was left."""
        self.listening.keep_now()  # of the take shown until now
        take = takes.get(self.library.connection, take_id) if take_id is not None else None
        self.transport.start_afresh(take)
        sounding = take is not None and bool(take.frames)
        self.export_button.setEnabled(sounding and take.status is not TakeStatus.RECORDING)
        self.name_button.setEnabled(take is not None)
        self.heading.show_note(take)
        self._lane_sources = [(t.id, part_paths(self.library, t.id)) for t in take.tracks
                              if t.kind is TrackKind.AUDIO] if sounding else []
        self.practice.start_afresh(take, [paths for _track, paths in self._lane_sources])
        self.take_plugins.show_take(take)
        self._show_consent()
        if not sounding:
            if take is None:
                self.title.setText(_("No take chosen"))
            else:
                self.heading.show_title(take)
            self.lanes.set_take([], 0, take.samplerate if take is not None else 48000)
            self._lane_loader.show_take(None, [])
            self._mix_tracks = []
            self.mix.set_tracks([])
            self.listening.show(None)
            self.transport.open_player()
            return
        names = participants.pseudonyms(self.library.connection)
        self.heading.show_title(take)
        self.lanes.set_take(
            [lane_for(track, names) for track in take.tracks], take.frames, take.samplerate,
            markers=[Mark(m.frame, m.name) for m in take.markers],
            dropouts=[Span(d.frame, d.length) for d in take.dropouts])
        self._mix_tracks = [t.id for t in take.tracks]
        self.mix.set_tracks([(lane.title, lane.people) for lane in
                             (lane_for(t, names) for t in take.tracks)])
        self.listening.show(take)
        self._show_layers(take)
        self._grid_changed(self.practice.grid())
        self._lane_loader.show_take(take, self._lane_sources)
        self.transport.open_player()

    def name_take(self):
        """Open the dialog that names the chosen take and gives it a note (what F2 does); the
        dialog (window-modal), or None with no take."""
        return self.heading.name_take(self.take) if self.take is not None else None

    def _take_named(self, take: Take | None) -> None:
        if self.take is None or take is None or take.id != self.take.id:
            return
        self.transport.take = take  # the same take and sound, now with its name and note
        self.heading.show_note(take)
        self.heading.show_title(take)
        self.refresh()

    def _show_layers(self, take: Take) -> None:
        """A looper's take plays as its loop: round and round (unless a loop of its own was
        kept), without the layers undone or muted in the looper, whose word is the last."""
        if not layers.of_take(self.library.connection, take.id):
            return
        silent = layers.left_out(self.library.connection, take.id)
        for index, track_id in enumerate(self._mix_tracks):
            self.mix.row(index)[0].setChecked(track_id in silent)
        if self.lanes.loop is None:
            self.lanes.set_loop((0, take.frames))
            self.loop_button.setChecked(True)

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
        mixes = {track_id: self.mix.mix(index)
                 for index, track_id in enumerate(self._mix_tracks)}
        dialog = ExportDialog(self.studio, self.take, mixes, self._loop_region(), self,
                              plugins=self.plugin_host, purpose=purpose)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.consent_recorded.connect(self._consent_recorded)
        dialog.open()
        return dialog

    def _export_clicked(self) -> None:
        self.open_export()

    # Consent: what the chosen take may still be used for (the core's take_restrictions)

    def _show_consent(self) -> None:
        take = self.take
        found = None
        if take is not None:
            found = self._restrictions.get(take.id) or take_restrictions.load(
                self.library.connection, [take])[take.id]
        names = participants.pseudonyms(self.library.connection)
        titles = {t.id: track_title(t) for t in take.tracks} if take else {}
        self.consent.show_take(found, names, titles)

    def _playing_tracks(self) -> set[int]:
        """The chosen take's tracks that sound now: all but the audio its mix silences."""
        if self.take is None:
            return set()
        gains = stereo_gains([self.mix.mix(i) for i in range(len(self._lane_sources))])
        silent = {track_id for (track_id, _paths), gain in zip(self._lane_sources, gains,
                                                                strict=True) if not gain.any()}
        return {t.id for t in self.take.tracks} - silent

    def _consent_recorded(self) -> None:
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
        if player is not None:
            for row, track_id in enumerate(self._mix_tracks):
                if track_id in player.track_ids:
                    player.set_mix(player.track_ids.index(track_id), self.mix.mix(row))
                else:  # a MIDI track the synthesizer cannot play here
                    self.mix.set_unavailable(row, player.midi_problem or "")
            player.set_click(self.practice.click_grid())
        self.take_plugins.set_player(player)
        # practice versions are made of what the player plays, MIDI tracks' sound included
        self.practice.set_playable(player is not None,
                                   player.sources if player is not None else None)

    def _grid_changed(self, grid: BeatGrid) -> None:
        self.lanes.set_grid(grid)
        if self.player is not None:
            self.player.set_click(self.practice.click_grid())

    def _mix_track_ids(self) -> list[int]:
        """The track of each mix row, in order (audio and MIDI)."""
        return list(self._mix_tracks)

    def _mix_changed(self, row: int, mix) -> None:
        player, track_id = self.player, self._mix_tracks[row]
        if player is not None and track_id in player.track_ids:
            player.set_mix(player.track_ids.index(track_id), mix)

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

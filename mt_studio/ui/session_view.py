"""The open session: its panels one tab each (check-in and consent, inputs, recording, takes,
the looper, songs), and what one panel hands another while nobody has saved anything."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt6.QtWidgets import QTabWidget, QWidget

from mt_studio.i18n import _

if TYPE_CHECKING:
    from mt_studio.core.plugins import PluginHost
    from mt_studio.core.studio import Studio
    from mt_studio.ui.bridge import StudioBridge


class SessionView(QTabWidget):
    """The open session: check-in and consent, inputs, recording, takes, the looper and the
    songs, one tab each; each panel redraws on the studio's events (BRIDGE)."""

    def __init__(self, studio: Studio, bridge: StudioBridge | None = None,
                 parent: QWidget | None = None, plugins: PluginHost | None = None) -> None:
        super().__init__(parent)
        # Imported here: these panels bring numpy and the audio engine, which a window that
        # has only just opened does not need yet.
        from mt_studio.ui.consent.consent_board import ConsentBoard
        from mt_studio.ui.inputs.input_assignment import InputAssignment
        from mt_studio.ui.looper.looper_panel import LooperPanel
        from mt_studio.ui.recording.level_monitor import LevelMonitor
        from mt_studio.ui.recording.record_panel import RecordPanel
        from mt_studio.ui.songs.songs_panel import SongsPanel
        from mt_studio.ui.takes.takes_view import TakesView

        if bridge is None:  # a session view of its own (the window hands it the window's)
            from mt_studio.ui.bridge import StudioBridge

            bridge = StudioBridge(studio, self)
        self.consent = ConsentBoard(studio, bridge)
        self.inputs = InputAssignment(studio, bridge)
        self.record = RecordPanel(studio, bridge)
        self.takes = TakesView(studio, bridge, plugins=plugins)
        self.looper = LooperPanel(studio, bridge)
        self.songs = SongsPanel(studio, bridge)
        # Levels before a take, on the Inputs and Record tabs, while nothing else has the device.
        self.levels = LevelMonitor(self.inputs, self.record, lambda: self.busy, self)
        self.addTab(self.consent, _("Check-in && consent"))
        self.addTab(self.inputs, _("Inputs"))
        self.addTab(self.record, _("Record"))
        self.addTab(self.takes, _("Takes"))
        self.addTab(self.looper, _("Looper"))
        self.addTab(self.songs, _("Songs"))
        self.setAccessibleName(_("Session"))
        # What changed in the library reaches each panel from the bridge; what is wired here
        # is what one panel hands another while nobody has saved anything.
        self.inputs.assignment_changed.connect(self.record.set_request)
        self.inputs.assignment_changed.connect(self.looper.set_request)
        self.inputs.problem_changed.connect(self.record.set_device_problem)
        self.record.recording_changed.connect(lambda _on: self._lock_devices())
        self.looper.active_changed.connect(lambda _on: self._lock_devices())
        self.looper.active_changed.connect(self.levels.check)
        self.takes.position_changed.connect(
            lambda take, frame: self.songs.set_position(take or None, frame))
        self.songs.play_requested.connect(self._play_stamp)
        self.currentChanged.connect(self._page_shown)
        for page, first in ((self.takes, self.takes.play_button),
                            (self.looper, self.looper.record_button),
                            (self.record, self.record.record_button)):
            page.setFocusProxy(first)  # a tab opened by the mouse takes the keys too

    def set_plugins(self, host: PluginHost | None) -> None:
        """Offer the plugins of HOST (the app's plugin host, once started) where they work."""
        self.takes.set_plugins(host)

    def refresh_plugins(self) -> None:
        """A plugin was switched on or off: the panels list what is enabled again."""
        self.takes.refresh_plugins()

    def show_session(self, session_id: int) -> None:
        """Show SESSION_ID in every panel."""
        for panel in (self.consent, self.inputs, self.record, self.takes, self.looper,
                      self.songs):
            panel.show_session(session_id)
        self.record.set_device_problem(self.inputs.problem() or "")
        self.record.set_request(self.inputs.request())
        self.looper.set_request(self.inputs.request())

    @property
    def busy(self) -> bool:
        """Whether a take records or the looper holds the device: the session stays put."""
        return self.record.is_recording or self.looper.is_active

    def release(self) -> None:
        """Finish a take being recorded, stop the looper and the levels, let go of every audio
        stream (for good: the window closes)."""
        if self.record.is_recording:
            self.record.stop_recording()  # finalized, nothing lost
        self.levels.close()
        self.looper.release()
        self.takes.release()

    def _lock_devices(self) -> None:
        # The device choices stay put while either of them uses the device.
        self.inputs.set_recording(self.busy)

    def _page_shown(self, _index: int) -> None:
        page = self.currentWidget()
        if page not in (self.takes, self.songs):
            self.takes.stop()  # the take plays on beside its songs, not beside a recording
        page.setFocus()

    def _play_stamp(self, take_id: int, frame: int) -> None:
        self.setCurrentWidget(self.takes)
        self.takes.play_from(take_id, frame)

"""Input levels and MIDI activity on the Inputs and Record tabs before anything is recorded.

A monitor (core's InputMonitor) holds the audio device only while one of the two tabs shows
and nothing else needs the device: it opens in a worker thread, lets go at once when Record is
pressed or the devices are looked for again, and comes back after. A timer pulls its latest
readings onto both tabs' meters.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PyQt6.QtCore import QEvent, QObject, QTimer

from mt_studio.core.capture.input_monitor import InputMonitor
from mt_studio.core.capture.meters import Meters
from mt_studio.core.errors import MtStudioError
from mt_studio.i18n import _
from mt_studio.ui.common.worker import run_in_worker
from mt_studio.ui.inputs.input_assignment import InputAssignment
from mt_studio.ui.recording.record_panel import TICK_MS, RecordPanel

log = logging.getLogger(__name__)


class LevelMonitor(QObject):
    """Shows INPUTS' and RECORD's levels while either tab shows and BUSY() is false.

    BUSY says whether something else holds the device (a take, the looper). `release()` lets
    go of the device at once, `close()` for good (the window closes); `monitor` is the
    InputMonitor open or opening (None: none).
    """

    def __init__(self, inputs: InputAssignment, record: RecordPanel,
                 busy: Callable[[], bool], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.inputs, self.record = inputs, record
        self._busy = busy
        self.monitor: InputMonitor | None = None
        self._closed = False
        self._check_soon = QTimer(self)  # a tab switch hides one page before it shows the other
        self._check_soon.setSingleShot(True)
        self._check_soon.setInterval(0)
        self._check_soon.timeout.connect(self._apply)
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        for page in (inputs, record):
            page.installEventFilter(self)
        inputs.assignment_changed.connect(self.check)
        inputs.problem_changed.connect(self._problem_changed)
        record.recording_starting.connect(self.release)
        record.recording_changed.connect(self.check)

    def check(self, *_args: object) -> None:
        """Open, reopen or close the monitor, soon, as the tabs and the device call for."""
        self._check_soon.start()

    def release(self) -> None:
        """Let go of the device now; a check comes after (it reopens if still wanted)."""
        self._close()
        self.check()

    def close(self) -> None:
        """Let go of the device now and open it no more."""
        self._closed = True
        self._close()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() in (QEvent.Type.Show, QEvent.Type.Hide):
            self.check()
        return False

    def _problem_changed(self, problem: str) -> None:
        if problem:  # e.g. looking for devices again, which restarts PortAudio: not with a stream
            self.release()
        else:
            self.check()

    def _apply(self) -> None:
        showing = self.inputs.isVisible() or self.record.isVisible()
        wanted = (self.inputs.monitor_settings() if showing and not (self._busy() or self._closed)
                  else None)
        current = self.monitor
        if current is not None and current.settings == wanted and not current.problem:
            return
        self._close()
        if wanted is None:
            return
        monitor = self.monitor = InputMonitor(wanted)
        self.inputs.set_level_note("")

        def work() -> str:
            """Open the monitor; why it could not ("" if it did)."""
            try:
                monitor.start()
                return monitor.midi_problem
            except MtStudioError as error:
                return _("Levels cannot be shown: {why}").format(why=error)
            except Exception:  # a broken audio stack must not take the window down
                log.exception("the level monitor could not open")
                return _("Levels cannot be shown: the audio device could not be opened.")

        run_in_worker(self, work, done=lambda problem: self._report(monitor, problem),
                      thread="mt-studio-level-monitor")
        self._timer.start()

    def _report(self, monitor: InputMonitor, problem: str) -> None:
        if monitor is self.monitor:
            self.inputs.set_level_note(problem)
            if not monitor.is_open:
                self._timer.stop()

    def _tick(self) -> None:
        monitor = self.monitor
        if monitor is None:
            return
        readings = monitor.meters.latest()
        self.inputs.show_levels(readings)
        self.record.show_levels(readings)
        self.inputs.midi_light.show_count(monitor.midi_messages)
        self.record.show_midi_activity(monitor.midi_messages)
        if monitor.problem and monitor.is_open:  # opened, then lost (not opened: see _report)
            self.inputs.set_level_note(_("The levels stopped: {why}.").format(
                why=monitor.problem))
            self._timer.stop()

    def _close(self) -> None:
        monitor, self.monitor = self.monitor, None
        self._timer.stop()
        if monitor is None:
            return
        monitor.stop()  # waits for an opening under way
        silent = Meters(monitor.settings.channels).latest()
        self.inputs.show_levels(silent)
        self.record.show_levels(silent)
        self.inputs.midi_light.reset()
        self.record.show_midi_activity(None)

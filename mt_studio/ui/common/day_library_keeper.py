"""The window's part in the library for the day (core/studio/day_library.py): on a service's
library, it keeps the day library ready in a worker (after opening, then every few minutes
while the server answers), and moves a day library's work in as soon as the service's
library is open again, saying what came in and what went to the deletion list. When the
server is back after an outage, the window draws again what it could not hear meanwhile."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PyQt6.QtCore import QObject, QTimer

from mt_studio.core.errors import MtStudioError
from mt_studio.i18n import _
from mt_studio.ui.common.worker import Worker, run_in_worker

if TYPE_CHECKING:
    from mt_studio.core.studio import Studio
    from mt_studio.core.studio.day_library import DayMove
    from mt_studio.ui.common.error_reporter import ErrorReporter

log = logging.getLogger(__name__)

REFRESH_MS = 10 * 60 * 1000  # today's sessions and consent change while the day goes on


class DayLibraryKeeper(QObject):
    """Keeps STUDIO's day library ready and moves one waiting in; tells REPORTER what came
    of a move, and calls MOVED after one (the window redraws)."""

    def __init__(self, studio: Studio, reporter: ErrorReporter, moved=None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._studio = studio
        self._reporter = reporter
        self._moved = moved
        self._worker: Worker | None = None
        self.told: tuple[str, str] | None = None  # the title and words of the last move
        self._moving = False  # a move under way: never cut off
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.prepare)

    def start(self) -> None:
        """Move in a day library that waits, then keep one ready (a service's library)."""
        from mt_studio.core.studio import day_library

        if self._studio.read_only is not None or day_library.of_studio(self._studio) or \
                day_library.service_address(self._studio) is None:
            return  # a library in a folder, or the day's own
        self._timer.start()
        self._moving = True
        self._run(self._move_then_prepare, self._moved_in, self._not_moved_in)

    def prepare(self) -> None:
        """Make the day library anew in a worker (not while one is at work)."""
        self._run(self._prepare, None, self._not_made)

    def stop(self) -> None:
        """Stop refreshing (the window closes); a day library being made is waited for a
        moment (one cut off is only made again), a move until it ends."""
        self._timer.stop()
        if self._worker is not None:
            self._worker.wait(None if self._moving else 5)

    def _run(self, work, done, failed) -> None:
        if self._worker is not None and self._worker.running:
            return
        self._worker = run_in_worker(self, work, done=done, failed=failed,
                                     thread="mt-studio-day-library")

    def _prepare(self) -> None:
        from mt_studio.core.studio import day_library

        if self._studio.open_to_use:
            day_library.prepare(self._studio)

    def _move_then_prepare(self) -> DayMove | None:
        from mt_studio.core.studio import day_library

        if not self._studio.open_to_use:
            return None
        moved = day_library.move_in(self._studio)
        try:
            day_library.prepare(self._studio)
        except Exception as error:  # noqa: BLE001 - the day is in; the next try makes it
            self._not_made(error)
        return moved

    def _moved_in(self, moved: DayMove | None) -> None:
        self._moving = False
        if moved is None:
            return
        if self._moved is not None:
            self._moved()
        from mt_studio.core.studio.day_library import moved_words

        self.told = (_("Today's work is in the shared library"), moved_words(moved))
        if any(take.not_consented for take in moved.takes) or moved.consent_overtaken or \
                moved.withdrawals:
            self._reporter.report(*self.told)  # something to look at: as a warning
            return
        from PyQt6.QtCore import Qt
        from PyQt6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Information, *self.told,
                          parent=self._reporter.parent_widget)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def _not_made(self, error: Exception) -> None:
        # the one made before stays ready; the band says when the server is lost
        log.warning("the library for the day was not made anew: %s", error, exc_info=error)

    def _not_moved_in(self, error: Exception) -> None:
        self._moving = False
        log.error("the library for the day was not moved in: %s", error, exc_info=error)
        self._reporter.report(_("The library for today was not moved in"), _(
            "{reason}\n\nIt is kept whole on this computer, and moved in at the next "
            "opening.").format(reason=error))


def keep_for(window) -> DayLibraryKeeper:
    """Start WINDOW's keeper of the day library of its studio's library (kept as
    `window.day_keeper`), have its server band's offers choose the library to open
    (`window.library_chosen`), and its title say which library it is on."""
    from mt_studio.core.studio import day_library

    title = day_library.window_title(window.studio)
    if title is not None:
        window.setWindowTitle(title)
    banner = window.server_banner
    def go_on(address: str) -> None:
        try:
            window.library_chosen.emit(str(day_library.take(address)))
        except MtStudioError as error:  # being made or moved in just now
            window.reporter.report(_("The library for today cannot be opened"), str(error))

    if window.day_keeper is not None:
        return window.day_keeper  # a window built again (its language) keeps its own
    banner.day_library_wanted.connect(go_on)
    banner.service_library_wanted.connect(window.library_chosen.emit)
    window.day_keeper = DayLibraryKeeper(window.studio, window.reporter,
                                         moved=window.sessions.refresh, parent=window)
    window.day_keeper.start()
    window.bridge.reach_changed.connect(lambda back: back and redraw_after_outage(window))
    return window.day_keeper


def redraw_after_outage(window) -> None:
    """The server is back: what other computers changed meanwhile was not heard, so WINDOW
    draws its list of sessions and the open session again."""
    window.sessions.refresh()
    session_id, bridge = window.session_id, window.bridge
    if session_id is not None:
        for signal in (bridge.session_changed, bridge.attendance_changed, bridge.setup_changed):
            signal.emit(session_id)

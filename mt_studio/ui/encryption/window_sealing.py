"""Sealing, after a sign-in, the takes' files recorded before the library was encrypted: counted
and sealed in a worker while a dialog says how far it got. Closing the dialog (or the lock)
stops the work after the file being sealed; the studio's sealing takes up the rest at the next
sign-in, each file whole, plain or sealed, at any moment."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from PyQt6.QtCore import QObject, QTimer

from mt_studio.core.errors import MtStudioError
from mt_studio.i18n import _
from mt_studio.ui.common.worker import Worker, run_in_worker
from mt_studio.ui.encryption.sealing_dialog import SealingDialog

if TYPE_CHECKING:
    from PyQt6.QtWidgets import QMainWindow

    from mt_studio.core.studio.encryption_service import EncryptionState
    from mt_studio.core.studio.file_sealing import SealingReport

log = logging.getLogger(__name__)

# After a sign-in, the window's own work comes first: recovering takes a crash left (at start,
# main_window.after_opening's timers; once unlocked, at once) must not meet a file being sealed.
SETTLE_MS = 500


class _Stopped(Exception):
    """The dialog was closed: stop before the next file."""


class WindowSealing(QObject):
    """The files of WINDOW's library still plain, sealed after each sign-in (`signed_in`);
    `dialog` while it shows."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.dialog: SealingDialog | None = None
        self._worker: Worker | None = None
        self._stop = threading.Event()
        self._look_again = False  # signed in again while the work stopped was ending
        self._done = False  # every file was sealed (or left plain, saying why) since the start
        self._file = ""  # the file being sealed, as the worker last said

    @property
    def running(self) -> bool:
        """Whether files are being counted or sealed."""
        return self._worker is not None and self._worker.running

    def signed_in(self) -> None:
        """Someone signed in: once the window has done its own work, seal what is left."""
        QTimer.singleShot(SETTLE_MS, self.look)

    def look(self) -> None:
        """Count the files still plain (in a worker), and seal them if there are any (not
        while a take is recording, nor in a library open read-only)."""
        studio = self.window.studio
        if self._done:
            return  # recordings made since are sealed as they are made
        if self.running:
            self._look_again = True
            return
        if studio is None or not self._may_start():
            return
        self._worker = run_in_worker(self, studio.encryption.state, done=self._counted,
                                     failed=self._not_counted)

    def _may_start(self) -> bool:
        window = self.window
        view = window.session_view
        studio = window.studio
        return (window.isVisible() and studio.open_to_use and studio.read_only is None
                and not window.access.locked and not (view is not None and view.busy))

    def _not_counted(self, error: Exception) -> None:
        self._look_again = False  # this count answered it
        log.error("the files still plain could not be counted: %s", error)

    def _counted(self, state: EncryptionState) -> None:
        self._look_again = False  # this count answered it
        self._done = state.encrypted and state.plain_files == 0
        if not state.encrypted or state.plain_files == 0 or not self._may_start():
            return
        self.dialog = dialog = SealingDialog(state.plain_files, self.window)
        dialog.finished.connect(lambda _result: self._closed(dialog))
        dialog.open()
        self._stop = stop = threading.Event()
        seal_files = self.window.studio.encryption.seal_files  # as whoever is signed in now

        def work(report) -> SealingReport | None:
            def progress(done: int, total: int, name: str) -> None:
                if stop.is_set() and done < total:
                    raise _Stopped  # the last call comes once every file is sealed: not then
                report((done, total, name))

            try:
                return seal_files(progress)
            except _Stopped:
                return None

        self._worker = run_in_worker(self, work, done=self._ended, failed=self._failed,
                                     progress=self._progressed, thread="mt-studio-sealing")

    def _closed(self, dialog: SealingDialog) -> None:
        """Closed (by the therapist, or by the lock): stop after the file being sealed."""
        self._stop.set()
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _progressed(self, value: tuple[int, int, str]) -> None:
        done, total, self._file = value
        if self.dialog is not None:
            self.dialog.show_progress(done, total)

    def _ended(self, report: SealingReport | None) -> None:
        if report is not None:
            self._done = True  # a file left plain is tried again at the next start
            for name, why in report.left_plain:
                log.warning("%s was left plain: %s", name, why)
            if self.dialog is not None:
                self.dialog.show_done(report)
        self._after_the_work()

    def _failed(self, error: Exception) -> None:
        words = str(error)
        if isinstance(error, OSError) and error.strerror:
            words = error.strerror  # its path is the copy being made: the file is named below
        if self._file and self._file not in words:
            words = _("{file} could not be encrypted: {problem}").format(file=self._file,
                                                                        problem=words)
        words = words if words.endswith(".") else words + "."
        log.error("sealing the files recorded before stopped: %s", words,
                  exc_info=None if isinstance(error, MtStudioError | OSError) else error)
        if self.dialog is not None:
            self.dialog.show_problem(words + " " + _("It is tried again at the next sign-in."))
        else:
            self.window.statusBar().showMessage(words, 30000)
        self._after_the_work()

    def _after_the_work(self) -> None:
        self._file = ""
        if self._look_again:
            self._look_again = False
            self.look()

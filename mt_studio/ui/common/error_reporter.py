"""One calm error dialog for whatever goes wrong, however many times: never a flood, never a trace.

Every error goes to the log in full. A person sees one dialog at a time; errors that arrive
while it is open are counted into it ("2 more problems happened") instead of opening more.
"""

from __future__ import annotations

from collections.abc import Callable

from PyQt6.QtCore import QObject, QTimer, pyqtSignal
from PyQt6.QtWidgets import QMessageBox, QWidget

from mt_studio.core.errors import AccessRefused, MtStudioError
from mt_studio.i18n import _, ngettext


class ErrorReporter(QObject):
    """Logs errors from any thread and shows them, one dialog at a time, in the GUI thread."""

    _arrived = pyqtSignal(str, str)
    refused = pyqtSignal()  # the studio refused, where the window was not locked

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.parent_widget: QWidget | None = None
        self.locked: Callable[[], bool] = lambda: False  # the window's lock, once it has one
        self.shown = 0
        self._dialog: QMessageBox | None = None
        self._more = 0
        # A report from another thread arrives queued, in the GUI thread; every report is then
        # shown from the event loop, never from inside the code that reported it. (Not by a
        # QueuedConnection: the Qt namespace it needs costs 12 ms before the first paint.)
        self._arrived.connect(
            lambda title, message: QTimer.singleShot(0, lambda: self._show(title, message)))

    def report(self, title: str, message: str) -> None:
        """Tell the person about a problem (any thread)."""
        self._arrived.emit(title, message)

    def report_exception(self, kind, error, trace) -> None:
        """A `sys.excepthook`: log the trace, show a plain message. A redraw the studio
        refused while the window is locked is expected, and shown anew once unlocked."""
        import logging  # not before the window's first paint: 5 ms
        import traceback

        log = logging.getLogger(__name__)
        if isinstance(error, AccessRefused):
            if self.locked():
                log.info("not read while locked: %s", error)
                return
            self.refused.emit()  # perhaps signed out: the window looks (in its own thread)
        log.error("unhandled error:\n%s", "".join(traceback.format_exception(kind, error, trace)))
        self.report(_("Something went wrong"), self.plain(error))

    def report_thread_exception(self, hook_args) -> None:
        """A `threading.excepthook`, for errors in worker threads."""
        self.report_exception(hook_args.exc_type, hook_args.exc_value, hook_args.exc_traceback)

    def show_now(self, title: str, message: str) -> None:
        """Show a message and wait until it is read (before the window exists)."""
        self._show(title, message, modal=True)

    @staticmethod
    def plain(error: BaseException) -> str:
        """What to tell a person about ERROR: its own words if it is ours, else that the
        details are in the log."""
        if isinstance(error, MtStudioError):
            return str(error)
        from mt_studio.core.logs import log_file
        return _("mt_studio met an unexpected problem and stopped what it was doing. Nothing "
                 "already recorded is lost. The details are in the log: {log}").format(
                     log=log_file())

    def _show(self, title: str, message: str, modal: bool = False) -> None:
        if self._dialog is not None:
            self._more += 1
            self._dialog.setInformativeText(ngettext(
                "{n} more problem happened since; see the log for all of them.",
                "{n} more problems happened since; see the log for all of them.",
                self._more).format(n=self._more))
            return
        self.shown += 1
        dialog = QMessageBox(QMessageBox.Icon.Warning, title, message,
                             QMessageBox.StandardButton.Ok, self.parent_widget)
        dialog.button(QMessageBox.StandardButton.Ok).setText(_("OK"))
        dialog.setAccessibleName(title)
        self._dialog = dialog
        self._more = 0
        # Its parent window may be rebuilt (a language change) and take the dialog with it.
        dialog.destroyed.connect(lambda _obj=None, shown=dialog: self._forget(shown))
        if modal:
            dialog.exec()
            self._closed()
        else:
            dialog.finished.connect(self._closed)
            dialog.open()

    def _forget(self, dialog: QMessageBox) -> None:
        if self._dialog is dialog:
            self._dialog = None

    def _closed(self) -> None:
        if self._dialog is not None:
            self._dialog.deleteLater()
        self._dialog = None

    @property
    def open_dialog(self) -> QMessageBox | None:
        """The dialog on screen now, if any (for tests and the window)."""
        return self._dialog

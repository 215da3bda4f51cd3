"""Starting the studio window: the application, its language, its log, and the library."""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from pathlib import Path

from PyQt6.QtCore import QEvent, QObject, QTimer, QtMsgType, qInstallMessageHandler
from PyQt6.QtWidgets import QApplication, QWidget

from mt_studio import i18n
from mt_studio.core import preferences
from mt_studio.core.errors import MtStudioError
from mt_studio.core.library import Library, default_library_folder
from mt_studio.core.logs import start_logging
from mt_studio.i18n import _
from mt_studio.ui.error_reporter import ErrorReporter

log = logging.getLogger(__name__)

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def route_qt_messages() -> None:
    """Send Qt's own warnings into the log instead of the terminal."""
    qt_log = logging.getLogger("qt")

    def handler(kind, context, message) -> None:
        qt_log.log(_QT_LEVELS.get(kind, logging.WARNING), "%s", message)

    qInstallMessageHandler(handler)


def run(library_folder: Path | None = None, argv: list[str] | None = None) -> int:
    """Open the studio window on the library and run until it closes; the exit code."""
    start_logging()
    route_qt_messages()
    chosen = preferences.load()
    i18n.use_language(chosen.language or None)
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("mt-studio")
    app.setApplicationDisplayName("mt_studio")
    reporter = ErrorReporter()
    sys.excepthook = reporter.report_exception
    threading.excepthook = reporter.report_thread_exception
    folder = library_folder or default_library_folder()
    try:
        library = Library.open(folder)
    except MtStudioError as error:
        log.error("the library could not be opened: %s", error)
        reporter.show_now(_("The library could not be opened"), str(error))
        return error.exit_code
    with library:
        studio = Studio(library, reporter)
        studio.open()
        return app.exec()


class Studio:
    """Keeps one main window open, and builds it again when the language changes."""

    def __init__(self, library: Library, reporter: ErrorReporter) -> None:
        self.library = library
        self.reporter = reporter
        self.window = None

    def open(self, session_id: int | None = None) -> None:
        """Show a fresh main window, on SESSION_ID if given."""
        from mt_studio.ui.main_window import MainWindow  # after the language is set

        old = self.window
        self.window = MainWindow(self.library, self.reporter)
        self.window.language_changed.connect(
            lambda: self.open(self.window.session_id))
        if old is not None:
            self.window.setGeometry(old.geometry())
            old.close()
            old.deleteLater()
        if session_id is not None:
            self.window.open_session(session_id)
        if old is None and os.environ.get(FIRST_PAINT_ENV):
            self._probe = FirstPaintProbe(self.window)
        self.window.show()
        if old is None:
            self.window.after_first_paint()
        else:
            self.window.device_status.look()


FIRST_PAINT_ENV = "MT_STUDIO_QUIT_AFTER_FIRST_PAINT"


class FirstPaintProbe(QObject):
    """For the start-up benchmark: print the moment the window first paints, then quit."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            print(f"painted {time.monotonic():.6f}", flush=True)
            watched.removeEventFilter(self)
            QTimer.singleShot(0, QApplication.instance().quit)
        return False

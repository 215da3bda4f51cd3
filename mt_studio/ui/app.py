"""Starting the studio window: the application, its language, its log, and the library."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PyQt6.QtCore import (
    QEvent,
    QLocale,
    QObject,
    QTimer,
    pyqtSignal,
    qInstallMessageHandler,
)
from PyQt6.QtWidgets import QApplication, QMainWindow, QWidget

from mt_studio import i18n
from mt_studio.core.errors import MtStudioError
from mt_studio.i18n import _
from mt_studio.ui.common.after_paint import after_next_paint
from mt_studio.ui.common.error_reporter import ErrorReporter
from mt_studio.ui.common.worker import Worker, run_in_worker
from mt_studio.ui.display import fatal_start, missing_display

if TYPE_CHECKING:  # the studio (and the library) load in a worker, after the first paint
    from mt_studio.core.preferences import Preferences
    from mt_studio.core.studio import Studio

T = TypeVar("T")

# Qt's message types by number (debug, warning, critical, fatal, info) as logging's levels:
# neither the QtMsgType enum nor logging is loaded before the first paint.
_QT_LEVELS = {0: 10, 1: 30, 2: 40, 3: 50, 4: 20}


def route_qt_messages() -> None:
    """Send Qt's own warnings into the log instead of the terminal; a fatal one (no display
    to connect to) ends the app with one line on stderr instead of Qt's abort."""
    platform_warnings: list[str] = []

    def handler(kind, context, message) -> None:
        import logging

        from mt_studio.core.logs import hold_logging

        hold_logging()  # held until the log file opens, if this comes before the first paint
        level = _QT_LEVELS.get(int(kind.value), 30)
        logging.getLogger("qt").log(level, "%s", message)
        if level == 30 and not platform_warnings and \
                (context.category or "").startswith("qt.qpa"):
            platform_warnings.append(message)  # the first says best why a fatal one came
        if level == 50:
            fatal_start(message, platform_warnings)

    qInstallMessageHandler(handler)


def run(library_folder: Path | str | None = None, argv: list[str] | None = None) -> int:
    """Open the studio window on the library and run until it closes; the exit code (1,
    with one line on stderr, when there is no display to open it on). Whatever the window
    writes is its user's alone."""
    from mt_studio.core.private_files import only_mine

    with only_mine():
        return _run(library_folder, argv)


def _run(library_folder: Path | str | None, argv: list[str] | None) -> int:
    no_display = missing_display()
    if no_display is not None:
        sys.stderr.write(no_display + "\n")
        return 1
    route_qt_messages()
    # Read on the other core while Qt connects to the display (it lets go of Python's lock
    # meanwhile): platformdirs alone takes 6 ms to import.
    chosen = in_a_thread(_saved_preferences, name="mt-studio-preferences")
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    i18n.use_language(chosen().language or None)
    app.setApplicationName("mt-studio")
    app.setApplicationDisplayName("mt_studio")
    reporter = ErrorReporter()
    sys.excepthook = reporter.report_exception
    threading.excepthook = reporter.report_thread_exception
    # What is logged from the first paint on is held until the log file opens, once the
    # window has listed the sessions: logging's import (5 ms) comes after the first paint.
    shell = Shell(reporter, folder=library_folder, first_painted=_hold_logging)
    shell.open()
    try:
        return app.exec()
    finally:
        shell.close()
        from mt_studio.core.logs import start_logging

        start_logging()  # what was held, if the window ended before the library opened


def _saved_preferences() -> Preferences:
    from mt_studio.core import preferences

    return preferences.load()


def _hold_logging() -> None:
    from mt_studio.core.logs import hold_logging

    hold_logging()


def in_a_thread(function: Callable[[], T], name: str) -> Callable[[], T]:
    """Start FUNCTION in a thread now; the call returned waits for it and gives back what it
    returned (or raises what it raised). A future of concurrent.futures in twenty lines: its
    import would come before the first paint (1.3 ms)."""
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["value"] = function()
        except BaseException as error:  # noqa: BLE001 - handed to whoever waits
            outcome["error"] = error

    thread = threading.Thread(target=target, name=name)
    thread.start()

    def result() -> T:
        thread.join()
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]

    return result


class StudioOpener(QObject):
    """Opens the studio on a library in a worker thread (a check, perhaps an upgrade: disk
    work) and says how it went in the GUI thread: `opened(studio)` or `failed(title, message,
    exit code)`; `unreachable(address, message)` instead for a service's library whose
    server does not answer, when this computer has its library for the day to go on with."""

    opened = pyqtSignal(object)
    failed = pyqtSignal(str, str, int)
    unreachable = pyqtSignal(str, str)

    def __init__(self, folder: Path | str | None) -> None:
        super().__init__()
        self._folder = folder
        self.studio: Studio | None = None  # once opened, whether or not it was taken
        self._worker: Worker | None = None

    def start(self) -> None:
        """Start opening (returns at once)."""
        self._worker = run_in_worker(self, self._open, done=self.opened.emit,
                                     failed=self._failed, thread="mt-studio-open-library")

    def join(self) -> None:
        """Wait until the opening has ended, however it ended."""
        if self._worker is not None:
            self._worker.wait()

    def _open(self) -> Studio:
        from mt_studio.core.studio import Studio, default_library_folder

        # The ledger is checked once the window shows the library (read_only_banner.py).
        self.studio = Studio.open(default_library_folder() if self._folder is None
                                  else self._folder, check_ledger=False)
        if self.studio.open_to_use:  # else someone signs in first
            self.studio.sessions  # noqa: B018 - loaded here, not when the window lists them
        return self.studio

    def _failed(self, error: Exception) -> None:
        title = _("The library could not be opened")
        import logging

        log = logging.getLogger(__name__)
        if isinstance(error, MtStudioError):
            log.error("the library could not be opened: %s", error)
            address = _day_library_of(self._folder, error)
            if address is not None:
                self.unreachable.emit(address, str(error))
                return
            self.failed.emit(title, str(error), error.exit_code)
        else:
            log.error("opening the library failed", exc_info=error)
            self.failed.emit(title, ErrorReporter.plain(error), 1)


class Shell:
    """Keeps one main window open, and builds it again when the language changes.

    Without a studio to start with, it opens the library in FOLDER (None: the default) in a
    worker once the first window has painted: the window shows at once, saying that the
    library is being opened, and the GUI never waits on the disk. FIRST_PAINTED is called
    when the first window has painted, before the library is opened.
    """

    def __init__(self, reporter: ErrorReporter, studio: Studio | None = None,
                 folder: Path | str | None = None,
                 first_painted: Callable[[], None] | None = None) -> None:
        self.studio = studio
        self._first_painted_too = first_painted
        self.reporter = reporter
        self.window = None
        self._opener: StudioOpener | None = None
        self._probe: FirstPaintProbe | None = None
        if studio is None:
            self._opener = StudioOpener(folder)
            self._opener.opened.connect(self._opened)
            self._opener.failed.connect(self._failed)
            self._opener.unreachable.connect(self._unreachable)

    def open(self, session_id: int | None = None) -> None:
        """Show a fresh main window, on SESSION_ID if given."""
        from mt_studio.ui.main_window import MainWindow  # after the language is set

        old = self.window
        if old is not None:  # the first window takes its locale once it has painted
            use_qt_locale()
        # A window built again takes over the plugins, started once for the app.
        self.window = MainWindow(self.studio, self.reporter,
                                 plugins=old.plugin_starter if old is not None else None)
        self.window.language_changed.connect(
            lambda: self.open(self.window.session_id))
        self.window.library_chosen.connect(self.reopen)
        if old is not None:
            self.window.setGeometry(old.geometry())
            old.close()
            old.deleteLater()
        if session_id is not None:
            self.window.open_session(session_id)
        if old is None and os.environ.get(FIRST_PAINT_ENV):
            self._probe = FirstPaintProbe(self.window)
        if old is None:
            self.window.painted.connect(self._first_painted)
        self.window.show_fitted()
        if old is not None:
            self.window.recording_status.look()
            self.window.keep_day_library()

    def reopen(self, location: str) -> None:
        """Open the library at LOCATION (a folder or a server's address) in a new window, in
        place of this one and its library (the service's library and its library for the
        day, in turn). Nothing changes if the window stays (a song's words not saved)."""
        from mt_studio.ui.main_window import MainWindow

        old, studio = self.window, self.studio
        opener = StudioOpener(location)
        window = MainWindow(None, self.reporter, plugins=old.plugin_starter)
        window.setGeometry(old.geometry())
        window.show_fitted()  # first: the last window closing would end the app
        if not old.close():
            window.close()
            window.deleteLater()
            return
        old.deleteLater()
        self.window, self.studio, self._opener = window, None, opener
        window.language_changed.connect(lambda: self.open(self.window.session_id))
        window.library_chosen.connect(self.reopen)
        opener.opened.connect(self._opened)
        opener.failed.connect(self._failed)
        opener.unreachable.connect(self._unreachable)
        if studio is not None:
            studio.close()
        opener.start()

    def close(self) -> None:
        """Let go of the library (after the window has closed, perhaps before it was open)."""
        if self._opener is not None:
            self._opener.join()
            self.studio = self.studio or self._opener.studio
        if self.studio is not None:
            self.studio.close()

    def _first_painted(self) -> None:
        if self._first_painted_too is not None:
            self._first_painted_too()
        if self.studio is None:
            self._opener.start()
        else:
            QTimer.singleShot(0, self._use_qt_locale)
            self.window.after_opening()

    def _opened(self, studio: Studio) -> None:
        self.studio = studio
        window = self.window
        if studio.protected and studio.actor is None:
            window.access.ask_sign_in(studio, lambda: self._opened(studio))
            return
        if not studio.protected and is_new(studio):
            window.access.ask_first_account(studio, lambda: self._opened(studio))
            return
        window.attach(studio)
        if self._probe is not None:
            self._probe.listing_shown(self.window.sessions.tree.viewport())
        # Once the sessions are drawn: the log file's handler and Qt's first locale take 10
        # and 6 ms to make.
        after_next_paint(self.window.sessions.tree.viewport(), self._settle)
        self.window.after_opening()

    def _settle(self) -> None:
        from mt_studio.core.logs import start_logging

        start_logging()
        self._use_qt_locale()

    def _use_qt_locale(self) -> None:
        # The first window's own words need no Qt locale; the spin boxes and calendars made
        # later do.
        use_qt_locale()
        self.window.setLocale(QLocale())

    def _failed(self, title: str, message: str, exit_code: int) -> None:
        self.reporter.show_now(title, message)
        QApplication.exit(exit_code)

    def _unreachable(self, address: str, message: str) -> None:
        """The service's library cannot be reached: go on with the day's, or quit."""
        from PyQt6.QtWidgets import QMessageBox

        from mt_studio.core.studio import day_library

        answer = QMessageBox.question(
            self.window, _("The shared library cannot be reached"),
            _("{reason}\n\nGo on with this computer's library for today? What you record is "
              "kept on this computer, encrypted, and moved into the shared library when it is "
              "back. Exports wait until then.").format(reason=message))
        if answer != QMessageBox.StandardButton.Yes:
            QApplication.exit(1)
            return
        self.reopen(str(day_library.take(address)))


def _day_library_of(location: Path | str | None, error: Exception) -> str | None:
    """The address of the service's library at LOCATION when ERROR says its server cannot be
    reached and this computer has its library for the day; else None."""
    from mt_studio.core.errors import ServerUnreachable

    if not isinstance(error, ServerUnreachable):
        return None
    from mt_studio.core.studio import day_library, default_library_folder

    address = str(default_library_folder() if location is None else location).strip()
    return address if day_library.is_ready(address) else None


def is_new(studio: Studio) -> bool:
    """Whether STUDIO's library holds nothing yet (the first run: its first account is made
    before anything shows)."""
    return not studio.sessions.all() and not studio.consent.participants()


def use_qt_locale() -> None:
    """Have Qt's own widgets (spin boxes, calendars) and numbers written through QLocale
    follow the language shown, for windows made from now on."""
    QLocale.setDefault(QLocale(i18n.locale_name()))


FIRST_PAINT_ENV = "MT_STUDIO_QUIT_AFTER_FIRST_PAINT"


class FirstPaintProbe(QObject):
    """For the start-up benchmark: print the moment the window first paints ("painted"),
    and the moment the sessions are painted in it ("listed"), then quit."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        window.installEventFilter(self)

    def listing_shown(self, listing: QWidget) -> None:
        """Watch LISTING, now filled, for its next paint."""
        listing.installEventFilter(self)
        listing.update()  # an empty library changes nothing there, yet it is painted again

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            if isinstance(watched, QMainWindow):
                print(f"painted {time.monotonic():.6f}", flush=True)
            else:
                print(f"listed {time.monotonic():.6f}", flush=True)
                QTimer.singleShot(0, QApplication.instance().quit)
        return False

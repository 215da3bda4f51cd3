"""The studio window: sessions on the left, the open session's panels on the right."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from PyQt6.QtCore import QEvent, Qt, QTimer, QUrl, pyqtSignal
from PyQt6.QtGui import QAction, QDesktopServices, QKeySequence
from PyQt6.QtWidgets import (
    QApplication,
    QMainWindow,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from mt_studio.i18n import _, ngettext
from mt_studio.ui.common.error_reporter import ErrorReporter
from mt_studio.ui.common.opening_page import opening_page
from mt_studio.ui.common.read_only_banner import ReadOnlyBanner, with_banner
from mt_studio.ui.common.server_banner import ServerBanner
from mt_studio.ui.common.window_size import (  # noqa: F401 - the window's, as tests ask
    PREFERRED_SIZE,
    TITLE_BAR,
    fitted_size,
    session_list_width,
)
from mt_studio.ui.common.worker import run_in_worker
from mt_studio.ui.deletion import open_erase_person
from mt_studio.ui.plugins.plugin_starter import PluginStarter
from mt_studio.ui.retention.window_retention import WindowRetention
from mt_studio.ui.session_view import SessionView
from mt_studio.ui.sessions.session_list import SessionList
from mt_studio.ui.studio_status import StudioStatus
from mt_studio.ui.welcome import Welcome

if TYPE_CHECKING:  # the studio loads with the library, after the first paint
    from mt_studio.core.plugins import PluginHost
    from mt_studio.core.studio import Studio
    from mt_studio.ui.access.window_access import WindowAccess
    from mt_studio.ui.bridge import StudioBridge


class MainWindow(QMainWindow):
    """The main window of mt_studio on one studio (a library opened).

    It can be shown before its library is open (None), saying so, and `attach` it later:
    the window then paints while the disk is still being read. Plugins start once the
    library is open, in a worker (`start_plugins`); PLUGINS is the starter of a window built
    before, whose plugins this one takes over.
    Signals: `painted()` once, at the first paint; `language_changed()`.
    """

    language_changed = pyqtSignal()
    painted = pyqtSignal()
    library_chosen = pyqtSignal(str)  # open this library instead (a folder or an address)

    def __init__(self, studio: Studio | None, reporter: ErrorReporter,
                 parent: QWidget | None = None, plugins: PluginStarter | None = None) -> None:
        super().__init__(parent)
        self.studio: Studio | None = None
        self.bridge: StudioBridge | None = None  # the studio's events, once it is open
        self.reporter = reporter
        self.plugin_starter = plugins or PluginStarter()
        self.plugins: PluginHost | None = None  # once started
        reporter.parent_widget = self
        self.session_id: int | None = None
        self.session_view: SessionView | None = None
        self.help = None  # the manual, once shown
        self.setWindowTitle(_("mt_studio – music therapy studio"))
        self.sessions = SessionList()
        self.welcome: Welcome | None = None  # once the library is open
        self.pages = QStackedWidget()
        self.pages.addWidget(opening_page())
        # Side by side (the default): no Qt enum is touched before the first paint, as the
        # first touch builds all of them (12 ms).
        splitter = QSplitter()
        splitter.addWidget(self.sessions)
        splitter.addWidget(self.pages)
        splitter.setStretchFactor(1, 3)
        self.splitter = self.workspace = splitter
        # The workspace, or alone in front of it a page of the gate (sign-in, the lock, My songs).
        self.screens = QStackedWidget()
        self.screens.addWidget(splitter)
        self.read_only_banner = banner = ReadOnlyBanner()  # shown if the ledger was changed
        banner.shown.connect(lambda: self.studio.open_to_use and self.after_unlocking())
        self.server_banner = lost = ServerBanner()  # while a shared library's server is lost
        self.day_keeper = None  # keeps the library for the day ready, once opened
        self.setCentralWidget(with_banner(self.read_only_banner, self.screens, lost))
        self._access: WindowAccess | None = None
        self._lock_button: QPushButton | None = None  # once the studio is open, with accounts
        self._recovery_waits = False  # the window locked before the recovery at start ran
        self.retention = WindowRetention(self)
        self._after_opening: list[QTimer] = []
        self.recording_status = StudioStatus()
        self.statusBar().addPermanentWidget(self.recording_status)
        self._build_menus()
        self.plugin_starter.started.connect(self._plugins_started)
        if self.plugin_starter.host is not None:
            self._plugins_started(self.plugin_starter.host, announce=False)
        self.sessions.session_chosen.connect(self.open_session)
        self.sessions.new_session_requested.connect(self.new_session)
        self.sessions.edit_session_requested.connect(self.edit_session)
        self.installEventFilter(self)  # until the first paint
        # The list's tree is made once the window has painted and the library begins to open.
        self.painted.connect(lambda: QTimer.singleShot(0, self.sessions.prepare))
        self.attach(studio)
        self.fit_to_screen()

    def fit_to_screen(self) -> None:
        """Take the preferred size where the screen has room, else the screen's size, to be
        shown maximized (`show_fitted`)."""
        area = self.screen().availableGeometry()
        size, self.fills_screen = fitted_size(area.size())
        self.resize(size)
        self.move(area.x() + (area.width() - size.width()) // 2,
                  area.y() + max(0, (area.height() - size.height() - TITLE_BAR) // 2))
        self.splitter.setSizes([session_list_width(size.width()),
                                size.width() - session_list_width(size.width())])

    def show_fitted(self) -> None:
        """Show the window, maximized on a screen too small for its preferred size."""
        # showMaximized rather than a window state: no Qt enum before the first paint.
        if self.fills_screen:
            self.showMaximized()
        else:
            self.show()

    def attach(self, studio: Studio | None) -> None:
        """Work on STUDIO, now open (None: its library is still being opened)."""
        self.studio = studio
        if studio is not None and self.bridge is None:
            from mt_studio.ui.bridge import StudioBridge

            self.bridge = StudioBridge(studio, self)
            self.server_banner.listen(studio, self.bridge)
        self.sessions.attach(studio, self.bridge)
        self.set_library_actions(studio is not None)
        if studio is not None and studio.protected and self._lock_button is None:
            self._lock_button = QPushButton(_("Lock"))
            self._lock_button.setAccessibleName(_("Lock"))
            self._lock_button.setToolTip(_("Hide everything until someone signs in again "
                                           "(Ctrl+L). A recording goes on."))
            self._lock_button.clicked.connect(self.lock)
            self.statusBar().addPermanentWidget(self._lock_button)
            self.access.idle.restart()
        if studio is not None:
            if studio.read_only is not None:  # a window built again says it again
                self.read_only_banner.show_problem(studio.read_only.problem)
            if self.welcome is None:
                self.welcome = Welcome()
                self.welcome.new_session_requested.connect(self.new_session)
                self.welcome.demo_requested.connect(self.open_demo)
                self.pages.addWidget(self.welcome)
            self.welcome.show_first_run(not self.sessions.has_sessions())
            self.pages.setCurrentWidget(self.welcome)

    def set_library_actions(self, usable: bool) -> None:
        """Let the actions on the library be used (False: none is open, or it is locked)."""
        for action in self.library_actions:
            action.setEnabled(usable)
        protected = usable and self.studio is not None and self.studio.protected
        self.lock_action.setEnabled(protected)
        self.participant_action.setEnabled(protected and self.session_id is not None)
        self.preferences_action.setEnabled(usable and not (
            self.session_view is not None and self.session_view.busy))
        self.plugins_action.setEnabled(usable and self.plugins is not None)
        actor = self.studio.actor if usable and self.studio is not None else None
        self.own_passphrase_action.setEnabled(actor is not None)
        for action in self.admin_actions:
            action.setEnabled(actor is not None and actor.account.is_admin)

    def change_own_passphrase(self) -> None:
        """Ask the account signed in for its current passphrase and a new one."""
        from mt_studio.ui.access.accounts_dialog import change_own_passphrase

        change_own_passphrase(self.studio, self)

    def _admin_dialog(self, which: str) -> None:
        if which == "accounts":
            from mt_studio.ui.access.accounts_dialog import AccountsDialog as Dialog
        else:
            from mt_studio.ui.access.audit_dialog import AuditDialog as Dialog
        Dialog(self.studio, self).exec()

    @property
    def access(self) -> WindowAccess:
        """The window's gate: signing in, the lock, participant mode."""
        if self._access is None:
            from mt_studio.ui.access.window_access import WindowAccess

            self._access = WindowAccess(self)
        return self._access

    def lock(self) -> None:
        """Hide everything until someone signs in again (a take goes on recording)."""
        self.access.lock()

    def after_unlocking(self) -> None:
        """Someone signed in again, or the library turned read-only: what shows is read anew."""
        if self._recovery_waits:
            self.recover_takes()
        self.retention.unlocked()
        self.sessions.refresh()
        if self.session_view is not None and self.session_id is not None:
            self.session_view.show_session(self.session_id)

    def choose_participant_mode(self) -> None:
        """Ask who is at the keyboard; give them "My songs" on the whole screen."""
        from PyQt6.QtWidgets import QInputDialog

        if self.session_id is None:
            return
        present = self.studio.sessions.get(self.session_id).participants
        if not present:
            self.statusBar().showMessage(_("Nobody is checked in to this session."), 5000)
            return
        names = [p.pseudonym for p in present]
        name, chosen = QInputDialog.getItem(
            self, _("My songs"), _("Who is at the keyboard? They will see only their own "
                                   "songs and takes; leaving takes your passphrase."),
            names, 0, False)
        if chosen:
            self.access.start_participant_mode(present[names.index(name)].id)

    def _build_menus(self) -> None:
        session_menu = self.menuBar().addMenu(_("&Session"))
        self.library_actions = [  # of no use until the library is open
            self._add(session_menu, _("&New session…"), self.new_session, standard="New"),
            self._add(session_menu, _("&Edit session…"),
                      lambda: self.edit_session(self.session_id)),
            self._add(session_menu, _("Open &demo session"), self.open_demo),
            self._add(session_menu, _("Takes due for &deletion…"),
                      lambda: self.retention.show_due())]
        session_menu.addSeparator()
        self.participant_action = self._add(session_menu, _("&My songs (participant mode)…"),
                                            self.choose_participant_mode)
        self.library_actions.append(self._add(session_menu, _("&Erase a person…"),
                                              lambda: open_erase_person(self.studio, self)))
        self.lock_action = self._add(session_menu, _("&Lock"), self.lock, "Ctrl+L")
        session_menu.addSeparator()
        self._add(session_menu, _("&Quit"), self.close, "Ctrl+Q")
        service_menu = self.menuBar().addMenu(_("Ser&vice"))  # loaded when asked for
        self.library_actions += [
            self._add(service_menu, _("Service &overview…"),
                      lambda: _feature("service").open_overview(self)),
            self._add(service_menu, _("&Groups…"), lambda: _feature("groups").open_groups(self))]
        settings_menu = self.menuBar().addMenu(_("Se&ttings"))
        # Changing the language builds the window again, which would end a take: not meanwhile.
        self.preferences_action = self._add(settings_menu, _("&Preferences…"),
                                            self.edit_preferences, standard="Preferences")
        self.plugins_action = self._add(settings_menu, _("P&lugins…"), self.show_plugins)
        self.plugins_action.setEnabled(False)  # until the plugins have started
        settings_menu.addSeparator()
        self.own_passphrase_action = self._add(settings_menu, _("My pass&phrase…"),
                                               self.change_own_passphrase)
        self.admin_actions = [  # an admin's, signed in
            self._add(settings_menu, _("&Accounts…"), lambda: self._admin_dialog("accounts")),
            self._add(settings_menu, _("Make a &recovery key…"),
                      lambda: _feature("encryption").make_recovery_key(self)),
            self._add(settings_menu, _("A&udit log…"), lambda: self._admin_dialog("audit"))]
        help_menu = self.menuBar().addMenu(_("&Help"))
        self._add(help_menu, _("&Manual"), self.show_manual, standard="HelpContents")
        self._add(help_menu, _("&Keyboard shortcuts"), lambda: self.show_manual().show_shortcuts())
        help_menu.addSeparator()
        self._add(help_menu, _("Open the &log folder"), self.open_log_folder)

    def _add(self, menu, text: str, slot, shortcut=None, standard: str | None = None
             ) -> QAction:
        """An action in MENU: SHORTCUT its key, or STANDARD the name of the platform's
        standard key (given once the window has painted: its enum takes 1.5 ms to build)."""
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if standard is not None:
            self.painted.connect(lambda: action.setShortcut(
                getattr(QKeySequence.StandardKey, standard)))
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    def after_opening(self) -> None:
        """Once the library is open and shown, behind the paint and the list: recovery,
        devices, sweeps, plugins; the ledger's check in a worker, then (if intact) retention."""
        for delay, work in ((50, self.recover_takes), (100, self.recording_status.look),
                            (150, self._sweep_practice_versions), (200, self.start_plugins),
                            (250, self.keep_day_library),
                            (300, lambda: self.read_only_banner.watch(self.studio,
                                                                      self.retention.run))):
            timer = QTimer(self)
            timer.setSingleShot(True)
            timer.timeout.connect(work)
            timer.start(delay)
            self._after_opening.append(timer)

    def keep_day_library(self) -> None:
        """Keep the library for the day of a service's library (ui/common/day_library_keeper)."""
        from mt_studio.ui.common.day_library_keeper import keep_for

        keep_for(self)

    def start_plugins(self) -> None:
        """Start the plugins in a worker (once): they import numpy and more, and one that fails
        to load stops nothing but itself."""
        self.plugin_starter.start()

    def _plugins_started(self, host: PluginHost, announce: bool = True) -> None:
        from mt_studio.core.plugins import PluginState

        self.plugins = host
        self.plugins_action.setEnabled(True)
        if self.session_view is not None:
            self.session_view.set_plugins(host)
        troubled = sum(info.state in (PluginState.FAILED, PluginState.REFUSED)
                       for info in host.plugins())
        if troubled and announce:
            self.statusBar().showMessage(ngettext(
                "{n} plugin could not start — see Settings ▸ Plugins",
                "{n} plugins could not start — see Settings ▸ Plugins", troubled).format(
                    n=troubled), 30000)

    def show_plugins(self):
        """Open the Plugins dialog (window-modal); the dialog, or None before plugins started."""
        if self.plugins is None:
            return None
        from mt_studio.ui.plugins.plugins_dialog import PluginsDialog

        dialog = PluginsDialog(self.plugins, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.plugins_changed.connect(self._plugins_switched)
        if self.session_view is not None:
            self.session_view.takes.plugins_changed.connect(dialog.refresh)
        dialog.open()
        return dialog

    def _plugins_switched(self) -> None:
        if self.session_view is not None:
            self.session_view.refresh_plugins()

    def _sweep_practice_versions(self) -> None:
        """Remove practice versions and MIDI parts' sound made from takes gone or changed."""
        from mt_studio.core.midi_audio import remove_stale_midi_renders
        from mt_studio.core.practice import remove_stale_practice_versions

        folder = self.studio.folder

        def sweep() -> None:
            try:
                remove_stale_practice_versions(folder)
                remove_stale_midi_renders(folder)
            except OSError as error:  # a cache: what is left is swept next time
                _log().info("practice versions not swept: %s", error)

        run_in_worker(self, sweep, thread="mt-studio-sweep")

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if watched is self and event.type() == QEvent.Type.Paint:
            self.removeEventFilter(self)
            self.painted.emit()
        return super().eventFilter(watched, event)

    def recover_takes(self) -> None:
        """Repair takes a crash left behind, and say so (once someone is signed in)."""
        if not self.studio.open_to_use:
            self._recovery_waits = True  # locked already: once it is unlocked
            return
        self._recovery_waits = False
        try:
            recovered = self.studio.recording.recover()
        except Exception:
            from mt_studio.core.logs import log_file

            _log().exception("recovery at start failed")
            self.reporter.report(_("Recovery did not finish"), _(
                "Some takes left by an earlier crash could not be repaired yet. They are kept "
                "as they are. Details are in the log: {log}").format(log=log_file()))
            return
        if not recovered:
            return
        from mt_studio.ui.recording.record_words import recovered_words

        self.sessions.refresh()
        self.statusBar().showMessage(ngettext("{n} take recovered", "{n} takes recovered",
                                              len(recovered)).format(n=len(recovered)))
        self.reporter.report(_("Recordings recovered"), recovered_words(recovered))

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """Closing the window keeps unsaved words if asked to, finishes a take being recorded,
        stops the looper and closes the audio streams."""
        if self.session_view is not None:
            if not self.session_view.songs.maybe_save():
                event.ignore()  # the person went back to their song
                return
            self.session_view.release()
        for timer in self._after_opening:
            timer.stop()
        self.server_banner.stop()
        if self.day_keeper is not None:
            self.day_keeper.stop()
        super().closeEvent(event)

    def open_session(self, session_id: int) -> None:
        """Show SESSION_ID's panels (not while another session's take is recording); the
        session list's chosen row is the open session, whether it opened or not."""
        view = self.session_view
        if view is not None and session_id == self.session_id:
            self.sessions.select(session_id)  # open already
            return
        if view is not None and view.busy:
            self.statusBar().showMessage(_("Stop the recording or the looper before opening "
                                           "another session."),
                                         5000)
            self.sessions.select(self.session_id)
            return
        if self.session_view is None:
            self.session_view = SessionView(self.studio, self.bridge, plugins=self.plugins)
            for busy_changed in (self.session_view.record.recording_changed,
                                 self.session_view.looper.active_changed):
                busy_changed.connect(lambda _on: self.preferences_action.setEnabled(
                    not self.session_view.busy))
            self.pages.addWidget(self.session_view)
            self.recording_status.follow(self.session_view.record, self.session_view.looper)
        self.session_id = session_id
        self.session_view.show_session(session_id)
        self.pages.setCurrentWidget(self.session_view)
        self.sessions.select(session_id)
        self.set_library_actions(True)

    def new_session(self) -> None:
        """Ask for a new session and open it."""
        from mt_studio.ui.sessions.session_dialog import SessionDialog

        created = SessionDialog.create(self.studio, self)
        if created is not None:
            self.sessions.refresh()
            self.open_session(created)

    def edit_session(self, session_id: int | None) -> None:
        """Edit SESSION_ID's details."""
        from mt_studio.ui.sessions.session_dialog import SessionDialog

        if session_id is not None and SessionDialog.edit(self.studio, session_id, self):
            self.sessions.refresh()
            if session_id == self.session_id and self.session_view is not None:
                self.session_view.show_session(session_id)  # shown again, as edited
            else:
                self.open_session(session_id)

    def open_demo(self) -> None:
        """Create the demo session (synthesized takes) and open it."""
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # about half a second
        try:
            session_id = self.studio.sessions.create_demo()
        finally:
            QApplication.restoreOverrideCursor()
        self.sessions.refresh()
        self.open_session(session_id)

    def edit_preferences(self) -> None:
        """Change the language and other preferences."""
        from mt_studio.ui.preferences_dialog import PreferencesDialog

        if self.session_view is not None and not self.session_view.songs.maybe_save():
            return  # a new language builds the window again: the words come first
        if PreferencesDialog.edit(self):
            self.language_changed.emit()
        elif self._access is not None:
            from mt_studio.core import preferences

            self._access.idle.set_minutes(preferences.load().lock_minutes)

    def show_manual(self):
        """Show the manual beside the window (one at a time); the dialog."""
        from mt_studio.ui.help_dialog import HelpDialog

        if self.help is None:
            self.help = HelpDialog(self)
        self.help.show()
        self.help.raise_()
        return self.help

    def open_log_folder(self) -> None:
        """Show the folder with the log in the file manager."""
        from mt_studio.core.logs import log_file

        QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_file().parent)))


def _feature(name: str):
    """The package ui/NAME, loaded the first time it is asked for."""
    return importlib.import_module(f"mt_studio.ui.{name}")


def _log():
    """The window's logger (logging loads after the first paint)."""
    import logging

    return logging.getLogger(__name__)

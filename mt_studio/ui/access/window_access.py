"""The main window's gate: nothing of the library shows before someone signs in (or, on the
first run, makes the first account); the lock (idle, Ctrl+L, the Lock button) hides it all
again, a take being recorded going on; participant mode puts "My songs" on the whole screen,
and leaving it takes a therapist's passphrase. After every sign-in, the recordings made before
the library was encrypted are sealed (ui/encryption). The rules themselves are the studio's."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PyQt6.QtCore import QObject, QTimer
from PyQt6.QtWidgets import QDialog, QVBoxLayout, QWidget

from mt_studio.core import preferences
from mt_studio.i18n import _
from mt_studio.ui.access.gate_page import GatePage
from mt_studio.ui.access.idle_lock import IdleWatch
from mt_studio.ui.access.passphrase_form import PassphraseForm
from mt_studio.ui.encryption.window_sealing import WindowSealing

if TYPE_CHECKING:
    from PyQt6.QtWidgets import QMainWindow

    from mt_studio.core.studio import Studio
    from mt_studio.core.studio.participant_studio import ParticipantStudio

SIGN_IN_CHECK_MS = 5000


class WindowAccess(QObject):
    """The gate of WINDOW (the studio's main window, whose `screens` hold its `workspace`);
    `locked` while nothing of the library may show."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.gate: GatePage | None = None
        self.locked = False
        self.participant: ParticipantStudio | None = None
        self._participant_page: QWidget | None = None
        self._then: Callable[[], None] | None = None  # once the gate lets someone in
        self.sealing = WindowSealing(window)  # the files recorded before, after a sign-in
        self.idle = IdleWatch(preferences.load().lock_minutes, self)
        self.idle.idle.connect(self.lock)
        self.idle.pause()  # until someone has signed in
        window.reporter.locked = lambda: self.locked
        window.reporter.refused.connect(self.check_sign_in)
        # An account disabled meanwhile (here or elsewhere) is signed out: the window sees it
        # at its next look at the studio, or within a few seconds.
        self._sign_in_watch = QTimer(self)
        self._sign_in_watch.setInterval(SIGN_IN_CHECK_MS)
        self._sign_in_watch.timeout.connect(self.check_sign_in)
        self._sign_in_watch.start()

    def ask_sign_in(self, studio: Studio, then: Callable[[], None]) -> None:
        """Show only the sign-in page until someone signs in, then call THEN."""
        gate = self._gate(studio)
        gate.show_signing_in()
        self._cover(gate)
        self._then = then

    def ask_first_account(self, studio: Studio, then: Callable[[], None]) -> None:
        """Show only the first account's page until it is made, then call THEN."""
        from mt_studio.ui.access.first_account import FirstAccountPage

        page = FirstAccountPage(studio)
        self.window.screens.addWidget(page)
        self._cover(page)

        def made() -> None:
            self.window.screens.removeWidget(page)
            page.deleteLater()
            self._uncover()
            then()
            self.sealing.signed_in()

        page.made.connect(made)

    def lock(self) -> None:
        """Lock now (with accounts, someone signed in, not in participant mode): the studio
        refuses, the window shows the lock page, dialogs close, a take goes on recording."""
        studio = self.window.studio
        if self.locked or studio is None or self.participant is not None:
            return
        if not studio.protected:
            self.window.statusBar().showMessage(_(
                "Locking needs accounts: this library has none yet."), 8000)
            return
        name = studio.actor.account.name if studio.actor else ""
        studio.lock()
        self._show_locked(studio, name)

    def check_sign_in(self) -> None:
        """Show the sign-in page if the account signed in has been signed out (disabled);
        not once the window is closed (its studio may be closed too)."""
        studio = self.window.studio
        if (self.locked or self.participant is not None or studio is None
                or not self.window.isVisible()
                or not studio.protected or studio.still_signed_in()):
            return
        self._show_locked(studio)

    def _show_locked(self, studio: Studio, name: str = "") -> None:
        """The lock page (NAME, who was signed in, filled in), a take being recorded going on
        and stopped from there."""
        gate = self._gate(studio)
        view = self.window.session_view
        gate.show_locked(view.record if view is not None else None, name)
        self._cover(gate)
        self._then = self.window.after_unlocking

    def start_participant_mode(self, participant_id: int) -> None:
        """Put the participant's own studio ("My songs") on the whole screen; the therapist's
        studio locks meanwhile."""
        from mt_studio.ui.participant.my_songs_page import MySongsPage

        window = self.window
        view = window.session_view
        request = view.inputs.request() if view is not None else None
        self.participant = window.studio.for_participant(participant_id, window.session_id)
        page = MySongsPage(self.participant, request.device if request else None)
        page.leave_requested.connect(self.ask_to_leave)
        window.screens.addWidget(page)
        self._participant_page = page
        self._cover(page)
        window.menuBar().hide()
        window.showFullScreen()

    def ask_to_leave(self) -> None:
        """A therapist's passphrase ends participant mode (anyone else's is refused)."""
        dialog = QDialog(self.window)
        dialog.setWindowTitle(_("Leave My songs"))
        form = PassphraseForm(self.window.studio, _("Leave"))
        form.accepted.connect(lambda _account: dialog.accept())
        QVBoxLayout(dialog).addWidget(form)
        form.start_afresh()
        if dialog.exec():
            self._left_participant_mode()

    def _left_participant_mode(self) -> None:
        window = self.window
        page, self._participant_page = self._participant_page, None
        page.let_go()  # the words typed kept, playing and recording stopped
        self.participant.close()
        self.participant = None
        window.screens.removeWidget(page)
        page.deleteLater()
        window.menuBar().show()
        window.show_fitted()
        self._uncover()
        window.after_unlocking()
        self.sealing.signed_in()

    # -- the screens ----------------------------------------------------------------------

    def _gate(self, studio: Studio) -> GatePage:
        if self.gate is None:
            self.gate = GatePage(studio)
            self.gate.signed_in.connect(lambda _account: self._signed_in())
            self.window.screens.addWidget(self.gate)
        return self.gate

    def _signed_in(self) -> None:
        self._uncover()
        then, self._then = self._then, None
        if then is not None:
            then()
        self.sealing.signed_in()

    def _cover(self, page: QWidget) -> None:
        """Show PAGE alone: the window's work hidden, its dialogs closed (a song's versions,
        an export...), its library actions off, its events held (nothing may be read to
        redraw meanwhile)."""
        window = self.window
        for dialog in window.findChildren(QDialog):
            dialog.reject()
        self.locked = True
        self.idle.pause()
        if window.bridge is not None:
            window.bridge.hold()
        window.screens.setCurrentWidget(page)
        window.set_library_actions(False)
        window.statusBar().hide()  # what it says is the library's; the page says what is on
        page.setFocus()

    def _uncover(self) -> None:
        window = self.window
        self.locked = False
        window.screens.setCurrentWidget(window.workspace)
        window.statusBar().show()
        window.set_library_actions(window.studio is not None)
        if window.bridge is not None:
            window.bridge.release()
        if window.studio is not None and window.studio.protected:
            self.idle.restart()

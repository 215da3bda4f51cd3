"""The band across the top of the window about the service's shared library: in red, that its
server cannot be reached, with the offer to go on with this computer's library for the day
(`day_library_wanted`); in amber, on the library for the day, that it is one, and once the
server answers again, the offer to move the day's work in (`service_library_wanted`). It
also starts the window's listening for what other computers change
(core/studio/elsewhere.py), which is how it hears."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from mt_studio.i18n import _

if TYPE_CHECKING:
    from mt_studio.core.studio import Studio
    from mt_studio.ui.bridge import StudioBridge

LOST_STYLE = ("QFrame#serverBanner { background: #fde2e1; border: 2px solid #b91c1c;"
              " border-radius: 4px; } QLabel { color: #3b0a0a; }")
DAY_STYLE = ("QFrame#serverBanner { background: #fef3c7; border: 2px solid #b45309;"
             " border-radius: 4px; } QLabel { color: #3b2405; }")


class ServerBanner(QFrame):
    """Hidden while the library's server answers (and for a library in a folder); shown on a
    library for the day."""

    day_library_wanted = pyqtSignal(str)  # the service library's address: go on without it
    service_library_wanted = pyqtSignal(str)  # its address: it answers again

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("serverBanner")
        self.title = QLabel()
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.button = QPushButton()
        self.button.clicked.connect(self._clicked)
        self._address: str | None = None  # the service library's
        self._day = False  # on a library for the day
        self._stop = None
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        words = QVBoxLayout()
        words.addWidget(self.title)
        words.addWidget(self.text)
        row = QHBoxLayout(self)
        row.addLayout(words, 1)
        row.addWidget(self.button)
        self.hide()

    def listen(self, studio: Studio, bridge: StudioBridge) -> None:
        """Hear what other computers change in STUDIO's library (told through BRIDGE as the
        studio's own events) and say when its server is lost or back; once."""
        from mt_studio.core.studio import day_library
        from mt_studio.core.studio.elsewhere import listen

        if self._stop is not None:
            return
        self._day = day_library.of_studio(studio) is not None
        self._address = day_library.service_address(studio)
        bridge.reach_changed.connect(self.show_reach)
        stop_listening = listen(studio)
        let_go = day_library.hold_open(studio)  # not moved in from under this window

        def stop() -> None:
            stop_listening()
            let_go()

        self._stop = stop  # as the window closes (`stop`)
        if self._day:
            self.show_reach(False)

    def stop(self) -> None:
        """Stop listening (the window closes)."""
        if self._stop is not None:
            self._stop()
            self._stop = lambda: None

    def show_reach(self, reachable: bool) -> None:
        """Say that the server is lost (REACHABLE False), or hide (True); on a library for
        the day, say what it is, and whether the service's server answers again."""
        if self._day:
            self._show_day(reachable)
        elif reachable:
            self.hide()
        else:
            self._show_lost()
        self.setAccessibleName(self.title.text())
        self.setAccessibleDescription(self.text.text())

    def _show_lost(self) -> None:
        from mt_studio.core.studio import day_library

        self.setStyleSheet(LOST_STYLE)
        self.title.setText(_("The shared library cannot be reached"))
        ready = self._address is not None and day_library.is_ready(self._address)
        if ready:
            self.text.setText(_(
                "The service's database does not answer, so nothing can be saved or checked "
                "there just now. mt_studio keeps trying. To record meanwhile, go on with this "
                "computer's library for today: what you record is moved into the shared "
                "library when it is back."))
            self.button.setText(_("Go on with today's library"))
        else:
            self.text.setText(_(
                "The service's database does not answer, so nothing can be saved or checked "
                "just now. mt_studio keeps trying, and this message goes away by itself when "
                "the library is back."))
        self.button.setVisible(ready)
        self.show()

    def _show_day(self, reachable: bool) -> None:
        self.setStyleSheet(DAY_STYLE)
        self.title.setText(_("This is the library for today, on this computer"))
        if reachable:
            self.text.setText(_(
                "The service's shared library answers again. Move today's work into it: "
                "consent is checked again there, and exports can be made once it is in."))
            self.button.setText(_("Move today's work in"))
        else:
            self.text.setText(_(
                "The shared library could not be reached. What you record is kept here, "
                "encrypted, and moved into the shared library when it is back. Exports wait "
                "until then. Takes made before are in the shared library, not here."))
        self.button.setVisible(reachable)
        self.show()

    def _clicked(self) -> None:
        if self._address is None:
            return
        if self._day:
            self.service_library_wanted.emit(self._address)
        else:
            self.day_library_wanted.emit(self._address)

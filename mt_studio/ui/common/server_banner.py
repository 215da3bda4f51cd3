"""The band across the top of the window that says at once, in plain words, that the service's
shared library cannot be reached (nothing can be saved until it is back) and hides when it is
back; it also starts the window's listening for what other computers change
(core/studio/elsewhere.py), which is how it hears."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from mt_studio.i18n import _

if TYPE_CHECKING:
    from mt_studio.core.studio import Studio
    from mt_studio.ui.bridge import StudioBridge

STYLE = ("QFrame#serverBanner { background: #fde2e1; border: 2px solid #b91c1c;"
         " border-radius: 4px; } QLabel { color: #3b0a0a; }")


class ServerBanner(QFrame):
    """Hidden while the library's server answers (and for a library in a folder)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("serverBanner")
        self.title = QLabel()
        self.text = QLabel()
        self._stop = None
        self.hide()

    def listen(self, studio: Studio, bridge: StudioBridge) -> None:
        """Hear what other computers change in STUDIO's library (told through BRIDGE as the
        studio's own events) and say when its server is lost or back; once."""
        from mt_studio.core.studio.elsewhere import listen

        if self._stop is not None:
            return
        bridge.reach_changed.connect(self.show_reach)
        self._stop = listen(studio)  # stopped as the window closes (`stop`)

    def stop(self) -> None:
        """Stop listening (the window closes)."""
        if self._stop is not None:
            self._stop()
            self._stop = lambda: None

    def show_reach(self, reachable: bool) -> None:
        """Say that the server is lost (REACHABLE False), or hide (True)."""
        if reachable:
            self.hide()
            return
        if not self.layout():
            self.setStyleSheet(STYLE)
            font = self.title.font()
            font.setPointSizeF(font.pointSizeF() * 1.3)
            font.setBold(True)
            self.title.setFont(font)
            self.text.setWordWrap(True)
            layout = QVBoxLayout(self)
            layout.addWidget(self.title)
            layout.addWidget(self.text)
        self.title.setText(_("The shared library cannot be reached"))
        self.text.setText(_(
            "The service's database does not answer, so nothing can be saved or checked just "
            "now. mt_studio keeps trying, and this message goes away by itself when the "
            "library is back."))
        self.setAccessibleName(self.title.text())
        self.setAccessibleDescription(self.text.text())
        self.show()

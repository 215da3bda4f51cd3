"""The Plugins dialog (Settings ▸ Plugins…): every plugin found, what it offers, whether it is
bundled or someone's own, its state in words and colour, and why it failed or was refused;
each can be switched on or off, and the user's plugin folder opened."""

from __future__ import annotations

from PyQt6.QtCore import Qt, QUrl, pyqtSignal
from PyQt6.QtGui import QDesktopServices
from PyQt6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from mt_studio.core.plugins.folders import user_plugins_folder
from mt_studio.core.plugins.host import PluginHost, PluginInfo, PluginState
from mt_studio.i18n import _
from mt_studio.ui.common.dialog_buttons import translate

# Colour is never alone: the symbol and the word carry the state too. (background, text)
STATE_COLOURS = {
    PluginState.ENABLED: ("#c8ecc9", "#10381a"),
    PluginState.DISABLED: ("#ececec", "#303030"),
    PluginState.FAILED: ("#f7c5c5", "#5a0f0f"),
    PluginState.REFUSED: ("#ffe7a3", "#4a3300"),
}
STATE_SYMBOLS = {PluginState.ENABLED: "✔", PluginState.DISABLED: "–",
                 PluginState.FAILED: "✖", PluginState.REFUSED: "⚠"}


def state_words(state: PluginState) -> str:
    """A plugin's state as people say it."""
    return {
        PluginState.ENABLED: _("Enabled"),
        PluginState.DISABLED: _("Disabled"),
        PluginState.FAILED: _("Failed"),
        PluginState.REFUSED: _("Refused"),
    }[state]


def kind_words(kinds: tuple[str, ...]) -> str:
    """What a plugin offers, in words: "analysis, exporter"."""
    names = {"analysis": _("analysis"), "effect": _("effect"), "exporter": _("exporter")}
    return ", ".join(names.get(kind, kind) for kind in kinds) or _("nothing it could name")


class PluginRow(QFrame):
    """One plugin: a box to use it or not, named by its name and version; what it offers and
    where it comes from, its state, its description and its error.
    `toggled(plugin id, on)` when the box is clicked."""

    toggled = pyqtSignal(str, bool)

    def __init__(self, info: PluginInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.plugin_id = info.id
        self.use = QCheckBox()
        font = self.use.font()
        font.setBold(True)
        self.use.setFont(font)
        self.use.clicked.connect(self._clicked)
        self.state = QLabel()
        self.state.setAccessibleName(_("State"))
        self.details = QLabel()
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.description = QLabel()
        self.description.setTextFormat(Qt.TextFormat.PlainText)
        self.description.setWordWrap(True)
        self.error = QLabel()
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                           | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.error.setStyleSheet(f"color: {STATE_COLOURS[PluginState.FAILED][1]};")
        heading = QHBoxLayout()
        heading.addWidget(self.use)
        heading.addSpacing(self.fontMetrics().height())
        heading.addWidget(self.details, 1)
        heading.addWidget(self.state)
        layout = QVBoxLayout(self)
        layout.addLayout(heading)
        layout.addWidget(self.description)
        layout.addWidget(self.error)
        self.show_info(info)

    def show_info(self, info: PluginInfo) -> None:
        """Show INFO, as the host has it now."""
        name = info.shown_name
        self.use.setText(_("{name} {version}").format(name=name, version=info.version)
                         if info.version else name)
        background, text = STATE_COLOURS[info.state]
        self.state.setText(f"{STATE_SYMBOLS[info.state]} {state_words(info.state)}")
        self.state.setStyleSheet(f"background: {background}; color: {text}; "
                                 "padding: 0.15em 0.6em; border-radius: 0.5em;")
        self.state.setAccessibleDescription(state_words(info.state))
        origin = _("bundled") if info.bundled else _("your own")
        self.details.setText(_("{kinds} · {origin}").format(
            kinds=kind_words(info.kinds), origin=origin))
        self.details.setToolTip(str(info.folder))
        self.description.setText(info.shown_description)
        self.description.setVisible(bool(info.shown_description))
        shown_error = info.state in (PluginState.FAILED, PluginState.REFUSED) and info.error
        self.error.setText(info.error if shown_error else "")
        self.error.setVisible(bool(shown_error))
        self.error.setAccessibleName(_("Why {name} is not working").format(name=name))
        self.use.setChecked(info.state is PluginState.ENABLED)
        self.use.setEnabled(info.state is not PluginState.REFUSED)
        self.use.setAccessibleName(_("Use {name}").format(name=name))
        if info.state is PluginState.REFUSED:
            self.use.setToolTip(_("This mt_studio cannot use {name}: the reason is written "
                                  "below. An updated plugin from its author can be.").format(
                                      name=name))
        elif info.state is PluginState.FAILED:
            self.use.setToolTip(_("{name} failed and was turned off. Tick to try it again.")
                                .format(name=name))
        else:
            self.use.setToolTip(_("Tick to use {name}; untick to put it away. The choice is "
                                  "remembered.").format(name=name))

    def _clicked(self, on: bool) -> None:
        self.toggled.emit(self.plugin_id, on)


class PluginsDialog(QDialog):
    """Every plugin HOST found; `plugins_changed()` after one was switched on or off."""

    plugins_changed = pyqtSignal()

    def __init__(self, host: PluginHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self.rows: dict[str, PluginRow] = {}
        self.setWindowTitle(_("Plugins"))
        intro = QLabel(_("Plugins add analyses (such as chords, tempo and key), effects for "
                         "playback and export, and files to add to an export. Your own "
                         "plugins go in your plugin folder; tick them here to use them."))
        intro.setWordWrap(True)
        holder = QWidget()
        self._list = QVBoxLayout(holder)
        for info in host.plugins():
            row = PluginRow(info)
            row.toggled.connect(self._toggled)
            self.rows[info.id] = row
            self._list.addWidget(row)
        if not self.rows:
            self._list.addWidget(QLabel(_("No plugins were found.")))
        self._list.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)
        scroll.setAccessibleName(_("Plugins"))
        self.folder_button = QPushButton(_("Open my plugin folder"))
        self.folder_button.setAccessibleName(_("Open my plugin folder"))
        self.folder_button.setToolTip(_("Show the folder for your own plugins in the file "
                                        "manager (it is made if it is not there yet): {folder}")
                                      .format(folder=user_plugins_folder()))
        self.folder_button.setAutoDefault(False)
        self.folder_button.clicked.connect(self.open_folder)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        translate(buttons)
        buttons.addButton(self.folder_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)
        line = self.fontMetrics().height()
        self.resize(line * 44, line * 42)

    def refresh(self) -> None:
        """Show each plugin's state as the host has it now (a plugin may have failed since)."""
        for info in self.host.plugins():
            if info.id in self.rows:
                self.rows[info.id].show_info(info)

    def open_folder(self) -> None:
        """Make the user's plugin folder if need be and show it in the file manager."""
        folder = user_plugins_folder()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            self.folder_button.setToolTip(_("The folder {folder} could not be made: {error}")
                                          .format(folder=folder, error=error.strerror or error))
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def _toggled(self, plugin_id: str, on: bool) -> None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # a plugin may load a while
        try:
            info = self.host.enable(plugin_id) if on else self.host.disable(plugin_id)
        finally:
            QApplication.restoreOverrideCursor()
        self.rows[plugin_id].show_info(info)
        self.plugins_changed.emit()

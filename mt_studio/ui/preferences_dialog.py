"""Preferences: the language of the window (more to come)."""

from __future__ import annotations

from PyQt6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QWidget

from mt_studio import i18n
from mt_studio.core import preferences
from mt_studio.i18n import _
from mt_studio.ui.common.dialog_buttons import ok_cancel


class PreferencesDialog(QDialog):
    """Choose the language: as the system says, English or Norwegian bokmål."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Preferences"))
        self.saved = preferences.load()
        self.language = QComboBox()
        self.language.setAccessibleName(_("Language"))
        self.language.addItem(_("As the system is set"), "")
        for code, name in i18n.LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(self.saved.language)))
        form = QFormLayout(self)
        form.addRow(_("&Language:"), self.language)
        buttons: QDialogButtonBox = ok_cancel(self)
        form.addRow(buttons)

    def chosen(self) -> preferences.Preferences:
        """The preferences as the dialog shows them."""
        return self.saved._replace(language=self.language.currentData())

    def apply(self) -> bool:
        """Save the choice and switch language; True if the language changed."""
        chosen = self.chosen()
        preferences.save(chosen)
        if chosen.language == self.saved.language:
            return False
        i18n.use_language(chosen.language or None)
        return True

    @classmethod
    def edit(cls, parent: QWidget | None = None) -> bool:
        """Show the dialog; True if the language changed (the window then rebuilds itself)."""
        dialog = cls(parent)
        return bool(dialog.exec()) and dialog.apply()

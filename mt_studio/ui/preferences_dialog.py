"""Preferences: the language of the window, and how soon it locks by itself."""

from __future__ import annotations

from PyQt6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QSpinBox,
    QWidget,
)

from mt_studio import i18n
from mt_studio.core import preferences
from mt_studio.i18n import _
from mt_studio.ui.common.dialog_buttons import ok_cancel


class PreferencesDialog(QDialog):
    """Choose the language (as the system says, English or Norwegian bokmål), and the minutes
    untouched after which the window locks."""

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
        self.lock_minutes = QSpinBox()
        self.lock_minutes.setRange(0, 240)
        self.lock_minutes.setSuffix(_(" min"))
        self.lock_minutes.setSpecialValueText(_("never"))
        self.lock_minutes.setValue(self.saved.lock_minutes)
        self.lock_minutes.setAccessibleName(_("Lock after minutes untouched"))
        self.lock_minutes.setToolTip(_("With accounts, the window locks when nobody has "
                                       "touched it for this long (a recording goes on)."))
        form = QFormLayout(self)
        form.addRow(_("&Language:"), self.language)
        form.addRow(_("Lock &after:"), self.lock_minutes)
        buttons: QDialogButtonBox = ok_cancel(self)
        form.addRow(buttons)

    def chosen(self) -> preferences.Preferences:
        """The preferences as the dialog shows them."""
        return self.saved._replace(language=self.language.currentData(),
                                   lock_minutes=self.lock_minutes.value())

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

"""One row of the Inputs tab per input, and the button that chooses who plays into it."""

from __future__ import annotations

from collections.abc import Sequence

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import QCheckBox, QLineEdit, QMenu, QPushButton, QWidget

from mt_studio.core.domain import Participant
from mt_studio.i18n import _
from mt_studio.ui.common.meter_widget import MeterWidget


class ParticipantPicker(QPushButton):
    """A button with a checkable menu of the present participants; shows who is chosen.

    A push button, not a tool button: its size makes room for the menu's arrow, which a
    tool button's draws over the names.
    """

    changed = pyqtSignal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMenu(QMenu(self))
        self._people: list[Participant] = []
        self._update_text()

    def set_people(self, people: Sequence[Participant], chosen: Sequence[int] = ()) -> None:
        """Offer PEOPLE, with CHOSEN (ids) ticked."""
        menu = self.menu()
        menu.clear()
        self._people = list(people)
        for person in people:
            action = menu.addAction(person.pseudonym)
            action.setCheckable(True)
            action.setChecked(person.id in chosen)
            action.setData(person.id)
            action.toggled.connect(self._toggled)
        self._update_text()

    def chosen(self) -> tuple[int, ...]:
        """The ids ticked."""
        return tuple(a.data() for a in self.menu().actions() if a.isChecked())

    def set_chosen(self, ids: Sequence[int]) -> None:
        """Tick exactly IDS."""
        for action in self.menu().actions():
            action.blockSignals(True)
            action.setChecked(action.data() in ids)
            action.blockSignals(False)
        self._toggled()

    def _toggled(self, *_args: object) -> None:
        self._update_text()
        self.changed.emit()

    def _update_text(self) -> None:
        names = [a.text() for a in self.menu().actions() if a.isChecked()]
        self.setText(", ".join(names) if names else _("Everyone in the room"))


class InputRow:
    """The widgets of one input: arm, label, who plays, only them, and its level."""

    def __init__(self, number: int, parent: QWidget) -> None:
        self.number = number
        self.arm = QCheckBox(_("Input {n}").format(n=number), parent)
        self.arm.setAccessibleName(_("Record input {n}").format(n=number))
        self.arm.setToolTip(_("Tick to record this input."))
        self.label = QLineEdit(parent)
        self.label.setAccessibleName(_("Instrument on input {n}").format(n=number))
        self.label.setPlaceholderText(_("Instrument or voice"))
        self.who = ParticipantPicker(parent)
        self.who.setAccessibleName(_("Who plays into input {n}").format(n=number))
        self.who.setToolTip(_("Who plays or sings into this input. Leave it as everyone for a "
                              "microphone that hears the whole room."))
        self.isolated = QCheckBox(_("Only them"), parent)
        self.isolated.setAccessibleName(_("Input {n} hears only its player").format(n=number))
        self.isolated.setToolTip(_("Tick for a direct line (bass DI, keyboard out) that hears "
                                   "only the person chosen, not the room."))
        self.level = MeterWidget(parent)
        self.level.set_labels([""])
        self.level.setAccessibleName(_("Level of input {n}").format(n=number))

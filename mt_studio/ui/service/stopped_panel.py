"""The Service view's "may have stopped" tab: the list, its actions on the studio, a
participant's page, and (for an admin) when someone counts as having perhaps stopped."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QDialog, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from mt_studio.core.errors import MtStudioError
from mt_studio.core.studio.courses import MAX_WEEKS
from mt_studio.i18n import _
from mt_studio.ui.service.ending_dialog import EndingDialog
from mt_studio.ui.service.roles import is_admin
from mt_studio.ui.service.stopped_list import StoppedList

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from mt_studio.core.domain.groups import DropoutRules, MayHaveStopped
    from mt_studio.core.studio import Studio


class StoppedPanel(QWidget):
    """The list of STUDIO's people who may have stopped coming, with its actions, in VIEW
    (dialogs open over it): today is read from CLOCK, the studio's refusals go to TELL, and
    REFRESH makes the view's figures again. `ending` is the ending dialog open."""

    def __init__(self, studio: Studio, view: QWidget, clock: Callable[[], datetime],
                 tell: Callable[[str], None], refresh: Callable[[], None]) -> None:
        super().__init__()
        self.studio = studio
        self.view = view
        self.clock = clock
        self.tell = tell
        self.refresh = refresh
        self.ending: EndingDialog | None = None
        self.page: QDialog | None = None
        self.list = StoppedList()
        self.list.end_asked.connect(self.ask_ending)
        self.list.still_with_us_asked.connect(self.still_with_us)
        self.list.page_asked.connect(self.open_page)
        self.missed = QSpinBox()
        self.missed.setRange(1, 52)
        self.missed.setAccessibleName(_("Sessions of a group missed in a row"))
        self.weeks = QSpinBox()
        self.weeks.setRange(1, MAX_WEEKS)
        self.weeks.setSuffix(_(" weeks"))
        self.weeks.setAccessibleName(_("Weeks without an individual session"))
        self.save_rules = QPushButton(_("Save these"))
        self.save_rules.clicked.connect(self.change_rules)
        row = self.list.rules_row
        for widget in (QLabel(_("Flag someone who missed")), self.missed,
                       QLabel(_("sessions of their group in a row, or had no individual "
                                "session for")), self.weeks, self.save_rules):
            row.addWidget(widget)
            widget.setVisible(is_admin(studio))  # a therapist's view has no preferences
        row.addStretch()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)

    def show_flags(self, flags: list[MayHaveStopped], rules: DropoutRules) -> None:
        """List FLAGS, told with RULES, and show RULES for the admin to change."""
        self.list.show_flags(flags, rules)
        self.missed.setValue(rules.missed_in_a_row)
        self.weeks.setValue(rules.individual_weeks)

    def ask_ending(self, participant_id: int, pseudonym: str) -> EndingDialog:
        """Open the dialog that records PARTICIPANT_ID's ending (window-modal)."""
        dialog = EndingDialog(self.studio, participant_id, pseudonym, self.clock(),
                              self.view)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: setattr(self, "ending", None))
        self.ending = dialog
        dialog.open()
        return dialog

    def still_with_us(self, participant_id: int) -> None:
        """Write that PARTICIPANT_ID goes on; the list redraws on the studio's event."""
        try:
            self.studio.courses.still_with_us(participant_id, now=self.clock())
        except MtStudioError as error:
            self.tell(str(error))

    def open_page(self, participant_id: int) -> QDialog | None:
        """Show PARTICIPANT_ID's page (window-modal); the dialog."""
        from mt_studio.ui.service.participant_page import ParticipantPageDialog

        try:
            page = self.studio.reports.participant_page(participant_id, now=self.clock())
            reasons, rules = self.studio.courses.reasons(), self.studio.courses.rules()
        except MtStudioError as error:
            self.tell(str(error))
            return None
        dialog = ParticipantPageDialog(page, reasons, rules, self.view)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: setattr(self, "page", None))
        self.page = dialog
        dialog.open()
        return dialog

    def choose_page(self) -> QDialog:
        """Ask whose page to show, by pseudonym, then show it; the chooser."""
        from mt_studio.ui.service.participant_page import ParticipantChooser

        chooser = ParticipantChooser(self.studio, self.view)
        chooser.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        chooser.accepted.connect(lambda: chooser.chosen() is not None
                                 and self.open_page(chooser.chosen()))
        chooser.open()
        return chooser

    def change_rules(self) -> None:
        """Make the numbers shown the service's preferences (an admin's)."""
        try:
            self.studio.courses.set_rules(self.missed.value(), self.weeks.value())
        except MtStudioError as error:
            self.tell(str(error))
            return
        self.refresh()

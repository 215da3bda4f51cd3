"""The takes due for deletion because consent to keep them ended: who and why, the day each
goes, a written reason to keep one longer, and (for an admin) the service's rules. The studio
checks every rule; this only asks and shows."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mt_studio.core.errors import MtStudioError
from mt_studio.core.studio.retention import MAX_DAYS, DueList, DueTake, why_text
from mt_studio.i18n import _
from mt_studio.ui.common.dates import day_text
from mt_studio.ui.common.dialog_buttons import translate

if TYPE_CHECKING:
    from mt_studio.core.studio import Studio


def take_title(take: DueTake) -> str:
    """A due take as a therapist knows it: its session, the day, and its name or number."""
    kept = take.take
    what = kept.name or _("take {number}").format(number=kept.number)
    return f"{kept.session_title}, {day_text(kept.session_day)} — {what}"


def goes_text(take: DueTake, today: date) -> str:
    """When a due take goes (seen on TODAY), or what holds it."""
    if take.hold is not None:
        return _("Kept until {day}").format(day=day_text(take.hold.until))
    if take.goes(today):
        return _("Deleted at the next start")
    return _("Deleted on {day}").format(day=day_text(take.delete_on))


class DueDialog(QDialog):
    """STUDIO's takes due for deletion, and keeping one longer for a reason."""

    def __init__(self, studio: Studio, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.studio = studio
        self.due: DueList | None = None
        self.setWindowTitle(_("Takes due for deletion"))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.rows = QTreeWidget()
        self.rows.setRootIsDecorated(False)
        self.rows.setIndentation(0)  # a take's further reasons are its children, one a line
        self.rows.setItemsExpandable(False)
        self.rows.setAccessibleName(_("Takes due for deletion"))
        self.rows.setHeaderLabels([_("Take"), _("Who and why"), _("When")])
        self.rows.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.rows.header().resizeSection(0, 320)
        self.rows.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.rows.header().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.rows.header().setStretchLastSection(False)
        self.rows.itemSelectionChanged.connect(self._selection_changed)
        self.keep_button = QPushButton(_("&Keep longer…"))
        self.keep_button.setToolTip(_("Keep the chosen take 30 more days, for a written reason "
                                      "(kept in the audit log)"))
        self.keep_button.clicked.connect(self.keep_longer)
        self.grace = QSpinBox()
        self.grace.setRange(0, MAX_DAYS)
        self.grace.setSuffix(_(" days"))
        self.grace.setAccessibleName(_("Grace days"))
        self.max_age = QSpinBox()
        self.max_age.setRange(0, MAX_DAYS)
        self.max_age.setSpecialValueText(_("no limit"))
        self.max_age.setSuffix(_(" days"))
        self.max_age.setAccessibleName(_("Maximum age"))
        self.save_rules = QPushButton(_("&Save rules"))
        self.save_rules.clicked.connect(self.change_rules)
        rules = QHBoxLayout()
        rules.addWidget(QLabel(_("A due take is deleted after:")))
        rules.addWidget(self.grace)
        rules.addSpacing(16)
        rules.addWidget(QLabel(_("Any take older than:")))
        rules.addWidget(self.max_age)
        rules.addWidget(self.save_rules)
        rules.addStretch()
        admin = studio.actor is not None and studio.actor.account.is_admin
        for widget in (self.grace, self.max_age, self.save_rules):
            widget.setEnabled(admin or not studio.protected)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        translate(buttons)
        buttons.addButton(self.keep_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.rows, 1)
        layout.addLayout(rules)
        layout.addWidget(buttons)
        self.resize(980, 520)
        self.refresh()

    def refresh(self) -> None:
        """Read the due takes and the rules again."""
        self.due = due = self.studio.retention.due()
        self.grace.setValue(due.rules.grace_days)
        self.max_age.setValue(due.rules.max_age_days)
        if due.takes:
            self.summary.setText(_(
                "These takes hold someone who has not given, or no longer gives, consent to "
                "keep them (or, for a take from a library for the day, to be recorded). Each "
                "is deleted {days} days after that, with everything made from it. Keep one "
                "longer only with a written reason: you will be asked again after 30 days."
            ).format(days=due.rules.grace_days))
        else:
            self.summary.setText(_("No take is due for deletion: everyone heard on every take "
                                   "has given consent to keep it."))
        self.rows.clear()
        for take in due.takes:
            first, *more = [why_text(w, due.names, day_text) for w in take.why]
            if take.hold is not None:
                more.append(_("Kept longer: “{reason}”").format(reason=take.hold.reason)
                            if take.hold.by is None else
                            _("Kept longer by {name}: “{reason}”").format(
                                name=take.hold.by, reason=take.hold.reason))
            item = QTreeWidgetItem([take_title(take), first, goes_text(take, due.today)])
            item.setData(0, Qt.ItemDataRole.UserRole, take.take.take_id)
            for why in more:
                child = QTreeWidgetItem(["", why, ""])
                child.setFlags(Qt.ItemFlag.ItemIsEnabled)  # choosing a take is its first line
                item.addChild(child)
            self.rows.addTopLevelItem(item)
            item.setExpanded(True)
        self._selection_changed()

    def chosen(self) -> int | None:
        """The id of the take chosen in the list, if any."""
        item = self.rows.currentItem()
        return None if item is None else item.data(0, Qt.ItemDataRole.UserRole)

    def keep_longer(self, reason: str | None = None) -> bool:
        """Ask why the chosen take must be kept longer (REASON: already given) and keep it;
        whether it was kept."""
        take_id = self.chosen()
        if take_id is None:
            return False
        if reason is None:
            reason, given = QInputDialog.getText(
                self, _("Keep longer"), _("Why must this take be kept 30 more days? The reason "
                                          "is kept in the audit log."),
                QLineEdit.EchoMode.Normal)
            if not given:
                return False
        try:
            self.studio.retention.keep_longer(take_id, reason)
        except MtStudioError as error:
            self.summary.setText(str(error))
            return False
        self.refresh()
        return True

    def change_rules(self) -> None:
        """Keep the grace days and maximum age shown as the service's rules."""
        try:
            self.studio.retention.set_rules(self.grace.value(), self.max_age.value())
        except MtStudioError as error:
            self.summary.setText(str(error))
            return
        self.refresh()

    def _selection_changed(self) -> None:
        self.keep_button.setEnabled(self.chosen() is not None)

"""The audit log in the window, for an admin: who did and saw what, filtered by participant,
by account and from a day on (reading it is audited too)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mt_studio.i18n import _
from mt_studio.ui.common.dates import day_edit, moment_text

if TYPE_CHECKING:
    from mt_studio.core.domain.records import AuditEntry
    from mt_studio.core.studio import Studio


class AuditDialog(QDialog):
    """The audit log of STUDIO (an admin signed in), newest first."""

    def __init__(self, studio: Studio, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.studio = studio
        self.setWindowTitle(_("Audit log"))
        self.names = studio.audit.actors()
        self.pseudonyms = studio.consent.pseudonyms()
        self.participant = QComboBox()
        self.participant.setAccessibleName(_("About participant"))
        self.participant.addItem(_("Everyone"), None)
        for person_id, pseudonym in sorted(self.pseudonyms.items(), key=lambda p: p[1]):
            self.participant.addItem(pseudonym, person_id)
        self.actor = QComboBox()
        self.actor.setAccessibleName(_("Done by"))
        self.actor.addItem(_("Anyone"), None)
        for name in sorted(self.names.values()):
            self.actor.addItem(name, name)
        self.use_since = QCheckBox(_("From"))
        self.since = day_edit(name=_("From the day"))
        self.since.setDate(self.since.date().addMonths(-1))
        self.rows = QTreeWidget()
        self.rows.setRootIsDecorated(False)
        self.rows.setAccessibleName(_("Audit log rows"))
        self.rows.setHeaderLabels([_("When"), _("Who"), _("What"), _("About")])
        self.rows.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        filters = QHBoxLayout()
        for widget in (self.participant, self.actor, self.use_since, self.since):
            filters.addWidget(widget)
        filters.addStretch()
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.rows, 1)
        for changed in (self.participant.currentIndexChanged, self.actor.currentIndexChanged,
                        self.use_since.toggled, self.since.dateChanged):
            changed.connect(lambda *_args: self.refresh())
        self.resize(900, 560)
        self.refresh()

    def refresh(self) -> None:
        """Read the rows again as the filters say."""
        since = None
        if self.use_since.isChecked():
            day = self.since.date()
            since = datetime(day.year(), day.month(), day.day()).astimezone()
        found = self.studio.audit.entries(self.participant.currentData(),
                                          self.actor.currentData(), since)
        self.rows.clear()
        self.rows.addTopLevelItems([QTreeWidgetItem(self.row_texts(row))
                                    for row in reversed(found)])

    def row_texts(self, row: AuditEntry) -> list[str]:
        """A row as shown: when, who (and for whom, in participant mode), what, about what."""
        who = self.names.get(row.actor_id, "") if row.actor_id is not None else ""
        if row.for_participant is not None:
            who = _("{participant} (My songs, started by {name})").format(
                participant=self.pseudonyms.get(row.for_participant, "?"), name=who or "?")
        return [moment_text(row.at), who, row.action, row.subject]

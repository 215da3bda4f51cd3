"""A participant's page for their therapist: the sessions they were expected at and how they
answered, their groups, songs and takes, their consent history and their course; and a
chooser that finds someone by pseudonym."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mt_studio.i18n import _, ngettext
from mt_studio.ui.common.dates import day_text, moment_text
from mt_studio.ui.common.dialog_buttons import ok_cancel, translate
from mt_studio.ui.common.list_rows import ID_ROLE, items
from mt_studio.ui.service.figures_panel import scaled_font
from mt_studio.ui.service.words import answer_text, consent_text, course_text, why_stopped

if TYPE_CHECKING:
    from mt_studio.core.domain.participant_page import ParticipantPage
    from mt_studio.core.presets.model import EndingReasons
    from mt_studio.core.studio import Studio


class ParticipantPageDialog(QDialog):
    """PAGE shown by tabs; REASONS give ending reasons their words, RULES the flag's numbers."""

    def __init__(self, page: ParticipantPage, reasons: EndingReasons, rules,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.page = page
        who = page.participant.pseudonym
        self.setWindowTitle(_("{who}'s page").format(who=who))
        title = QLabel(who)
        title.setFont(scaled_font(self, 1.8, bold=True))
        self.summary = QLabel(self._summary(reasons, rules))
        self.summary.setWordWrap(True)
        self.summary.setFont(scaled_font(self, 1.15))
        self.tabs = QTabWidget()
        self.tabs.setFont(scaled_font(self, 1.1))
        self.sessions = self._tab(ngettext("{n} session", "{n} sessions", len(page.sessions))
                                  .format(n=len(page.sessions)),
                                  [_("Day"), _("Session"), _("Group"), _("Answer")],
                                  [(day_text(s.day), s.title, s.group_name or _("individual"),
                                    answer_text(s.answer)) for s in page.sessions])
        self.groups = self._tab(_("Groups"), [_("Group"), _("Joined"), _("Left")],
                                [(name, day_text(m.joined),
                                  day_text(m.left) if m.left else _("still a member"))
                                 for name, m in page.groups])
        self.songs = self._tab(_("Songs and takes"), [_("Song or take"), _("Day")],
                               [(title, "") for _song_id, title in page.songs]
                               + [(t.name or _("Take {number}").format(number=t.number),
                                   day_text(t.day)) for t in page.takes])
        self.consent = self._tab(_("Consent"), [_("When"), _("What")],
                                 [(moment_text(e.at), consent_text(e)) for e in page.consent])
        self.course = self._tab(_("Course"), [_("Day"), _("What"), _("Note")],
                                [(day_text(e.on), course_text(e, reasons), e.note)
                                 for e in page.course])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        translate(buttons)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.resize(900, 600)

    def _summary(self, reasons: EndingReasons, rules) -> str:
        page = self.page
        lines = [ngettext("Came to {came} of the {n} session they were expected at.",
                          "Came to {came} of the {n} sessions they were expected at.",
                          len(page.sessions)).format(came=page.came, n=len(page.sessions))]
        if page.course:
            last = max(page.course, key=lambda e: (e.on, e.id))
            lines.append(_("Course: {what} ({day}).").format(what=course_text(last, reasons),
                                                             day=day_text(last.on)))
        if page.may_have_stopped is not None:
            lines.append(_("May have stopped coming: {why}; last came {day}.").format(
                why=why_stopped(page.may_have_stopped, rules),
                day=day_text(page.may_have_stopped.last_came)))
        return "\n".join(lines)

    def _tab(self, title: str, headings: list[str], rows: list[tuple[str, ...]]) -> QTreeWidget:
        tree = QTreeWidget()
        tree.setRootIsDecorated(False)
        tree.setHeaderLabels(headings)
        tree.setAccessibleName(title)
        tree.setWordWrap(True)
        tree.setFont(scaled_font(self, 1.2))
        tree.header().setFont(scaled_font(self, 1.05, bold=True))
        tree.setStyleSheet("QTreeView::item { padding: 3px 18px 3px 0px; }")
        for row in rows:
            tree.addTopLevelItem(QTreeWidgetItem(list(row)))
        if not rows:
            nothing = QTreeWidgetItem([_("Nothing yet")])
            nothing.setFlags(Qt.ItemFlag.NoItemFlags)
            tree.addTopLevelItem(nothing)
        header = tree.header()
        for column in range(len(headings) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.tabs.addTab(tree, title)
        return tree


def tree_rows(tree: QTreeWidget) -> list[list[str]]:
    """Every row of TREE as its columns' text (for the tests and the screenshots)."""
    return [[tree.topLevelItem(n).text(c) for c in range(tree.columnCount())]
            for n in range(tree.topLevelItemCount())]


class ParticipantChooser(QDialog):
    """Choose a participant by pseudonym, found by typing part of it; `chosen()`."""

    def __init__(self, studio: Studio, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Participant's page"))
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Type part of a pseudonym"))
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(_("Find a participant"))
        self.people = QListWidget()
        self.people.setFont(scaled_font(self, 1.15))
        self.people.setAccessibleName(_("Participants"))
        for person in studio.consent.participants():
            item = QListWidgetItem(person.pseudonym)
            item.setData(ID_ROLE, person.id)
            self.people.addItem(item)
        self.search.textChanged.connect(self._filter)
        self.people.itemDoubleClicked.connect(lambda _item: self.accept())
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.people, 1)
        layout.addWidget(ok_cancel(self, _("Show their page")))
        self.resize(420, 480)

    def chosen(self) -> int | None:
        """The participant id chosen, if any (the only one left by the search counts)."""
        shown = [item for item in items(self.people) if not item.isHidden()]
        item = self.people.currentItem()
        if item is None or item.isHidden():
            item = shown[0] if len(shown) == 1 else None
        return None if item is None else item.data(ID_ROLE)

    def _filter(self, text: str) -> None:
        wanted = text.strip().casefold()
        for item in items(self.people):
            item.setHidden(wanted not in item.text().casefold())

"""The list of sessions, newest first: date, kind, title, people present and takes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mt_studio.core.errors import ServerUnreachable
from mt_studio.i18n import _, ngettext
from mt_studio.ui.common.dates import day_text

if TYPE_CHECKING:
    from mt_studio.core.domain import SessionKind
    from mt_studio.core.studio import Studio
    from mt_studio.ui.bridge import StudioBridge


def kind_label(kind: SessionKind) -> str:
    """The kind of session in words."""
    from mt_studio.core.domain import SessionKind

    return {
        SessionKind.BAND: _("Band"),
        SessionKind.CHOIR: _("Choir"),
        SessionKind.INDIVIDUAL: _("Individual"),
    }[kind]


_TITLE = 2
# Qt.ItemDataRole.TextAlignmentRole and Qt.AlignmentFlag.AlignRight | AlignVCenter by number:
# the first use of Qt's namespace builds all its enums (13 ms), which can wait until the
# sessions are listed.
_TEXT_ALIGNMENT_ROLE = 7
_RIGHT_ALIGNED = 0x0002 | 0x0080


class SessionItem(QTreeWidgetItem):
    """A row of the list, knowing its session."""

    def __init__(self, texts: list[str], session_id: int) -> None:
        super().__init__(texts)
        self.session_id = session_id


class SessionList(QWidget):
    """Sessions to choose from; choosing one (a click, the arrow keys, Enter) opens it.

    The chosen row is always the open session: `select` moves it without opening anything,
    and the window selects the open session again when it refuses to open another.

    Signals: `session_chosen(id)`, `new_session_requested()`, `edit_session_requested(id)`.
    """

    session_chosen = pyqtSignal(int)
    new_session_requested = pyqtSignal()
    edit_session_requested = pyqtSignal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.studio: Studio | None = None  # once its library is open
        self._quiet = False  # rows chosen by the program open nothing
        # The tree and its header take 10 ms to make: the window paints first without them
        # (nothing is listed before the library is open anyway), and `prepare` makes them.
        self._tree: QTreeWidget | None = None
        self._waiting = QWidget()
        self.new_button = QPushButton(_("New session…"))
        self.new_button.setAccessibleName(_("New session"))
        self.new_button.clicked.connect(self.new_session_requested)
        self.edit_button = QPushButton(_("Edit…"))
        self.edit_button.setAccessibleName(_("Edit session"))
        self.edit_button.setToolTip(_("Change the chosen session's title, date, notes or who "
                                      "was present."))
        self.edit_button.clicked.connect(self._edit_current)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.edit_button)
        buttons.addStretch()
        # Takes recorded here and not yet on the service's audio store: keep the laptop on.
        self.store_note = QLabel()
        self.store_note.setWordWrap(True)
        self.store_note.hide()
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addWidget(self._waiting, 1)
        self._layout.addWidget(self.store_note)
        self._layout.addLayout(buttons)
        self.attach(None, None)

    def prepare(self) -> None:
        """Make the list's tree now, if it is not made yet, and list (the window does so once
        it has painted, while the library opens)."""
        if self._tree is None:
            self._tree = self._make_tree()
            self._layout.replaceWidget(self._waiting, self._tree)
            self._waiting.deleteLater()
            self.refresh()

    @property
    def tree(self) -> QTreeWidget:
        """The tree the sessions are listed in (made on first use)."""
        self.prepare()
        return self._tree

    def _make_tree(self) -> QTreeWidget:
        tree = QTreeWidget()
        tree.setRootIsDecorated(False)
        tree.setUniformRowHeights(True)
        tree.setAllColumnsShowFocus(True)
        tree.setAccessibleName(_("Sessions"))
        tree.setToolTip(_("Click a session to open it."))
        tree.setHeaderLabels([_("Date"), _("Kind"), _("Title"), _("Present"), _("Takes")])
        header = tree.header()
        header.setStretchLastSection(False)
        for column in range(tree.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(_TITLE, QHeaderView.ResizeMode.Stretch)
        tree.itemActivated.connect(self._activated)
        # The selection, not the current row: a click makes a row current before it selects
        # it, and the list's first focus makes a row current without choosing it.
        tree.itemSelectionChanged.connect(self._chosen)
        return tree

    def attach(self, studio: Studio | None, bridge: StudioBridge | None) -> None:
        """List STUDIO's sessions (None: no library is open yet, and the list waits), and
        list them again whenever BRIDGE says a session, who is in it or its takes changed."""
        if self.studio is None and bridge is not None:
            for changed in (bridge.session_changed, bridge.attendance_changed):
                changed.connect(lambda _session: self.refresh())
            bridge.take_changed.connect(lambda _take, _session: self.refresh())
        self.studio = studio
        self.new_button.setEnabled(studio is not None)
        if studio is not None and self._tree is None:
            self.prepare()  # and list them
        else:
            self.refresh()

    def refresh(self) -> None:
        """Read the sessions again, keeping the chosen one chosen (while a shared library's
        server is lost, the list stays as it was)."""
        if self.studio is None or self._tree is None:
            self._update_buttons()
            return
        try:
            found = self.studio.sessions.all()
        except ServerUnreachable:
            return  # the list stays as it was: the red band says why, and it is drawn again
        chosen = self.current_session()
        self._quiet = True
        self.tree.clear()
        for session in found:
            item = SessionItem([
                day_text(session.date),
                kind_label(session.kind),
                session.title,
                str(len(session.participants)),
                str(session.take_count),
            ], session.id)
            for column in (3, 4):
                item.setData(column, _TEXT_ALIGNMENT_ROLE, _RIGHT_ALIGNED)
            self.tree.addTopLevelItem(item)
        self.tree.setCurrentItem(None)
        self._quiet = False
        if chosen is not None:
            self.select(chosen)
        self._update_buttons()
        self._show_store_note()

    def _show_store_note(self) -> None:
        """Say which takes are not in the audio store yet (a service's library)."""
        import html  # not before the window has painted

        waiting = self.studio.recording.waiting_for_store()
        here = [take for take in waiting if take.here]
        elsewhere = [take for take in waiting if not take.here]
        words = []
        if here:
            words.append("<b>" + html.escape(ngettext(
                "{n} take recorded here is not in the audio store yet: keep this computer "
                "on and connected until it is copied.",
                "{n} takes recorded here are not in the audio store yet: keep this computer "
                "on and connected until they are copied.", len(here)).format(n=len(here)))
                + "</b>")
        if elsewhere:
            words.append(html.escape(ngettext(
                "{n} take is still being copied from {computers}.",
                "{n} takes are still being copied from {computers}.", len(elsewhere)).format(
                n=len(elsewhere), computers=", ".join(dict.fromkeys(
                    take.computer for take in elsewhere)))))
        self.store_note.setText("<br>".join(words))
        self.store_note.setToolTip("\n".join(
            _("Take {number} of session {session}: {problem}").format(
                number=t.number, session=t.session_id, problem=t.problem)
            for t in here if t.problem))
        self.store_note.setVisible(bool(words))

    def has_sessions(self) -> bool:
        """True when the library holds at least one session."""
        return self._tree is not None and self._tree.topLevelItemCount() > 0

    def select(self, session_id: int) -> None:
        """Make SESSION_ID the chosen row (without opening it)."""
        for index in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(index)
            if item.session_id == session_id:
                self._quiet = True
                try:
                    self.tree.setCurrentItem(item)
                finally:
                    self._quiet = False
                self.tree.scrollToItem(item)
                self._update_buttons()
                return

    def current_session(self) -> int | None:
        """The id of the chosen row, if any."""
        if self._tree is None:
            return None
        chosen = self._tree.selectedItems()
        return chosen[0].session_id if chosen else None

    def row_texts(self) -> list[list[str]]:
        """The text of every row as shown, top to bottom."""
        return [[item.text(c) for c in range(self.tree.columnCount())]
                for item in (self.tree.topLevelItem(i)
                             for i in range(self.tree.topLevelItemCount()))]

    def _chosen(self) -> None:
        self._update_buttons()
        session_id = self.current_session()
        if session_id is not None and not self._quiet:
            self.session_chosen.emit(session_id)

    def _activated(self, item: SessionItem, _column: int) -> None:
        self.session_chosen.emit(item.session_id)

    def _edit_current(self) -> None:
        session_id = self.current_session()
        if session_id is not None:
            self.edit_session_requested.emit(session_id)

    def _update_buttons(self, *_changed: object) -> None:
        self.edit_button.setEnabled(self.current_session() is not None)

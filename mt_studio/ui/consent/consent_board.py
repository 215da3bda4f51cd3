"""Check-in and consent: who is present, a chip per purpose for each, grant and withdraw.

Granting and withdrawing are one small dialog each, with the same weight; after any change the
chips are read again from the ledger at once and `consent_changed` is emitted. A change made
elsewhere (the export dialog, another window, a worker) is heard from the studio and redrawn
too. A combination worth asking about (group sharing withdrawn, community sharing still
granted) is noted above the chips. Real names are shown here only, pseudonym first, and only
for people present.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from mt_studio.core.consent_board import BoardRow, ChipState
from mt_studio.core.domain import Participant, Purpose
from mt_studio.core.domain.withdrawal import WithdrawalReport
from mt_studio.core.errors import InputError
from mt_studio.core.text import printable, shown
from mt_studio.i18n import _, ngettext
from mt_studio.ui.common.dates import day_text, moment_text
from mt_studio.ui.common.redraw_soon import redraw_soon
from mt_studio.ui.consent.chips import (
    COLOURS,
    SYMBOLS,
    ConsentChip,
    chip_column_width,
    credit_label,
    purpose_label,
    state_label,
)
from mt_studio.ui.consent.consent_dialogs import (
    GrantDialog,
    GrantRequest,
    NewParticipantDialog,
    WithdrawDialog,
    WithdrawRequest,
    record_grant,
)
from mt_studio.ui.consent.restriction_words import question_text

if TYPE_CHECKING:
    from mt_studio.core.studio import Studio
    from mt_studio.ui.bridge import StudioBridge

PERSON_COLUMN_CHARS = 22  # names and credit lines wrap beyond this


def person_label(participant: Participant) -> str:
    """Pseudonym first, then the real name in brackets when there is one."""
    if participant.real_name:
        return _("{pseudonym} ({real_name})").format(
            pseudonym=participant.pseudonym, real_name=participant.real_name)
    return participant.pseudonym


class ConsentBoard(QWidget):
    """The check-in and consent board of one session.

    `consent_changed` is emitted after every grant, withdrawal, check-in and check-out made
    here: each changes who may be recorded. Those made elsewhere are heard from BRIDGE.
    """

    consent_changed = pyqtSignal()

    def __init__(self, studio: Studio, bridge: StudioBridge | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.studio = studio
        self.bridge = bridge  # the studio's events as signals (None: a panel alone, in tests)
        self.session_id: int | None = None
        self.rows: list[BoardRow] = []
        self._everyone: dict[int, Participant] = {}
        self.chips: dict[tuple[int, Purpose], ConsentChip] = {}
        self.last_report: WithdrawalReport | None = None
        self._witness: str | None = None
        self._form_version: str | None = None
        self._focus_after_refresh: tuple[int, Purpose] | None = None
        self._row_widgets: list[QWidget] = []
        self._chip_widths: dict[Purpose, int] = {}
        # Changes heard from the studio are drawn once the event loop comes round: one redraw
        # for several (a participant added and checked in), none when this board made them.
        self._redraw_soon = redraw_soon(self, lambda: self.studio, self.refresh)
        self._build()
        self._show_enabled(False)
        if bridge is not None:
            bridge.consent_changed.connect(self._consent_changed)
            bridge.attendance_changed.connect(self._attendance_changed)
            bridge.participant_added.connect(self._participant_added)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.heading)
        self.answers = QLabel()  # of a group's session: who sent word, who did not come
        self.answers.setWordWrap(True)
        self.answers.setTextFormat(Qt.TextFormat.PlainText)
        self.answers.setAccessibleName(_("Who was expected and did not come"))
        layout.addWidget(self.answers)

        check_in = QHBoxLayout()
        self.absent = QComboBox()
        self.absent.setAccessibleName(_("Participant to check in"))
        self.absent.setToolTip(_("Someone already known who has arrived."))
        self.check_in_button = QPushButton(_("Check in"))
        self.check_in_button.setAccessibleName(_("Check in"))
        self.check_in_button.setToolTip(_("Mark the chosen participant as present."))
        self.check_in_button.clicked.connect(self._check_in_chosen)
        self.new_button = QPushButton(_("New participant…"))
        self.new_button.setAccessibleName(_("New participant"))
        self.new_button.setToolTip(_("Add someone who is here for the first time."))
        self.new_button.clicked.connect(lambda: self.open_new_participant_dialog())
        label = QLabel(_("Arrived:"))
        label.setBuddy(self.absent)
        check_in.addWidget(label)
        check_in.addWidget(self.absent, 1)
        check_in.addWidget(self.check_in_button)
        check_in.addWidget(self.new_button)
        layout.addLayout(check_in)

        self.legend = QLabel("   ".join(f"{SYMBOLS[s]} {state_label(s)}" for s in ChipState))
        self.legend.setAccessibleName(_("What the symbols mean"))
        layout.addWidget(self.legend)

        self.questions = QLabel()
        self.questions.setWordWrap(True)
        self.questions.setTextFormat(Qt.TextFormat.PlainText)
        self.questions.setAccessibleName(_("Consent worth asking about"))
        background, text = COLOURS[ChipState.EXPIRES_SOON]
        self.questions.setStyleSheet(f"QLabel {{ background: {background}; color: {text};"
                                     f" padding: 0.4em; }}")
        self.questions.hide()
        layout.addWidget(self.questions)

        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                            | Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.notice.setAccessibleName(_("Notice"))
        self.notice.setFrameShape(QFrame.Shape.StyledPanel)
        self.notice.setStyleSheet("padding: 0.5em;")
        self.notice.hide()
        layout.addWidget(self.notice)

        self.empty = QLabel()
        self.empty.setWordWrap(True)
        layout.addWidget(self.empty)
        grid_holder = QWidget()
        self.grid = QGridLayout(grid_holder)
        self.grid.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(grid_holder)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        layout.addWidget(scroll, 1)

    # -- public -----------------------------------------------------------------------------

    def show_session(self, session_id: int) -> None:
        """Show SESSION_ID's participants present and their consent."""
        self.session_id = session_id
        self.notice.hide()
        self.last_report = None
        self.refresh()

    def refresh(self) -> None:
        """Read attendance and the ledger again and redraw the chips."""
        self._redraw_soon.stop()
        if self.session_id is None:
            self._show_enabled(False)
            self.heading.setText(_("No session open"))
            self.answers.hide()
            self.empty.setText(_("Open a session to check people in."))
            return
        session = self.studio.sessions.get(self.session_id)
        self._witness = self._witness or session.therapist
        self.heading.setText(_("Who is here: {title}").format(title=session.title))
        told = ""
        if session.group_id:  # loaded for a group's session: the window lists sessions sooner
            from mt_studio.ui.groups.answers_panel import answers_text

            told = answers_text(self.studio.groups.expected(session.id))
        self.answers.setText(told)
        self.answers.setVisible(bool(told))
        self.rows = self.studio.consent.board(self.session_id)
        present = {row.participant.id for row in self.rows}
        self._everyone = {p.id: p for p in self.studio.consent.participants(real_names=True)}
        chosen = self.absent.currentData()
        self.absent.clear()
        for participant in self._everyone.values():
            if participant.id not in present:
                self.absent.addItem(participant.pseudonym, participant.id)
        self.absent.setCurrentIndex(max(0, self.absent.findData(chosen)))
        self._show_enabled(True)
        self.check_in_button.setEnabled(self.absent.count() > 0)
        self.absent.setEnabled(self.absent.count() > 0)
        self.empty.setText(_("Nobody is checked in yet. Choose who has arrived above.")
                           if not self.rows else "")
        self.empty.setVisible(not self.rows)
        names = {row.participant.id: row.participant.pseudonym for row in self.rows}
        asked = [question_text(q, names) for row in self.rows for q in row.questions]
        self.questions.setText("\n".join(asked))
        self.questions.setVisible(bool(asked))
        self._draw_rows()

    def chip(self, participant_id: int, purpose: Purpose) -> ConsentChip:
        """The chip shown for one participant and purpose."""
        return self.chips[(participant_id, purpose)]

    def row(self, participant_id: int) -> BoardRow:
        """The board row of a participant present."""
        return next(r for r in self.rows if r.participant.id == participant_id)

    def open_grant_dialog(self, participant_id: int,
                          purpose: Purpose | None = None) -> GrantDialog:
        """Open (without blocking) the dialog that grants consent, PURPOSE ticked."""
        row = self.row(participant_id)
        dialog = GrantDialog(
            row.participant, purpose, credit=row.credit, witness=self._witness,
            form_version=self._form_version,
            apply=lambda request: self.grant(participant_id, request), parent=self)
        self._focus_after_refresh = (participant_id, purpose or Purpose.RECORD)
        self._open(dialog)
        return dialog

    def open_withdraw_dialog(self, participant_id: int, purpose: Purpose) -> WithdrawDialog:
        """Open (without blocking) the dialog that withdraws consent, PURPOSE ticked."""
        row = self.row(participant_id)
        valid = [chip.purpose for chip in row.chips if chip.valid]
        dialog = WithdrawDialog(
            row.participant, purpose, valid,
            apply=lambda request: self.withdraw(participant_id, request), parent=self)
        self._focus_after_refresh = (participant_id, purpose)
        self._open(dialog)
        return dialog

    def open_new_participant_dialog(self) -> NewParticipantDialog:
        """Open (without blocking) the dialog that adds a participant and checks them in."""
        dialog = NewParticipantDialog(self.add_participant, parent=self)
        self._open(dialog)
        return dialog

    def grant(self, participant_id: int, request: GrantRequest) -> None:
        """Record a grant in the ledger, redraw, and tell the others."""
        participant = self._person(participant_id)
        record_grant(self.studio, participant, request)
        self._witness = request.witness or self._witness
        self._form_version = request.form_version or self._form_version
        self._changed(_("{who} gave consent to: {purposes}.").format(
            who=participant.pseudonym,
            purposes=", ".join(purpose_label(p) for p in request.purposes)))

    def withdraw(self, participant_id: int, request: WithdrawRequest) -> WithdrawalReport:
        """Record a withdrawal, redraw at once, tell the others, and show what it touched."""
        participant = self._person(participant_id)
        report = self.studio.consent.withdraw(participant_id, request.purposes,
                                              reason=request.reason)
        self.last_report = report
        self._changed(self._describe_withdrawal(participant, request.purposes, report))
        return report

    def check_in(self, participant_id: int) -> None:
        """Mark a known participant present in this session."""
        self.studio.sessions.check_in(self._session(), participant_id)
        self._changed(_("{who} is checked in.").format(
            who=self._person(participant_id).pseudonym))

    def check_out(self, participant_id: int) -> None:
        """Take a participant off this session's list; a refusal is shown as a notice."""
        participant = self.row(participant_id).participant
        try:
            self.studio.sessions.check_out(self._session(), participant_id)
        except InputError as error:
            self._say(str(error))
            return
        self._changed(_("{who} is checked out.").format(who=participant.pseudonym))

    def add_participant(self, pseudonym: str, real_name: str | None) -> None:
        """Add a new participant and check them in; InputError if the pseudonym is taken."""
        participant = self.studio.consent.add_participant(pseudonym, real_name,
                                                          check_in_to=self._session())
        self._changed(_("{who} is added and checked in.").format(who=participant.pseudonym))

    def notice_text(self) -> str:
        """The notice shown after the last change (empty when none)."""
        return "" if self.notice.isHidden() else self.notice.text()

    # -- drawing ----------------------------------------------------------------------------

    def _draw_rows(self) -> None:
        focused = QApplication.focusWidget()
        # The keys go back to the chip last worked on only if the rows had them (they are
        # deleted now): a redraw for a change made elsewhere takes nobody's keys.
        had_focus = focused is not None and any(
            widget is focused or widget.isAncestorOf(focused) for widget in self._row_widgets)
        for widget in self._row_widgets:
            self.grid.removeWidget(widget)
            widget.hide()  # at once: deletion waits for the event loop
            widget.deleteLater()
        self._row_widgets = []
        self.chips = {}
        for line, row in enumerate(self.rows):
            person = row.participant
            self._place(self._person_cell(row), line, 0)
            for column, chip in enumerate(row.chips, start=1):
                button = ConsentChip(chip, person.pseudonym)
                button.grant_requested.connect(
                    lambda purpose, pid=person.id: self.open_grant_dialog(pid, purpose))
                button.withdraw_requested.connect(
                    lambda purpose, pid=person.id: self.open_withdraw_dialog(pid, purpose))
                button.setFixedWidth(self._chip_width(chip.purpose))
                self.chips[(person.id, chip.purpose)] = button
                self._place(button, line, column)
            self._place(self._actions_cell(person), line, len(row.chips) + 1)
        self.grid.setColumnStretch(len(Purpose) + 2, 1)
        key = self._focus_after_refresh
        if had_focus and key in self.chips and not self.findChildren(QDialog):
            self.chips[key].setFocus()

    def _chip_width(self, purpose: Purpose) -> int:
        if purpose not in self._chip_widths:
            self._chip_widths[purpose] = chip_column_width(purpose)
        return self._chip_widths[purpose]

    def _person_cell(self, row: BoardRow) -> QWidget:
        cell = QWidget()
        # A long name wraps rather than pushing the chips out of sight.
        cell.setMaximumWidth(self.fontMetrics().averageCharWidth() * PERSON_COLUMN_CHARS)
        layout = QVBoxLayout(cell)
        layout.setContentsMargins(0, 0, 0, 0)
        name = QLabel(person_label(row.participant))
        name.setWordWrap(True)
        name.setTextFormat(Qt.TextFormat.PlainText)
        font = name.font()
        font.setBold(True)
        name.setFont(font)
        credit = QLabel(credit_label(row.credit))
        credit.setWordWrap(True)
        credit.setAccessibleName(_("Credit for {who}: {credit}").format(
            who=row.participant.pseudonym, credit=credit_label(row.credit)))
        layout.addWidget(name)
        layout.addWidget(credit)
        if row.ahead:  # written while the clock ran ahead: it counts, but someone should look
            flag = QLabel(_("\u26a0 Clock was ahead"))
            flag.setObjectName("stampedAhead")
            flag.setToolTip(ngettext(
                "A consent row is stamped {when}, in the future: the computer's clock was "
                "ahead when it was written. It counts from when it was written; check the "
                "clock.",
                "{count} consent rows are stamped in the future (the latest {when}): the "
                "computer's clock was ahead when they were written. They count from when they "
                "were written; check the clock.", len(row.ahead)).format(
                    count=len(row.ahead),
                    when=moment_text(max(e.at for e in row.ahead))))
            layout.addWidget(flag)
        return cell

    def _actions_cell(self, person: Participant) -> QWidget:
        cell = QWidget()
        layout = QVBoxLayout(cell)
        layout.setContentsMargins(0, 0, 0, 0)
        grant = QPushButton(_("Grant…"))
        grant.setAccessibleName(_("Give consent for {who}").format(who=person.pseudonym))
        grant.setToolTip(_("Record consent {who} gives, with witness and form version.")
                         .format(who=person.pseudonym))
        grant.clicked.connect(lambda _checked=False: self.open_grant_dialog(person.id))
        out = QPushButton(_("Check out"))
        out.setAccessibleName(_("Check out {who}").format(who=person.pseudonym))
        out.setToolTip(_("{who} is not here (any more).").format(who=person.pseudonym))
        out.clicked.connect(lambda _checked=False: self.check_out(person.id))
        layout.addWidget(grant)
        layout.addWidget(out)
        return cell

    def _place(self, widget: QWidget, line: int, column: int) -> None:
        self.grid.addWidget(widget, line, column)
        self._row_widgets.append(widget)

    def _show_enabled(self, enabled: bool) -> None:
        for widget in (self.absent, self.check_in_button, self.new_button):
            widget.setEnabled(enabled)

    # -- helpers ----------------------------------------------------------------------------

    def _open(self, dialog: QDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _result: self._restore_focus())
        dialog.open()

    def _restore_focus(self) -> None:
        button = self.chips.get(self._focus_after_refresh) if self._focus_after_refresh else None
        if button is not None:
            button.setFocus()

    def _person(self, participant_id: int) -> Participant:
        """The participant PARTICIPANT_ID (on the board, or added since it was drawn)."""
        if participant_id not in self._everyone:
            self._everyone = {p.id: p for p in self.studio.consent.participants(real_names=True)}
        return self._everyone[participant_id]

    def _session(self) -> int:
        if self.session_id is None:
            raise InputError(_("Open a session first."))
        return self.session_id

    def _check_in_chosen(self) -> None:
        participant_id = self.absent.currentData()
        if participant_id is not None:
            self.check_in(participant_id)

    def _changed(self, message: str) -> None:
        self.refresh()
        self._say(message)
        self.consent_changed.emit()

    # -- what the studio says changed ---------------------------------------------------------

    def _consent_changed(self, participant_id: int) -> None:
        if any(row.participant.id == participant_id for row in self.rows):
            self._redraw_soon.start()

    def _attendance_changed(self, session_id: int) -> None:
        if session_id == self.session_id:
            self._redraw_soon.start()

    def _participant_added(self, _participant_id: int) -> None:
        if self.session_id is not None:
            self._redraw_soon.start()  # someone more to check in

    def _say(self, message: str) -> None:
        self.notice.setText(message)
        self.notice.show()

    def _describe_withdrawal(self, participant: Participant, purposes: tuple[Purpose, ...],
                             report: WithdrawalReport) -> str:
        lines = [_("{who} withdrew consent to: {purposes}. This applies from now on.").format(
            who=participant.pseudonym, purposes=", ".join(purpose_label(p) for p in purposes))]
        takes = report.restricted_takes
        if takes:
            titles = {session_id: self.studio.sessions.get(session_id).title
                      for session_id in {t.session_id for t in takes}}
            lines.append(ngettext("{n} take is now restricted:", "{n} takes are now restricted:",
                                  len(takes)).format(n=len(takes)))
            lines.extend(_("  take {number} of “{title}”").format(
                number=t.number, title=titles[t.session_id]) for t in takes)
        exports = report.exports_to_recall
        if exports:
            lines.append(ngettext(
                "{n} earlier export carried them; you may want to ask for it back:",
                "{n} earlier exports carried them; you may want to ask for them back:",
                len(exports)).format(n=len(exports)))
            lines.extend(_("  {purpose} copy sent to {recipient} on {day}").format(
                purpose=purpose_label(e.purpose), recipient=shown(e.recipient),
                day=day_text(e.created_at.astimezone().date()))
                + (f" (“{printable(e.title)}”)" if e.title else "") for e in exports)
        sheets = report.lead_sheets
        if sheets:
            lines.append(ngettext(
                "{n} lead sheet with their words was printed or saved; you may want to ask "
                "the group to give it back:",
                "{n} lead sheets with their words were printed or saved; you may want to ask "
                "the group to give them back:", len(sheets)).format(n=len(sheets)))
            lines.extend((_("  printed on {day}") if s.how == "printed"
                          else _("  saved as PDF on {day}")).format(
                day=day_text(s.at.astimezone().date())) for s in sheets)
        if not takes and not exports and not sheets:
            lines.append(_("No takes or earlier exports were touched."))
        return "\n".join(lines)

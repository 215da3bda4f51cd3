"""The chosen take's consent in the Takes tab: a note saying who no longer consents to what,
the export menu with each purpose on or off and why, the lead sheet saying when it leaves the
words out, and the question Play asks before playing to the room a take that someone heard on
no longer shares with the group.

What a take may still be used for is the studio's (`studio.consent.restrictions`); this only
shows it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import TYPE_CHECKING

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import (
    QAbstractButton,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mt_studio.core.consent_board import ChipState
from mt_studio.core.domain.takes import Take
from mt_studio.core.take_restrictions import TakeRestrictions
from mt_studio.i18n import _
from mt_studio.ui.common.take_words import track_title
from mt_studio.ui.consent.chips import COLOURS
from mt_studio.ui.consent.restriction_words import (
    blocker_text,
    mark_text,
    no_longer_text,
    play_question_text,
    question_text,
    sharing_off_note,
    sharing_off_text,
    words_left_out_note,
    words_left_out_text,
)
from mt_studio.ui.export.export_preview import purpose_wording

if TYPE_CHECKING:
    from mt_studio.core.studio import Studio


class TakeConsent(QFrame):
    """The note on the take's restrictions (hidden when there are none): its first line says
    who no longer consents to what, and Details shows what is off and why (a laptop's screen
    keeps its room for the tracks). Also the export menu, and the question before playing.
    LEAD_SHEET is the Lead sheet… button, whose tip says when the words are left out. What
    each take may still be used for is read through STUDIO: the takes listed at once (`marks`),
    the take shown from among them.

    `export_requested(purpose)` when a purpose is chosen from `export_menu`.
    """

    export_requested = pyqtSignal(object)

    def __init__(self, studio: Studio, lead_sheet: QAbstractButton,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._studio = studio
        self._listed: dict[int, TakeRestrictions] = {}  # the takes listed, by id
        self.found: TakeRestrictions | None = None
        self.question: QMessageBox | None = None  # the question Play asks, while it is open
        self._names: Mapping[int, str] = {}
        self._lead_sheet = lead_sheet
        self._lead_sheet_tip = lead_sheet.toolTip()
        self._agreed: tuple | None = None  # (take id, restrictions) Play was allowed for
        self.summary, self.details = _note_label(), _note_label()
        self.details.hide()
        self.details_button = QToolButton()
        self.details_button.setText(_("Details"))
        self.details_button.setCheckable(True)
        self.details_button.setAccessibleName(_("Show what this take may no longer be used "
                                                "for, and why"))
        self.details_button.toggled.connect(self.details.setVisible)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.summary, 1)
        top.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.details)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(_("What this take may still be used for"))
        self.setObjectName("takeConsent")  # its colours are its own, not its question's
        self.hide()
        self.export_menu = QMenu(self)
        self.export_menu.setToolTipsVisible(True)
        self.export_menu.triggered.connect(self._export_chosen)

    def text(self) -> str:
        """The whole note: the summary line, then the details."""
        return "\n".join(filter(None, (self.summary.text(), self.details.text())))

    def marks(self, listed: Sequence[Take]) -> dict[int, str]:
        """Read again what each take LISTED may still be used for; by take id, why each that
        is restricted is (the line under it in the list)."""
        self._listed = self._studio.consent.restrictions(listed)
        names = self._studio.consent.pseudonyms()
        return {take_id: mark_text(found, names) for take_id, found in self._listed.items()}

    def show_take(self, take: Take | None) -> None:
        """Show what TAKE (None: no take) may still be used for, and why not."""
        found = None
        if take is not None:
            found = self._listed.get(take.id) or \
                self._studio.consent.restrictions([take])[take.id]
        names = self._studio.consent.pseudonyms()
        titles = {t.id: track_title(t) for t in take.tracks} if take else {}
        self._show(found, names, titles)

    def _show(self, found: TakeRestrictions | None, names: Mapping[int, str],
              titles: Mapping[int, str]) -> None:
        """Show FOUND, the chosen take's restrictions (None: no take), naming people by NAMES
        and tracks by TITLES (by track id)."""
        if found is None or self.found is None or found.take_id != self.found.take_id:
            self._agreed = None  # a take chosen anew asks again
            self.details_button.setChecked(False)
        self.found, self._names = found, names
        lines, words = [], ""
        if found is not None:
            lines += [f"✖ {mark_text(found, names)}"] if found.restricted else []
            lines += [sharing_off_note(s, names, titles) for s in found.sharing if s.restricted]
            if found.play_question(titles.keys()):
                lines.append(_("Play asks before playing it to the room."))
            if found.words_blocked:
                words = words_left_out_text(found.words_blocked, names)
                lines.append(words_left_out_note(found.words_blocked, names))
            lines += [question_text(q, names) for q in found.questions]
        self.summary.setText(lines[0] if lines else "")
        self.details.setText("\n".join(lines[1:]))
        self.details_button.setVisible(len(lines) > 1)
        self.setAccessibleDescription("\n".join(lines))
        state = ChipState.WITHDRAWN if found is not None and found.restricted \
            else ChipState.EXPIRES_SOON
        background, text = COLOURS[state]
        self.setStyleSheet(f"QFrame#takeConsent {{ background: {background}; }}"
                           f" QFrame#takeConsent QLabel {{ color: {text}; padding: 0.2em; }}")
        self.setVisible(bool(lines))
        self._lead_sheet.setToolTip("\n\n".join(filter(None, (self._lead_sheet_tip, words))))
        self._fill_menu(titles)

    def _fill_menu(self, titles: Mapping[int, str]) -> None:
        self.export_menu.clear()
        if self.found is None:
            return
        for sharing in self.found.sharing:
            action = self.export_menu.addAction(_("{purpose}…").format(
                purpose=purpose_wording(sharing.purpose)))
            action.setData(sharing.purpose)
            if sharing.restricted:
                action.setEnabled(False)
                action.setText(no_longer_text(sharing, purpose_wording(sharing.purpose),
                                              self._names))
                action.setToolTip(sharing_off_text(sharing, self._names, titles))
            elif sharing.blocking:
                action.setToolTip(_("Not everyone heard has consented yet: {who}. The export "
                                    "dialog can record their consent.").format(
                    who="; ".join(blocker_text(b.blocker, self._names)
                                  for b in sharing.blocking)))
            else:
                action.setToolTip(_("Everyone heard has consented to this."))

    def _export_chosen(self, action) -> None:
        self.export_requested.emit(action.data())

    def ask_to_play(self, playing: Collection[int], play: Callable[[], None]) -> None:
        """Call PLAY, or first ask whether to, when someone heard on the PLAYING tracks (by id)
        no longer shares with the group; once allowed, the take plays without asking again
        until another take is chosen or consent changes."""
        lost = self.found.play_question(playing) if self.found is not None else ()
        key = (self.found.take_id, lost) if lost else None
        if not lost or key == self._agreed:
            play()
            return
        if self.question is not None:
            return  # already asking
        self.question = QMessageBox(QMessageBox.Icon.Question, _("Play to the room?"),
                                    play_question_text(lost, self._names),
                                    QMessageBox.StandardButton.NoButton, self)
        anyway = self.question.addButton(_("Play anyway"), QMessageBox.ButtonRole.AcceptRole)
        cancel = self.question.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
        self.question.setDefaultButton(cancel)
        self.question.setEscapeButton(cancel)
        self.question.setWindowModality(Qt.WindowModality.WindowModal)
        self.question.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered(button) -> None:
            if button is anyway:
                self._agreed = key
                play()

        self.question.buttonClicked.connect(answered)
        self.question.finished.connect(self._question_closed)
        self.question.open()

    def _question_closed(self, _result: int) -> None:
        self.question = None


def _note_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                  | Qt.TextInteractionFlag.TextSelectableByMouse)
    return label

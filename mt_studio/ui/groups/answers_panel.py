"""Check-in for a session of a group: everyone expected, each with three big choices (came,
sent word, did not come) that can be read and hit across a noisy room, and anyone else who
came added as a guest."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QFontMetrics
from PyQt6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from mt_studio.core.domain import Participant
from mt_studio.core.domain.groups import Answer, Expected
from mt_studio.i18n import _

# (symbol, background, text) of a chosen answer: the symbol and word carry the meaning, the
# colour only helps (dark text on light fills, as the consent chips).
LOOKS = {
    Answer.PRESENT: ("✔", "#c8ecc9", "#10381a"),
    Answer.SENT_WORD: ("✉", "#ffe7a3", "#4a3300"),
    Answer.ABSENT: ("✖", "#f7c5c5", "#5a0f0f"),
}


def answer_label(answer: Answer) -> str:
    """The answer as the check-in button says it."""
    return {Answer.PRESENT: _("Came"), Answer.SENT_WORD: _("Sent word"),
            Answer.ABSENT: _("Did not come")}[answer]


def answers_text(expected: list[Expected]) -> str:
    """Who sent word and who did not come, in a line each (empty if everyone came)."""
    lines = []
    for answer, words in ((Answer.SENT_WORD, _("Sent word: {names}")),
                          (Answer.ABSENT, _("Did not come: {names}"))):
        names = [e.pseudonym for e in expected if (e.answer or Answer.ABSENT) is answer]
        if names:
            lines.append(words.format(names=", ".join(names)))
    return "\n".join(lines)


class AnswersPanel(QWidget):
    """Everyone expected at a session with their answer; `choose` and `answers` for tests and
    the session dialog, which saves them with `studio.groups.attend`."""

    def __init__(self, expected: list[Expected], everyone: list[Participant],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._everyone = {p.id: p.pseudonym for p in everyone}
        self._choices: dict[int, QButtonGroup] = {}
        self.buttons: dict[tuple[int, Answer], QPushButton] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._holder = QWidget()
        self.grid = QGridLayout(self._holder)
        self.grid.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.grid.setColumnStretch(0, 1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(self._holder)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.scroll, 1)
        guests = QHBoxLayout()
        self.guest = QComboBox()
        self.guest.setAccessibleName(_("Someone else who came"))
        self.guest_button = QPushButton(_("Came too"))
        self.guest_button.setAccessibleName(_("Add as someone who came"))
        self.guest_button.clicked.connect(lambda: self.add_guest(self.guest.currentData()))
        label = QLabel(_("Someone else came:"))
        label.setBuddy(self.guest)
        guests.addWidget(label)
        guests.addWidget(self.guest, 1)
        guests.addWidget(self.guest_button)
        layout.addLayout(guests)
        for person in expected:
            self._add_row(person.participant_id, person.pseudonym, person.answer)
        self._offer_guests()

    def choose(self, participant_id: int, answer: Answer) -> None:
        """Choose ANSWER for PARTICIPANT_ID, as a click would."""
        self.buttons[(participant_id, answer)].click()

    def answers(self) -> dict[int, Answer | None]:
        """Each row's answer (None: none chosen, which the studio takes as did not come)."""
        found = {}
        for participant_id, choices in self._choices.items():
            chosen = choices.checkedButton()
            found[participant_id] = None if chosen is None else Answer(chosen.property("answer"))
        return found

    def chosen(self, answer: Answer) -> list[int]:
        """The participants whose answer is ANSWER."""
        return [p for p, a in self.answers().items() if a is answer]

    def add_guest(self, participant_id: int | None) -> None:
        """Add PARTICIPANT_ID (not expected) as someone who came."""
        if participant_id is None or participant_id in self._choices:
            return
        self._add_row(participant_id, self._everyone[participant_id], Answer.PRESENT)
        self._offer_guests()

    def _offer_guests(self) -> None:
        self.guest.clear()
        for participant_id, pseudonym in self._everyone.items():
            if participant_id not in self._choices:
                self.guest.addItem(pseudonym, participant_id)
        self.guest.setEnabled(self.guest.count() > 0)
        self.guest_button.setEnabled(self.guest.count() > 0)

    def _add_row(self, participant_id: int, pseudonym: str, answer: Answer | None) -> None:
        row = len(self._choices)
        name = QLabel(pseudonym)
        name.setTextFormat(Qt.TextFormat.PlainText)
        font = name.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        name.setFont(font)
        self.grid.addWidget(name, row, 0)
        choices = QButtonGroup(self)
        for column, choice in enumerate(Answer, start=1):
            button = self._button(choice, pseudonym)
            button.setChecked(choice is answer)
            choices.addButton(button)
            self.buttons[(participant_id, choice)] = button
            self.grid.addWidget(button, row, column)
        self._choices[participant_id] = choices
        # Every row's whole width, and up to six rows, in sight however small the dialog opens.
        self.scroll.setMinimumWidth(self._holder.minimumSizeHint().width()
                                    + self.scroll.verticalScrollBar().sizeHint().width())
        margins = self.grid.contentsMargins()
        self.scroll.setMinimumHeight(
            min(row + 1, 6) * (button.minimumHeight() + self.grid.verticalSpacing())
            + margins.top() + margins.bottom())

    def _button(self, answer: Answer, pseudonym: str) -> QPushButton:
        symbol, background, text = LOOKS[answer]
        button = QPushButton(f"{symbol} {answer_label(answer)}")
        button.setCheckable(True)
        button.setProperty("answer", answer.value)
        button.setAccessibleName(_("{who}: {answer}").format(who=pseudonym,
                                                            answer=answer_label(answer)))
        font = button.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        button.setFont(font)
        font.setBold(True)  # as wide as it is when chosen
        metrics = QFontMetrics(font)
        button.setMinimumHeight(int(metrics.height() * 2.2))
        button.setMinimumWidth(metrics.horizontalAdvance(button.text()) + metrics.height() * 2)
        button.setStyleSheet(
            "QPushButton { background: #f4f4f4; color: #303030; border: 1px solid #9a9a9a;"
            " border-radius: 6px; padding: 0 0.6em; }"
            f" QPushButton:checked {{ background: {background}; color: {text};"
            f" border: 3px solid {text}; font-weight: bold; }}"
            " QPushButton:focus { outline: none; border-style: dashed; }")
        return button

"""A consent chip: one purpose for one person, shown by a symbol, a word and a colour."""

from __future__ import annotations

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import QPushButton, QSizePolicy, QWidget

from mt_studio.core.consent_board import Chip, ChipState
from mt_studio.core.consent_policy import ConsentState, ConsentStatus
from mt_studio.core.domain import Credit, Purpose
from mt_studio.i18n import _
from mt_studio.ui.common.dates import day_text

# Colour is never alone: every state has its own symbol and word too. The symbols are ones the
# common desktop fonts (DejaVu, Noto) carry.
SYMBOLS = {
    ChipState.GRANTED: "✔",
    ChipState.EXPIRES_SOON: "⚠",
    ChipState.EXPIRED: "◷",
    ChipState.WITHDRAWN: "✖",
    ChipState.NEVER: "–",
}
# (background, text): dark text on light fills, readable in a bright room and by the colour-blind
# because the symbol and word carry the meaning.
COLOURS = {
    ChipState.GRANTED: ("#c8ecc9", "#10381a"),
    ChipState.EXPIRES_SOON: ("#ffe7a3", "#4a3300"),
    ChipState.EXPIRED: ("#e4dcd2", "#3d3024"),
    ChipState.WITHDRAWN: ("#f7c5c5", "#5a0f0f"),
    ChipState.NEVER: ("#ececec", "#303030"),
}


def purpose_label(purpose: Purpose) -> str:
    """The purpose's name as people say it."""
    return {
        Purpose.RECORD: _("Record"),
        Purpose.KEEP: _("Keep"),
        Purpose.SUPERVISION: _("Supervision"),
        Purpose.GROUP: _("Group"),
        Purpose.COMMUNITY: _("Community"),
        Purpose.PUBLIC: _("Public"),
    }[purpose]


def purpose_help(purpose: Purpose) -> str:
    """One sentence on what consent to PURPOSE allows."""
    return {
        Purpose.RECORD: _("May be recorded in the session."),
        Purpose.KEEP: _("Recordings are kept in the therapy archive after the session."),
        Purpose.SUPERVISION: _("Recordings may be played in clinical supervision."),
        Purpose.GROUP: _("Recordings may be shared inside the group."),
        Purpose.COMMUNITY: _("Recordings may be shared with a named community music group."),
        Purpose.PUBLIC: _("Recordings may be shared publicly."),
    }[purpose]


def state_label(state: ChipState) -> str:
    """The chip state in one or two words."""
    return {
        ChipState.GRANTED: _("granted"),
        ChipState.EXPIRES_SOON: _("expires soon"),
        ChipState.EXPIRED: _("expired"),
        ChipState.WITHDRAWN: _("withdrawn"),
        ChipState.NEVER: _("never given"),
    }[state]


def credit_label(credit: Credit) -> str:
    """How someone chose to be credited, in words."""
    return {
        Credit.NAME: _("credited by name"),
        Credit.PSEUDONYM: _("credited by pseudonym"),
        Credit.NONE: _("not credited"),
    }[credit]


def chip_details(chip: Chip) -> str:
    """The chip's tooltip: state, since, until, witness, form version, reason, what to do."""
    lines = [_("{purpose}: {state}").format(purpose=purpose_label(chip.purpose),
                                            state=state_label(chip.state)),
             purpose_help(chip.purpose)]
    if chip.state in (ChipState.GRANTED, ChipState.EXPIRES_SOON) and chip.since:
        lines.append(_("Given on {day}").format(day=day_text(chip.since)))
    if chip.state is ChipState.WITHDRAWN and chip.since:
        lines.append(_("Withdrawn on {day}").format(day=day_text(chip.since)))
    if chip.state is ChipState.EXPIRED and chip.since:
        lines.append(_("No longer valid from {day}").format(day=day_text(chip.since)))
    if chip.valid_until and chip.state is not ChipState.EXPIRED:
        lines.append(_("Valid until {day}").format(day=day_text(chip.valid_until)))
    if chip.witness:
        lines.append(_("Witness: {name}").format(name=chip.witness))
    if chip.form_version:
        lines.append(_("Form version: {version}").format(version=chip.form_version))
    if chip.reason:
        lines.append(_("Reason: {reason}").format(reason=chip.reason))
    lines.append(_("Click to withdraw.") if chip.valid else _("Click to give consent."))
    return "\n".join(lines)


def chip_text(purpose: Purpose, state: ChipState) -> str:
    """What a chip says: symbol and purpose, then the state."""
    return f"{SYMBOLS[state]} {purpose_label(purpose)}\n{state_label(state)}"


def chip_column_width(purpose: Purpose) -> int:
    """The width a chip of PURPOSE needs in its widest state: its column keeps that width
    whatever the state, so nothing moves when consent changes."""
    probes = [ConsentChip(Chip(purpose, state, ConsentStatus(0, purpose,
                                                             ConsentState.NEVER_GRANTED)), "")
              for state in ChipState]
    width = max(probe.sizeHint().width() for probe in probes)
    for probe in probes:
        probe.deleteLater()
    return width + 2  # the focus border is a pixel wider than the border


class ConsentChip(QPushButton):
    """A button showing one chip; clicking asks to grant or, on a valid consent, to withdraw.

    `grant_requested` and `withdraw_requested` carry the chip's purpose.
    """

    grant_requested = pyqtSignal(object)
    withdraw_requested = pyqtSignal(object)

    def __init__(self, chip: Chip, owner: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chip = chip
        self.setText(chip_text(chip.purpose, chip.state))
        details = chip_details(chip)
        self.setToolTip(details)
        self.setAccessibleName(_("{who}, {purpose}: {state}").format(
            who=owner, purpose=purpose_label(chip.purpose), state=state_label(chip.state)))
        self.setAccessibleDescription(details)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        background, text = COLOURS[chip.state]
        border = "dashed" if chip.state is ChipState.NEVER else "solid"
        self.setStyleSheet(
            f"QPushButton {{ background: {background}; color: {text};"
            f" border: 2px {border} {text}; border-radius: 0.6em; padding: 0.3em 0.45em; }}"
            f" QPushButton:focus {{ border: 3px solid palette(highlight); }}"
        )
        self.clicked.connect(self._on_click)

    @property
    def state(self) -> ChipState:
        """The state shown."""
        return self.chip.state

    def _on_click(self) -> None:
        if self.chip.valid:
            self.withdraw_requested.emit(self.chip.purpose)
        else:
            self.grant_requested.emit(self.chip.purpose)

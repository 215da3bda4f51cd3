"""The tempo of a loop of bars, typed or tapped (the Tap button or T) into its field."""

from __future__ import annotations

import time
from collections.abc import Callable

from PyQt6.QtCore import QLocale
from PyQt6.QtWidgets import QLineEdit

from mt_studio.core.tempo import TapTempo
from mt_studio.i18n import _


class TempoTap:
    """Writes the tempo tapped into FIELD, as the system writes numbers; CLOCK gives the
    moment of each tap in seconds."""

    def __init__(self, field: QLineEdit, clock: Callable[[], float] = time.monotonic) -> None:
        self.field = field
        self._clock = clock
        self._tap = TapTempo()

    def start_over(self, bpm: float | None) -> None:
        """Show BPM (None: no tempo yet), and count taps afresh."""
        self.field.setText(QLocale().toString(bpm, "g", 5) if bpm else "")
        self._tap.reset()

    def tap(self) -> str | None:
        """One tap; what to tell the person (None: the field is not in use now)."""
        if not self.field.isEnabled():
            return None
        bpm = self._tap.tap(self._clock())
        if bpm is None:
            return _("Keep tapping with the beat…")
        self.field.setText(QLocale().toString(round(bpm)))
        return _("Tapped tempo: {bpm} beats per minute.").format(
            bpm=QLocale().toString(round(bpm)))

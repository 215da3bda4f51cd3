"""The count-in before a take: big beat numbers over the panel and a click on the default output."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import numpy as np
from PyQt6.QtCore import Qt, QTimer, pyqtSignal
from PyQt6.QtWidgets import QLabel, QWidget

from mt_studio.i18n import _

log = logging.getLogger(__name__)

BEATS_PER_BAR = 4
CLICK_RATE = 48000
DEFAULT_TEMPO_BPM = 100.0

ClickPlayer = Callable[[np.ndarray, int], None]


def click_track(beats: int, beat_seconds: float, rate: int = CLICK_RATE) -> np.ndarray:
    """BEATS short clicks, BEAT_SECONDS apart, the first one higher; ends before the last beat."""
    beat = int(round(beat_seconds * rate))
    click = int(0.04 * rate)
    out = np.zeros(max(1, beat * (beats - 1) + click), dtype=np.float32)
    t = np.arange(click) / rate
    envelope = np.exp(-t * 60).astype(np.float32)
    for n in range(beats):
        frequency = 1760.0 if n % BEATS_PER_BAR == 0 else 880.0
        out[n * beat:n * beat + click] = 0.4 * envelope * np.sin(2 * np.pi * frequency * t)
    return out


def play_on_default_output(samples: np.ndarray, rate: int) -> None:
    """Play SAMPLES on the default output and wait for the end (call it from a worker)."""
    from mt_studio.core.playback import play_once

    play_once(samples, rate)


class CountIn(QLabel):
    """Counts beats in big numbers over its parent, then emits `finished` on the take's downbeat.

    The click plays in a worker thread; if it cannot play (no output device), the count-in
    goes on in silence.
    """

    finished = pyqtSignal()

    def __init__(self, parent: QWidget, player: ClickPlayer = play_on_default_output) -> None:
        super().__init__(parent)
        self._player = player
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._beat)
        self._left = 0
        self._beats = 0
        self.click_failed = False
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAutoFillBackground(True)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 8)
        font.setBold(True)
        self.setFont(font)
        self.setAccessibleName(_("Count-in"))
        self.hide()

    def start(self, bars: int, tempo_bpm: float | None) -> None:
        """Count BARS bars of four at TEMPO_BPM (a calm default when the session has none)."""
        beat_seconds = 60.0 / (tempo_bpm or DEFAULT_TEMPO_BPM)
        self._beats = self._left = max(1, bars) * BEATS_PER_BAR
        self.setGeometry(self.parentWidget().rect())
        self.raise_()
        self.show()
        self._play_click(self._beats, beat_seconds)
        self._timer.start(int(round(beat_seconds * 1000)))
        self._beat()

    def cancel(self) -> None:
        """Stop counting without starting the take."""
        self._timer.stop()
        self.hide()

    @property
    def counting(self) -> bool:
        """True while the count-in runs."""
        return self._timer.isActive()

    def _beat(self) -> None:
        if self._left == 0:
            self._timer.stop()
            self.hide()
            self.finished.emit()
            return
        number = (self._beats - self._left) % BEATS_PER_BAR + 1
        self.setText(str(number))
        self.setAccessibleDescription(str(number))
        self._left -= 1

    def _play_click(self, beats: int, beat_seconds: float) -> None:
        samples = click_track(beats, beat_seconds)
        player = self._player

        def play() -> None:
            try:
                player(samples, CLICK_RATE)
            except Exception as error:  # no output device: count in silence
                self.click_failed = True
                log.info("the count-in click could not play: %s", error)

        threading.Thread(target=play, name="mt-studio-count-in-click", daemon=True).start()

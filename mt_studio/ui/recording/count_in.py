"""The count-in before a take: big beat numbers over the panel and a click on the default output."""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
from PyQt6.QtCore import Qt, QTimer, pyqtSignal
from PyQt6.QtWidgets import QLabel, QWidget

from mt_studio.core import metronome
from mt_studio.i18n import _
from mt_studio.ui.common.worker import run_in_worker

log = logging.getLogger(__name__)

DEFAULT_TEMPO_BPM = 100.0
CLICK_RATE = 48000

ClickPlayer = Callable[[np.ndarray, int], None]


def play_on_default_output(samples: np.ndarray, rate: int) -> None:
    """Play SAMPLES on the default output and wait for the end (call it from a worker)."""
    from mt_studio.core.playback import play_once

    play_once(samples, rate)


def output_player(device: str | None) -> ClickPlayer:
    """A click player on the output of DEVICE (None: the default output)."""
    if device is None:
        return play_on_default_output

    def play(samples: np.ndarray, rate: int) -> None:
        from mt_studio.core.playback import play_once

        play_once(samples, rate, device)

    return play


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
        self._numbers: list[int] = []
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
        counted = metronome.count_in(tempo_bpm or DEFAULT_TEMPO_BPM, 4, max(1, bars),
                                     CLICK_RATE)
        self._numbers = [beat.number for beat in counted.beats]
        self._left = len(self._numbers)
        self.setGeometry(self.parentWidget().rect())
        self.raise_()
        self.show()
        self._play_click(counted.samples)
        self._timer.start(int(round(60_000 / counted.bpm)))
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
        number = self._numbers[len(self._numbers) - self._left]
        self.setText(str(number))
        self.setAccessibleDescription(str(number))
        self._left -= 1

    def _play_click(self, samples: np.ndarray) -> None:
        player = self._player

        def play() -> None:
            try:
                player(samples, CLICK_RATE)
            except Exception as error:  # no output device: count in silence
                self.click_failed = True
                log.info("the count-in click could not play: %s", error)

        run_in_worker(self, play, thread="mt-studio-count-in-click")

"""Telling lost input from a late clock, by the stream's time against the frames recorded.

PortAudio flags an input overflow, and rtmixer ends a recording action whose ring ran full;
neither says how many frames were lost. The stream's clock does, over time: while nothing is
lost, its time (in frames) less the frames recorded stays level, and it rises by exactly what
was lost. A single reading of it is not to be trusted: on JACK it is interpolated from the
last cycle's start, so a cycle that ran late (the server was busy, another client was slow;
PortAudio flags every such xrun as an overflow) reads as frames lost when none were. The
lowest reading over a while is trusted instead: lateness only ever adds to a reading, so the
settled level after the trouble, against the level before it, is what was really lost.

The level may also creep (a device's clock against the system's, on ALSA); a creep without
an overflow or a full ring is taken as the new level, never as a loss.
"""

from __future__ import annotations

import collections
import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Loss:
    """Frames lost at a position of the recording (in recorded frames)."""

    frame: int
    length: int
    cause: str


class LossWatch:
    """Follows the clock's level; measures the loss after each sign of trouble.

    `read(offset)` takes one reading a writer tick: the stream's time in frames less the
    frames recorded (silence written for a loss counts as recorded). `trouble(frame, cause)`
    says an overflow was flagged or the ring ran full, with the recorded frame where it was
    seen; from then on the writer holds back what came after that frame (`held_from`) until
    `settle` readings have been taken, when `read` returns the Loss, possibly of no length.
    """

    def __init__(self, block: int, settle: int = 8, window: int = 64) -> None:
        self.block = max(1, block)
        self.settle = settle
        self._recent: collections.deque[float] = collections.deque(maxlen=window)
        self._level: float | None = None  # the level before the trouble now being measured
        self._since: list[float] = []
        self._ticks = 0
        self.held_from: int | None = None
        self._cause = ""

    def trouble(self, frame: int, cause: str) -> None:
        """Something may have been lost at FRAME (recorded frames); measure it."""
        if self.held_from is not None:
            return  # already measuring: a loss now is counted with the first one
        self.held_from = frame
        self._cause = cause
        self._level = min(self._recent) if self._recent else None
        self._since = []
        self._ticks = 0

    def jumped(self, offset: float | None) -> bool:
        """True when OFFSET stands a block or more above the level while nothing is being
        measured: frames may have been lost. Only a clock that counts cycles is steady enough
        to tell from one reading; even there a reading taken before this cycle's block
        arrived stands a block high, and the lowest of the next few tells (settle=4)."""
        return (self.held_from is None and offset is not None and bool(self._recent)
                and offset - min(self._recent) > self.block / 2)

    def read(self, offset: float | None) -> Loss | None:
        """Take a reading (None: the clock gave none this tick); return the measured Loss
        once the trouble has settled."""
        if self.held_from is None:
            if offset is not None:
                self._recent.append(offset)
            return None
        self._ticks += 1
        if offset is not None:
            self._since.append(offset)
        if self._ticks < self.settle:
            return None
        return self._measured()

    def finish(self) -> Loss | None:
        """The Loss being measured, decided on the readings so far (the take is ending)."""
        return None if self.held_from is None else self._measured()

    def _measured(self) -> Loss:
        settled = min(self._since, default=self._level)
        length = 0
        if self._level is not None and settled is not None:
            # Lost frames are whole blocks; each level is a lowest reading, up to a block above
            # the true one (where in a cycle the reading fell), the one before from many
            # readings and so close to it: a quarter block of slack, then whole blocks.
            rise = settled - self._level + self.block / 4
            length = max(0, math.floor(rise / self.block) * self.block)
        loss = Loss(self.held_from, length, self._cause)
        self.held_from = None
        # The silence written for the loss will lower every later reading by its length.
        self._recent.clear()
        if settled is not None:
            self._recent.append(settled - length)
        return loss

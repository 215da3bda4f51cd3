"""Where playback reads next: a take's frames in order, or a loop region repeated exactly.

A loop region [start, end) repeats with a period of exactly end - start frames: the frame after
end - 1 is start again. Against a click at the seam, the last `crossfade` frames before end may
be blended with the frames just before start (a raised-cosine fade, whose weights sum to one),
so that the seam's last frame already sounds like start - 1 and the cut to start is seamless.
Without a crossfade, the output across the seam is the region repeated, sample for sample.

`LoopCursor` hands out the next frames to read as spans; the player reads the files for each,
and `looped` does the same over an array in memory (the reference in the tests).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class LoopRegion:
    """A region of a take to repeat, in frames: [start, end), with an optional crossfade."""

    start: int
    end: int
    crossfade: int = 0

    def __post_init__(self) -> None:
        if self.start < 0 or self.end <= self.start:
            raise ValueError(f"a loop needs 0 <= start < end, not {self.start}-{self.end}")
        if self.crossfade < 0:
            raise ValueError(f"a crossfade cannot be negative ({self.crossfade} frames)")

    @property
    def frames(self) -> int:
        """The loop's period."""
        return self.end - self.start

    @property
    def fade(self) -> int:
        """The crossfade that fits: no longer than the region, nor than what precedes it."""
        return min(self.crossfade, self.frames, self.start)


@dataclass(frozen=True)
class Span:
    """COUNT frames to read from FIRST on. With BLEND set, they are the end of a loop and are
    faded into the frames from BLEND on, from step AT of the loop's FADE-frame crossfade."""

    first: int
    count: int
    blend: int | None = None
    at: int = 0
    fade: int = 0


def fade_in_weights(fade: int, at: int, count: int) -> np.ndarray:
    """The weights of the faded-in frames for steps AT..AT+COUNT of a FADE-frame crossfade
    (the faded-out frames take one less each): a raised cosine from near 0 to near 1."""
    steps = np.arange(at, at + count, dtype=np.float64) + 0.5
    return (0.5 - 0.5 * np.cos(np.pi * steps / fade)).astype(np.float32)


class LoopCursor:
    """The read position of playback, and the spans to read next.

    `position` is the next frame to read; it runs to `length` (the take's end) or, with a
    loop, wraps from the loop's end to its start. `set_loop` takes effect at the running
    loop's next seam; with no loop running, a position before the new region plays into it
    and one past its end goes back to its start. `at_once`, it takes effect now: a position
    outside the region goes to its start.
    """

    def __init__(self, length: int, position: int = 0, loop: LoopRegion | None = None) -> None:
        self.length = length
        self.position = max(0, min(position, length))
        self.loop: LoopRegion | None = None
        self._next: LoopRegion | None = None
        self._pending = False
        self.set_loop(loop)

    def set_loop(self, loop: LoopRegion | None, at_once: bool = False) -> None:
        """Loop LOOP (None: play on to the end), now or at the running loop's next seam."""
        if loop is not None and loop.end > self.length:
            raise ValueError(f"the loop ends at {loop.end}, past the take's {self.length} frames")
        if at_once or self.loop is None:
            self.loop, self._next, self._pending = loop, None, False
            outside = self.position >= loop.end or (at_once and self.position < loop.start) \
                if loop is not None else False
            if outside:
                self.position = loop.start
        else:
            self._next, self._pending = loop, True

    @property
    def at_end(self) -> bool:
        """True when nothing is left to read (only without a loop)."""
        return self.loop is None and self.position >= self.length

    def spans(self, frames: int) -> list[Span]:
        """The next spans to read, FRAMES frames in all (fewer at the take's end)."""
        out: list[Span] = []
        while frames > 0 and not self.at_end:
            span = self._next_span(frames)
            out.append(span)
            frames -= span.count
            self.position = span.first + span.count
            if self.loop is not None and self.position >= self.loop.end:
                self._seam()
        return out

    def _next_span(self, frames: int) -> Span:
        loop = self.loop
        if loop is None:
            return Span(self.position, min(frames, self.length - self.position))
        fade_from = loop.end - loop.fade
        if self.position < fade_from:
            return Span(self.position, min(frames, fade_from - self.position))
        at = self.position - fade_from
        return Span(self.position, min(frames, loop.end - self.position),
                    blend=self.position - loop.frames, at=at, fade=loop.fade)

    def _seam(self) -> None:
        if self._pending:
            self.loop, self._next, self._pending = self._next, None, False
            if self.loop is None:
                return  # played on from the old loop's end
        self.position = self.loop.start


def looped(source: np.ndarray, frames: int, position: int = 0,
           loop: LoopRegion | None = None) -> np.ndarray:
    """FRAMES frames of SOURCE (frames along the first axis) as playback from POSITION with
    LOOP would read them: the reference for the player, and for tests."""
    cursor = LoopCursor(len(source), position, loop)
    pieces = [read_span(source, span) for span in cursor.spans(frames)]
    if not pieces:
        return source[:0].copy()
    return np.concatenate(pieces)


def read_span(source: np.ndarray, span: Span) -> np.ndarray:
    """The frames of SPAN from SOURCE in memory, blended as the span says."""
    main = source[span.first:span.first + span.count].astype(np.float32)
    if span.blend is None:
        return main
    weights = fade_in_weights(span.fade, span.at, span.count)
    weights = weights.reshape((-1,) + (1,) * (main.ndim - 1))
    faded_in = source[span.blend:span.blend + span.count].astype(np.float32)
    return main + weights * (faded_in - main)

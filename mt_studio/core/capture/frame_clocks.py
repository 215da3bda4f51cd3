"""The clocks the lost-input watch reads: JACK's own frame counter, or PortAudio's stream time.

Each gives one reading: the clock's position in frames less the frames recorded so far
(see loss_watch). On JACK, PortAudio's stream time is the server's interpolated estimate,
which after a late cycle runs ahead by the lateness and takes a second or two to settle, and
so cannot tell a late server from lost input. The server's cycle counter can: it moves by one
period a cycle whether or not the cycle ran late, and further than the frames recorded only
when this client missed cycles. It is read through a JACK client of our own that is never
activated (it takes no part in the graph).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

JACK_HOST_API = "JACK Audio Connection Kit"


class StreamTime:
    """PortAudio's stream time, in frames, less the frames recorded."""

    counts_cycles = False  # an estimate: a late cycle reads as frames lost for a while

    def __init__(self, stream, samplerate: int) -> None:
        self._stream = stream
        self._samplerate = samplerate

    def reading(self, recorded: Callable[[], int]) -> float | None:
        """One reading, or None when the stream has no time (it is going away)."""
        frames = recorded()  # first: a block arriving in between can only raise the reading
        try:
            return self._stream.time * self._samplerate - frames
        except Exception:
            return None

    def close(self) -> None:
        """Nothing to let go of."""


class JackFrames:
    """The JACK server's frame counter at the current cycle's start, less the frames recorded."""

    counts_cycles = True  # steady to within a block: a rise above that is frames lost

    def __init__(self) -> None:
        import jack  # the JACK-Client package, over the libjack that PortAudio uses too

        self._client = jack.Client("mt-studio-clock", no_start_server=True)

    def reading(self, recorded: Callable[[], int]) -> float | None:
        """One reading taken within one cycle, or None if cycles kept turning over meanwhile
        (or the server is going away; the device watch will see it)."""
        try:
            for _ in range(3):
                cycle = self._client.last_frame_time
                frames = recorded()
                if self._client.last_frame_time == cycle:
                    return cycle - frames
        except Exception:
            pass
        return None

    def close(self) -> None:
        """Close the client."""
        try:
            self._client.close()
        except Exception as error:  # a vanished server; nothing is left to close
            log.info("closing the JACK clock client failed: %s", error)


def clock_for(stream, samplerate: int, hostapi: str) -> StreamTime | JackFrames:
    """The best clock for STREAM: JACK's counter on JACK when it can be read, else PortAudio's."""
    if hostapi == JACK_HOST_API:
        try:
            return JackFrames()
        except Exception as error:  # no JACK-Client or no libjack: the estimate will do
            log.warning("JACK's frame counter cannot be read (%s); lost input is measured "
                        "on PortAudio's estimate", error)
    return StreamTime(stream, samplerate)

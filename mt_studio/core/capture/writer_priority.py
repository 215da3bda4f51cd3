"""The writer gives way to an audio thread that cannot take the CPU by itself: Linux's idle
scheduling class while it keeps up, where no audio thread of the process runs realtime.

On a machine without realtime scheduling (JACK's --no-realtime, PortAudio's ALSA thread) the
audio callback's thread is an ordinary thread, and a writer busy on the same core makes it
late: the server then skips a cycle for it and those frames are lost. A thread in the
SCHED_IDLE class gives up the core the moment any other thread wakes. Measured here (32
inputs, 96 kHz, 128-frame periods, 3 minutes each way): 42 cycles missed with the writer at
normal priority, 7 with it idle, 24 for jack_capture.

The price is that an idle thread gets almost nothing while every core is busy with other work,
and an unprivileged thread can never leave the class again; so a writer that falls behind hands
its work to a thread of normal priority that was started beside it (see AudioCapture). Where
the audio thread runs realtime (JACK started with realtime, or PortAudio allowed it), it takes
the CPU from any ordinary thread, and the writer stays of normal priority: a recording machine
busy with other work then costs it no time.
"""

from __future__ import annotations

import logging
import os

log = logging.getLogger(__name__)


def lower_to_idle() -> bool:
    """Put the calling thread in the SCHED_IDLE class; False where that cannot be done."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError) as error:  # not Linux, or a sandbox that forbids it
        log.info("the writer stays at normal priority: %s", error)
        return False
    return True


def audio_runs_realtime() -> bool:
    """True when a thread of this process is in a realtime class (FIFO or round robin)."""
    try:
        threads = os.listdir("/proc/self/task")
        realtime = (os.SCHED_FIFO, os.SCHED_RR)
    except (AttributeError, OSError):  # not Linux
        return False
    # rtkit (PipeWire's JACK among others) grants realtime only with SCHED_RESET_ON_FORK
    reset_on_fork = getattr(os, "SCHED_RESET_ON_FORK", 0)
    for thread in threads:
        try:
            if os.sched_getscheduler(int(thread)) & ~reset_on_fork in realtime:
                return True
        except OSError:  # it ended while we looked
            continue
    return False

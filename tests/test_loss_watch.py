"""Telling lost input from a late clock: the readings a writer takes, and what they add up to;
and PortAudio's clock, which gives them where JACK's counter cannot (JACK's: the rig tests)."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from mt_studio.core.capture.frame_clocks import StreamTime
from mt_studio.core.capture.loss_watch import Loss, LossWatch

BLOCK = 128


def jitter(chooser: random.Random) -> float:
    """Where in a cycle a reading lands: anywhere within one block above the level."""
    return chooser.uniform(0, BLOCK)


def steady(watch: LossWatch, level: float, count: int, chooser: random.Random) -> list:
    return [watch.read(level + jitter(chooser)) for _ in range(count)]


def test_a_late_cycle_that_lost_nothing_is_no_loss():
    chooser = random.Random(1)
    watch = LossWatch(BLOCK)
    steady(watch, 1000, 40, chooser)
    watch.trouble(48_000, "input overflow")
    # The late cycle reads as 30 blocks ahead, then the clock settles back on its level.
    results = [watch.read(1000 + 30 * BLOCK), watch.read(1000 + 12 * BLOCK),
               *steady(watch, 1000, 6, chooser)]
    assert results[:-1] == [None] * 7
    assert results[-1] == Loss(48_000, 0, "input overflow")
    assert watch.held_from is None


def test_frames_really_lost_raise_the_level_by_their_length():
    chooser = random.Random(2)
    watch = LossWatch(BLOCK)
    steady(watch, 1000, 40, chooser)
    watch.trouble(96_000, "input overflow")
    assert watch.held_from == 96_000
    results = [watch.read(1000 + 150 * BLOCK), *steady(watch, 1000 + 112 * BLOCK, 7, chooser)]
    assert results[-1] == Loss(96_000, 112 * BLOCK, "input overflow")
    # Once the silence is written, the readings are back on the old level: no second loss.
    watch.trouble(200_000, "input overflow")
    assert steady(watch, 1000, 8, chooser)[-1] == Loss(200_000, 0, "input overflow")


def test_a_creeping_clock_without_trouble_is_taken_as_the_new_level():
    chooser = random.Random(3)
    watch = LossWatch(BLOCK)
    for n in range(2000):  # a device clock 100 ppm apart: two blocks over the while
        assert watch.read(1000 + n * 0.128 + jitter(chooser)) is None
    watch.trouble(10, "input overflow")
    assert steady(watch, 1000 + 2000 * 0.128, 8, chooser)[-1].length == 0


def test_trouble_during_a_measurement_counts_with_it():
    watch = LossWatch(BLOCK, settle=4)
    for _ in range(10):
        watch.read(0)
    watch.trouble(500, "input overflow")
    watch.read(5 * BLOCK)
    watch.trouble(900, "writer stall")
    assert watch.held_from == 500
    results = [watch.read(5 * BLOCK) for _ in range(3)]
    assert results[-1] == Loss(500, 5 * BLOCK, "input overflow")


def test_a_take_that_ends_while_measuring_decides_on_what_it_has():
    watch = LossWatch(BLOCK)
    assert watch.finish() is None
    for _ in range(10):
        watch.read(0)
    watch.trouble(700, "writer stall")
    watch.read(3 * BLOCK)
    assert watch.finish() == Loss(700, 3 * BLOCK, "writer stall")
    assert watch.held_from is None


def test_trouble_before_any_reading_cannot_be_measured_and_costs_nothing():
    watch = LossWatch(BLOCK, settle=2)
    watch.trouble(0, "input overflow")
    assert [watch.read(50 * BLOCK), watch.read(50 * BLOCK)][-1] == Loss(0, 0, "input overflow")


@given(lost_blocks=st.integers(0, 400), late_blocks=st.lists(st.integers(0, 200), max_size=6),
       phases=st.lists(st.floats(0, 0.999), min_size=8, max_size=8))
def test_the_measured_loss_is_the_lost_frames_whatever_the_lateness(lost_blocks, late_blocks,
                                                                     phases):
    """Exact whenever one reading before fell in a cycle's first quarter and one after in its
    first half, as some of 64 and of 8 readings at random moments almost always do."""
    watch = LossWatch(BLOCK, settle=8)
    for n in range(64):
        watch.read(-5000 + (0.2 if n == 17 else 0.9) * BLOCK)
    watch.trouble(1234, "input overflow")
    level = -5000 + lost_blocks * BLOCK
    readings = [level + (late + phase) * BLOCK for late, phase in zip(late_blocks, phases,
                                                                      strict=False)]
    readings += [level + phase * BLOCK for phase in phases[len(readings):]]
    readings[-1] = level + 0.45 * BLOCK
    results = [watch.read(reading) for reading in readings]
    assert results[:-1] == [None] * 7
    assert results[-1] == Loss(1234, lost_blocks * BLOCK, "input overflow")


def test_a_counted_clock_that_jumps_a_block_is_trouble_at_once_and_a_high_reading_is_not_loss():
    """JACK's cycle counter stands still against the frames recorded, or a block high when
    read before this cycle's block arrived: a block more is worth a look, the next says."""
    watch = LossWatch(BLOCK, settle=2)
    assert not watch.jumped(10 * BLOCK)  # no level known yet
    for _ in range(10):
        watch.read(0)
    assert not watch.jumped(None) and not watch.jumped(BLOCK / 2)
    assert watch.jumped(BLOCK)
    watch.trouble(4000, "input overflow")
    assert not watch.jumped(9 * BLOCK)  # already measuring
    assert [watch.read(BLOCK), watch.read(0)] == [None, Loss(4000, 0, "input overflow")]
    assert watch.jumped(3 * BLOCK)
    watch.trouble(8000, "input overflow")
    assert [watch.read(3 * BLOCK), watch.read(3 * BLOCK)][-1] == Loss(8000, 3 * BLOCK,
                                                                       "input overflow")
    assert not watch.jumped(BLOCK / 4)  # the silence written brings the level back


class FakeStream:
    """A stream whose time moves on each time it is read; or has none, going away."""

    def __init__(self, times: list[float], order: list[str]) -> None:
        self.times, self.order = times, order

    @property
    def time(self) -> float:
        self.order.append("time")
        if not self.times:
            raise RuntimeError("Error getting stream time")
        return self.times.pop(0)


def test_portaudio_stream_time_reads_frames_first_and_nothing_when_the_stream_goes():
    order: list[str] = []
    clock = StreamTime(FakeStream([2.0], order), 48000)
    assert clock.reading(lambda: order.append("frames") or 90_000) == 2.0 * 48000 - 90_000
    assert order == ["frames", "time"]  # a block arriving in between can only raise it
    assert clock.reading(lambda: 90_000) is None


def test_three_readings_in_a_row_before_their_cycles_block_arrived_are_no_loss():
    """On a loaded machine two readings in a row were taken before their cycle's block had
    arrived, a block high each, and a block never lost was written as silence (CI, twice):
    the capture measures a loss on JACK's counter over more readings than that."""
    from mt_studio.core.capture.audio_capture import COUNTED_CLOCK_SETTLE

    watch = LossWatch(BLOCK, settle=COUNTED_CLOCK_SETTLE)
    for _ in range(10):
        watch.read(0)
    assert watch.jumped(BLOCK)
    watch.trouble(4000, "input overflow")
    readings = [BLOCK, 2 * BLOCK, BLOCK, 0][:COUNTED_CLOCK_SETTLE]
    assert [watch.read(r) for r in readings][-1] == Loss(4000, 0, "input overflow")

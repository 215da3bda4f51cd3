"""The capture engine in this process on a real JACK device: meters, full disk, stalled writer,
and a writer that gives way to the audio thread but is rescued when it falls behind."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

import numpy as np
import pytest
import soundfile as sf
from jack_rig import (
    JackServer,
    SignalGenerator,
    ramp,
    ramp_origin,
    seen_by_portaudio,
    sine,
    wait_for,
)

from mt_studio.core.capture import devices, writer_priority
from mt_studio.core.capture.audio_capture import AudioCapture, CaptureSettings, StopReason
from mt_studio.core.capture.take_files import TakeFiles, TrackTarget
from mt_studio.core.capture.wav_stream import SampleFormat

RATE, PERIOD = 48000, 128
PORTS = "PortAudio.*:in_"


@pytest.fixture
def device():
    """A JACK server that PortAudio in this process sees as the device 'system'."""
    with (JackServer(samplerate=RATE, period=PERIOD, inputs=4, synchronous=True) as server,
          seen_by_portaudio(server)):
        yield server, devices.find_audio_input("system")


def files_for(tmp_path, channels: int, files_class=TakeFiles) -> TakeFiles:
    targets = [TrackTarget(n + 1, n, f"audio/take-1/track-{n + 1}.wav") for n in range(channels)]
    return files_class(tmp_path, "audio/take-1", targets, RATE, SampleFormat.FLOAT32)


def test_meters_show_level_and_clipping_and_a_full_disk_stops_the_take(device, tmp_path):
    server, found = device
    free = {"bytes": 10**12}
    files = files_for(tmp_path, 2)
    capture = AudioCapture(CaptureSettings(found.index, (1, 2), RATE, found.hostapi), files,
                           lambda: free["bytes"])
    generator = SignalGenerator(server, [sine(1000, RATE, 0.5), lambda n: np.ones(len(n),
                                                                                  np.float32)])
    try:
        capture.start()
        generator.connect_to(PORTS)
        wait_for(lambda: capture.meters.latest()[0].peak_dbfs > -7, 10, "the sine on the meter")
        # The first block with the sine may begin in silence: measure one written after it.
        seen = files.frames
        wait_for(lambda: files.frames > seen, 10, "the next block")
        readings = []
        reader = threading.Thread(target=lambda: readings.extend(
            capture.meters.latest() for _ in range(10_000)))
        reader.start()
        reader.join(timeout=10)
        assert len(readings) == 10_000  # reading never waits on the engine
        level, full = capture.meters.latest()
        assert -6.2 < level.peak_dbfs < -5.8 and -9.8 < level.rms_dbfs < -8.3  # a short window
        assert not level.clipped
        assert full.clipped and full.peak_dbfs == pytest.approx(0.0, abs=0.01)
        free["bytes"] = 10 * 1024 * 1024  # below the reserve the engine keeps
        assert capture.wait(5)
    finally:
        capture.stop()
        generator.close()
    assert capture.stop_reason is StopReason.DISK_FULL and "MB free" in capture.stop_detail
    frames = files.finalize()
    for n in (1, 2):
        assert sf.info(tmp_path / f"audio/take-1/track-{n}.wav").frames == frames > 0


class StallingFiles(TakeFiles):
    """Take files on a disk that hangs once for 0.8 s, as a busy USB stick can."""

    hang_seconds = 0.8
    stalled = False

    def write(self, block):
        if not self.stalled and self.frames > RATE // 2:
            self.stalled = True
            time.sleep(self.hang_seconds)  # the fault being simulated, not a wait for something
        super().write(block)


def test_a_stalled_writer_costs_silence_not_alignment(device, tmp_path):
    server, found = device
    files = files_for(tmp_path, 1, StallingFiles)
    settings = CaptureSettings(found.index, (1,), RATE, found.hostapi,
                               ring_seconds=0.2)  # 16384 frames
    capture = AudioCapture(settings, files, lambda: 10**12)
    generator = SignalGenerator(server, [ramp(0)])
    try:
        capture.start()
        generator.connect_to(PORTS)
        wait_for(lambda: files.frames > 2 * RATE, 20, "two seconds recorded")
    finally:
        capture.stop()
        generator.close()
    files.finalize()
    stalls = [d for d in capture.dropouts if d.cause == "writer stall"]
    # The hang, less what the ring could hold; catching up may cost another block or two.
    assert 0.3 * RATE < sum(d.length for d in stalls) < 0.8 * RATE
    samples, _ = sf.read(tmp_path / "audio/take-1/track-1.wav", dtype="float32")
    # Around the stall, any other loss (an overflow on this busy machine) counts with it.
    nearby = [d for d in capture.dropouts if stalls[0].frame - RATE // 4 <= d.frame
              <= stalls[-1].frame + stalls[-1].length + RATE // 4]
    start, end = nearby[0].frame, max(d.frame + d.length for d in nearby)
    before = ramp_origin(samples, start - RATE // 4, start, 0)
    after = ramp_origin(samples, end, end + RATE // 4, 0)
    shift = (after - before + 32768) % 65536 - 32768
    # Each loss is counted on JACK's cycle counter, to the block; two periods either way per
    # loss is the bound, as in the rig's lost-input test.
    assert abs(shift) <= 2 * PERIOD * len(nearby)
    for stall in stalls:
        assert not samples[stall.frame:stall.frame + stall.length].any()


class SlowOnceFiles(StallingFiles):
    """A writer kept off the CPU once for 1 s, as a busy machine keeps an idle thread: well
    past what the writer may leave in the ring, well within what the ring holds."""

    hang_seconds = 1.0
    before_hang: Callable[[], object] = staticmethod(lambda: None)

    def write(self, block):
        if not self.stalled and self.frames > RATE // 2:
            self.before_hang()
        super().write(block)


@pytest.mark.parametrize("during_a_loss", [False, True], ids=["", "while-a-loss-is-measured"])
def test_the_writer_gives_way_but_is_rescued_when_it_falls_behind(device, tmp_path,
                                                                   during_a_loss):
    """At idle priority the writer gives the audio thread the CPU; kept off it too long, it
    hands its work to a thread of normal priority, and nothing is lost. So too when it is
    kept off the CPU while it holds frames back to measure a loss (an overflow just before):
    the loss, decided as it wakes, releases them, and the backlog must not hide in that."""
    server, found = device
    files = files_for(tmp_path, 2, SlowOnceFiles)
    capture = AudioCapture(CaptureSettings(found.index, (1, 2), RATE, found.hostapi), files,
                           lambda: 10**12)
    if during_a_loss:  # called on the writer's own thread, as an overflow seen there would be
        files.before_hang = lambda: capture._watch.trouble(capture.clock(), "input overflow")
    generator = SignalGenerator(server, [ramp(0), ramp(1)])
    try:
        capture.start()
        generator.connect_to(PORTS)
        wait_for(lambda: files.frames > RATE // 4, 20, "a quarter second recorded")
        assert os.sched_getscheduler(capture._thread.native_id) == os.SCHED_IDLE
        assert not capture.rescued
        wait_for(lambda: capture.rescued, 20, "the rescuer to take over")
        assert os.sched_getscheduler(capture._rescuer.native_id) == os.SCHED_OTHER
        recorded = files.frames
        wait_for(lambda: files.frames > recorded + RATE // 2, 20, "half a second more")
    finally:
        capture.stop()
        generator.close()
    assert_nothing_lost_by_the_writer(capture, files, tmp_path)


@pytest.fixture
def starved_writer(monkeypatch):
    """The writer, once in the idle class, gets no CPU until the test sets the event returned
    (the second one is set once it is starved)."""
    starved = threading.Event()
    fed = threading.Event()

    def lower_and_starve() -> bool:
        starved.set()
        fed.wait(30)  # kept off the CPU until the test has seen what it looks for
        return True

    monkeypatch.setattr("mt_studio.core.capture.writer_priority.lower_to_idle",
                        lower_and_starve)
    yield fed, starved
    fed.set()


def test_a_writer_starved_between_ticks_is_rescued_without_its_help(device, tmp_path,
                                                                     starved_writer):
    """On a machine busy with other work an idle-class thread may not run at all for seconds,
    so it cannot notice it fell behind: the rescuer sees the ring fill and writes instead,
    and the starved writer, once it runs again, leaves the work to it."""
    server, found = device
    fed, starved = starved_writer
    files = files_for(tmp_path, 2)
    capture = AudioCapture(CaptureSettings(found.index, (1, 2), RATE, found.hostapi), files,
                           lambda: 10**12)
    generator = SignalGenerator(server, [ramp(0), ramp(1)])
    try:
        capture.start()
        generator.connect_to(PORTS)
        assert starved.wait(10)
        wait_for(lambda: capture.rescued, 20, "the rescuer to take over")
        wait_for(lambda: files.frames > RATE, 20, "a second written by the rescuer")
        assert capture._thread.is_alive()  # the starved writer has not run since
        fed.set()
        recorded = files.frames
        wait_for(lambda: files.frames > recorded + RATE // 2, 20, "half a second more")
        capture._thread.join(10)
        assert not capture._thread.is_alive()  # it woke, saw the rescuer writing, and left
    finally:
        fed.set()
        capture.stop()
        generator.close()
    assert_nothing_lost_by_the_writer(capture, files, tmp_path)


def test_a_stop_while_the_writer_is_starved_is_finished_by_the_rescuer(device, tmp_path,
                                                                        starved_writer):
    """Stopping must not wait on a starved writer to close the files: the rescuer finishes
    the take, and is not counted as a rescue (the writer had not fallen behind)."""
    _server, found = device
    fed, starved = starved_writer
    files = files_for(tmp_path, 1)
    capture = AudioCapture(CaptureSettings(found.index, (1,), RATE, found.hostapi), files,
                           lambda: 10**12)
    capture.start()
    assert starved.wait(10)
    stopper = threading.Thread(target=capture.stop)
    stopper.start()
    try:
        assert capture.wait(10)  # the take is finished, its stream closed
        assert capture._thread.is_alive()  # while the writer still waits for the CPU
    finally:
        fed.set()
        stopper.join(10)
    assert not stopper.is_alive() and not capture.rescued
    assert capture.stop_reason is StopReason.REQUESTED
    assert files.finalize() == files.frames


def test_the_writer_keeps_normal_priority_where_the_audio_runs_realtime(tmp_path):
    """A realtime audio thread takes the CPU from any ordinary thread: the writer need not
    give way, and at idle priority a machine busy with other work could starve it. (Where the
    system refuses jackd realtime scheduling, the writer must give way as before.)"""
    with (JackServer(samplerate=RATE, period=PERIOD, inputs=2, synchronous=True,
                     realtime=True) as server, seen_by_portaudio(server)):
        found = devices.find_audio_input("system")
        files = files_for(tmp_path, 1)
        capture = AudioCapture(CaptureSettings(found.index, (1,), RATE, found.hostapi), files,
                               lambda: 10**12)
        try:
            capture.start()
            wait_for(lambda: files.frames > RATE // 4, 20, "a quarter second recorded")
            realtime = writer_priority.audio_runs_realtime()
            expected = os.SCHED_OTHER if realtime else os.SCHED_IDLE
            assert os.sched_getscheduler(capture._thread.native_id) == expected
        finally:
            capture.stop()
    assert capture.stop_reason is StopReason.REQUESTED and not capture.rescued


def assert_nothing_lost_by_the_writer(capture: AudioCapture, files: TakeFiles, tmp_path) -> None:
    """The take stopped as asked, the ring held on (no writer stall), and each of the two
    tracks is as long as the take and, with no dropout at all, an unbroken ramp."""
    assert capture.stop_reason is StopReason.REQUESTED
    assert [d for d in capture.dropouts if d.cause == "writer stall"] == []
    frames = files.finalize()
    for n in (1, 2):
        samples, _ = sf.read(tmp_path / f"audio/take-1/track-{n}.wav", dtype="float32")
        assert len(samples) == frames
        if not capture.dropouts:
            begin = int(np.flatnonzero(samples)[0])
            ramp_origin(samples, begin, frames, n - 1)  # every sample, in order

"""click.wav: a click on every beat of an export's region, the first beat of each bar accented.

The tempo is the export's "tempo" annotation when it has one, else the take's own (recorded to
the metronome), else the one heard. Where the beats fall is heard in the exported sound: the
beat tracker places them within a few milliseconds, then each beat is moved to the attack
nearest it in the samples themselves (`_attack`) and a line through those attacks gives the
grid, so clicks land within a millisecond of clear hits. The first beat of a bar is where the
harmony changes most (`track_beats` of the plugin API). With a tempo but no beat heard, the
grid starts at the region's first frame; with neither, no click track is written.

Clicks are the metronome's: a sine burst of CLICK_SECONDS that starts at zero and decays fast,
a bar's first beat an octave higher and louder. The file is mono 16-bit PCM at the take's rate,
written block by block.
"""

from __future__ import annotations

import numpy as np

from mt_studio.plugin_api import ExportContext, TakeAudio, listen, track_beats

FILE = "click.wav"
CLICK_SECONDS = 0.04
DECAY_SECONDS = 0.008
BEAT_HZ, ACCENT_HZ = 880.0, 1760.0
BEAT_LEVEL, ACCENT_LEVEL = 0.35, 0.5
BLOCK = 1 << 16
MAX_ATTACKS = 128  # beats whose attacks are looked for, spread over the region
SMOOTH_SECONDS = 0.0005
MIN_ATTACK_RISE = 4.0  # an attack's energy over the energy before it


def write_click_track(context: ExportContext) -> list[str]:
    """Write FILE into the export's folder; its name, or none when no tempo is known or heard."""
    grid = beat_grid(context)
    if grid is None:
        return []
    first, period, downbeat = grid
    audio = context.audio
    _write(context.folder / FILE, audio.samplerate, audio.frames, first, period, downbeat,
           max(1, audio.beats_per_bar))
    return [FILE]


def beat_grid(context: ExportContext) -> tuple[float, float, float] | None:
    """(a beat's frame, frames per beat, the frame of a bar's first beat), or None."""
    audio = context.audio
    tempos = sorted((a for a in context.annotations if a.kind == "tempo" and a.value),
                    key=lambda a: (a.end or a.start) - a.start)
    bpm = tempos[-1].value if tempos else audio.tempo_bpm
    if bpm is not None and not 0 < bpm < 1000:
        bpm = None
    if audio.frames <= 0:
        return None
    beats = track_beats(listen(audio), bpm, max(1, audio.beats_per_bar))
    if beats is None:
        if not bpm:
            return None
        return 0.0, 60.0 * audio.samplerate / bpm, 0.0
    period = 60.0 * audio.samplerate / bpm if bpm else beats.period
    first, period = _attacks_line(audio, beats.first, period, fixed=bool(bpm))
    downbeat = float(beats.tracked[beats.downbeat]) if len(beats.tracked) else first
    return first, period, downbeat


def _attacks_line(audio: TakeAudio, first: float, period: float, fixed: bool
                  ) -> tuple[float, float]:
    """The grid (a beat's frame, frames per beat) through the attacks nearest the beats of the
    grid FIRST, PERIOD. With the tempo FIXED, only a grid within 1 % of PERIOD is taken."""
    count = int((audio.frames - first) // period) + 1
    beats = np.unique(np.linspace(0, count - 1, min(count, MAX_ATTACKS)).round().astype(int))
    reach = int(period / 4)
    found = [(k, _attack(audio, round(first + k * period), reach)) for k in beats]
    index = np.array([k for k, frame in found if frame is not None], dtype=np.float64)
    frames = np.array([frame for _k, frame in found if frame is not None], dtype=np.float64)
    keep = np.abs(frames - (first + index * period)) <= period / 8
    index, frames = index[keep], frames[keep]
    if len(index) < 2:
        return first, period
    if len(index) >= 4:
        slope, intercept = np.polyfit(index, frames, 1)
        residual = frames - (intercept + slope * index)
        inside = np.abs(residual) <= max(2.0, 3 * float(np.median(np.abs(residual))))
        slope, intercept = np.polyfit(index[inside], frames[inside], 1)
        if not fixed or abs(slope / period - 1) <= 0.01:
            return float(intercept), float(slope)
    return float(np.median(frames - index * period)), period


def _attack(audio: TakeAudio, around: int, reach: int) -> float | None:
    """The frame where the sharpest attack within REACH of AROUND begins: where the energy of
    the signal's differences (its high end, where hits stand out from held notes) rises halfway
    to its peak; None without a clear attack."""
    start, stop = max(0, around - reach), min(audio.frames, around + reach)
    if stop - start < 8:
        return None
    samples = np.asarray(audio.read(start, stop), dtype=np.float64)
    if samples.ndim == 2:
        samples = samples.mean(axis=1)
    energy = np.diff(samples, prepend=samples[:1]) ** 2
    width = max(1, round(SMOOTH_SECONDS * audio.samplerate))
    energy = np.convolve(energy, np.ones(width) / width, mode="same")
    peak = int(np.argmax(energy))
    before = energy[:max(1, peak - width)]
    floor = float(np.median(before))
    if energy[peak] <= MIN_ATTACK_RISE * max(floor, 1e-12):
        return None
    half = floor + 0.5 * (energy[peak] - floor)
    below = np.flatnonzero(energy[:peak + 1] < half)
    return float(start + (below[-1] + 1 if len(below) else 0))


def click(samplerate: int, accent: bool) -> np.ndarray:
    """One click as float32: a bar's first beat when ACCENT."""
    t = np.arange(round(CLICK_SECONDS * samplerate)) / samplerate
    envelope = np.exp(-t / DECAY_SECONDS) * (1.0 - t / CLICK_SECONDS)
    pitch, level = (ACCENT_HZ, ACCENT_LEVEL) if accent else (BEAT_HZ, BEAT_LEVEL)
    return (level * envelope * np.sin(2 * np.pi * pitch * t)).astype(np.float32)


def _write(path, samplerate: int, frames: int, first: float, period: float, downbeat: float,
           per_bar: int) -> None:
    import soundfile

    sounds = {False: click(samplerate, False), True: click(samplerate, True)}
    length = len(sounds[False])
    bar_of = round((downbeat - first) / period)
    k = int(np.ceil(-first / period))  # the first beat at or after frame 0
    with soundfile.SoundFile(path, "w", samplerate=samplerate, channels=1,
                             subtype="PCM_16", format="WAV") as out:
        for start in range(0, frames, BLOCK):
            stop = min(frames, start + BLOCK)
            block = np.zeros(stop - start, dtype=np.float32)
            while True:
                at = round(first + k * period)
                if at >= stop:
                    break
                sound = sounds[(k - bar_of) % per_bar == 0]
                a, b = max(at, start), min(at + length, stop)
                if b > a:
                    block[a - start:b - start] += sound[a - at:b - at]
                if at + length > stop:
                    break  # its tail goes in the next block too
                k += 1
            out.write(block)

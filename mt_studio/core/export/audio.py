"""Audio files of an export: stems or a stereo mixdown, normalized, resampled and dithered.

Tracks are streamed from disk block by block (never a whole take in memory). With a loudness
target, a first pass measures the mix's integrated loudness and every output's true peak
(libebur128), and one gain brings the mix to the target unless that would take a peak past
the ceiling, in which case the ceiling sets the gain. Stems get the same gain as the mix, so
they still add up to it. Integer files are TPDF-dithered, except a stem copied bit for bit.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

from mt_studio.core.export.plan import ExportPlan
from mt_studio.core.mixing import stereo_gains
from mt_studio.core.plugins.extensions import Processor
from mt_studio.core.presets.model import AudioFormat
from mt_studio.core.waveform import TrackReader, open_track_file

BLOCK = 1 << 16
_SUBTYPES = {16: "PCM_16", 24: "PCM_24", 32: "FLOAT"}
_MP3_QUALITY = "V2"  # LAME's VBR quality 2: about 190 kbit/s, as `lame -V 2` or `sox -C -2`
_MP3_RATES = (32000, 44100, 48000)
_OGG_LEVEL = 0.4  # Vorbis quality 6 of 10
LOSSY_MARGIN_DB = 1.0  # below the true-peak ceiling for MP3 and Ogg, whose decoders overshoot
_SFC_SET_ADD_PEAK_CHUNK = 0x1050  # libsndfile: a float WAV gets no PEAK chunk


Sources = Sequence[Sequence[Path]]
"""The files of each track the plan's audio is made of, in the order of its `sounding_mixes`
(a MIDI track as its synthesized sound), resolved before any worker runs."""


class Stopped(Exception):
    """Raised in a worker when the export was told to stop (cancel, consent, error)."""


@dataclass(frozen=True)
class AudioOutput:
    """One audio file to write: which of the plan's sounding tracks go in, at what gains."""

    name: str
    tracks: tuple[int, ...]
    gains: np.ndarray  # (len(tracks), channels)
    transparent_source: bool = False  # a stem whose source fits the output's bits
    seed: int = 0  # of its dither

    @property
    def channels(self) -> int:
        """1 for a stem, 2 for the mix."""
        return self.gains.shape[1]


@dataclass(frozen=True)
class Tags:
    """The only metadata an exported file carries (never in WAV, which carries none)."""

    title: str
    artist: str
    album: str

    def items(self) -> list[tuple[str, str]]:
        """The tags that have a value, by their libsndfile names."""
        return [(key, value) for key, value in (("title", self.title), ("artist", self.artist),
                                                ("album", self.album)) if value]


def outputs(sources: Sources, plan: ExportPlan, names: Sequence[str]) -> list[AudioOutput]:
    """The files to write, named NAMES (one per stem, or one for the mix)."""
    if not plan.sounding_mixes:
        return []
    if not plan.request.stems:
        return [AudioOutput(names[0], tuple(range(len(plan.sounding_mixes))),
                            stereo_gains(plan.sounding_mixes))]
    depth = plan.request.depth
    result = []
    for index, paths in enumerate(sources):
        source_bits = _source_bits(paths)
        transparent = depth is not None and source_bits is not None and source_bits <= depth
        result.append(AudioOutput(names[index], (index,), np.ones((1, 1), np.float32),
                                  transparent, seed=index))
    return result


def loudness_gain(sources: Sources, plan: ExportPlan, files: Sequence[AudioOutput],
                  stop: threading.Event, advance: Callable[[int], None],
                  effects: Callable[[int, int], list[Processor]] = lambda _r, _c: []
                  ) -> tuple[float, float, float]:
    """(gain dB, measured LUFS, highest true peak dBTP) bringing the mix to the plan's target.

    The true peak is measured at the files' own sample rate (resampled as they will be), and
    lossy files keep LOSSY_MARGIN_DB more below the ceiling, as their decoders overshoot. When
    no loudness can be measured (silence, or under 0.4 s), the ceiling still holds.
    """
    import pyebur128 as ebu  # loaded only when a profile asks for a loudness

    rate, out_rate = plan.take.samplerate, output_rate(plan)
    mode = ebu.MeasurementMode
    mix_meter = ebu.R128State(2, rate, mode.MODE_I | mode.MODE_TRUE_PEAK)
    stems = plan.request.stems
    peak_meters = [ebu.R128State(1, out_rate, mode.MODE_TRUE_PEAK) for _ in files] if stems \
        else [ebu.R128State(2, out_rate, mode.MODE_TRUE_PEAK)]
    resamplers = [_resampler(rate, out_rate, m.channels) for m in peak_meters]
    mix_gains = stereo_gains(plan.sounding_mixes)
    chain = effects(rate, 2)
    blocks = _blocks(sources, plan, range(len(plan.sounding_mixes)), stop)
    while (block := next(blocks, None)) is not None or resamplers[0] is not None:
        if block is None:  # the resamplers' last samples
            sounds = [np.zeros((0, m.channels), np.float32) for m in peak_meters]
        else:
            mixed = _through(chain, (mix_gains.T @ block).T)
            mix_meter.add_frames(mixed.reshape(-1), len(mixed))
            sounds = [block[output.tracks[0]][:, None] for output in files] if stems else [mixed]
            advance(block.shape[1])
        for meter, resampler, sound in zip(peak_meters, resamplers, sounds, strict=True):
            if resampler is not None:
                sound = resampler.resample_chunk(np.ascontiguousarray(sound, np.float32),
                                                 last=block is None)
            sound = np.ascontiguousarray(sound, np.float32)
            if len(sound):
                meter.add_frames(sound.reshape(-1), len(sound))
        if block is None:
            break
    lufs = ebu.get_loudness_global(mix_meter)
    peak = max(ebu.get_true_peak(m, c) for m in peak_meters for c in range(m.channels))
    peak_db = 20 * math.log10(peak) if peak > 0 else -math.inf
    ceiling = plan.request.true_peak_dbtp - (0.0 if plan.request.format.lossless
                                             else LOSSY_MARGIN_DB)
    target = plan.request.loudness_lufs
    gain = target - lufs if math.isfinite(lufs) and target is not None else 0.0
    if math.isfinite(peak_db):
        gain = min(gain, ceiling - peak_db)
    return gain, lufs, peak_db


def _resampler(in_rate: int, out_rate: int, channels: int):
    """A soxr stream from IN_RATE to OUT_RATE, or None when they are the same."""
    if in_rate == out_rate:
        return None
    import soxr

    return soxr.ResampleStream(in_rate, out_rate, channels, dtype="float32", quality="HQ")


def write(sources: Sources, plan: ExportPlan, output: AudioOutput, path: Path, gain_db: float,
          tags: Tags, stop: threading.Event, advance: Callable[[int], None],
          effects: Callable[[int, int], list[Processor]] = lambda _r, _c: []) -> None:
    """Write OUTPUT to PATH; raises Stopped (leaving PATH for the caller to remove) on STOP."""
    request = plan.request
    in_rate = plan.take.samplerate
    out_rate = output_rate(plan)
    depth = request.depth
    gains = output.gains * np.float32(10 ** (gain_db / 20))
    chain = effects(in_rate, output.channels)
    exact = output.transparent_source and gain_db == 0 and out_rate == in_rate and not chain
    resampler = _resampler(in_rate, out_rate, output.channels)
    # the same export gives the same bytes; each file its own noise, or summed stems would
    # add their dither up coherently
    dither = np.random.default_rng((0, output.seed))
    with _open(path, request.format, depth, out_rate, output.channels, tags) as file:
        blocks = _blocks(sources, plan, output.tracks, stop)
        done = False
        while not done:
            block = next(blocks, None)
            done = block is None
            if block is None:
                if resampler is None:
                    break
                frames = np.zeros((0, output.channels), np.float32)
            else:
                if exact:
                    frames = block[0][:, None]
                elif chain:  # the effects before the loudness gain, as they were measured
                    frames = _through(chain, (output.gains.T @ block).T) \
                        * np.float32(10 ** (gain_db / 20))
                else:
                    frames = (gains.T @ block).T
                advance(block.shape[1])
            if resampler is not None:
                frames = resampler.resample_chunk(np.ascontiguousarray(frames, np.float32),
                                                  last=done)
            if len(frames):
                file.write(_samples(frames, depth, request.format, None if exact else dither))
    _retag(path, request.format, tags)


def _through(chain: Sequence[Processor], frames: np.ndarray) -> np.ndarray:
    """FRAMES (frames, channels) through each processor of CHAIN in turn, as float32."""
    frames = np.ascontiguousarray(frames, dtype=np.float32)
    for processor in chain:
        frames = np.ascontiguousarray(processor.process(frames), dtype=np.float32)
    return frames


def _samples(frames: np.ndarray, depth: int | None, fmt: AudioFormat,
             dither: np.random.Generator | None) -> np.ndarray:
    """FRAMES as the file stores them: integers for 16 and 24 bits (TPDF-dithered unless
    DITHER is None), float clipped to full scale for the lossy formats, float as is for 32."""
    if depth == 32:
        return np.ascontiguousarray(frames, np.float32)
    if depth is None:
        return np.clip(frames, -1.0, 1.0).astype(np.float32)
    scale = float(1 << (depth - 1))
    values = frames.astype(np.float64) * scale
    if dither is not None:
        values += dither.random(values.shape) - dither.random(values.shape)
    np.rint(values, out=values)
    np.clip(values, -scale, scale - 1, out=values)
    if depth == 16:
        return values.astype(np.int16)
    return values.astype(np.int32) << 8  # libsndfile keeps the top 24 bits of an int32


def output_rate(plan: ExportPlan) -> int:
    """The files' sample rate: the profile's, else the take's (MP3 at most 48 kHz)."""
    rate = (plan.request.profile.samplerate if plan.request.profile else None) \
        or plan.take.samplerate
    if plan.request.format is AudioFormat.MP3 and rate not in _MP3_RATES:
        return 44100 if rate % 11025 == 0 else 48000
    return rate


class _Mp3File:
    """An MP3 encoder with soundfile's write((frames, channels)): pedalboard's LAME, which
    is built optimized (the one inside soundfile's wheel runs about four times slower)."""

    def __init__(self, path: Path, rate: int, channels: int) -> None:
        from pedalboard.io import AudioFile

        self._file = AudioFile(str(path), "w", rate, channels, quality=_MP3_QUALITY)

    def write(self, frames: np.ndarray) -> None:
        self._file.write(np.ascontiguousarray(frames.T))

    def __enter__(self) -> _Mp3File:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._file.close()


def _open(path: Path, fmt: AudioFormat, depth: int | None, rate: int, channels: int,
          tags: Tags) -> sf.SoundFile | _Mp3File:
    """The file to write, with the allowlisted tags (MP3's are added when it is finished)."""
    if fmt is AudioFormat.MP3:
        return _Mp3File(path, rate, channels)
    if fmt is AudioFormat.OGG:
        return sf.SoundFile(path, "w", rate, channels, "VORBIS", format="OGG",
                            compression_level=_OGG_LEVEL)
    file = sf.SoundFile(path, "w", rate, channels, _SUBTYPES[depth], format=fmt.value.upper())
    if fmt is AudioFormat.WAV:  # no PEAK chunk; and no strings, so no LIST/INFO chunk either
        sf._snd.sf_command(file._file, _SFC_SET_ADD_PEAK_CHUNK, sf._ffi.NULL, 0)
        return file
    for key, value in tags.items():
        setattr(file, key, value)
    return file


def _retag(path: Path, fmt: AudioFormat, tags: Tags) -> None:
    """Leave exactly the allowlisted tags in a finished MP3 or Ogg file (its encoder's own,
    such as Ogg's "encoder=libsndfile", go too)."""
    if fmt is AudioFormat.MP3:
        from mutagen.id3 import ID3, TALB, TIT2, TPE1

        frames = {"title": TIT2, "artist": TPE1, "album": TALB}
        id3 = ID3()
        for key, value in tags.items():
            id3.add(frames[key](encoding=3, text=[value]))
        if tags.items():
            id3.save(path)
    elif fmt is AudioFormat.OGG:
        from mutagen.oggvorbis import OggVorbis

        ogg = OggVorbis(path)
        ogg.tags.clear()
        for key, value in tags.items():
            ogg.tags[key] = [value]
        ogg.save()


def _blocks(sources: Sources, plan: ExportPlan, indices: Sequence[int] | range,
            stop: threading.Event) -> Iterator[np.ndarray]:
    """The chosen tracks over the plan's region as (tracks, frames) float32 blocks."""
    indices = list(indices)
    readers = [TrackReader(sources[i], plan.start) for i in indices]
    try:
        block = np.zeros((len(readers), BLOCK), np.float32)
        position = plan.start
        while position < plan.end:
            if stop.is_set():
                raise Stopped
            frames = min(BLOCK, plan.end - position)
            for row, reader in enumerate(readers):
                reader.read(frames, block[row, :frames])
            position += frames
            yield block[:, :frames]
    finally:
        for reader in readers:
            reader.close()


def _source_bits(paths: Sequence[Path]) -> int | None:
    """Bits per sample of an integer track file (None for float files)."""
    if not paths:
        return None
    with open_track_file(paths[0]) as file:
        return {"PCM_16": 16, "PCM_24": 24}.get(file.subtype)

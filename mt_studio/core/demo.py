"""The demo session's music and made-up players: a synthesized band take and its files, to try
playback without an audio interface (the studio puts them in the library: studio/demo.py).

The song is 4 bars of intro, a verse and a chorus at 96 BPM in C major (I–V–vi–IV), and a
final chord: drums, bass, keys, a sung line and the keys' MIDI. Everything is made with numpy
from a fixed seed, so every demo session sounds the same; filters are applied in the frequency
domain, note by note, and repeated notes are rendered once, which keeps it well under a second.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import mido
import numpy as np
import soundfile as sf

from mt_studio.core.capture.midi_capture import events_to_smf
from mt_studio.core.domain import Purpose
from mt_studio.core.durable_files import created_atomically
from mt_studio.i18n import _

SAMPLERATE = 48_000
TEMPO_BPM = 96
BEAT = SAMPLERATE * 60 // TEMPO_BPM  # 30 000 frames
BAR = 4 * BEAT
SECTION_BARS = 4
VERSE_FRAME = SECTION_BARS * BAR
CHORUS_FRAME = 2 * SECTION_BARS * BAR
ENDING_FRAME = 3 * SECTION_BARS * BAR
TOTAL_FRAMES = ENDING_FRAME + SAMPLERATE  # the last chord rings for a second
SEED = 2026
WITNESS = "demo"
DEMO_PURPOSES = (Purpose.RECORD, Purpose.KEEP, Purpose.GROUP)

# Voicings of C, G, Am and F for the keys (MIDI notes), and the bass's roots.
PROGRESSION = ((60, 64, 67), (59, 62, 67), (57, 60, 64), (57, 60, 65))
BASS_ROOTS = (36, 31, 33, 29)
ENDING_CHORD = (60, 64, 67, 72)


class Note(NamedTuple):
    """A note in frames: where it starts, how long the key is held, pitch and velocity."""

    start: int
    length: int
    pitch: int
    velocity: int = 90


@dataclass(frozen=True)
class DemoSong:
    """The synthesized parts of the demo take, each one mono float32 track of `frames`."""

    samplerate: int
    frames: int
    drums: np.ndarray
    bass: np.ndarray
    keys: np.ndarray
    voice: np.ndarray
    keys_notes: tuple[Note, ...]
    markers: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class Player:
    """A made-up participant (called so in the user's language), the input they play into,
    and what is recorded from them."""

    pseudonym: Callable[[], str]
    input: int
    label: Callable[[], str]
    part: str
    isolated: bool


PLAYERS = (
    Player(lambda: _("Demo Drummer"), 1, lambda: _("Drums (room mic)"), "drums", False),
    Player(lambda: _("Demo Bassist"), 2, lambda: _("Bass (DI)"), "bass", True),
    Player(lambda: _("Demo Keys"), 3, lambda: _("Keys (line out)"), "keys", True),
    Player(lambda: _("Demo Singer"), 4, lambda: _("Vocal mic"), "voice", False),
)


def write_wav(path: Path, sound: np.ndarray, samplerate: int) -> None:
    """SOUND as a new 24-bit WAV at PATH; a file already there is refused, never replaced."""
    with created_atomically(path) as file:
        sf.write(file, sound, samplerate, subtype="PCM_24", format="WAV")


def write_midi(path: Path, notes: Sequence[Note], samplerate: int) -> None:
    """NOTES as a type-0 Standard MIDI File timed like a recorded one: channel messages only."""
    events: list[tuple[int, int, mido.Message]] = []
    for note in notes:
        events.append((note.start, 1, mido.Message("note_on", note=note.pitch,
                                                   velocity=note.velocity)))
        events.append((note.start + note.length, 0,
                       mido.Message("note_off", note=note.pitch, velocity=0)))
    events.sort(key=lambda event: (event[0], event[1]))  # a note ends before one starts
    ordered = [(frame, message) for frame, _order, message in events]
    midi = events_to_smf(ordered, samplerate, ordered[-1][0] if ordered else 0)
    with created_atomically(path) as file:  # never over a file already there
        midi.save(file=file)


# ---------------------------------------------------------------------------------------------
# The song


def synthesize_song() -> DemoSong:
    """Render the demo song's parts, the keys' notes and the section markers."""
    rng = np.random.default_rng(SEED)
    keys_notes = _keys_notes()
    parts = {  # peak levels in dBFS: bass and keys are dense, so they peak lower to sit right

        "drums": (_drums(rng), -6.0),
        "bass": (_render(_bass_notes(), _bass_note), -9.0),
        "keys": (_render(keys_notes, _keys_note), -8.0),
        "voice": (_voice(rng), -6.0),
    }
    tracks = {name: _finish(audio, peak_db) for name, (audio, peak_db) in parts.items()}
    markers = ((VERSE_FRAME, _("Verse")), (CHORUS_FRAME, _("Chorus")))
    return DemoSong(SAMPLERATE, TOTAL_FRAMES, keys_notes=tuple(keys_notes), markers=markers,
                    **tracks)


def _finish(audio: np.ndarray, peak_db: float) -> np.ndarray:
    """No DC, short fades at both ends, and the peak at PEAK_DB dBFS, as float32."""
    audio = audio[:TOTAL_FRAMES] - np.mean(audio[:TOTAL_FRAMES])
    fade_in, fade_out = SAMPLERATE // 200, SAMPLERATE // 2
    audio[:fade_in] *= np.linspace(0.0, 1.0, fade_in)
    audio[-fade_out:] *= np.linspace(1.0, 0.0, fade_out) ** 2
    audio *= 10 ** (peak_db / 20) / np.max(np.abs(audio))
    return audio.astype(np.float32)


def _beats(bar: int, beat: float) -> int:
    return bar * BAR + round(beat * BEAT)


def _keys_notes() -> list[Note]:
    rhythms = {  # (beat, beats held) per bar, by section
        "intro": ((0, 3.9),),
        "verse": ((0, 1.4), (1.5, 2.4)),
        "chorus": ((0, 1.4), (1.5, 0.9), (2.5, 1.4)),
    }
    notes = []
    for bar in range(3 * SECTION_BARS):
        section = ("intro", "verse", "chorus")[bar // SECTION_BARS]
        for beat, held in rhythms[section]:
            accent = 96 if beat == 0 else 82
            notes += [Note(_beats(bar, beat), round(held * BEAT), pitch, accent - 4 * i)
                      for i, pitch in enumerate(PROGRESSION[bar % 4])]
    notes += [Note(ENDING_FRAME, round(1.5 * BEAT), pitch, 90) for pitch in ENDING_CHORD]
    return notes


def _bass_notes() -> list[Note]:
    patterns = {  # (beat, beats held, semitones above the root)
        "intro": ((0, 1.9, 0), (2, 1.9, 0)),
        "verse": ((0, 1.4, 0), (1.5, 0.45, 0), (2, 0.9, 0), (3, 0.45, 7), (3.5, 0.45, 12)),
        "chorus": tuple((k / 2, 0.42, 12 if k in (3, 7) else 0) for k in range(8)),
    }
    notes = []
    for bar in range(2, 3 * SECTION_BARS):  # the bass comes in on the intro's third bar
        section = ("intro", "verse", "chorus")[bar // SECTION_BARS]
        root = BASS_ROOTS[bar % 4]
        notes += [Note(_beats(bar, beat), round(held * BEAT), root + step,
                       100 if beat == 0 else 88) for beat, held, step in patterns[section]]
    notes.append(Note(ENDING_FRAME, SAMPLERATE, BASS_ROOTS[0], 100))
    return notes


_VERSE_MELODY = (  # (bar, beat, beats, pitch)
    (0, 0, 1, 64), (0, 1, 0.5, 64), (0, 1.5, 0.5, 62), (0, 2, 1, 60), (0, 3, 1, 64),
    (1, 0, 1.5, 62), (1, 1.5, 0.5, 59), (1, 2, 2, 62),
    (2, 0, 1, 60), (2, 1, 0.5, 60), (2, 1.5, 0.5, 59), (2, 2, 1, 57), (2, 3, 1, 60),
    (3, 0, 2, 57), (3, 2, 1.5, 60),
)
_CHORUS_MELODY = (
    (0, 0, 1.5, 67), (0, 1.5, 0.5, 64), (0, 2, 1, 67), (0, 3, 1, 69),
    (1, 0, 2, 67), (1, 2, 1, 59), (1, 3, 1, 62),
    (2, 0, 1.5, 69), (2, 1.5, 0.5, 67), (2, 2, 1, 64), (2, 3, 1, 62),
    (3, 0, 1.5, 69), (3, 1.5, 0.5, 67), (3, 2, 1, 65), (3, 3, 1, 62),
    (4, 0, 1.6, 60),
)


def _melody() -> list[Note]:
    notes = []
    for first_bar, melody in ((SECTION_BARS, _VERSE_MELODY), (2 * SECTION_BARS, _CHORUS_MELODY)):
        notes += [Note(_beats(first_bar + bar, beat), round(beats * BEAT * 0.94), pitch)
                  for bar, beat, beats, pitch in melody]
    return notes


# ---------------------------------------------------------------------------------------------
# Sound sources


def _hz(pitch: float) -> float:
    return 440.0 * 2 ** ((pitch - 69) / 12)


def _filtered(signal: np.ndarray, response: Callable[[np.ndarray], np.ndarray],
              tail: int = 0) -> np.ndarray:
    """SIGNAL through a zero-phase filter whose magnitude RESPONSE(hz) is given, TAIL longer."""
    length = len(signal) + tail
    size = 1 << (length + 2048 - 1).bit_length()
    spectrum = np.fft.rfft(signal, size) * response(np.fft.rfftfreq(size, 1 / SAMPLERATE))
    return np.fft.irfft(spectrum, size)[:length]


def _lowpass(cutoff: float) -> Callable[[np.ndarray], np.ndarray]:
    return lambda f: 1 / np.sqrt(1 + (f / cutoff) ** 4)


def _highpass(cutoff: float) -> Callable[[np.ndarray], np.ndarray]:
    return lambda f: 1 / np.sqrt(1 + (cutoff / np.maximum(f, 1.0)) ** 4)


def _saw(hz: float, frames: int) -> np.ndarray:
    """A sawtooth with PolyBLEP corners, so it does not alias into a buzz."""
    step = hz / SAMPLERATE
    phase = (np.arange(frames) * step) % 1.0
    saw = 2 * phase - 1
    rising = phase < step
    t = phase[rising] / step
    saw[rising] -= t + t - t * t - 1
    falling = phase > 1 - step
    t = (phase[falling] - 1) / step
    saw[falling] -= t * t + t + t + 1
    return saw


def _triangle(hz: float, frames: int) -> np.ndarray:
    phase = (np.arange(frames) * hz / SAMPLERATE + 0.25) % 1.0
    return 4 * np.abs(phase - 0.5) - 1


def _envelope(frames: int, attack: float, decay: float, sustain: float,
              release: int) -> np.ndarray:
    """Attack and decay (seconds) to SUSTAIN over FRAMES, then RELEASE frames fading out."""
    t = np.arange(frames + release) / SAMPLERATE
    level = sustain + (1 - sustain) * np.exp(-t / decay)
    level *= np.minimum(1.0, t / attack)
    held_level = level[frames - 1] if frames else 0.0
    level[frames:] = held_level * np.linspace(1.0, 0.0, release) ** 2
    return level


def _render(notes: Sequence[Note], sound: Callable[[int, int], np.ndarray]) -> np.ndarray:
    out = np.zeros(TOTAL_FRAMES + SAMPLERATE)
    rendered: dict[tuple[int, int], np.ndarray] = {}  # the same note sounds the same each time
    for note in notes:
        key = (note.pitch, note.length)
        if key not in rendered:
            rendered[key] = sound(*key)
        audio = rendered[key] * (note.velocity / 100)
        end = min(len(out), note.start + len(audio))
        out[note.start:end] += audio[:end - note.start]
    return out


def _bass_note(pitch: int, frames: int) -> np.ndarray:
    """A plucked bass: a bright saw that darkens quickly over a round sine."""
    hz = _hz(pitch)
    release = SAMPLERATE // 40
    t = np.arange(frames + release) / SAMPLERATE
    saw = _saw(hz, frames + release) * np.exp(-t / 0.1)
    body = np.sin(2 * np.pi * hz * t) + 0.3 * np.sin(4 * np.pi * hz * t)
    tone = _filtered(0.8 * saw + body, _lowpass(1000.0))
    return tone * _envelope(frames, 0.004, 0.25, 0.3, release)


def _keys_note(pitch: int, frames: int) -> np.ndarray:
    """A soft synth keyboard voice: two detuned saws and a triangle, low-passed."""
    hz = _hz(pitch)
    release = SAMPLERATE // 6
    total = frames + release
    tone = (0.35 * _saw(hz * 2 ** (7 / 1200), total) + 0.35 * _saw(hz * 2 ** (-7 / 1200), total)
            + 0.6 * _triangle(hz, total))
    tone = _filtered(tone, _lowpass(2200.0))
    return tone * _envelope(frames, 0.012, 0.35, 0.55, release)


# ---------------------------------------------------------------------------------------------
# Drums


def _drums(rng: np.random.Generator) -> np.ndarray:
    sounds = {
        "kick": _kick(rng), "snare": _snare(rng), "hat": _hat(rng, 0.035),
        "open": _hat(rng, 0.22), "crash": _crash(rng),
    }
    out = np.zeros(TOTAL_FRAMES + 2 * SAMPLERATE)
    for frame, name, gain in _drum_hits():
        jitter = 0 if name == "crash" else int(rng.integers(-90, 90))
        frame = max(0, frame + jitter)
        sound = sounds[name] * gain * rng.uniform(0.9, 1.05)
        out[frame:frame + len(sound)] += sound
    return out


def _drum_hits() -> list[tuple[int, str, float]]:
    hits = []
    for bar in range(3 * SECTION_BARS):
        chorus = bar >= 2 * SECTION_BARS
        sparse = bar < 2
        for eighth in range(8):
            name = "open" if chorus and eighth == 7 else "hat"
            hits.append((_beats(bar, eighth / 2), name, 0.5 if eighth % 2 == 0 else 0.32))
        kicks = (0,) if sparse else (0, 1.5, 2, 2.5) if chorus else (0, 2, 2.5)
        hits += [(_beats(bar, beat), "kick", 1.0) for beat in kicks]
        if not sparse:
            hits += [(_beats(bar, beat), "snare", 0.8) for beat in (1, 3)]
        if bar in (SECTION_BARS - 1, 2 * SECTION_BARS - 1):  # a fill into the next section
            hits += [(_beats(bar, 3 + k / 4), "snare", 0.35 + 0.12 * k) for k in range(1, 4)]
    hits += [(CHORUS_FRAME, "crash", 0.5), (ENDING_FRAME, "crash", 0.6),
             (ENDING_FRAME, "kick", 1.0)]
    return hits


def _decay(seconds: float, tau: float) -> np.ndarray:
    return np.exp(-np.arange(round(seconds * SAMPLERATE)) / (tau * SAMPLERATE))


def _kick(rng: np.random.Generator) -> np.ndarray:
    t = np.arange(round(0.45 * SAMPLERATE)) / SAMPLERATE
    hz = 48 + 90 * np.exp(-t / 0.03)
    body = np.sin(2 * np.pi * np.cumsum(hz) / SAMPLERATE) * _decay(0.45, 0.16)
    click = _filtered(rng.standard_normal(len(t)), _lowpass(3000.0)) * _decay(0.45, 0.002)
    return body + 0.25 * click


def _snare(rng: np.random.Generator) -> np.ndarray:
    t = np.arange(round(0.3 * SAMPLERATE)) / SAMPLERATE
    noise = _filtered(rng.standard_normal(len(t)), _highpass(1200.0)) * _decay(0.3, 0.07)
    tone = np.sin(2 * np.pi * 190 * t) * _decay(0.3, 0.05)
    return 0.45 * noise + 0.6 * tone


def _hat(rng: np.random.Generator, tau: float) -> np.ndarray:
    seconds = 6 * tau
    noise = rng.standard_normal(round(seconds * SAMPLERATE))
    return 0.5 * _filtered(noise, _highpass(7000.0)) * _decay(seconds, tau)


def _crash(rng: np.random.Generator) -> np.ndarray:
    noise = rng.standard_normal(2 * SAMPLERATE)
    return 0.4 * _filtered(noise, _highpass(4000.0)) * _decay(2.0, 0.7)


# ---------------------------------------------------------------------------------------------
# The voice: a glottal pulse train through vowel formants, with vibrato


_VOWELS = (  # (formant Hz, bandwidth Hz) for "ah", "oh", "oo" and "eh"
    ((730, 90), (1090, 110), (2440, 160)),
    ((570, 80), (840, 90), (2410, 160)),
    ((300, 60), (870, 90), (2240, 150)),
    ((530, 70), (1840, 110), (2480, 160)),
)


def _voice(rng: np.random.Generator) -> np.ndarray:
    out = np.zeros(TOTAL_FRAMES + SAMPLERATE)
    previous: Note | None = None
    for note in _melody():
        slide = 0.0
        if previous is not None and note.start - (previous.start + previous.length) < BEAT:
            slide = previous.pitch - note.pitch
        vowel = _VOWELS[int(rng.choice(len(_VOWELS), p=(0.5, 0.2, 0.15, 0.15)))]
        sung = _sung_note(note.pitch, note.length, slide, vowel, rng)
        out[note.start:note.start + len(sung)] += sung
        previous = note
    return out


def _sung_note(pitch: int, frames: int, slide: float, vowel: tuple[tuple[int, int], ...],
               rng: np.random.Generator) -> np.ndarray:
    """One sung syllable: glide in from SLIDE semitones, vibrato that grows, then fade out."""
    release = SAMPLERATE // 12
    t = np.arange(frames + release) / SAMPLERATE
    depth = 0.3 * np.clip((t - 0.18) / 0.35, 0.0, 1.0)
    bend = depth * np.sin(2 * np.pi * 5.4 * t + rng.uniform(0, 2 * np.pi))
    bend += slide * np.exp(-t / 0.045)
    hz = _hz(pitch) * 2 ** (bend / 12)
    phase = np.cumsum(hz) / SAMPLERATE % 1.0
    # Rosenberg's glottal flow: opens over 40 % of the period, closes over 16 %, rests shut.
    flow = np.where(phase < 0.4, 0.5 * (1 - np.cos(np.pi * phase / 0.4)),
                    np.where(phase < 0.56, np.cos(np.pi * (phase - 0.4) / 0.32), 0.0))
    flow += 0.04 * rng.standard_normal(len(t)) * flow  # breath while the glottis is open
    sung = _filtered(flow, lambda f: _formants(f, vowel))
    return sung * _envelope(frames, 0.05, 0.4, 0.8, release)


def _formants(f: np.ndarray, vowel: tuple[tuple[int, int], ...]) -> np.ndarray:
    """A cascade of resonances at the vowel's formants, with lip radiation (+6 dB/octave)."""
    response = (f / 1000.0) / np.sqrt(1 + (f / 5000.0) ** 4)
    for centre, bandwidth in vowel:
        response = response * centre**2 / np.sqrt((centre**2 - f**2) ** 2 + (bandwidth * f) ** 2)
    return response

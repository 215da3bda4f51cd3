"""A band played by the General MIDI synthesizer, for tests that listen: a piano striking each
bar's chord on beats 1 and 3, a fingered bass going root, fifth, root, and a drum kit (kick on
1 and 3, snare on 2 and 4, closed hi-hat on every eighth), each part rendered to its own file
as a piano's line out, a bass's DI and a drum mic would give it, the three about as loud as a
sound check would set them (within 2 dB RMS)."""

from __future__ import annotations

from pathlib import Path

import mido
import numpy as np
import soundfile as sf

from mt_studio.core.synth import render_midi

PITCH = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
PIANO, BASS, DRUMS = 0, 1, 9  # MIDI channels, from 0 (9 is GM's drum channel 10)
Events = list[tuple[float, mido.Message]]


def triad(chord: str) -> tuple[int, list[int]]:
    """The root (pitch class) of CHORD ("C", "Am") and its triad's pitch classes."""
    root = PITCH[chord[0]]
    third = 3 if chord.endswith("m") else 4
    return root, [root, (root + third) % 12, (root + 7) % 12]


HALVES, WHOLES = ((0, 1.9), (2, 1.9)), ((0, 3.9),)  # the piano's strokes: (beat, beats held)


def band_events(chords: tuple[str, ...], bpm: float, lead: float,
                piano: tuple[tuple[float, float], ...] = HALVES) -> dict[int, Events]:
    """The piano's, bass's and drums' messages (seconds, message), by channel, for one bar per
    chord in 4/4 at BPM, the first bar at LEAD seconds; PIANO says when the piano strikes."""
    beat = 60.0 / bpm
    parts: dict[int, Events] = {
        PIANO: [(0.0, mido.Message("program_change", channel=PIANO, program=0))],
        BASS: [(0.0, mido.Message("program_change", channel=BASS, program=33))],
        DRUMS: []}

    def play(channel: int, at: float, length: float, note: int, velocity: int) -> None:
        parts[channel] += [
            (at, mido.Message("note_on", channel=channel, note=note, velocity=velocity)),
            (at + length, mido.Message("note_off", channel=channel, note=note))]

    for bar, chord in enumerate(chords):
        start = lead + 4 * bar * beat
        root, notes = triad(chord)
        for hit, held in piano:
            for pitch in notes:
                play(PIANO, start + hit * beat, held * beat, 60 + pitch, 92)
        for at, held, step in ((0, 1.9, 0), (2, 0.9, 7), (3, 0.9, 0)):
            play(BASS, start + at * beat, held * beat, 36 + root + step, 72)
        for at, drum in ((0, 36), (1, 38), (2, 36), (3, 38)):
            play(DRUMS, start + at * beat, 0.1, drum, 100)
        for eighth in range(8):
            play(DRUMS, start + eighth * beat / 2, 0.1, 42, 62)
    return parts


def write_midi(path: Path, events: Events) -> Path:
    """EVENTS as a type-0 MIDI file at 120 BPM (960 ticks a second)."""
    track, ticks = mido.MidiTrack(), 0
    for seconds, message in sorted(events, key=lambda event: event[0]):
        tick = round(seconds * 960)
        track.append(message.copy(time=tick - ticks))
        ticks = tick
    midi = mido.MidiFile(type=0, ticks_per_beat=480)
    midi.tracks.append(track)
    midi.save(path)
    return path


def render_band(folder: Path, chords: tuple[str, ...], bpm: float, lead: float,
                samplerate: int, tail: float = 1.5, piano: tuple = HALVES,
                playing: tuple[int, ...] = (PIANO, BASS, DRUMS)) -> np.ndarray:
    """The parts PLAYING (channels) as rendered by the synthesizer: (parts, frames) float32,
    from 0 to TAIL seconds after the last bar."""
    frames = round((lead + 4 * len(chords) * 60.0 / bpm + tail) * samplerate)
    parts = []
    for channel, events in band_events(chords, bpm, lead, piano).items():
        if channel not in playing:
            continue
        source = write_midi(Path(folder) / f"part-{channel}.mid", events)
        render_midi(source, Path(folder) / f"part-{channel}.wav", samplerate, frames)
        parts.append(sf.read(Path(folder) / f"part-{channel}.wav", dtype="float32")[0])
    return np.stack(parts)

"""MIDI made audible: known MIDI files rendered through the real FluidSynth with each GM
soundfont the set-up installs, and the sound checked where notes are and where none are."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import mido
import numpy as np
import pytest
import soundfile as sf
from gm_band import write_midi

from mt_studio.core import synth
from mt_studio.core.errors import InputError
from mt_studio.core.synth import SynthUnavailable, render_midi

RATE = 48000
FLUID_R3 = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")
TIM_GM = Path("/usr/share/sounds/sf2/TimGM6mb.sf2")
FLUTE, PIANO = 73, 0  # General MIDI programs, counted from 0


@pytest.fixture(params=[FLUID_R3, TIM_GM], ids=["FluidR3_GM", "TimGM6mb"])
def soundfont(request, monkeypatch) -> Path:
    """Each soundfont .ci/setup installs, chosen as a user would choose one."""
    monkeypatch.setenv(synth.SOUNDFONT_ENV, str(request.param))
    return request.param


def note(start: float, length: float, pitch: int, channel: int = 0, velocity: int = 100
         ) -> list[tuple[float, mido.Message]]:
    return [(start, mido.Message("note_on", channel=channel, note=pitch, velocity=velocity)),
            (start + length, mido.Message("note_off", channel=channel, note=pitch))]


def rendered(tmp_path: Path, events, seconds: float, name: str = "part") -> np.ndarray:
    source = write_midi(tmp_path / f"{name}.mid", events)
    out = tmp_path / f"{name}.wav"
    render_midi(source, out, RATE, round(seconds * RATE))
    samples, rate = sf.read(out, dtype="float32")
    assert rate == RATE and samples.ndim == 1
    return samples


def rms(samples: np.ndarray, start: float, stop: float) -> float:
    return float(np.sqrt(np.mean(np.square(samples[round(start * RATE):round(stop * RATE)],
                                           dtype=np.float64))))


def pitch_of(samples: np.ndarray, start: float, stop: float) -> float:
    """The frequency of the strongest spectral peak between START and STOP seconds (Hz)."""
    part = samples[round(start * RATE):round(stop * RATE)].astype(np.float64)
    spectrum = np.abs(np.fft.rfft(part * np.hanning(len(part)), n=8 * len(part)))
    return float(np.argmax(spectrum) * RATE / (8 * len(part)))


def centroid(samples: np.ndarray, start: float, stop: float) -> float:
    """The spectral centroid (Hz) between START and STOP seconds: high for a snare's noise."""
    part = samples[round(start * RATE):round(stop * RATE)].astype(np.float64)
    power = np.abs(np.fft.rfft(part)) ** 2
    return float(np.sum(np.fft.rfftfreq(len(part), 1 / RATE) * power) / np.sum(power))


def test_a_sustained_note_sounds_at_its_pitch_and_only_while_it_plays(tmp_path, soundfont):
    program = [(0.0, mido.Message("program_change", program=FLUTE))]
    samples = rendered(tmp_path, program + note(0.5, 1.0, 69), seconds=4.0)  # A4 for a second
    assert len(samples) == 4 * RATE
    sounding = rms(samples, 0.6, 1.4)
    assert sounding > 0.01  # an audible flute, not a whisper
    assert rms(samples, 0.0, 0.49) < 1e-6  # nothing before the first note (-120 dB)
    assert rms(samples, 3.2, 4.0) < sounding / 1000  # and silence once it (and its echo) died
    assert pitch_of(samples, 0.7, 1.4) == pytest.approx(440.0, rel=0.01)


def test_program_changes_pitch_bend_and_controllers_are_heard(tmp_path, soundfont):
    flute = [(0.0, mido.Message("program_change", channel=1, program=FLUTE))]
    samples = rendered(tmp_path, flute + [
        (0.0, mido.Message("pitchwheel", channel=1, pitch=4096)),  # up a semitone (of two)
        *note(0.2, 0.8, 69, channel=1),
        (1.5, mido.Message("pitchwheel", channel=1, pitch=0)),
        (1.5, mido.Message("control_change", channel=1, control=7, value=127)),
        *note(2.0, 0.8, 69, channel=1),
        (3.0, mido.Message("control_change", channel=1, control=7, value=40)),  # volume down
        *note(3.5, 0.8, 69, channel=1),
    ], seconds=5.0)
    assert pitch_of(samples, 0.4, 0.95) == pytest.approx(466.16, rel=0.01)  # A#4: bent
    assert pitch_of(samples, 2.2, 2.75) == pytest.approx(440.0, rel=0.01)  # and back
    assert rms(samples, 3.7, 4.25) < rms(samples, 2.2, 2.75) / 5  # CC 7 turned it down

    # The same key on a piano (the default program) dies away; on a flute it is held.
    piano = rendered(tmp_path, note(0.2, 3.0, 57), seconds=3.5, name="piano")
    blown = rendered(tmp_path, [(0.0, mido.Message("program_change", program=FLUTE)),
                                *note(0.2, 3.0, 57)], seconds=3.5, name="flute")
    assert rms(piano, 2.6, 3.1) < rms(piano, 0.3, 0.8) / 4
    assert rms(blown, 2.6, 3.1) > rms(blown, 0.3, 0.8) / 2

    # The sustain pedal (CC 64) holds a released key.
    pedal = rendered(tmp_path, [(0.1, mido.Message("control_change", control=64, value=127)),
                                *note(0.2, 0.3, 60)], seconds=1.5, name="pedal")
    no_pedal = rendered(tmp_path, note(0.2, 0.3, 60), seconds=1.5, name="no-pedal")
    assert rms(pedal, 1.0, 1.5) > 4 * rms(no_pedal, 1.0, 1.5)


def test_channel_10_plays_the_drum_kit(tmp_path, soundfont):
    snare, kick = 38, 36  # GM's acoustic snare and bass drum, on channel 10 (9 from 0)
    samples = rendered(tmp_path, [*note(0.2, 0.2, snare, channel=9),
                                  *note(1.2, 0.2, kick, channel=9),
                                  *note(2.2, 0.6, snare, channel=0),
                                  *note(3.2, 0.6, kick, channel=0)], seconds=4.0)
    assert min(rms(samples, start, start + 0.3) for start in (0.2, 1.2, 2.2, 3.2)) > 0.01
    # On channel 10 the two keys are two drums, a kick far below a snare; on a piano they
    # are two notes a tone apart, of one colour.
    drums = centroid(samples, 0.2, 0.5) / centroid(samples, 1.2, 1.5)
    piano = centroid(samples, 2.2, 2.5) / centroid(samples, 3.2, 3.5)
    assert drums > 3 and 0.7 < piano < 1.4


def test_a_render_is_the_same_every_time_and_exactly_as_long_as_asked(tmp_path, soundfont):
    source = write_midi(tmp_path / "part.mid", note(0.1, 0.5, 64) + note(2.0, 1.0, 67))
    for name in ("one.wav", "two.wav"):
        render_midi(source, tmp_path / name, RATE, RATE)  # a note after the end is dropped
    # The samples, not the files' bytes: libsndfile stamps a float WAV's PEAK chunk with the
    # second it was written.
    one, two = (sf.read(tmp_path / name, dtype="float32")[0] for name in ("one.wav", "two.wav"))
    assert one.tobytes() == two.tobytes() and np.abs(one).max() > 0.01
    assert sf.info(tmp_path / "one.wav").frames == RATE


def test_without_a_synthesizer_or_soundfont_the_message_says_what_to_install(
        tmp_path, monkeypatch):
    source = write_midi(tmp_path / "part.mid", note(0.1, 0.5, 64))
    monkeypatch.setenv(synth.SOUNDFONT_ENV, str(tmp_path / "missing.sf2"))
    with pytest.raises(SynthUnavailable, match="missing.sf2"):
        render_midi(source, tmp_path / "out.wav", RATE, RATE)
    (tmp_path / "broken.sf2").write_bytes(b"RIFF\x10\x00\x00\x00sfbk" + bytes(64))
    monkeypatch.setenv(synth.SOUNDFONT_ENV, str(tmp_path / "broken.sf2"))
    with pytest.raises(SynthUnavailable, match="broken.sf2 cannot be read"):
        render_midi(source, tmp_path / "out.wav", RATE, RATE)
    monkeypatch.delenv(synth.SOUNDFONT_ENV)
    monkeypatch.setattr(synth, "SOUNDFONTS", (tmp_path / "nowhere.sf2",))
    assert "fluid-soundfont-gm" in synth.synth_problem()
    monkeypatch.setitem(sys.modules, "fluidsynth", None)  # as if libfluidsynth were missing
    with pytest.raises(SynthUnavailable, match="libfluidsynth3"):
        synth.synth_version()
    assert isinstance(SynthUnavailable("x"), InputError)  # a plain message, never a crash


def test_a_malformed_midi_file_is_named(tmp_path, soundfont):
    broken = tmp_path / "keys.mid"
    broken.write_bytes(b"MThd\x00\x00\x00\x06\x00\x00\x00\x01\x01\xe0MTrk\x00\x00\x01\x00\x90")
    with pytest.raises(InputError, match="keys.mid cannot be read"):
        render_midi(broken, tmp_path / "out.wav", RATE, RATE)
    with pytest.raises(InputError, match="gone.mid is missing"):
        render_midi(tmp_path / "gone.mid", tmp_path / "out.wav", RATE, RATE)


def test_loading_the_synthesizer_prints_nothing_even_where_ci_is_set():
    # pyfluidsynth prints where it found libfluidsynth when CI is set, which broke a command's
    # --json answer on the CI machine.
    probe = ("from mt_studio.core import synth; print(synth.synth_version(), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", "import sys; " + probe], capture_output=True,
                          text=True, env={**os.environ, "CI": "true"}, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "" and done.stderr.strip()  # the version went to stderr, nothing else

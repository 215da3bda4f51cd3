"""An encrypted library's files read as the plain ones they stand for (waveform, peaks, any
frame of a track, MIDI notes, part checks, exports, what plugins hear), and the caches made from
them sealed with their take's key; without the keys, an error naming the file."""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import mido
import numpy as np
import pytest
import soundfile as sf
from hypothesis import given, settings
from hypothesis import strategies as st

from mt_studio.core import peak_cache, waveform
from mt_studio.core.capture.part_check import FileState, check_sound, file_hash, samples_hash
from mt_studio.core.capture.take_capture import LOCK_NAME, hold_lock
from mt_studio.core.capture.wav_stream import SampleEncoder, SampleFormat, header
from mt_studio.core.domain import Purpose, TakeStatus, TrackKind
from mt_studio.core.domain.sound import SoundingTrack, TakeSound
from mt_studio.core.domain.takes import Take, Track
from mt_studio.core.export.midi import region_midi
from mt_studio.core.export.request import ExportRequest
from mt_studio.core.library import Library as SqlLibrary
from mt_studio.core.midi_audio import midi_track_sound
from mt_studio.core.plugins.take_audio import audio_of
from mt_studio.core.practice import PracticeSettings, practice_version
from mt_studio.core.presets import AudioFormat
from mt_studio.core.sealing import keyring
from mt_studio.core.sealing.stream import SealedFileError, SealedWriter, is_sealed, seal_file
from mt_studio.core.studio import Studio
from mt_studio.core.synth import timed_messages
from mt_studio.core.waveform import TrackReader, file_frames, midi_notes, track_peaks
from tests.export_story import band_take

RATE = 48000
TAKE = 7
PLAIN_MARKS = (b"RIFF", b"WAVE", b"MThd", b"MTPEAKS")


@dataclass
class Library:
    """A library folder with one take's files, sealed, and the same files plain elsewhere."""

    folder: Path
    plain: Path
    keys: dict[int, bytes]
    signal: np.ndarray

    def part(self, name: str, plain: bool = False) -> Path:
        return (self.plain if plain else self.folder) / "audio" / f"take-{TAKE}" / name


def samples_of(signal: np.ndarray, fmt: SampleFormat) -> bytes:
    return bytes(SampleEncoder(fmt).encode(signal[None, :])[0])


def write_parts(library: Library, track: str, fmt: SampleFormat, cuts: list[int]) -> None:
    """The take's signal as parts of a track, cut at CUTS: plain WAVs, and sealed."""
    for number, (first, last) in enumerate(zip(cuts, cuts[1:], strict=False), start=1):
        data = samples_of(library.signal[first:last], fmt)
        name = f"{track}-{number}.wav"
        library.part(name, plain=True).write_bytes(header(RATE, fmt, last - first) + data)
        writer = SealedWriter(library.part(name), library.keys[TAKE],
                              f"audio/take-{TAKE}/{name}", TAKE,
                              {"samplerate": RATE, "format": fmt.value})
        writer.write(data)
        writer.finish()


def parts(library: Library, track: str, plain: bool = False) -> list[Path]:
    folder = library.part("", plain)
    return sorted(folder.glob(f"{track}-*.wav"))


def keyboard_midi() -> bytes:
    track = mido.MidiTrack([mido.Message("program_change", program=4, time=0)])
    for second in range(3):
        track.append(mido.Message("note_on", note=60 + second, velocity=90,
                                  time=0 if second == 0 else 480))
        track.append(mido.Message("note_off", note=60 + second, velocity=0, time=480))
    midi = mido.MidiFile(type=0, ticks_per_beat=480)
    midi.tracks.append(track)
    out = io.BytesIO()
    midi.save(file=out)
    return out.getvalue()


def make_library(root: Path) -> Library:
    rng = np.random.default_rng(5)
    frames = 3 * RATE + 123
    t = np.arange(frames) / RATE
    signal = (0.4 * np.sin(2 * np.pi * 220 * t) + 0.05 * rng.standard_normal(frames))
    library = Library(root / "library", root / "plain", {TAKE: os.urandom(32)},
                      np.clip(signal, -1, 1).astype(np.float32))
    for folder in (library.folder, library.plain):
        (folder / "audio" / f"take-{TAKE}").mkdir(parents=True)
    write_parts(library, "pcm24", SampleFormat.PCM24, [0, 100_001, frames])
    write_parts(library, "float", SampleFormat.FLOAT32, [0, 70_000, 70_001, frames])
    midi = keyboard_midi()
    library.part("keys.mid", plain=True).write_bytes(midi)
    seal_file(library.part("keys.mid"), midi, library.keys[TAKE], f"audio/take-{TAKE}/keys.mid",
              TAKE, {"kind": "midi"})
    return library


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    made = make_library(tmp_path_factory.mktemp("sealed"))
    keyring.install(made.folder, made.keys.get)
    yield made
    keyring.uninstall(made.folder)


def test_the_sealed_files_hold_no_plain_sound_or_midi(library):
    for path in library.part("").iterdir():
        assert is_sealed(path)
        raw = path.read_bytes()
        assert not any(mark in raw for mark in PLAIN_MARKS), path


@pytest.mark.parametrize("track", ["pcm24", "float"])
def test_waveform_and_frames_of_sealed_parts_are_those_of_the_plain_ones(library, track):
    sealed, plain = parts(library, track), parts(library, track, plain=True)
    assert [file_frames(p) for p in sealed] == [file_frames(p) for p in plain]
    for columns, start, stop in ((200, 0, None), (7, 99_990, 100_020), (1000, 5, 140_000)):
        np.testing.assert_array_equal(track_peaks(sealed, columns, start=start, stop=stop),
                                      track_peaks(plain, columns, start=start, stop=stop))


@settings(max_examples=60, deadline=None)
@given(track=st.sampled_from(["pcm24", "float"]), start=st.integers(0, 3 * RATE + 200),
       seeks=st.lists(st.tuples(st.integers(0, 3 * RATE + 200), st.integers(1, 70_000)),
                      min_size=1, max_size=4))
def test_a_sealed_track_reads_sample_exactly_from_any_frame(library, track, start, seeks):
    with TrackReader(parts(library, track), start) as sealed, \
            TrackReader(parts(library, track, plain=True), start) as plain:
        for frame, frames in seeks:
            np.testing.assert_array_equal(sealed.read(frames), plain.read(frames))
            sealed.seek(frame)
            plain.seek(frame)


def test_the_notes_of_a_sealed_midi_file_are_those_of_the_plain_one(library):
    sealed, plain = library.part("keys.mid"), library.part("keys.mid", plain=True)
    assert midi_notes(sealed, RATE) == midi_notes(plain, RATE)
    assert len(midi_notes(sealed, RATE)) == 3
    assert [(f, m.bytes()) for f, m in timed_messages(sealed, RATE)] == \
        [(f, m.bytes()) for f, m in timed_messages(plain, RATE)]
    cut = [m.bytes() for m in region_midi(sealed, RATE, RATE // 2, 2 * RATE)]
    assert cut == [m.bytes() for m in region_midi(plain, RATE, RATE // 2, 2 * RATE)]


def sound_of(library: Library, hashes: dict[Path, str], plain: bool = False) -> TakeSound:
    take = Take(TAKE, 1, 1, TakeStatus.COMPLETE, RATE, 3 * RATE + 123, datetime(2026, 12, 7),
                sample_format="pcm24")
    audio = Track(1, TAKE, TrackKind.AUDIO, "audio/take-7/pcm24-1.wav")
    midi = Track(2, TAKE, TrackKind.MIDI, "audio/take-7/keys.mid")
    files = parts(library, "pcm24", plain)
    keys = library.part("keys.mid", plain)
    return TakeSound(take, (SoundingTrack(audio, tuple(files), hashes=tuple(
                                hashes[p.name] for p in files)),
                            SoundingTrack(midi, (keys,), hashes=(hashes[keys.name],))),
                     library.folder)


def test_part_checks_hash_the_samples_sealed_and_find_a_damaged_file(library, tmp_path):
    expected = {p.name: hashlib.sha256(p.read_bytes()[len(header(RATE, SampleFormat.PCM24)):])
                .hexdigest() for p in parts(library, "pcm24", plain=True)}
    expected["keys.mid"] = hashlib.sha256(library.part("keys.mid", True).read_bytes()).hexdigest()
    for plain in (True, False):
        assert {c.state for c in check_sound(sound_of(library, expected, plain))} \
            == {FileState.MATCHES}
    sealed = parts(library, "pcm24")[0]
    assert samples_hash(sealed, RATE, SampleFormat.FLOAT32) is None  # sealed as another format
    assert samples_hash(sealed, 44100, SampleFormat.PCM24) is None
    original = sealed.read_bytes()
    try:
        damaged = bytearray(original)
        damaged[len(original) // 2] ^= 1
        sealed.write_bytes(bytes(damaged))
        assert samples_hash(sealed, RATE, SampleFormat.PCM24) is None
        states = [c.state for c in check_sound(sound_of(library, expected))]
        assert states == [FileState.CHANGED, FileState.MATCHES, FileState.MATCHES]
    finally:
        sealed.write_bytes(original)
    assert file_hash(library.part("keys.mid")) == expected["keys.mid"]


def assert_sealed_cache(path: Path) -> None:
    assert path.is_file() and is_sealed(path)
    raw = path.read_bytes()
    assert not any(mark in raw for mark in PLAIN_MARKS), path


def test_the_peak_cache_of_a_sealed_track_is_sealed_and_reads_back(library):
    sealed, plain = parts(library, "pcm24"), parts(library, "pcm24", plain=True)
    cache = peak_cache.cache_file(library.folder, sealed)
    assert peak_cache.build(sealed, cache)
    assert_sealed_cache(cache)
    plain_cache = peak_cache.cache_file(library.plain, plain)
    assert peak_cache.build(plain, plain_cache) and not is_sealed(plain_cache)
    with peak_cache.PeakCache.open(sealed, cache) as opened, \
            peak_cache.PeakCache.open(plain, plain_cache) as reference:
        for columns in (10, 300):
            np.testing.assert_array_equal(opened.peaks(columns), reference.peaks(columns))
            assert opened.frames_per_peak(len(library.signal) / columns) > 1  # from the cache
    np.testing.assert_array_equal(peak_cache.peaks_for_track(library.folder, sealed, 50),
                                  peak_cache.peaks_for_track(library.plain, plain, 50))
    cache.unlink()


def test_a_practice_version_of_a_sealed_take_is_sealed_and_sounds_as_the_plain_one(library):
    chosen = PracticeSettings(speed=0.8, semitones=1)
    sealed = practice_version(library.folder, [parts(library, "pcm24")], chosen,
                              samplerate=RATE, start=RATE // 2, stop=2 * RATE)
    plain = practice_version(library.plain, [parts(library, "pcm24", plain=True)], chosen,
                             samplerate=RATE, start=RATE // 2, stop=2 * RATE)
    ((rendered,),), ((reference,),) = sealed.tracks, plain.tracks
    assert_sealed_cache(rendered)
    assert not is_sealed(reference)
    made = rendered.stat().st_mtime_ns
    with TrackReader([rendered]) as a, TrackReader([reference]) as b:
        np.testing.assert_array_equal(a.read(sealed.frames + 10), b.read(plain.frames + 10))
    again = practice_version(library.folder, [parts(library, "pcm24")], chosen,
                             samplerate=RATE, start=RATE // 2, stop=2 * RATE)
    assert again.tracks == sealed.tracks  # the sealed render read back from the cache
    assert rendered.stat().st_mtime_ns == made


def test_the_sound_of_a_sealed_midi_file_is_sealed_and_is_the_plain_ones(library):
    frames = 2 * RATE
    sealed = midi_track_sound(library.folder, library.part("keys.mid"), RATE, frames)
    plain = midi_track_sound(library.plain, library.part("keys.mid", plain=True), RATE, frames)
    assert_sealed_cache(sealed)
    assert not is_sealed(plain)
    assert b"keys.mid" in sealed.with_suffix(".json").read_bytes()  # library-relative name
    with TrackReader([sealed]) as a, TrackReader([plain]) as b:
        np.testing.assert_array_equal(a.read(frames), b.read(frames))
    assert midi_track_sound(library.folder, library.part("keys.mid"), RATE, frames) == sealed


def test_a_sealed_file_without_its_library_open_is_refused_naming_it(tmp_path):
    library = make_library(tmp_path)  # its keys never installed
    part, keys = parts(library, "pcm24")[0], library.part("keys.mid")
    for read in (lambda: waveform.open_track_file(part), lambda: file_frames(part),
                 lambda: TrackReader([part]), lambda: track_peaks([part], 10),
                 lambda: midi_notes(keys, RATE), lambda: timed_messages(keys, RATE),
                 lambda: samples_hash(part, RATE, SampleFormat.PCM24)):
        with pytest.raises(SealedFileError) as refused:
            read()
        message = str(refused.value)
        assert str(refused.value.path) in message and "\n" not in message
        assert "no library it belongs to is open" in message
    checks = check_sound(sound_of(library, {p.name: "0" * 64 for p in
                                            (*parts(library, "pcm24"), keys)}))
    assert {c.state for c in checks} == {FileState.UNREADABLE}
    assert str(part) in checks[0].problem


def test_a_part_still_being_recorded_shows_what_is_sealed_so_far(library):
    folder = library.part("")
    path = folder / "live-1.wav"
    writer = SealedWriter(path, library.keys[TAKE], f"audio/take-{TAKE}/live-1.wav", TAKE,
                          {"samplerate": RATE, "format": "pcm24"})
    writer.write(samples_of(library.signal, SampleFormat.PCM24)[:200_000])
    writer.sync()
    try:
        with pytest.raises(SealedFileError, match="cut off"):
            file_frames(path)  # no recorder holds the take: a file cut short
        lock = hold_lock(folder)
        try:
            frames = writer.sealed_bytes // 3
            assert frames and file_frames(path) == frames
            with TrackReader([path]) as live, \
                    TrackReader(parts(library, "pcm24", plain=True)) as plain:
                np.testing.assert_array_equal(live.read(frames + 5),
                                              np.append(plain.read(frames), np.zeros(5)))
        finally:
            os.close(lock)
    finally:
        writer.close()
        path.unlink()
        (folder / LOCK_NAME).unlink()


def test_a_deleted_takes_files_cannot_be_read(library):
    key = library.keys.pop(TAKE)
    try:
        with pytest.raises(SealedFileError, match="its take was deleted"):
            file_frames(parts(library, "pcm24")[0])
    finally:
        library.keys[TAKE] = key


def test_an_export_and_a_plugin_hear_a_sealed_take_as_the_plain_one(tmp_path):
    with SqlLibrary.open(tmp_path / "library") as sql:
        studio = Studio(sql)
        story = band_take(sql)

        def export(destination: str, stems: bool):
            return studio.sharing.export(ExportRequest(
                story.take_id, destination=tmp_path / destination, purpose=Purpose.COMMUNITY,
                stems=stems, format=AudioFormat.WAV, bit_depth=32))

        plain = [export("a", stems=True), export("b", stems=False)]
        with audio_of(studio.listening.sound(story.take_id)) as heard:
            before = heard.read(0, heard.frames)
        renders = set((sql.folder / "cache").rglob("*.wav"))
        key = os.urandom(32)
        seal_take(sql.folder, story.take_id, key)
        keyring.install(sql.folder, {story.take_id: key}.get)
        try:
            sealed = [export("c", stems=True), export("d", stems=False)]
            with audio_of(studio.listening.sound(story.take_id)) as heard:
                np.testing.assert_array_equal(heard.read(0, heard.frames), before)
        finally:
            keyring.uninstall(sql.folder)
        for ours, theirs in zip(plain, sealed, strict=True):
            names = sorted(p.name for p in ours.folder.iterdir() if p.suffix in (".wav", ".mid"))
            assert names and names == sorted(p.name for p in theirs.folder.iterdir()
                                              if p.suffix in (".wav", ".mid"))
            for name in names:
                if name.endswith(".mid"):
                    assert (ours.folder / name).read_bytes() == (theirs.folder / name).read_bytes()
                else:
                    np.testing.assert_array_equal(sf.read(ours.folder / name)[0],
                                                  sf.read(theirs.folder / name)[0])
        new_renders = set((sql.folder / "cache").rglob("*.wav")) - renders
        assert new_renders  # the sealed MIDI part's sound, made for the mix
        for path in new_renders:
            assert_sealed_cache(path)


def seal_take(folder: Path, take_id: int, key: bytes) -> None:
    """Seal every file of the take's folder in place (what encrypting a library does)."""
    for path in sorted((folder / "audio" / f"take-{take_id}").iterdir()):
        name = path.relative_to(folder).as_posix()
        if path.suffix == ".wav":
            signal, rate = sf.read(path, dtype="float32")
            data = samples_of(signal, SampleFormat.PCM24)
            path.unlink()
            seal_file(path, data, key, name, take_id, {"samplerate": rate, "format": "pcm24"})
        elif path.suffix == ".mid":
            data = path.read_bytes()
            path.unlink()
            seal_file(path, data, key, name, take_id, {"kind": "midi"})

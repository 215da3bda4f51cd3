"""The bundled plugins, loaded through the real plugin host, on music synthesized here.

Chord progressions are played in several voicings (root position, inversions, spread with the
fifth below) and timbres (sines with a few harmonics, sawtooths, near-sines), with a bass note
two octaves down, some with a melody, strumming on every beat, a drum-like hit on every beat
and noise. The chord sheet must name at least 90 % of bars, at known and unknown tempi; tempo
and key, the click track and the share mix are held to what their issue asks.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from mt_studio.core.plugins.host import PluginHost, PluginState
from mt_studio.core.plugins.manifest import foreign_imports
from mt_studio.plugin_api import Annotation, ExportContext, TakeAudio

PLUGINS = Path(__file__).resolve().parent.parent / "plugins"
BUNDLED = ("chord-sheet", "click-track", "share-mix", "tempo-key")
MIN_BARS_RIGHT = 0.9

# -- music -------------------------------------------------------------------------------------

PITCH = {"C": 0, "C#": 1, "Db": 1, "D": 2, "Eb": 3, "E": 4, "F": 5, "F#": 6, "G": 7,
         "G#": 8, "Ab": 8, "A": 9, "Bb": 10, "B": 11}
QUALITY = {"": (0, 4, 7), "m": (0, 3, 7), "7": (0, 4, 7, 10)}
TIMBRES = {"sine": (1.0, 0.5, 0.25, 0.12), "saw": tuple(1 / n for n in range(1, 13)),
           "soft": (1.0, 0.15)}
SCALE = (0, 2, 4, 5, 7, 9, 11)


def parse(chord: str) -> tuple[int, tuple[int, ...]]:
    root = chord[:2] if chord[1:2] in ("#", "b") else chord[:1]
    return PITCH[root], QUALITY[chord[len(root):]]


def expected(chord: str) -> str:
    """What the chord sheet should call CHORD: a triad (A7 is A)."""
    return chord.removesuffix("7")


def voiced(chord: str, voicing: str, bar: int) -> list[int]:
    """MIDI notes of CHORD: root position from middle C, first or second inversion, spread (root
    and fifth an octave down, the third above), or mixed (the three in turn, bar by bar)."""
    root, intervals = parse(chord)
    notes = [60 + root + i for i in intervals]
    if voicing == "first":
        return notes[1:] + [notes[0] + 12]
    if voicing == "second":
        return notes[2:] + [n + 12 for n in notes[:2]]
    if voicing == "spread":
        return [48 + root, 55 + root, notes[1] + 12]
    if voicing == "mixed":
        return voiced(chord, ("root", "first", "second")[bar % 3], bar)
    return notes


def tone(midi: int, t: np.ndarray, partials: tuple[float, ...], rng) -> np.ndarray:
    hz = 440 * 2 ** ((midi - 69) / 12)
    phase = rng.uniform(0, 2 * np.pi)
    return sum(a * np.sin(2 * np.pi * n * hz * t + n * phase)
               for n, a in enumerate(partials, 1) if n * hz < 10000)


@dataclass(frozen=True)
class Song:
    chords: tuple[str, ...]
    bpm: float
    rate: int = 22050
    voicing: str = "root"
    timbre: str = "sine"
    strum: bool = False  # chords struck again on every beat, else held through the bar
    drums: bool = False  # a drum-like hit on every beat, louder on the first of the bar
    melody: bool = False  # eighth notes over the chords: chord tones on beats, any between
    noise: float = 0.01
    lead: float = 0.0  # seconds of silence before the first bar
    per_bar: int = 4
    seed: int = 0

    @property
    def beat(self) -> float:
        return 60 * self.rate / self.bpm

    @property
    def bar(self) -> float:
        return self.beat * self.per_bar

    def bar_start(self, i: float) -> float:
        return self.lead * self.rate + i * self.bar

    def signal(self) -> np.ndarray:
        rng = np.random.default_rng(self.seed)
        frames = round(self.bar_start(len(self.chords)))
        out = np.zeros(frames)
        for i, chord in enumerate(self.chords):
            a, b = round(self.bar_start(i)), round(self.bar_start(i + 1))
            t = np.arange(b - a) / self.rate
            layer = sum(tone(n, t, TIMBRES[self.timbre], rng)
                        for n in voiced(chord, self.voicing, i))
            layer = layer + 0.8 * tone(36 + parse(chord)[0], t, TIMBRES["soft"], rng)
            if self.strum:
                envelope = np.exp(-(t % (self.beat / self.rate)) / 0.6)
            else:
                envelope = np.minimum(1, t / 0.02) * np.minimum(1, (t[-1] - t) / 0.03)
            out[a:b] += 0.1 * layer * envelope * np.minimum(1, t / 0.005)
            if self.melody:
                out[a:b] += self._melody(chord, i, t, rng)
        if self.drums:
            n = round(0.03 * self.rate)
            hit = rng.standard_normal(n) * np.exp(-np.arange(n) / self.rate / 0.004)
            for k in range(len(self.chords) * self.per_bar):
                at = round(self.lead * self.rate + k * self.beat)
                out[at:at + n] += (0.6 if k % self.per_bar == 0 else 0.3) * hit[:frames - at]
        out += self.noise * rng.standard_normal(frames)
        return out.astype(np.float32)

    def _melody(self, chord: str, bar: int, t: np.ndarray, rng) -> np.ndarray:
        root, intervals = parse(chord)
        out = np.zeros_like(t)
        step = self.beat / 2
        for e in range(self.per_bar * 2):
            a, b = round(e * step), round((e + 1) * step)
            pick = intervals[rng.integers(len(intervals))] if e % 2 == 0 else \
                SCALE[rng.integers(7)]
            local = t[a:b] - t[a]
            out[a:b] = 0.12 * tone(72 + root + pick, local, TIMBRES["sine"], rng) * \
                np.exp(-local / 0.3) * np.minimum(1, local / 0.005)
        return out

    def take(self, known_tempo: bool = True, signal: np.ndarray | None = None) -> TakeAudio:
        samples = self.signal() if signal is None else signal
        return take_of(samples, self.rate, self.bpm if known_tempo else None, self.per_bar)


def take_of(samples: np.ndarray, rate: int, bpm: float | None, per_bar: int = 4,
            reads: list[int] | None = None) -> TakeAudio:
    def read(start: int, stop: int) -> np.ndarray:
        if reads is not None:
            reads.append(stop - start)
        return samples[start:stop]

    return TakeAudio(rate, len(samples), read=read, tempo_bpm=bpm, beats_per_bar=per_bar)


def bars_right(song: Song, found: list[Annotation]) -> int:
    """How many of SONG's bars the chord annotation over the bar's middle names rightly."""
    right = 0
    for i, chord in enumerate(song.chords):
        middle = song.bar_start(i + 0.5)
        labels = [a.label for a in found if a.start <= middle < (a.end or a.start)]
        right += labels == [expected(chord)]
    return right


def four(*chords: str, times: int = 1) -> tuple[str, ...]:
    return tuple(chords) * times


# -- the host ----------------------------------------------------------------------------------


@pytest.fixture
def host(tmp_path: Path) -> PluginHost:
    plugins = PluginHost([(PLUGINS, True)], tmp_path / "plugins.json")
    plugins.start()
    yield plugins
    assert {i.id: i.state for i in plugins.plugins()} == dict.fromkeys(
        BUNDLED, PluginState.ENABLED), "a bundled plugin failed while it ran"


def test_every_bundled_plugin_is_found_enabled_and_imports_only_the_facade(host):
    infos = {info.id: info for info in host.plugins()}
    assert sorted(infos) == list(BUNDLED)
    assert all(info.state is PluginState.ENABLED and not info.error and info.bundled
               for info in infos.values()), infos
    for plugin in BUNDLED:
        assert foreign_imports(PLUGINS / plugin) == []
        manifest = tomllib.loads((PLUGINS / plugin / "MANIFEST.toml").read_text("utf-8"))
        assert manifest["api_version"] == 1
        for key in ("name", "description", "name_nb", "description_nb"):
            assert manifest[key].strip(), (plugin, key)
    offered = [item for items in (host.analyses(), host.effects(), host.exporters())
               for _plugin, item in items]
    assert sorted(item.id for item in offered) == [
        "chords", "click-track", "lead-sheet", "share-mix", "tempo-key"]
    assert all(item.name and item.description and item.names.get("nb")
               and item.descriptions.get("nb") for item in offered)


def test_enabling_the_bundled_plugins_loads_no_audio_library(tmp_path):
    """librosa, pedalboard, soundfile and soxr load when a plugin first runs, not at start."""
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from mt_studio.core.plugins.host import PluginHost\n"
        f"host = PluginHost([(Path({str(PLUGINS)!r}), True)], Path({str(tmp_path)!r}) / 'p.json')\n"
        "print(sorted(str(i.state) for i in host.start()))\n"
        "print(sorted({m.split('.')[0] for m in sys.modules}"
        " & {'librosa', 'pedalboard', 'soundfile', 'soxr', 'scipy', 'numba'}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, check=True)
    assert result.stdout.split("\n")[:2] == [str(["enabled"] * len(BUNDLED)), "[]"], \
        result.stdout + result.stderr


# -- chord sheet -------------------------------------------------------------------------------

KNOWN_TEMPO = [
    Song(four("C", "G", "Am", "F", times=3), 72, voicing="root", timbre="sine"),
    Song(four("Dm", "G", "C", "A7", times=3), 100, rate=44100, voicing="first", timbre="saw"),
    Song(four("E", "B", "C#m", "A", times=3), 132, voicing="spread", timbre="sine", seed=2),
    Song(("F#m", "D", "A", "E", "Bb", "Gm", "Eb", "F"), 72, rate=48000, voicing="mixed",
         timbre="saw", seed=3),
    Song(("Am", "Dm", "G", "C", "F", "Bm", "E", "Am"), 100, voicing="second", timbre="soft",
         strum=True, seed=4),
    Song(four("C", "G", "Am", "F", times=3), 132, voicing="mixed", timbre="saw", strum=True,
         drums=True, melody=True, noise=0.03, seed=5),
    Song(four("Dm", "G", "C", "A7", times=2), 72, voicing="second", timbre="sine",
         melody=True, noise=0.05, seed=6),
    Song(four("E", "B", "C#m", "A", times=4), 100, voicing="root", timbre="soft", strum=True,
         drums=True, seed=7),
    Song(("G", "C", "D", "G", "Em", "C", "D", "G"), 132, voicing="first", timbre="saw",
         per_bar=3, seed=8),
]


def test_the_chord_sheet_names_the_bars_of_a_take_at_its_tempo(host):
    right = total = 0
    for song in KNOWN_TEMPO:
        found = host.run_analysis("chords", song.take())
        assert [a.kind for a in found] == ["chord"] * len(song.chords)
        assert [a.start for a in found] == [round(song.bar_start(i))
                                            for i in range(len(song.chords))]
        assert [a.end for a in found[:-1]] == [a.start for a in found[1:]]
        assert found[-1].end == round(song.bar_start(len(song.chords)))
        assert all(0 < a.value <= 1 for a in found)
        bars = bars_right(song, found)
        print(f"{' '.join(song.chords):45} {song.voicing:6} {song.timbre:4} {song.bpm:3} BPM "
              f"{song.per_bar}/4: {bars}/{len(song.chords)} bars right")
        right, total = right + bars, total + len(song.chords)
    print(f"known tempo: {right}/{total} bars right ({right / total:.1%})")
    assert right / total >= MIN_BARS_RIGHT


UNKNOWN_TEMPO = [
    Song(four("C", "G", "Am", "F", times=3), 76, drums=True, voicing="root", seed=10),
    Song(four("Dm", "G", "C", "A7", times=3), 104, rate=44100, drums=True, strum=True,
         voicing="first", timbre="saw", lead=0.37, seed=11),
    Song(four("E", "B", "C#m", "A", times=3), 138, drums=True, voicing="spread", lead=0.74,
         melody=True, noise=0.03, seed=12),
]


def test_the_chord_sheet_finds_the_bars_by_the_beats_when_the_tempo_is_not_known(host):
    right = total = 0
    for song in UNKNOWN_TEMPO:
        found = host.run_analysis("chords", song.take(known_tempo=False))
        bars = bars_right(song, found)
        starts = np.array([a.start for a in found if a.start > 0])
        true = np.array([song.bar_start(i) for i in range(len(song.chords))])
        off = np.abs(starts[:, None] - true[None, :]).min(axis=1) / song.bar
        print(f"{' '.join(song.chords):45} {song.bpm:3} BPM, from {song.lead} s: "
              f"{bars}/{len(song.chords)} bars right, {len(found)} found, bar starts off by "
              f"at most {off.max():.1%} of a bar")
        assert off.max() < 0.05
        right, total = right + bars, total + len(song.chords)
    print(f"tempo unknown: {right}/{total} bars right ({right / total:.1%})")
    assert right / total >= MIN_BARS_RIGHT


def test_with_no_beat_heard_each_chord_is_named_where_it_sounds(host):
    """Held chords with nothing between them have no beat to find: the take is cut where the
    notes start, and a chord held over several cuts is one annotation."""
    right = total = 0
    for song in (Song(four("C", "G", "Am", "F", times=3), 104, seed=20),
                 Song(four("E", "B", "C#m", "A", times=2) + ("A", "A"), 138,
                      voicing="spread", seed=21)):
        found = host.run_analysis("chords", song.take(known_tempo=False))
        labels = [a.label for a in found]
        assert all(a != b for a, b in zip(labels, labels[1:], strict=False)), labels
        right, total = right + bars_right(song, found), total + len(song.chords)
    print(f"no beat: {right}/{total} bars right")
    assert right / total >= MIN_BARS_RIGHT


def test_a_long_take_is_read_in_blocks_and_silence_is_no_chord(host):
    song = Song(four("C", "G", "Am", "F", times=10), 100, seed=30)  # 96 s: four pieces
    samples = song.signal()
    silent = round(song.bar_start(2))
    samples[:silent] = 0.0
    reads: list[int] = []
    found = host.run_analysis("chords", take_of(samples, song.rate, song.bpm, reads=reads))
    assert max(reads) <= 1 << 16 and sum(reads) == len(samples)
    assert [a.label for a in found[:2]] == ["N.C.", "N.C."]
    assert bars_right(song, found[2:]) == len(song.chords) - 2


def test_the_lead_sheet_prints_the_chords_four_bars_a_line_with_the_lyrics(host, tmp_path):
    song = Song(("C", "G", "Am", "F", "C", "G", "F", "F", "C"), 100, seed=40)
    chords = tuple(Annotation("chord", round(song.bar_start(i)), round(song.bar_start(i + 1)),
                              expected(c), 0.9) for i, c in enumerate(song.chords))
    lyrics = "Morning comes\nand I am here\n"
    context = ExportContext(tmp_path, "Our song", ("Kim", "The Tuesday band"), lyrics,
                            song.take(), chords + (Annotation("key", 0, 1, "C major", 0.9),))
    assert host.run_exporter("lead-sheet", context) == ["lead-sheet.txt"]
    assert (tmp_path / "lead-sheet.txt").read_text("utf-8") == (
        "Our song\n"
        "========\n"
        "Kim\n"
        "The Tuesday band\n"
        "\n"
        "4/4  \u2669 = 100  C major\n"
        "\n"
        "| C  | G  | Am | F  |\n"
        "| C  | G  | F  | F  |\n"
        "| C  |\n"
        "\n"
        "Morning comes\n"
        "and I am here\n")

    # Without chord annotations it listens itself; no lyrics, no credits, no tempo known.
    alone = tmp_path / "alone"
    alone.mkdir()
    heard = ExportContext(alone, "Our song", (), None, song.take(known_tempo=False))
    assert host.run_exporter("lead-sheet", heard) == ["lead-sheet.txt"]
    text = (alone / "lead-sheet.txt").read_text("utf-8")
    assert text.startswith("Our song\n========\n\n| C  | G  | Am | F  |\n| C  | G  | F  |"), text
    assert "Kim" not in text


# -- tempo and key -----------------------------------------------------------------------------

KEYS = [(four("C", "G", "Am", "F", times=2), "C major"),
        (("Am", "Dm", "E", "Am", "F", "Dm", "E", "Am"), "A minor"),
        (four("E", "B", "C#m", "A", times=2), "E major")]


@pytest.mark.parametrize("bpm", [70, 97.5, 131])
def test_tempo_and_key_are_found_on_click_and_chord_tracks(host, bpm):
    for number, (chords, key) in enumerate(KEYS):
        song = Song(chords, bpm, rate=44100, drums=True, voicing="mixed", timbre="saw",
                    lead=0.2 * number, seed=50 + number)
        found = {a.kind: a for a in host.run_analysis("tempo-key", song.take(False))}
        print(f"{bpm} BPM, {key}: {found['tempo'].value} BPM, {found['key'].label} "
              f"({found['key'].value})")
        assert abs(found["tempo"].value - bpm) <= 2.0
        assert found["tempo"].label == f"{found['tempo'].value:.0f} BPM"
        assert found["key"].label == key
        frames = round(song.bar_start(len(chords)))
        assert all((a.start, a.end) == (0, frames) for a in found.values())


def test_silence_has_no_tempo_and_no_key(host):
    assert host.run_analysis("tempo-key", take_of(np.zeros(5 * 22050, np.float32), 22050,
                                                  None)) == []


# -- click track -------------------------------------------------------------------------------


def click_onsets(samples: np.ndarray) -> np.ndarray:
    """Where each click starts: the first sample over 0.01 after 10 ms under it."""
    loud = np.abs(samples) > 0.01
    starts = np.flatnonzero(loud & ~np.concatenate([[False], loud[:-1]]))
    return np.array([s for s in starts if not loud[max(0, s - 480):s].any()])


@pytest.mark.parametrize(("bpm", "annotated"), [(96, True), (117, False), (84.5, False)])
def test_the_click_track_clicks_on_the_beats_and_accents_each_bar(host, tmp_path, bpm,
                                                                  annotated):
    song = Song(four("C", "G", "Am", "F", times=2), bpm, rate=48000, drums=True, strum=True,
                lead=0.23, seed=60)
    # The exported region starts within the first bar, after its second beat.
    start = round(song.lead * song.rate + 1.6 * song.beat)
    region = song.signal()[start:]
    tempo = (Annotation("tempo", 0, len(region), f"{bpm} BPM", bpm),) if annotated else ()
    context = ExportContext(tmp_path, "Our song", (), None,
                            take_of(region, song.rate, None), tempo)
    assert host.run_exporter("click-track", context) == ["click.wav"]

    info = sf.info(tmp_path / "click.wav")
    assert (info.samplerate, info.channels, info.subtype, info.frames) == (
        song.rate, 1, "PCM_16", len(region))
    clicks, _rate = sf.read(tmp_path / "click.wav", dtype="float32")
    onsets = click_onsets(clicks)
    beats = np.array([round(song.lead * song.rate + k * song.beat) - start
                      for k in range(len(song.chords) * song.per_bar)])
    beats = beats[beats >= 0]
    assert len(onsets) == len(beats)
    error_ms = np.abs(onsets - beats) / song.rate * 1000
    print(f"{bpm} BPM, {'a tempo annotation' if annotated else 'beats heard'}: clicks within "
          f"{error_ms.max():.2f} ms of the beats")
    assert error_ms.max() <= 1.0
    peaks = np.array([np.abs(clicks[o:o + 960]).max() for o in onsets])
    first_beats = (np.arange(len(beats)) + 2) % song.per_bar == 0  # the region began on beat 3
    assert peaks[first_beats].min() > 1.2 * peaks[~first_beats].max()


def test_with_no_tempo_known_or_heard_no_click_track_is_written(host, tmp_path):
    context = ExportContext(tmp_path, "Quiet", (), None,
                            take_of(np.zeros(3 * 22050, np.float32), 22050, None))
    assert host.run_exporter("click-track", context) == []
    assert list(tmp_path.iterdir()) == []


# -- share mix ---------------------------------------------------------------------------------


@pytest.mark.parametrize("channels", [1, 2, 4])
def test_the_share_mix_keeps_its_state_from_block_to_block(host, channels):
    rate = 48000
    rng = np.random.default_rng(70)
    samples = (0.3 * rng.standard_normal((2 * rate, channels))).astype(np.float32)
    samples[rate:] = 0.0  # then silence, where the reverb rings on
    whole = host.processor("share-mix", rate, channels).process(samples)
    processor = host.processor("share-mix", rate, channels)
    sizes = [512] * 40 + [4096] * 4 + [10000, 7, 1, 333] * 20
    edges = np.cumsum([0, *sizes])
    edges = np.append(edges[edges < len(samples)], len(samples))
    blocks = [processor.process(samples[a:b]) for a, b in zip(edges[:-1], edges[1:],
                                                              strict=True)]
    assert all(block.shape == (b - a, channels) and block.dtype == np.float32
               for block, a, b in zip(blocks, edges[:-1], edges[1:], strict=True))
    in_blocks = np.concatenate(blocks)
    assert np.all(np.isfinite(in_blocks))
    assert np.abs(in_blocks - whole).max() <= 1e-4
    tail = np.abs(in_blocks[rate + 2400:rate + 9600]).max(axis=0)  # 50-200 ms after
    assert np.all(tail > 1e-3), tail


def test_the_share_mix_keeps_a_loud_input_under_0_dbfs(host):
    rate = 44100
    rng = np.random.default_rng(71)
    loud = np.clip(4 * rng.standard_normal((rate, 2)), -8, 8).astype(np.float32)
    processor = host.processor("share-mix", rate, 2)
    out = np.concatenate([processor.process(loud[a:a + 1024]) for a in range(0, rate, 1024)])
    assert out.shape == loud.shape
    assert np.abs(out).max() <= 10 ** (-1 / 20) + 1e-6  # -1 dBFS


def test_chords_of_a_part_of_a_take_keep_the_takes_bars(host, tmp_path):
    """An export's region starting mid-bar: the bars stay on the take's grid."""
    from mt_studio.core.plugins.take_audio import sound_of

    song = Song(four("C", "G", "Am", "F", times=2), rate=22050, bpm=120)
    path = tmp_path / "song.wav"
    sf.write(path, song.signal(), song.rate, subtype="FLOAT")
    half = round(song.bar / 2)
    with sound_of([[path]], song.rate, half, round(song.bar_start(8)), tempo_bpm=120) as sound:
        assert sound.first_downbeat == half
        found = [a for a in host.run_analysis("chords", sound) if a.kind == "chord"]
    assert [a.start for a in found[1:4]] == [half, half + round(song.bar),
                                             half + 2 * round(song.bar)]
    assert [a.label for a in found[1:4]] == ["G", "Am", "F"]

"""The chord sheet on a band recorded through the rig: piano, bass and drums played by the GM
synthesizer into three inputs of a real (JACK dummy) interface, after a second or so of
silence, at two tempos, with no tempo known to the session. Every bar gets its one chord."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest
from gm_band import HALVES, PIANO, WHOLES, render_band
from jack_rig import JackServer, SignalGenerator, seen_by_portaudio
from test_capture_rig import RECORDER_PORTS

from mt_studio.core.domain import Purpose, SessionKind
from mt_studio.core.library import consent_ledger, participants, sessions, takes
from mt_studio.core.plugins import PluginHost, TakeAudio
from mt_studio.core.studio.recording import TakeRequest

RATE = 48000
PLUGINS = Path(__file__).resolve().parent.parent / "plugins"
SONG = ("C", "Am", "F", "G", "C", "Am", "Dm", "G", "Em", "Am", "F", "G", "F", "G", "C", "C")


class Playback:
    """The band's parts played into the recorder from the frame `start` of the server's clock
    on (silence until it is set), as a SignalGenerator's signals."""

    def __init__(self, parts: np.ndarray) -> None:
        self.parts = parts
        self.start: int | None = None

    def signal(self, part: int):
        def play(frames: np.ndarray) -> np.ndarray:
            out = np.zeros(len(frames), np.float32)
            if self.start is not None:
                offset = frames - self.start
                inside = (offset >= 0) & (offset < self.parts.shape[1])
                out[inside] = self.parts[part, offset[inside]]
            return out

        return play


def record_band(library, studio, parts: np.ndarray) -> int:
    """Play PARTS into inputs 1-3 while a take records them, starting half a second after the
    ports are joined; the take's id."""
    db = library.connection
    players = [participants.add(db, name) for name in ("Piano", "Bass", "Drums")]
    for person in players:
        consent_ledger.grant(db, person, [Purpose.RECORD])
    session = sessions.create(db, "Band", SessionKind.BAND, on=date(2026, 12, 7),
                              participants=players)  # no tempo: the plugin must hear it
    seconds = parts.shape[1] / RATE + 2.0
    playback = Playback(parts)
    with (JackServer(samplerate=RATE, period=256, inputs=4, synchronous=True) as server,
          seen_by_portaudio(server)):
        generator = SignalGenerator(server, [playback.signal(n) for n in range(3)])
        try:
            recording = studio.recording.start(TakeRequest(
                session.id, "system", inputs=(1, 2, 3), duration_seconds=seconds,
                owners={n: (p.id,) for n, p in enumerate(players, 1)},
                isolated=frozenset({1, 2, 3}), labels={1: "Piano", 2: "Bass", 3: "Drums"}))
            generator.connect_to(RECORDER_PORTS)
            playback.start = generator.now() + RATE // 2
            assert recording.wait(seconds + 60)
            return recording.stop().take_id
        finally:
            generator.close()


@pytest.mark.parametrize("bpm", [96, 132])
def test_a_band_take_gets_one_chord_a_bar_after_a_silent_start(library, studio, tmp_path,
                                                                bpm):
    parts = render_band(tmp_path, SONG, bpm, lead=0.5, samplerate=RATE)
    take = takes.get(library.connection, record_band(library, studio, parts))
    host = PluginHost([(PLUGINS, True)], tmp_path / "plugins.json")
    host.start()
    with studio.plugins.take_audio(take.id) as sound:
        assert sound.tempo_bpm is None
        found = host.run_analysis("chords", sound)

    drums = take_audio_track(library, take, 2)
    first_beat = int(np.flatnonzero(np.abs(drums) > 0.01)[0])
    assert 0.8 * RATE < first_beat < 2.5 * RATE  # a second or so of silence first
    bar = 4 * 60 * RATE / bpm
    chords = [a for a in found if a.label != "N.C."]
    print(f"{bpm} BPM, first beat at {first_beat / RATE:.2f} s: "
          + " ".join(f"{a.label}@{(a.start - first_beat) / bar:.2f}" for a in chords))
    assert [a.label for a in chords] == list(SONG)
    starts = np.array([a.start for a in chords[1:]])
    assert np.abs(starts - (first_beat + bar * np.arange(1, len(SONG)))).max() < 0.05 * bar
    assert all(abs((a.end - a.start) - bar) < 0.05 * bar for a in chords[1:-1])
    assert all(a.label == "N.C." for a in found if a not in chords)  # the silence either side


def take_audio_track(library, take, index: int) -> np.ndarray:
    """The samples of the take's INDEX-th audio track, read whole."""
    import soundfile as sf

    from mt_studio.core.library import takes

    return np.concatenate([sf.read(library.folder / part, dtype="float32")[0]
                           for part in takes.parts(library.connection, take.tracks[index].id)])


@pytest.mark.parametrize(("strokes", "bpm"), [(HALVES, 96), (WHOLES, 132)],
                         ids=["half notes", "whole notes"])
def test_a_piano_alone_whose_beats_are_heard_slower_still_gets_a_chord_a_bar(
        tmp_path, strokes, bpm):
    """Struck only on beats 1 and 3, or once a bar, a piano's beat is heard at half or a
    quarter of its tempo: fewer of the beats heard make a bar."""
    piano = render_band(tmp_path, SONG, bpm, lead=1.0, samplerate=RATE, piano=strokes,
                        playing=(PIANO,))[0]
    host = PluginHost([(PLUGINS, True)], tmp_path / "plugins.json")
    host.start()
    found = host.run_analysis("chords", TakeAudio(RATE, len(piano),
                                                  read=lambda a, b: piano[a:b]))
    chords = [a for a in found if a.label != "N.C."]
    bar = 4 * 60 * RATE / bpm
    assert [a.label for a in chords] == list(SONG)
    assert all(abs((a.end - a.start) - bar) < 0.05 * bar for a in chords[1:-1])

"""The demo session: made-up participants with consent, and a synthesized take that sounds."""

from __future__ import annotations

from collections.abc import Iterator

import mido
import numpy as np
import pytest
import soundfile as sf

from mt_studio.core import demo
from mt_studio.core.consent_policy import ConsentState
from mt_studio.core.domain import Purpose, SessionKind, TakeStatus, TrackKind
from mt_studio.core.errors import LibraryError
from mt_studio.core.library import Library, audit, consent_ledger, participants, sessions, takes
from mt_studio.core.studio.demo import create_demo_session
from mt_studio.i18n import _
from tests.conftest import states_now

PSEUDONYMS = {"Demo Drummer", "Demo Bassist", "Demo Keys", "Demo Singer"}


@pytest.fixture(scope="module")
def demo_library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Library, int]]:
    """One library with a demo session, shared by the tests that only read it."""
    with Library.open(tmp_path_factory.mktemp("demo") / "library") as library:
        yield library, create_demo_session(library)


def spectral_centroid(audio: np.ndarray, samplerate: int) -> float:
    magnitude = np.abs(np.fft.rfft(audio))
    return float(np.sum(magnitude * np.fft.rfftfreq(len(audio), 1 / samplerate))
                 / np.sum(magnitude))


def test_the_demo_session_has_its_participants_with_consent_and_one_complete_take(demo_library):
    library, session_id = demo_library
    db = library.connection
    session = sessions.get(db, session_id)

    assert session.title == _("Demo session") and session.kind is SessionKind.BAND
    assert {p.pseudonym for p in session.participants} == PSEUDONYMS
    assert [(i.number, i.isolated) for i in session.inputs] == [
        (1, False), (2, True), (3, True), (4, False)]
    assert all(i.label for i in session.inputs)
    players = {p.id: p.pseudonym for p in session.participants}
    assert [players[i.players[0]] for i in session.inputs] == [
        "Demo Drummer", "Demo Bassist", "Demo Keys", "Demo Singer"]  # the Inputs tab says who
    for person in session.participants:
        now = states_now(db, person.id)
        assert {p for p, s in now.items() if s.state is ConsentState.GRANTED} == {
            Purpose.RECORD, Purpose.KEEP, Purpose.GROUP}
        assert {e.witness for e in consent_ledger.events(db, [person.id])} == {"demo"}

    [take] = takes.for_session(db, session.id)
    assert take.status is TakeStatus.COMPLETE and take.samplerate == 48000
    assert 20 * 48000 <= take.frames <= 32 * 48000
    assert [(m.name, m.frame) for m in take.markers] == [
        (_("Verse"), demo.VERSE_FRAME), (_("Chorus"), demo.CHORUS_FRAME)]
    bar_seconds = 4 * 60 / demo.TEMPO_BPM
    assert demo.VERSE_FRAME == round(4 * bar_seconds * 48000)
    everyone = tuple(sorted(p.id for p in session.participants))
    by_pseudonym = {p.pseudonym: p.id for p in session.participants}
    heard = {(t.kind, t.input): (t.isolated, t.participant_ids) for t in take.tracks}
    assert heard == {
        (TrackKind.AUDIO, 1): (False, everyone),
        (TrackKind.AUDIO, 2): (True, (by_pseudonym["Demo Bassist"],)),
        (TrackKind.AUDIO, 3): (True, (by_pseudonym["Demo Keys"],)),
        (TrackKind.AUDIO, 4): (False, everyone),
        (TrackKind.MIDI, None): (True, (by_pseudonym["Demo Keys"],)),
    }
    assert [e.action for e in audit.entries(db)][-1] == "take.recorded"


def test_the_tracks_read_back_at_the_takes_length_with_sane_and_distinct_sound(demo_library):
    library, session_id = demo_library
    db = library.connection
    [take] = takes.for_session(db, session_id)
    audio = {}
    for track in take.tracks:
        if track.kind is TrackKind.MIDI:
            continue
        assert takes.parts(db, track.id) == [track.file]
        info = sf.info(library.folder / track.file)
        assert (info.samplerate, info.channels, info.frames, info.subtype) == (
            48000, 1, take.frames, "PCM_24")
        samples, _rate = sf.read(library.folder / track.file)
        peak = np.max(np.abs(samples))
        assert 10 ** (-12 / 20) < peak < 10 ** (-5 / 20), track.instrument
        assert np.sqrt(np.mean(samples**2)) > 10 ** (-40 / 20), track.instrument
        assert abs(np.mean(samples)) < 1e-3, track.instrument
        assert np.max(np.abs(samples[:48])) < 0.05 and np.max(np.abs(samples[-48:])) < 0.05
        audio[track.input] = samples
    drums, bass, keys, voice = (audio[n] for n in (1, 2, 3, 4))
    assert spectral_centroid(bass, 48000) < spectral_centroid(keys, 48000) \
        < spectral_centroid(drums, 48000)
    # The singer starts with the verse, the bass on the intro's third bar.
    verse = demo.VERSE_FRAME
    assert np.max(np.abs(voice[:verse - 4800])) < 1e-3 < np.max(np.abs(voice[verse:]))
    assert np.max(np.abs(bass[:2 * demo.BAR - 480])) < 1e-3
    for one, other in [(drums, bass), (bass, keys), (keys, voice)]:
        assert abs(np.corrcoef(one, other)[0, 1]) < 0.5


def test_the_midi_track_holds_the_keys_notes_and_no_text(demo_library):
    library, session_id = demo_library
    db = library.connection
    [take] = takes.for_session(db, session_id)
    [track] = [t for t in take.tracks if t.kind is TrackKind.MIDI]
    assert track.file.endswith(".mid")
    midi = mido.MidiFile(library.folder / track.file)
    messages = [m for t in midi.tracks for m in t]
    assert [m.type for m in messages if m.is_meta] == ["end_of_track"]
    ons = [m for m in messages if m.type == "note_on" and m.velocity > 0]
    offs = [m for m in messages if m.type == "note_off" or m.type == "note_on" and not m.velocity]
    assert len(ons) == len(offs) >= 40
    assert {m.note for m in ons} >= {57, 59, 60, 62, 64, 65, 67}
    # Timed like a recorded file: at MIDI's default tempo, the last note ends within the take.
    assert midi.length <= take.frames / take.samplerate


def test_creating_it_twice_reuses_the_participants_and_sounds_the_same(library):
    db = library.connection
    first = create_demo_session(library)
    grants = len(consent_ledger.events(db))
    second = create_demo_session(library)

    assert first != second
    assert {p.pseudonym for p in participants.all_participants(db)} == PSEUDONYMS
    assert len(consent_ledger.events(db)) == grants  # consent still held: nothing granted again
    [one], [two] = takes.for_session(db, first), takes.for_session(db, second)
    for a, b in zip(one.tracks, two.tracks, strict=True):
        assert a.file != b.file
        assert (library.folder / a.file).read_bytes() == (library.folder / b.file).read_bytes()


def test_a_participant_whose_consent_was_withdrawn_is_asked_again(library):
    db = library.connection
    create_demo_session(library)
    drummer = participants.find(db, "Demo Drummer")
    with library.transaction() as tx:
        consent_ledger.withdraw(tx, drummer, [Purpose.GROUP])
    create_demo_session(library)
    assert states_now(db, drummer.id)[Purpose.GROUP].state is ConsentState.GRANTED


def test_a_failure_leaves_no_session_and_no_files_of_its_own(library):
    # In a new library the take is take 1 and its MIDI track is track 5: a folder squatting
    # on that file's name makes writing it fail after the WAV files were written.
    squatter = library.folder / "audio" / "take-1" / "track-5.mid"
    squatter.mkdir(parents=True)
    with pytest.raises(LibraryError, match=str(squatter)):
        create_demo_session(library)
    assert sessions.all_sessions(library.connection) == []
    assert participants.all_participants(library.connection) == []
    assert list(library.audio_folder.glob("take-*/*")) == [squatter]  # what it found, kept


@pytest.mark.parametrize("track", ["track-1.wav", "track-3.wav", "track-5.mid"])
def test_the_demo_never_writes_over_a_recording_already_at_its_take_path(library, track):
    planted = library.folder / "audio" / "take-1" / track
    planted.parent.mkdir(parents=True)
    planted.write_bytes(b"an older take's recording")
    with pytest.raises(LibraryError, match=str(planted)) as refused:
        create_demo_session(library)
    assert "never writes over a recording" in str(refused.value)
    assert planted.read_bytes() == b"an older take's recording"
    assert list(planted.parent.iterdir()) == [planted]
    assert sessions.all_sessions(library.connection) == []


def test_the_song_is_the_same_every_time():
    # How fast it is made is benchmarks/demo.py's business.
    song = demo.synthesize_song()
    again = demo.synthesize_song()
    assert np.array_equal(song.voice, again.voice) and np.array_equal(song.drums, again.drums)
    for part in (song.drums, song.bass, song.keys, song.voice):
        assert part.dtype == np.float32 and len(part) == song.frames

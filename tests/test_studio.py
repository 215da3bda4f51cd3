"""The studio layer: its transactions, the events it announces, and what its services return."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from conftest import library_here

from mt_studio.core.domain import Purpose, SessionKind
from mt_studio.core.errors import InputError
from mt_studio.core.library import layers, participants, sessions
from mt_studio.core.library.listening import Listening, TrackLevel
from mt_studio.core.studio import (
    AttendanceChanged,
    ConsentChanged,
    ParticipantAdded,
    SessionChanged,
    SongChanged,
    Studio,
    TakeChanged,
)


@pytest.fixture
def studio(tmp_path):
    with Studio.open(library_here()) as opened:
        yield opened


@pytest.fixture
def heard(studio):
    """Everything the studio announces, in order."""
    events = []
    studio.events.subscribe(events.append)
    return events


def test_events_are_told_once_the_change_is_committed_and_never_for_one_rolled_back(
        studio, heard):
    with studio._transaction() as tx:
        kari = participants.add(tx, "Kari")
        studio._announce(ParticipantAdded(kari.id))
        assert heard == []  # not yet: the change could still be undone
    assert heard == [ParticipantAdded(kari.id)]
    with pytest.raises(InputError), studio._transaction() as tx:
        participants.add(tx, "Ola")
        studio._announce(ParticipantAdded(99))
        participants.add(tx, "ola")  # the same pseudonym: the whole change goes
    assert heard == [ParticipantAdded(kari.id)]
    assert [p.pseudonym for p in studio.consent.participants()] == ["Kari"]


def test_a_transaction_inside_another_joins_it(studio, heard):
    with pytest.raises(RuntimeError), studio._transaction() as tx:
        participants.add(tx, "Kari")
        with studio._transaction() as inner:
            participants.add(inner, "Ola")
        raise RuntimeError("the outer change fails")
    assert studio.consent.participants() == [] and heard == []


def test_a_listener_that_fails_stops_neither_the_change_nor_the_others(studio, heard, caplog):
    def broken(_event):
        raise ValueError("cannot redraw")

    studio.events.subscribe(broken)
    later = []
    unsubscribe = studio.events.subscribe(later.append)
    kari = studio.consent.add_participant("Kari")
    assert heard == [ParticipantAdded(kari.id)] == later
    assert "cannot redraw" in caplog.text
    unsubscribe()
    studio.consent.add_participant("Ola")
    assert len(later) == 1 and len(heard) == 2


def test_another_thread_reads_only_what_a_transaction_has_committed(studio):
    with studio._transaction() as tx:
        seen: list[list[str]] = []
        reader = threading.Thread(target=lambda: seen.append(
            [p.pseudonym for p in studio.consent.participants()]))
        participants.add(tx, "Kari")
        reader.start()
        reader.join(timeout=0.2)
        assert reader.is_alive()  # it waits for the change to be whole
        participants.add(tx, "Ola")
    reader.join(timeout=10)
    assert seen == [["Kari", "Ola"]]


def test_a_service_is_made_once_and_never_waits_for_a_change_under_way(studio):
    with studio._transaction():
        made: list[object] = []
        askers = [threading.Thread(target=lambda: made.append(studio.songs)) for _ in range(4)]
        for asker in askers:
            asker.start()
        for asker in askers:
            asker.join(timeout=10)
        assert len(made) == 4 and all(service is made[0] for service in made)
    assert studio.songs is made[0]


def test_sessions_are_made_edited_and_attended_through_the_studio(studio, heard):
    kari = studio.consent.add_participant("Kari")
    ola = studio.consent.add_participant("Ola")
    session = studio.sessions.create("Tuesday band", SessionKind.BAND, on=date(2026, 12, 1),
                                     present=[kari.id])
    assert [p.pseudonym for p in session.participants] == ["Kari"]
    assert studio.sessions.check_in(session.id, ola.id)
    assert not studio.sessions.check_in(session.id, ola.id)  # already there
    studio.sessions.edit(session.id, title="Tuesday band (new room)", present=[ola.id])
    edited = studio.sessions.get(session.id)
    assert edited.title == "Tuesday band (new room)"
    assert [p.pseudonym for p in edited.participants] == ["Ola"]
    assert heard[2:] == [SessionChanged(session.id), AttendanceChanged(session.id),
                         AttendanceChanged(session.id), AttendanceChanged(session.id),
                         SessionChanged(session.id)]
    with pytest.raises(InputError, match="id 99"):
        studio.sessions.check_in(session.id, 99)


def test_consent_is_granted_and_withdrawn_and_the_board_shows_it(studio, heard):
    kari = studio.consent.add_participant("Kari")
    session = studio.sessions.create("Choir", SessionKind.CHOIR, on=date(2026, 12, 1),
                                     present=[kari.id])
    studio.consent.grant(kari.id, [Purpose.RECORD, Purpose.GROUP], witness="Anne")
    (row,) = studio.consent.board(session.id)
    assert row.chip(Purpose.GROUP).valid
    report = studio.consent.withdraw(kari.id, [Purpose.GROUP], reason="changed mind")
    assert [e.purpose for e in report.events] == [Purpose.GROUP]
    (row,) = studio.consent.board(session.id)
    assert not row.chip(Purpose.GROUP).valid and row.chip(Purpose.RECORD).valid
    assert heard[-2:] == [ConsentChanged(kari.id), ConsentChanged(kari.id)]


def test_a_take_resolves_into_what_it_plays_as(studio):
    session_id = studio.sessions.create_demo()
    (take,) = studio.sessions.takes(session_id)
    sound = studio.listening.sound(take.id)
    assert [t.id for t in sound.tracks] == [t.id for t in take.tracks]
    assert [len(t.files) for t in sound.audio] == [1, 1, 1, 1]
    assert all(f.is_file() for t in sound.tracks for f in t.files)
    assert [f.suffix for t in sound.midi for f in t.files] == [".mid"]
    assert sound.loop is None and sound.kept is None and sound.tempo_bpm == 96
    keys = sound.midi[0].id
    studio.listening.keep(take.id, Listening((48000, 96000), True, 0.8, 2,
                                             {keys: TrackLevel(muted=True)}))
    sound = studio.listening.sound(take.id)
    assert sound.kept.loop == (48000, 96000) and sound.kept.speed == 0.8 and sound.loop is None
    assert keys not in sound.sounding() and len(sound.sounding()) == 4


def test_a_looper_take_loops_whole_and_leaves_its_undone_layers_out(studio, library_layers):
    take_id, kept, undone = library_layers(studio)
    sound = studio.listening.sound(take_id)
    assert sound.loop == (0, sound.frames)
    assert sound.left_out == {undone}
    assert sound.sounding() == (kept,)


@pytest.fixture
def library_layers():
    """A looper's take of two layers, the second undone, made in the library directly."""
    import numpy as np
    import soundfile as sf

    from mt_studio.core.domain import TrackKind
    from mt_studio.core.library import takes

    def make(studio: Studio) -> tuple[int, int, int]:
        with studio._transaction() as tx:
            session = sessions.create(tx, "Loops", SessionKind.BAND, on=date(2026, 12, 1))
            take_id = takes.start(tx, session.id, 48000)
            ids = []
            for _layer in range(2):
                track = takes.add_track(tx, take_id, TrackKind.AUDIO, input=1)
                path = studio.folder / track.file
                path.parent.mkdir(parents=True, exist_ok=True)
                sf.write(path, np.zeros(4800, np.float32), 48000)
                takes.add_part(tx, track.id, 1, 0, 4800, track.file)
                layers.add(tx, track.id)
                ids.append(track.id)
            takes.finish(tx, take_id, 4800)
            layers.undo(tx, take_id)
        return take_id, ids[0], ids[1]

    return make


def test_names_notes_markers_and_songs_are_announced(studio, heard):
    session_id = studio.sessions.create_demo()
    (take,) = studio.sessions.takes(session_id)
    heard.clear()
    studio.listening.describe(take.id, "Groove", "Slower next time")
    studio.listening.add_marker(take.id, 1000, "Bridge")
    song = studio.songs.create("Morgensang", lyrics="Morgenen kommer\nsakte inn")
    studio.songs.stamp(song.latest.id, 1, take.id, 2000)
    assert heard == [TakeChanged(take.id, session_id), TakeChanged(take.id, session_id),
                     SongChanged(song.id), SongChanged(song.id)]
    assert studio.listening.take(take.id).name == "Groove"
    assert [s.id for s in studio.songs.for_take(take.id)] == [song.id]  # stamping links it

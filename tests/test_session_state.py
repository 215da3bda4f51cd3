"""What the library keeps of a session's set-up and of how a take is listened to, and a take's
own name and note."""

from __future__ import annotations

from datetime import date

import pytest

from mt_studio.core.domain import SessionKind, TrackKind
from mt_studio.core.errors import InputError
from mt_studio.core.library import audit, layers, listening, participants, sessions, takes
from mt_studio.core.library.listening import Listening, TrackLevel
from mt_studio.core.library.sessions import SessionInput


@pytest.fixture
def band(library):
    """A band session laid out with a vocal mic and a bass DI, Ola and Kari present."""
    with library.transaction() as db:
        ola, kari = participants.add(db, "Ola"), participants.add(db, "Kari")
        session = sessions.create(db, "Tuesday band", SessionKind.BAND, on=date(2026, 11, 3),
                                  participants=[ola, kari],
                                  inputs=[SessionInput(1, "Vocal"), SessionInput(2, "Bass DI")])
    return session, ola.id, kari.id


@pytest.fixture
def take(library, band):
    """A complete take of a second with a room track and a bass track."""
    session, ola, kari = band
    with library.transaction() as db:
        take_id = takes.start(db, session.id, 48000)
        takes.add_track(db, take_id, TrackKind.AUDIO, input=1, participant_ids=[ola, kari])
        takes.add_track(db, take_id, TrackKind.AUDIO, input=2, isolated=True,
                        participant_ids=[kari])
        takes.finish(db, take_id, 48000)
    return takes.get(library.connection, take_id)


def test_a_sessions_set_up_is_kept_with_who_plays_each_input_and_the_keyboard(library, band):
    session, ola, kari = band
    with library.transaction() as db:
        kept = sessions.keep_setup(
            db, session.id,
            [SessionInput(2, " Bass ", isolated=True, armed=True, players=(kari,)),
             SessionInput(5, "Guitar", armed=False, players=(kari, ola))],
            midi_players=[ola], midi_port="Keystation 49 MIDI 1")
    again = sessions.get(library.connection, session.id)
    assert again == kept
    assert again.inputs == (
        SessionInput(1, "Vocal"),  # not shown on the tab, so left as it was
        SessionInput(2, "Bass", True, True, (kari,)),
        SessionInput(5, "Guitar", False, False, tuple(sorted((kari, ola)))))
    assert (again.midi_port, again.midi_players) == ("Keystation 49 MIDI 1", (ola,))

    with library.transaction() as db:
        sessions.keep_setup(db, session.id, [SessionInput(2, "Bass", True, True, ())],
                            midi_players=[])
    again = sessions.get(library.connection, session.id)
    assert again.inputs[1].players == () and again.midi_players == ()
    assert again.midi_port == "Keystation 49 MIDI 1"  # the port was not asked to change
    with library.transaction() as db:
        assert sessions.keep_setup(db, session.id, [], midi_port=None).midi_port is None


def test_a_set_up_with_a_label_of_two_lines_is_refused_naming_the_input(library, band):
    session, _ola, _kari = band
    with pytest.raises(InputError, match="label of input 3"), library.transaction() as db:
        sessions.keep_setup(db, session.id, [SessionInput(3, "Vocal\nmic")])
    assert [i.number for i in sessions.get(library.connection, session.id).inputs] == [1, 2]


def test_a_session_is_created_with_its_players(library, band):
    _session, ola, _kari = band
    with library.transaction() as db:
        made = sessions.create(db, "Solo", SessionKind.INDIVIDUAL, on=date(2026, 11, 4),
                               inputs=[SessionInput(1, "Piano", True, players=(ola,))])
    assert sessions.get(library.connection, made.id).inputs[0].players == (ola,)


def test_a_take_is_named_and_noted_and_the_log_keeps_only_which_fields(library, take):
    db = library.connection
    assert (take.name, take.note, take.is_loop) == (None, "", False)
    named = takes.describe(db, take.id, "  Chorus idea ", "Bass a little loud.\nTry slower. ")
    assert (named.name, named.note) == ("Chorus idea", "Bass a little loud.\nTry slower.")
    assert takes.get(db, take.id) == named
    assert takes.describe(db, take.id, " ", "Bass a little loud.\nTry slower.").name is None
    logged = [e.details for e in audit.entries(db) if e.action == "take.described"]
    assert logged == [{"fields": ["name", "note"]}, {"fields": ["name"]}]  # never the text
    takes.describe(db, take.id, None, "Bass a little loud.\nTry slower.")  # nothing changes
    assert len([e for e in audit.entries(db) if e.action == "take.described"]) == 2


@pytest.mark.parametrize(("name", "note", "message"), [
    ("Chorus\nidea", "", "A take's name must be one line"),
    ("x" * 81, "", "longer than 80 characters"),
    ("Fine", "y" * 2001, "note is longer than 2000 characters"),
])
def test_a_bad_name_or_note_is_refused_and_changes_nothing(library, take, name, note, message):
    with pytest.raises(InputError, match=message):
        takes.describe(library.connection, take.id, name, note)
    assert takes.get(library.connection, take.id) == take


def test_a_loopers_take_is_known_as_a_loop(library, take):
    with library.transaction() as db:
        layers.add(db, take.tracks[0].id)
    assert takes.get(library.connection, take.id).is_loop


def test_how_a_take_is_listened_to_is_kept_and_comes_back(library, take):
    db = library.connection
    room, bass = (t.id for t in take.tracks)
    assert listening.of_take(db, take.id) is None
    kept = Listening(loop=(12000, 36000), looping=True, speed=0.75, semitones=-2,
                     levels={room: TrackLevel(-6.0, -0.5, muted=True),
                             bass: TrackLevel(3.0, 0.25, solo=True)})
    with library.transaction() as tx:
        listening.keep(tx, take.id, kept)
    assert listening.of_take(db, take.id) == kept
    later = Listening(levels={room: TrackLevel()})  # no loop now, as recorded, room level
    with library.transaction() as tx:
        listening.keep(tx, take.id, later)
    assert listening.of_take(db, take.id) == Listening(
        levels={room: TrackLevel(), bass: TrackLevel(3.0, 0.25, solo=True)})


@pytest.mark.parametrize(("wrong", "message"), [
    (Listening(loop=(0, 48001)), "not inside the take"),
    (Listening(loop=(100, 100)), "not inside the take"),
    (Listening(speed=0.4), "practice speed"),
    (Listening(levels={99999: TrackLevel()}), "Track 99999 is not a track of this take"),
    (Listening(levels={0: TrackLevel(pan=2.0)}), "out of range"),
])
def test_listening_that_does_not_fit_the_take_is_refused(library, take, wrong, message):
    if 0 in wrong.levels:
        wrong = Listening(levels={take.tracks[0].id: wrong.levels[0]})
    with pytest.raises(InputError, match=message), library.transaction() as db:
        listening.keep(db, take.id, wrong)
    assert listening.of_take(library.connection, take.id) is None

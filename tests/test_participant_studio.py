"""A participant's own studio ("My songs"), called directly: it gives only what is theirs,
whatever it is asked, and every audit row it writes says who was at the keyboard."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import library_here
from jack_rig import JackServer, SignalsInAChildProcess, seen_by_portaudio, wait_for

from mt_studio.core.capture.take_plan import TakeRequest
from mt_studio.core.domain import Purpose, SessionKind
from mt_studio.core.domain.accounts import Role
from mt_studio.core.errors import AccessRefused, ConsentRefused, InputError
from mt_studio.core.looper import LooperState, Player
from mt_studio.core.presets.model import AudioFormat
from mt_studio.core.studio import Studio
from mt_studio.core.studio.participant_studio import OWN_COPY
from mt_studio.core.waveform import open_track_file

PASS = "a song for every morning"


@pytest.fixture
def band(tmp_path):
    """A library behind an account, with the demo session: its take, everyone heard holding
    group consent; songs written by the singer with the bass player, and by the bass player
    alone. The therapist is signed in."""
    with Studio.open(library_here()) as studio:
        studio.accounts.add("Therese", Role.ADMIN, PASS)
        studio.sign_in("Therese", PASS)
        session_id = studio.sessions.create_demo()
        session = studio.sessions.get(session_id)
        singer, bass = session.participants[0], session.participants[1]
        shared = studio.songs.create("Morning song", [singer.id, bass.id], "First verse")
        theirs = studio.songs.create("Bass line", [bass.id], "Low notes")
        (take,) = studio.sessions.takes(session_id)
        yield studio, session, singer, bass, take, shared, theirs


def test_the_therapists_studio_locks_and_only_a_sign_in_opens_it_again(band):
    studio, session, singer, _bass, _take, _shared, _theirs = band
    mine = studio.for_participant(singer.id, session.id)
    with pytest.raises(AccessRefused):
        studio.sessions.all()
    for service in ("sessions", "consent", "plugins", "audit", "accounts", "groups", "courses",
                    "reports"):
        assert not hasattr(mine, service)
    door = mine._door  # even the studio behind it refuses the participant every service
    for service in ("sessions", "consent", "recording", "listening", "sharing", "songs",
                    "plugins", "audit", "groups", "courses", "reports"):
        with pytest.raises(AccessRefused):
            getattr(door, service)
    with pytest.raises(AccessRefused):
        door.for_participant(singer.id, session.id)
    assert mine.names() == {singer.id: singer.pseudonym}
    assert mine.participant.real_name is None
    studio.sign_in("Therese", PASS)
    mine.close()
    assert studio.sessions.get(session.id).title


def test_participant_mode_needs_an_account_and_a_participant_present(band, tmp_path):
    studio, session, singer, _bass, _take, _shared, _theirs = band
    stranger = studio.consent.add_participant("Stranger")
    with pytest.raises(InputError, match="not checked in"):
        studio.for_participant(stranger.id, session.id)
    with Studio.open(tmp_path / "open") as open_library:
        person = open_library.consent.add_participant("Kim")
        made = open_library.sessions.create("Kim alone", SessionKind.INDIVIDUAL, on=session.date,
                                            present=[person.id])
        with pytest.raises(AccessRefused, match="needs accounts"):
            open_library.for_participant(person.id, made.id)


def test_their_songs_only_with_no_co_writer_named(band):
    studio, session, singer, _bass, _take, shared, theirs = band
    mine = studio.for_participant(singer.id, session.id)
    assert [s.title for s in mine.songs.all()] == ["Morning song"]
    assert mine.songs.get(shared.id).writers == (mine.participant,)
    for asked in (lambda: mine.songs.get(theirs.id), lambda: mine.songs.versions(theirs.id),
                  lambda: mine.songs.save(theirs.id, "my words now"),
                  lambda: mine.songs.rename(theirs.id, "Mine"),
                  lambda: mine.songs.get(9999)):
        with pytest.raises(AccessRefused):
            asked()
    version = mine.songs.save(shared.id, "First verse\nA second line")
    assert version.number == 2
    new = mine.songs.create("Evening song", "Quiet words")
    assert new.writers == (mine.participant,)
    studio.sign_in("Therese", PASS)
    assert studio.songs.get(theirs.id).latest.lyrics == "Low notes"  # untouched


def test_their_takes_only_while_everyone_else_heard_may_be_heard_by_the_group(band):
    studio, session, singer, bass, take, _shared, _theirs = band
    mine = studio.for_participant(singer.id, session.id)
    assert [t.id for t in mine.takes()] == [take.id]
    assert mine.listening.sound(take.id).take.id == take.id
    studio.sign_in("Therese", PASS)
    studio.consent.withdraw(bass.id, [Purpose.GROUP], reason="not this one")
    mine = studio.for_participant(singer.id, session.id)
    assert mine.takes() == []
    for asked in (lambda: mine.take(take.id), lambda: mine.listening.sound(take.id),
                  lambda: mine.listening.player(take.id),
                  lambda: mine.sharing.my_copy(take.id, session_folder(studio))):
        with pytest.raises(AccessRefused):
            asked()


def session_folder(studio: Studio):
    return studio.folder.parent / "usb-stick"


def test_recording_only_on_their_own_inputs_in_their_session(band):
    studio, session, singer, _bass, _take, _shared, _theirs = band
    mine = studio.for_participant(singer.id, session.id)
    own = mine.recording.inputs()
    assert own and all(singer.id in i.players for i in session.inputs if i.number in own)
    others = [i.number for i in session.inputs if i.number not in own]
    with pytest.raises(AccessRefused, match="Only your own inputs"):
        mine.recording.plan(TakeRequest(session.id, "system", inputs=(others[0],)))
    with pytest.raises(AccessRefused):
        mine.recording.plan(TakeRequest(session.id + 1, "system", inputs=own))
    plan = mine.recording.plan(TakeRequest(session.id, "system", inputs=own))
    assert plan.inputs == own and plan.refusal is None


def test_my_copy_goes_through_the_export_gate_and_says_who_was_at_the_keyboard(band):
    studio, session, singer, bass, take, _shared, _theirs = band
    mine = studio.for_participant(singer.id, session.id)
    stick = session_folder(studio)
    result = mine.sharing.my_copy(take.id, stick, format=AudioFormat.WAV)
    assert result.folder.is_relative_to(stick) and result.files == len(
        list(result.folder.iterdir())) > 0
    assert set(vars(result)) == {"folder", "files"}  # nothing of who is heard or credited
    with pytest.raises(AccessRefused, match="USB stick"):
        mine.sharing.my_copy(take.id, studio.folder / "audio", format=AudioFormat.WAV)
    studio.sign_in("Therese", PASS)
    rows = [r for r in studio.audit.entries(singer.id) if r.for_participant == singer.id]
    assert {"participant_mode.started", "export.written"} <= {r.action for r in rows}
    assert {studio.audit.actors()[r.actor_id] for r in rows} == {"Therese"}
    written = next(r for r in rows if r.action == "export.written")
    assert written.details["purpose"] == Purpose.GROUP.value
    studio.consent.withdraw(bass.id, [Purpose.GROUP])
    studio.consent.grant(bass.id, [Purpose.GROUP])
    mine = studio.for_participant(singer.id, session.id)
    assert mine.alone_on(take.id) is False
    assert OWN_COPY != singer.pseudonym


def test_a_refusal_in_participant_mode_names_nobody(band, monkeypatch):
    studio, session, singer, bass, take, _shared, _theirs = band
    mine = studio.for_participant(singer.id, session.id)

    def refused(*_args, **_kwargs):
        raise ConsentRefused(f"{bass.pseudonym} has not consented to group sharing")

    from mt_studio.core.studio.sharing import SharingService

    monkeypatch.setattr(SharingService, "export", refused)
    with pytest.raises(ConsentRefused) as caught:
        mine.sharing.my_copy(take.id, session_folder(studio))
    assert bass.pseudonym not in str(caught.value)


def test_who_else_is_heard_is_the_sessions_to_say_never_the_requests(band):
    studio, session, *_rest = band
    room = next(i for i in session.inputs if not i.isolated and i.players)  # hears the room
    player = room.players[0]
    other = next(p for p in session.participants if p.id != player)
    studio.consent.withdraw(other.id, [Purpose.RECORD])
    mine = studio.for_participant(player, session.id)
    asked = TakeRequest(session.id, "system", inputs=(room.number,),
                        isolated=frozenset({room.number}))
    plan = mine.recording.plan(asked)  # claiming the room mic is isolated changes nothing
    assert plan.refusal is not None and other.pseudonym not in plan.refusal


def test_a_take_shows_a_participant_no_therapists_words_and_no_one_else(band):
    studio, session, singer, _bass, take, _shared, _theirs = band
    studio.listening.describe(take.id, "Ola cried here", "Talk to Kari's mother first")
    mine = studio.for_participant(singer.id, session.id)
    for shown_take in (mine.take(take.id), mine.takes()[0],
                       mine.listening.sound(take.id).take):
        assert shown_take.name is None and shown_take.note == ""
        assert all(not m.name for m in shown_take.markers)
        assert all(t.participant_ids == () and t.instrument is None
                   for t in shown_take.tracks)


RATE = 48000


def test_a_loop_is_recorded_only_from_their_inputs_and_refused_without_naming_anyone(band):
    studio, session, *_people, take, _shared, _theirs = band
    room = next(i for i in session.inputs if not i.isolated and i.players)  # hears the room
    drummer = room.players[0]
    other = next(p for p in session.participants if p.id != drummer)
    studio.consent.withdraw(other.id, [Purpose.RECORD])
    mine = studio.for_participant(drummer, session.id)
    looper = mine.recording.looper("system", RATE, 4)
    own = mine.recording.inputs()
    others = next(i.number for i in session.inputs if i.number not in own)
    for player in (Player(others, (drummer,)), Player(own[0], (other.id,)),
                   Player(own[0], (drummer, other.id), isolated=True)):
        with pytest.raises(AccessRefused):
            looper.record_loop(player)
    # Claiming the room mic is isolated changes nothing: the other one is heard on it.
    for player in (Player(room.number, (drummer,), isolated=True), Player(room.number)):
        with pytest.raises(ConsentRefused) as refused:
            looper.record_loop(player)
        assert other.pseudonym not in str(refused.value)
    assert looper.state is LooperState.IDLE
    looper.take_id = take.id  # undo, redo and mute only on the loop take it made
    for asked in (looper.undo, looper.redo, looper.layers,
                  lambda: looper.set_muted(take.tracks[0].id, True)):
        with pytest.raises(AccessRefused):
            asked()
    studio.sign_in("Therese", PASS)
    assert [t.id for t in studio.sessions.takes(session.id)] == [take.id]


def test_a_layer_they_loop_on_their_input_is_a_take_of_theirs_in_their_list(band):
    studio, session, *_rest = band
    bass_input = next(i for i in session.inputs if i.isolated and i.number == 2)  # a DI
    (bass,) = (p for p in session.participants if p.id in bass_input.players)
    mine = studio.for_participant(bass.id, session.id)
    with (JackServer(samplerate=RATE, period=256, inputs=2, outputs=2, synchronous=True)
          as server, seen_by_portaudio(server)):
        bass_line = SignalsInAChildProcess(server, ["silence", "sine:110:0.5"])
        looper = mine.recording.looper("system", RATE, 2)
        try:
            looper.start()
            bass_line.connect_to("PortAudio.*:in_")
            looper.record_loop(Player(2), frames=RATE // 2)  # the layout says who is heard
            wait_for(looper.layer_done.is_set, 10, "the first layer")
            looper.layer_done.clear()
            looper.overdub(Player(2, (bass.id,)))
            wait_for(looper.layer_done.is_set, 10, "the overdub")
            assert looper.undo().number == 2
        finally:
            looper.stop()
            bass_line.close()
    assert [layer.audible for layer in looper.layers()] == [True, False]
    listed = {t.id: t for t in mine.takes()}
    shown = listed[looper.take_id]
    assert shown.is_loop and all(t.participant_ids == () for t in shown.tracks)
    first = mine.listening.sound(looper.take_id).tracks[0].files[0]  # where it is now
    with open_track_file(first) as file:  # sealed: the library has accounts
        sound = file.read(dtype="float32")
    assert len(sound) == RATE // 2 and np.max(np.abs(sound)) > 0.4  # the bass line
    studio.sign_in("Therese", PASS)
    kept = studio.listening.take(looper.take_id)
    assert [(t.input, t.participant_ids, t.isolated) for t in kept.tracks] == [
        (2, (bass.id,), True)] * 2
    rows = [r for r in studio.audit.entries(bass.id) if r.subject == f"take:{kept.id}"]
    assert rows and all(r.for_participant == bass.id for r in rows)
    assert {"take.started", "layer.undone"} <= {r.action for r in rows}


def test_the_sessions_keyboard_is_theirs_to_record_only_when_they_play_it(band):
    studio, session, singer, bass, *_rest = band
    studio.sessions.keep_setup(session.id, session.inputs, midi_players=[bass.id],
                               midi_port="Keys")
    mine = studio.for_participant(singer.id, session.id)
    own = mine.recording.inputs()
    assert mine.recording.keyboard() is None and not mine.recording.plays_keyboard()
    with pytest.raises(AccessRefused, match="keyboard"):
        mine.recording.plan(TakeRequest(session.id, "system", inputs=own, midi="Keys"))
    studio.sign_in("Therese", PASS)
    studio.sessions.keep_setup(session.id, session.inputs, midi_players=[singer.id])
    mine = studio.for_participant(singer.id, session.id)
    assert mine.recording.keyboard() == "Keys"
    with pytest.raises(AccessRefused, match="keyboard"):  # only the session's keyboard
        mine.recording.plan(TakeRequest(session.id, "system", inputs=own, midi="Drum pads"))
    assert mine.recording.plan(TakeRequest(session.id, "system", inputs=own,
                                           midi="Keys")).record_midi

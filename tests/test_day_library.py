"""A library for the day: made while the service's server answers, gone on with when it does
not, and its work moved into the service's library once it is back, consent checked again
then (core/studio/day_library.py)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from mt_studio.core.capture.part_check import FileState
from mt_studio.core.domain import Purpose, SessionKind
from mt_studio.core.domain.accounts import Role
from mt_studio.core.errors import AccessRefused, LibraryError
from mt_studio.core.export.request import ExportRequest
from mt_studio.core.library import takes
from mt_studio.core.library.clock import utc_now
from mt_studio.core.library.database import DATABASE_NAME
from mt_studio.core.playback import TrackReader
from mt_studio.core.retention import DueCause
from mt_studio.core.studio import Studio, day_files, day_library
from mt_studio.core.studio.retention import why_text

NAME, PASSPHRASE = "Therese", "a song for every morning"


@pytest.fixture
def backend() -> str:
    """A library for the day is for a service's library, on the tests' PostgreSQL server."""
    return "postgresql"


@pytest.fixture
def service(library_location):
    """The service's library, encrypted (it has an account), signed in, with the demo
    session of today in it."""
    with Studio.open(library_location) as studio:
        studio.accounts.add(NAME, Role.ADMIN, PASSPHRASE)
    with Studio.open(library_location) as studio:
        studio.sign_in(NAME, PASSPHRASE)
        studio.sessions.create_demo()
        yield studio


def open_signed_in(folder: Path | str) -> Studio:
    studio = Studio.open(folder)
    studio.sign_in(NAME, PASSPHRASE)
    return studio


def played(studio: Studio, take_id: int) -> list[np.ndarray]:
    """The audio tracks of TAKE_ID as the player reads them."""
    sound = studio.listening.sound(take_id)
    out = []
    for track in sound.audio:
        with TrackReader(track.files) as reader:
            out.append(reader.read(sound.frames).copy())
    return out


def pseudonym_id(studio: Studio, pseudonym: str) -> int:
    return studio.consent.find(pseudonym).id


def test_a_day_library_is_made_encrypted_gone_on_with_and_moved_in_with_consent_checked_again(
        service: Studio, library_location: str):
    assert day_library.prepare(service)
    folder = day_library.library_folder(library_location)
    assert not (folder / DATABASE_NAME).read_bytes().startswith(b"SQLite format 3")
    drummer = service.consent.find("Demo Drummer")  # heard on the room microphone
    bassist = service.consent.find("Demo Bassist")
    singer = service.consent.find("Demo Singer")

    # The server is lost: the day goes on in the day library, opened with the same passphrase.
    with open_signed_in(day_library.take(library_location)) as day:
        assert [s.title for s in day.sessions.all()] == [s.title for s in service.sessions.all()]
        assert day.consent.current(drummer.id)[Purpose.RECORD].state.value == "granted"
        kari = day.consent.add_participant("Kari")
        day.consent.grant(kari.id, [Purpose.RECORD, Purpose.KEEP])
        day.consent.grant(bassist.id, [Purpose.PUBLIC])  # later withdrawn on the server
        day_session = day.sessions.create_demo()
        day.sessions.check_in(day_session, kari.id)
        day.consent.withdraw(singer.id, [Purpose.GROUP], reason="said so in the room")
        (day_take,) = [t.id for t in day.sessions.takes(day_session)]
        song = day.songs.create("Morgensang", [kari.id], lyrics="Sola står opp")
        day.songs.link_take(song.id, day_take)
        day.songs.stamp(day.songs.version(song.id, 1).id, 0, day_take, 48000)
        before = played(day, day_take)
        checked = [(c.state, c.track_id) for c in day.listening.verify(day_take)]
        with pytest.raises(AccessRefused, match="library for the day"):
            day.sharing.export(ExportRequest(day_take, Purpose.GROUP, Path("x")))

    # Meanwhile, on another computer: the drummer withdraws consent to be recorded, the
    # bassist their public consent, after the grant made in the day library.
    service.consent.withdraw(drummer.id, [Purpose.RECORD], reason="not today")
    service.consent.withdraw(bassist.id, [Purpose.PUBLIC])

    assert not day_library.prepare(service)  # the day library holds work: left as it is
    moved = day_library.move_in(service)

    (take,) = moved.takes
    assert take.not_consented == (drummer.id,)
    assert moved.participants_added == ("Kari",)
    assert moved.consent_carried == 3  # Kari's record and keep, the singer's withdrawal
    assert [(e.participant_id, e.purpose) for e in moved.consent_overtaken] == [
        (bassist.id, Purpose.PUBLIC)]
    assert not day_library.library_folder(library_location).exists()
    assert not day_library.is_taken(library_location)
    assert day_library.move_in(service) is None

    service.recording.move_to_store()
    assert service.recording.waiting_for_store() == []
    # as they were checked there (the demo's files have no checksum kept: unchecked)
    assert [c.state for c in service.listening.verify(take.take_id)] == [s for s, _ in checked]
    after = played(service, take.take_id)
    assert len(after) == len(before) == 4
    for a, b in zip(before, after, strict=True):
        np.testing.assert_array_equal(a, b)
    stored = service.folder / takes.take_folder(take.take_id)
    for path in stored.iterdir():
        assert b"RIFF" not in path.read_bytes() and b"MThd" not in path.read_bytes()

    (song,) = service.songs.for_take(take.take_id)  # the words written that day, kept
    assert song.title == "Morgensang"
    assert service.songs.version(song.id, 1).lyrics == "Sola står opp"
    kari_here = pseudonym_id(service, "Kari")
    assert service.consent.current(singer.id)[Purpose.GROUP].state.value == "withdrawn"
    assert [w.id for w in song.writers] == [kari_here]
    assert service.consent.current(kari_here)[Purpose.RECORD].state.value == "granted"
    assert kari_here in {p.id for p in service.sessions.get(take.session_id).participants}
    due = service.retention.due(utc_now())
    (listed,) = [d for d in due.takes if d.take.take_id == take.take_id]
    (why,) = [w for w in listed.why if w.cause is DueCause.NO_RECORD]
    assert why.participant_id == drummer.id
    assert "Demo Drummer" in why_text(why, due.names)
    assert service.check_ledger().intact
    actions = {e.action for e in service.audit.entries()}
    assert {"take.moved_in", "day_library.moved_in"} <= actions
    assert any(e.subject.startswith("day:take:") for e in service.audit.entries())


def test_a_move_cut_short_after_the_rows_is_finished_at_the_next_and_carries_them_once(
        service: Studio, library_location: str, monkeypatch: pytest.MonkeyPatch):
    day_library.prepare(service)
    with open_signed_in(day_library.take(library_location)) as day:
        day.accounts.add("Vikar", Role.THERAPIST, "a stand-in for the day")
        day.sign_in("Vikar", "a stand-in for the day")  # an account the service has not
        day_session = day.sessions.create_demo()
        (day_take,) = [t.id for t in day.sessions.takes(day_session)]
        before = played(day, day_take)
    real_write = day_files.write_file
    written = []

    def cut_short(*args, **kwargs):
        if len(written) == 2:
            raise OSError("the power went")
        written.append(args)
        real_write(*args, **kwargs)

    monkeypatch.setattr(day_files, "write_file", cut_short)
    with pytest.raises(OSError, match="power"):
        day_library.move_in(service)
    assert day_library.waiting(service)  # kept whole until its files are out
    monkeypatch.setattr(day_files, "write_file", real_write)

    (take,) = day_library.move_in(service).takes
    assert day_library.move_in(service) is None
    service.recording.move_to_store()
    after = played(service, take.take_id)
    for a, b in zip(before, after, strict=True):
        np.testing.assert_array_equal(a, b)
    demo_sessions = [s for s in service.sessions.all() if s.title == "Demo session"]
    assert len(demo_sessions) == 2  # the day's made once
    assert sum(1 for e in service.audit.entries() if e.action == "day_library.moved_in") == 1
    by_day = [e for e in service.audit.entries() if e.subject.startswith("day:")]
    assert {e.actor_id for e in by_day if e.action == "take.started"} == {None}  # the stand-in
    assert 1 in {e.actor_id for e in by_day}  # Therese, signed in there too


def test_a_day_library_made_before_the_service_s_library_was_encrypted_moves_in_sealed(
        library_location: str):
    with Studio.open(library_location) as studio:
        assert day_library.prepare(studio)  # plain, as the service's library still is
    with Studio.open(day_library.take(library_location)) as day:
        day_take = day.sessions.takes(day.sessions.create_demo())[0].id
        before = played(day, day_take)
    with Studio.open(library_location) as studio:
        studio.accounts.add(NAME, Role.ADMIN, PASSPHRASE)
    with open_signed_in(library_location) as service:
        (take,) = day_library.move_in(service).takes
        service.recording.move_to_store()
        for a, b in zip(before, played(service, take.take_id), strict=True):
            np.testing.assert_array_equal(a, b)
        for path in (service.folder / takes.take_folder(take.take_id)).iterdir():
            assert b"RIFF" not in path.read_bytes() and b"MThd" not in path.read_bytes()


def test_a_take_left_unfinished_in_the_day_library_stops_the_move_and_nothing_is_moved(
        service: Studio, library_location: str):
    day_library.prepare(service)
    folder = day_library.take(library_location)
    with open_signed_in(folder) as day:
        session = day.sessions.create_demo()
        with day._transaction() as tx:
            takes.start(tx, session, 48000)
    with pytest.raises(LibraryError, match="unfinished"):
        day_library.move_in(service)
    assert day_library.waiting(service)
    assert len(service.sessions.all()) == 1


def test_nothing_is_made_for_a_library_in_a_folder(tmp_path: Path):
    with Studio.open(tmp_path / "library") as studio:
        assert not day_library.prepare(studio)
        assert not day_library.waiting(studio)


def test_the_day_library_is_made_anew_until_it_is_taken(service: Studio, library_location: str):
    assert day_library.prepare(service)
    service.sessions.create("Choir", SessionKind.CHOIR, on=utc_now().date() + timedelta(days=1))
    assert day_library.prepare(service)
    with open_signed_in(day_library.take(library_location)) as day:
        assert {s.title for s in day.sessions.all()} == {"Demo session", "Choir"}


@pytest.fixture
def rig(monkeypatch):
    """A JACK server that PortAudio sees as "system": the room's audio interface."""
    from jack_rig import JackServer, seen_by_portaudio

    with (JackServer(samplerate=48000, inputs=2, synchronous=True) as server,
          seen_by_portaudio(server)):
        yield server


def test_a_take_recorded_from_the_interface_in_the_day_library_reaches_the_share_sample_exact(
        rig, service: Studio, library_location: str):
    from jack_rig import SignalGenerator, ramp

    from mt_studio.core.studio.recording import TakeRequest

    ola = service.consent.add_participant("Ola")
    service.consent.grant(ola.id, [Purpose.RECORD, Purpose.KEEP])
    duo = service.sessions.create("Duo", SessionKind.INDIVIDUAL, on=utc_now().date(),
                                  present=[ola.id]).id
    assert day_library.prepare(service)
    with open_signed_in(day_library.take(library_location)) as day:
        generator = SignalGenerator(rig, [ramp(0), ramp(1)])
        try:
            recording = day.recording.start(TakeRequest(duo, "system", inputs=(1, 2),
                                                        duration_seconds=2))
            generator.connect_to("PortAudio.*:in_")
            assert recording.wait(30)
        finally:
            generator.close()
        day_take = recording.stop().take_id
        assert {c.state for c in day.listening.verify(day_take)} == {FileState.MATCHES}
        before = played(day, day_take)
        assert len(before[0]) == 2 * 48000 and before[0].any()

    (take,) = day_library.move_in(service).takes
    assert (take.session_id, take.number, take.not_consented) == (duo, 1, ())
    service.recording.move_to_store()
    assert service.recording.waiting_for_store() == []
    assert [c.state for c in service.listening.verify(take.take_id)] == [FileState.MATCHES] * 2
    for a, b in zip(before, played(service, take.take_id), strict=True):
        np.testing.assert_array_equal(a, b)
    for path in (service.folder / takes.take_folder(take.take_id)).iterdir():
        assert b"RIFF" not in path.read_bytes()


def test_the_command_line_says_a_day_library_waits_and_moves_it_in(cli, library_location):
    with Studio.open(library_location) as studio:
        assert day_library.prepare(studio)
    with Studio.open(day_library.take(library_location)) as day:
        day.sessions.create_demo()
    status = cli("library", "status")
    assert "holds a library for today with work to move in" in status.out
    assert cli("library", "status", "--json").json()["day_library_waiting"] is True
    moved = cli("library", "move-day", "--json").json()
    assert [(t["number"], t["not_consented"]) for t in moved["takes"]] == [(1, [])]
    assert moved["participants_added"] == ["Demo Drummer", "Demo Bassist", "Demo Keys",
                                           "Demo Singer"]
    assert cli("library", "move-day").out == "No library for today waits on this computer.\n"
    assert cli("library", "status", "--json").json()["day_library_waiting"] is False


def test_a_day_library_open_in_a_window_here_is_not_moved_in_from_under_it(
        service: Studio, library_location: str):
    day_library.prepare(service)
    with open_signed_in(day_library.take(library_location)) as day:
        day.sessions.create_demo()
        let_go = day_library.hold_open(day)
        with pytest.raises(LibraryError, match="open in another mt_studio window"):
            day_library.move_in(service)
        let_go()
    (take,) = day_library.move_in(service).takes
    assert take.not_consented == ()

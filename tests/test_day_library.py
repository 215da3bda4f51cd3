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
from mt_studio.core.library import consent_ledger, participants, takes
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


def stamped(studio: Studio, participant_id: int, action: str, at, *, until=None,
            purpose: Purpose = Purpose.RECORD) -> None:
    """A ledger row of PURPOSE stamped AT, as a computer whose clock says so writes it."""
    with studio._transaction() as tx:
        who = participants.get(tx, participant_id)
        if action == "grant":
            consent_ledger.grant(tx, who, [purpose], valid_until=until, at=at)
        else:
            consent_ledger.withdraw(tx, who, [purpose], at=at)


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

    drummer = service.consent.find("Demo Drummer")
    service.consent.withdraw(drummer.id, [Purpose.RECORD])  # meanwhile, elsewhere
    monkeypatch.setattr(day_files, "write_file", cut_short)
    with pytest.raises(OSError, match="power"):
        day_library.move_in(service)
    assert day_library.waiting(service)  # kept whole until its files are out
    assert not day_library.is_ready(library_location)  # but not gone on with: its rows are in
    with pytest.raises(LibraryError, match="being moved in"):
        day_library.take(library_location)
    monkeypatch.setattr(day_files, "write_file", real_write)

    (take,) = day_library.move_in(service).takes
    assert take.not_consented == (drummer.id,)  # said again when the move is taken up
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



def test_a_withdrawal_in_the_day_library_is_carried_over_a_grant_stamped_ahead(
        service: Studio, library_location: str):
    bassist = service.consent.find("Demo Bassist")
    ahead = utc_now() + timedelta(hours=1)  # a computer whose clock ran fast
    stamped(service, bassist.id, "grant", ahead, purpose=Purpose.PUBLIC)
    day_library.prepare(service)
    with open_signed_in(day_library.take(library_location)) as day:
        day.consent.withdraw(bassist.id, [Purpose.PUBLIC], reason="changed their mind")
    moved = day_library.move_in(service)
    assert (moved.consent_carried, moved.consent_overtaken) == (1, ())
    assert service.consent.current(bassist.id)[Purpose.PUBLIC].state.value == "withdrawn"


def test_a_check_out_on_the_service_is_not_undone_by_the_check_ins_the_day_library_copied(
        service: Studio, library_location: str):
    ola = service.consent.add_participant("Ola")
    visitor = service.consent.add_participant("Besøkende")
    duo = service.sessions.create("Duo", SessionKind.INDIVIDUAL, on=utc_now().date(),
                                  present=[ola.id, visitor.id]).id
    day_library.prepare(service)
    service.sessions.check_out(duo, visitor.id)  # checked in by mistake, out again
    with open_signed_in(day_library.take(library_location)) as day:
        kari = day.consent.add_participant("Kari")
        day.sessions.check_in(duo, kari.id)  # this the day did
    day_library.move_in(service)
    assert {p.pseudonym for p in service.sessions.get(duo).participants} == {"Ola", "Kari"}


def test_someone_erased_on_the_service_meanwhile_is_named_on_the_day_s_take(
        service: Studio, library_location: str):
    day_library.prepare(service)
    with open_signed_in(day_library.take(library_location)) as day:
        day.sessions.create_demo()
    singer = service.consent.find("Demo Singer")
    service.deletion.erase_participant(singer.id, reason="asked to be forgotten")
    (take,) = day_library.move_in(service).takes
    assert singer.id in take.not_consented


def test_consent_to_be_recorded_is_judged_at_the_take_and_by_a_withdrawal_since(
        service: Studio):
    from mt_studio.core.studio.day_move import _not_consented

    ola = service.consent.add_participant("Ola")
    kari = service.consent.add_participant("Kari")
    nils = service.consent.add_participant("Nils")
    started = utc_now() - timedelta(hours=2)
    stamped(service, ola.id, "grant", started - timedelta(hours=1),
            until=started.astimezone().date())  # runs out the day after the take
    stamped(service, kari.id, "withdraw", started - timedelta(minutes=30))
    stamped(service, kari.id, "grant", started + timedelta(minutes=5))
    stamped(service, nils.id, "grant", started - timedelta(hours=1))
    stamped(service, nils.id, "withdraw", started + timedelta(hours=1))
    with service._reading() as db:
        missing = _not_consented(db, frozenset({ola.id, kari.id, nils.id}), started,
                                 utc_now() + timedelta(days=1))
    # Ola held it when recorded; Kari's grant came after the take; Nils withdrew since
    assert missing == tuple(sorted((kari.id, nils.id)))


def test_a_pseudonym_taken_meanwhile_is_made_to_fit_and_unique(service: Studio):
    from mt_studio.core.library.day_kit import DayFacts
    from mt_studio.core.studio.day_move import _free_pseudonym

    facts = DayFacts("0" * 32, "postgresql://x@y/z", "a-very-long-computer-name." * 9,
                     utc_now(), {})
    long_name = "Anne-Marie Kristiansen-Haugland fra Vestre Aker menighet"
    first = service.consent.add_participant(long_name)
    with service._transaction() as tx:
        second = _free_pseudonym(tx, first.pseudonym, facts)
        service.consent.add_participant(second)
        third = _free_pseudonym(tx, first.pseudonym, facts)
    assert len({first.pseudonym, second, third}) == 3
    assert max(map(len, (second, third))) <= 64 and third.endswith(" 3")


def test_retention_deletes_nothing_in_the_day_library(service: Studio, library_location: str):
    day_library.prepare(service)
    with open_signed_in(day_library.take(library_location)) as day:
        session = day.sessions.create_demo()
        kari = day.consent.add_participant("Kari")  # heard on the room tracks, never keep
        day.consent.grant(kari.id, [Purpose.RECORD])
        day.sessions.check_in(session, kari.id)
        later = utc_now() + timedelta(days=60)
        assert day.retention.due(later).takes  # due, by the day library's copy of the ledger
        assert day.retention.run(later).deleted == ()
        assert len(day.sessions.takes(session)) == 1


def test_a_day_library_changed_outside_mt_studio_is_not_moved_in(library_location: str):
    import sqlite3

    with Studio.open(library_location) as studio:
        studio.sessions.create_demo()
        assert day_library.prepare(studio)
    folder = day_library.take(library_location)
    with Studio.open(folder) as day:
        day.sessions.create_demo()
    # The attack: the laptop's plain SQLite file, a grant forged with the sqlite3 shell.
    from mt_studio.core.library.ledger_chain import append_only_triggers

    forged = sqlite3.connect(folder / DATABASE_NAME)
    forged.executescript(  # the trigger lifted and put back: only the chain tells
        "DROP TRIGGER consent_events_no_update;"
        "UPDATE consent_events SET purpose = 'public' WHERE id = 1;"
        + append_only_triggers("consent_events")["consent_events_no_update"] + ";")
    forged.close()
    with Studio.open(library_location) as studio:
        with pytest.raises(LibraryError, match="changed outside mt_studio"):
            day_library.move_in(studio)
        assert day_library.waiting(studio)
        assert [s.title for s in studio.sessions.all()] == ["Demo session"]


def test_a_crash_as_the_day_library_went_leaves_nothing_that_stops_the_next(
        service: Studio, library_location: str):
    assert day_library.prepare(service)
    home = day_library.folder_for(library_location)
    day_library.take(library_location)
    (home / "library").rename(home / "moved-left-by-a-crash")  # gone, its mark not yet
    assert day_library.prepare(service)
    assert day_library.is_ready(library_location)
    assert not day_library.is_taken(library_location)
    assert sorted(p.name for p in home.iterdir() if not p.name.startswith(".")) == ["library"]

"""Several computers on one server library (docs/architecture.md, "One library for the
service"): what one commits, the others hear at once and tell their windows as their own; a
change rolled back is never heard; a lost server is said at once, and its return."""

from __future__ import annotations

import queue
from datetime import date

import pytest
from conftest import run_command

from mt_studio.core.domain import Purpose, SessionKind
from mt_studio.core.errors import LibraryError
from mt_studio.core.studio import (
    AttendanceChanged,
    ConsentChanged,
    ParticipantAdded,
    SessionChanged,
    Studio,
)
from mt_studio.core.studio.elsewhere import heard, listen, notices
from mt_studio.core.studio.events import ServerReach, TakeChanged

WAIT = 20  # seconds a notice may take before the test fails (it takes milliseconds)


@pytest.fixture
def here(address):
    """The studio on this computer, listening; what its listeners are told, in order."""
    with Studio.open(address) as studio:
        told: queue.Queue = queue.Queue()
        studio.events.subscribe(told.put)
        stop = listen(studio)
        try:
            yield studio, told
        finally:
            stop()


def next_told(told: queue.Queue):
    return told.get(timeout=WAIT)


def test_what_another_computer_commits_is_told_here_as_its_own_events(here, address):
    studio, told = here
    with Studio.open(address) as there:  # another therapist's computer
        ola = there.consent.add_participant("Ola")
        session = there.sessions.create("Band", SessionKind.BAND, on=date(2026, 12, 7)).id
        there.sessions.check_in(session, ola.id)
        there.consent.grant(ola.id, [Purpose.RECORD, Purpose.GROUP])
    assert next_told(told) == ParticipantAdded(ola.id)
    assert next_told(told) == SessionChanged(session)
    assert next_told(told) == AttendanceChanged(session)
    assert next_told(told) == ConsentChanged(ola.id)
    # and what is told matches what the library now holds here
    assert [p.pseudonym for p in studio.consent.participants()] == ["Ola"]


def test_a_command_in_another_process_is_heard_and_own_changes_are_told_once(here, address):
    studio, told = here
    kari = studio.consent.add_participant("Kari")
    assert next_told(told) == ParticipantAdded(kari.id)  # its own, told by the studio itself
    done = run_command("--library", address, "consent", "grant", "Kari", "record")
    assert done.returncode == 0, done.stderr
    assert next_told(told) == ConsentChanged(kari.id)
    assert told.empty()  # its own change was not told a second time from the server


def test_a_change_rolled_back_is_never_heard(here, address):
    studio, told = here
    with Studio.open(address) as there:
        ola = there.consent.add_participant("Ola")
        with pytest.raises(RuntimeError), there._transaction() as tx:
            from mt_studio.core.library import participants

            participants.add(tx, "Per")
            there._announce(ParticipantAdded(999))
            raise RuntimeError("cut short")
        there.consent.grant(ola.id, [Purpose.RECORD])
    assert next_told(told) == ParticipantAdded(ola.id)
    # notices come in commit order: the grant after the rolled-back change, nothing between
    assert next_told(told) == ConsentChanged(ola.id)
    assert [p.pseudonym for p in studio.consent.participants()] == ["Ola"]


def test_a_lost_server_is_said_at_once_and_the_studio_goes_on_when_it_is_back(
        here, postgres_server):
    studio, told = here
    postgres_server.stop()
    try:
        assert next_told(told) == ServerReach(False)
        with pytest.raises(LibraryError, match="Cannot reach the library's database"):
            studio.consent.add_participant("Per")
    finally:
        postgres_server.start()
    assert next_told(told) == ServerReach(True)
    per = studio.consent.add_participant("Per")  # connected again, nothing to restart
    assert next_told(told) == ParticipantAdded(per.id)
    assert [p.pseudonym for p in studio.consent.participants()] == ["Per"]


def test_many_events_go_in_notices_small_enough_for_the_server_and_all_are_heard():
    events = [TakeChanged(take, 1) for take in range(1, 2001)]
    sent = notices(events, "abc")
    assert len(sent) > 1 and all(len(notice.encode()) <= 7900 for notice in sent)
    assert [e for notice in sent for e in heard(notice, "elsewhere")] == events
    assert [e for notice in sent for e in heard(notice, "abc")] == []  # its own: told already


def test_a_notice_this_mt_studio_does_not_know_is_left_out():
    assert heard('{"from":"x","events":[["FromTheFuture",[1]],["ConsentChanged",[4]]]}',
                 "y") == [ConsentChanged(4)]
    assert heard("not json", "y") == []
    assert heard('{"from":"x","events":[["ConsentChanged",[1,2,3]]]}', "y") == []

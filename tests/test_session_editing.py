"""Editing a session, checking people in and out, and creating one from a template."""

from __future__ import annotations

from datetime import date

import pytest

from mt_studio.core.domain import SessionKind, TrackKind
from mt_studio.core.errors import InputError
from mt_studio.core.library import audit, participants, sessions, takes
from mt_studio.core.presets import PresetCatalog


@pytest.fixture
def band(library):
    db = library.connection
    ola = participants.add(db, "Ola")
    return sessions.create(db, "Tuesday band", SessionKind.BAND, on=date(2026, 11, 3),
                           participants=[ola], therapist="Therapist A")


def test_editing_changes_only_the_fields_given_and_logs_their_names(library, band):
    db = library.connection
    edited = sessions.edit(db, band.id, title="  Wednesday band ", on=date(2026, 11, 4),
                           notes="Ola sang the chorus twice.")
    assert (edited.title, edited.date, edited.notes) == (
        "Wednesday band", date(2026, 11, 4), "Ola sang the chorus twice.")
    assert (edited.kind, edited.therapist) == (SessionKind.BAND, "Therapist A")
    assert sessions.get(db, band.id) == edited
    (entry,) = [e for e in audit.entries(db) if e.action == "session.edited"]
    assert entry.subject == f"session:{band.id}"
    assert entry.details == {"fields": ["date", "notes", "title"]}  # names, never the text


def test_kind_and_therapist_can_be_changed_and_the_therapist_cleared(library, band):
    db = library.connection
    edited = sessions.edit(db, band.id, kind=SessionKind.CHOIR, therapist="  ")
    assert edited.kind is SessionKind.CHOIR and edited.therapist is None
    logged = [e.details for e in audit.entries(db) if e.action == "session.edited"]
    assert logged == [{"fields": ["kind", "therapist"], "kind": "choir"}]


def test_an_edit_that_changes_nothing_writes_nothing(library, band):
    db = library.connection
    assert sessions.edit(db, band.id, title="Tuesday band", kind=SessionKind.BAND) == band
    assert not [e for e in audit.entries(db) if e.action == "session.edited"]


@pytest.mark.parametrize(("changes", "message"), [
    ({"title": "   "}, "needs a title"),
    ({"title": "Band\nnight"}, "one line"),
    ({"therapist": "A\tB"}, "one line"),
])
def test_a_bad_edit_is_refused_and_changes_nothing(library, band, changes, message):
    with pytest.raises(InputError, match=message):
        sessions.edit(library.connection, band.id, **changes)
    assert sessions.get(library.connection, band.id) == band


def test_editing_a_session_that_does_not_exist_names_its_id(library):
    with pytest.raises(InputError, match="42"):
        sessions.edit(library.connection, 42, title="X")


def test_check_in_and_out_change_who_is_present_and_are_logged(library, band):
    db = library.connection
    ola = band.participants[0]
    kari = participants.add(db, "Kari")
    assert sessions.check_in(db, band.id, kari) is True
    assert sessions.check_in(db, band.id, kari) is False  # already present: nothing new
    assert [p.pseudonym for p in sessions.get(db, band.id).participants] == ["Kari", "Ola"]
    assert sessions.check_out(db, band.id, ola) is True
    assert sessions.check_out(db, band.id, ola) is False
    assert [p.pseudonym for p in sessions.get(db, band.id).participants] == ["Kari"]
    logged = [(e.action, e.participant_id) for e in audit.entries(db)
              if e.action.startswith("session.checked")]
    assert logged == [("session.checked_in", kari.id), ("session.checked_out", ola.id)]


def test_nobody_heard_on_a_recorded_take_can_be_checked_out(library, band):
    db = library.connection
    ola = band.participants[0]
    takes.add_track(db, takes.start(db, band.id, 48000), TrackKind.AUDIO, input=1)
    with pytest.raises(InputError, match="'Ola' can be heard on the takes"):
        sessions.check_out(db, band.id, ola)
    assert sessions.get(db, band.id).participants == (ola,)
    late = participants.add(db, "Kari")
    assert sessions.check_in(db, band.id, late)  # arriving late is always possible


def test_set_attendance_checks_in_and_out_to_match(library, band):
    db = library.connection
    kari = participants.add(db, "Kari")
    nils = participants.add(db, "Nils")
    after = sessions.set_attendance(db, band.id, [nils, kari, nils])
    assert [p.pseudonym for p in after.participants] == ["Kari", "Nils"]


def test_a_session_from_the_choir_template_takes_its_layout(library, studio):
    db = library.connection
    choir = PresetCatalog.default().session_template("choir")
    kari = participants.add(db, "Kari")
    session = studio.sessions.create("Thursday choir", None, on=date(2026, 11, 5),
                                     present=[kari.id], template=choir, notes="Warm-up first")
    assert (session.kind, session.template, session.notes) == (
        SessionKind.CHOIR, "choir", "Warm-up first")
    assert [(i.number, i.label, i.isolated) for i in session.inputs] == [
        (1, "Room mic left", False), (2, "Room mic right", False)]
    assert session.participants == (kari,)
    other = studio.sessions.create("Choir as band", SessionKind.BAND, on=date(2026, 11, 5),
                                   template=choir)
    assert other.kind is SessionKind.BAND and other.template == "choir"


def test_notes_are_trimmed_alike_when_created_and_when_edited(library):
    db = library.connection
    session = sessions.create(db, "Choir", SessionKind.CHOIR, on=date(2026, 11, 4),
                              notes="Warm-up first\n")
    assert session.notes == "Warm-up first"
    sessions.edit(db, session.id, notes="Warm-up first\n")
    assert not [e for e in audit.entries(db) if e.action == "session.edited"]

"""Who saw what: every read of health data is audited with its actor, a look at the audit
with other filters is noted again, and work that ends after a lock (an export in a worker)
is audited as whoever started it."""

from __future__ import annotations

import threading

import pytest
from conftest import library_here

from mt_studio.core.domain import Purpose
from mt_studio.core.domain.accounts import Role
from mt_studio.core.errors import AccessRefused
from mt_studio.core.export import ExportRequest
from mt_studio.core.studio import Studio

ADMIN_PASS = "a song for every morning"
THERAPIST_PASS = "drums before the chorus"


@pytest.fixture
def studio(tmp_path):
    """A library with an admin (Therese), a therapist (Tor) signed in, and the demo session."""
    with Studio.open(library_here()) as opened:
        opened.accounts.add("Therese", Role.ADMIN, ADMIN_PASS)
        opened.sign_in("Therese", ADMIN_PASS)
        opened.accounts.add("Tor", Role.THERAPIST, THERAPIST_PASS)
        opened.sessions.create_demo()
        opened.lock()
        opened.sign_in("Tor", THERAPIST_PASS)
        yield opened


def demo_take(studio: Studio):
    session = studio.sessions.all()[0]
    return studio.sessions.takes(session.id)[-1]


def rows_by(studio: Studio, name: str) -> list[tuple[str, str]]:
    """What NAME did and saw, in order (read by the admin)."""
    studio.lock()
    studio.sign_in("Therese", ADMIN_PASS)
    return [(r.action, r.subject) for r in studio.audit.entries(actor=name)]


def test_an_export_that_ends_after_a_lock_is_audited_as_who_started_it(studio, tmp_path):
    take = demo_take(studio)
    exporting, lock_done = threading.Event(), threading.Event()

    def progress(_fraction: float) -> None:
        exporting.set()
        lock_done.wait(30)

    done = []
    worker = threading.Thread(target=lambda: done.append(studio.sharing.export(
        ExportRequest(take.id, Purpose.GROUP, tmp_path / "out"), progress=progress)))
    worker.start()
    assert exporting.wait(30)
    studio.lock()  # the therapist steps out while the export is being written
    lock_done.set()
    worker.join(60)
    assert done and done[0].files
    assert ("export.written", f"export:{done[0].export_id}") in rows_by(studio, "Tor")


def test_each_read_of_health_data_is_audited_with_its_reader(studio, tmp_path):
    take = demo_take(studio)
    someone = studio.consent.participants()[0]
    studio.listening.sound(take.id)  # its waveform drawn
    with studio.plugins.take_audio(take.id) as audio:  # a plugin reads it
        assert audio.frames > 0
    studio.consent.ledger()
    studio.consent.ledger([someone.id])
    studio.sharing.preview(ExportRequest(take.id, Purpose.GROUP, tmp_path))
    looks = [row for row in rows_by(studio, "Tor") if not row[0].startswith("account.")]
    assert looks == [("take.shown", f"take:{take.id}"), ("take.analysed", f"take:{take.id}"),
                     ("consent.shown", "consent_ledger"),
                     ("consent.shown", f"participant:{someone.id}"),
                     ("export.previewed", f"take:{take.id}")]


def test_a_look_at_the_audit_with_other_filters_is_noted_again(studio):
    someone = studio.consent.participants()[0]
    studio.lock()
    studio.sign_in("Therese", ADMIN_PASS)
    studio.audit.entries()
    studio.audit.entries()  # the same look again: noted once
    studio.audit.entries(participant_id=someone.id)
    studio.audit.entries(actor="Tor")
    looks = [r for r in studio.audit.entries() if r.action == "audit.shown"]
    assert [(r.participant_id, r.details["actor"]) for r in looks] == [
        (None, None), (someone.id, None), (None, "Tor")]


def test_only_an_admin_learns_the_accounts_names_from_the_audit(studio):
    with pytest.raises(AccessRefused, match="admin"):
        studio.audit.actors()

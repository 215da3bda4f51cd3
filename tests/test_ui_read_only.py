"""The window on a library whose ledger was changed outside mt_studio: checked in a worker once
it shows the library, it then says so once, plainly, above everything, and stays usable for
listening while every change is refused."""

from __future__ import annotations

import os
from datetime import date

import pytest

from mt_studio.core.capture.take_plan import TakeRequest
from mt_studio.core.domain import Purpose, SessionKind
from mt_studio.core.library import Library, consent_ledger, participants, sessions
from mt_studio.core.library.database import DATABASE_NAME
from mt_studio.core.studio.ledger import LibraryReadOnly
from mt_studio.ui.app import Shell
from mt_studio.ui.common.error_reporter import ErrorReporter
from tests.test_ledger_tamper import sqlite_shell


@pytest.fixture
def folder(tmp_path):
    """A library with a session and a consent, never opened by the studio (no heads seen)."""
    folder = tmp_path / "lib"
    with Library.open(folder) as library, library.transaction() as db:
        kari = participants.add(db, "Kari")
        consent_ledger.grant(db, kari, [Purpose.RECORD])
        sessions.create(db, "Tuesday band", SessionKind.BAND, on=date(2026, 11, 3),
                        participants=[kari])
    return folder


def opened(qtbot, folder) -> Shell:
    shell = Shell(ErrorReporter(), folder=folder)
    shell.open()
    qtbot.addWidget(shell.window)
    qtbot.waitUntil(lambda: shell.studio is not None, timeout=10000)
    return shell


def test_a_changed_ledger_shows_one_banner_and_the_window_refuses_changes(qtbot, folder):
    sqlite_shell(folder / DATABASE_NAME, "DROP TRIGGER consent_events_no_delete;")
    shell = opened(qtbot, folder)
    try:
        banner = shell.window.read_only_banner
        qtbot.waitUntil(banner.isVisible, timeout=10000)
        assert "consent_events_no_delete" in banner.text.text()
        assert "nothing can be changed" in banner.title.text()
        assert shell.window.sessions.has_sessions()  # still there to listen to
        with pytest.raises(LibraryReadOnly):
            shell.studio.consent.add_participant("Ola")
        (session,) = shell.studio.sessions.all()
        shell.window.open_session(session.id)
        record = shell.window.session_view.record
        record.set_device_problem("")  # as once the device is found
        record.set_request(TakeRequest(session.id, "system", inputs=(1,)))
        assert "read-only" in record.reason_disabled()  # Record is off, and says why
        assert not record.record_button.isEnabled()
        if os.environ.get("MT_STUDIO_SCREENSHOTS"):
            shell.window.grab().save(os.environ["MT_STUDIO_SCREENSHOTS"])
    finally:
        shell.window.close()
        shell.close()


def test_an_intact_library_is_checked_after_it_shows_and_its_head_kept(qtbot, folder, tmp_path):
    shell = opened(qtbot, folder)
    try:
        banner = shell.window.read_only_banner
        qtbot.waitUntil(lambda: banner.last_check is not None, timeout=10000)
        assert banner.last_check.intact and not banner.isVisible()
        assert any((tmp_path / "state" / "ledger").glob("*.json"))
        assert shell.studio.read_only is None
        shell.studio.consent.add_participant("Ola")
    finally:
        shell.window.close()
        shell.close()

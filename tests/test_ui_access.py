"""The window's gate: signing in before anything of the library shows, the first account on
the first run, the lock (Ctrl+L, the Lock button, idle), and coming back after a restart."""

from __future__ import annotations

from datetime import date

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QWidget

from mt_studio.core.domain import SessionKind
from mt_studio.core.domain.accounts import Role
from mt_studio.core.studio import Studio
from mt_studio.ui.app import Shell
from mt_studio.ui.common.error_reporter import ErrorReporter

ADMIN_PASS = "a song for every morning"
THERAPIST_PASS = "drums before the chorus"
SECRET_TITLE = "Kari's first session"


@pytest.fixture
def staffed_library(tmp_path):
    """A library behind Therese (admin) and Tor (therapist), with one session."""
    folder = tmp_path / "lib"
    with Studio.open(folder) as studio:
        studio.accounts.add("Therese", Role.ADMIN, ADMIN_PASS)
        studio.sign_in("Therese", ADMIN_PASS)
        studio.accounts.add("Tor", Role.THERAPIST, THERAPIST_PASS)
        person = studio.consent.add_participant("Kari")
        studio.sessions.create(SECRET_TITLE, SessionKind.BAND, on=date(2026, 11, 3),
                               present=[person.id])
    return folder


def opened(qtbot, folder) -> Shell:
    shell = Shell(ErrorReporter(), folder=folder)
    shell.open()
    qtbot.addWidget(shell.window)
    qtbot.waitUntil(lambda: shell.studio is not None or shell._opener.studio is not None,
                    timeout=10000)
    return shell


def shown_texts(window) -> str:
    """Every word a person could see in WINDOW now: visible labels, fields, buttons, rows and
    the title."""
    words = [window.windowTitle()]
    for widget in window.findChildren(QWidget):
        if not widget.isVisible():
            continue
        if isinstance(widget, QLabel | QAbstractButton | QLineEdit):
            words.append(widget.text())
    words += [" ".join(row) for row in window.sessions.row_texts()
              if window.sessions.isVisible()]
    return "\n".join(words)


def sign_in(qtbot, window, name: str, passphrase: str) -> None:
    form = window.access.gate.form
    form.name.setText(name)
    form.passphrase.setText(passphrase)
    qtbot.keyClick(form.passphrase, Qt.Key.Key_Return)


def signed_in(qtbot, folder, name: str, passphrase: str) -> Shell:
    """The window on FOLDER, NAME signed in on its sign-in page and its sessions shown."""
    shell = opened(qtbot, folder)
    window = shell.window
    qtbot.waitUntil(lambda: window.access.gate is not None)
    sign_in(qtbot, window, name, passphrase)
    qtbot.waitUntil(lambda: window.screens.currentWidget() is window.workspace)
    return shell


def test_nothing_of_the_library_shows_before_someone_signs_in(qtbot, staffed_library):
    shell = opened(qtbot, staffed_library)
    window = shell.window
    qtbot.waitUntil(lambda: window.access.gate is not None and window.access.gate.isVisible())
    assert window.screens.currentWidget() is window.access.gate
    assert SECRET_TITLE not in shown_texts(window) and "Kari" not in shown_texts(window)
    assert not any(a.isEnabled() for a in window.library_actions)
    sign_in(qtbot, window, "Tor", "not the passphrase")
    qtbot.waitUntil(lambda: "passphrase is wrong" in window.access.gate.form.message.text())
    assert window.screens.currentWidget() is window.access.gate
    sign_in(qtbot, window, "tor", THERAPIST_PASS)
    qtbot.waitUntil(lambda: window.screens.currentWidget() is window.workspace)
    qtbot.waitUntil(lambda: SECRET_TITLE in shown_texts(window))
    assert window.studio.actor.account.name == "Tor"
    window.close()
    shell.close()


def test_the_first_run_makes_the_first_account_before_anything_shows(qtbot, tmp_path):
    shell = opened(qtbot, tmp_path / "new")
    window = shell.window
    from mt_studio.ui.access.first_account import FirstAccountPage

    qtbot.waitUntil(lambda: isinstance(window.screens.currentWidget(), FirstAccountPage))
    page = window.screens.currentWidget()
    assert not window.sessions.isVisible()
    page.name.setText("Therese")
    page.passphrase.setText(ADMIN_PASS)
    page.again.setText(ADMIN_PASS + " ")
    page.button.click()
    qtbot.waitUntil(lambda: "not the same" in page.message.text())
    assert not shell.studio.protected
    page.passphrase.setText(ADMIN_PASS)
    page.again.setText(ADMIN_PASS)
    page.button.click()
    qtbot.waitUntil(lambda: window.screens.currentWidget() is window.workspace)
    assert window.studio.protected and window.studio.actor.account.role is Role.ADMIN
    assert window.lock_action.isEnabled()
    window.close()
    shell.close()


def test_ctrl_l_locks_and_another_therapist_can_unlock(qtbot, staffed_library):
    shell = opened(qtbot, staffed_library)
    window = shell.window
    qtbot.waitUntil(lambda: window.access.gate is not None)
    sign_in(qtbot, window, "Therese", ADMIN_PASS)
    qtbot.waitUntil(lambda: SECRET_TITLE in shown_texts(window))
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.screens.currentWidget() is window.access.gate)
    assert window.studio.actor is None
    assert SECRET_TITLE not in shown_texts(window)
    assert window.access.gate.form.name.text() == "Therese"  # who locked it, filled in
    sign_in(qtbot, window, "Tor", THERAPIST_PASS)
    qtbot.waitUntil(lambda: window.screens.currentWidget() is window.workspace)
    assert window.studio.actor.account.name == "Tor"
    window._lock_button.click()  # the Lock button does the same
    assert window.screens.currentWidget() is window.access.gate
    window.close()
    shell.close()


def test_an_untouched_window_locks_by_itself_and_a_touch_puts_it_off(qtbot, staffed_library):
    shell = signed_in(qtbot, staffed_library, "Tor", THERAPIST_PASS)
    window = shell.window
    idle = window.access.idle
    idle.set_minutes(2 / 60)  # two seconds
    for _touch in range(8):  # touched every 300 ms for longer than two seconds
        qtbot.wait(300)
        qtbot.keyClick(window.sessions.tree, Qt.Key.Key_Down)
        assert window.screens.currentWidget() is window.workspace
    with qtbot.waitSignal(idle.idle, timeout=6000):
        pass
    assert window.screens.currentWidget() is window.access.gate
    assert window.studio.actor is None
    window.close()
    shell.close()


def test_a_restart_comes_back_locked_whatever_was_on_the_screen(qtbot, staffed_library):
    shell = signed_in(qtbot, staffed_library, "Therese", ADMIN_PASS)
    window = shell.window
    window.close()
    shell.close()
    again = opened(qtbot, staffed_library)
    qtbot.waitUntil(lambda: again.window.access.gate is not None
                    and again.window.access.gate.isVisible())
    assert SECRET_TITLE not in shown_texts(again.window)
    again.window.close()
    again.close()


@pytest.fixture
def device():
    """A JACK server that PortAudio in this process sees as the device 'system'."""
    from jack_rig import JackServer, seen_by_portaudio

    with (JackServer(samplerate=48000, period=256, inputs=2, synchronous=True) as server,
          seen_by_portaudio(server)):
        yield server


def test_a_take_goes_on_under_the_lock_and_is_stopped_and_kept_from_the_lock_page(
        qtbot, tmp_path, device):
    from mt_studio.core.domain import Purpose, TakeStatus
    from mt_studio.core.studio.sessions import SessionInput
    from mt_studio.ui.main_window import MainWindow

    studio = Studio.open(tmp_path / "lib")
    studio.accounts.add("Therese", Role.ADMIN, ADMIN_PASS)
    studio.sign_in("Therese", ADMIN_PASS)
    ola = studio.consent.add_participant("Ola")
    studio.consent.grant(ola.id, [Purpose.RECORD])
    session = studio.sessions.create("Band", SessionKind.BAND, on=date(2026, 11, 3),
                                     present=[ola.id], inputs=[SessionInput(1, "Vocal")])
    window = MainWindow(studio, ErrorReporter())
    qtbot.addWidget(window)
    window.show()
    window.open_session(session.id)
    view = window.session_view
    qtbot.waitUntil(lambda: view.inputs.device.findData("system") >= 0, timeout=15000)
    view.inputs.device.setCurrentIndex(view.inputs.device.findData("system"))
    view.inputs.row(1).arm.setChecked(True)
    view.setCurrentWidget(view.record)
    view.record.count_in.setChecked(False)
    try:
        with qtbot.waitSignal(view.record.recording_changed, timeout=10000):
            view.record.record_button.click()
        window.lock()
        gate = window.access.gate
        assert window.screens.currentWidget() is gate and studio.actor is None
        qtbot.waitUntil(lambda: gate.recording.isVisible()
                        and "0:01" in gate.recording.text(), timeout=10000)
        assert "Band" not in shown_texts(window) and "Ola" not in shown_texts(window)
        with qtbot.waitSignal(view.record.take_recorded, timeout=10000) as recorded:
            gate.stop_button.click()
    finally:
        if view.record.is_recording:
            view.record.stop_recording()
    assert studio.actor is None  # still locked: only the take was stopped
    assert "stopped and kept" in gate.recording.text()
    sign_in(qtbot, window, "Therese", ADMIN_PASS)
    qtbot.waitUntil(lambda: window.screens.currentWidget() is window.workspace)
    take = studio.listening.take(recorded.args[0])
    assert take.status is TakeStatus.COMPLETE and take.frames >= 48000
    assert all((studio.folder / t.file).stat().st_size > 48000 for t in take.tracks)
    finished = [r for r in studio.audit.entries() if r.subject == f"take:{take.id}"
                and r.action == "take.recorded"]
    assert [studio.audit.actors()[r.actor_id] for r in finished] == ["Therese"]
    window.close()
    studio.close()


def test_leaving_my_songs_takes_a_therapists_passphrase(qtbot, tmp_path, monkeypatch):
    from PyQt6.QtWidgets import QDialog

    from mt_studio.ui.main_window import MainWindow
    from mt_studio.ui.participant.my_songs_page import MySongsPage

    studio = Studio.open(tmp_path / "lib")
    studio.accounts.add("Therese", Role.ADMIN, ADMIN_PASS)
    studio.sign_in("Therese", ADMIN_PASS)
    session_id = studio.sessions.create_demo()
    singer = studio.sessions.get(session_id).participants[0]
    window = MainWindow(studio, ErrorReporter())
    qtbot.addWidget(window)
    window.show()
    window.open_session(session_id)
    monkeypatch.setattr("PyQt6.QtWidgets.QInputDialog.getItem",
                        lambda *args: (singer.pseudonym, True))
    left_open = QDialog(window)  # a song's versions, say, about someone else
    left_open.show()
    window.participant_action.trigger()
    assert not left_open.isVisible()
    page = window.screens.currentWidget()
    assert isinstance(page, MySongsPage) and window.isFullScreen()
    assert not window.menuBar().isVisible() and studio.actor is None  # the therapist's: locked
    others = [p.pseudonym for p in studio_participants(window) if p.id != singer.id]
    assert not any(name in shown_texts(window) for name in others)

    def answer(passphrase: str, *, user: str = "Therese"):
        def run_dialog(dialog: QDialog) -> int:
            from mt_studio.ui.access.passphrase_form import PassphraseForm

            form = dialog.findChild(PassphraseForm)
            form.name.setText(user)
            form.passphrase.setText(passphrase)
            with qtbot.waitSignal(form.accepted, timeout=5000, raising=False) as signed:
                form.submit()
            return 1 if signed.signal_triggered else 0
        monkeypatch.setattr(QDialog, "exec", run_dialog)

    answer("a guess from the participant")
    page.leave_requested.emit()
    assert window.screens.currentWidget() is page and studio.actor is None
    answer(ADMIN_PASS)
    page.leave_requested.emit()
    assert window.screens.currentWidget() is window.workspace
    assert studio.actor.account.name == "Therese" and window.menuBar().isVisible()
    rows = [r.action for r in studio.audit.entries(singer.id) if r.for_participant]
    assert rows[0] == "participant_mode.started" and rows[-1] == "participant_mode.ended"
    window.close()
    studio.close()


def studio_participants(window):
    """Everyone in the demo session, read while the studio is locked (through a new door)."""
    with Studio.open(window.studio.folder) as other:
        other.sign_in("Therese", ADMIN_PASS)
        return other.consent.participants()


def test_an_account_disabled_elsewhere_is_signed_out_of_the_window(qtbot, staffed_library):
    shell = signed_in(qtbot, staffed_library, "Tor", THERAPIST_PASS)
    window = shell.window
    assert SECRET_TITLE in shown_texts(window)
    with Studio.open(staffed_library) as admins:  # the admin, on the command line
        admins.sign_in("Therese", ADMIN_PASS)
        admins.accounts.disable("Tor")
    qtbot.waitUntil(lambda: window.screens.currentWidget() is window.access.gate,
                    timeout=15000)
    assert SECRET_TITLE not in shown_texts(window)
    assert not any(a.isEnabled() for a in window.library_actions)
    sign_in(qtbot, window, "Tor", THERAPIST_PASS)
    qtbot.waitUntil(lambda: "disabled" in window.access.gate.form.message.text())
    assert window.screens.currentWidget() is window.access.gate

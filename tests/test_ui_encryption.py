"""The window on an encrypted library: nothing read before someone signs in, the recordings made
before sealed after a sign-in with a dialog that says how far it got, and an admin's recovery
key, shown once and printed, never copied."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import threading
import unicodedata
from datetime import date

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QGuiApplication
from PyQt6.QtPrintSupport import QPrinter
from PyQt6.QtWidgets import QAbstractButton, QLabel
from test_ui_access import ADMIN_PASS, SECRET_TITLE, THERAPIST_PASS, opened, shown_texts, sign_in

from mt_studio.core.domain import SessionKind
from mt_studio.core.domain.accounts import Role
from mt_studio.core.sealing.stream import is_sealed
from mt_studio.core.studio import Studio, file_sealing
from mt_studio.core.studio.encryption import is_encrypted, load_key_file
from mt_studio.core.studio.file_sealing import plain_files
from mt_studio.ui.encryption import recovery_key_dialog
from mt_studio.ui.encryption.recovery_key_dialog import RecoveryKeyDialog
from mt_studio.ui.encryption.sealing_dialog import SealingDialog


@pytest.fixture
def staffed(tmp_path):
    """An encrypted library behind Therese (admin) and Tor (therapist), with one session."""
    folder = tmp_path / "lib"
    with Studio.open(folder) as studio:
        studio.accounts.add("Therese", Role.ADMIN, ADMIN_PASS)
        studio.sign_in("Therese", ADMIN_PASS)
        studio.accounts.add("Tor", Role.THERAPIST, THERAPIST_PASS)
        studio.sessions.create(SECRET_TITLE, SessionKind.BAND, on=date(2026, 11, 3))
    return folder


@pytest.fixture
def old_recordings(tmp_path):
    """A library whose demo take was recorded before it had accounts: Therese's account has
    encrypted its database since, and the take's five files are still plain."""
    folder = tmp_path / "lib"
    with Studio.open(folder) as studio:
        studio.sessions.create_demo()
    with Studio.open(folder) as studio:
        studio.accounts.add("Therese", Role.ADMIN, ADMIN_PASS)
        studio.sign_in("Therese", ADMIN_PASS)
        studio.accounts.add("Tor", Role.THERAPIST, THERAPIST_PASS)
    assert is_encrypted(folder) and len(list(plain_files(folder))) == 5
    return folder


def signed_in_window(qtbot, folder, name="Therese", passphrase=ADMIN_PASS):
    shell = opened(qtbot, folder)
    window = shell.window
    qtbot.waitUntil(lambda: window.access.gate is not None)
    sign_in(qtbot, window, name, passphrase)
    qtbot.waitUntil(lambda: window.screens.currentWidget() is window.workspace)
    return shell, window


def sealing_dialog(qtbot, window) -> SealingDialog:
    qtbot.waitUntil(lambda: window.access.sealing.dialog is not None, timeout=10000)
    return window.access.sealing.dialog


def closed(shell) -> None:
    shell.window.close()
    shell.close()


def test_an_encrypted_library_shows_only_the_sign_in_page_until_the_right_passphrase(
        qtbot, staffed):
    assert is_encrypted(staffed)
    shell = opened(qtbot, staffed)
    window = shell.window
    qtbot.waitUntil(lambda: window.access.gate is not None and window.access.gate.isVisible())
    studio = shell._opener.studio
    assert not studio.open_to_use and window.studio is None  # the window has nothing to read
    assert window.screens.currentWidget() is window.access.gate
    assert SECRET_TITLE not in shown_texts(window)
    assert not any(action.isEnabled() for action in window.library_actions)
    assert not window.preferences_action.isEnabled()
    sign_in(qtbot, window, "Tor", "not the passphrase")
    message = window.access.gate.form.message
    qtbot.waitUntil(lambda: message.text() not in ("", "Checking…"))
    assert message.text() == "The name or the passphrase is wrong."
    assert window.screens.currentWidget() is window.access.gate and window.studio is None
    sign_in(qtbot, window, "Tor", THERAPIST_PASS)
    qtbot.waitUntil(lambda: SECRET_TITLE in shown_texts(window))
    assert window.screens.currentWidget() is window.workspace
    assert window.studio.actor.account.name == "Tor"
    closed(shell)


def test_the_recordings_made_before_are_encrypted_after_signing_in(qtbot, old_recordings,
                                                                     monkeypatch):
    lines = []
    show_progress = SealingDialog.show_progress

    def noted(dialog, done, total):
        show_progress(dialog, done, total)
        lines.append(dialog.line.text())

    monkeypatch.setattr(SealingDialog, "show_progress", noted)
    shell, window = signed_in_window(qtbot, old_recordings, "Tor", THERAPIST_PASS)
    dialog = sealing_dialog(qtbot, window)
    assert dialog.isVisible() and dialog.isModal()
    qtbot.waitUntil(lambda: dialog.line.text().startswith("Done"), timeout=20000)
    assert lines[0] == "Encrypting the recordings made before: 0 of 5 files"
    assert "Encrypting the recordings made before: 4 of 5 files" in lines
    assert dialog.line.text() == "Done: 5 files were encrypted."
    assert dialog.problem.isHidden()  # nothing in it looks like an error
    assert not list(plain_files(old_recordings))
    assert all(is_sealed(path) for path in (old_recordings / "audio" / "take-1").iterdir())
    assert window.studio.encryption.state().plain_files == 0
    dialog.close_button.click()
    assert window.access.sealing.dialog is None
    closed(shell)


@pytest.fixture
def held_sealing(monkeypatch):
    """The first file sealed waits until `release` is set (after `started`)."""
    started, release = threading.Event(), threading.Event()
    real = file_sealing.seal_file_in_place

    def first_held(*args):
        if not started.is_set():
            started.set()
            release.wait(20)
        return real(*args)

    monkeypatch.setattr(file_sealing, "seal_file_in_place", first_held)
    return started, release


def test_closing_the_dialog_stops_after_the_file_and_the_next_sign_in_goes_on(
        qtbot, old_recordings, held_sealing):
    started, release = held_sealing
    shell, window = signed_in_window(qtbot, old_recordings)
    dialog = sealing_dialog(qtbot, window)
    qtbot.waitUntil(started.is_set, timeout=10000)
    dialog.close_button.click()
    release.set()
    assert not dialog.isVisible() and window.access.sealing.dialog is None
    qtbot.waitUntil(lambda: not window.access.sealing.running, timeout=20000)
    assert len(list(plain_files(old_recordings))) == 4  # the one begun, and no other
    window.lock()
    sign_in(qtbot, window, "Tor", THERAPIST_PASS)
    dialog = sealing_dialog(qtbot, window)
    assert dialog.line.text() == "Encrypting the recordings made before: 0 of 4 files"
    qtbot.waitUntil(lambda: dialog.line.text().startswith("Done"), timeout=20000)
    assert not list(plain_files(old_recordings))
    closed(shell)


def test_the_lock_closes_the_dialog_and_stops_the_work(qtbot, old_recordings, held_sealing):
    started, release = held_sealing
    shell, window = signed_in_window(qtbot, old_recordings)
    dialog = sealing_dialog(qtbot, window)
    qtbot.waitUntil(started.is_set, timeout=10000)
    window.lock()
    release.set()
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: not window.access.sealing.running, timeout=20000)
    assert len(list(plain_files(old_recordings))) == 4
    closed(shell)


def test_a_file_that_cannot_be_encrypted_is_named_in_one_line(qtbot, old_recordings):
    stray = old_recordings / "audio" / "take-99"  # a take the library does not know
    stray.mkdir()
    shutil.copy(old_recordings / "audio" / "take-1" / "track-1.wav", stray / "track-1.wav")
    shell, window = signed_in_window(qtbot, old_recordings)
    dialog = sealing_dialog(qtbot, window)
    qtbot.waitUntil(dialog.problem.isVisible, timeout=20000)
    problem = dialog.problem.text()
    assert problem.startswith("audio/take-99/track-1.wav could not be encrypted: "), problem
    assert problem.endswith("It is tried again at the next sign-in.") and "\n" not in problem
    assert not is_sealed(stray / "track-1.wav")
    assert is_sealed(old_recordings / "audio" / "take-1" / "track-1.wav")  # those before it
    closed(shell)


def test_a_full_disk_is_said_in_one_line_naming_the_file(qtbot, old_recordings, monkeypatch):
    real = file_sealing.seal_file_in_place

    def full_at_the_second(path, *args):
        if path.name == "track-2.wav":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), f"{path}.sealing")
        return real(path, *args)

    monkeypatch.setattr(file_sealing, "seal_file_in_place", full_at_the_second)
    shell, window = signed_in_window(qtbot, old_recordings)
    dialog = sealing_dialog(qtbot, window)
    qtbot.waitUntil(dialog.problem.isVisible, timeout=20000)
    assert dialog.problem.text() == ("audio/take-1/track-2.wav could not be encrypted: No space "
                                     "left on device. It is tried again at the next sign-in.")
    assert not dialog.line.text().startswith("Done")
    closed(shell)


def test_a_file_left_as_it_was_is_named(qtbot, old_recordings):
    odd = old_recordings / "audio" / "take-1" / "notes.wav"
    odd.write_bytes(b"RIFF\x04\x00\x00\x00WAVE")
    shell, window = signed_in_window(qtbot, old_recordings)
    dialog = sealing_dialog(qtbot, window)
    qtbot.waitUntil(lambda: dialog.line.text().startswith("Done"), timeout=20000)
    assert dialog.line.text() == "Done: 5 files were encrypted."
    assert dialog.problem.isVisible()
    assert dialog.problem.text().startswith("audio/take-1/notes.wav was left as it was: not a "
                                            "recording")
    closed(shell)


# -- the recovery key -------------------------------------------------------------------------

def recovery_action(window):
    return next(action for action in window.admin_actions
                if action.text() == "Make a &recovery key…")


def made_key(qtbot, window) -> RecoveryKeyDialog:
    recovery_action(window).trigger()
    dialog = window.findChild(RecoveryKeyDialog)
    assert dialog.isVisible()
    assert any("forgotten" in label.text() for label in dialog.findChildren(QLabel)
               if label.isVisible())
    dialog.make_button.click()
    qtbot.waitUntil(lambda: len(dialog.words) == 24, timeout=10000)
    return dialog


def test_an_admin_makes_a_recovery_key_shown_once_and_never_copied(qtbot, staffed,
                                                                   monkeypatch):
    shell, window = signed_in_window(qtbot, staffed)
    dialog = made_key(qtbot, window)
    words = dialog.shown_words()
    assert words == dialog.words and len(words) == 24
    library_key = load_key_file(staffed).unlock_recovery(" ".join(words))
    assert library_key == load_key_file(staffed).unlock("Therese", ADMIN_PASS)[0]
    assert not any("copy" in button.text().lower()
                   for button in dialog.findChildren(QAbstractButton))
    assert not any(label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
                   for label in dialog.findChildren(QLabel))
    clipboard = QGuiApplication.clipboard()
    clipboard.setText("nothing else")
    qtbot.keyClick(dialog, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert clipboard.text() == "nothing else"
    answers = [False, True]
    asked = []
    monkeypatch.setattr(recovery_key_dialog, "written_down",
                        lambda _parent: asked.append(1) or answers.pop(0))
    dialog.done_button.click()
    assert dialog.isVisible() and dialog.shown_words() == words  # not written down: kept
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and len(asked) == 2
    closed(shell)


def test_the_lock_hides_the_recovery_key_without_asking(qtbot, staffed, monkeypatch):
    shell, window = signed_in_window(qtbot, staffed)
    dialog = made_key(qtbot, window)
    monkeypatch.setattr(recovery_key_dialog, "written_down",
                        lambda _parent: pytest.fail("asked under the lock"))
    window.lock()
    assert not dialog.isVisible()
    closed(shell)


def test_only_an_admin_is_offered_a_recovery_key(qtbot, staffed):
    shell, window = signed_in_window(qtbot, staffed, "Tor", THERAPIST_PASS)
    assert not recovery_action(window).isEnabled()
    closed(shell)


def test_the_recovery_key_prints_on_one_page_with_what_it_is(qtbot, staffed, tmp_path,
                                                              monkeypatch):
    shell, window = signed_in_window(qtbot, staffed)
    dialog = made_key(qtbot, window)
    path = tmp_path / "key.pdf"

    def pdf_printer(_parent):
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(path))
        return printer

    monkeypatch.setattr(recovery_key_dialog, "choose_printer", pdf_printer)
    dialog.print_button.click()
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                           check=True).stdout
    assert "Pages:           1" in pages
    text = " ".join(unicodedata.normalize("NFKC", text).split())  # "ﬄ" as "ffl"
    for number, word in enumerate(dialog.words, start=1):
        assert f"{number}. {word}" in text
    assert "keep it locked away" in text
    assert str(staffed) in text.replace(" ", "")  # a long folder wraps
    monkeypatch.setattr(recovery_key_dialog, "written_down", lambda _parent: True)
    dialog.reject()
    closed(shell)


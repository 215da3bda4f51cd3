"""Take the screenshots of the window on an encrypted library: a refused sign-in, encrypting the
recordings made before (under way, done, and a file it could not encrypt), and an admin's
recovery key (what it is, its words, the question on closing), on a real X server at a
1366x768 laptop's size.

    xvfb-run -a -s "-screen 0 1366x768x24" \
        .venv/bin/python docs/screenshots/take_encryption.py [FOLDER]
    SHOTS_LANGUAGE=nb xvfb-run -a -s "-screen 0 1366x768x24" \
        .venv/bin/python docs/screenshots/take_encryption.py

Builds, in a temporary folder, a library of eight demo sessions recorded before it had
accounts (40 plain files), gives it its first account (which encrypts its database), signs in
through the window and photographs the real sealing run, held at its 13th file; then saves
encryption-*.png and recovery-key-*.png in FOLDER (default: next to this script, nb/ for
Norwegian). Look at every one before committing it.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))  # this checkout's

from mt_studio import i18n  # noqa: E402
from mt_studio.core.domain.accounts import Role  # noqa: E402
from mt_studio.core.studio import Studio, file_sealing  # noqa: E402

NAME, PASSPHRASE = "Therese", "a song for every morning"
HELD_AT = 12  # files sealed when the run is photographed


def build_library(folder: Path) -> None:
    """Eight demo sessions recorded without accounts, then the first account."""
    with Studio.open(folder) as studio:
        for _number in range(8):
            studio.sessions.create_demo()
    with Studio.open(folder) as studio:
        studio.accounts.add(NAME, Role.ADMIN, PASSPHRASE)


def hold_sealing() -> threading.Event:
    """Sealing waits before its 13th file until the event returned is set."""
    release = threading.Event()
    real = file_sealing.seal_file_in_place
    count = [0]

    def held(*args):
        count[0] += 1
        if count[0] == HELD_AT + 1:
            release.wait(60)
        return real(*args)

    file_sealing.seal_file_in_place = held
    return release


def main() -> None:
    language = os.environ.get("SHOTS_LANGUAGE", "en")
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else (
        HERE if language == "en" else HERE / language)
    scratch = Path(tempfile.mkdtemp(prefix="mt-encryption-shots-"))
    for key, name in (("MT_STUDIO_LIBRARY", "library"), ("MT_STUDIO_LOG_DIR", "logs"),
                      ("MT_STUDIO_CONFIG_DIR", "config"), ("MT_STUDIO_PRESETS", "presets"),
                      ("MT_STUDIO_STATE_DIR", "state")):
        os.environ[key] = str(scratch / name)
    i18n.use_language(language)
    from PyQt6.QtCore import QTimer
    from PyQt6.QtWidgets import QApplication

    from mt_studio.ui.app import Shell
    from mt_studio.ui.common.error_reporter import ErrorReporter
    from mt_studio.ui.encryption import make_recovery_key, recovery_key_dialog
    from mt_studio.ui.encryption.sealing_dialog import SealingDialog

    app = QApplication(sys.argv[:1])
    build_library(scratch / "library")
    release = hold_sealing()
    folder.mkdir(parents=True, exist_ok=True)

    def wait_for(condition, seconds: float = 20) -> None:
        end = time.monotonic() + seconds
        while not condition() and time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)
        for _turn in range(20):  # painted
            app.processEvents()
            time.sleep(0.01)

    def save(widget, name: str) -> None:
        """WIDGET's picture (None: the whole screen, a dialog over the window)."""
        path = folder / f"{name}.png"
        shot = app.primaryScreen().grabWindow(0) if widget is None else widget.grab()
        shot.save(str(path))
        print(f"saved {path}")

    shell = Shell(ErrorReporter(), folder=scratch / "library")
    shell.open()
    window = shell.window
    wait_for(lambda: window.access.gate is not None and window.access.gate.isVisible())
    form = window.access.gate.form
    form.name.setText(NAME)
    form.passphrase.setText("a song for every evening")
    form.submit()
    wait_for(lambda: form.isEnabled() and form.message.text())
    save(window, "encryption-sign-in-refused")
    form.passphrase.setText(PASSPHRASE)
    form.submit()
    sealing = window.access.sealing
    wait_for(lambda: sealing.dialog is not None and sealing.dialog.bar.value() == HELD_AT)
    save(sealing.dialog, "encryption-under-way")
    save(None, "encryption-under-way-window")
    release.set()
    wait_for(lambda: not sealing.running)
    save(sealing.dialog, "encryption-done")
    sealing.dialog.reject()
    problem = SealingDialog(40, window)
    problem.show_progress(17, 40)
    problem.show_problem(i18n._("{file} could not be encrypted: {problem}").format(
        file="audio/take-4/track-2.wav", problem=os.strerror(28)) + ". "
        + i18n._("It is tried again at the next sign-in."))
    problem.show()
    wait_for(lambda: False, 0.2)
    save(problem, "encryption-problem")
    problem.close()

    dialog = make_recovery_key(window)
    wait_for(dialog.isVisible)
    save(dialog, "recovery-key-what")
    dialog.make_button.click()
    wait_for(lambda: dialog.words)
    save(dialog, "recovery-key-words")
    save(None, "recovery-key-window")

    def photograph_question() -> None:
        box = QApplication.activeModalWidget()
        save(box, "recovery-key-written-down")
        box.reject()

    QTimer.singleShot(500, photograph_question)
    asked = recovery_key_dialog.written_down(dialog)
    assert not asked
    dialog.words = []  # closes without asking again
    dialog.reject()
    window.close()
    shell.close()


if __name__ == "__main__":
    main()

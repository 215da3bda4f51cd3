"""Take the screenshots of the window on a service's shared library (PostgreSQL): a session made
on another therapist's computer appearing in the list, the words shown while the library's
server cannot be reached, the library for the day gone on with, the server back, and the day's
work moved in, on a real X server at a 1366x768 laptop's size.

    xvfb-run -a -s "-screen 0 1366x768x24" \
        .venv/bin/python docs/screenshots/take_shared_library.py [FOLDER]
    SHOTS_LANGUAGE=nb xvfb-run -a -s "-screen 0 1366x768x24" \
        .venv/bin/python docs/screenshots/take_shared_library.py

Starts a throwaway PostgreSQL server as the tests do (tests/postgres_server.py), makes a library
in it with four demo sessions, opens the window, makes a session from a second studio (another
computer), stops the server, goes on with the library for the day (a demo take recorded in
it), starts the server, withdraws a drummer's consent to be recorded from "another computer",
moves the day in and shows the deletion list; saves shared-library-*.png in FOLDER (default: next to this
script, nb/ for Norwegian). Look at every one before committing it.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))  # this checkout's
sys.path.insert(0, str(HERE.parent.parent / "tests"))

from postgres_server import start_server, stop_server  # noqa: E402

from mt_studio import i18n  # noqa: E402
from mt_studio.core.domain import Purpose, SessionKind  # noqa: E402
from mt_studio.core.studio import Studio, day_library  # noqa: E402
from mt_studio.core.studio.server_library import create  # noqa: E402


def main() -> None:
    language = os.environ.get("SHOTS_LANGUAGE", "en")
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else (
        HERE if language == "en" else HERE / language)
    scratch = Path(tempfile.mkdtemp(prefix="mt-shared-shots-"))
    for key, name in (("MT_STUDIO_LOG_DIR", "logs"), ("MT_STUDIO_CONFIG_DIR", "config"),
                      ("MT_STUDIO_PRESETS", "presets"), ("MT_STUDIO_STATE_DIR", "state")):
        os.environ[key] = str(scratch / name)
    i18n.use_language(language)
    from PyQt6.QtWidgets import QApplication, QMessageBox

    from mt_studio.ui.app import Shell
    from mt_studio.ui.common.error_reporter import ErrorReporter

    server = start_server()
    try:
        address = server.new_database()
        create(address, scratch / "share")
        with Studio.open(address) as studio:
            for _number in range(4):
                studio.sessions.create_demo()
        app = QApplication(sys.argv[:1])
        folder.mkdir(parents=True, exist_ok=True)

        def wait_for(condition, seconds: float = 20) -> None:
            end = time.monotonic() + seconds
            while not condition() and time.monotonic() < end:
                app.processEvents()
                time.sleep(0.01)
            for _turn in range(20):  # painted
                app.processEvents()
                time.sleep(0.01)

        shell = Shell(ErrorReporter(), folder=address)
        shell.open()
        window = shell.window
        window.showMaximized()
        wait_for(lambda: len(window.sessions.row_texts()) == 4)
        with Studio.open(address) as there:
            there.sessions.create(i18n._("Tuesday band") if language == "en" else
                                  "Tirsdagsband", SessionKind.BAND, on=date.today())
        wait_for(lambda: len(window.sessions.row_texts()) == 5)
        window.grab().save(str(folder / "shared-library-from-elsewhere.png"))
        wait_for(lambda: day_library.is_ready(address))  # made once the window has opened
        server.stop()
        wait_for(window.server_banner.button.isVisible)
        window.grab().save(str(folder / "shared-library-lost.png"))
        window.server_banner.button.click()  # go on with the library for today
        wait_for(lambda: shell.window.studio is not None
                 and shell.window.server_banner.isVisible())
        window = shell.window
        window.showMaximized()
        window.open_session(shell.studio.sessions.create_demo())
        wait_for(lambda: window.session_view is not None)
        window.grab().save(str(folder / "shared-library-day.png"))
        server.start()
        wait_for(window.server_banner.button.isVisible)
        window.grab().save(str(folder / "shared-library-day-back.png"))
        with Studio.open(address) as there:  # meanwhile, on another computer
            drummer = there.consent.find(i18n._("Demo Drummer"))
            there.consent.withdraw(drummer.id, [Purpose.RECORD])
        window.server_banner.button.click()  # move today's work in
        wait_for(lambda: shell.window.studio is not None
                 and not day_library.is_taken(address), seconds=40)
        wait_for(lambda: bool(QApplication.activeModalWidget()
                              or QApplication.topLevelWidgets() and any(
                                  isinstance(w, QMessageBox) and w.isVisible()
                                  for w in QApplication.topLevelWidgets())))
        dialog = next(w for w in QApplication.topLevelWidgets()
                      if isinstance(w, QMessageBox) and w.isVisible())  # what came in
        dialog.grab().save(str(folder / "shared-library-moved-in.png"))
        dialog.close()
        due = shell.window.retention.show_due()  # the take the drummer is heard on
        wait_for(lambda: due.rows.topLevelItemCount() > 0)
        due.rows.setCurrentItem(due.rows.topLevelItem(0))
        wait_for(lambda: False, seconds=0.3)
        due.grab().save(str(folder / "shared-library-due.png"))
        due.reject()
        print(f"saved in {folder}")
        shell.window.close()
        shell.close()
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()

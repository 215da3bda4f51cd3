"""The studio window's shell: start-up, recovery at start, errors, preferences and language."""

from __future__ import annotations

import logging
import os
from datetime import date

import numpy as np
import pytest

from mt_studio import i18n
from mt_studio.core import logs, preferences
from mt_studio.core.capture.take_files import TakeFiles, TrackTarget
from mt_studio.core.capture.wav_stream import SampleFormat
from mt_studio.core.domain import SessionKind, TakeStatus, TrackKind
from mt_studio.core.library import Library, sessions, takes
from mt_studio.start import window_library
from mt_studio.ui.app import FIRST_PAINT_ENV
from mt_studio.ui.common.error_reporter import ErrorReporter
from tests.conftest import studio_of
from tests.test_logs import root_logger  # noqa: F401 - a fixture


@pytest.fixture(autouse=True)
def english():
    """Every test starts and ends in English, whatever the machine's locale."""
    i18n.use_language("en")
    yield
    i18n.use_language("en")


def window_for(qtbot, library):
    from mt_studio.ui.main_window import MainWindow

    window = MainWindow(studio_of(library), ErrorReporter())
    qtbot.addWidget(window)
    return window


def test_no_command_opens_the_window_on_the_default_or_named_library(tmp_path):
    assert window_library([]) is None
    assert window_library(["--library", str(tmp_path)]) == str(tmp_path)
    assert window_library([f"--library={tmp_path}"]) == str(tmp_path)
    assert window_library(["--library", ""]) == ""  # refused when opened, not the default
    assert window_library(["session", "list"]) is False
    assert window_library(["--library", str(tmp_path), "devices"]) is False


@pytest.mark.parametrize("display, named", [(None, "DISPLAY"), (":77", ":77")])
def test_the_window_without_a_display_says_so_in_one_line_instead_of_aborting(
        tmp_path, display, named):
    """No DISPLAY (or one nobody answers on) for Qt's xcb platform: one line on stderr and
    exit 1, not Qt's abort with a core dump; the library is not touched."""
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update({"QT_QPA_PLATFORM": "xcb", "LANGUAGE": "en", **(
        {"DISPLAY": display} if display else {})})
    done = subprocess.run([sys.executable, "-m", "mt_studio", "--library", str(tmp_path / "lib")],
                          capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("mt-studio: ")
    assert named in done.stderr
    assert not (tmp_path / "lib").exists()


def test_a_first_run_leads_to_a_new_session_or_the_demo(qtbot, library):
    window = window_for(qtbot, library)
    assert "Welcome" in window.welcome.title.text()
    assert window.welcome.new_button.isVisibleTo(window)
    assert window.welcome.demo_button.accessibleName() == "Open demo session"


def test_the_welcome_page_shows_its_words_as_written_not_as_markup(qtbot, monkeypatch):
    from mt_studio.ui import welcome

    monkeypatch.setattr(welcome, "_", lambda text: "Rock & <b>roll</b>")
    page = welcome.Welcome()
    qtbot.addWidget(page)
    assert "Rock &amp; &lt;b&gt;roll&lt;/b&gt;" in page.title.text()
    assert page.title.accessibleName() == page.text.accessibleName() == "Rock & <b>roll</b>"


def test_errors_make_one_dialog_however_many_arrive(qtbot):
    reporter = ErrorReporter()
    for n in range(5):
        reporter.report("Trouble", f"problem {n}")
    qtbot.waitUntil(lambda: reporter.open_dialog is not None)
    qtbot.waitUntil(lambda: "4 more problems" in reporter.open_dialog.informativeText())
    assert reporter.shown == 1
    assert reporter.open_dialog.text() == "problem 0"


def test_an_unexpected_error_is_logged_in_full_and_shown_plainly(qtbot, caplog):
    reporter = ErrorReporter()
    try:
        raise ZeroDivisionError("division by zero")
    except ZeroDivisionError as error:
        reporter.report_exception(type(error), error, error.__traceback__)
    qtbot.waitUntil(lambda: reporter.open_dialog is not None)
    shown = reporter.open_dialog.text()
    assert "Nothing already recorded is lost" in shown and "ZeroDivisionError" not in shown
    assert "ZeroDivisionError" in caplog.text and "Traceback" in caplog.text


def crashed_take(library) -> int:
    """A take left `recording` with a second of durable audio, as a kill -9 leaves it."""
    with library.transaction() as tx:
        session = sessions.create(tx, "Tuesday band", SessionKind.BAND, on=date(2026, 11, 3))
        take_id = takes.start(tx, session.id, 48000, sample_format="pcm24", device="system")
        track = takes.add_track(tx, take_id, TrackKind.AUDIO, input=1)
    files = TakeFiles(library.folder, f"audio/take-{take_id}",
                      [TrackTarget(track.id, 0, track.file)], 48000, SampleFormat.PCM24)
    files.write(np.full((1, 48000), 0.25, dtype=np.float32))
    files.sync()
    return take_id


def test_takes_left_by_a_crash_are_recovered_and_announced_at_start(qtbot, library):
    take_id = crashed_take(library)
    window = window_for(qtbot, library)
    window.recover_takes()
    assert takes.get(library.connection, take_id).status is TakeStatus.RECOVERED
    qtbot.waitUntil(lambda: window.reporter.open_dialog is not None)
    assert "Take 1 of session" in window.reporter.open_dialog.text()
    assert "1 s kept" in window.reporter.open_dialog.text()


def test_preferences_survive_a_restart_and_a_damaged_file_falls_back(tmp_path):
    preferences.save(preferences.Preferences(language="nb"), tmp_path)
    assert preferences.load(tmp_path).language == "nb"
    (tmp_path / preferences.FILE_NAME).write_text("{not json", encoding="utf-8")
    assert preferences.load(tmp_path) == preferences.Preferences()
    (tmp_path / preferences.FILE_NAME).write_text('["a list"]', encoding="utf-8")
    assert preferences.load(tmp_path) == preferences.Preferences()


def test_the_window_opens_in_the_language_saved_and_a_damaged_file_opens_it_all_the_same(
        tmp_path):
    """The preferences are read in a thread while Qt starts; what they say is used."""
    import subprocess
    import sys

    from mt_studio.core.studio.demo import create_demo_session

    with Library.open(tmp_path / "lib") as library:  # not a first run: the sessions list
        create_demo_session(library)
    code = ("import sys\nfrom mt_studio import i18n\nfrom mt_studio.ui.app import run\n"
            f"assert run({str(tmp_path / 'lib')!r}) == 0\n"
            "print(i18n.current_language())")
    env = {**os.environ, FIRST_PAINT_ENV: "1", "QT_QPA_PLATFORM": "offscreen",
           "MT_STUDIO_LOG_DIR": str(tmp_path / "logs"),
           "MT_STUDIO_CONFIG_DIR": str(tmp_path / "cfg"), "LANGUAGE": "en", "LC_ALL": "C"}
    preferences.save(preferences.Preferences(language="nb"), tmp_path / "cfg")
    shown = []
    for _run in range(2):
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              env=env, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        assert "listed" in done.stdout
        shown.append(done.stdout.strip().splitlines()[-1])
        (tmp_path / "cfg" / preferences.FILE_NAME).write_text("{not json", encoding="utf-8")
    assert shown == ["nb", "en"]


def test_the_language_can_be_changed_while_running():
    i18n.use_language("nb")
    assert i18n.current_language() == "nb"
    assert i18n._("New session") != "New session"
    i18n.use_language("en")
    assert i18n._("New session") == "New session"


def test_opening_the_window_leaves_heavy_modules_for_later():
    """numpy, the audio engine and analysis load when a session opens, not at start-up; the
    library's modules load after the first paint, and the preferences' folder lookup and
    logging while Qt starts (benchmarks/startup.py)."""
    import subprocess
    import sys

    heavy = ["numpy", "sounddevice", "soundfile", "librosa", "mt_studio.core.capture.audio_capture",
             "sqlite3", "dataclasses", "mt_studio.core.library", "mt_studio.ui.consent.chips",
             "datetime", "platformdirs", "html.entities", "logging", "traceback"]
    code = ("import sys, mt_studio.start, mt_studio.ui.app, mt_studio.ui.main_window\n"
            f"print([m for m in {heavy!r} if m in sys.modules])")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout.strip()
    assert loaded == "[]"


def test_the_studio_lists_the_sessions_without_loading_an_audio_engine(tmp_path):
    """The window lists the sessions straight after the library opens: the studio makes a
    service when it is first used, and the session service needs no audio (nor numpy)."""
    import subprocess
    import sys

    heavy = ["numpy", "sounddevice", "soundfile", "mido", "mt_studio.core.export",
             "mt_studio.core.capture", "mt_studio.core.studio.recording",
             "mt_studio.core.studio.consent", "mt_studio.core.consent_policy",
             "mt_studio.core.domain.takes", "mt_studio.core.studio.events",
             "mt_studio.core.domain.records"]
    code = ("import sys\nfrom mt_studio.core.studio import Studio\n"
            f"studio = Studio.open({str(tmp_path / 'lib')!r})\nstudio.sessions.all()\n"
            f"print([m for m in {heavy!r} if m in sys.modules])")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout.strip()
    assert loaded == "[]"


def test_the_window_lists_dated_sessions_without_loading_babel(tmp_path):
    """Babel's data takes some 20 ms to load: the window writes its days from its own copy of
    CLDR's."""
    import subprocess
    import sys

    from mt_studio.core.studio.demo import create_demo_session

    with Library.open(tmp_path / "lib") as library:
        create_demo_session(library)
    code = ("import sys\nfrom mt_studio.ui.app import run\n"
            f"assert run({str(tmp_path / 'lib')!r}) == 0\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'babel'))")
    env = {**os.environ, FIRST_PAINT_ENV: "1", "QT_QPA_PLATFORM": "offscreen",
           "MT_STUDIO_LOG_DIR": str(tmp_path / "logs"),
           "MT_STUDIO_CONFIG_DIR": str(tmp_path / "cfg")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "listed" in done.stdout  # the sessions were painted before it quit
    assert done.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.usefixtures("root_logger")
def test_qts_own_warnings_are_held_and_written_to_the_log_not_the_terminal(tmp_path, capfd):
    from PyQt6.QtCore import qInstallMessageHandler, qWarning

    from mt_studio.ui.app import route_qt_messages

    route_qt_messages()  # as the window starts: Qt's first message holds the log
    try:
        qWarning("QStandardPaths: a warning from Qt")
    finally:
        qInstallMessageHandler(None)
    assert not (tmp_path / "logs").exists()  # held until the file opens
    logs.start_logging()
    for handler in logging.getLogger().handlers:
        handler.flush()
    written = (tmp_path / "logs" / "mt-studio.log").read_text("utf-8")
    assert "WARNING qt: QStandardPaths: a warning from Qt" in written
    assert "a warning from Qt" not in capfd.readouterr().err


@pytest.mark.usefixtures("root_logger")
def test_the_log_file_opens_once_the_sessions_are_listed(qtbot, tmp_path):
    """What is logged before is held, and written to the file after the sessions are drawn:
    its handler takes 10 ms to make (benchmarks/startup.py)."""
    from PyQt6.QtCore import QEvent, QObject

    from mt_studio.ui.app import Shell

    with Library.open(tmp_path / "lib") as earlier, earlier.transaction() as tx:
        sessions.create(tx, "Tuesday band", SessionKind.BAND, on=date(2026, 11, 3))
    log = tmp_path / "logs" / "mt-studio.log"
    early = logging.getLogger("mt_studio.early")
    shell = Shell(ErrorReporter(), folder=tmp_path / "lib",
                  first_painted=lambda: (logs.hold_logging(), early.warning(
                      "held until the sessions are listed")))
    shell.open()
    window = shell.window
    qtbot.addWidget(window)
    file_there_at_listing: list[bool] = []

    class Listing(QObject):
        def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
            if event.type() == QEvent.Type.Paint and window.sessions.has_sessions():
                file_there_at_listing.append(log.exists())
            return False

    watcher = Listing(window)
    window.sessions.tree.viewport().installEventFilter(watcher)
    try:
        qtbot.waitUntil(lambda: log.exists() and "held until" in log.read_text("utf-8"),
                        timeout=10000)
        assert file_there_at_listing[0] is False
    finally:
        window.close()
        shell.close()


def test_the_window_sweeps_practice_versions_left_without_their_take(qtbot, library):
    from mt_studio.core.practice import CACHE_FOLDER

    window = window_for(qtbot, library)
    orphan = library.folder / CACHE_FOLDER / "gone.json"  # a description whose sound is gone
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_text("{}")
    window._sweep_practice_versions()
    qtbot.waitUntil(lambda: not orphan.exists(), timeout=10000)


def test_the_demo_session_opens_with_every_panel(qtbot, library):
    window = window_for(qtbot, library)
    window.show()
    window.open_demo()
    view = window.session_view
    assert view is not None and window.pages.currentWidget() is view
    assert [view.tabText(i).replace("&&", "&") for i in range(view.count())] == [
        "Check-in & consent", "Inputs", "Record", "Takes", "Looper", "Songs"]
    assert window.sessions.has_sessions()
    (row,) = window.sessions.row_texts()
    assert "Demo session" in row and "4" in row  # the title, and four present
    window.close()


def test_while_a_take_records_the_language_and_the_session_stay_put(qtbot, library):
    window = window_for(qtbot, library)
    window.open_demo()
    demo = window.session_id
    with library.transaction() as tx:
        other = sessions.create(tx, "Choir", SessionKind.CHOIR, on=date(2026, 11, 4)).id
    window.sessions.refresh()
    record = window.session_view.record
    record.recording = object()  # stands for a take in progress: is_recording is True
    record.recording_changed.emit(True)
    try:
        assert not window.preferences_action.isEnabled()
        window.open_session(other)
        assert window.session_id == demo and window.session_view.takes.session_id == demo
    finally:
        record.recording = None
        record.recording_changed.emit(False)
    assert window.preferences_action.isEnabled()
    window.open_session(other)
    assert window.session_id == other


def test_a_window_built_again_for_a_new_language_looks_for_devices_again(qtbot, library):
    from PyQt6 import sip

    from mt_studio.ui.app import Shell

    shell = Shell(ErrorReporter(), studio_of(library))
    shell.open()
    first = shell.window
    shell.open()
    qtbot.addWidget(shell.window)
    assert shell.window is not first
    qtbot.waitUntil(lambda: shell.window.recording_status.available is not None, timeout=15000)
    qtbot.waitUntil(lambda: sip.isdeleted(first))  # the old window goes, not only hides
    shell.window.close()


def test_an_error_dialog_taken_away_with_its_window_does_not_block_the_next(qtbot):
    from PyQt6.QtWidgets import QWidget

    reporter = ErrorReporter()
    reporter.parent_widget = parent = QWidget()
    reporter.report("Trouble", "first")
    qtbot.waitUntil(lambda: reporter.open_dialog is not None)
    parent.deleteLater()
    qtbot.waitUntil(lambda: reporter.open_dialog is None)
    reporter.parent_widget = None
    reporter.report("Trouble", "second")
    qtbot.waitUntil(lambda: reporter.open_dialog is not None)
    assert reporter.open_dialog.text() == "second" and reporter.shown == 2


def test_the_window_paints_before_its_library_is_open_and_then_lists_it(qtbot, tmp_path):
    """The library opens in a worker after the first paint: the window never waits on disk."""
    from PyQt6.QtWidgets import QLabel

    from mt_studio.core.library import Library
    from mt_studio.ui.app import Shell

    with Library.open(tmp_path / "lib") as earlier, earlier.transaction() as tx:
        sessions.create(tx, "Tuesday band", SessionKind.BAND, on=date(2026, 11, 3))
    shell = Shell(ErrorReporter(), folder=tmp_path / "lib")
    shell.open()
    window = shell.window
    qtbot.addWidget(window)
    assert window.studio is None and not window.sessions.has_sessions()
    (label,) = window.pages.currentWidget().findChildren(QLabel)
    assert label.text() == "Opening the library…"
    assert not any(action.isEnabled() for action in window.library_actions)
    assert not window.sessions.new_button.isEnabled()
    qtbot.waitUntil(lambda: window.studio is not None, timeout=10000)
    assert window.pages.currentWidget() is window.welcome
    assert "Choose a session" in window.welcome.title.text()
    (row,) = window.sessions.row_texts()
    assert "Tuesday band" in row
    assert all(action.isEnabled() for action in window.library_actions)
    window.close()
    shell.close()
    with pytest.raises(Exception, match="closed"):
        window.studio.sessions.all()


def test_qt_writes_numbers_as_the_language_shown_from_the_first_window_on(qtbot, library):
    """The first window takes Qt's locale once it has listed the sessions
    (benchmarks/startup.py); what is built in it afterwards writes numbers the Norwegian way
    all the same."""
    from PyQt6.QtCore import QLocale
    from PyQt6.QtWidgets import QDoubleSpinBox

    from mt_studio.ui.app import Shell

    QLocale.setDefault(QLocale("en_GB"))
    i18n.use_language("nb")
    shell = Shell(ErrorReporter(), studio_of(library))
    shell.open()
    qtbot.addWidget(shell.window)
    try:
        qtbot.waitUntil(lambda: QLocale().name() == "nb_NO")
        box = QDoubleSpinBox(shell.window)
        box.setValue(1.5)
        assert box.text() == "1,50"
        assert QLocale().toString(2.5, "f", 1) == "2,5"
    finally:
        shell.window.close()
        QLocale.setDefault(QLocale("en_GB"))


def test_a_library_that_cannot_be_opened_is_named_and_ends_the_app(qtbot, tmp_path,
                                                                    monkeypatch):
    from PyQt6.QtWidgets import QApplication

    from mt_studio.ui.app import Shell

    folder = tmp_path / "not-a-library"
    folder.mkdir()
    (folder / "library.sqlite3").write_bytes(b"this is no database, just words" * 40)
    shown, exits = [], []
    reporter = ErrorReporter()
    monkeypatch.setattr(reporter, "show_now", lambda title, message: shown.append(message))
    monkeypatch.setattr(QApplication, "exit", staticmethod(exits.append))
    shell = Shell(reporter, folder=folder)
    shell.open()
    qtbot.addWidget(shell.window)
    qtbot.waitUntil(lambda: exits != [], timeout=10000)
    assert exits[0] not in (0, None)
    (message,) = shown
    assert str(folder / "library.sqlite3") in message
    assert (folder / "library.sqlite3").read_bytes() == b"this is no database, just words" * 40
    shell.window.close()
    shell.close()


@pytest.mark.parametrize("chosen", ["beside recordings", "empty name"])
def test_a_new_library_over_recordings_or_an_empty_name_is_refused_by_the_window(
        qtbot, tmp_path, monkeypatch, chosen):
    from PyQt6.QtWidgets import QApplication

    from mt_studio.ui.app import Shell

    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "library-without-its-database"
    (folder / "audio" / "take-1").mkdir(parents=True)
    (folder / "audio" / "take-1" / "track-1.wav").write_bytes(b"RIFF an old take")
    shown, exits = [], []
    reporter = ErrorReporter()
    monkeypatch.setattr(reporter, "show_now", lambda title, message: shown.append(message))
    monkeypatch.setattr(QApplication, "exit", staticmethod(exits.append))
    shell = Shell(reporter, folder=folder if chosen == "beside recordings" else "")
    shell.open()
    qtbot.addWidget(shell.window)
    qtbot.waitUntil(lambda: exits != [], timeout=10000)
    assert exits[0] not in (0, None)
    (message,) = shown
    assert str(folder if chosen == "beside recordings" else tmp_path) in message
    assert not (folder / "library.sqlite3").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [folder.name]
    shell.window.close()
    shell.close()


def test_the_list_of_sessions_is_made_once_the_window_has_painted(qtbot, tmp_path):
    """Its tree and header take 10 ms to make (benchmarks/startup.py): the first paint shows
    the window without them, and the sessions are listed in them once the library is open."""
    from PyQt6.QtWidgets import QTreeWidget

    from mt_studio.ui.app import Shell

    with Library.open(tmp_path / "lib") as earlier, earlier.transaction() as tx:
        sessions.create(tx, "Tuesday band", SessionKind.BAND, on=date(2026, 11, 3))
    shell = Shell(ErrorReporter(), folder=tmp_path / "lib")
    shell.open()
    window = shell.window
    qtbot.addWidget(window)
    trees_at_paint: list[int] = []
    window.painted.connect(lambda: trees_at_paint.append(len(window.findChildren(QTreeWidget))))
    try:
        qtbot.waitUntil(lambda: window.sessions.has_sessions(), timeout=10000)
        assert trees_at_paint == [0]
        assert "Tuesday band" in window.sessions.row_texts()[0]
    finally:
        window.close()
        shell.close()

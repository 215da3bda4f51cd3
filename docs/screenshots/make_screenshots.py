"""Take the README's screenshots of the studio window, on a real X server and a real device.

    xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python docs/screenshots/make_screenshots.py
    SHOTS_LANGUAGE=nb xvfb-run -a -s "-screen 0 1366x768x24" \
        .venv/bin/python docs/screenshots/make_screenshots.py

The window has the size it takes on a 1366x768 laptop (maximized, under a taskbar); the
Norwegian pictures go into nb/.

Builds a library in a temporary folder (the demo session, plus a band session with one person
who has not consented yet), starts a JACK dummy server fed with tones as the audio interface,
and saves a PNG of each view next to this script. The bundled plugins analyse the demo take;
two plugins of the user's own (one for a newer plugin API) show in the Plugins dialog. Look at
every one before committing it.
"""

from __future__ import annotations

import os
import sys
import tempfile
import textwrap
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent / "tests"))  # the JACK rig the tests use

from jack_rig import JackServer, SignalsInAChildProcess  # noqa: E402

from mt_studio import i18n  # noqa: E402
from mt_studio.core.domain import Credit, Purpose, TakeStatus, TrackKind  # noqa: E402
from mt_studio.core.library import (  # noqa: E402
    consent_ledger,
    participants,
    sessions,
    songs,
    takes,
)
from mt_studio.core.studio import Studio  # noqa: E402
from mt_studio.i18n import _  # noqa: E402


def settle(app, seconds: float) -> None:
    """Let the window run for SECONDS (workers report, meters move)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def save(window, name: str) -> None:
    folder = HERE / ("" if i18n.current_language() == "en" else i18n.current_language())
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.png"
    window.grab().save(str(path))
    print(f"saved {path}")


# What the people in the pictures type, in the pictures' language.
WORDS = {
    "en": {"band": "Tuesday band", "take": "Morning song groove", "admin": "Therese",
           "note": "The chorus came together here. Try it slower next time.",
           "recipient": "Fredrikstad culture house choir",
           "deletion": "Recorded by mistake before everyone was ready",
           "kept": "Sam has asked for a copy first; we talk on Tuesday"},
    "nb": {"band": "Tirsdagsbandet", "take": "Morgensang-groove", "admin": "Therese",
           "note": "Refrenget satt her. Prøv det langsommere neste gang.",
           "recipient": "Fredrikstad kulturhus kor",
           "deletion": "Tatt opp ved en feil før alle var klare",
           "kept": "Sam har bedt om en kopi først; vi snakker sammen tirsdag"},
}[os.environ.get("SHOTS_LANGUAGE", "en")]


SHOTS_PASSPHRASE = "a song for every morning"

# Someone's own plugins: one waiting to be switched on, one written for a newer plugin API.
USER_PLUGINS = {
    "loudest-bar": ("Loudest bar", 1, "Marks the loudest bar of a take."),
    "vocal-tuner": ("Vocal tuner", 2, "Shows how far each sung note is from the nearest pitch."),
}


def add_user_plugins(folder: Path) -> None:
    """Put USER_PLUGINS in FOLDER, each a manifest and a module that registers nothing."""
    for plugin_id, (name, api_version, description) in USER_PLUGINS.items():
        path = folder / plugin_id
        path.mkdir(parents=True, exist_ok=True)
        (path / "MANIFEST.toml").write_text(textwrap.dedent(f"""\
            id = "{plugin_id}"
            name = "{name}"
            version = "0.3"
            api_version = {api_version}
            kind = "analysis"
            description = "{description}"
        """), encoding="utf-8")
        (path / "__init__.py").write_text("def enable(api):\n    pass\n", encoding="utf-8")


def wait_until(app, done, seconds: float) -> None:
    """Let the window run until DONE() is true, for at most SECONDS."""
    end = time.monotonic() + seconds
    while not done() and time.monotonic() < end:
        settle(app, 0.1)


def main() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="mt-shots-"))
    for key, folder in (("MT_STUDIO_LIBRARY", "library"), ("MT_STUDIO_LOG_DIR", "logs"),
                        ("MT_STUDIO_CONFIG_DIR", "config"), ("MT_STUDIO_PRESETS", "presets"),
                        ("MT_STUDIO_PLUGINS", "my-plugins")):
        os.environ[key] = str(scratch / folder)
    i18n.use_language(os.environ.get("SHOTS_LANGUAGE", "en"))
    server = JackServer(samplerate=48000, period=256, inputs=4)
    server.__enter__()
    os.environ.update(JACK_DEFAULT_SERVER=server.name, JACK_NO_START_SERVER="1")
    from PyQt6.QtCore import QLocale, QSize, Qt
    from PyQt6.QtWidgets import QApplication

    from mt_studio.ui.common.error_reporter import ErrorReporter
    from mt_studio.ui.consent.consent_dialogs import WithdrawRequest
    from mt_studio.ui.main_window import MainWindow, fitted_size
    from mt_studio.ui.sessions.session_dialog import SessionDialog

    app = QApplication(sys.argv[:1])
    QLocale.setDefault(QLocale(i18n.locale_name()))
    studio = Studio.open(scratch / "library")
    library = studio._library  # the pictures' made-up people and songs are put in directly
    window = MainWindow(studio, ErrorReporter())
    laptop, _full = fitted_size(QSize(1366, 768 - 40))  # a taskbar off the screen
    window.setWindowState(Qt.WindowState.WindowNoState)  # no window manager to maximize it
    window.resize(laptop)
    window.show()
    window.after_opening()
    settle(app, 1.5)
    save(window, "first-run")

    window.open_demo()
    db = library.connection
    demo = window.session_id
    kim = participants.add(db, "Kim")
    consent_ledger.grant(db, kim, [Purpose.RECORD, Purpose.KEEP], credit=Credit.NONE,
                         valid_until=date.today() + timedelta(days=5), witness="Anne")
    singer = participants.find(db, _("Demo Singer"))
    consent_ledger.withdraw(db, singer, [Purpose.GROUP], reason="changed mind")
    sessions.check_in(db, demo, kim)
    window.open_session(demo)
    window.session_view.consent.refresh()
    window.sessions.refresh()  # put in directly, so no change event told the list
    settle(app, 0.5)
    save(window, "consent-board")

    # A new session: the people present ticked from the list, found by a part of their name.
    dialog = SessionDialog(studio, parent=window)
    dialog.title.setText(WORDS["band"])
    dialog.show()
    for name in (_("Demo Drummer"), _("Demo Bassist"), _("Demo Keys")):
        dialog.find.setText(name[5:9])
        dialog._tick_first_found()
    dialog.find.setText("Demo")
    settle(app, 0.5)
    save(dialog, "new-session")
    dialog.reject()

    band = sessions.create(db, WORDS["band"], sessions.get(db, demo).kind, on=date.today(),
                           participants=[participants.find(db, p) for p in
                                         (_("Demo Drummer"), _("Demo Bassist"),
                                          _("Demo Keys"))],
                           inputs=sessions.get(db, demo).inputs)
    window.sessions.refresh()
    window.open_session(band.id)
    view = window.session_view
    view.setCurrentWidget(view.inputs)
    settle(app, 3)
    device = view.inputs.device.findData("system")
    if device >= 0:
        view.inputs.device.setCurrentIndex(device)
    settle(app, 0.5)
    # The levels before anything is recorded: the tones go into the monitor's inputs.
    # From a process of its own: the window keeps this interpreter busy, and a generator
    # waiting for it would make the server drop cycles that the recording then reports.
    generator = SignalsInAChildProcess(server, ["sine:220:0.3", "sine:440:0.6", "sine:660:0.1",
                                                "sine:880:0.95"])
    generator.connect_to("PortAudio.*:in_")
    settle(app, 1.0)
    save(window, "inputs")

    view.setCurrentWidget(view.record)
    view.record.count_in.setChecked(False)
    settle(app, 1.5)  # the same monitor as on the Inputs tab, the tones still going in
    save(window, "record-levels")
    view.record.toggle_record()
    generator.connect_to("PortAudio.*:in_")
    settle(app, 2.0)
    view.record.add_marker()  # M: the cursor goes into the name, and typing names it
    settle(app, 0.3)
    for letter in "Chorus":
        view.record.marker_name.insert(letter)
        settle(app, 0.05)
    settle(app, 0.5)
    save(window, "recording")
    view.record.toggle_record()
    settle(app, 0.5)
    generator.close()

    window.open_session(demo)
    view.setCurrentWidget(view.takes)
    settle(app, 1.0)
    naming = view.takes.name_take()  # F2: a name and a note for the take
    naming.name.setText(WORDS["take"])
    naming.note.setPlainText(WORDS["note"])
    naming.accept()
    settle(app, 2.0)
    save(window, "takes")

    # Practising: the chorus looped, the bass muted, 80 % speed, the click on.
    takes_tab = view.takes
    chorus = next(m for m in takes_tab.take.markers
                  if m.name.lower().startswith(("chorus", "refreng")))
    takes_tab.seek(chorus.frame + 1000)
    takes_tab.loop_button.setChecked(True)
    takes_tab.mix.row(1)[0].setChecked(True)
    takes_tab.click_button.setChecked(True)
    takes_tab.speed.setValue(80)
    settle(app, 1.0)
    for _round in range(300):
        if takes_tab.player is not None and takes_tab.player.practice is not None:
            break
        settle(app, 0.1)
    save(window, "takes-practice")
    takes_tab.speed.setValue(100)

    # The songs: a song with its lyrics, linked to the demo take, two lines stamped.
    with library.transaction() as tx:
        song = songs.create(tx, "Morgensang", [participants.find(tx, _("Demo Singer"))],
                            lyrics="Morgenen kommer sakte inn\nlyset over taket\n\n"
                                   "Vi synger det vi har\nog det er nok\n",
                            notes="Roligere før siste refreng.")
        take_id = takes_tab.take.id
        songs.stamp(tx, song.latest.id, 0, take_id, 2 * 48000)
        songs.stamp(tx, song.latest.id, 3, take_id, chorus.frame)
    view.setCurrentWidget(view.songs)
    view.songs.show_session(demo)
    view.songs.select_song(song.id)
    view.songs.set_position(take_id, 3 * 48000)
    settle(app, 1.0)
    save(window, "songs")

    # Exporting the demo take's chorus loop, the bass still muted in the mix, for the group:
    # the singer withdrew that consent and Kim never gave it, so the preview names them both
    # and Export stays off.
    view.setCurrentWidget(view.takes)
    settle(app, 0.5)
    export = takes_tab.open_export()
    export.form.loop_choice.setChecked(True)
    export.form.recipient.setText(WORDS["recipient"])
    export.form.group.setText(WORDS["band"])
    export.form.folder.setText("~/Music")
    export.adjustSize()
    settle(app, 0.5)
    save(export, "export")
    export.reject()

    # The bundled plugins' chords (a bar each, on the strip above the lanes), tempo and key.
    takes_tab.loop_button.setChecked(False)
    takes_tab.lanes.set_loop(None)
    takes_tab.mix.row(1)[0].setChecked(False)
    takes_tab.click_button.setChecked(False)
    wait_until(app, lambda: window.plugins is not None, 60)
    for action in takes_tab.take_plugins.analyse_menu.actions():
        takes_tab.analyse(action.data())
        wait_until(app, takes_tab.analyse_button.isEnabled, 120)
    settle(app, 0.5)
    save(window, "takes-chords")

    # The lead sheet of the song, saved as a PDF for the group while the singer consented;
    # then the singer withdraws `group` on the board, which names that copy.
    with library.transaction() as tx:
        consent_ledger.grant(tx, singer, [Purpose.GROUP], witness="Anne")
        songs.link_take(tx, song.id, take_id)
    sheet = takes_tab.take_plugins.open_lead_sheet()
    sheet.save_pdf(scratch / "Morgensang.pdf")
    settle(app, 0.5)
    save(sheet, "lead-sheet")
    sheet.reject()
    view.setCurrentWidget(view.consent)
    view.consent.withdraw(singer.id, WithdrawRequest((Purpose.GROUP,), "changed mind"))
    settle(app, 0.5)
    save(window, "consent-withdrawal")

    # Deleting the demo take: exactly what goes, and the lead sheet handed out to ask back.
    view.setCurrentWidget(view.takes)
    settle(app, 0.5)
    deleting = takes_tab.delete_take()
    deleting.reason.setText(WORDS["deletion"])
    settle(app, 0.5)
    save(deleting, "delete-take")
    deleting.reject()

    # Takes due for deletion: two past sessions where someone never gave consent to keep.
    sam = participants.add(db, "Sam")
    consent_ledger.grant(db, sam, [Purpose.RECORD], witness="Anne")
    for days_ago in (10, 3):
        past = sessions.create(db, WORDS["band"], sessions.get(db, demo).kind,
                               on=date.today() - timedelta(days=days_ago),
                               participants=[sam, kim])
        past_take = takes.start(db, past.id, 48000, sample_format="pcm24")
        takes.add_track(db, past_take, TrackKind.AUDIO, input=1, instrument="Room",
                        participant_ids=[sam.id, kim.id])
        takes.finish(db, past_take, 48000 * 60, status=TakeStatus.COMPLETE)
    due = window.retention.show_due()
    due.rows.setCurrentItem(due.rows.topLevelItem(1))
    due.keep_longer(WORDS["kept"])
    due.rows.setCurrentItem(due.rows.topLevelItem(0))
    settle(app, 0.5)
    save(due, "due-for-deletion")
    due.reject()

    # Help: the manual, ending with the keyboard shortcuts.
    manual = window.show_manual()
    settle(app, 0.5)
    save(manual, "manual")
    manual.close()

    # The Plugins dialog, with the user's own plugins found as at the next start.
    add_user_plugins(scratch / "my-plugins")
    window.plugins.start()
    dialog = window.show_plugins()
    settle(app, 0.5)
    save(dialog, "plugins")
    dialog.reject()

    # The looper in the band session: a bar at 240 BPM from one input, a layer from another.
    window.open_session(band.id)
    view.setCurrentWidget(view.looper)
    looper = view.looper
    settle(app, 1.0)
    looper.length_choice.setCurrentIndex(1)
    looper.tempo.setText("240")
    looper.record_button.click()
    for _round in range(200):
        if len(looper.layer_rows()) == 1:
            break
        settle(app, 0.1)
    looper.input_choice.setCurrentIndex(min(1, looper.input_choice.count() - 1))
    looper.record_button.click()
    for _round in range(200):
        if len(looper.layer_rows()) == 2:
            break
        settle(app, 0.1)
    settle(app, 0.5)
    save(window, "looper")
    looper.release()

    # Accounts: the library closed behind an admin; the window locked while a take records;
    # the sign-in page; and My songs for the singer, once everyone heard on the demo take
    # (Kim too, checked in since) consents to the group hearing it.
    window.access.ask_first_account(studio, lambda: window.attach(studio))
    first = window.screens.currentWidget()
    first.name.setText(WORDS["admin"])
    settle(app, 0.5)
    save(window, "first-account")
    first.passphrase.setText(SHOTS_PASSPHRASE)
    first.again.setText(SHOTS_PASSPHRASE)
    first.create()
    wait_until(app, lambda: window.screens.currentWidget() is window.workspace, 10)
    view.setCurrentWidget(view.record)
    settle(app, 1.0)
    view.record.toggle_record()
    generator = SignalsInAChildProcess(server, ["sine:220:0.3", "sine:440:0.6"])
    generator.connect_to("PortAudio.*:in_")
    settle(app, 1.5)
    window.lock()
    settle(app, 2.5)
    save(window, "locked-recording")
    window.access.gate.stop_button.click()
    generator.close()
    window.access.gate.show_signing_in()
    settle(app, 0.5)
    save(window, "sign-in")
    gate = window.access.gate.form
    gate.name.setText(WORDS["admin"])
    gate.passphrase.setText(SHOTS_PASSPHRASE)
    gate.submit()
    wait_until(app, lambda: window.screens.currentWidget() is window.workspace, 10)
    with library.transaction() as tx:
        consent_ledger.grant(tx, singer, [Purpose.GROUP], witness="Anne")
        consent_ledger.grant(tx, kim, [Purpose.GROUP], witness="Anne")
    window.open_session(demo)
    window.access.start_participant_mode(singer.id)
    page = window.screens.currentWidget()
    settle(app, 1.0)
    save(window, "my-songs")
    page.open_song(song.id)
    settle(app, 1.0)
    save(window, "my-song")
    # Looping a part of their song: a short loop going round, a layer being added.
    looper = page.song_view.looper
    looper.bars = 1  # at the count-in tempo shown
    generator = SignalsInAChildProcess(server, ["sine:220:0.3", "sine:330:0.5"])
    looper.loop_button.click()  # the interface opens: its ports appear, and are fed
    generator.connect_to("PortAudio.*:in_")
    wait_until(app, lambda: len(looper.model.layers) == 1, 20)
    looper.layer_button.click()
    settle(app, 0.8)
    save(window, "my-song-looping")
    looper.loop_button.click()
    wait_until(app, lambda: not looper.looping, 10)
    generator.close()
    # A new take of their song, on their own input, after its count-in.
    recorder = page.song_view.recorder
    recorder.toggle_record()
    wait_until(app, lambda: recorder.is_recording, 20)
    generator = SignalsInAChildProcess(server, ["sine:220:0.3", "sine:330:0.5"])
    generator.connect_to("PortAudio.*:in_")
    settle(app, 2.0)
    save(window, "my-song-recording")
    recorder.stop_recording()
    generator.close()
    page.let_go()

    # The ledger changed outside mt_studio (a guard dropped with the sqlite3 shell): the
    # library is read-only, and the window says so above everything.
    import sqlite3

    outside = sqlite3.connect(scratch / "library" / "library.sqlite3")
    outside.execute("DROP TRIGGER consent_events_no_delete")
    outside.close()
    studio.check_ledger()
    window.read_only_banner.show_problem(studio.read_only.problem)
    studio.sign_in(WORDS["admin"], SHOTS_PASSPHRASE)  # the therapist ends My songs
    window.access._left_participant_mode()
    window.setWindowState(Qt.WindowState.WindowNoState)
    window.resize(laptop)
    wait_until(app, lambda: window.screens.currentWidget() is window.workspace, 10)
    window.open_session(demo)
    settle(app, 1.0)
    save(window, "read-only")
    window.close()
    studio.close()
    server.__exit__(None, None, None)
    os._exit(0)  # PortAudio's exit handler would trip over the server just stopped


if __name__ == "__main__":
    main()

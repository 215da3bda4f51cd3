"""The export dialog: the live preview of who is heard and their consent, exporting in a worker
with progress and Cancel, and the Export… button of the Takes tab."""

from __future__ import annotations

import threading
import uuid

import pytest
from PyQt6.QtCore import Qt

from mt_studio.core.capture import devices
from mt_studio.core.consent_board import ChipState
from mt_studio.core.domain import ConsentAction, Purpose
from mt_studio.core.export import audio
from mt_studio.core.library import consent_ledger, participants, takes
from mt_studio.core.mixing import TrackMix
from mt_studio.ui.export.export_dialog import ExportDialog
from mt_studio.ui.takes.takes_view import TakesView
from tests.conftest import studio_of


@pytest.fixture
def dialog(qtbot, library, demo_take, tmp_path):
    """An export dialog of the demo take, exporting into tmp_path/shared."""

    def make(**options) -> ExportDialog:
        shown = ExportDialog(studio_of(library), takes.get(library.connection, demo_take.id),
                             **options)
        qtbot.addWidget(shown)
        shown.form.folder.setText(str(tmp_path / "shared"))
        shown.show()
        return shown

    return make


def states(dialog: ExportDialog) -> dict[str, ChipState]:
    return {row.pseudonym: row.chip.state for row in dialog.preview_shown.rows}


def blocker_lines(dialog: ExportDialog) -> list[str]:
    """The lines under the verdict: who blocks the export, and where they are heard."""
    return [label.text() for label, _button in dialog.preview.blocker_lines]


def choose(combo, data) -> None:
    combo.setCurrentIndex(combo.findData(data))


def test_everyone_heard_is_shown_with_their_consent_and_credit(dialog):
    shown = dialog()
    assert states(shown) == {name: ChipState.GRANTED for name in
                             ("Demo Bassist", "Demo Drummer", "Demo Keys", "Demo Singer")}
    tree = shown.preview.people
    assert tree.topLevelItem(0).text(2) == "credited as Demo Bassist"
    assert tree.headerItem().text(1) == "Inside the group"
    assert shown.export_button.isEnabled()
    assert shown.form.title.text() == "Take 1"


def test_a_withdrawn_group_consent_disables_export_and_names_who(dialog, library):
    singer = participants.find(library.connection, "Demo Singer")
    consent_ledger.withdraw(library.connection, singer, [Purpose.GROUP], reason="changed mind")
    shown = dialog()
    assert not shown.export_button.isEnabled()
    assert states(shown)["Demo Singer"] is ChipState.WITHDRAWN
    assert states(shown)["Demo Bassist"] is ChipState.GRANTED
    assert shown.preview.verdict.text().startswith(
        "Sharing inside the group is not possible now")
    [line] = blocker_lines(shown)
    assert line.startswith("Demo Singer (Drums (room mic), Vocal mic) withdrew group sharing on")
    assert shown.form.title.text() == "Take 1"  # the core's title, though nobody may share


def test_leaving_out_the_tracks_someone_is_heard_on_lets_the_rest_go(dialog, library):
    singer = participants.find(library.connection, "Demo Singer")
    consent_ledger.withdraw(library.connection, singer, [Purpose.GROUP])
    shown = dialog()
    tracks = shown.form.tracks
    for row in range(tracks.count()):  # the singer is heard on both room mics
        if not tracks.item(row).text().startswith("Bass"):
            tracks.item(row).setCheckState(Qt.CheckState.Unchecked)
    assert set(states(shown)) == {"Demo Bassist"}
    assert shown.export_button.isEnabled()


def test_community_is_refused_naming_everyone_who_lacks_it(dialog):
    shown = dialog()
    choose(shown.form.purpose, Purpose.COMMUNITY)
    assert not shown.export_button.isEnabled()
    assert set(states(shown).values()) == {ChipState.NEVER}
    verdict = shown.preview.verdict.text()
    assert verdict.startswith("Sharing with a community music group is not possible now")
    lines = blocker_lines(shown)
    for name in ("Demo Bassist", "Demo Drummer", "Demo Keys", "Demo Singer"):
        assert any(line.startswith(f"{name} (") and
                   line.endswith("has not consented to community sharing") for line in lines)
    choose(shown.form.purpose, Purpose.GROUP)
    assert shown.export_button.isEnabled()


def test_a_muted_track_starts_unticked_and_a_profile_sets_format_and_stems(dialog, demo_take):
    muted = {demo_take.tracks[0].id: TrackMix(mute=True)}
    shown = dialog(mixes=muted)
    assert demo_take.tracks[0].id not in shown.form.chosen_track_ids()
    choose(shown.form.profile, next(shown.form.profile.itemData(i) for i in
                                    range(shown.form.profile.count())
                                    if shown.form.profile.itemData(i) is not None
                                    and shown.form.profile.itemData(i).name == "stems-wav"))
    assert shown.form.stems_choice.isChecked()
    assert shown.form.format.currentText() == "WAV"
    assert not shown.form.loop_choice.isEnabled()  # no loop drawn


def test_an_export_through_the_dialog_writes_the_files(qtbot, dialog, library, demo_take,
                                                       tmp_path):
    from mt_studio.core.studio import ExportLogged

    heard = []
    studio_of(library).events.subscribe(heard.append)
    shown = dialog()
    shown.form.stems_choice.setChecked(True)
    shown.form.zip.setChecked(True)
    shown.form.recipient.setText("Fredrikstad kulturhus choir")
    shown.export_button.click()
    assert shown.exporting and not shown.export_button.isEnabled()
    qtbot.waitUntil(lambda: shown.result is not None, timeout=30_000)
    folder = tmp_path / "shared" / "Take 1"
    assert shown.result.folder == folder
    names = sorted(path.name for path in folder.iterdir())
    assert "Take 1 - 02 Bass (DI).wav" in names and "credits.txt" in names
    assert (tmp_path / "shared" / "Take 1.zip").is_file()
    assert str(folder) in shown.outcome.text()
    assert shown.open_folder_button.isVisible() and shown.export_button.isEnabled()
    assert not shown.progress.isVisible()
    # exported through the window's own studio, which says so
    assert heard == [ExportLogged(shown.result.export_id, demo_take.id)]


def test_a_profile_with_a_loudness_says_the_loudness_reached(qtbot, dialog, tmp_path):
    shown = dialog()
    profiles = shown.form.profile
    choose(profiles, next(profiles.itemData(i) for i in range(1, profiles.count())
                          if profiles.itemData(i).name == "share-mix-flac"))
    shown.export_button.click()
    qtbot.waitUntil(lambda: shown.result is not None, timeout=30_000)
    assert (tmp_path / "shared" / "Take 1" / "Take 1.flac").is_file()
    assert "Loudness reached: -16.0 LUFS." in shown.outcome.text()


def test_cancel_leaves_no_export_folder_nor_a_hidden_partial(qtbot, dialog, tmp_path,
                                                              held_write):
    shown = dialog()
    shown.export_button.click()
    qtbot.waitUntil(held_write.is_set, timeout=10_000)
    assert shown.cancel_button.isVisible() and not shown.close_button.isEnabled()
    shown.reject()  # Esc while exporting cancels, and the dialog stays to say so
    assert shown.isVisible()
    qtbot.waitUntil(shown.outcome.isVisible, timeout=30_000)
    assert shown.result is None and not shown.exporting
    assert "cancelled" in shown.outcome.text()
    assert list((tmp_path / "shared").iterdir()) == []


@pytest.fixture
def held_write(monkeypatch):
    """Each audio file the export writes starts, then waits to be told to stop: returns the
    event set once the first one has begun."""
    writing = threading.Event()
    real_write = audio.write

    def write_until_stopped(sources, plan, output, path, gain, tags, stop, *rest):
        path.write_bytes(b"half a file")  # something for Cancel to remove
        writing.set()
        stop.wait(20)
        return real_write(sources, plan, output, path, gain, tags, stop, *rest)

    monkeypatch.setattr(audio, "write", write_until_stopped)
    return writing


def test_closing_the_window_during_an_export_cancels_it_and_leaves_nothing(
        qtbot, library, demo_take, tmp_path, no_output, held_write):
    from mt_studio.ui.common.error_reporter import ErrorReporter
    from mt_studio.ui.main_window import MainWindow

    window = MainWindow(studio_of(library), ErrorReporter())
    qtbot.addWidget(window)
    window.show()
    window.open_session(demo_take.session_id)
    view = window.session_view.takes
    view.show_session(demo_take.session_id)
    shown = view.open_export()
    shown.form.folder.setText(str(tmp_path / "shared"))
    shown.export_button.click()
    qtbot.waitUntil(held_write.is_set, timeout=10_000)
    assert any((tmp_path / "shared").iterdir())  # a hidden partial folder, half written
    window.close()
    assert not shown.exporting
    assert list((tmp_path / "shared").iterdir()) == []


def test_a_folder_that_cannot_be_made_is_said_in_the_dialog(qtbot, dialog, tmp_path):
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    shown = dialog()
    shown.form.folder.setText(str(blocker / "shared"))
    shown.export_button.click()
    qtbot.waitUntil(shown.outcome.isVisible, timeout=30_000)
    assert shown.result is None
    assert "cannot be made" in shown.outcome.text()
    assert shown.export_button.isEnabled()


def test_a_folder_that_is_no_full_path_keeps_export_off(dialog):
    shown = dialog()
    shown.form.folder.setText("shared")
    assert not shown.export_button.isEnabled()
    shown.form.folder.setText("")
    assert not shown.export_button.isEnabled()


@pytest.fixture
def no_output(monkeypatch):
    """PortAudio with no audio server to find: the Takes tab plays nothing."""
    monkeypatch.setenv("JACK_DEFAULT_SERVER", f"mt-test-absent-{uuid.uuid4().hex[:8]}")
    monkeypatch.setenv("JACK_NO_START_SERVER", "1")
    devices.refresh()


def test_the_takes_tab_opens_the_dialog_for_the_shown_take(qtbot, library, demo_take,
                                                            no_output):
    view = TakesView(studio_of(library))
    qtbot.addWidget(view)
    try:
        assert not view.export_button.isEnabled()
        assert view.export_button.accessibleName() == "Export this take"
        view.show_session(demo_take.session_id)
        assert view.take.id == demo_take.id and view.export_button.isEnabled()
        view.mix.row(1)[0].setChecked(True)  # the bass muted in the mix
        view.export_button.click()
        shown = view.findChild(ExportDialog)
        assert shown is not None and shown.isVisible() and shown.take.id == demo_take.id
        assert shown.windowTitle() == "Export take 1"
        assert demo_take.tracks[1].id not in shown.form.chosen_track_ids()
        shown.reject()
    finally:
        view.release()


def test_a_blocked_export_lists_the_tracks_each_blocker_is_heard_on(dialog):
    shown = dialog()
    choose(shown.form.purpose, Purpose.COMMUNITY)
    lines = blocker_lines(shown)
    assert "Demo Bassist (Drums (room mic), Bass (DI), Vocal mic) has not consented to " \
           "community sharing" in lines
    assert "Demo Keys (Drums (room mic), Keys (line out), Vocal mic, Keys (MIDI)) has not " \
           "consented to community sharing" in lines
    assert len(lines) == 4
    buttons = [button for _label, button in shown.preview.blocker_lines]
    assert {b.text() for b in buttons} == {"Record consent…"}
    assert "Record consent for Demo Bassist" in {b.accessibleName() for b in buttons}


def typed(shown: ExportDialog) -> dict:
    form = shown.form
    return {"title": form.title.text(), "recipient": form.recipient.text(),
            "group": form.group.text(), "folder": form.folder.text(),
            "format": form.format.currentData(), "stems": form.stems_choice.isChecked(),
            "zip": form.zip.isChecked(), "tracks": form.chosen_track_ids(),
            "purpose": form.purpose.currentData()}


def test_record_consent_opens_the_grant_dialog_and_keeps_everything_typed(
        qtbot, dialog, library, demo_take):
    from mt_studio.core.presets.model import AudioFormat
    from mt_studio.core.studio import ConsentChanged
    from mt_studio.ui.consent.consent_dialogs import GrantDialog

    db = library.connection
    singer = participants.find(db, "Demo Singer")
    consent_ledger.withdraw(db, singer, [Purpose.GROUP])
    shown = dialog()
    form = shown.form
    form.title.setText("Sunday song")
    form.recipient.setText("Tuesday band")
    form.group.setText("The Tuesday band")
    choose(form.format, AudioFormat.FLAC)
    form.stems_choice.setChecked(True)
    form.zip.setChecked(True)
    midi = next(row for row in range(form.tracks.count())
                if form.tracks.item(row).text().startswith("Keys (MIDI)"))
    form.tracks.item(midi).setCheckState(Qt.CheckState.Unchecked)
    before = typed(shown)
    assert not shown.export_button.isEnabled()
    [(line, button)] = shown.preview.blocker_lines
    assert line.text().startswith("Demo Singer (Drums (room mic), Vocal mic) withdrew group")

    button.click()
    grant = shown.findChild(GrantDialog)
    assert grant is not None and grant.isVisible()
    assert [p for p, box in grant.purpose_boxes.items() if box.isChecked()] == [Purpose.GROUP]
    assert any("What does Demo Singer agree to?" == label.text()
               for label in grant.findChildren(type(line)))
    grant.witness.setText("Therapist A")
    heard = []
    studio_of(library).events.subscribe(heard.append)
    with qtbot.waitSignal(shown.consent_recorded, timeout=1000):
        grant.accept()
    assert heard == [ConsentChanged(singer.id)]  # the studio tells every window

    last = consent_ledger.events(db, [singer.id])[-1]
    assert (last.action, last.purpose, last.witness) == (
        ConsentAction.GRANT, Purpose.GROUP, "Therapist A")
    assert typed(shown) == before
    assert shown.preview.blocker_lines == []
    assert shown.export_button.isEnabled()
    assert shown.preview_shown.allowed


def test_recording_one_of_several_blockers_keeps_export_off_until_nobody_blocks(
        qtbot, dialog, library):
    from mt_studio.ui.consent.consent_dialogs import GrantDialog

    shown = dialog()
    choose(shown.form.purpose, Purpose.COMMUNITY)
    first = shown.preview.blocker_lines[0][1]
    who = first.accessibleName().removeprefix("Record consent for ")
    first.click()
    shown.findChild(GrantDialog).accept()
    assert not shown.export_button.isEnabled()
    assert len(shown.preview.blocker_lines) == 3
    assert not any(line.text().startswith(f"{who} (") for line, _b in shown.preview.blocker_lines)

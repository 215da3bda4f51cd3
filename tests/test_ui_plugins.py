"""Plugins in the window: the Plugins dialog, analyses on a take's timeline, the lead sheet,
effects for playback and export, and a plugin that raises everywhere leaving the app working."""

from __future__ import annotations

import uuid

import numpy as np
import pytest
from PyQt6.QtCore import Qt
from test_plugin_host import GOOD, RAISES_EVERYWHERE, plugin

from mt_studio import i18n
from mt_studio.core.capture import devices
from mt_studio.core.domain import Purpose
from mt_studio.core.lead_sheet import chord_lines
from mt_studio.core.library import (
    annotations,
    audit,
    consent_ledger,
    participants,
    songs,
)
from mt_studio.core.plugins import Annotation, PluginHost, PluginState
from mt_studio.ui.common.error_reporter import ErrorReporter
from mt_studio.ui.export.export_dialog import ExportDialog
from mt_studio.ui.plugins.plugin_starter import PluginStarter
from mt_studio.ui.takes.takes_view import TakesView
from tests.conftest import studio_of

# A chord a bar over eight bars, the tempo over the whole take and the key as a point.
CHORDS = '''
from mt_studio.plugin_api import Analysis, Annotation


def find(audio, progress):
    bar = audio.frames // 8
    found = [Annotation("chord", i * bar, (i + 1) * bar, name)
             for i, name in enumerate(["C", "Am", "F", "G", "C", "Am", "F", "G"])]
    progress(0.5)
    audio.read(0, 4800)
    return found + [Annotation("tempo", 0, audio.frames, "96 BPM", 96.0),
                    Annotation("key", 0, None, "A minor")]


def enable(api):
    api.add_analysis(Analysis("bars", "Chords by bar", find))
'''

# An effect with a description, which the effect's list shows as a tip.
QUIET = '''
from mt_studio.plugin_api import Effect


class Quieter:
    def process(self, block):
        return block * 0.25


def enable(api):
    api.add_effect(Effect("quieter", "Quieter", lambda rate, channels: Quieter(),
                          description="A quarter of the level."))
'''

FAILS_TO_LOAD = '''
raise ImportError("no module named imaginary_dsp")
'''


@pytest.fixture(autouse=True)
def english():
    """Every test reads the window's English words."""
    i18n.use_language("en")
    yield
    i18n.use_language("en")


@pytest.fixture(autouse=True)
def no_output(monkeypatch):
    """PortAudio with no audio server to find: nothing here plays, and no JACK starts."""
    monkeypatch.setenv("JACK_DEFAULT_SERVER", f"mt-test-absent-{uuid.uuid4().hex[:8]}")
    monkeypatch.setenv("JACK_NO_START_SERVER", "1")
    devices.refresh()


@pytest.fixture
def host_of(tmp_path):
    """A started plugin host of bundled plugins made from (id, source[, kind, api]) tuples."""

    def make(*plugins) -> PluginHost:
        folder = tmp_path / "bundled"
        folder.mkdir(exist_ok=True)
        for spec in plugins:
            plugin(folder, *spec)
        host = PluginHost([(folder, True)], tmp_path / "plugins.json")
        host.start()
        return host

    return make


@pytest.fixture
def takes_view(qtbot, library, demo_take):
    """The Takes tab on the demo session, with a plugin host given."""
    made: list[TakesView] = []

    def make(host: PluginHost | None) -> TakesView:
        view = TakesView(studio_of(library), plugins=host)
        qtbot.addWidget(view)
        made.append(view)
        view.resize(1000, 700)
        view.show_session(demo_take.session_id)
        assert view.take.id == demo_take.id
        return view

    yield make
    for view in made:
        view.release()


def menu_names(view: TakesView) -> list[str]:
    return [action.text() for action in view.take_plugins.analyse_menu.actions()]


def test_the_window_starts_plugins_after_opening_and_says_when_one_failed(
        qtbot, library, host_of):
    from mt_studio.ui.main_window import MainWindow

    host = host_of(("good", GOOD), ("broken", FAILS_TO_LOAD))
    window = MainWindow(studio_of(library), ErrorReporter(), plugins=PluginStarter(lambda: host))
    qtbot.addWidget(window)
    assert window.plugins is None and not window.plugins_action.isEnabled()
    window.start_plugins()
    qtbot.waitUntil(lambda: window.plugins is host)
    assert window.plugins_action.isEnabled()
    assert window.statusBar().currentMessage() == \
        "1 plugin could not start — see Settings ▸ Plugins"
    window.open_demo()
    assert menu_names(window.session_view.takes) == ["Find C"]
    window.close()


def test_the_dialog_lists_plugins_and_disabling_one_takes_its_analysis_away(
        qtbot, library, host_of, monkeypatch, tmp_path):
    from mt_studio.ui.main_window import MainWindow

    host = host_of(("good", GOOD), ("broken", FAILS_TO_LOAD),
                   ("future", GOOD, '"analysis"', 99))
    window = MainWindow(studio_of(library), ErrorReporter(), plugins=PluginStarter(lambda: host))
    qtbot.addWidget(window)
    window.start_plugins()
    qtbot.waitUntil(lambda: window.plugins is host)
    window.open_demo()
    view = window.session_view.takes
    assert menu_names(view) == ["Find C"] and view.analyse_button.isEnabled()

    dialog = window.show_plugins()
    rows = dialog.rows
    assert set(rows) == {"good", "broken", "future"}
    assert rows["good"].state.text() == "✔ Enabled" and rows["good"].use.isChecked()
    assert rows["good"].use.text() == "Good 1.0"
    assert rows["good"].details.text() == "analysis, effect, exporter · bundled"
    assert not rows["good"].error.isVisibleTo(dialog)
    assert rows["broken"].state.text() == "✖ Failed"
    assert "ImportError: no module named imaginary_dsp" in rows["broken"].error.text()
    assert rows["broken"].error.textInteractionFlags() & \
        Qt.TextInteractionFlag.TextSelectableByMouse
    assert rows["future"].state.text() == "⚠ Refused"
    assert "plugin API version 99" in rows["future"].error.text()
    assert not rows["future"].use.isEnabled()
    assert "cannot use Future" in rows["future"].use.toolTip()
    assert rows["good"].use.accessibleName() == "Use Good"

    rows["good"].use.click()  # untick: disabled, remembered, its analysis gone
    assert host.info("good").state is PluginState.DISABLED
    assert rows["good"].state.text() == "– Disabled"
    assert menu_names(view) == [] and not view.analyse_button.isEnabled()
    rows["good"].use.click()
    assert menu_names(view) == ["Find C"]

    opened = []
    monkeypatch.setenv("MT_STUDIO_PLUGINS", str(tmp_path / "my plugins"))
    monkeypatch.setattr("mt_studio.ui.plugins.plugins_dialog.QDesktopServices.openUrl",
                        opened.append)
    dialog.folder_button.click()
    assert (tmp_path / "my plugins").is_dir()
    assert opened[0].toLocalFile() == str(tmp_path / "my plugins")
    dialog.reject()
    window.close()


def test_an_analysis_keeps_its_findings_and_shows_chords_on_the_strip(
        qtbot, library, demo_take, host_of, takes_view):
    from mt_studio.core.studio import TakeChanged

    host = host_of(("chords", CHORDS, '"analysis"'))
    view = takes_view(host)
    heard = []
    studio_of(library).events.subscribe(heard.append)
    assert menu_names(view) == ["Chords by bar"]
    assert not view.strip.isVisibleTo(view) and not view.lead_sheet_button.isEnabled()
    view.analyse("bars")
    assert not view.analyse_button.isEnabled()  # one at a time
    qtbot.waitUntil(lambda: view.strip.labels() != [], timeout=10_000)
    assert view.strip.labels() == ["C", "Am", "F", "G", "C", "Am", "F", "G"]
    assert view.take_plugins.summary.text() == "96 BPM · A minor"
    assert view.take_plugins.note.text() == "Chords by bar is done."
    assert view.strip.isVisibleTo(view) and view.lead_sheet_button.isEnabled()
    assert view.analyse_button.isEnabled()
    stored = annotations.of_take(library.connection, demo_take.id)
    assert len(stored) == 10 and {s.plugin_id for s in stored} == {"chords"}
    # kept through the window's own studio, which says so
    assert heard == [TakeChanged(demo_take.id, demo_take.session_id)]

    # Shown again when the take is chosen again, and only while its plugin is enabled.
    view.take_list.clear()
    view.show_session(demo_take.session_id)
    assert view.strip.labels()[:4] == ["C", "Am", "F", "G"]
    host.disable("chords")
    view.refresh_plugins()
    assert view.strip.labels() == [] and view.take_plugins.summary.text() == ""
    assert not view.strip.isVisibleTo(view)


def test_the_strip_lines_up_with_the_waveforms_and_zooms_with_them(
        qtbot, library, demo_take, host_of, takes_view):
    host = host_of(("chords", CHORDS, '"analysis"'))
    with library.transaction() as db:
        annotations.replace(db, demo_take.id, "chords", "bars",
                            [Annotation("chord", 0, demo_take.frames // 2, "C"),
                             Annotation("chord", demo_take.frames // 2, demo_take.frames, "G")])
    view = takes_view(host)
    view.show()
    qtbot.waitExposed(view)
    strip, lanes = view.strip, view.lanes
    middle = demo_take.frames // 2
    assert abs(strip._x_of(middle) - (strip._offset() + lanes.x_of(middle))) < 1
    seen = lanes.mapTo(view, lanes.rect().topLeft()).x() + lanes.x_of(middle)
    assert abs(strip.mapTo(view, strip.rect().topLeft()).x() + strip._x_of(middle) - seen) < 1
    lanes.set_view(0, middle)  # zoomed to the first half: the second chord is off the end
    assert strip._x_of(middle) >= strip._wave_area()[0] + strip._wave_area()[1] - 1


def test_the_lead_sheet_has_the_chords_four_bars_a_line_and_the_songs_lyrics(
        qtbot, library, demo_take, host_of, takes_view, tmp_path):
    with library.transaction() as db:
        singer = participants.find(db, "Demo Singer")  # who holds group consent
        song = songs.create(db, "Morgensang", [singer],
                            lyrics="Morgenen kommer\nlyset over taket\n\nVi synger det vi har\n")
        songs.link_take(db, song.id, demo_take.id)
        annotations.replace(db, demo_take.id, "chords", "bars", [
            Annotation("chord", n * 1000, (n + 1) * 1000, name)
            for n, name in enumerate(["C", "Am", "F", "G", "C", "Am"])])
    sheet = studio_of(library).sharing.lead_sheet(demo_take.id)
    assert sheet.chord_lines == ("| C  | Am | F  | G  |", "| C  | Am |")
    assert sheet.text() == ("Morgensang\n\n| C  | Am | F  | G  |\n| C  | Am |\n\n"
                            "Morgenen kommer\nlyset over taket\n\nVi synger det vi har\n")
    assert chord_lines([]) == []

    view = takes_view(host_of(("chords", CHORDS, '"analysis"')))
    assert view.lead_sheet_button.isEnabled()
    dialog = view.take_plugins.open_lead_sheet()
    assert dialog.windowTitle() == "Lead sheet: Morgensang"
    shown = dialog.page.toPlainText()
    assert "| C  | Am | F  | G  |" in shown and "Vi synger det vi har" in shown
    dialog.save_pdf(tmp_path / "sheet")
    assert (tmp_path / "sheet.pdf").read_bytes().startswith(b"%PDF")
    assert str(tmp_path / "sheet.pdf") in dialog.note.text()
    assert shared_sheets(library) == [(singer.id, f"take:{demo_take.id}", "pdf", song.id)]
    with library.transaction() as db:
        report = consent_ledger.withdraw(db, singer, [Purpose.GROUP])
    assert [(s.take_id, s.how) for s in report.lead_sheets] == [(demo_take.id, "pdf")]
    withheld = studio_of(library).sharing.lead_sheet(demo_take.id).text()
    assert "Vi synger" not in withheld and "words are left out" in withheld
    # The dialog opened while consent held: a copy made now leaves the words out.
    dialog.save_pdf(tmp_path / "again.pdf")
    assert "Vi synger" not in dialog.page.toPlainText()
    assert "words are left out" in dialog.page.toPlainText()
    assert "Consent has changed" in dialog.note.text()
    assert shared_sheets(library)[1:] == [(None, f"take:{demo_take.id}", "pdf", song.id)]
    dialog.reject()


def shared_sheets(library) -> list[tuple]:
    """The audit rows of lead sheets printed or saved: (participant, subject, how, song)."""
    return [(e.participant_id, e.subject, e.details["how"], e.details["song"])
            for e in audit.entries(library.connection) if e.action == "lead_sheet.shared"]


class StubPlayer:
    """Stands for an open TakePlayer: what the tab hands it."""

    samplerate = 48000

    def __init__(self) -> None:
        self.effects: list = []

    def set_effects(self, effects) -> None:
        self.effects = list(effects)


def test_an_effect_chosen_for_playback_reaches_the_player_and_none_clears_it(
        host_of, takes_view):
    view = takes_view(host_of(("good", GOOD), ("quiet", QUIET, '"effect"')))
    assert [view.effect.itemText(i) for i in range(view.effect.count())] == [
        "None", "Halve", "Quieter"]
    assert view.effect.itemData(2, Qt.ItemDataRole.ToolTipRole) == "A quarter of the level."
    player = StubPlayer()
    view.take_plugins.set_player(player)
    assert player.effects == []
    view.effect.setCurrentIndex(view.effect.findData("halve"))
    (processor,) = player.effects
    assert np.all(processor.process(np.ones((64, 2), np.float32)) == 0.5)
    later = StubPlayer()  # the next take's player gets an effect of its own
    view.take_plugins.set_player(later)
    assert len(later.effects) == 1 and later.effects[0] is not processor
    view.effect.setCurrentIndex(0)
    assert later.effects == []


def test_effects_and_exporters_go_into_the_request_and_stems_turn_effects_off(
        qtbot, library, demo_take, host_of, tmp_path):
    host = host_of(("good", GOOD))
    dialog = ExportDialog(studio_of(library), demo_take, plugins=host)
    qtbot.addWidget(dialog)
    dialog.form.folder.setText(str(tmp_path / "shared"))
    dialog.show()
    form = dialog.form
    assert form.effects.isVisibleTo(dialog) and form.exporters.isVisibleTo(dialog)
    assert [form.effects.item(i).text() for i in range(form.effects.count())] == ["Halve"]
    assert [form.exporters.item(i).text() for i in range(form.exporters.count())] == ["Notes"]
    assert form.request().effects == () and form.request().exporters == ()
    form.effects.item(0).setCheckState(Qt.CheckState.Checked)
    form.exporters.item(0).setCheckState(Qt.CheckState.Checked)
    assert form.request().effects == ("halve",) and form.request().exporters == ("notes",)
    form.stems_choice.setChecked(True)
    assert not form.effects.isEnabled() and form.request().effects == ()
    assert "One stereo mix" in form.effects.toolTip()
    form.mix_choice.setChecked(True)
    assert form.effects.isEnabled() and form.request().effects == ("halve",)
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=30_000)
    assert (dialog.result.folder / "notes.txt").read_text() == "Take 1"

    plain = ExportDialog(studio_of(library), demo_take)  # no plugins: no lists; it exports
    qtbot.addWidget(plain)
    plain.show()
    assert not plain.form.effects.isVisibleTo(plain)
    assert not plain.form.exporters.isVisibleTo(plain)
    assert plain.form.request().effects == ()


def test_a_plugin_raising_everywhere_is_said_and_disabled_and_the_app_goes_on(
        qtbot, library, demo_take, host_of, takes_view, tmp_path):
    host = host_of(("raises", RAISES_EVERYWHERE))
    view = takes_view(host)
    assert menu_names(view) == ["Boom"]
    view.analyse("boom")
    qtbot.waitUntil(lambda: "failed" in view.take_plugins.note.text(), timeout=10_000)
    assert view.take_plugins.note.text() == \
        "The plugin Raises failed and was disabled: RuntimeError: boom"
    assert host.info("raises").state is PluginState.FAILED
    assert menu_names(view) == [] and view.effect.count() == 1  # its effect went too
    assert annotations.of_take(library.connection, demo_take.id) == []

    from mt_studio.ui.plugins.plugins_dialog import PluginsDialog

    listing = PluginsDialog(host, view)
    row = listing.rows["raises"]
    assert row.state.text() == "✖ Failed" and row.error.text() == "RuntimeError: boom"
    listing.reject()

    # The window goes on: the take still exports, through the same host.
    dialog = view.open_export()
    dialog.form.folder.setText(str(tmp_path / "shared"))
    assert not dialog.form.effects.isVisibleTo(dialog)  # nothing enabled offers one now
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=30_000)
    assert any(path.suffix == ".wav" for path in dialog.result.folder.iterdir())
    dialog.reject()


def test_an_effect_that_raises_while_exporting_leaves_nothing_and_the_next_export_works(
        qtbot, library, demo_take, host_of, tmp_path):
    host = host_of(("raises", RAISES_EVERYWHERE))
    dialog = ExportDialog(studio_of(library), demo_take, plugins=host)
    qtbot.addWidget(dialog)
    dialog.form.folder.setText(str(tmp_path / "shared"))
    dialog.show()
    dialog.form.effects.item(0).setCheckState(Qt.CheckState.Checked)
    dialog.export_button.click()
    qtbot.waitUntil(dialog.outcome.isVisible, timeout=30_000)
    assert dialog.result is None and "disabled" in dialog.outcome.text()
    assert list((tmp_path / "shared").iterdir()) == []
    dialog.form.effects.item(0).setCheckState(Qt.CheckState.Unchecked)
    dialog.export_button.click()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=30_000)

"""Delete take…, Delete song… and Erase a person…: each dialog shows what goes and the exports
to ask back, asks why (and, to erase, the pseudonym typed out) before its button deletes, and
the views let go of what went."""

from __future__ import annotations

from export_story import a_song, band_take
from PyQt6.QtCore import Qt
from test_ui_takes import no_output, views  # noqa: F401 (fixtures)

from mt_studio.core.domain import Purpose
from mt_studio.core.export import ExportRequest
from mt_studio.core.library import takes
from mt_studio.ui.bridge import StudioBridge
from mt_studio.ui.common.list_rows import item_ids
from mt_studio.ui.deletion.deletion_dialog import erase_person_dialog
from mt_studio.ui.songs.songs_panel import SongsPanel
from mt_studio.ui.takes.takes_view import TakesView
from tests.conftest import studio_of


def a_band(library, tmp_path):
    """The export story's take, a song linked to it, and an export to "Bandet"."""
    story = band_take(library)
    a_song(library, story, [story.ola, story.kari])
    studio_of(library).sharing.export(ExportRequest(story.take_id, Purpose.GROUP,
                                                    tmp_path / "out", recipient="Bandet"))
    return story, takes.get(library.connection, story.take_id).session_id


def test_delete_take_shows_what_goes_and_asks_why(qtbot, library, tmp_path, no_output,  # noqa: F811
                                                  views):  # noqa: F811
    story, session_id = a_band(library, tmp_path)
    studio = studio_of(library)
    view = TakesView(studio, StudioBridge(studio))
    qtbot.addWidget(view)
    views.append(view)
    view.show()
    view.show_session(session_id)
    qtbot.waitUntil(lambda: view.take is not None)
    dialog = view.delete_take()
    assert f"audio/take-{story.take_id}/track-{story.room}.wav" in dialog.what_goes.toPlainText()
    assert "Bandet" in dialog.recalls.toPlainText() and dialog.recalls.isVisibleTo(dialog)
    assert not dialog.delete_button.isEnabled()
    dialog.reason.setText("kept past its time")
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.take_list.count() == 0)
    assert view.take is None
    assert not (library.folder / takes.take_folder(story.take_id)).exists()


def test_a_refused_reason_is_said_inside_the_dialog(qtbot, library, tmp_path):
    story, _session_id = a_band(library, tmp_path)
    studio = studio_of(library)
    dialog = erase_person_dialog(studio, None, story.kari.id)
    qtbot.addWidget(dialog)
    dialog.reason.setText("Kometen asked")
    dialog.typed.setText("kometen")
    assert dialog.delete_button.isEnabled()
    dialog.accept()
    assert "names someone" in dialog.error.text() and dialog.went is None
    assert story.kari.id in {p.id for p in studio.consent.participants()}


def test_erasing_asks_for_the_pseudonym_typed_out(qtbot, library, tmp_path):
    story, _session_id = a_band(library, tmp_path)
    studio = studio_of(library)
    dialog = erase_person_dialog(studio, None, story.ola.id)
    qtbot.addWidget(dialog)
    assert dialog.person.currentData() == story.ola.id
    assert "Bandet" in dialog.recalls.toPlainText()
    dialog.reason.setText("asked to be forgotten")
    dialog.typed.setText("Kometen")  # someone else's
    assert not dialog.delete_button.isEnabled()
    dialog.typed.setText("blåbær")
    assert dialog.delete_button.isEnabled()
    dialog.person.setCurrentIndex(dialog.person.findData(story.per.id))  # another: typed again
    assert dialog.typed.text() == "" and not dialog.delete_button.isEnabled()
    dialog.person.setCurrentIndex(dialog.person.findData(story.ola.id))
    dialog.typed.setText("Blåbær")
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    assert dialog.went is not None and dialog.went.takes
    assert story.ola.id not in {p.id for p in studio.consent.participants()}


def test_delete_song_leaves_the_panel_without_it(qtbot, library, tmp_path):
    _story, session_id = a_band(library, tmp_path)
    panel = SongsPanel(studio_of(library), StudioBridge(studio_of(library)))
    qtbot.addWidget(panel)
    panel.show()
    panel.show_session(session_id)
    panel.song_list.setCurrentRow(0)
    assert panel.song is not None
    dialog = panel.delete_song()
    assert "Lyset i vinduet" in dialog.heading.text()
    dialog.reason.setText("asked for by its writers")
    qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: item_ids(panel.song_list) == [None])  # "No songs yet"
    assert panel.song is None and not panel.detail.isEnabled()

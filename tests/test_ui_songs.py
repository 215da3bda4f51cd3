"""The Songs tab: writing, saving versions, asking before changes are lost, stamps and takes."""

from __future__ import annotations

from datetime import date

import pytest
from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox, QPushButton

from mt_studio.core.domain import SessionKind
from mt_studio.core.library import participants, sessions, songs, takes
from mt_studio.core.library.songs import LyricStamp
from mt_studio.ui.songs import songs_panel
from mt_studio.ui.songs.songs_panel import DETAIL_ROLE, SongsPanel, Unsaved
from tests.conftest import studio_of

RATE = 48000
WORDS = "Verse one\n\nChorus\nVerse two\nChorus"


@pytest.fixture
def studio(library):
    """A session with Ola and Kari present (Nils is not), and two takes of 90 s."""
    with library.transaction() as db:
        people = {name: participants.add(db, name) for name in ("Ola", "Kari", "Nils")}
        session = sessions.create(db, "Thursday songwriting", SessionKind.INDIVIDUAL,
                                  on=date(2026, 11, 5),
                                  participants=[people["Ola"], people["Kari"]])
        made = []
        for _ in range(2):
            take = takes.start(db, session.id, RATE)
            takes.finish(db, take, 90 * RATE)
            made.append(take)
    return session.id, made, people


def make_song(library, title: str, lyrics: str = WORDS, notes: str = "") -> int:
    with library.transaction() as db:
        return songs.create(db, title, lyrics=lyrics, notes=notes).id


@pytest.fixture
def panel(qtbot, library, studio):
    """The panel on the session, shown and active (its shortcuts need an active window)."""
    widget = SongsPanel(studio_of(library))
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)
    widget.show_session(studio[0])
    return widget


def version_numbers(library, song_id: int) -> list[int]:
    return [v.number for v in songs.versions(library.connection, song_id)]


def put_cursor(panel: SongsPanel, line: int) -> None:
    panel.lyrics.setFocus()
    panel.lyrics.put_cursor_on(line)


def test_a_new_song_takes_its_writers_from_the_people_present(qtbot, panel, library, studio):
    dialog = panel.new_song()
    names = [dialog.writers.item(i).text() for i in range(dialog.writers.count())]
    assert names == ["Kari", "Ola"]  # present only, by pseudonym; Nils is not here
    dialog.title.setText("Morning song")
    dialog.set_writers([studio[2]["Ola"].id, studio[2]["Kari"].id])
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    song = songs.all_songs(library.connection)[0]
    assert (song.title, [p.pseudonym for p in song.writers]) == ("Morning song", ["Kari", "Ola"])
    assert panel.song.id == song.id
    assert panel.title.text() == "Morning song"
    assert "Written by Kari, Ola" in panel.details.text()
    assert panel.lyrics.hasFocus()


def test_a_song_without_a_title_is_refused_inside_the_dialog(qtbot, panel, library):
    dialog = panel.new_song()
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.isVisible()
    assert "needs a title" in dialog.error.text()
    assert songs.all_songs(library.connection) == []


def test_saving_makes_a_version_only_when_something_changed(qtbot, panel, library):
    song_id = make_song(library, "Morning song")
    assert panel.select_song(song_id)
    assert panel.lyrics.toPlainText() == WORDS
    assert not panel.save_button.isEnabled()
    panel.lyrics.moveCursor(panel.lyrics.textCursor().MoveOperation.End)
    qtbot.keyClick(panel.lyrics, Qt.Key.Key_Return)
    qtbot.keyClicks(panel.lyrics, "Outro")
    assert panel.save_button.isEnabled()
    assert "Unsaved changes" in panel.message()
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert version_numbers(library, song_id) == [1, 2]
    assert panel.message() == "Saved as version 2."
    assert not panel.save_button.isEnabled()
    assert "Version 2 of 2" in panel.details.text()
    qtbot.keyClick(panel.lyrics, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert version_numbers(library, song_id) == [1, 2]
    assert panel.message() == "Nothing changed, so no new version was made."
    panel.notes.setPlainText("Capo 2")  # the notes alone make a version too
    panel.save()
    assert songs.get(library.connection, song_id).latest.notes == "Capo 2"
    assert version_numbers(library, song_id) == [1, 2, 3]


@pytest.mark.parametrize("choice", list(Unsaved))
def test_choosing_another_song_with_unsaved_changes_asks_first(qtbot, panel, library,
                                                               monkeypatch, choice):
    first = make_song(library, "A first song", lyrics="Old words")
    second = make_song(library, "B second song", lyrics="Other words")
    asked = []
    monkeypatch.setattr(songs_panel, "ask_unsaved",
                        lambda parent, title: asked.append(title) or choice)
    assert panel.select_song(first)
    panel.lyrics.setPlainText("New words")
    moved = panel.select_song(second)
    assert asked == ["A first song"]
    if choice is Unsaved.CANCEL:
        assert not moved and panel.song.id == first
        assert panel.song_list.currentItem().data(Qt.ItemDataRole.UserRole) == first
        assert panel.lyrics.toPlainText() == "New words"  # kept, still unsaved
        assert panel.has_unsaved_changes()
        assert version_numbers(library, first) == [1]
        return
    assert moved and panel.lyrics.toPlainText() == "Other words"
    expected = "New words" if choice is Unsaved.SAVE else "Old words"
    assert songs.get(library.connection, first).latest.lyrics == expected
    assert version_numbers(library, first) == ([1, 2] if choice is Unsaved.SAVE else [1])
    assert panel.select_song(first) and len(asked) == 1  # nothing unsaved now: no question


def test_the_question_itself_offers_save_throw_away_and_go_back(qtbot, panel, library):
    first = make_song(library, "A first song", lyrics="Old words")
    second = make_song(library, "B second song", lyrics="Other words")
    panel.select_song(first)
    panel.lyrics.setPlainText("New words")
    seen = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.extend(b.text() for b in box.buttons())
        next(b for b in box.buttons() if b.text() == "Throw away the changes").click()

    QTimer.singleShot(0, answer)
    assert panel.select_song(second)
    assert sorted(seen) == ["Go back to the song", "Save", "Throw away the changes"]
    assert songs.get(library.connection, first).latest.lyrics == "Old words"


def test_earlier_versions_are_shown_read_only_with_when_they_were_saved(qtbot, panel, library):
    song_id = make_song(library, "Morning song", lyrics="First words")
    panel.select_song(song_id)
    panel.lyrics.setPlainText("Second words")
    panel.save()
    dialog = panel.show_versions()
    items = [dialog.list.item(i) for i in range(dialog.list.count())]
    assert [item.text() for item in items] == ["Version 2 (latest)", "Version 1"]
    assert all(" at " in item.data(DETAIL_ROLE) for item in items)  # the day and time saved
    dialog.show_version(1)
    assert dialog.lyrics.toPlainText() == "First words"
    assert dialog.lyrics.isReadOnly() and dialog.notes.isReadOnly()
    assert "Version 1 of 2, saved" in dialog.heading.text()
    dialog.lyrics.setFocus()
    qtbot.keyClicks(dialog.lyrics, "typed")
    assert dialog.lyrics.toPlainText() == "First words"
    assert songs.version(library.connection, song_id, 1).lyrics == "First words"
    panel.lyrics.setPlainText("Third words")
    panel.save()
    assert dialog.list.count() == 3  # an open dialog follows new saves


def test_stamping_the_line_under_the_cursor_uses_the_playhead(qtbot, panel, library, studio):
    take = studio[1][0]
    song_id = make_song(library, "Morning song")
    panel.select_song(song_id)
    panel.set_position(take, 65 * RATE + 100)
    put_cursor(panel, 2)  # the first chorus
    assert panel.position_label.text() == "Playhead: take 1 at 1:05"
    qtbot.mouseClick(panel.stamp_button, Qt.MouseButton.LeftButton)
    latest = songs.get(library.connection, song_id).latest
    assert latest.stamps == (LyricStamp(2, take, 65 * RATE + 100),)
    assert [words for _stamp, words in panel.lyrics.stamps[2]] == ["take 1 at 1:05"]
    assert panel.message() == "Line 3 is stamped: take 1 at 1:05."
    assert panel.take_list.item(0).checkState() == Qt.CheckState.Checked  # linked by stamping

    panel.set_position(take, 70 * RATE)
    qtbot.keyClick(panel.lyrics, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    latest = songs.get(library.connection, song_id).latest
    assert latest.stamps == (LyricStamp(2, take, 70 * RATE),)  # moved, not added
    assert [words for _stamp, words in panel.lyrics.stamps[2]] == ["take 1 at 1:10"]
    assert version_numbers(library, song_id) == [1]


def test_unsaved_words_are_saved_before_a_stamp_and_stamps_follow_their_lines(
        qtbot, panel, library, studio):
    take = studio[1][1]
    song_id = make_song(library, "Morning song")
    with library.transaction() as db:
        songs.stamp(db, songs.get(db, song_id).latest.id, 2, take, 10 * RATE)
    panel.select_song(song_id)
    assert [words for _s, words in panel.lyrics.stamps[2]] == ["take 2 at 0:10"]
    put_cursor(panel, 0)
    qtbot.keyClicks(panel.lyrics, "Intro")
    qtbot.keyClick(panel.lyrics, Qt.Key.Key_Return)
    assert list(panel.lyrics.stamps) == [3]  # shown where Save will keep it
    panel.set_position(take, 20 * RATE)
    put_cursor(panel, 4)  # "Verse two", in the unsaved words
    panel.stamp_line()
    latest = songs.get(library.connection, song_id).latest
    assert latest.number == 2 and latest.lyrics.startswith("Intro\nVerse one")
    assert latest.stamps == (LyricStamp(3, take, 10 * RATE), LyricStamp(4, take, 20 * RATE))
    assert sorted(panel.lyrics.stamps) == [3, 4]
    assert panel.message() == "Saved as version 2. Line 5 is stamped: take 2 at 0:20."


def test_stamping_needs_a_playhead_and_says_why(qtbot, panel, library, studio):
    panel.select_song(make_song(library, "Morning song"))
    assert not panel.stamp_button.isEnabled()
    assert "Takes tab" in panel.stamp_button.toolTip()
    assert panel.position_label.text() == "No take is playing."
    panel.set_position(studio[1][0], 0)
    assert panel.stamp_button.isEnabled()
    assert "0:00" in panel.stamp_button.toolTip()
    panel.set_position(None, 0)
    assert not panel.stamp_button.isEnabled()
    put_cursor(panel, 0)
    qtbot.keyClick(panel.lyrics, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert songs.get(library.connection, panel.song.id).latest.stamps == ()


def test_a_stamp_clicked_or_chosen_with_enter_asks_to_play_from_there(qtbot, panel, library,
                                                                       studio):
    take = studio[1][1]
    song_id = make_song(library, "Morning song")
    with library.transaction() as db:
        version = songs.get(db, song_id).latest.id
        songs.stamp(db, version, 0, take, 5 * RATE)
        songs.stamp(db, version, 4, take, 40 * RATE)
    panel.select_song(song_id)
    column = panel.lyrics.column
    qtbot.waitUntil(lambda: len(column._hits) == 2)
    rect = column._hits[1][0]
    with qtbot.waitSignal(panel.play_requested, timeout=1000) as clicked:
        qtbot.mouseClick(column, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    assert clicked.args == [take, 40 * RATE]
    assert panel.lyrics.textCursor().blockNumber() == 4  # the cursor went to that line

    column.setFocus()
    qtbot.keyClick(column, Qt.Key.Key_Up)
    with qtbot.waitSignal(panel.play_requested, timeout=1000) as entered:
        qtbot.keyClick(column, Qt.Key.Key_Return)
    assert entered.args == [take, 5 * RATE]

    put_cursor(panel, 4)
    with qtbot.waitSignal(panel.play_requested, timeout=1000) as from_line:
        qtbot.keyClick(panel.lyrics, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert from_line.args == [take, 40 * RATE]
    assert panel.lyrics.toPlainText() == WORDS  # Ctrl+Enter played; it typed nothing
    put_cursor(panel, 3)
    assert not panel.play_button.isEnabled()  # no stamp on this line


def test_takes_are_linked_and_unlinked_by_ticking_them(qtbot, panel, library, studio,
                                                      monkeypatch):
    first, second = studio[1]
    song_id = make_song(library, "Morning song")
    with library.transaction() as db:
        songs.stamp(db, songs.get(db, song_id).latest.id, 0, first, RATE)
    panel.select_song(song_id)
    rows = {panel.take_list.item(i).data(Qt.ItemDataRole.UserRole): panel.take_list.item(i)
            for i in range(panel.take_list.count())}
    assert rows[first].checkState() == Qt.CheckState.Checked
    rows[second].setCheckState(Qt.CheckState.Checked)
    assert songs.get(library.connection, song_id).take_ids == (first, second)
    assert panel.message() == "Take 2 is linked to this song."

    answers = iter([False, True])
    monkeypatch.setattr(songs_panel, "confirm_unlink", lambda *_args: next(answers))
    panel.take_list.item(0).setCheckState(Qt.CheckState.Unchecked)  # take 1: it has a stamp
    assert songs.get(library.connection, song_id).take_ids == (first, second)
    assert panel.take_list.item(0).checkState() == Qt.CheckState.Checked
    panel.take_list.item(0).setCheckState(Qt.CheckState.Unchecked)
    song = songs.get(library.connection, song_id)
    assert song.take_ids == (second,) and song.latest.stamps == ()
    assert panel.lyrics.stamps == {}


def test_songs_played_in_this_session_come_first_and_say_so(qtbot, panel, library, studio):
    make_song(library, "A song from before")
    played = make_song(library, "Z song played here")
    with library.transaction() as db:
        songs.link_take(db, played, studio[1][0])
    panel.refresh()
    rows = [(panel.song_list.item(i).text(), panel.song_list.item(i).data(DETAIL_ROLE))
            for i in range(panel.song_list.count())]
    assert rows == [("Z song played here", "no writers named · played in this session"),
                    ("A song from before", "no writers named")]


def test_a_refusal_from_the_library_is_shown_in_the_panel(qtbot, panel, library, studio):
    song_id = make_song(library, "Morning song")
    panel.select_song(song_id)
    panel.lyrics.setPlainText("One\nTwo\x1b[2J")
    assert panel.save() is False
    assert "control characters (line 2)" in panel.message()
    assert panel.problem.isVisible()
    assert version_numbers(library, song_id) == [1]
    panel.set_position(studio[1][0], 0)
    panel.lyrics.setPlainText(WORDS)
    put_cursor(panel, 1)  # a blank line
    panel.stamp_line()
    assert "empty line" in panel.message()
    assert songs.get(library.connection, song_id).latest.stamps == ()


def test_every_button_is_reached_with_tab_and_has_a_name(qtbot, panel, library, studio):
    song_id = make_song(library, "Morning song")
    with library.transaction() as db:
        songs.stamp(db, songs.get(db, song_id).latest.id, 0, studio[1][0], RATE)
    panel.select_song(song_id)
    panel.set_position(studio[1][0], RATE)
    panel.notes.setPlainText("Unsaved note")  # Save is enabled
    put_cursor(panel, 0)  # a stamped line: Play from this line is enabled
    panel.song_list.setFocus()
    reached = []
    for _ in range(20):
        widget = QApplication.focusWidget()
        reached.append(widget)
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    buttons = [b for b in panel.findChildren(QPushButton) if b.isVisible()]
    assert len(buttons) == 7 and all(b.isEnabled() for b in buttons)
    assert all(button in reached for button in buttons)
    assert panel.lyrics.column in reached
    unnamed = [w for w in set(reached) if not w.accessibleName()]
    assert unnamed == []


def test_a_song_made_and_a_take_recorded_meanwhile_are_listed_without_a_refresh(
        qtbot, library, studio):
    import threading

    from jack_rig import JackServer, seen_by_portaudio

    from mt_studio.core.capture.take_plan import TakeRequest
    from mt_studio.core.domain import Purpose
    from mt_studio.ui.bridge import StudioBridge
    from mt_studio.ui.common.list_rows import item_ids

    session_id, _made, people = studio
    band = studio_of(library)
    bridge = StudioBridge(band)
    panel = SongsPanel(band, bridge)
    qtbot.addWidget(panel)
    panel.show_session(session_id)
    song = band.songs.create("Morning song", [people["Ola"].id], lyrics=WORDS)  # elsewhere
    qtbot.waitUntil(lambda: song.id in item_ids(panel.song_list))
    assert panel.select_song(song.id) and panel.take_list.count() == 2
    for name in ("Ola", "Kari"):
        band.consent.grant(people[name].id, [Purpose.RECORD])
    finished = []
    try:
        with (JackServer(samplerate=RATE, period=256, inputs=2) as server,
              seen_by_portaudio(server)):
            def record() -> None:  # as the Record tab does, off the GUI thread
                recording = band.recording.start(TakeRequest(
                    session_id, "system", inputs=(1,), duration_seconds=1.0))
                recording.wait(30)
                finished.append(recording.stop())  # it stopped by itself: kept now

            worker = threading.Thread(target=record)
            worker.start()
            qtbot.waitUntil(lambda: not worker.is_alive(), timeout=40_000)
        assert finished and finished[0].number == 3
        qtbot.waitUntil(lambda: panel.take_list.count() == 3)
        qtbot.waitUntil(lambda: "(0:01)" in panel.take_list.item(2).text())
        assert panel.take_list.item(2).text().startswith("Take 3")
        assert panel.take_list.item(2).checkState() == Qt.CheckState.Unchecked
    finally:
        bridge.close()

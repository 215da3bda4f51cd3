"""The "My songs" page of participant mode, on a real library: only their songs and takes,
nobody else named anywhere, versions, a withdrawal heard at once, My copy through the worker,
Leave, keyboard access, and recording on their own inputs only (on a JACK dummy device)."""

from __future__ import annotations

import pytest
from jack_rig import JackServer, seen_by_portaudio
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QAbstractButton, QComboBox, QLabel, QListWidget, QWidget

from mt_studio.core.domain import Purpose
from mt_studio.core.domain.accounts import Role
from mt_studio.core.studio import Studio
from mt_studio.ui.common.list_rows import DETAIL_ROLE
from mt_studio.ui.participant import my_copy, my_song_list
from mt_studio.ui.participant.my_songs_page import MySongsPage

PASS = "a song for every morning"
RATE = 48000


@pytest.fixture
def band(tmp_path):
    """A library behind an account, the demo session (one take, everyone heard holding group
    consent), a song the first participant writes with the second, and one the second writes
    alone. Participant mode is started for the first."""
    with Studio.open(tmp_path / "library") as studio:
        studio.accounts.add("Therese", Role.ADMIN, PASS)
        studio.sign_in("Therese", PASS)
        session_id = studio.sessions.create_demo()
        session = studio.sessions.get(session_id)
        me, other = session.participants[0], session.participants[1]
        shared = studio.songs.create("Morning song", [me.id, other.id], "First verse")
        theirs = studio.songs.create("Bass line", [other.id], "Low notes")
        (take,) = studio.sessions.takes(session_id)
        mine = studio.for_participant(me.id, session.id)
        yield studio, session, mine, other, take, shared, theirs


@pytest.fixture
def page(qtbot, band):
    """The page for the first participant, shown, with no audio interface chosen."""
    _studio, _session, mine, *_rest = band
    widget = MySongsPage(mine, None)
    qtbot.addWidget(widget)
    widget.resize(1366, 728)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.let_go()
    widget.song_view.player.wait_until_closed(5)


def everything_shown(root: QWidget) -> str:
    """Every word ROOT and its widgets show or say: texts, tooltips, accessible names and
    descriptions, window titles, list rows and combobox items."""
    found = []
    for widget in [root, *root.findChildren(QWidget)]:
        found += [widget.toolTip(), widget.accessibleName(), widget.accessibleDescription(),
                  widget.windowTitle(), widget.statusTip(), widget.whatsThis()]
        if isinstance(widget, QLabel | QAbstractButton):
            found.append(widget.text())
        if isinstance(widget, QListWidget):
            for row in range(widget.count()):
                item = widget.item(row)
                found += [item.text(), item.toolTip(), str(item.data(DETAIL_ROLE) or ""),
                          str(item.data(Qt.ItemDataRole.AccessibleTextRole) or "")]
        if isinstance(widget, QComboBox):
            found += [widget.itemText(i) for i in range(widget.count())]
        if hasattr(widget, "toPlainText"):
            found.append(widget.toPlainText())
    return "\n".join(found)


def others_named(page: MySongsPage, studio: Studio, session) -> list[str]:
    shown = everything_shown(page)
    return [p.pseudonym for p in session.participants
            if p.id != page.mine.participant.id and p.pseudonym in shown]


def open_song(qtbot, page: MySongsPage, title: str) -> None:
    page.songs.list.setCurrentRow(page.songs.shown_titles().index(title))
    page.songs.open_button.click()
    assert page.pages.currentWidget() is page.song_view


def test_only_their_songs_are_listed_and_nobody_else_is_named_anywhere(qtbot, band, page):
    studio, session, mine, other, take, shared, _theirs = band
    assert page.songs.shown_titles() == ["Morning song"]
    assert page.name.text() == mine.participant.pseudonym
    assert others_named(page, studio, session) == []
    open_song(qtbot, page, "Morning song")
    assert page.song_view.lyrics.toPlainText() == "First verse"
    assert page.song_view.shown_take_ids() == [take.id]
    assert page.song_view.copy.button.isEnabled()
    assert others_named(page, studio, session) == []
    assert other.pseudonym not in everything_shown(page)


def test_saving_the_lyrics_makes_version_two_and_a_new_song_is_theirs(qtbot, band, page,
                                                                       monkeypatch):
    studio, _session, mine, *_rest = band
    open_song(qtbot, page, "Morning song")
    view = page.song_view
    assert not view.save_button.isEnabled()
    view.lyrics.setPlainText("First verse\nA line of my own")
    assert view.save_button.isEnabled() and view.unsaved
    view.save_button.click()
    (song,) = mine.songs.all()
    assert [v.number for v in mine.songs.versions(song.id)] == [1, 2]
    assert song.latest.lyrics == "First verse\nA line of my own"
    assert "version 2" in view.saved.text() and not view.save_button.isEnabled()
    qtbot.waitUntil(lambda: not page._redraw_soon.isActive())  # the studio's SongChanged
    assert view.lyrics.toPlainText() == "First verse\nA line of my own"
    view.save_button.click()  # nothing changed: no version 3
    assert len(mine.songs.versions(song.id)) == 2

    view.back_button.click()
    monkeypatch.setattr(my_song_list, "ask_title", lambda _parent: "Evening song")
    page.songs.new_button.click()
    assert page.pages.currentWidget() is view and view.title.text() == "Evening song"
    view.back_button.click()
    assert sorted(page.songs.shown_titles()) == ["Evening song", "Morning song"]


def test_a_take_disappears_when_someone_heard_on_it_withdraws_group_consent(qtbot, band, page):
    studio, _session, _mine, other, take, _shared, _theirs = band
    open_song(qtbot, page, "Morning song")
    view = page.song_view
    assert view.shown_take_ids() == [take.id] and view.player.take.id == take.id
    studio.sign_in("Therese", PASS)  # the therapist, on the full studio
    studio.consent.withdraw(other.id, [Purpose.GROUP], reason="not this one")
    qtbot.waitUntil(lambda: view.shown_take_ids() == [], timeout=3000)
    assert view.player.take is None and not view.player.play_button.isEnabled()
    assert view.copy.take_id is None and not view.copy.button.isEnabled()


def test_my_copy_writes_the_files_in_a_worker_and_shows_where(qtbot, band, page, tmp_path,
                                                              monkeypatch):
    open_song(qtbot, page, "Morning song")
    copy = page.song_view.copy
    stick = tmp_path / "memory-stick"
    stick.mkdir()
    monkeypatch.setattr(my_copy, "choose_folder", lambda _parent: stick)
    copy.format.setCurrentIndex(copy.format.findText("WAV"))
    copy.button.click()
    assert copy.copying and not copy.button.isEnabled()  # the window did not wait for it
    qtbot.waitUntil(lambda: not copy.copying and copy.button.isEnabled(), timeout=30000)
    assert "Your copy is ready" in copy.result.text(), copy.result.text()
    written = [p for p in stick.rglob("*.wav")]
    assert written and str(written[0].parent) in copy.result.text()


def test_a_refused_copy_says_so_without_a_name(qtbot, band, page, tmp_path, monkeypatch):
    studio, session, _mine, other, _take, _shared, _theirs = band
    open_song(qtbot, page, "Morning song")
    copy = page.song_view.copy
    monkeypatch.setattr(my_copy, "choose_folder", lambda _parent: tmp_path / "stick")
    studio.sign_in("Therese", PASS)
    # Withdrawn between the list and the copy: the studio refuses, in words naming nobody.
    page.bridge.blockSignals(True)
    studio.consent.withdraw(other.id, [Purpose.GROUP])
    copy.button.click()
    qtbot.waitUntil(lambda: not copy.copying and copy.result.text() != "", timeout=30000)
    qtbot.waitUntil(lambda: "Making" not in copy.result.text(), timeout=30000)
    assert "Ask your therapist" in copy.result.text()
    assert other.pseudonym not in copy.result.text()
    assert not (tmp_path / "stick").exists() or not list((tmp_path / "stick").rglob("*.*"))
    page.bridge.blockSignals(False)
    assert others_named(page, studio, session) == []


def test_leave_only_asks_to_leave(qtbot, page):
    with qtbot.waitSignal(page.leave_requested, timeout=1000):
        page.leave_button.click()
    assert page.isVisible()


def test_every_control_is_reached_by_tab_and_named_and_space_plays(qtbot, page):
    open_song(qtbot, page, "Morning song")
    view = page.song_view
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    view.back_button.setFocus()
    reached = []
    for _ in range(40):
        widget = page.focusWidget()
        if widget in reached:
            break
        reached.append(widget)
        page.focusNextChild()
    shown = page.pages.currentWidget()
    controls = [page.leave_button] + [
        w for w in shown.findChildren((QAbstractButton, QListWidget, QComboBox))
        if w.isVisibleTo(page) and w.isEnabled()]
    assert len(controls) > 8
    for control in controls:
        assert control in reached, control.accessibleName() or control.text()
        assert control.accessibleName(), control
    view.take_list.setFocus()
    qtbot.keyClick(view.take_list, Qt.Key.Key_Space)
    # Space asked for the take to play: its player opens (or says why it cannot, offscreen)
    qtbot.waitUntil(lambda: view.player.player is not None or view.player.status.text(),
                    timeout=5000)


def test_record_asks_only_for_their_inputs(qtbot, band):
    _studio, session, mine, *_rest = band
    page = MySongsPage(mine, "system")
    qtbot.addWidget(page)
    recorder = page.song_view.recorder
    request = recorder.request()
    own = mine.recording.inputs()
    assert request.inputs == own and request.session_id == session.id
    assert set(own) < {i.number for i in session.inputs}
    assert recorder.reason_disabled() is None  # everyone heard may be recorded
    without = MySongsPage(mine, None)
    qtbot.addWidget(without)
    assert not without.song_view.recorder.record_button.isEnabled()
    assert "Ask your therapist" in without.song_view.recorder.reason_disabled()


@pytest.fixture
def device():
    """A JACK server that PortAudio in this process sees as the device 'system'."""
    with (JackServer(samplerate=RATE, period=128, inputs=4, outputs=2, synchronous=True)
          as server, seen_by_portaudio(server)):
        yield server


def test_a_take_recorded_on_a_real_device_after_a_count_in_is_linked_and_plays(
        qtbot, band, device):
    studio, session, mine, other, _take, shared, _theirs = band
    clicks: list[int] = []
    page = MySongsPage(mine, "system", click_player=lambda samples, _rate: clicks.append(
        len(samples)))
    qtbot.addWidget(page)
    page.resize(1366, 728)
    page.show()
    qtbot.waitExposed(page)
    open_song(qtbot, page, "Morning song")
    view, recorder = page.song_view, page.song_view.recorder
    try:
        assert recorder.record_button.isEnabled(), recorder.reason_disabled()
        recorder.record_button.click()
        assert recorder.counter.isVisible() and recorder.counter.text() == "1"
        assert recorder.recording is None  # nothing records during the count-in
        qtbot.waitUntil(lambda: recorder.is_recording, timeout=10000)
        assert clicks and recorder.record_button.text() == "Stop"
        assert recorder.recording.capture.settings.inputs == mine.recording.inputs()
        qtbot.waitUntil(lambda: recorder.recording.capture.clock() > RATE // 2, timeout=10000)
        qtbot.waitUntil(lambda: recorder.elapsed.text() != "0:00", timeout=5000)
        with qtbot.waitSignal(recorder.take_recorded, timeout=10000) as kept:
            recorder.record_button.click()
    finally:
        if recorder.is_recording:  # a failed check must not leave a stream on a dying server
            recorder.stop_recording()
    take_id = kept.args[0]
    assert take_id in mine.songs.get(shared.id).take_ids
    qtbot.waitUntil(lambda: view.shown_take_ids()[:1] == [take_id], timeout=3000)
    take = mine.take(take_id)
    assert [t.input for t in take.tracks] == list(mine.recording.inputs())
    assert take.frames > RATE // 2
    assert all((mine.folder / track.file).is_file() for track in take.tracks)
    assert others_named(page, studio, session) == []

    try:
        play_and_practise(qtbot, page)
    finally:  # no stream may be left open on a server about to go
        page.let_go()
        view.player.wait_until_closed(5)


def play_and_practise(qtbot, page: MySongsPage) -> None:
    """Space plays and stops the chosen take; Slower and Faster play a practice version."""
    view = page.song_view
    view.take_list.setCurrentRow(0)
    view.take_list.setFocus()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    qtbot.keyClick(view.take_list, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: view.player.playing, timeout=10000)
    assert view.player.player.device == "system"  # the interface chosen, not the default
    qtbot.waitUntil(lambda: not view.player.clock.text().startswith("0:00 "), timeout=10000)
    qtbot.keyClick(view.take_list, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: view.player.play_button.text() == "Play", timeout=5000)
    assert not view.player.playing

    view.player.slower_button.click()  # practice: the same take, slower, made in a worker
    assert view.player.speed_label.text() == "Speed: 90 %"
    qtbot.waitUntil(lambda: view.player.player.practice is not None, timeout=30000)
    assert view.player.player.practice.settings.speed == pytest.approx(0.9)
    view.player.faster_button.click()
    qtbot.waitUntil(lambda: view.player.player.practice is None, timeout=5000)


def test_a_loop_and_a_layer_made_on_the_song_page_are_layers_of_a_take_of_theirs(
        qtbot, band, device):
    studio, session, mine, _other, _take, shared, _theirs = band
    page = MySongsPage(mine, "system")
    qtbot.addWidget(page)
    page.resize(1366, 728)
    page.show()
    qtbot.waitExposed(page)
    open_song(qtbot, page, "Morning song")
    view, looper = page.song_view, page.song_view.looper
    looper.bpm, looper.bars = 240.0, 1  # a second counted in, a loop of a second
    counted = []
    looper.model.ticked.connect(lambda: counted.append(looper.beat.text()))
    try:
        assert looper.loop_button.isEnabled() and not looper.layer_button.isEnabled()
        looper.loop_button.click()
        assert not view.recorder.isEnabled() and not view.take_list.isEnabled()
        qtbot.waitUntil(lambda: len(looper.model.layers) == 1, timeout=15000)  # closed, kept
        assert [n for n in "1234" if n in counted] == list("1234")  # the count-in shown
        assert looper.layer_button.isEnabled() and looper.loop_button.text() == "Stop the loop"
        looper.layer_button.click()
        qtbot.waitUntil(lambda: len(looper.model.layers) == 2, timeout=15000)
        qtbot.waitUntil(looper.undo_button.isEnabled, timeout=5000)
        looper.undo_button.click()
        assert [layer.undone for layer in looper.model.layers] == [False, True]
        looper.loop_button.click()
        qtbot.waitUntil(lambda: not looper.looping, timeout=5000)
    finally:
        page.let_go()
    take_id = looper.model.looper.take_id
    assert take_id in mine.songs.get(shared.id).take_ids
    qtbot.waitUntil(view.take_list.isEnabled, timeout=5000)
    assert view.recorder.isEnabled() and take_id in view.shown_take_ids()
    take = mine.take(take_id)
    assert take.is_loop and take.frames == RATE
    own = mine.recording.inputs()
    assert [t.input for t in take.tracks] == [own[0]] * 2
    assert others_named(page, studio, session) == []
    studio.sign_in("Therese", PASS)
    kept = studio.listening.take(take_id)
    assert all(mine.participant.id in t.participant_ids for t in kept.tracks)


def test_with_two_inputs_of_their_own_the_loop_comes_from_the_one_chosen(qtbot, band, device):
    """A guitar into one input and a voice into another: the big Input buttons say which
    one the next layer is played into."""
    from mt_studio.core.domain.sessions import SessionInput

    studio, session, mine, *_rest = band
    mine.close()
    studio.sign_in("Therese", PASS)
    me = mine.participant.id
    studio.sessions.keep_setup(session.id, [SessionInput(1, "Guitar", True, players=(me,)),
                                            SessionInput(2, "Voice", True, players=(me,))])
    mine = studio.for_participant(me, session.id)
    page = MySongsPage(mine, "system")
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    open_song(qtbot, page, "Morning song")
    looper = page.song_view.looper
    choices = looper.input_buttons.buttons()
    assert [b.text() for b in choices] == ["Input 1", "Input 2"] and looper.chosen_input == 1
    looper.bpm, looper.bars = 240.0, 1
    choices[1].click()
    assert looper.chosen_input == 2
    try:
        looper.loop_button.click()
        qtbot.waitUntil(lambda: len(looper.model.layers) == 1, timeout=15000)
        looper.loop_button.click()
        qtbot.waitUntil(lambda: not looper.looping, timeout=5000)
    finally:
        page.let_go()
    take = mine.take(looper.model.looper.take_id)
    assert [t.input for t in take.tracks] == [2]


def test_the_count_in_is_slower_or_faster_as_they_choose_and_kept_for_each_song(qtbot, band):
    _studio, _session, mine, *_rest = band
    mine.songs.create("Evening song")
    page = MySongsPage(mine, "system", click_player=lambda _samples, _rate: None)
    qtbot.addWidget(page)
    open_song(qtbot, page, "Morning song")
    view = page.song_view
    assert view.tempo.label.text() == "Count-in: 100 beats a minute"
    view.tempo.faster_button.click()
    view.tempo.faster_button.click()
    view.tempo.slower_button.click()
    assert view.tempo.label.text() == "Count-in: 110 beats a minute"
    assert view.recorder.bpm == view.looper.bpm == 110
    view.recorder.record_button.click()  # the count-in beats at that tempo
    assert view.recorder.counter.counting
    assert view.recorder.counter._timer.interval() == round(60_000 / 110)
    view.recorder.record_button.click()  # cancelled
    page.show_songs()
    open_song(qtbot, page, "Evening song")
    assert view.tempo.bpm == 100  # another song, the usual tempo
    again = MySongsPage(mine, "system")  # participant mode another day
    qtbot.addWidget(again)
    open_song(qtbot, again, "Morning song")
    assert again.song_view.tempo.label.text() == "Count-in: 110 beats a minute"
    assert again.song_view.recorder.bpm == 110


def test_the_sessions_keyboard_is_recorded_with_their_take_when_they_play_it(
        qtbot, band, device, monkeypatch):
    import mido

    from mt_studio.core.domain import TrackKind
    from mt_studio.core.sealing.files import midi_file  # the library is encrypted: sealed

    studio, session, mine, *_rest = band
    jack_midi = "mido.backends.rtmidi/UNIX_JACK"
    monkeypatch.setenv("MIDO_BACKEND", jack_midi)
    keyboard = mido.Backend(jack_midi).open_output("keyboard", virtual=True)
    me = mine.participant.id
    studio.sign_in("Therese", PASS)
    studio.sessions.keep_setup(session.id, session.inputs, midi_players=[me],
                               midi_port="keyboard")
    mine = studio.for_participant(me, session.id)
    page = MySongsPage(mine, "system")
    qtbot.addWidget(page)
    open_song(qtbot, page, "Morning song")
    recorder = page.song_view.recorder
    assert recorder.request().midi == "keyboard"
    recorder.count_in.setChecked(False)
    try:
        with qtbot.waitSignal(recorder.recording_changed, timeout=10000):
            recorder.record_button.click()
        recording = recorder.recording

        def play() -> bool:  # a note, until the take has heard a few
            keyboard.send(mido.Message("note_on", note=60, velocity=90))
            keyboard.send(mido.Message("note_off", note=60, velocity=0))
            return recording.midi_events >= 4

        qtbot.waitUntil(play, timeout=10000)
        with qtbot.waitSignal(recorder.take_recorded, timeout=10000) as kept:
            recorder.record_button.click()
    finally:
        recorder.stop_recording()
        keyboard.close()
    take = mine.take(kept.args[0])
    (midi,) = [t for t in take.tracks if t.kind is TrackKind.MIDI]
    notes = [m for m in midi_file(mine.folder / midi.file) if m.type == "note_on"]
    assert notes and all(m.note == 60 for m in notes)

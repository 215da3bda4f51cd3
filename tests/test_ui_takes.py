"""The Takes tab: the list with status and thumbnails, the lanes, and playback of the demo take."""

from __future__ import annotations

import uuid
from datetime import date

import numpy as np
import pytest
import soundfile as sf
from jack_rig import JackServer, seen_by_portaudio, wait_for
from PyQt6.QtCore import QPoint, Qt
from PyQt6.QtWidgets import QPushButton

from mt_studio.core.capture import devices
from mt_studio.core.domain import SessionKind, TakeStatus, TrackKind
from mt_studio.core.library import participants, sessions, takes
from mt_studio.ui.bridge import StudioBridge
from mt_studio.ui.takes.takes_view import PLAYHEAD_INTERVAL_MS, TakesView
from tests.conftest import studio_of

RATE = 48000


@pytest.fixture
def views():
    """The views a test shows; each lets go of its audio output when the test ends."""
    shown: list[TakesView] = []
    yield shown
    for view in shown:
        view.release()


@pytest.fixture
def output(views):
    """A JACK server that PortAudio in this process sees as the default output."""
    with (JackServer(samplerate=RATE, period=256, inputs=2, outputs=2) as server,
          seen_by_portaudio(server)):
        yield server
        for view in views:
            view.release()  # no stream may be open when PortAudio restarts


@pytest.fixture
def no_output(monkeypatch):
    """PortAudio with no audio server to find: no device at all."""
    monkeypatch.setenv("JACK_DEFAULT_SERVER", f"mt-test-absent-{uuid.uuid4().hex[:8]}")
    monkeypatch.setenv("JACK_NO_START_SERVER", "1")
    devices.refresh()


@pytest.fixture
def shown_view(qtbot, library, views):
    """Make a TakesView on the library, shown and active (shortcuts need an active window);
    with a BRIDGE, it hears what changes in the studio."""

    def make(bridge: StudioBridge | None = None) -> TakesView:
        view = TakesView(studio_of(library), bridge)
        qtbot.addWidget(view)
        views.append(view)
        view.resize(900, 600)
        view.show()
        qtbot.waitExposed(view)
        view.activateWindow()
        qtbot.waitUntil(view.isActiveWindow)
        return view

    return make


def record_take(library, session_id: int, people: dict[str, int], *, seconds: float = 1.0,
                status: TakeStatus = TakeStatus.COMPLETE, dropouts: int = 0) -> int:
    """A take with a bass (isolated, one owner) and a room mic that hears everyone."""
    frames = int(seconds * RATE)
    with library.transaction() as db:
        take_id = takes.start(db, session_id, RATE)
        bass = takes.add_track(db, take_id, TrackKind.AUDIO, input=1, isolated=True,
                               instrument="Bass", participant_ids=[people["Robin"]])
        room = takes.add_track(db, take_id, TrackKind.AUDIO, input=2, instrument="Room",
                               participant_ids=people.values())
        for n in range(dropouts):
            takes.add_dropout(db, take_id, RATE // 4 + n * 1000, 256, "input overflow")
        takes.finish(db, take_id, frames, status=status)
    (library.folder / f"audio/take-{take_id}").mkdir(parents=True)
    tone = 0.5 * np.sin(2 * np.pi * 110 * np.arange(frames) / RATE)
    sf.write(library.folder / bass.file, tone, RATE, subtype="PCM_24")
    sf.write(library.folder / room.file, tone / 4, RATE, subtype="PCM_24")
    return take_id


@pytest.fixture
def band(library):
    """A band session with three takes: complete, recovered, and one with two dropouts."""
    with library.transaction() as db:
        people = {name: participants.add(db, name).id for name in ("Robin", "Kestrel")}
        session = sessions.create(db, "Tuesday band", SessionKind.BAND, on=date(2026, 3, 3),
                                  participants=participants.find_all(db, people))
    record_take(library, session.id, people)
    record_take(library, session.id, people, status=TakeStatus.RECOVERED, dropouts=1)
    record_take(library, session.id, people, dropouts=2)
    return session.id


def test_the_list_shows_takes_newest_first_with_status_words_and_thumbnails(
        qtbot, shown_view, library, band, no_output):
    view = shown_view()
    view.show_session(band)
    texts = [view.take_list.item(row).text() for row in range(view.take_list.count())]
    assert [text.split(" · ")[0] for text in texts] == ["Take 3", "Take 2", "Take 1"]
    assert texts[0].endswith("complete, has 2 dropouts")
    assert texts[1].endswith("recovered after a crash, has 1 dropout")
    assert texts[2].endswith("0:01 · complete")
    qtbot.waitUntil(lambda: all(view.has_thumbnail(row) for row in range(3)))


def test_a_take_shows_a_lane_per_track_with_who_is_heard_and_its_dropouts(
        qtbot, shown_view, library, band, no_output):
    view = shown_view()
    view.show_session(band)
    view.take_list.setCurrentRow(0)  # take 3
    lanes = view.lanes
    assert [(lane.title, lane.people) for lane in lanes.lanes] == [
        ("Bass", "Robin"), ("Room", "Kestrel, Robin")]
    assert len(lanes.dropouts) == 2
    qtbot.waitUntil(lambda: all(lanes.peaks(lane.track_id) is not None
                                for lane in lanes.lanes))
    bass = lanes.peaks(lanes.lanes[0].track_id)
    assert len(bass) == lanes.wave_width() and 0.45 < bass[:, 1].max() <= 0.5
    # Without an output the transport says so and stays off; the rest still works.
    qtbot.waitUntil(lambda: "No audio output" in view.transport_note.text())
    assert not view.play_button.isEnabled()
    area = lanes.wave_rect()
    assert lanes.lane_at(area.top() + area.height() * 3 / 4).title == "Room"
    qtbot.mouseClick(lanes, Qt.MouseButton.LeftButton,
                     pos=QPoint(int(area.left() + area.width() / 2), int(area.center().y())))
    assert abs(lanes.playhead - RATE // 2) < RATE // 50
    assert view.clock.text().startswith("0:00 of 0:01")
    qtbot.keyClick(lanes, Qt.Key.Key_Home)
    assert lanes.playhead == 0


def test_resizing_recomputes_the_waveforms_at_the_new_width(
        qtbot, shown_view, library, band, no_output):
    view = shown_view()
    view.show_session(band)
    view.take_list.setCurrentRow(2)
    lanes = view.lanes
    track = lanes.lanes[0].track_id
    qtbot.waitUntil(lambda: lanes.peaks(track) is not None
                    and len(lanes.peaks(track)) == lanes.wave_width())
    before = lanes.wave_width()
    view.resize(1300, 600)
    qtbot.waitUntil(lambda: lanes.wave_width() != before
                    and len(lanes.peaks(track)) == lanes.wave_width())


def test_the_demo_session_plays(
        qtbot, shown_view, library, output):
    from mt_studio.core.studio.demo import create_demo_session

    session_id = create_demo_session(library)
    demo = takes.for_session(library.connection, session_id)[-1]
    names = participants.pseudonyms(library.connection)
    view = shown_view()
    view.show_session(session_id)
    qtbot.waitUntil(lambda: view.has_thumbnail(0))
    view.take_list.setCurrentRow(0)
    lanes = view.lanes
    assert len(lanes.lanes) == len(demo.tracks)
    for lane, track in zip(lanes.lanes, demo.tracks, strict=True):
        for pid in track.participant_ids:
            assert names[pid] in lane.people
    assert [mark.name for mark in lanes.markers] == [m.name for m in demo.markers]
    audio = [lane for lane in lanes.lanes if lane.audio]
    midi = [lane for lane in lanes.lanes if not lane.audio]
    assert len(audio) == 4 and len(midi) == 1
    qtbot.waitUntil(lambda: all(lanes.peaks(lane.track_id) is not None for lane in audio))
    qtbot.waitUntil(lambda: bool(lanes.notes(midi[0].track_id)))
    qtbot.waitUntil(view.play_button.isEnabled, timeout=10_000)

    view.take_list.setFocus()
    qtbot.keyClick(view.take_list, Qt.Key.Key_Space)
    assert view.playing and view.play_button.text() == "Stop"
    qtbot.waitUntil(lambda: lanes.playhead > RATE // 4, timeout=10_000)
    qtbot.keyClick(view.take_list, Qt.Key.Key_Space)
    assert not view.playing and view.play_button.text() == "Play"
    stopped_at = lanes.playhead
    assert 0 < stopped_at < demo.frames
    clock = output.client(f"mt-test-clock-{uuid.uuid4().hex[:6]}")
    try:
        later = clock.frame_time + RATE // 4
        wait_for(lambda: clock.frame_time > later, 10, "a quarter second of the device's time")
    finally:
        clock.close()
    qtbot.wait(2 * PLAYHEAD_INTERVAL_MS)  # let the playhead timer tick, were it still on
    assert lanes.playhead == view.player.position == stopped_at
    qtbot.keyClick(view.take_list, Qt.Key.Key_Home)
    assert lanes.playhead == 0


def test_a_take_plays_to_its_end_and_plays_again_from_the_start(
        qtbot, shown_view, library, band, output):
    view = shown_view()
    view.show_session(band)
    view.take_list.setCurrentRow(2)  # take 1, one second long
    qtbot.waitUntil(view.play_button.isEnabled, timeout=10_000)
    qtbot.mouseClick(view.play_button, Qt.MouseButton.LeftButton)
    assert view.playing
    qtbot.waitUntil(lambda: view.play_button.text() == "Play", timeout=10_000)
    assert not view.playing and view.lanes.playhead == RATE
    assert view.clock.text() == "0:01 of 0:01"
    qtbot.mouseClick(view.play_button, Qt.MouseButton.LeftButton)
    assert view.playing
    qtbot.waitUntil(lambda: 0 < view.lanes.playhead < RATE, timeout=10_000)
    view.take_list.setCurrentRow(1)  # choosing another take stops this one
    assert not view.playing and view.lanes.playhead == 0


def test_a_track_that_ends_early_lines_up_with_the_take(qtbot, shown_view, library, band,
                                                        no_output):
    take = takes.for_session(library.connection, band)[1]  # recovered: cut the bass short
    bass = take.tracks[0]
    samples, rate = sf.read(library.folder / bass.file, dtype="float32")
    sf.write(library.folder / bass.file, samples[: len(samples) // 2], rate, subtype="PCM_24")
    view = shown_view()
    view.show_session(band)
    view.take_list.setCurrentRow(1)
    lanes = view.lanes
    qtbot.waitUntil(lambda: lanes.peaks(bass.id) is not None)
    peaks = lanes.peaks(bass.id)
    half = len(peaks) // 2
    assert peaks[: half - 1, 1].max() > 0.4 and not peaks[half + 1:].any()


def test_a_part_drawn_on_the_loop_strip_loops_and_snaps_to_markers(
        qtbot, shown_view, library, band, no_output):
    people = {p.pseudonym: p.id for p in sessions.get(library.connection, band).participants}
    take_id = record_take(library, band, people, seconds=4)
    with library.transaction() as db:
        takes.add_marker(db, take_id, RATE, "Chorus")
        takes.add_marker(db, take_id, 3 * RATE, "Outro")
    view = shown_view()
    view.show_session(band)
    view.take_list.setCurrentRow(0)
    lanes = view.lanes
    y = lanes._band_height() // 2
    near_chorus = int(lanes.x_of(RATE)) + 3  # within snapping distance of the marker
    qtbot.mousePress(lanes, Qt.MouseButton.LeftButton, pos=QPoint(near_chorus, y))
    qtbot.mouseMove(lanes, QPoint(int(lanes.x_of(2 * RATE)), y))
    qtbot.mouseRelease(lanes, Qt.MouseButton.LeftButton, pos=QPoint(int(lanes.x_of(2 * RATE)), y))
    start, end = lanes.loop
    assert start == RATE and abs(end - 2 * RATE) < RATE // 50
    assert view.loop_button.isChecked()  # drawing a loop means looping it
    assert view._loop_region().crossfade == round(0.005 * RATE)
    view.loop_button.setChecked(False)
    lanes.set_loop(None)
    view.seek(int(3.5 * RATE))
    view.loop_button.setChecked(True)  # with nothing drawn, L loops the part around the playhead
    assert lanes.loop == (3 * RATE, 4 * RATE)


def test_m_names_a_marker_at_the_playhead_and_it_is_kept(
        qtbot, shown_view, library, band, no_output, monkeypatch):
    from PyQt6.QtWidgets import QInputDialog

    view = shown_view()
    view.show_session(band)
    view.take_list.setCurrentRow(0)
    view.seek(RATE // 2)
    monkeypatch.setattr(QInputDialog, "getItem", lambda *args, **kw: ("  Bridge ", True))
    qtbot.keyClick(view, Qt.Key.Key_M)
    assert [(m.frame, m.name) for m in view.lanes.markers] == [(RATE // 2, "Bridge")]
    assert [m.name for m in takes.get(library.connection, view.take.id).markers] == ["Bridge"]
    monkeypatch.setattr(QInputDialog, "getItem", lambda *args, **kw: ("Verse", False))
    view.add_marker()  # cancelled: nothing added
    assert len(view.lanes.markers) == 1


def test_zooming_shows_a_part_of_the_take_with_its_own_waveform_down_to_samples(
        qtbot, shown_view, library, band, no_output):
    view = shown_view()
    view.show_session(band)
    view.take_list.setCurrentRow(0)
    lanes = view.lanes
    track = lanes.lanes[0].track_id
    qtbot.waitUntil(lambda: lanes.peaks(track) is not None)
    lanes.setFocus()
    view.seek(RATE // 2)
    for _ in range(14):
        qtbot.keyClick(lanes, Qt.Key.Key_Plus)
    span = lanes.view_stop - lanes.view_start
    assert lanes.view_start <= RATE // 2 < lanes.view_stop and span < lanes.wave_width()
    qtbot.waitUntil(lambda: view._peaks_shape[2:] == (lanes.view_start, lanes.view_stop)
                    and lanes._peaks[track][1:] == (lanes.view_start, lanes.view_stop))
    tone = 0.5 * np.sin(2 * np.pi * 110 * np.arange(lanes.view_start, lanes.view_stop) / RATE)
    low, high = lanes.peaks(track)[:, 0], lanes.peaks(track)[:, 1]
    assert abs(low.min() - tone.min()) < 1e-3 and abs(high.max() - tone.max()) < 1e-3
    qtbot.keyClick(lanes, Qt.Key.Key_0)
    assert (lanes.view_start, lanes.view_stop) == (0, lanes.frames)


def test_the_mix_and_the_click_reach_the_player(qtbot, shown_view, library, band, output):
    view = shown_view()
    view.show_session(band)
    view.take_list.setCurrentRow(0)
    qtbot.waitUntil(lambda: view.play_button.isEnabled(), timeout=10_000)
    mute, solo, volume, pan = view.mix.row(1)
    mute.click()
    volume.setValue(-12)
    assert view.player.mixes[1].mute and view.player.mixes[1].gain_db == -12
    view.click_button.click()
    assert view.player._click is not None and view.player._click.bpm == view.tempo.value()
    view.click_button.click()
    assert view.player._click is None


def test_a_slower_practice_version_is_prepared_and_played_in_the_takes_place(
        qtbot, shown_view, library, band, output):
    view = shown_view()
    view.show_session(band)
    view.take_list.setCurrentRow(0)
    qtbot.waitUntil(lambda: view.play_button.isEnabled(), timeout=10_000)
    view.lanes.set_loop((RATE // 4, 3 * RATE // 4))
    view.loop_button.setChecked(True)
    view.speed.setValue(80)
    qtbot.waitUntil(lambda: view.player.practice is not None, timeout=30_000)
    practice = view.player.practice
    assert practice.settings.speed == 0.8 and (practice.start, practice.stop) == (
        RATE // 4, 3 * RATE // 4)
    assert not view.practice_progress.isVisible() and "80 %" in view.transport_note.text()
    view.loop_button.setChecked(False)  # the loop goes: the practice version is of the take
    qtbot.waitUntil(lambda: view.player.practice is not None
                    and view.player.practice.stop == view.take.frames, timeout=30_000)
    view.speed.setValue(100)
    qtbot.waitUntil(lambda: view.player.practice is None, timeout=10_000)
    view.speed.setValue(90)
    view.take_list.setCurrentRow(1)  # another take starts as recorded, nothing prepared
    assert view.speed.value() == 100 and not view.practice_progress.isVisible()


def test_a_song_stamp_plays_its_take_from_the_stamped_moment(
        qtbot, shown_view, library, band, output):
    view = shown_view()
    view.show_session(band)
    seen = []
    view.position_changed.connect(lambda take, frame: seen.append((take, frame)))
    oldest = takes.for_session(library.connection, band)[0].id
    view.play_from(oldest, RATE // 2)
    assert view.take.id == oldest
    qtbot.waitUntil(lambda: view.playing, timeout=10_000)
    qtbot.waitUntil(lambda: view.lanes.playhead > RATE // 2, timeout=10_000)
    view.stop()
    assert seen[-1][0] == oldest and seen[-1][1] > RATE // 2


def test_a_loopers_take_plays_as_its_loop_without_its_undone_or_muted_layers(
        qtbot, shown_view, library, band, no_output):
    from mt_studio.core.library import layers

    people = {p.pseudonym: p.id for p in sessions.get(library.connection, band).participants}
    take_id = record_take(library, band, people)
    with library.transaction() as db:
        tracks = takes.get(db, take_id).tracks
        for track in tracks:
            layers.add(db, track.id)
        layers.undo(db, take_id)  # the second layer
    view = shown_view()
    view.show_session(band)
    view.take_list.setCurrentRow(0)
    assert view.take.id == take_id
    assert [view.mix.mix(i).mute for i in range(2)] == [False, True]
    assert view.lanes.loop == (0, RATE) and view.loop_button.isChecked()


def test_find_tempo_sets_the_tempo_and_the_bars_from_the_takes_beat(
        qtbot, shown_view, library, no_output):
    from mt_studio.core.metronome import click_track

    with library.transaction() as db:
        session = sessions.create(db, "Beat", SessionKind.INDIVIDUAL, on=date(2026, 3, 3))
        take_id = takes.start(db, session.id, RATE)
        track = takes.add_track(db, take_id, TrackKind.AUDIO, input=1)
        takes.finish(db, take_id, 20 * RATE)
    (library.folder / f"audio/take-{take_id}").mkdir(parents=True)
    clicks = np.concatenate([np.zeros(RATE // 3, np.float32),
                             click_track(112, 4, frames=20 * RATE - RATE // 3, samplerate=RATE)])
    sf.write(library.folder / track.file, clicks, RATE, subtype="FLOAT")
    view = shown_view()
    view.show_session(session.id)
    view.find_tempo()
    qtbot.waitUntil(lambda: view.find_tempo_button.isEnabled(), timeout=60_000)
    assert abs(view.tempo.value() - 112) <= 0.5, view.transport_note.text()
    assert abs(view.lanes.grid.first - RATE // 3) < RATE // 100  # the first beat, within 10 ms


def test_a_take_with_no_sound_yet_says_so_and_no_take_leaves_nothing_behind(
        qtbot, shown_view, library, band, no_output):
    with library.transaction() as db:
        empty = takes.start(db, band, RATE)
        takes.add_track(db, empty, TrackKind.AUDIO, input=1)
        takes.finish(db, empty, 0, status=TakeStatus.RECOVERED)
    view = shown_view()
    view.show_session(band)
    view.take_list.setCurrentRow(0)
    assert view.take.id == empty and "no sound yet" in view.title.text()
    assert not view.find_tempo_button.isEnabled() and view.mix.findChildren(QPushButton) == []
    view.take_list.setCurrentRow(1)
    view.loop_button.setChecked(True)
    assert view.mix.findChildren(QPushButton)
    with library.transaction() as db:
        other = sessions.create(db, "Choir", SessionKind.CHOIR, on=date(2026, 3, 4)).id
    view.show_session(other)
    qtbot.waitUntil(lambda: not view.mix.findChildren(QPushButton))  # the old rows go
    assert not view.loop_button.isChecked() and view.take is None


def test_space_presses_the_button_that_has_the_focus(qtbot, shown_view, library, band,
                                                     no_output):
    view = shown_view()
    view.show_session(band)
    view.take_list.setCurrentRow(0)
    view.click_button.setFocus()
    qtbot.keyClick(view.click_button, Qt.Key.Key_Space)
    qtbot.waitUntil(view.click_button.isChecked)
    assert not view.playing


def test_f2_names_a_take_and_gives_it_a_note_shown_in_the_list_and_the_view(
        qtbot, shown_view, library, band, no_output):
    from mt_studio.ui.takes.take_naming import TakeNameDialog

    view = shown_view()
    view.show_session(band)
    view.take_list.setCurrentRow(1)  # take 2
    view.take_list.setFocus()
    qtbot.keyClick(view.take_list, Qt.Key.Key_F2)
    dialog = view.findChild(TakeNameDialog)
    assert dialog is not None and dialog.name.placeholderText() == "Take 2"
    dialog.name.setText("Chorus\tidea")  # pasted with a tab in it
    dialog.accept()
    assert dialog.isVisible() and "must be one line" in dialog.error.text()
    dialog.name.clear()
    qtbot.keyClicks(dialog.name, "Chorus idea")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.note, "Bass too loud at the end.")
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.note, "Try it slower.")
    dialog.accept()
    assert not dialog.isVisible()
    assert view.title.text().startswith("Chorus idea (take 2) – 0:01")
    assert view.note.isVisibleTo(view)
    assert view.note.text() == "Bass too loud at the end.\nTry it slower."
    named, note = view.take_list.item(1).text().split("\n")  # the note's first line under it
    assert named.startswith("Chorus idea (take 2) · ") and note == "Note: Bass too loud at the end."
    assert view.take.id == view.take_list.item(1).data(Qt.ItemDataRole.UserRole)
    stored = takes.get(library.connection, view.take.id)
    assert (stored.name, stored.note) == ("Chorus idea", "Bass too loud at the end.\nTry it "
                                                         "slower.")
    view.take_list.setCurrentRow(0)
    assert not view.note.isVisibleTo(view) and view.title.text().startswith("Take 3 – ")

    again = shown_view()  # another time: the name and note are the take's
    again.show_session(band)
    assert again.take_list.item(1).text().startswith("Chorus idea (take 2) · ")


def test_a_loopers_take_is_called_a_loop(qtbot, shown_view, library, band, no_output):
    from mt_studio.core.library import layers

    people = {p.pseudonym: p.id for p in sessions.get(library.connection, band).participants}
    take_id = record_take(library, band, people)
    with library.transaction() as db:
        layers.add(db, takes.get(db, take_id).tracks[0].id)
    view = shown_view()
    view.show_session(band)
    assert view.take_list.item(0).text().startswith("Loop 4 · ")
    assert view.take_list.item(1).text().startswith("Take 3 · ")
    view.take_list.setCurrentRow(0)
    assert view.title.text().startswith("Loop 4 – ")


def test_the_take_list_can_be_made_taller_and_stays_so(qtbot, shown_view, library, band,
                                                       no_output):
    from mt_studio.core import preferences

    view = shown_view()
    view.resize(1366, 620)  # the Takes tab of a laptop's window
    view.show_session(band)
    splitter = view.take_list.parentWidget()
    first = splitter.sizes()[0]
    splitter.moveSplitter(first + 200, 1)  # as the handle is dragged down
    taller = splitter.sizes()[0]
    assert taller >= first + 150
    qtbot.waitUntil(lambda: preferences.load().take_list_height == taller)
    again = shown_view()
    again.resize(1366, 620)
    assert again.take_list.parentWidget().sizes()[0] == taller


@pytest.fixture
def bridge(library):
    """The studio's events as Qt signals, as the window makes them."""
    made = StudioBridge(studio_of(library))
    yield made
    made.close()


def test_a_take_named_and_marked_elsewhere_shows_so_in_the_list_the_heading_and_the_lanes(
        qtbot, shown_view, library, band, bridge, no_output):
    studio = studio_of(library)
    view = shown_view(bridge)
    view.show_session(band)
    view.take_list.setCurrentRow(2)  # take 1
    take_id = view.take.id
    assert view.title.text().startswith("Take 1 – ")

    # Named elsewhere (the command line, another window): nothing here calls refresh.
    studio.listening.describe(take_id, "Warm-up", "Slow start.")
    named, note = view.take_list.item(2).text().split("\n")
    assert named.startswith("Warm-up (take 1) · ") and note == "Note: Slow start."
    assert view.title.text().startswith("Warm-up (take 1) – 0:01")
    assert view.note.text() == "Slow start." and view.note.isVisibleTo(view)
    assert view.take.id == take_id and view.take.name == "Warm-up"

    studio.listening.add_marker(take_id, RATE // 2, "Chorus")
    assert [(m.frame, m.name) for m in view.lanes.markers] == [(RATE // 2, "Chorus")]
    assert view.take.id == take_id


def test_a_layer_the_looper_keeps_undoes_or_mutes_shows_on_the_takes_tab(
        qtbot, shown_view, library, band, bridge, no_output):
    from mt_studio.core.library import layers
    from mt_studio.core.studio import TakeChanged

    studio = studio_of(library)
    people = {p.pseudonym: p.id for p in studio.sessions.get(band).participants}
    take_id = record_take(library, band, people)
    with library.transaction() as db:
        for track in takes.get(db, take_id).tracks:
            layers.add(db, track.id)
    view = shown_view(bridge)
    view.show_session(band)
    view.take_list.setCurrentRow(0)
    assert view.take.id == take_id and len(view.lanes.lanes) == 2
    assert [view.mix.mix(i).mute for i in range(2)] == [False, False]

    # The looper says so through the studio; nothing here calls refresh.
    with library.transaction() as db:
        layers.undo(db, take_id)  # the second layer
    studio._announce(TakeChanged(take_id, band))  # as the looper's keeper announces
    assert [view.mix.mix(i).mute for i in range(2)] == [False, True]

    with library.transaction() as db:
        layers.redo(db, take_id)
        third = takes.add_track(db, take_id, TrackKind.AUDIO, input=3, instrument="Shaker",
                                participant_ids=[people["Kestrel"]])
        layers.add(db, third.id)
    sf.write(library.folder / third.file, np.zeros(RATE), RATE, subtype="PCM_24")
    studio._announce(TakeChanged(take_id, band))  # as the looper's keeper announces
    assert view.take.id == take_id
    assert [lane.title for lane in view.lanes.lanes] == ["Bass", "Room", "Shaker"]
    assert [view.mix.mix(i).mute for i in range(3)] == [False, False, False]
    assert view.take_list.count() == 4 and view.take_list.currentRow() == 0

    with library.transaction() as db:
        layers.set_muted(db, view.take.tracks[0].id, True)
    studio._announce(TakeChanged(take_id, band))  # as the looper's keeper announces
    assert [view.mix.mix(i).mute for i in range(3)] == [True, False, False]


def test_a_take_recorded_in_the_session_is_listed_and_a_change_in_another_is_not_read(
        qtbot, shown_view, library, band, bridge, no_output):
    from mt_studio.core.studio import TakeChanged

    studio = studio_of(library)
    with library.transaction() as db:
        other = sessions.create(db, "Choir", SessionKind.CHOIR, on=date(2026, 3, 4)).id
    people = {p.pseudonym: p.id for p in studio.sessions.get(band).participants}
    view = shown_view(bridge)
    view.show_session(band)
    assert view.take_list.count() == 3
    take_id = record_take(library, band, people)
    studio._announce(TakeChanged(take_id, band))  # as the studio does once a take is recorded
    assert view.take_list.count() == 4
    assert view.take_list.item(0).text().startswith("Take 4 · ")

    with library.transaction() as db:  # unannounced: shown only once the list is read again
        takes.describe(db, take_id, "Unread", "")
    choir_take = record_take(library, other, people)
    studio.listening.describe(choir_take, "Choir warm-up", "")
    assert view.take_list.item(0).text().startswith("Take 4 · ")

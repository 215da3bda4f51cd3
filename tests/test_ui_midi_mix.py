"""The Takes tab with the demo take's MIDI part: a lane named by its instrument and a mix row
like any track's, reaching the player and its practice versions; without a synthesizer, a
plain note and a greyed row, while the audio plays."""

from __future__ import annotations

from test_ui_takes import output, shown_view, views  # noqa: F401 (fixtures)

from mt_studio.core import synth
from mt_studio.core.domain import TrackKind

RATE = 48000


def show_demo(qtbot, shown_view, demo_take):  # noqa: F811
    view = shown_view()
    view.show_session(demo_take.session_id)
    view.take_list.setCurrentRow(0)
    qtbot.waitUntil(view.play_button.isEnabled, timeout=15_000)
    return view


def midi_row(view, demo_take) -> int:
    return next(row for row, track in enumerate(demo_take.tracks)
                if track.kind is TrackKind.MIDI)


def test_the_midi_track_has_a_lane_and_a_mix_row_that_reach_the_player(
        qtbot, shown_view, library, demo_take, output):  # noqa: F811
    view = show_demo(qtbot, shown_view, demo_take)
    row = midi_row(view, demo_take)
    keys = demo_take.tracks[row]
    assert view.lanes.lanes[row].title == "Keys (MIDI)" and not view.lanes.lanes[row].audio
    assert keys.id in view.player.track_ids and view.transport_note.text() == ""
    index = view.player.track_ids.index(keys.id)
    mute, solo, volume, pan = view.mix.row(row)
    assert all(control.isEnabled() for control in (mute, solo, volume, pan))
    volume.setValue(-9)
    pan.setValue(40)
    mute.click()
    assert (view.player.mixes[index].gain_db, view.player.mixes[index].pan) == (-9.0, 0.4)
    assert view.player.mixes[index].mute
    assert not any(mix.mute for i, mix in enumerate(view.player.mixes) if i != index)
    solo.click()
    assert view.player.mixes[index].solo
    view.speed.setValue(80)  # a practice version holds the keys' sound too
    qtbot.waitUntil(lambda: view.player.practice is not None, timeout=60_000)
    assert len(view.player.practice.tracks) == len(demo_take.tracks)


def test_without_a_soundfont_the_row_is_greyed_the_note_says_why_and_the_audio_plays(
        qtbot, shown_view, library, demo_take, output, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv(synth.SOUNDFONT_ENV, str(tmp_path / "gone.sf2"))
    view = show_demo(qtbot, shown_view, demo_take)
    row = midi_row(view, demo_take)
    assert "gone.sf2" in view.transport_note.text()
    assert not any(control.isEnabled() for control in view.mix.row(row))
    assert "gone.sf2" in view.mix.row(row)[0].toolTip()
    assert demo_take.tracks[row].id not in view.player.track_ids
    assert len(view.player.track_ids) == len(demo_take.tracks) - 1
    view.play()
    qtbot.waitUntil(lambda: view.player.position > RATE // 4, timeout=10_000)
    view.stop()

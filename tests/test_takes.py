"""Takes in the library: numbering, id-only file names, and what a take holds."""

from __future__ import annotations

from datetime import date

from mt_studio.core.domain import SessionKind, TakeStatus, TrackKind
from mt_studio.core.library import audit, participants, sessions, takes


def test_a_take_keeps_its_tracks_markers_and_dropouts_under_id_only_names(library):
    db = library.connection
    ola = participants.add(db, "Ola Secret-Name")
    session = sessions.create(db, "Band", SessionKind.BAND, on=date(2026, 11, 3),
                              participants=[ola])
    first = takes.start(db, session.id, 48000, sample_format="pcm24", device="system")
    second = takes.start(db, session.id, 48000)
    audio = takes.add_track(db, second, TrackKind.AUDIO, input=3, participant_ids=[ola.id],
                            isolated=True, instrument="bass")
    midi = takes.add_track(db, second, TrackKind.MIDI, port="Keys", participant_ids=[ola.id])
    takes.add_marker(db, second, 96000, "chorus")
    takes.add_dropout(db, second, 1000, 256, "input overflow")
    takes.finish(db, second, 480000)

    found = takes.for_session(db, session.id)
    assert [(t.number, t.status) for t in found] == [(1, TakeStatus.RECORDING),
                                                     (2, TakeStatus.COMPLETE)]
    take = takes.get(db, second)
    assert take.frames == 480000 and take.id != first
    assert audio.file == f"audio/take-{second}/track-{audio.id}.wav"
    assert midi.file == f"audio/take-{second}/track-{midi.id}.mid"
    assert "Ola" not in audio.file + midi.file
    assert [(m.frame, m.name) for m in take.markers] == [(96000, "chorus")]
    assert [(d.frame, d.length) for d in take.dropouts] == [(1000, 256)]
    assert take.tracks[0].plan().isolated and take.tracks[0].participant_ids == (ola.id,)
    assert [e.action for e in audit.entries(db)][-1] == "take.recorded"

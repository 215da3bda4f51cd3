"""Deleting a take or a song and erasing a person, called on the studio: a real library with
real files (the take written by the library's own code, its peaks, MIDI sound and practice
version made by the engines), the files walked before and after, the database's raw bytes
read, and a deletion killed half-way finished at the next open."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from export_story import RATE, a_song, band_take
from jack_rig import JackServer, seen_by_portaudio

from mt_studio.core import midi_audio, peak_cache
from mt_studio.core.domain import Purpose, SessionKind, TrackKind
from mt_studio.core.domain.accounts import Role
from mt_studio.core.domain.groups import CourseMark
from mt_studio.core.errors import AccessRefused, InputError
from mt_studio.core.export import ExportRequest
from mt_studio.core.library import (
    Library,
    consent_ledger,
    courses,
    layers,
    participants,
    sessions,
    songs,
    takes,
)
from mt_studio.core.library.clock import utc_now
from mt_studio.core.library.database import DATABASE_NAME
from mt_studio.core.practice import PracticeSettings, practice_version
from mt_studio.core.studio import Studio
from mt_studio.core.studio.recording import TakeRequest

PASS = "a song for every morning"
NOTE = "Ola gråt i refrenget"  # a take's note: health data that must go with the take


def files_under(folder: Path) -> dict[str, int]:
    """Every file under the library FOLDER but its database, with its size."""
    return {p.relative_to(folder).as_posix(): p.stat().st_size for p in folder.rglob("*")
            if p.is_file() and not p.name.startswith(DATABASE_NAME)}


def database_bytes(folder: Path) -> bytes:
    """The raw bytes of the database and its write-ahead log, as a reader of the disk sees
    them."""
    return b"".join(path.read_bytes() for path in
                    (folder / DATABASE_NAME, folder / f"{DATABASE_NAME}-wal") if path.exists())


def everything_made_from(library: Library, take_id: int) -> None:
    """What playing, practising and showing the take leaves in the library's caches: each
    audio track's peaks, the MIDI track's sound, a practice version of every track."""
    db, folder = library.connection, library.folder
    take = takes.get(db, take_id)
    sounding = []
    for track in take.tracks:
        parts = [folder / part for part in takes.parts(db, track.id)]
        if track.kind is TrackKind.MIDI:
            parts = [midi_audio.midi_track_sound(folder, parts[0], RATE, take.frames)]
        else:
            peak_cache.build(parts, peak_cache.cache_file(folder, parts))
        sounding.append(parts)
    practice_version(folder, sounding, PracticeSettings(speed=0.8), samplerate=RATE,
                     stop=RATE)


def isolated_take(library: Library, story) -> tuple[int, int, int]:
    """A second take of the story's session where Ola's bass and Per's vocal are each on an
    isolated track: (take, bass track, vocal track)."""
    db = library.connection
    frames = RATE
    with library.transaction():
        session_id = takes.get(db, story.take_id).session_id
        take_id = takes.start(db, session_id, RATE, sample_format="pcm24")
        bass = takes.add_track(db, take_id, TrackKind.AUDIO, input=2, isolated=True,
                               instrument="Bass", participant_ids=[story.ola.id])
        vocal = takes.add_track(db, take_id, TrackKind.AUDIO, input=3, isolated=True,
                                instrument="Vocal", participant_ids=[story.per.id])
        for track in (bass, vocal):
            takes.add_part(db, track.id, 1, 0, frames, track.file)
        takes.finish(db, take_id, frames)
    (library.folder / takes.take_folder(take_id)).mkdir()
    rng = np.random.default_rng(7)
    for track in (bass, vocal):
        sf.write(library.folder / track.file, 0.1 * rng.standard_normal(frames), RATE,
                 subtype="PCM_24")
    return take_id, bass.id, vocal.id


@pytest.fixture
def band(library, studio, tmp_path):
    """The export story's take with everything made from it, a note on it, a song linked to
    it, and an export for the group to "Bandet"."""
    story = band_take(library)
    with library.transaction() as db:
        takes.describe(db, story.take_id, None, NOTE)
    a_song(library, story, [story.ola, story.kari])
    everything_made_from(library, story.take_id)
    studio.sharing.export(ExportRequest(story.take_id, Purpose.GROUP, tmp_path / "out",
                                        recipient="Bandet"))
    return story


def test_deleting_a_take_removes_every_file_made_from_it_and_only_those(library, studio, band):
    other, _bass, _vocal = isolated_take(library, band)
    folder = library.folder
    before = files_under(folder)
    plan = studio.deletion.plan_take(band.take_id)
    planned = {f.path: f.bytes for f in plan.files}
    kinds = {path.split("/")[0] if path.startswith("audio") else path.split("/")[1]
             for path in planned}
    assert kinds == {"audio", "peaks", "midi", "practice"}
    assert {p for p in before if p.startswith(f"audio/take-{band.take_id}/")} <= set(planned)
    assert planned == {path: before[path] for path in planned}  # every size as on disk

    went = studio.deletion.delete_take(band.take_id, reason="kept past its time")

    after = files_under(folder)
    assert set(before) - set(after) == set(planned) and set(after) <= set(before)
    assert not (folder / takes.take_folder(band.take_id)).exists()
    assert any(path.startswith(f"audio/take-{other}/") for path in after)
    assert went.exports_to_recall[0].recipient == "Bandet"
    assert [s.title for s in went.songs_unlinked] == ["Lyset i vinduet"]
    assert dict(went.rows)["tracks"] == 4 and dict(went.rows)["markers"] == 2
    with pytest.raises(InputError):
        studio.listening.take(band.take_id)
    assert studio.songs.all()[0].take_ids == ()


@pytest.mark.folder_library
def test_a_deleted_takes_words_are_gone_from_the_database_files(library, studio, band):
    assert NOTE.encode() in database_bytes(library.folder)
    studio.deletion.delete_take(band.take_id, reason="kept past its time")
    raw = database_bytes(library.folder)
    assert NOTE.encode() not in raw
    assert b"bridge" not in raw  # a marker's name


def test_the_plan_changes_nothing(library, studio, band):
    dump = list(library.connection.iterdump())
    before = files_under(library.folder)
    studio.deletion.plan_take(band.take_id)
    studio.deletion.plan_participant(band.ola.id)
    studio.deletion.plan_song(studio.songs.all()[0].id)
    assert list(library.connection.iterdump()) == dump
    assert files_under(library.folder) == before


def test_a_take_being_recorded_cannot_be_deleted(library, studio, band):
    with library.transaction() as db:
        session_id = takes.get(db, band.take_id).session_id
        recording = takes.start(db, session_id, RATE)
    with pytest.raises(InputError, match="being recorded"):
        studio.deletion.delete_take(recording, reason="a mistake")
    assert takes.get(library.connection, recording).id == recording


def test_a_reason_is_required_and_may_not_name_anyone(library, studio, band):
    for reason in ("", "   "):
        with pytest.raises(InputError, match="reason"):
            studio.deletion.delete_take(band.take_id, reason=reason)
    with pytest.raises(InputError, match="names someone"):
        studio.deletion.delete_take(band.take_id, reason="Kari Hansen asked us to")
    assert studio.listening.take(band.take_id).id == band.take_id


def test_a_deleted_takes_id_is_never_given_again(library, studio, band):
    studio.deletion.delete_take(band.take_id, reason="kept past its time")
    with library.transaction() as db:
        session_id = sessions.all_sessions(db)[0].id
        again = takes.start(db, session_id, RATE)
    assert again > band.take_id


KILLED = textwrap.dedent("""
    import os, signal, sys
    from mt_studio.core.library import database, removals
    from mt_studio.core.studio import Studio

    def kill(*_args, **_kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    studio = Studio.open(sys.argv[1])
    if sys.argv[3] == "after the commit":
        database.Library.finish_removals = kill
    else:
        removals.note = kill
    studio.deletion.delete_take(int(sys.argv[2]), reason="kept past its time")
""")


def killed_while_deleting(folder: Path | str, take_id: int, when: str) -> None:
    done = subprocess.run([sys.executable, "-c", KILLED, str(folder), str(take_id), when],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == -9, done.stderr


def test_a_deletion_killed_after_its_commit_is_finished_at_the_next_open(library, band):
    folder, location = library.folder, library.location
    planned = [f.path for f in Studio(library).deletion.plan_take(band.take_id).files]
    library.close()
    killed_while_deleting(location, band.take_id, "after the commit")
    assert all((folder / path).exists() for path in planned)  # the rows went, not the files
    with Studio.open(location) as studio:
        assert not any((folder / path).exists() for path in planned)
        with pytest.raises(InputError):
            studio.listening.take(band.take_id)
        assert studio._library.connection.execute(
            "SELECT count(*) FROM pending_removals").fetchone()[0] == 0


def test_a_deletion_killed_before_its_commit_leaves_the_take_whole(library, band):
    folder, location = library.folder, library.location
    before = files_under(folder)
    library.close()
    killed_while_deleting(location, band.take_id, "before the commit")
    with Studio.open(location) as studio:
        assert files_under(folder) == before
        assert not any(check.damaged for check in studio.listening.verify(band.take_id))
        assert not [e for e in studio.audit.entries() if e.action == "take.deleted"]


def test_each_deletion_is_one_audit_row_with_who_and_why(library, studio, band):
    account = studio.accounts.add("Therese", Role.ADMIN, PASS)
    studio.sign_in("Therese", PASS)
    song = studio.songs.all()[0]
    studio.deletion.delete_take(band.take_id, reason="kept past its time")
    studio.deletion.delete_song(song.id, reason="asked for by its writers")
    rows = [e for e in studio.audit.entries() if e.action.endswith(".deleted")]
    assert [(e.action, e.subject, e.actor_id, e.details["reason"]) for e in rows] == [
        ("take.deleted", f"take:{band.take_id}", account.id, "kept past its time"),
        ("song.deleted", f"song:{song.id}", account.id, "asked for by its writers")]
    assert rows[0].details["exports_to_recall"] and rows[0].details["files"] >= 8


def test_nobody_signed_in_and_a_participant_cannot_delete(library, studio, band):
    studio.accounts.add("Therese", Role.ADMIN, PASS)
    with pytest.raises(AccessRefused):
        studio.deletion.delete_take(band.take_id, reason="kept past its time")
    studio.sign_in("Therese", PASS)
    session_id = takes.get(library.connection, band.take_id).session_id
    mine = studio.for_participant(band.kari.id, session_id)
    assert not hasattr(mine, "deletion")
    for door in (studio, mine._door):  # the locked studio, and the participant's own door
        with pytest.raises(AccessRefused):
            door.deletion.delete_take(band.take_id, reason="kept past its time")
        with pytest.raises(AccessRefused):
            door.deletion.plan_participant(band.ola.id)
    studio.sign_in("Therese", PASS)
    assert studio.listening.take(band.take_id).id == band.take_id


def test_erasing_a_person(library, studio, band, tmp_path):
    db, folder = library.connection, library.folder
    other, bass, vocal = isolated_take(library, band)
    with library.transaction():
        (co_written,) = songs.all_songs(db)
        alone = songs.create(db, "Blåbærs egen", [band.ola], lyrics="Bare min")
        songs.save(db, co_written.id, "Lyset i vinduet\nOla Nordmann synger", notes="")
        session_id = takes.get(db, band.take_id).session_id
        sessions.edit(db, session_id, notes="Ola Nordmann kom sent")
        day = sessions.get(db, session_id).date
        courses.add(db, band.ola.id, CourseMark.ENDED, day, at=utc_now(), account_id=None,
                    reason="moved_away", note="Blåbær flyttet til Bergen")
        courses.add(db, band.kari.id, CourseMark.STILL_WITH_US, day, at=utc_now(),
                    account_id=None, note="Savner Ola Nordmann i bandet")
    ledger = db.execute("SELECT * FROM consent_events WHERE participant_id = ? ORDER BY id",
                        (band.ola.id,)).fetchall()
    attended = db.execute("SELECT count(*) FROM attendance WHERE participant_id = ?",
                          (band.ola.id,)).fetchone()
    before = files_under(folder)

    plan = studio.deletion.erase_participant(band.ola.id, reason="asked to be forgotten")

    assert [t.take_id for t in plan.takes] == [band.take_id]  # heard on its room mic
    assert plan.tracks == ((other, bass),)  # heard on their isolated bass alone
    assert [t.id for t in takes.get(db, other).tracks] == [vocal]
    assert not (folder / takes.take_folder(band.take_id)).exists()
    assert set(before) - set(files_under(folder)) == {f.path for f in plan.files}
    assert f"audio/take-{other}/track-{bass}.wav" in {f.path for f in plan.files}
    assert [s.title for s in plan.songs_deleted] == [alone.title]
    assert [s.title for s in plan.songs_kept] == ["Lyset i vinduet"]
    kept = songs.get(db, co_written.id)
    assert kept.writer_ids == (band.kari.id,)
    assert kept.latest.lyrics == "Lyset i vinduet\n— synger"
    assert plan.exports_to_recall[0].recipient == "Bandet"
    assert plan.ledger_rows == len(ledger) > 0
    assert db.execute("SELECT * FROM consent_events WHERE participant_id = ? ORDER BY id",
                      (band.ola.id,)).fetchall() == ledger
    assert db.execute("SELECT count(*) FROM attendance WHERE participant_id = ?",
                      (band.ola.id,)).fetchone() == attended
    tombstone = db.execute("SELECT pseudonym, real_name FROM participants WHERE id = ?",
                           (band.ola.id,)).fetchone()
    assert tombstone == (f"erased-{band.ola.id}", None)
    assert band.ola.id not in {p.id for p in studio.consent.participants()}
    # Their course keeps its marks, not its words; another's note loses their name.
    assert [(e.mark, e.reason, e.note) for e in courses.events(db, band.ola.id)] == [
        (CourseMark.ENDED, "moved_away", "")]
    assert courses.events(db, band.kari.id)[0].note == "Savner — i bandet"
    dump = "\n".join(db.iterdump())
    raw = database_bytes(folder)
    for name in ("Ola Nordmann", "Blåbær", "blåbær", "Bare min"):
        assert name not in dump
        assert name.encode() not in raw, name
    (row,) = [e for e in studio.audit.entries() if e.action == "participant.erased"]
    assert row.details["reason"] == "asked to be forgotten"
    assert row.details["ledger_rows_kept"] == len(ledger)


def test_a_loop_layer_alone_goes_when_it_is_the_only_place_they_are_heard(library, studio,
                                                                          band):
    db = library.connection
    with library.transaction():
        session_id = takes.get(db, band.take_id).session_id
        loop = takes.start(db, session_id, RATE, sample_format="float32")
        takes.finish(db, loop, RATE)
        found = []
        for person in (band.kari, band.per):
            track = takes.add_track(db, loop, TrackKind.AUDIO, input=1,
                                    participant_ids=[person.id])
            takes.add_part(db, track.id, 1, 0, RATE, track.file)
            layers.add(db, track.id)
            found.append(track)
    (library.folder / takes.take_folder(loop)).mkdir()
    for track in found:
        sf.write(library.folder / track.file, np.zeros(RATE, np.float32), RATE,
                 subtype="FLOAT")
    plan = studio.deletion.plan_participant(band.per.id)
    assert (loop, found[1].id) in plan.tracks and loop not in {t.take_id for t in plan.takes}


def test_erasing_refuses_a_reason_with_their_name_and_asks_nothing_twice(library, studio,
                                                                        band):
    with pytest.raises(InputError, match="names someone"):
        studio.deletion.erase_participant(band.ola.id, reason="Blåbær asked")
    studio.deletion.erase_participant(band.ola.id, reason="asked to be forgotten")
    with pytest.raises(InputError, match="erased already"):
        studio.deletion.erase_participant(band.ola.id, reason="asked to be forgotten")


def test_the_commands_print_what_would_go_and_delete_only_when_told(library, band, cli):
    folder = library.folder
    before = files_under(folder)
    dump = list(library.connection.iterdump())
    dry = cli("take", "delete", str(band.take_id), "--reason", "kept past its time",
              "--dry-run", "--json")
    assert dry.code == 0, dry.err
    planned = dry.json()
    assert planned["deleted"] is False and planned["exports_to_recall"][0]["recipient"] == \
        "Bandet"
    assert {f["path"] for f in planned["files"]} <= set(before)
    text = cli("participant", "erase", "Blåbær", "--reason", "asked", "--dry-run")
    assert text.code == 0 and "Bandet" in text.out and "Ola Nordmann" not in text.out
    refused = cli("take", "delete", str(band.take_id), "--reason", "kept past its time")
    assert refused.code == 2 and "--yes" in refused.err
    assert files_under(folder) == before and list(library.connection.iterdump()) == dump
    done = cli("take", "delete", str(band.take_id), "--reason", "kept past its time", "--yes")
    assert done.code == 0, done.err
    assert not (folder / takes.take_folder(band.take_id)).exists()
    song = cli("song", "delete", "1", "--reason", "asked for", "--yes", "--json")
    assert song.code == 0 and song.json()["songs_deleted"][0]["title"] == "Lyset i vinduet"
    assert os.listdir(folder / "audio") == []


def test_a_name_is_blotted_out_as_a_whole_word_only(library, studio):
    with library.transaction() as db:
        person = participants.add(db, "Sola", "Ola")
        session = sessions.create(db, "Ola og Olav", SessionKind.BAND, on=date(2026, 12, 1),
                                  participants=[person], notes="OLA kom, gondola")
    studio.deletion.erase_participant(person.id, reason="asked to be forgotten")
    kept = sessions.get(library.connection, session.id)
    assert (kept.title, kept.notes) == ("— og Olav", "— kom, gondola")


def test_a_withdrawal_may_not_name_the_person_in_its_reason(library, studio, band):
    for reason in ("Ola Nordmann wants out", "Blaabaer wants out"):
        with pytest.raises(InputError, match="names the person"):
            studio.consent.withdraw(band.ola.id, [Purpose.GROUP], reason=reason)
    assert studio.consent.withdraw(band.ola.id, [Purpose.GROUP],
                                   reason="wants out").valid_before == (Purpose.GROUP,)


def test_a_take_recorded_on_a_real_interface_goes_whole_and_not_while_it_records(library,
                                                                                studio):
    with library.transaction() as db:
        ola = participants.add(db, "Ola")
        consent_ledger.grant(db, ola, [Purpose.RECORD])
        session = sessions.create(db, "Duo", SessionKind.INDIVIDUAL, on=date(2026, 12, 1),
                                  participants=[ola])
    before = files_under(library.folder)
    with (JackServer(samplerate=RATE, inputs=2, synchronous=True) as server,
          seen_by_portaudio(server)):
        recording = studio.recording.start(TakeRequest(session.id, "system", inputs=(1, 2),
                                                       duration_seconds=0.5))
        try:
            with pytest.raises(InputError, match="being recorded"):
                studio.deletion.delete_take(recording.take_id, reason="a mistake")
            assert recording.wait(30)
        finally:
            recording.stop()
    studio.recording.move_to_store()  # a service's library: recorded into this computer's spool
    folder = library.folder / takes.take_folder(recording.take_id)
    made = {p.name for p in folder.iterdir()}
    assert {"journal.log"} < made and len(made) >= 3  # its parts, journal (and lock)
    plan = studio.deletion.delete_take(recording.take_id, reason="a mistake")
    assert {f.path.rsplit("/", 1)[-1] for f in plan.files} >= made
    assert files_under(library.folder) == before and not folder.exists()


def test_a_deletion_will_not_join_a_transaction_open_around_it(library, studio, band):
    before = files_under(library.folder)
    with pytest.raises(RuntimeError, match="outside a transaction"), studio._transaction():
        studio.deletion.delete_take(band.take_id, reason="kept past its time")
    assert files_under(library.folder) == before
    assert studio.listening.take(band.take_id).id == band.take_id

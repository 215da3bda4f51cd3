"""Songs: versions of the words and notes, stamps carried over by line, takes, writers, the CLI."""

from __future__ import annotations

import io
import re
import sqlite3
import sys
from datetime import date
from pathlib import Path

import library_files
import pytest
from conftest import library_here

from mt_studio.core.domain import Participant, SessionKind
from mt_studio.core.errors import InputError
from mt_studio.core.library import Library, audit, participants, sessions, songs, takes
from mt_studio.core.library.songs import LyricStamp

RATE = 48000
CHORUS_TWICE = "Verse one\nChorus\n\nVerse two\nChorus"


def dump(db: sqlite3.Connection) -> list[str]:
    """Everything in the database, to show that a refused action changed nothing."""
    return list(db.iterdump())


def dump_folder(folder: Path | str) -> list[str]:
    db = library_files.connect(folder)
    try:
        return dump(db)
    finally:
        db.close()


def new_take(db: sqlite3.Connection, seconds: int = 60) -> int:
    """A finished take SECONDS long in a new session."""
    session = sessions.create(db, "Songwriting", SessionKind.INDIVIDUAL, on=date(2026, 11, 3))
    take = takes.start(db, session.id, RATE)
    takes.finish(db, take, seconds * RATE)
    return take


@pytest.fixture
def db(library):
    return library.connection


@pytest.fixture
def ola(db) -> Participant:
    return participants.add(db, "Ola")


@pytest.fixture
def kari(db) -> Participant:
    return participants.add(db, "Kari")


# Lines and text


def test_lines_keep_blank_lines_between_and_drop_trailing_whitespace():
    assert songs.lines("\n\n  Intro  \r\nVerse\t\r\n\r\n\nChorus\u2028End\n\n") == (
        "  Intro", "Verse", "", "", "Chorus", "End")
    assert songs.lines("") == ()
    assert songs.lines(" \n\t\n") == ()


def test_a_song_is_created_with_its_writers_and_version_1(db, ola, kari):
    song = songs.create(db, "  Morning song ", [ola, kari], lyrics="Hello\r\nWorld  \n",
                        notes="Capo 2\n")
    assert song.title == "Morning song"
    assert [p.pseudonym for p in song.writers] == ["Kari", "Ola"]
    assert song.writer_ids == (kari.id, ola.id)
    assert (song.latest.number, song.latest.lyrics, song.latest.notes) == (1, "Hello\nWorld",
                                                                           "Capo 2")
    assert song.take_ids == () and song.latest.stamps == ()
    assert songs.get(db, song.id) == song
    entry = audit.entries(db)[-1]
    assert (entry.action, entry.subject, entry.details) == (
        "song.created", f"song:{song.id}", {"writers": sorted([ola.id, kari.id])})


@pytest.mark.parametrize(("title", "named"), [
    ("   ", "title"),
    ("Two\nlines", "'Two\\nlines'"),
    ("x" * 201, "200"),
])
def test_a_bad_title_is_refused_and_nothing_is_written(db, title, named):
    before = dump(db)
    with pytest.raises(InputError, match=re.escape(named)):
        songs.create(db, title)
    assert dump(db) == before


@pytest.mark.parametrize(("lyrics", "notes", "named"), [
    ("x" * (songs.MAX_TEXT_LENGTH + 1), "", "lyrics"),
    ("fine", "y" * (songs.MAX_TEXT_LENGTH + 1), "notes"),
    ("one\ntwo\x1b[2Jthree", "", "lyrics.*line 2"),
])
def test_too_long_or_unprintable_text_is_refused_naming_the_field(db, lyrics, notes, named):
    song = songs.create(db, "Song")
    before = dump(db)
    with pytest.raises(InputError, match=named):
        songs.save(db, song.id, lyrics, notes)
    with pytest.raises(InputError, match=named):
        songs.create(db, "Another", lyrics=lyrics, notes=notes)
    assert dump(db) == before


def test_an_unknown_song_or_version_is_named(db):
    with pytest.raises(InputError, match="No song with id 7"):
        songs.get(db, 7)
    song = songs.create(db, "Song")
    with pytest.raises(InputError, match="no version 2"):
        songs.version(db, song.id, 2)


# Versions


def test_a_save_makes_a_version_only_when_something_changed(db):
    song = songs.create(db, "Song", lyrics="La la\nLa")
    first = song.latest
    assert songs.save(db, song.id, "La la  \r\nLa\n\n") == first  # the same, once cleaned
    assert songs.save(db, song.id, None, None) == first
    second = songs.save(db, song.id, "La la\nLa la la")
    assert (second.number, second.lyrics, second.notes) == (2, "La la\nLa la la", "")
    third = songs.save(db, song.id, None, "Slower")  # notes alone make a version too
    assert (third.number, third.lyrics, third.notes) == (3, "La la\nLa la la", "Slower")
    assert songs.save(db, song.id, "La la\nLa la la", "Slower") == third
    assert [v.number for v in songs.versions(db, song.id)] == [1, 2, 3]
    assert songs.versions(db, song.id)[0] == first  # kept as it was
    assert songs.version(db, song.id, 2) == second
    assert songs.get(db, song.id).latest == third
    saved = [e.details for e in audit.entries(db) if e.action == "song.saved"]
    assert saved == [{"version": 2, "fields": ["lyrics"]}, {"version": 3, "fields": ["notes"]}]


def test_stamps_follow_unchanged_lines_and_go_with_changed_ones(db):
    take = new_take(db)
    song = songs.create(db, "Song", lyrics="One\nTwo\nThree\nFour")
    for line, second in [(0, 1), (1, 2), (2, 3), (3, 4)]:
        songs.stamp(db, song.latest.id, line, take, second * RATE)
    first = songs.get(db, song.id).latest
    # a line inserted at the top, "Two" changed, "Four" gone
    second = songs.save(db, song.id, "Intro\nOne\nTwo, better\nThree")
    assert second.stamps == (LyricStamp(1, take, 1 * RATE), LyricStamp(3, take, 3 * RATE))
    assert songs.version(db, song.id, 1) == first
    assert len(first.stamps) == 4


def test_each_occurrence_of_a_repeated_line_keeps_its_own_stamps(db):
    take = new_take(db)
    song = songs.create(db, "Song", lyrics=CHORUS_TWICE)
    songs.stamp(db, song.latest.id, 1, take, 10 * RATE)  # the first chorus
    songs.stamp(db, song.latest.id, 4, take, 40 * RATE)  # the second chorus
    # a third chorus added at the end: the first two keep theirs, the new one has none
    grown = songs.save(db, song.id, CHORUS_TWICE + "\nChorus")
    assert grown.stamps == (LyricStamp(1, take, 10 * RATE), LyricStamp(4, take, 40 * RATE))
    # the first chorus taken out: its stamp goes, it does not move onto the second one
    cut = songs.save(db, song.id, "Verse one\n\nVerse two\nChorus\nChorus")
    assert cut.stamps == (LyricStamp(3, take, 40 * RATE),)


# Stamps


def test_stamping_a_line_again_in_the_same_take_moves_the_stamp(db):
    take, other = new_take(db), new_take(db)
    song = songs.create(db, "Song", lyrics=CHORUS_TWICE)
    version = song.latest.id
    assert songs.stamp(db, version, 0, take, 5) == LyricStamp(0, take, 5)
    songs.stamp(db, version, 0, take, 600)
    songs.stamp(db, version, 0, other, 700)
    songs.stamp(db, version, 0, take, 60 * RATE)  # the very end of the take is a position
    assert songs.get(db, song.id).latest.stamps == (
        LyricStamp(0, take, 60 * RATE), LyricStamp(0, other, 700))
    assert songs.get(db, song.id).take_ids == (take, other)  # stamping linked them


@pytest.mark.parametrize(("line", "frame", "named"), [
    (5, 0, "no line 6 \\(it has 5\\)"),
    (-1, 0, "no line 0"),
    (2, 0, "Line 3 .* blank"),
    (0, 60 * RATE + 1, "outside take 1, which is 60.0 s long"),
    (0, -1, "outside take 1"),
])
def test_a_stamp_outside_the_lyrics_or_the_take_is_refused(db, line, frame, named):
    take = new_take(db)
    song = songs.create(db, "Song", lyrics=CHORUS_TWICE)
    before = dump(db)
    with pytest.raises(InputError, match=named):
        songs.stamp(db, song.latest.id, line, take, frame)
    assert dump(db) == before


def test_stamping_an_unknown_take_or_version_or_an_earlier_version_is_refused(db):
    take = new_take(db)
    song = songs.create(db, "Song", lyrics="One")
    first = song.latest.id
    songs.save(db, song.id, "One\nTwo")
    before = dump(db)
    with pytest.raises(InputError, match="No take with id 99"):
        songs.stamp(db, songs.get(db, song.id).latest.id, 0, 99, 0)
    with pytest.raises(InputError, match="No song version with id 42"):
        songs.stamp(db, 42, 0, take, 0)
    with pytest.raises(InputError, match="Version 1 of song 1 was followed by version 2"):
        songs.stamp(db, first, 0, take, 0)
    assert dump(db) == before


# Takes and writers


def test_takes_are_linked_once_and_found_from_either_side(db):
    take, other = new_take(db), new_take(db)
    song = songs.create(db, "B song")
    another = songs.create(db, "a song")
    assert songs.link_take(db, song.id, take) is True
    assert songs.link_take(db, song.id, take) is False
    songs.link_take(db, another.id, take)
    assert [s.title for s in songs.for_take(db, take)] == ["a song", "B song"]
    assert songs.for_take(db, other) == []
    assert [s.title for s in songs.all_songs(db)] == ["a song", "B song"]
    before = dump(db)
    with pytest.raises(InputError, match="No take with id 99"):
        songs.link_take(db, song.id, 99)
    with pytest.raises(InputError, match="No song with id 99"):
        songs.link_take(db, 99, take)
    assert dump(db) == before
    linked = [e.details["take"] for e in audit.entries(db) if e.action == "song.take_linked"]
    assert linked == [take, take]


def test_unlinking_a_take_drops_the_latest_stamps_in_it_but_not_earlier_ones(db):
    take, other = new_take(db), new_take(db)
    song = songs.create(db, "Song", lyrics="One\nTwo")
    songs.stamp(db, song.latest.id, 0, take, 100)
    first = songs.get(db, song.id).latest
    latest = songs.save(db, song.id, "One\nTwo\nThree")
    songs.stamp(db, latest.id, 1, other, 200)
    assert songs.unlink_take(db, song.id, take) is True
    assert songs.unlink_take(db, song.id, take) is False
    after = songs.get(db, song.id)
    assert after.take_ids == (other,)
    assert after.latest.stamps == (LyricStamp(1, other, 200),)
    assert songs.version(db, song.id, 1) == first  # history as it was
    assert songs.for_take(db, take) == []


def test_writers_are_set_exactly_and_each_change_is_logged_per_person(db, ola, kari):
    nils = participants.add(db, "Nils")
    song = songs.create(db, "Song", [ola])
    changed = songs.set_writers(db, song.id, [kari, nils, kari])
    assert [p.pseudonym for p in changed.writers] == ["Kari", "Nils"]
    assert [(e.action, e.participant_id) for e in audit.entries(db)
            if e.action.startswith("song.writer")] == [
        ("song.writer_removed", ola.id), ("song.writer_added", kari.id),
        ("song.writer_added", nils.id)]
    before = dump(db)
    with pytest.raises(InputError, match="'Ghost'"):
        songs.set_writers(db, song.id, [ola, Participant(99, "Ghost")])
    assert dump(db) == before


def test_a_rename_is_logged_by_field_and_the_audit_log_holds_no_words(db, ola):
    song = songs.create(db, "Working title", [ola], lyrics="Secret words", notes="Private note")
    assert songs.rename(db, song.id, " Working title ") == song
    renamed = songs.rename(db, song.id, "Final title")
    assert renamed.title == "Final title" and renamed.latest == song.latest
    songs.save(db, song.id, "Other secret words")
    log = [e for e in audit.entries(db) if e.subject == f"song:{song.id}"]
    assert [e.action for e in log] == ["song.created", "song.edited", "song.saved"]
    assert log[1].details == {"fields": ["title"]}
    text = repr(db.execute("SELECT * FROM audit_log").fetchall())
    for words in ("Secret", "Private", "Final title", "Working title"):
        assert words not in text


# Files


def test_a_file_that_is_not_utf8_text_is_named(tmp_path):
    good = tmp_path / "good.txt"
    good.write_bytes("\ufeffÅse synger\n".encode())
    assert songs.read_text(good) == "Åse synger\n"
    for name, content in [("latin1.txt", "Åse".encode("latin-1")), ("zeros.bin", b"ab\0cd")]:
        (tmp_path / name).write_bytes(content)
        with pytest.raises(InputError, match=f"{name} is not UTF-8 text"):
            songs.read_text(tmp_path / name)
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (songs.MAX_FILE_BYTES + 1))
    with pytest.raises(InputError, match="big.txt holds more than 100000 characters"):
        songs.read_text(big)
    with pytest.raises(InputError, match="missing.txt"):
        songs.read_text(tmp_path / "missing.txt")


# The command line


@pytest.fixture
def take_id(cli, tmp_path) -> int:
    """Ola and Kari, and a 90 s take."""
    for name in ("Ola", "Kari"):
        assert cli("participant", "add", name).code == 0
    with Library.open(library_here()) as library:
        return new_take(library.connection, seconds=90)


def test_the_command_line_round_trip(cli, tmp_path, take_id):
    first = tmp_path / "v1.txt"
    first.write_text("Verse one\n\nChorus\nVerse two\nChorus\n", encoding="utf-8")
    created = cli("song", "new", "Morning song", "--writers", "Ola,kari", "--lyrics-file", first,
                  "--json")
    assert created.code == 0, created.err
    assert created.json() == {"id": 1, "title": "Morning song", "writers": ["Kari", "Ola"],
                              "version": 1}
    assert cli("song", "stamp", 1, 3, take_id, "1:05").code == 0
    assert cli("song", "stamp", 1, 5, take_id, "80.5").code == 0
    second = tmp_path / "v2.txt"
    second.write_text("Verse one, better\n\nChorus\nVerse two\nChorus\n", encoding="utf-8")
    saved = cli("song", "save", 1, "--lyrics-file", second, "--json")
    assert saved.json() == {"song": 1, "version": 2, "created": True, "stamps_kept": 2,
                            "stamps_dropped": 0}
    again = cli("song", "save", 1, "--lyrics-file", second, "--json")
    assert again.json()["created"] is False and again.json()["version"] == 2

    shown = cli("song", "show", 1, "--json").json()
    assert shown["writers"] == ["Kari", "Ola"] and shown["versions"] == 2
    assert shown["takes"] == [{"id": take_id, "session": 1, "number": 1}]
    version = shown["version"]
    assert version["number"] == 2 and version["latest"] is True
    assert [line["text"] for line in version["lines"]] == [
        "Verse one, better", "", "Chorus", "Verse two", "Chorus"]
    assert version["lines"][2]["stamps"] == [
        {"take": take_id, "frame": 65 * RATE, "seconds": 65.0, "time": "1:05"}]
    assert version["lines"][4]["stamps"] == [
        {"take": take_id, "frame": 80 * RATE + RATE // 2, "seconds": 80.5, "time": "1:20"}]
    old = cli("song", "show", 1, "--version", 1, "--json").json()["version"]
    assert old["lines"][0]["text"] == "Verse one" and old["latest"] is False

    text = cli("song", "show", 1)
    assert text.code == 0
    assert "Writers: Kari, Ola" in text.out and "Version 2 of 2" in text.out
    chorus = [line for line in text.out.splitlines() if line.startswith("3 ")][0]
    assert "Chorus" in chorus and f"take {take_id} at 1:05" in chorus
    listed = cli("song", "list", "--json").json()
    assert listed == [{"id": 1, "title": "Morning song", "writers": ["Kari", "Ola"],
                       "version": 2, "lines": 5, "takes": [take_id]}]


def test_the_command_line_reads_standard_input_and_links_takes(cli, tmp_path, take_id,
                                                                  monkeypatch):
    assert cli("song", "new", "Song").code == 0
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("Å\nNotes\n".encode())))
    saved = cli("song", "save", 1, "--notes-file", "-", "--json")
    assert saved.code == 0, saved.err
    shown = cli("song", "show", 1, "--json").json()["version"]
    assert (shown["notes"], shown["lyrics"], shown["number"]) == ("Å\nNotes", "", 2)
    assert cli("song", "link", 1, take_id, "--json").json()["changed"] is True
    assert "already linked" in cli("song", "link", 1, take_id).out
    assert cli("song", "unlink", 1, take_id, "--json").json()["changed"] is True
    assert cli("song", "show", 1, "--json").json()["takes"] == []


@pytest.mark.parametrize(("args", "named"), [
    (["song", "new", "X", "--writers", "Ola,Nobody"], "'Nobody'"),
    (["song", "new", "X", "--lyrics-file", "latin1.txt"], "latin1.txt is not UTF-8 text"),
    (["song", "new", "X", "--lyrics-file", "missing.txt"], "missing.txt"),
    (["song", "new", "Two\nlines"], "'Two\\nlines'"),
    (["song", "save", "1", "--lyrics-file", "latin1.txt"], "latin1.txt"),
    (["song", "save", "1"], "--lyrics-file"),
    (["song", "save", "9", "--lyrics-file", "good.txt"], "9"),
    (["song", "show", "1", "--version", "3"], "no version 3"),
    (["song", "stamp", "1", "3", "1", "0:10"], "no line 3"),
    (["song", "stamp", "1", "0", "1", "0:10"], "'0'"),
    (["song", "stamp", "1", "1", "1", "1:31"], "outside take 1"),
    (["song", "stamp", "1", "1", "1", "1:75"], "'1:75'"),
    (["song", "stamp", "1", "1", "5", "0:10"], "No take with id 5"),
    (["song", "link", "1", "5"], "No take with id 5"),
])
def test_bad_input_is_one_line_naming_it_and_changes_nothing(cli, tmp_path, take_id, args,
                                                             named, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "latin1.txt").write_bytes("Åse".encode("latin-1"))
    (tmp_path / "good.txt").write_text("Fine words\n", encoding="utf-8")
    (tmp_path / "lyrics.txt").write_text("Line one\nLine two\n", encoding="utf-8")
    assert cli("song", "new", "Song", "--lyrics-file", "lyrics.txt").code == 0
    before = dump_folder(library_here())
    result = cli(*args)
    assert result.code == 2
    assert named in result.err
    assert result.err.count("\n") == 1 and result.err.startswith("mt-studio")
    assert result.out == ""
    assert dump_folder(library_here()) == before


def test_a_session_shows_its_songs_and_not_another_participants_own(library):
    from datetime import date as day

    from mt_studio.core.domain import SessionKind
    from mt_studio.core.library import participants, sessions, songs, takes

    with library.transaction() as db:
        ola, kari, nils = (participants.add(db, p) for p in ("Ola", "Kari", "Nils"))
        band = sessions.create(db, "Band", SessionKind.BAND, on=day(2026, 12, 1),
                               participants=[ola, kari])
        alone = sessions.create(db, "Nils alone", SessionKind.INDIVIDUAL, on=day(2026, 12, 2),
                                participants=[nils])
        ours = songs.create(db, "Ours", [ola])
        private = songs.create(db, "Nils' own", [nils])
        hymn = songs.create(db, "An old hymn")
        played = songs.create(db, "Played here", [nils])
        take = takes.start(db, band.id, 48000)
        takes.finish(db, take, 48000)
        songs.link_take(db, played.id, take)
    shown = {s.title for s in songs.for_session(library.connection, band.id)}
    assert shown == {"Ours", "An old hymn", "Played here"}  # not Nils' own song
    assert {s.title for s in songs.for_session(library.connection, alone.id)} == {
        "Nils' own", "An old hymn", "Played here"}
    assert private.id not in {s.id for s in songs.for_session(library.connection, band.id)}
    assert {ours.id, hymn.id} <= {s.id for s in songs.for_session(library.connection, band.id)}

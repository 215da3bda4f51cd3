"""Write tests/data/library-vN.sql: the same small story in a library at schema version N.

Run it once when a migration is added (`python tests/data/make_library_snapshot.py N`); the
snapshots of earlier versions are never regenerated after their version has shipped.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
import sys
import tempfile
from datetime import date
from pathlib import Path

from mt_studio.core import passphrases
from mt_studio.core.domain import Credit, Purpose, SessionKind, TrackKind
from mt_studio.core.domain.accounts import Role
from mt_studio.core.domain.groups import GroupKind
from mt_studio.core.library import (
    Library,
    accounts,
    consent_ledger,
    groups,
    listening,
    participants,
    sessions,
    songs,
    takes,
)
from mt_studio.core.library.migrations import MIGRATIONS

ROOM_SHA256 = hashlib.sha256(b"the room mic's samples").hexdigest()


def main(version: int) -> None:
    folder = Path(tempfile.mkdtemp())
    with Library.open(folder, MIGRATIONS[:version]) as library:
        with library.transaction() as db:
            ola = participants.add(db, "Ola", "Ola Nordmann")
            kari = participants.add(db, "Kari")
            consent_ledger.grant(db, ola, [Purpose.RECORD, Purpose.KEEP], witness="T. Therapist",
                                 form_version="2026-1", credit=Credit.PSEUDONYM)
            consent_ledger.grant(db, kari, [Purpose.RECORD])
            session = sessions.create(
                db, "Tuesday band", SessionKind.BAND, on=date(2026, 11, 3),
                participants=[ola, kari],
                inputs=[sessions.SessionInput(1, "Vocal mic"),
                        sessions.SessionInput(2, "Bass DI", True)])
            take = takes.start(db, session.id, 48000, sample_format="pcm24", device="system")
            room = takes.add_track(db, take, TrackKind.AUDIO, input=1,
                                   participant_ids=[ola.id, kari.id])
            takes.add_track(db, take, TrackKind.AUDIO, input=2, isolated=True,
                            participant_ids=[kari.id])
            takes.add_marker(db, take, 48000, "chorus")
            takes.add_dropout(db, take, 96000, 128, "input overflow")
            if version >= 2:
                hashed = {"sha256": ROOM_SHA256} if version >= 8 else {}
                takes.add_part(db, room.id, 1, 0, 480000, room.file, **hashed)
            takes.finish(db, take, 480000)
            if version >= 3:
                song = songs.create(db, "Morning song", [ola, kari],
                                    lyrics="First verse\n\nChorus\nSecond verse\nChorus")
                songs.stamp(db, song.latest.id, 2, take, 144000)
                songs.save(db, song.id, "New first verse\n\nChorus\nSecond verse\nChorus",
                           notes="Slower before the last chorus.")
            if version >= 6:
                sessions.keep_setup(
                    db, session.id, [sessions.SessionInput(2, "Bass DI", True, True, (kari.id,))],
                    midi_players=[ola.id], midi_port="Keystation 49")
                takes.describe(db, take, "Groove", "Bass a little loud.")
                listening.keep(db, take, listening.Listening(
                    (48000, 144000), True, 0.8, -2,
                    {room.id: listening.TrackLevel(-6.0, 0.5, False, True)}))
            if version >= 7:
                accounts.add(db, "Therese", Role.ADMIN,
                             passphrases.hashed("a song for every morning"))
            if version >= 12:
                band = groups.add(db, "Morning band", GroupKind.BAND)
                for person in (ola, kari):
                    band = groups.join(db, band, person, date(2026, 1, 5))
                db.execute("UPDATE sessions SET group_id = ? WHERE id = ?", (band.id, session.id))
            if version >= 13:
                db.execute("INSERT INTO take_keys (take_id, wrapped) VALUES (?, ?)",
                           (take, bytes(range(60))))
        # The library runs on sqlcipher3, which has no iterdump: the file is plain SQLite.
        with contextlib.closing(sqlite3.connect(library.database_path)) as plain:
            dump = "\n".join(plain.iterdump())
    target = Path(__file__).parent / f"library-v{version}.sql"
    target.write_text(
        f"-- mt_studio library at schema version {version}, kept to test upgrades from it.\n"
        f"-- Never edit.\nPRAGMA user_version = {version};\n{dump}\n")


if __name__ == "__main__":
    main(int(sys.argv[1]))

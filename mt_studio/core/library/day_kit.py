"""The rows of a library for the day (docs/architecture.md, "When the server cannot be
reached"): what is copied into it from the service's library while the server answers, and
what is read back out of it, and written into the service's library, to move it in. The files
and the order of the steps are the studio's (`core/studio/day_library.py`).

Copied, with the ids they have in the service's library: the accounts (so that the same
passphrases sign in), every participant, the groups, the sessions from the first day on with
their check-ins and set-ups, and the service's settings. The consent ledger is copied row by
row into the day library's own chain. What is made in the day library later has ids past the
copied ones; its settings (`day.*`) say where the copied ones end.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from mt_studio.core.domain import ConsentEvent, Purpose
from mt_studio.core.library import consent_ledger, ledger_chain
from mt_studio.core.library.clock import from_text, to_text
from mt_studio.core.library.copying import PLACE_SETTINGS, columns, insert_rows
from mt_studio.core.library.ids import next_id
from mt_studio.core.library.params import marks
from mt_studio.core.library.sqlite import sqlite3

# Copied whole, parents first, with their ids.
_WHOLE = ("participants", "groups", "group_members", "accounts")
# A session's own rows, copied with it.
_OF_SESSION = ("attendance", "session_inputs", "session_input_players",
               "session_midi_players", "absences")
_CONSENT_COLUMNS = ("id", "participant_id", "purpose", "action", "at", "valid_until", "credit",
                    "witness", "form_version", "reason")
_TAKE_COLUMNS = ("id", "session_id", "number", "status", "samplerate", "frames",
                 "sample_format", "device", "started_at", "ended_at", "stop_reason", "name",
                 "note")
_TRACK_COLUMNS = ("id", "kind", "input", "port", "file", "isolated", "instrument")
# What else a take holds, moved with it: (table, the column naming the take or track).
_EXTRAS = (("layers", "track_id"), ("track_mix", "track_id"), ("take_listening", "take_id"),
           ("annotations", "take_id"))
_SETTING = "day."  # the day library's own settings: which library it is for, where copies end


@dataclass(frozen=True)
class DayFacts:
    """What a day library knows of itself: the service library it was made from (OF, its id;
    ADDRESS), the COMPUTER, when it was made, the last copied id of each table (0: none
    copied), and the check-ins copied."""

    of: str
    address: str
    computer: str
    made_at: datetime
    last_copied: dict[str, int]  # and the service's last consent id ("service_...")
    checked_in: frozenset[tuple[int, int]] = frozenset()  # copied: (session, participant)

    def copied(self, table: str, row_id: int) -> bool:
        """Whether ROW_ID of TABLE came from the service's library (else it was made here)."""
        return row_id <= self.last_copied.get(table, 0)


@dataclass(frozen=True)
class DayTrack:
    """A track of a take made in the day library: its row (_TRACK_COLUMNS), who plays on it,
    and its parts (number, first frame, frames, file, sha256)."""

    row: tuple
    owners: tuple[int, ...]
    parts: tuple[tuple, ...]


@dataclass(frozen=True)
class DayTake:
    """A take made in the day library: its row (_TAKE_COLUMNS), tracks, markers (frame,
    name) and dropouts (frame, length, cause), and the rows of _EXTRAS by table (as dicts)."""

    row: tuple
    tracks: tuple[DayTrack, ...]
    markers: tuple[tuple, ...]
    dropouts: tuple[tuple, ...]
    extras: dict[str, list[dict]]

    @property
    def id(self) -> int:
        """The take's id in the day library."""
        return self.row[0]

    @property
    def session_id(self) -> int:
        """Its session's id in the day library."""
        return self.row[1]


def fill(source: sqlite3.Connection, day: sqlite3.Connection, *, first_day: date,
         address: str, computer: str, made_at: datetime) -> None:
    """Copy into the new day library DAY (its transaction) the rows of the service's library
    on SOURCE that a day's work needs (the module's docstring), sessions from FIRST_DAY on."""
    last: dict[str, int] = {}
    for table in _WHOLE:
        names = columns(day, table)
        insert_rows(day, table, names, source.execute(
            f"SELECT {_quoted(names)} FROM {table} ORDER BY 1"))
        last[table] = _last_id(day, table) if "id" in names else 0
    names = columns(day, "sessions")
    rows = source.execute(f"SELECT {_quoted(names)} FROM sessions WHERE date >= ? ORDER BY id",
                          (first_day.isoformat(),)).fetchall()
    insert_rows(day, "sessions", names, rows)
    last["sessions"] = max((row[0] for row in rows), default=0)
    session_ids = [row[0] for row in rows]
    for table in _OF_SESSION:
        names = columns(day, table)
        insert_rows(day, table, names, source.execute(
            f"SELECT {_quoted(names)} FROM {table} WHERE session_id IN ({marks(session_ids)})",
            session_ids) if session_ids else ())
    names = columns(day, "service_settings")
    insert_rows(day, "service_settings", names, (
        row for row in source.execute("SELECT name, value FROM service_settings")
        if row[0] not in PLACE_SETTINGS and not row[0].startswith(_SETTING)))
    for row in source.execute(f"SELECT {', '.join(_CONSENT_COLUMNS)} FROM consent_events"
                              " ORDER BY id"):
        _append_consent(day, row[1:])
        last["service_consent_events"] = row[0]  # the service's own id of the last copied
    last["consent_events"] = _last_id(day, "consent_events")
    last["audit_log"] = _last_id(day, "audit_log")
    checked_in = [list(pair) for pair in attendance(day)]
    settings = {"of": ledger_chain.library_id(source), "address": address,
                "computer": computer, "made_at": to_text(made_at),
                "last_copied": json.dumps(last, sort_keys=True),
                "checked_in": json.dumps(checked_in)}
    day.executemany("INSERT INTO service_settings (name, value) VALUES (?, ?)",
                    [(_SETTING + name, value) for name, value in settings.items()])


def facts(day: sqlite3.Connection) -> DayFacts | None:
    """What the library on DAY knows of itself as a day library; None: it is not one."""
    found = dict(day.execute("SELECT name, value FROM service_settings WHERE name LIKE ?",
                             (_SETTING + "%",)).fetchall())
    if not found:
        return None
    return DayFacts(found["day.of"], found["day.address"], found["day.computer"],
                    from_text(found["day.made_at"]), json.loads(found["day.last_copied"]),
                    frozenset(tuple(pair) for pair in json.loads(found["day.checked_in"])))


def made_here(day: sqlite3.Connection, known: DayFacts, table: str) -> list[dict]:
    """The rows of TABLE (participants) made in the day library, in order, by column."""
    names = columns(day, table)
    return [dict(zip(names, row, strict=True)) for row in day.execute(
        f"SELECT {_quoted(names)} FROM {table} WHERE id > ? ORDER BY id",
        (known.last_copied.get(table, 0),))]


def ids_of(db: sqlite3.Connection, table: str) -> list[int]:
    """The ids of TABLE's rows (participants or sessions), in order."""
    return [row_id for (row_id,) in db.execute(f"SELECT id FROM {table} ORDER BY id")]


def attendance(day: sqlite3.Connection) -> list[tuple[int, int]]:
    """Every check-in: (session id, participant id)."""
    return [tuple(row) for row in day.execute(
        "SELECT session_id, participant_id FROM attendance ORDER BY session_id, participant_id")]


def consent_written_here(day: sqlite3.Connection, known: DayFacts) -> list[ConsentEvent]:
    """The consent rows written in the day library, in the order written."""
    return [event for event in consent_ledger.events(day)
            if event.id > known.last_copied["consent_events"]]


def audit_written_here(day: sqlite3.Connection, known: DayFacts) -> list[tuple]:
    """The audit rows written in the day library: (at, action, subject, participant id,
    details, actor id, for participant), in order."""
    return day.execute(
        "SELECT at, action, subject, participant_id, details, actor_id, for_participant"
        " FROM audit_log WHERE id > ? ORDER BY id", (known.last_copied["audit_log"],)).fetchall()




def takes_made(day: sqlite3.Connection) -> list[DayTake]:
    """Every take made in the day library, with what it holds, in order."""
    made = []
    for row in day.execute(f"SELECT {', '.join(_TAKE_COLUMNS)} FROM takes ORDER BY id"
                           ).fetchall():
        tracks = tuple(
            DayTrack(track, tuple(pid for (pid,) in day.execute(
                "SELECT participant_id FROM track_participants WHERE track_id = ?"
                " ORDER BY participant_id", (track[0],))),
                tuple(day.execute("SELECT number, first_frame, frames, file, sha256"
                                  " FROM track_parts WHERE track_id = ? ORDER BY number",
                                  (track[0],))))
            for track in day.execute(f"SELECT {', '.join(_TRACK_COLUMNS)} FROM tracks"
                                     " WHERE take_id = ? ORDER BY id", (row[0],)).fetchall())
        made.append(DayTake(tuple(row), tracks, tuple(day.execute(
            "SELECT frame, name FROM markers WHERE take_id = ? ORDER BY id", (row[0],))),
            tuple(day.execute("SELECT frame, length, cause FROM dropouts WHERE take_id = ?"
                              " ORDER BY id", (row[0],))),
            _extras(day, row[0], [track.row[0] for track in tracks])))
    return made


def _extras(day: sqlite3.Connection, take_id: int, track_ids: list[int]) -> dict[str, list]:
    found: dict[str, list] = {}
    for table, key in _EXTRAS:
        names = columns(day, table)
        wanted = [take_id] if key == "take_id" else track_ids
        found[table] = [dict(zip(names, row, strict=True)) for row in day.execute(
            f"SELECT {_quoted(names)} FROM {table} WHERE {key} IN ({marks(wanted)})",
            wanted)] if wanted else []
    return found


# -- in the service's library ----------------------------------------------------------------

def identities(db: sqlite3.Connection) -> set[str]:
    """The library's identity now, and those it had before it was encrypted."""
    earlier = {json.loads(details).get("was") for (details,) in db.execute(
        "SELECT details FROM audit_log WHERE action = 'library.encrypted'")}
    return {ledger_chain.library_id(db), *(found for found in earlier if found)}


def moved_in(db: sqlite3.Connection, day_library: str) -> bool:
    """Whether the rows of the day library DAY_LIBRARY were carried in already."""
    return db.execute("SELECT 1 FROM day_libraries WHERE id = ?", (day_library,)
                      ).fetchone() is not None


def note_moved_in(db: sqlite3.Connection, day_library: str, computer: str,
                  at: datetime) -> None:
    """Note that the rows of the day library DAY_LIBRARY (of COMPUTER) were carried in AT."""
    db.execute("INSERT INTO day_libraries (id, computer, moved_at) VALUES (?, ?, ?)",
               (day_library, computer, to_text(at)))


def takes_moved(db: sqlite3.Connection, day_library: str) -> dict[int, tuple[int, list[int]]]:
    """The takes of DAY_LIBRARY moved in (and not deleted since): by their id in the day
    library, their id in the service's library and who had no consent to be recorded."""
    return {day_take: (take_id, json.loads(missing)) for take_id, day_take, missing in db.execute(
        "SELECT take_id, day_take, not_consented FROM day_takes WHERE day_library = ?",
        (day_library,))}


def copy_session(day: sqlite3.Connection, db: sqlite3.Connection, session_id: int,
                 people: dict[int, int], copied_group: Callable[[int], bool]) -> int:
    """Make the day library's session SESSION_ID in the library on DB, with its inputs and
    players (participants by PEOPLE; its group only if COPIED_GROUP, made elsewhere it is
    not here): its new id. Check-ins are `check_in`'s."""
    (found,) = _by_column(day, "sessions", "id", session_id)
    found.pop("id")
    if found["group_id"] is not None and not copied_group(found["group_id"]):
        found["group_id"] = None
    new_id = db.execute(f"INSERT INTO sessions ({_quoted(found)}) VALUES ({marks(found)})"
                        " RETURNING id", tuple(found.values())).fetchone()[0]
    for table in ("session_inputs", "session_input_players", "session_midi_players"):
        for values in _by_column(day, table, "session_id", session_id):
            values["session_id"] = new_id
            if "participant_id" in values:
                values["participant_id"] = people[values["participant_id"]]
            db.execute(f"INSERT INTO {table} ({_quoted(values)}) VALUES ({marks(values)})",
                       tuple(values.values()))
    return new_id


def copy_songs(day: sqlite3.Connection, db: sqlite3.Connection, people: dict[int, int],
               take_ids: dict[int, int]) -> list[int]:
    """Make every song of the day library in the library on DB, with its writers (by
    PEOPLE), versions, takes (by TAKE_IDS) and lyric stamps: their new ids, in order."""
    made = []
    for song in _by_column(day, "songs", "1", 1):
        old = song.pop("id")
        song_id = next_id(db, "songs")
        _insert_values(db, "songs", {"id": song_id, **song})
        for writer in _by_column(day, "song_writers", "song_id", old):
            _insert_values(db, "song_writers", {**writer, "song_id": song_id,
                                                "participant_id": people[writer["participant_id"]]})
        for version in _by_column(day, "song_versions", "song_id", old):
            old_version = version.pop("id")
            version_id = db.execute(
                f"INSERT INTO song_versions ({_quoted(version)}) VALUES ({marks(version)})"
                " RETURNING id", (*{**version, "song_id": song_id}.values(),)).fetchone()[0]
            for stamp in _by_column(day, "lyric_stamps", "version_id", old_version):
                _insert_values(db, "lyric_stamps", {**stamp, "version_id": version_id,
                                                    "take_id": take_ids[stamp["take_id"]]})
        for linked in _by_column(day, "song_takes", "song_id", old):
            _insert_values(db, "song_takes", {"song_id": song_id,
                                              "take_id": take_ids[linked["take_id"]]})
        made.append(song_id)
    return made


def pseudonym_taken(db: sqlite3.Connection, key: str) -> bool:
    """Whether a participant's pseudonym has the lookup KEY."""
    return db.execute("SELECT 1 FROM participants WHERE lookup_key = ?", (key,)
                      ).fetchone() is not None


def consent_stamps(db: sqlite3.Connection, participant_id: int, purpose: Purpose,
                   after: int) -> list[datetime]:
    """The stamps of the ledger's rows of PARTICIPANT_ID and PURPOSE written after the row
    AFTER (those a day library made before did not hold)."""
    return [from_text(at) for (at,) in db.execute(
        "SELECT at FROM consent_events WHERE participant_id = ? AND purpose = ? AND id > ?"
        " ORDER BY id", (participant_id, purpose.value, after))]


def erased(db: sqlite3.Connection, participant_ids: Iterable[int]) -> set[int]:
    """Those of PARTICIPANT_IDS erased (their row a tombstone)."""
    wanted = sorted(set(participant_ids))
    return {pid for (pid,) in db.execute(
        f"SELECT id FROM participants WHERE erased_at IS NOT NULL AND id IN ({marks(wanted)})",
        wanted)}


def next_number(db: sqlite3.Connection, session_id: int) -> int:
    """The number the next take of SESSION_ID gets."""
    return db.execute("SELECT coalesce(max(number), 0) + 1 FROM takes WHERE session_id = ?",
                      (session_id,)).fetchone()[0]


def present(db: sqlite3.Connection, session_id: int) -> frozenset[int]:
    """Who is checked in to SESSION_ID."""
    return frozenset(pid for (pid,) in db.execute(
        "SELECT participant_id FROM attendance WHERE session_id = ?", (session_id,)))


def place(db: sqlite3.Connection, take_id: int) -> tuple[int, int]:
    """TAKE_ID's session and number."""
    session_id, number = db.execute("SELECT session_id, number FROM takes WHERE id = ?",
                                    (take_id,)).fetchone()
    return session_id, number


def insert_take(db: sqlite3.Connection, take_id: int, session_id: int, number: int,
                take: DayTake) -> None:
    """Write TAKE into the service's library as TAKE_ID, the NUMBERth of SESSION_ID."""
    db.execute(f"INSERT INTO takes ({', '.join(_TAKE_COLUMNS)})"
               f" VALUES ({marks(_TAKE_COLUMNS)})",
               (take_id, session_id, number, *take.row[3:]))
    db.executemany("INSERT INTO markers (take_id, frame, name) VALUES (?, ?, ?)",
                   [(take_id, *marker) for marker in take.markers])
    db.executemany("INSERT INTO dropouts (take_id, frame, length, cause) VALUES (?, ?, ?, ?)",
                   [(take_id, *dropout) for dropout in take.dropouts])


def insert_track(db: sqlite3.Connection, take_id: int, track_id: int, track: DayTrack,
                 file: str, parts: Iterable[tuple], owners: Iterable[int]) -> None:
    """Write TRACK of TAKE_ID as TRACK_ID, its FILE and PARTS (renamed), played by OWNERS."""
    db.execute(f"INSERT INTO tracks (take_id, {', '.join(_TRACK_COLUMNS)})"
               f" VALUES (?, {marks(_TRACK_COLUMNS)})",
               (take_id, track_id, *track.row[1:4], file, *track.row[5:]))
    db.executemany("INSERT INTO track_participants (track_id, participant_id) VALUES (?, ?)",
                   [(track_id, owner) for owner in sorted(set(owners))])
    db.executemany("INSERT INTO track_parts (track_id, number, first_frame, frames, file,"
                   " sha256) VALUES (?, ?, ?, ?, ?, ?)", [(track_id, *part) for part in parts])


def insert_extras(db: sqlite3.Connection, take: DayTake, take_id: int,
                  track_ids: dict[int, int]) -> None:
    """Write TAKE's other rows (_EXTRAS) for TAKE_ID, its tracks' ids by theirs in TRACK_IDS
    (rows with ids of their own get new ones)."""
    for table, _key in _EXTRAS:
        for found in take.extras[table]:
            values = dict(found)
            values.pop("id", None)
            if "take_id" in values:
                values["take_id"] = take_id
            if "track_id" in values:
                values["track_id"] = track_ids[values["track_id"]]
            db.execute(f"INSERT INTO {table} ({_quoted(values)}) VALUES ({marks(values)})",
                       tuple(values.values()))


def note_take_moved(db: sqlite3.Connection, take_id: int, day_library: str, day_take: int,
                    not_consented: Iterable[int]) -> None:
    """Note that TAKE_ID came from DAY_TAKE of DAY_LIBRARY, and who heard on it had no
    consent to be recorded then (NOT_CONSENTED: the deletion list names them)."""
    db.execute("INSERT INTO day_takes (take_id, day_library, day_take, not_consented)"
               " VALUES (?, ?, ?, ?)",
               (take_id, day_library, day_take, json.dumps(sorted(set(not_consented)))))


def _append_consent(day: sqlite3.Connection, content: Sequence) -> None:
    """Append a copied consent row (its content, without the id) to DAY's own chain."""
    row_id, previous = ledger_chain.next_row(day, "consent_events")
    row = (row_id, *content)
    day.execute(f"INSERT INTO consent_events ({', '.join(_CONSENT_COLUMNS)}, hash)"
                f" VALUES ({marks(row)}, ?)",
                (*row, ledger_chain.link(previous, ledger_chain.canonical("consent_events", row),
                                         ledger_chain.chain_key(day))))


def _by_column(db: sqlite3.Connection, table: str, column: str, value: object) -> list[dict]:
    """TABLE's rows whose COLUMN holds VALUE (column "1": every row), by column, in order."""
    names = columns(db, table)
    where = "1 = ?" if column == "1" else f'"{column}" = ?'
    return [dict(zip(names, row, strict=True)) for row in db.execute(
        f'SELECT {_quoted(names)} FROM {table} WHERE {where} ORDER BY 1', (value,))]


def _insert_values(db: sqlite3.Connection, table: str, values: dict) -> None:
    db.execute(f"INSERT INTO {table} ({_quoted(values)}) VALUES ({marks(values)})",
               tuple(values.values()))


def _last_id(db: sqlite3.Connection, table: str) -> int:
    return db.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]


def _quoted(names: Iterable[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)

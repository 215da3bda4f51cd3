"""The library's schema as a list of migrations; MIGRATIONS[n] upgrades user_version n to n+1.

Never edit a migration that has shipped: add a new one. Each runs in its own transaction.
"""

from __future__ import annotations

from collections.abc import Callable

from mt_studio.core.library.later_migrations import (
    V14_SPOOLED_TAKES,
    V15_TAKE_INDEXES,
    V16_DAY_LIBRARIES,
)
from mt_studio.core.library.sqlite import sqlite3

Migration = str | Callable[[sqlite3.Connection], None]

_PURPOSES = "('record', 'keep', 'supervision', 'group', 'community', 'public')"


def _append_only(table: str) -> str:
    # The insert trigger stops INSERT OR REPLACE from overwriting a row in place.
    return f"""
CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table}
WHEN EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id)
BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;
CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;
CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;
"""


V1_BASE_SCHEMA = f"""
CREATE TABLE participants (
    id          INTEGER PRIMARY KEY,
    pseudonym   TEXT NOT NULL CHECK (length(trim(pseudonym)) > 0),
    -- casefolded in Python: SQLite's NOCASE folds only ASCII, and Øyvind is øyvind.
    lookup_key  TEXT NOT NULL UNIQUE,
    real_name   TEXT,
    created_at  TEXT NOT NULL
);

CREATE TABLE sessions (
    id             INTEGER PRIMARY KEY,
    title          TEXT NOT NULL CHECK (length(trim(title)) > 0),
    kind           TEXT NOT NULL CHECK (kind IN ('band', 'choir', 'individual')),
    date           TEXT NOT NULL,
    therapist      TEXT,
    notes          TEXT NOT NULL DEFAULT '',
    template       TEXT,
    tempo_bpm      REAL,
    count_in_bars  INTEGER NOT NULL DEFAULT 0 CHECK (count_in_bars >= 0),
    created_at     TEXT NOT NULL
);

CREATE TABLE attendance (
    session_id      INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    participant_id  INTEGER NOT NULL REFERENCES participants(id),
    PRIMARY KEY (session_id, participant_id)
);

CREATE TABLE session_inputs (
    session_id  INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    input       INTEGER NOT NULL CHECK (input >= 1),
    label       TEXT NOT NULL,
    isolated    INTEGER NOT NULL DEFAULT 0 CHECK (isolated IN (0, 1)),
    armed       INTEGER NOT NULL DEFAULT 1 CHECK (armed IN (0, 1)),
    PRIMARY KEY (session_id, input)
);

CREATE TABLE consent_events (
    id              INTEGER PRIMARY KEY,
    participant_id  INTEGER NOT NULL REFERENCES participants(id),
    purpose         TEXT NOT NULL CHECK (purpose IN {_PURPOSES}),
    action          TEXT NOT NULL CHECK (action IN ('grant', 'withdraw')),
    at              TEXT NOT NULL,
    valid_until     TEXT,
    credit          TEXT CHECK (credit IN ('name', 'pseudonym', 'none')),
    witness         TEXT,
    form_version    TEXT,
    reason          TEXT,
    CHECK (action = 'grant' OR (valid_until IS NULL AND credit IS NULL))
);
CREATE INDEX consent_events_by_participant ON consent_events (participant_id, purpose, id);
{_append_only("consent_events")}

CREATE TABLE takes (
    id             INTEGER PRIMARY KEY,
    session_id     INTEGER NOT NULL REFERENCES sessions(id),
    number         INTEGER NOT NULL CHECK (number >= 1),
    status         TEXT NOT NULL CHECK (status IN ('recording', 'complete', 'recovered')),
    samplerate     INTEGER NOT NULL CHECK (samplerate > 0),
    frames         INTEGER NOT NULL DEFAULT 0 CHECK (frames >= 0),
    sample_format  TEXT,
    device         TEXT,
    started_at     TEXT NOT NULL,
    ended_at       TEXT,
    stop_reason    TEXT,
    UNIQUE (session_id, number)
);

CREATE TABLE tracks (
    id          INTEGER PRIMARY KEY,
    take_id     INTEGER NOT NULL REFERENCES takes(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('audio', 'midi')),
    input       INTEGER CHECK (input >= 1),
    port        TEXT,
    file        TEXT NOT NULL,
    isolated    INTEGER NOT NULL DEFAULT 0 CHECK (isolated IN (0, 1)),
    instrument  TEXT,
    CHECK ((kind = 'audio' AND input IS NOT NULL) OR (kind = 'midi' AND port IS NOT NULL))
);

CREATE TABLE track_participants (
    track_id        INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
    participant_id  INTEGER NOT NULL REFERENCES participants(id),
    PRIMARY KEY (track_id, participant_id)
);

CREATE TABLE markers (
    id       INTEGER PRIMARY KEY,
    take_id  INTEGER NOT NULL REFERENCES takes(id) ON DELETE CASCADE,
    frame    INTEGER NOT NULL CHECK (frame >= 0),
    name     TEXT NOT NULL DEFAULT ''
);

CREATE TABLE dropouts (
    id       INTEGER PRIMARY KEY,
    take_id  INTEGER NOT NULL REFERENCES takes(id) ON DELETE CASCADE,
    frame    INTEGER NOT NULL CHECK (frame >= 0),
    length   INTEGER NOT NULL CHECK (length > 0),
    cause    TEXT NOT NULL
);

-- Exports outlive the takes they came from: the recipients must stay known for a recall.
CREATE TABLE exports (
    id          INTEGER PRIMARY KEY,
    created_at  TEXT NOT NULL,
    purpose     TEXT NOT NULL CHECK (purpose IN {_PURPOSES}),
    recipient   TEXT NOT NULL,
    profile     TEXT,
    file        TEXT NOT NULL
);

CREATE TABLE export_tracks (
    export_id  INTEGER NOT NULL REFERENCES exports(id),
    take_id    INTEGER NOT NULL,
    track_id   INTEGER NOT NULL,
    PRIMARY KEY (export_id, track_id)
);

CREATE TABLE export_participants (
    export_id       INTEGER NOT NULL REFERENCES exports(id),
    participant_id  INTEGER NOT NULL REFERENCES participants(id),
    PRIMARY KEY (export_id, participant_id)
);

CREATE TABLE audit_log (
    id              INTEGER PRIMARY KEY,
    at              TEXT NOT NULL,
    action          TEXT NOT NULL,
    subject         TEXT NOT NULL,
    participant_id  INTEGER,
    details         TEXT NOT NULL DEFAULT '{{}}'
);
{_append_only("audit_log")}
"""

V2_TRACK_PARTS = """
-- A track longer than one WAV file can hold (4 GiB) continues in further parts, without a gap.
CREATE TABLE track_parts (
    track_id     INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
    number       INTEGER NOT NULL CHECK (number >= 1),
    first_frame  INTEGER NOT NULL CHECK (first_frame >= 0),
    frames       INTEGER NOT NULL CHECK (frames >= 0),
    file         TEXT NOT NULL,
    PRIMARY KEY (track_id, number)
);
"""

V3_SONGS_AND_LAYERS = """
-- A song being written: who writes it, its words in versions, the takes it was played in.
CREATE TABLE songs (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL CHECK (length(trim(title)) > 0),
    created_at  TEXT NOT NULL
);

CREATE TABLE song_writers (
    song_id         INTEGER NOT NULL REFERENCES songs(id) ON DELETE CASCADE,
    participant_id  INTEGER NOT NULL REFERENCES participants(id),
    PRIMARY KEY (song_id, participant_id)
);

-- Every save of the words and notes is a new version; earlier versions are kept as they were.
CREATE TABLE song_versions (
    id          INTEGER PRIMARY KEY,
    song_id     INTEGER NOT NULL REFERENCES songs(id) ON DELETE CASCADE,
    number      INTEGER NOT NULL CHECK (number >= 1),
    lyrics      TEXT NOT NULL DEFAULT '',
    notes       TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    UNIQUE (song_id, number)
);

CREATE TABLE song_takes (
    song_id  INTEGER NOT NULL REFERENCES songs(id) ON DELETE CASCADE,
    take_id  INTEGER NOT NULL REFERENCES takes(id) ON DELETE CASCADE,
    PRIMARY KEY (song_id, take_id)
);

-- A line of a version's lyrics (counted from 0) stamped with a position in a take.
CREATE TABLE lyric_stamps (
    version_id  INTEGER NOT NULL REFERENCES song_versions(id) ON DELETE CASCADE,
    line        INTEGER NOT NULL CHECK (line >= 0),
    take_id     INTEGER NOT NULL REFERENCES takes(id) ON DELETE CASCADE,
    frame       INTEGER NOT NULL CHECK (frame >= 0),
    PRIMARY KEY (version_id, line, take_id)
);

-- A looper's take holds one audio track per layer, each exactly one loop long. An undone
-- layer is kept (nothing recorded is lost), only left out of the loop until redone.
CREATE TABLE layers (
    track_id    INTEGER PRIMARY KEY REFERENCES tracks(id) ON DELETE CASCADE,
    number      INTEGER NOT NULL CHECK (number >= 1),
    latency     INTEGER NOT NULL DEFAULT 0,  -- the round trip it was lined up by, in frames
    muted       INTEGER NOT NULL DEFAULT 0 CHECK (muted IN (0, 1)),
    undone      INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0, 1)),
    created_at  TEXT NOT NULL
);
"""

V4_EXPORT_FILES = """
-- Every file an export wrote, with its checksum, so a recipient's copy can be recognised.
-- NAME is relative to the export's folder (exports.file); like the export, it is never changed.
CREATE TABLE export_files (
    export_id  INTEGER NOT NULL REFERENCES exports(id),
    name       TEXT NOT NULL,
    bytes      INTEGER NOT NULL CHECK (bytes >= 0),
    sha256     TEXT NOT NULL CHECK (length(sha256) = 64),
    PRIMARY KEY (export_id, name)
);
ALTER TABLE exports ADD COLUMN title TEXT NOT NULL DEFAULT '';
"""

V5_ANNOTATIONS = """
-- What a plugin's analysis found in a take (chords, tempo, key), kept so that the timeline
-- shows it without analysing again; a new run of the same analysis replaces its rows.
CREATE TABLE annotations (
    id          INTEGER PRIMARY KEY,
    take_id     INTEGER NOT NULL REFERENCES takes(id) ON DELETE CASCADE,
    plugin_id   TEXT NOT NULL,
    analysis_id TEXT NOT NULL,
    kind        TEXT NOT NULL,
    start       INTEGER NOT NULL CHECK (start >= 0),
    end         INTEGER CHECK (end IS NULL OR end >= start),
    label       TEXT NOT NULL,
    value       REAL,
    created_at  TEXT NOT NULL
);
CREATE INDEX annotations_of_take ON annotations (take_id, start);
"""

V6_SESSION_AND_TAKE_STATE = """
-- A session's set-up on the Inputs tab is the session's, so that it comes back as it was left
-- (the audio device is the computer's, and is not kept here): who plays into each input
-- (session_inputs holds its label, isolated and armed), the MIDI keyboard and who plays it.
CREATE TABLE session_input_players (
    session_id      INTEGER NOT NULL,
    input           INTEGER NOT NULL,
    participant_id  INTEGER NOT NULL REFERENCES participants(id),
    PRIMARY KEY (session_id, input, participant_id),
    FOREIGN KEY (session_id, input) REFERENCES session_inputs (session_id, input)
        ON DELETE CASCADE
);
ALTER TABLE sessions ADD COLUMN midi_port TEXT;
CREATE TABLE session_midi_players (
    session_id      INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    participant_id  INTEGER NOT NULL REFERENCES participants(id),
    PRIMARY KEY (session_id, participant_id)
);

-- A take's own name (none: it is called by its number) and a note about it.
ALTER TABLE takes ADD COLUMN name TEXT;
ALTER TABLE takes ADD COLUMN note TEXT NOT NULL DEFAULT '';

-- How a take was last listened to on the Takes tab: its loop, the practice speed and pitch,
-- and each track's place in the mix. Only how it sounds here; the recording is untouched.
CREATE TABLE take_listening (
    take_id     INTEGER PRIMARY KEY REFERENCES takes(id) ON DELETE CASCADE,
    loop_start  INTEGER CHECK (loop_start >= 0),
    loop_end    INTEGER CHECK (loop_end > loop_start),
    looping     INTEGER NOT NULL DEFAULT 0 CHECK (looping IN (0, 1)),
    speed       REAL NOT NULL DEFAULT 1.0 CHECK (speed BETWEEN 0.5 AND 1.5),
    semitones   INTEGER NOT NULL DEFAULT 0 CHECK (semitones BETWEEN -6 AND 6),
    CHECK ((loop_start IS NULL) = (loop_end IS NULL))
);
CREATE TABLE track_mix (
    track_id  INTEGER PRIMARY KEY REFERENCES tracks(id) ON DELETE CASCADE,
    gain_db   REAL NOT NULL DEFAULT 0,
    pan       REAL NOT NULL DEFAULT 0 CHECK (pan BETWEEN -1 AND 1),
    muted     INTEGER NOT NULL DEFAULT 0 CHECK (muted IN (0, 1)),
    solo      INTEGER NOT NULL DEFAULT 0 CHECK (solo IN (0, 1))
);
"""

V7_ACCOUNTS = """
-- The therapists' and admins' accounts. A library with none is open to whoever runs it, as
-- before; the first account closes it. The passphrase is kept only as an Argon2id hash.
CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL CHECK (length(trim(name)) > 0),
    lookup_key    TEXT NOT NULL UNIQUE,  -- casefolded in Python, as participants' pseudonyms
    role          TEXT NOT NULL CHECK (role IN ('therapist', 'admin')),
    passphrase    TEXT NOT NULL CHECK (passphrase LIKE '$argon2id$%'),
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    failures      INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),  -- failed sign-ins in a row
    last_failure  TEXT,
    created_at    TEXT NOT NULL
);

-- Who did or saw what: the account signed in, and the participant whose own studio it was
-- when a participant was at the keyboard (participant mode, started by that account). Rows
-- from before accounts, or from a library without any, have neither.
ALTER TABLE audit_log ADD COLUMN actor_id INTEGER REFERENCES accounts(id);
ALTER TABLE audit_log ADD COLUMN for_participant INTEGER REFERENCES participants(id);
CREATE INDEX audit_log_of_participant ON audit_log (participant_id, id);
CREATE INDEX audit_log_of_actor ON audit_log (actor_id, id);
"""

V8_PART_HASHES = """
-- Each file of a track is tied to the library by the SHA-256 taken as it was finalized, so
-- that a file swapped or changed on disk is refused. An audio part's is of its samples (the WAV
-- data chunk: its header is what the take's samplerate and format make of the file's length);
-- a MIDI file's is of the whole file, which now has a part row too. Parts from before have
-- none: they are unchecked.
ALTER TABLE track_parts ADD COLUMN sha256 TEXT
    CHECK (sha256 IS NULL OR (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'));
"""


def v9_ledger_chain(db: sqlite3.Connection) -> None:
    """The consent ledger, the audit log and the exports carry a hash chain (each row's hash
    covers the previous row's and its own content: ledger_chain.py); the library gets a random
    id, by which the head last seen is kept outside it; the exports and the rows written with
    them become append-only too."""
    import secrets

    from mt_studio.core.library import ledger_chain  # not loaded with every open

    db.execute("CREATE TABLE library_identity (id TEXT NOT NULL CHECK (length(id) = 32))")
    db.execute("INSERT INTO library_identity (id) VALUES (?)", (secrets.token_hex(16),))
    for table in ledger_chain.CHAINS:
        db.execute(f"ALTER TABLE {table} ADD COLUMN hash TEXT")
    for name in ledger_chain.expected_triggers():
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
    ledger_chain.relink(db)
    for sql in ledger_chain.expected_triggers().values():
        db.execute(sql)


V10_RETENTION = """
-- A therapist's written reason to keep a take that is due for deletion (its consent to keep
-- ended): it holds until `until` (a local day, not included) and is then asked for again. Gone
-- with the take; the audit log keeps every reason given.
CREATE TABLE retention_holds (
    id          INTEGER PRIMARY KEY,
    take_id     INTEGER NOT NULL REFERENCES takes(id) ON DELETE CASCADE,
    reason      TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    account_id  INTEGER REFERENCES accounts(id),
    at          TEXT NOT NULL,
    until       TEXT NOT NULL
);
CREATE INDEX retention_holds_of_take ON retention_holds (take_id, id);

-- The service's own settings, the same for everyone using the library (retention's grace
-- days and maximum age); a setting not here has its default.
CREATE TABLE service_settings (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
"""

V11_DELETIONS = """
-- What a deletion has still to remove from disk (library-relative paths: a take's folder, its
-- cached peaks and renders), written in the transaction that deletes the rows and removed once
-- the files are gone: a deletion cut short between the database and the files is finished at
-- the next open, and no row ever points at a file already removed.
CREATE TABLE pending_removals (
    id    INTEGER PRIMARY KEY,
    path  TEXT NOT NULL CHECK (length(path) > 0 AND path NOT LIKE '/%')
);

-- The highest id a deleted take, track or song had: ids are never given again, for the
-- exports and the audit log name takes, tracks and songs by id after they are gone.
CREATE TABLE retired_ids (
    kind  TEXT PRIMARY KEY CHECK (kind IN ('takes', 'tracks', 'songs')),
    last  INTEGER NOT NULL
);

-- An erased participant is a tombstone: no real name, a pseudonym made of the id, kept so that
-- the consent ledger, attendance and the export log still have someone to point at.
ALTER TABLE participants ADD COLUMN erased_at TEXT;
"""

V12_GROUPS_AND_COURSES = """
-- A band or choir the service runs, with every spell of its members (joined on a day, left
-- on a later one or not yet); its sessions point at it.
CREATE TABLE groups (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    lookup_key  TEXT NOT NULL UNIQUE,  -- casefolded in Python, as participants' pseudonyms
    kind        TEXT NOT NULL CHECK (kind IN ('band', 'choir')),
    created_at  TEXT NOT NULL
);

CREATE TABLE group_members (
    id              INTEGER PRIMARY KEY,
    group_id        INTEGER NOT NULL REFERENCES groups(id),
    participant_id  INTEGER NOT NULL REFERENCES participants(id),
    joined          TEXT NOT NULL,
    left_on         TEXT CHECK (left_on IS NULL OR left_on >= joined)
);
CREATE INDEX group_members_of_group ON group_members (group_id, participant_id);
CREATE INDEX group_members_of_participant ON group_members (participant_id);

ALTER TABLE sessions ADD COLUMN group_id INTEGER REFERENCES groups(id);
CREATE INDEX sessions_of_group ON sessions (group_id, date);
CREATE INDEX sessions_by_date ON sessions (date);
CREATE INDEX attendance_of_participant ON attendance (participant_id);

-- Someone expected at a session who did not come: they sent word, or did not come. Those who
-- came are in attendance (which says who can be heard on its takes); a member with neither
-- row did not come.
CREATE TABLE absences (
    session_id      INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    participant_id  INTEGER NOT NULL REFERENCES participants(id),
    answer          TEXT NOT NULL CHECK (answer IN ('sent_word', 'absent')),
    PRIMARY KEY (session_id, participant_id)
);
CREATE INDEX absences_of_participant ON absences (participant_id);

-- What a therapist wrote about a participant's course, in order: it ended (on a day, for a
-- reason from the service's list, perhaps its detail, and a short note), it began again, or
-- they are still with us although they may have stopped coming.
CREATE TABLE course_events (
    id              INTEGER PRIMARY KEY,
    participant_id  INTEGER NOT NULL REFERENCES participants(id),
    mark            TEXT NOT NULL CHECK (mark IN ('ended', 'resumed', 'still_with_us')),
    on_day          TEXT NOT NULL,
    reason          TEXT CHECK ((mark = 'ended') = (reason IS NOT NULL)),
    detail          TEXT,
    note            TEXT NOT NULL DEFAULT '',
    account_id      INTEGER REFERENCES accounts(id),
    at              TEXT NOT NULL
);
CREATE INDEX course_events_of_participant ON course_events (participant_id, id);
"""

V13_KEYS = """
-- An encrypted library (docs/architecture.md, "Encrypted at rest"): each take's own key,
-- wrapped by the library key; deleting the take deletes it, and with it every copy of the
-- take's files (crypto-shredding). A library without accounts has none.
CREATE TABLE take_keys (
    take_id INTEGER PRIMARY KEY REFERENCES takes(id) ON DELETE CASCADE,
    wrapped BLOB NOT NULL CHECK (length(wrapped) BETWEEN 44 AND 128)
);
-- Which entry of the key file (library.keys, beside the database) wraps the library key
-- for the account's passphrase; none for a disabled account.
ALTER TABLE accounts ADD COLUMN key_entry TEXT;
"""

MIGRATIONS: tuple[Migration, ...] = (V1_BASE_SCHEMA, V2_TRACK_PARTS, V3_SONGS_AND_LAYERS,
                                     V4_EXPORT_FILES, V5_ANNOTATIONS, V6_SESSION_AND_TAKE_STATE,
                                     V7_ACCOUNTS, V8_PART_HASHES, v9_ledger_chain, V10_RETENTION,
                                     V11_DELETIONS, V12_GROUPS_AND_COURSES, V13_KEYS,
                                     V14_SPOOLED_TAKES, V15_TAKE_INDEXES, V16_DAY_LIBRARIES)

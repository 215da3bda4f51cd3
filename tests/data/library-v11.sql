-- mt_studio library at schema version 11, kept to test upgrades from it.
-- Never edit.
PRAGMA user_version = 11;
BEGIN TRANSACTION;
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
INSERT INTO "accounts" VALUES(1,'Therese','therese','admin','$argon2id$v=19$m=65536,t=3,p=4$GLviB/NKTv+auB1oQE6YUQ$LKwzGc67IGfnXlJXTyOmoGclFf93T8JXdfyexth13p0',0,0,NULL,'2026-12-07T12:17:47.489761+00:00');
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
CREATE TABLE attendance (
    session_id      INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    participant_id  INTEGER NOT NULL REFERENCES participants(id),
    PRIMARY KEY (session_id, participant_id)
);
INSERT INTO "attendance" VALUES(1,1);
INSERT INTO "attendance" VALUES(1,2);
CREATE TABLE audit_log (
    id              INTEGER PRIMARY KEY,
    at              TEXT NOT NULL,
    action          TEXT NOT NULL,
    subject         TEXT NOT NULL,
    participant_id  INTEGER,
    details         TEXT NOT NULL DEFAULT '{}'
, actor_id INTEGER REFERENCES accounts(id), for_participant INTEGER REFERENCES participants(id), hash TEXT);
INSERT INTO "audit_log" VALUES(1,'2026-12-07T12:17:47.325102+00:00','participant.added','participant:1',1,'{"real_name_given": true}',NULL,NULL,'6270803ab9568d5b3942c29bb7c363ba06a9be1e8919e78f7b515b0bde08a8cb');
INSERT INTO "audit_log" VALUES(2,'2026-12-07T12:17:47.325349+00:00','participant.added','participant:2',2,'{"real_name_given": false}',NULL,NULL,'380c66dc42752ce916760e27d0ea1fbaf559314a1b696c7c0a1218e06d1ec018');
INSERT INTO "audit_log" VALUES(3,'2026-12-07T12:17:47.325420+00:00','consent.granted','consent:1',1,'{"purpose": "record"}',NULL,NULL,'26441413c81476bd8233ae4df3b85513f83d487d14c2a871a4c5dd0694f14828');
INSERT INTO "audit_log" VALUES(4,'2026-12-07T12:17:47.325420+00:00','consent.granted','consent:2',1,'{"purpose": "keep"}',NULL,NULL,'9b4caf2cac0a3ea64a25d68539aee74a6a89868a75e6fac3319258b5cf377381');
INSERT INTO "audit_log" VALUES(5,'2026-12-07T12:17:47.326068+00:00','consent.granted','consent:3',2,'{"purpose": "record"}',NULL,NULL,'102fd4fab8f0e4449534924a2971d50640ae467dd34c6f50e98b8e350d90e7e7');
INSERT INTO "audit_log" VALUES(6,'2026-12-07T12:17:47.326513+00:00','session.created','session:1',NULL,'{"kind": "band", "participants": [1, 2], "template": null}',NULL,NULL,'b14c6da2d1510ddc6c49d283453834547f9dc510ab3550c43667d601161f1922');
INSERT INTO "audit_log" VALUES(7,'2026-12-07T12:17:47.326974+00:00','take.started','take:1',NULL,'{"session": 1}',NULL,NULL,'4631907b400fc951d860e11cbd36183da885ff17c1fcad5c7f708b73af2fb0aa');
INSERT INTO "audit_log" VALUES(8,'2026-12-07T12:17:47.327648+00:00','take.recorded','take:1',NULL,'{"frames": 480000, "stop_reason": null}',NULL,NULL,'cd91a2c1c42aec4c847bf3c340860b90bf0a52e58801d690ec9d6181d4b49bb1');
INSERT INTO "audit_log" VALUES(9,'2026-12-07T12:17:47.327960+00:00','song.created','song:1',NULL,'{"writers": [1, 2]}',NULL,NULL,'eed249475047b0a6493a0518c550617ace3d89133e8ab2b5e75a90b218381173');
INSERT INTO "audit_log" VALUES(10,'2026-12-07T12:17:47.328801+00:00','song.take_linked','song:1',NULL,'{"take": 1}',NULL,NULL,'03a38b7a340d81a9980f2da8c655bd54fdd82db862b2da3ccc43c2b68589112b');
INSERT INTO "audit_log" VALUES(11,'2026-12-07T12:17:47.329188+00:00','song.saved','song:1',NULL,'{"fields": ["lyrics", "notes"], "version": 2}',NULL,NULL,'652343dad753f1b05899e8195850e4a3216692ba55abf80d251de514070848a1');
INSERT INTO "audit_log" VALUES(12,'2026-12-07T12:17:47.329672+00:00','take.described','take:1',NULL,'{"fields": ["name", "note"]}',NULL,NULL,'d247dea2c9cb372c4cbb78b91f2b237125f322e4b85a0a1be3ecd57187d9c7b8');
INSERT INTO "audit_log" VALUES(13,'2026-12-07T12:17:47.489980+00:00','account.added','account:1',NULL,'{"role": "admin"}',NULL,NULL,'c497253c22870cce4917f08607eb4aeebc20ae0879ea8218c3e662fca88a852c');
CREATE TABLE consent_events (
    id              INTEGER PRIMARY KEY,
    participant_id  INTEGER NOT NULL REFERENCES participants(id),
    purpose         TEXT NOT NULL CHECK (purpose IN ('record', 'keep', 'supervision', 'group', 'community', 'public')),
    action          TEXT NOT NULL CHECK (action IN ('grant', 'withdraw')),
    at              TEXT NOT NULL,
    valid_until     TEXT,
    credit          TEXT CHECK (credit IN ('name', 'pseudonym', 'none')),
    witness         TEXT,
    form_version    TEXT,
    reason          TEXT, hash TEXT,
    CHECK (action = 'grant' OR (valid_until IS NULL AND credit IS NULL))
);
INSERT INTO "consent_events" VALUES(1,1,'record','grant','2026-12-07T12:17:47.325420+00:00',NULL,'pseudonym','T. Therapist','2026-1',NULL,'c50cff567f349c346d12846dade036d7a1066e4bbe0336e2eb6313f912582218');
INSERT INTO "consent_events" VALUES(2,1,'keep','grant','2026-12-07T12:17:47.325420+00:00',NULL,'pseudonym','T. Therapist','2026-1',NULL,'e9f70adaa47cf97983b6ba811bd4161084fea619e8f5357ebc51ccc99a96f37a');
INSERT INTO "consent_events" VALUES(3,2,'record','grant','2026-12-07T12:17:47.326068+00:00',NULL,NULL,NULL,NULL,NULL,'f65581c5749532cdcf563005b8590d56f198c818ae0389e5709e06e8b98aa0b8');
CREATE TABLE dropouts (
    id       INTEGER PRIMARY KEY,
    take_id  INTEGER NOT NULL REFERENCES takes(id) ON DELETE CASCADE,
    frame    INTEGER NOT NULL CHECK (frame >= 0),
    length   INTEGER NOT NULL CHECK (length > 0),
    cause    TEXT NOT NULL
);
INSERT INTO "dropouts" VALUES(1,1,96000,128,'input overflow');
CREATE TABLE export_files (
    export_id  INTEGER NOT NULL REFERENCES exports(id),
    name       TEXT NOT NULL,
    bytes      INTEGER NOT NULL CHECK (bytes >= 0),
    sha256     TEXT NOT NULL CHECK (length(sha256) = 64),
    PRIMARY KEY (export_id, name)
);
CREATE TABLE export_participants (
    export_id       INTEGER NOT NULL REFERENCES exports(id),
    participant_id  INTEGER NOT NULL REFERENCES participants(id),
    PRIMARY KEY (export_id, participant_id)
);
CREATE TABLE export_tracks (
    export_id  INTEGER NOT NULL REFERENCES exports(id),
    take_id    INTEGER NOT NULL,
    track_id   INTEGER NOT NULL,
    PRIMARY KEY (export_id, track_id)
);
CREATE TABLE exports (
    id          INTEGER PRIMARY KEY,
    created_at  TEXT NOT NULL,
    purpose     TEXT NOT NULL CHECK (purpose IN ('record', 'keep', 'supervision', 'group', 'community', 'public')),
    recipient   TEXT NOT NULL,
    profile     TEXT,
    file        TEXT NOT NULL
, title TEXT NOT NULL DEFAULT '', hash TEXT);
CREATE TABLE layers (
    track_id    INTEGER PRIMARY KEY REFERENCES tracks(id) ON DELETE CASCADE,
    number      INTEGER NOT NULL CHECK (number >= 1),
    latency     INTEGER NOT NULL DEFAULT 0,  -- the round trip it was lined up by, in frames
    muted       INTEGER NOT NULL DEFAULT 0 CHECK (muted IN (0, 1)),
    undone      INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0, 1)),
    created_at  TEXT NOT NULL
);
CREATE TABLE library_identity (id TEXT NOT NULL CHECK (length(id) = 32));
INSERT INTO "library_identity" VALUES('4cee1ee25e4b355b2a02720b5d7edbea');
CREATE TABLE lyric_stamps (
    version_id  INTEGER NOT NULL REFERENCES song_versions(id) ON DELETE CASCADE,
    line        INTEGER NOT NULL CHECK (line >= 0),
    take_id     INTEGER NOT NULL REFERENCES takes(id) ON DELETE CASCADE,
    frame       INTEGER NOT NULL CHECK (frame >= 0),
    PRIMARY KEY (version_id, line, take_id)
);
INSERT INTO "lyric_stamps" VALUES(1,2,1,144000);
INSERT INTO "lyric_stamps" VALUES(2,2,1,144000);
CREATE TABLE markers (
    id       INTEGER PRIMARY KEY,
    take_id  INTEGER NOT NULL REFERENCES takes(id) ON DELETE CASCADE,
    frame    INTEGER NOT NULL CHECK (frame >= 0),
    name     TEXT NOT NULL DEFAULT ''
);
INSERT INTO "markers" VALUES(1,1,48000,'chorus');
CREATE TABLE participants (
    id          INTEGER PRIMARY KEY,
    pseudonym   TEXT NOT NULL CHECK (length(trim(pseudonym)) > 0),
    -- casefolded in Python: SQLite's NOCASE folds only ASCII, and Øyvind is øyvind.
    lookup_key  TEXT NOT NULL UNIQUE,
    real_name   TEXT,
    created_at  TEXT NOT NULL
, erased_at TEXT);
INSERT INTO "participants" VALUES(1,'Ola','ola','Ola Nordmann','2026-12-07T12:17:47.324916+00:00',NULL);
INSERT INTO "participants" VALUES(2,'Kari','kari',NULL,'2026-12-07T12:17:47.325314+00:00',NULL);
CREATE TABLE pending_removals (
    id    INTEGER PRIMARY KEY,
    path  TEXT NOT NULL CHECK (length(path) > 0 AND path NOT LIKE '/%')
);
CREATE TABLE retention_holds (
    id          INTEGER PRIMARY KEY,
    take_id     INTEGER NOT NULL REFERENCES takes(id) ON DELETE CASCADE,
    reason      TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    account_id  INTEGER REFERENCES accounts(id),
    at          TEXT NOT NULL,
    until       TEXT NOT NULL
);
CREATE TABLE retired_ids (
    kind  TEXT PRIMARY KEY CHECK (kind IN ('takes', 'tracks', 'songs')),
    last  INTEGER NOT NULL
);
CREATE TABLE service_settings (
    name   TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
CREATE TABLE session_input_players (
    session_id      INTEGER NOT NULL,
    input           INTEGER NOT NULL,
    participant_id  INTEGER NOT NULL REFERENCES participants(id),
    PRIMARY KEY (session_id, input, participant_id),
    FOREIGN KEY (session_id, input) REFERENCES session_inputs (session_id, input)
        ON DELETE CASCADE
);
INSERT INTO "session_input_players" VALUES(1,2,2);
CREATE TABLE session_inputs (
    session_id  INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    input       INTEGER NOT NULL CHECK (input >= 1),
    label       TEXT NOT NULL,
    isolated    INTEGER NOT NULL DEFAULT 0 CHECK (isolated IN (0, 1)),
    armed       INTEGER NOT NULL DEFAULT 1 CHECK (armed IN (0, 1)),
    PRIMARY KEY (session_id, input)
);
INSERT INTO "session_inputs" VALUES(1,1,'Vocal mic',0,1);
INSERT INTO "session_inputs" VALUES(1,2,'Bass DI',1,1);
CREATE TABLE session_midi_players (
    session_id      INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    participant_id  INTEGER NOT NULL REFERENCES participants(id),
    PRIMARY KEY (session_id, participant_id)
);
INSERT INTO "session_midi_players" VALUES(1,1);
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
, midi_port TEXT);
INSERT INTO "sessions" VALUES(1,'Tuesday band','band','2026-11-03',NULL,'',NULL,NULL,0,'2026-12-07T12:17:47.326257+00:00','Keystation 49');
CREATE TABLE song_takes (
    song_id  INTEGER NOT NULL REFERENCES songs(id) ON DELETE CASCADE,
    take_id  INTEGER NOT NULL REFERENCES takes(id) ON DELETE CASCADE,
    PRIMARY KEY (song_id, take_id)
);
INSERT INTO "song_takes" VALUES(1,1);
CREATE TABLE song_versions (
    id          INTEGER PRIMARY KEY,
    song_id     INTEGER NOT NULL REFERENCES songs(id) ON DELETE CASCADE,
    number      INTEGER NOT NULL CHECK (number >= 1),
    lyrics      TEXT NOT NULL DEFAULT '',
    notes       TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    UNIQUE (song_id, number)
);
INSERT INTO "song_versions" VALUES(1,1,1,'First verse

Chorus
Second verse
Chorus','','2026-12-07T12:17:47.327811+00:00');
INSERT INTO "song_versions" VALUES(2,1,2,'New first verse

Chorus
Second verse
Chorus','Slower before the last chorus.','2026-12-07T12:17:47.329006+00:00');
CREATE TABLE song_writers (
    song_id         INTEGER NOT NULL REFERENCES songs(id) ON DELETE CASCADE,
    participant_id  INTEGER NOT NULL REFERENCES participants(id),
    PRIMARY KEY (song_id, participant_id)
);
INSERT INTO "song_writers" VALUES(1,1);
INSERT INTO "song_writers" VALUES(1,2);
CREATE TABLE songs (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL CHECK (length(trim(title)) > 0),
    created_at  TEXT NOT NULL
);
INSERT INTO "songs" VALUES(1,'Morning song','2026-12-07T12:17:47.327811+00:00');
CREATE TABLE take_listening (
    take_id     INTEGER PRIMARY KEY REFERENCES takes(id) ON DELETE CASCADE,
    loop_start  INTEGER CHECK (loop_start >= 0),
    loop_end    INTEGER CHECK (loop_end > loop_start),
    looping     INTEGER NOT NULL DEFAULT 0 CHECK (looping IN (0, 1)),
    speed       REAL NOT NULL DEFAULT 1.0 CHECK (speed BETWEEN 0.5 AND 1.5),
    semitones   INTEGER NOT NULL DEFAULT 0 CHECK (semitones BETWEEN -6 AND 6),
    CHECK ((loop_start IS NULL) = (loop_end IS NULL))
);
INSERT INTO "take_listening" VALUES(1,48000,144000,1,0.8,-2);
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
    stop_reason    TEXT, name TEXT, note TEXT NOT NULL DEFAULT '',
    UNIQUE (session_id, number)
);
INSERT INTO "takes" VALUES(1,1,1,'complete',48000,480000,'pcm24','system','2026-12-07T12:17:47.326879+00:00','2026-12-07T12:17:47.327572+00:00',NULL,'Groove','Bass a little loud.');
CREATE TABLE track_mix (
    track_id  INTEGER PRIMARY KEY REFERENCES tracks(id) ON DELETE CASCADE,
    gain_db   REAL NOT NULL DEFAULT 0,
    pan       REAL NOT NULL DEFAULT 0 CHECK (pan BETWEEN -1 AND 1),
    muted     INTEGER NOT NULL DEFAULT 0 CHECK (muted IN (0, 1)),
    solo      INTEGER NOT NULL DEFAULT 0 CHECK (solo IN (0, 1))
);
INSERT INTO "track_mix" VALUES(1,-6.0,0.5,0,1);
CREATE TABLE track_participants (
    track_id        INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
    participant_id  INTEGER NOT NULL REFERENCES participants(id),
    PRIMARY KEY (track_id, participant_id)
);
INSERT INTO "track_participants" VALUES(1,1);
INSERT INTO "track_participants" VALUES(1,2);
INSERT INTO "track_participants" VALUES(2,2);
CREATE TABLE track_parts (
    track_id     INTEGER NOT NULL REFERENCES tracks(id) ON DELETE CASCADE,
    number       INTEGER NOT NULL CHECK (number >= 1),
    first_frame  INTEGER NOT NULL CHECK (first_frame >= 0),
    frames       INTEGER NOT NULL CHECK (frames >= 0),
    file         TEXT NOT NULL, sha256 TEXT
    CHECK (sha256 IS NULL OR (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*')),
    PRIMARY KEY (track_id, number)
);
INSERT INTO "track_parts" VALUES(1,1,0,480000,'audio/take-1/track-1.wav','69443bade70e4f131bd8e244129a200532f0ecab64d5b78d62d3caa0c2198f25');
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
INSERT INTO "tracks" VALUES(1,1,'audio',1,NULL,'audio/take-1/track-1.wav',0,NULL);
INSERT INTO "tracks" VALUES(2,1,'audio',2,NULL,'audio/take-1/track-2.wav',1,NULL);
CREATE INDEX consent_events_by_participant ON consent_events (participant_id, purpose, id);
CREATE INDEX annotations_of_take ON annotations (take_id, start);
CREATE INDEX audit_log_of_participant ON audit_log (participant_id, id);
CREATE INDEX audit_log_of_actor ON audit_log (actor_id, id);
CREATE TRIGGER consent_events_no_update BEFORE UPDATE ON consent_events BEGIN SELECT RAISE(ABORT, 'consent_events is append-only'); END;
CREATE TRIGGER consent_events_no_delete BEFORE DELETE ON consent_events BEGIN SELECT RAISE(ABORT, 'consent_events is append-only'); END;
CREATE TRIGGER consent_events_no_replace BEFORE INSERT ON consent_events WHEN EXISTS (SELECT 1 FROM consent_events WHERE id = NEW.id) BEGIN SELECT RAISE(ABORT, 'consent_events is append-only'); END;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id) BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER exports_no_update BEFORE UPDATE ON exports BEGIN SELECT RAISE(ABORT, 'exports is append-only'); END;
CREATE TRIGGER exports_no_delete BEFORE DELETE ON exports BEGIN SELECT RAISE(ABORT, 'exports is append-only'); END;
CREATE TRIGGER exports_no_replace BEFORE INSERT ON exports WHEN EXISTS (SELECT 1 FROM exports WHERE id = NEW.id) BEGIN SELECT RAISE(ABORT, 'exports is append-only'); END;
CREATE TRIGGER export_tracks_no_update BEFORE UPDATE ON export_tracks BEGIN SELECT RAISE(ABORT, 'export_tracks is append-only'); END;
CREATE TRIGGER export_tracks_no_delete BEFORE DELETE ON export_tracks BEGIN SELECT RAISE(ABORT, 'export_tracks is append-only'); END;
CREATE TRIGGER export_participants_no_update BEFORE UPDATE ON export_participants BEGIN SELECT RAISE(ABORT, 'export_participants is append-only'); END;
CREATE TRIGGER export_participants_no_delete BEFORE DELETE ON export_participants BEGIN SELECT RAISE(ABORT, 'export_participants is append-only'); END;
CREATE TRIGGER export_files_no_update BEFORE UPDATE ON export_files BEGIN SELECT RAISE(ABORT, 'export_files is append-only'); END;
CREATE TRIGGER export_files_no_delete BEFORE DELETE ON export_files BEGIN SELECT RAISE(ABORT, 'export_files is append-only'); END;
CREATE TRIGGER library_identity_no_update BEFORE UPDATE ON library_identity BEGIN SELECT RAISE(ABORT, 'library_identity is append-only'); END;
CREATE TRIGGER library_identity_no_delete BEFORE DELETE ON library_identity BEGIN SELECT RAISE(ABORT, 'library_identity is append-only'); END;
CREATE INDEX retention_holds_of_take ON retention_holds (take_id, id);
COMMIT;

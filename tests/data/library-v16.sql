-- mt_studio library at schema version 16, kept to test upgrades from it.
-- Never edit.
PRAGMA user_version = 16;
BEGIN TRANSACTION;
CREATE TABLE absences (
    session_id      INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    participant_id  INTEGER NOT NULL REFERENCES participants(id),
    answer          TEXT NOT NULL CHECK (answer IN ('sent_word', 'absent')),
    PRIMARY KEY (session_id, participant_id)
);
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
, key_entry TEXT);
INSERT INTO "accounts" VALUES(1,'Therese','therese','admin','$argon2id$v=19$m=65536,t=3,p=4$Y8Fdk81CucK2cTTcE2B0rw$c+MmiQjb3y6Dda+BwEIRWvQRnqSQBmcB5959F1GkNos',0,0,NULL,'2026-12-07T23:53:25.053804+00:00',NULL);
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
INSERT INTO "audit_log" VALUES(1,'2026-12-07T23:53:24.648887+00:00','participant.added','participant:1',1,'{"real_name_given": true}',NULL,NULL,'06a79ae6de758d88200a954eb357b3a677dbc365399712169b0636f71ee48e54');
INSERT INTO "audit_log" VALUES(2,'2026-12-07T23:53:24.649165+00:00','participant.added','participant:2',2,'{"real_name_given": false}',NULL,NULL,'29f65173e32660f5d9f4e230375d2f2ee109faf0dc2e12e313cd119361e8593e');
INSERT INTO "audit_log" VALUES(3,'2026-12-07T23:53:24.649246+00:00','consent.granted','consent:1',1,'{"purpose": "record"}',NULL,NULL,'60ed196b443f0441e506b07255cd8a56f51a1e7ac7a889454efd7c5620931513');
INSERT INTO "audit_log" VALUES(4,'2026-12-07T23:53:24.649246+00:00','consent.granted','consent:2',1,'{"purpose": "keep"}',NULL,NULL,'9b48aad50f2e094121c08c2243432e60fbceec8d78f4e3b104ab247747b625a3');
INSERT INTO "audit_log" VALUES(5,'2026-12-07T23:53:24.649798+00:00','consent.granted','consent:3',2,'{"purpose": "record"}',NULL,NULL,'3cbcce3686146f87da2527b52e8d0598d1a470971c12a2365f7a6ea2db53fbac');
INSERT INTO "audit_log" VALUES(6,'2026-12-07T23:53:24.650223+00:00','session.created','session:1',NULL,'{"kind": "band", "participants": [1, 2], "template": null}',NULL,NULL,'cd51e353edbd9a6e611acc766c4f868d9ab2842a60e9f495cd642b3d36c179f6');
INSERT INTO "audit_log" VALUES(7,'2026-12-07T23:53:24.650598+00:00','take.started','take:1',NULL,'{"session": 1}',NULL,NULL,'f0a7f397cbd6837939dafb1b73590dd39a3b16f3dfdccea0676ed7245fe15f17');
INSERT INTO "audit_log" VALUES(8,'2026-12-07T23:53:24.651117+00:00','take.recorded','take:1',NULL,'{"frames": 480000, "stop_reason": null}',NULL,NULL,'17088968685ed2e8f0a4bb660e3bb5c94138b6574c7640c2419d236a78096734');
INSERT INTO "audit_log" VALUES(9,'2026-12-07T23:53:24.651347+00:00','song.created','song:1',NULL,'{"writers": [1, 2]}',NULL,NULL,'63548925c9d7b4f916f0ca7848e421ce713674534ba42c4a34af5fe326fd75b5');
INSERT INTO "audit_log" VALUES(10,'2026-12-07T23:53:24.652097+00:00','song.take_linked','song:1',NULL,'{"take": 1}',NULL,NULL,'8ca8648a29f72e1b874b92cfe0df114399442453602d3441194091d101aec797');
INSERT INTO "audit_log" VALUES(11,'2026-12-07T23:53:24.652491+00:00','song.saved','song:1',NULL,'{"fields": ["lyrics", "notes"], "version": 2}',NULL,NULL,'5e30e8d9d73b2c5aedceeb2bef768fb78151d6fe1a6ea8907f363f7475f7f035');
INSERT INTO "audit_log" VALUES(12,'2026-12-07T23:53:24.653280+00:00','take.described','take:1',NULL,'{"fields": ["name", "note"]}',NULL,NULL,'b9afeb6907ebe2d9ee9c44ee9928d1d2804c74370a0cb9490c1c4ae04c64d264');
INSERT INTO "audit_log" VALUES(13,'2026-12-07T23:53:25.054096+00:00','account.added','account:1',NULL,'{"role": "admin"}',NULL,NULL,'c0258f242c1518beabd74ebfe3df2a02a7cd2db77a7204b99bf6292bb87b717e');
INSERT INTO "audit_log" VALUES(14,'2026-12-07T23:53:25.054457+00:00','group.added','group:1',NULL,'{"kind": "band"}',NULL,NULL,'d9b06a820d39557e5d169d668321f7e8f8f7706666223105dfba59f50d5ea2ae');
INSERT INTO "audit_log" VALUES(15,'2026-12-07T23:53:25.054852+00:00','group.joined','group:1',1,'{"on": "2026-01-05"}',NULL,NULL,'a20c831bc8009d35ee9f64bb2c8ee501491e209f849626343f4e43f3a34d069e');
INSERT INTO "audit_log" VALUES(16,'2026-12-07T23:53:25.055046+00:00','group.joined','group:1',2,'{"on": "2026-01-05"}',NULL,NULL,'bcdf7bfad887e887600b01a9c78a6c4d95737ae7f189d4d380dacce24af8eedf');
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
INSERT INTO "consent_events" VALUES(1,1,'record','grant','2026-12-07T23:53:24.649246+00:00',NULL,'pseudonym','T. Therapist','2026-1',NULL,'652c518bf5fabdd399fd2d186d722753cfba73c43b0a3142e54ecfaaae9d4c19');
INSERT INTO "consent_events" VALUES(2,1,'keep','grant','2026-12-07T23:53:24.649246+00:00',NULL,'pseudonym','T. Therapist','2026-1',NULL,'ddd9180259cb5ee71b95f880acdb53663eca966a0a587a86c939a3800eb4b645');
INSERT INTO "consent_events" VALUES(3,2,'record','grant','2026-12-07T23:53:24.649798+00:00',NULL,NULL,NULL,NULL,NULL,'1928290ad54cd37ec2a341851746ba5e57ffaf99c844abcafb8b01e66f8f8d35');
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
CREATE TABLE day_libraries (
    id        TEXT PRIMARY KEY CHECK (length(id) = 32),
    computer  TEXT NOT NULL CHECK (length(computer) BETWEEN 1 AND 255),
    moved_at  TEXT NOT NULL
);
CREATE TABLE day_takes (
    take_id        INTEGER PRIMARY KEY REFERENCES takes(id) ON DELETE CASCADE,
    day_library    TEXT NOT NULL REFERENCES day_libraries(id),
    day_take       INTEGER NOT NULL,
    not_consented  TEXT NOT NULL DEFAULT '[]',
    UNIQUE (day_library, day_take)
);
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
CREATE TABLE group_members (
    id              INTEGER PRIMARY KEY,
    group_id        INTEGER NOT NULL REFERENCES groups(id),
    participant_id  INTEGER NOT NULL REFERENCES participants(id),
    joined          TEXT NOT NULL,
    left_on         TEXT CHECK (left_on IS NULL OR left_on >= joined)
);
INSERT INTO "group_members" VALUES(1,1,1,'2026-01-05',NULL);
INSERT INTO "group_members" VALUES(2,1,2,'2026-01-05',NULL);
CREATE TABLE groups (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL CHECK (length(trim(name)) > 0),
    lookup_key  TEXT NOT NULL UNIQUE,  -- casefolded in Python, as participants' pseudonyms
    kind        TEXT NOT NULL CHECK (kind IN ('band', 'choir')),
    created_at  TEXT NOT NULL
);
INSERT INTO "groups" VALUES(1,'Morning band','morning band','band','2026-12-07T23:53:25.054355+00:00');
CREATE TABLE layers (
    track_id    INTEGER PRIMARY KEY REFERENCES tracks(id) ON DELETE CASCADE,
    number      INTEGER NOT NULL CHECK (number >= 1),
    latency     INTEGER NOT NULL DEFAULT 0,  -- the round trip it was lined up by, in frames
    muted       INTEGER NOT NULL DEFAULT 0 CHECK (muted IN (0, 1)),
    undone      INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0, 1)),
    created_at  TEXT NOT NULL
);
CREATE TABLE library_identity (id TEXT NOT NULL CHECK (length(id) = 32));
INSERT INTO "library_identity" VALUES('31b02ce6b8ba89eb013942ccc6608a5c');
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
INSERT INTO "participants" VALUES(1,'Ola','ola','Ola Nordmann','2026-12-07T23:53:24.648718+00:00',NULL);
INSERT INTO "participants" VALUES(2,'Kari','kari',NULL,'2026-12-07T23:53:24.649079+00:00',NULL);
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
, midi_port TEXT, group_id INTEGER REFERENCES groups(id));
INSERT INTO "sessions" VALUES(1,'Tuesday band','band','2026-11-03',NULL,'',NULL,NULL,0,'2026-12-07T23:53:24.650004+00:00','Keystation 49',1);
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
Chorus','','2026-12-07T23:53:24.651248+00:00');
INSERT INTO "song_versions" VALUES(2,1,2,'New first verse

Chorus
Second verse
Chorus','Slower before the last chorus.','2026-12-07T23:53:24.652332+00:00');
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
INSERT INTO "songs" VALUES(1,'Morning song','2026-12-07T23:53:24.651248+00:00');
CREATE TABLE spooled_takes (
    take_id   INTEGER PRIMARY KEY REFERENCES takes(id) ON DELETE CASCADE,
    spool     TEXT NOT NULL CHECK (length(spool) BETWEEN 1 AND 64),
    computer  TEXT NOT NULL CHECK (length(computer) BETWEEN 1 AND 255)
);
CREATE TABLE take_keys (
    take_id INTEGER PRIMARY KEY REFERENCES takes(id) ON DELETE CASCADE,
    wrapped BLOB NOT NULL CHECK (length(wrapped) BETWEEN 44 AND 128)
);
INSERT INTO "take_keys" VALUES(1,X'000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F202122232425262728292A2B2C2D2E2F303132333435363738393A3B');
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
INSERT INTO "takes" VALUES(1,1,1,'complete',48000,480000,'pcm24','system','2026-12-07T23:53:24.650537+00:00','2026-12-07T23:53:24.651067+00:00',NULL,'Groove','Bass a little loud.');
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
CREATE INDEX group_members_of_group ON group_members (group_id, participant_id);
CREATE INDEX group_members_of_participant ON group_members (participant_id);
CREATE INDEX sessions_of_group ON sessions (group_id, date);
CREATE INDEX sessions_by_date ON sessions (date);
CREATE INDEX attendance_of_participant ON attendance (participant_id);
CREATE INDEX absences_of_participant ON absences (participant_id);
CREATE INDEX course_events_of_participant ON course_events (participant_id, id);
CREATE INDEX tracks_of_take ON tracks (take_id, id);
CREATE INDEX markers_of_take ON markers (take_id, frame);
CREATE INDEX dropouts_of_take ON dropouts (take_id, frame);
COMMIT;

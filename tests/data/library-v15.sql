-- mt_studio library at schema version 15, kept to test upgrades from it.
-- Never edit.
PRAGMA user_version = 15;
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
INSERT INTO "accounts" VALUES(1,'Therese','therese','admin','$argon2id$v=19$m=65536,t=3,p=4$8RYI2ZOCJXzkK7CI79+BMQ$X2Qis8naaRxHjdC1HiaW8L9xWGZH77yYrhh4dbgqR8s',0,0,NULL,'2026-12-07T22:39:49.710195+00:00',NULL);
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
INSERT INTO "audit_log" VALUES(1,'2026-12-07T22:39:49.573980+00:00','participant.added','participant:1',1,'{"real_name_given": true}',NULL,NULL,'6130582cc1a857dc47564a1b1afbe4c569363ec41a46ee009640c931e2849b10');
INSERT INTO "audit_log" VALUES(2,'2026-12-07T22:39:49.574333+00:00','participant.added','participant:2',2,'{"real_name_given": false}',NULL,NULL,'e1e671250fa2531da39806d37b3811dd30efc866b9d0024e7f111f8296b2c459');
INSERT INTO "audit_log" VALUES(3,'2026-12-07T22:39:49.574466+00:00','consent.granted','consent:1',1,'{"purpose": "record"}',NULL,NULL,'e19209f2ec545cd0c8c99560371d5772bf37d34e6f6a03302b87438fd3f6ca46');
INSERT INTO "audit_log" VALUES(4,'2026-12-07T22:39:49.574466+00:00','consent.granted','consent:2',1,'{"purpose": "keep"}',NULL,NULL,'1f95522c3bfb2ce9aeebedac9d6260d8c290b82d305502e79de4b6f94e8155a0');
INSERT INTO "audit_log" VALUES(5,'2026-12-07T22:39:49.575190+00:00','consent.granted','consent:3',2,'{"purpose": "record"}',NULL,NULL,'95e557b08d4986468fa0d31dc115f81ba18240271b24e4fa0baf181d5ac266ad');
INSERT INTO "audit_log" VALUES(6,'2026-12-07T22:39:49.575875+00:00','session.created','session:1',NULL,'{"kind": "band", "participants": [1, 2], "template": null}',NULL,NULL,'6c36cd7d07705f4d4d4d2d8f53d844f5080047a40d07834c838b11f72f1b47bc');
INSERT INTO "audit_log" VALUES(7,'2026-12-07T22:39:49.576451+00:00','take.started','take:1',NULL,'{"session": 1}',NULL,NULL,'e0a057be1a168770cf5eadab268fa53ca20d92e89facbeb56edbc4e2f225fa09');
INSERT INTO "audit_log" VALUES(8,'2026-12-07T22:39:49.577197+00:00','take.recorded','take:1',NULL,'{"frames": 480000, "stop_reason": null}',NULL,NULL,'2c291ef1bc788b988226efe1503861a16393960b3eb38a496aaf015cf05f636e');
INSERT INTO "audit_log" VALUES(9,'2026-12-07T22:39:49.577549+00:00','song.created','song:1',NULL,'{"writers": [1, 2]}',NULL,NULL,'62186d5709996e7fde13de97645732ab807e02cd14e449e8f694d1f627ac12b8');
INSERT INTO "audit_log" VALUES(10,'2026-12-07T22:39:49.578547+00:00','song.take_linked','song:1',NULL,'{"take": 1}',NULL,NULL,'979b5eead4b89d5191a91142a9a6bf4631c01bcb92e3f5c2989363f90de5b3ae');
INSERT INTO "audit_log" VALUES(11,'2026-12-07T22:39:49.579057+00:00','song.saved','song:1',NULL,'{"fields": ["lyrics", "notes"], "version": 2}',NULL,NULL,'1bb18ab55a6e35f9df6d16e1fe965b2f5292347d35a9b8233c4f0cfc9d06b9bb');
INSERT INTO "audit_log" VALUES(12,'2026-12-07T22:39:49.580017+00:00','take.described','take:1',NULL,'{"fields": ["name", "note"]}',NULL,NULL,'e6d2a0594f99dc8d386771deab6740cb156dd952bb3f5b0ddd5610b74c7c9185');
INSERT INTO "audit_log" VALUES(13,'2026-12-07T22:39:49.710375+00:00','account.added','account:1',NULL,'{"role": "admin"}',NULL,NULL,'9f0faf50667ae5666956c490b4553fc319f5c01fe423924f1d279664ef23eb0b');
INSERT INTO "audit_log" VALUES(14,'2026-12-07T22:39:49.710597+00:00','group.added','group:1',NULL,'{"kind": "band"}',NULL,NULL,'1967a3beaf188c9426ec0a0e51ff2c4fcb126c66030b4e3eb2d43593cc3c0540');
INSERT INTO "audit_log" VALUES(15,'2026-12-07T22:39:49.710735+00:00','group.joined','group:1',1,'{"on": "2026-01-05"}',NULL,NULL,'0e13ea33ed92aa4099d2a8d656d12195a8eb90acd96fdd6bca18cfc4a73d7ab6');
INSERT INTO "audit_log" VALUES(16,'2026-12-07T22:39:49.710964+00:00','group.joined','group:1',2,'{"on": "2026-01-05"}',NULL,NULL,'ac69278f5fb1da487434732239a57bd86edd2d897212aaf32cd374abd2ea7e58');
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
INSERT INTO "consent_events" VALUES(1,1,'record','grant','2026-12-07T22:39:49.574466+00:00',NULL,'pseudonym','T. Therapist','2026-1',NULL,'b7ddc7854e5ae8a986e12e47db21da7324ae762276f518e87106162d82091a63');
INSERT INTO "consent_events" VALUES(2,1,'keep','grant','2026-12-07T22:39:49.574466+00:00',NULL,'pseudonym','T. Therapist','2026-1',NULL,'e71a5a1d930eead14ee9c03ec1157fd9e514861b7271583d301476aff2bbfa31');
INSERT INTO "consent_events" VALUES(3,2,'record','grant','2026-12-07T22:39:49.575190+00:00',NULL,NULL,NULL,NULL,NULL,'5fc6ba69b15c94b09091a76546874e9e853c6a4d566e490fc33813ec9460c0d5');
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
INSERT INTO "groups" VALUES(1,'Morning band','morning band','band','2026-12-07T22:39:49.710540+00:00');
CREATE TABLE layers (
    track_id    INTEGER PRIMARY KEY REFERENCES tracks(id) ON DELETE CASCADE,
    number      INTEGER NOT NULL CHECK (number >= 1),
    latency     INTEGER NOT NULL DEFAULT 0,  -- the round trip it was lined up by, in frames
    muted       INTEGER NOT NULL DEFAULT 0 CHECK (muted IN (0, 1)),
    undone      INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0, 1)),
    created_at  TEXT NOT NULL
);
CREATE TABLE library_identity (id TEXT NOT NULL CHECK (length(id) = 32));
INSERT INTO "library_identity" VALUES('7a260306a1c1bdcfcf19f1c15b3e68d8');
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
INSERT INTO "participants" VALUES(1,'Ola','ola','Ola Nordmann','2026-12-07T22:39:49.573788+00:00',NULL);
INSERT INTO "participants" VALUES(2,'Kari','kari',NULL,'2026-12-07T22:39:49.574199+00:00',NULL);
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
INSERT INTO "sessions" VALUES(1,'Tuesday band','band','2026-11-03',NULL,'',NULL,NULL,0,'2026-12-07T22:39:49.575564+00:00','Keystation 49',1);
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
Chorus','','2026-12-07T22:39:49.577378+00:00');
INSERT INTO "song_versions" VALUES(2,1,2,'New first verse

Chorus
Second verse
Chorus','Slower before the last chorus.','2026-12-07T22:39:49.578863+00:00');
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
INSERT INTO "songs" VALUES(1,'Morning song','2026-12-07T22:39:49.577378+00:00');
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
INSERT INTO "takes" VALUES(1,1,1,'complete',48000,480000,'pcm24','system','2026-12-07T22:39:49.576318+00:00','2026-12-07T22:39:49.577115+00:00',NULL,'Groove','Bass a little loud.');
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

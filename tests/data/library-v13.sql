-- mt_studio library at schema version 13, kept to test upgrades from it.
-- Never edit.
PRAGMA user_version = 13;
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
INSERT INTO "accounts" VALUES(1,'Therese','therese','admin','$argon2id$v=19$m=65536,t=3,p=4$EMW/LLt/RaGQ6/N0kTG72w$3THekaYBP+AxHQlQUmZtIM4EU5oy4f8YQLgEa+kjCzs',0,0,NULL,'2026-12-07T17:03:30.775931+00:00',NULL);
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
INSERT INTO "audit_log" VALUES(1,'2026-12-07T17:03:30.657350+00:00','participant.added','participant:1',1,'{"real_name_given": true}',NULL,NULL,'ec6adc9df5196ebe14bc3e82cb50f5b70c71c2b57f09c0c80826226d52d8157d');
INSERT INTO "audit_log" VALUES(2,'2026-12-07T17:03:30.657598+00:00','participant.added','participant:2',2,'{"real_name_given": false}',NULL,NULL,'aedac67d1645c49d3d508a72f7b048cac1a22849b2aebcd882ef13fd91230c79');
INSERT INTO "audit_log" VALUES(3,'2026-12-07T17:03:30.657701+00:00','consent.granted','consent:1',1,'{"purpose": "record"}',NULL,NULL,'428698c28ab4f9bb2ccf972263cf3003400adf5a212e7d4db5a9396dae6d0817');
INSERT INTO "audit_log" VALUES(4,'2026-12-07T17:03:30.657701+00:00','consent.granted','consent:2',1,'{"purpose": "keep"}',NULL,NULL,'58e87852a181a6ee9ada5d29dd7433857d1f9e203c665b4280bfa53adfad0cb9');
INSERT INTO "audit_log" VALUES(5,'2026-12-07T17:03:30.658351+00:00','consent.granted','consent:3',2,'{"purpose": "record"}',NULL,NULL,'2b9e86754640ede035b7ef678361d2fffcf09b4e2fcf2d9c6ace7e9b59633374');
INSERT INTO "audit_log" VALUES(6,'2026-12-07T17:03:30.658816+00:00','session.created','session:1',NULL,'{"kind": "band", "participants": [1, 2], "template": null}',NULL,NULL,'4865dc1f67b0e7038517c5dd016c7ef6956671b9f7481f2382cf6173f67a2b3e');
INSERT INTO "audit_log" VALUES(7,'2026-12-07T17:03:30.659141+00:00','take.started','take:1',NULL,'{"session": 1}',NULL,NULL,'6a76b156a0243d61c7903e99f5e8590140aaa90be65feff32bde9fd0b8a175ab');
INSERT INTO "audit_log" VALUES(8,'2026-12-07T17:03:30.659651+00:00','take.recorded','take:1',NULL,'{"frames": 480000, "stop_reason": null}',NULL,NULL,'97103d0ac29dbcecb0cb8fc02ed47d478c2a89a1a821ceb89d5caab365bade48');
INSERT INTO "audit_log" VALUES(9,'2026-12-07T17:03:30.659872+00:00','song.created','song:1',NULL,'{"writers": [1, 2]}',NULL,NULL,'33910ae92077962004d8fb400f87b0202fee9288e3a2cf7f5cfebc9927c8dc36');
INSERT INTO "audit_log" VALUES(10,'2026-12-07T17:03:30.660838+00:00','song.take_linked','song:1',NULL,'{"take": 1}',NULL,NULL,'5a7b8446b60b7c1fbf38717f10bccde1b5420bb66adb43d9e55bfc50eba05b7c');
INSERT INTO "audit_log" VALUES(11,'2026-12-07T17:03:30.661305+00:00','song.saved','song:1',NULL,'{"fields": ["lyrics", "notes"], "version": 2}',NULL,NULL,'1efae64bc146d3e13f2410d0eca5d50248f17535da1ff8533900f07eb27cb21b');
INSERT INTO "audit_log" VALUES(12,'2026-12-07T17:03:30.662050+00:00','take.described','take:1',NULL,'{"fields": ["name", "note"]}',NULL,NULL,'5db84509938b31b9286cd81a48a69efd304c86561e715ef721176e9c1efa368f');
INSERT INTO "audit_log" VALUES(13,'2026-12-07T17:03:30.776162+00:00','account.added','account:1',NULL,'{"role": "admin"}',NULL,NULL,'f9f2ef6e465abde2d20f077362cf9f95f7113bcf7415f8805d8775362c0edca5');
INSERT INTO "audit_log" VALUES(14,'2026-12-07T17:03:30.776428+00:00','group.added','group:1',NULL,'{"kind": "band"}',NULL,NULL,'92be2871fe93527cb87a1d88564c2036e390b172f2f8d3b67d319cd00a5e26c4');
INSERT INTO "audit_log" VALUES(15,'2026-12-07T17:03:30.776583+00:00','group.joined','group:1',1,'{"on": "2026-01-05"}',NULL,NULL,'40bc80aa7ee52bfa3cb03b99c12be31c1fee852c500082c3ec57593347f19985');
INSERT INTO "audit_log" VALUES(16,'2026-12-07T17:03:30.776702+00:00','group.joined','group:1',2,'{"on": "2026-01-05"}',NULL,NULL,'e0bee88e9e3f7ce6863fcee93567ad3bcc3f2acf4270f2716823a2c3ee14a010');
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
INSERT INTO "consent_events" VALUES(1,1,'record','grant','2026-12-07T17:03:30.657701+00:00',NULL,'pseudonym','T. Therapist','2026-1',NULL,'77afd57d96c5daf5a31623b318cbf8a14644fa819cc444633eb624d3317297e9');
INSERT INTO "consent_events" VALUES(2,1,'keep','grant','2026-12-07T17:03:30.657701+00:00',NULL,'pseudonym','T. Therapist','2026-1',NULL,'fd44a06728842ac57a5780c4d92dc90dcd44071c566670239f3763e896403ee6');
INSERT INTO "consent_events" VALUES(3,2,'record','grant','2026-12-07T17:03:30.658351+00:00',NULL,NULL,NULL,NULL,NULL,'dc622b59e77a01be3cee52c8a2e8451459b3007d409440d37f8e62f5afcc2268');
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
INSERT INTO "groups" VALUES(1,'Morning band','morning band','band','2026-12-07T17:03:30.776327+00:00');
CREATE TABLE layers (
    track_id    INTEGER PRIMARY KEY REFERENCES tracks(id) ON DELETE CASCADE,
    number      INTEGER NOT NULL CHECK (number >= 1),
    latency     INTEGER NOT NULL DEFAULT 0,  -- the round trip it was lined up by, in frames
    muted       INTEGER NOT NULL DEFAULT 0 CHECK (muted IN (0, 1)),
    undone      INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0, 1)),
    created_at  TEXT NOT NULL
);
CREATE TABLE library_identity (id TEXT NOT NULL CHECK (length(id) = 32));
INSERT INTO "library_identity" VALUES('14ae673a78aa9a76390cec4ba29d676e');
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
INSERT INTO "participants" VALUES(1,'Ola','ola','Ola Nordmann','2026-12-07T17:03:30.657232+00:00',NULL);
INSERT INTO "participants" VALUES(2,'Kari','kari',NULL,'2026-12-07T17:03:30.657532+00:00',NULL);
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
INSERT INTO "sessions" VALUES(1,'Tuesday band','band','2026-11-03',NULL,'',NULL,NULL,0,'2026-12-07T17:03:30.658640+00:00','Keystation 49',1);
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
Chorus','','2026-12-07T17:03:30.659782+00:00');
INSERT INTO "song_versions" VALUES(2,1,2,'New first verse

Chorus
Second verse
Chorus','Slower before the last chorus.','2026-12-07T17:03:30.661140+00:00');
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
INSERT INTO "songs" VALUES(1,'Morning song','2026-12-07T17:03:30.659782+00:00');
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
INSERT INTO "takes" VALUES(1,1,1,'complete',48000,480000,'pcm24','system','2026-12-07T17:03:30.659079+00:00','2026-12-07T17:03:30.659595+00:00',NULL,'Groove','Bass a little loud.');
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
COMMIT;

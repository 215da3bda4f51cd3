"""The SQLite library's migrations from version 14 on: those of the library shared by a
service (docs/architecture.md, "One library for the service"), each written for PostgreSQL
too (`schema_postgresql.MIGRATIONS`)."""

V14_SPOOLED_TAKES = """
-- A take of a service's library whose files are still in a computer's spool, recorded there
-- and not yet copied to the audio store and checked: the spool (a random id) and the
-- computer's name, to say where they wait. The row goes once they are in the store.
CREATE TABLE spooled_takes (
    take_id   INTEGER PRIMARY KEY REFERENCES takes(id) ON DELETE CASCADE,
    spool     TEXT NOT NULL CHECK (length(spool) BETWEEN 1 AND 64),
    computer  TEXT NOT NULL CHECK (length(computer) BETWEEN 1 AND 255)
);
"""

V15_TAKE_INDEXES = """
-- A take's tracks, markers and dropouts found by their take, not by reading every row: on ten
-- years of a service each take read scanned 56 000 tracks (benchmarks/library.py).
CREATE INDEX tracks_of_take ON tracks (take_id, id);
CREATE INDEX markers_of_take ON markers (take_id, frame);
CREATE INDEX dropouts_of_take ON dropouts (take_id, frame);
"""

V16_DAY_LIBRARIES = """
-- A library for the day, made on a computer while the service's server could not be reached,
-- once moved in: its rows are carried once (its id), its takes each moved once, from its take
-- DAY_TAKE, with those heard on it who had no consent to be recorded at that moment (a JSON
-- list of participant ids): such a take is on the deletion list (docs/architecture.md).
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
"""

"""What retention reads and keeps: finished takes with their tracks and who was present (and,
for a take moved in from a library for the day, who had no consent to be recorded then),
therapists' reasons to keep a take longer, and the service's retention rules."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime

from mt_studio.core.domain import TrackPlan
from mt_studio.core.domain.retention import KeptTake, RetentionHold, RetentionRules
from mt_studio.core.library import service_settings
from mt_studio.core.library.clock import from_text, to_text
from mt_studio.core.library.sqlite import sqlite3

_RULES = {"retention.grace_days": "grace_days", "retention.max_age_days": "max_age_days"}


def kept_takes(db: sqlite3.Connection) -> list[KeptTake]:
    """Every take not being recorded, with its session's day, tracks and who was present."""
    owners: dict[int, set[int]] = defaultdict(set)
    for track_id, participant_id in db.execute(
            "SELECT track_id, participant_id FROM track_participants"):
        owners[track_id].add(participant_id)
    tracks: dict[int, list[TrackPlan]] = defaultdict(list)
    for track_id, take_id, isolated in db.execute(
            "SELECT id, take_id, isolated FROM tracks ORDER BY id"):
        tracks[take_id].append(TrackPlan(f"track:{track_id}", frozenset(owners[track_id]),
                                         bool(isolated)))
    present: dict[int, set[int]] = defaultdict(set)
    for session_id, participant_id in db.execute(
            "SELECT session_id, participant_id FROM attendance"):
        present[session_id].add(participant_id)
    moved = {take_id: (from_text(at).astimezone().date(), frozenset(json.loads(missing)))
             for take_id, at, missing in db.execute(
                 "SELECT take_id, moved_at, not_consented FROM day_takes"
                 " JOIN day_libraries ON day_libraries.id = day_library")}
    rows = db.execute(
        "SELECT takes.id, session_id, sessions.title, sessions.date, number, name FROM takes"
        " JOIN sessions ON sessions.id = session_id WHERE status != 'recording'"
        " ORDER BY takes.id")
    return [KeptTake(take_id, session_id, title, date.fromisoformat(day), number, name,
                     tuple(tracks[take_id]), frozenset(present[session_id]),
                     *moved.get(take_id, (None, frozenset())))
            for take_id, session_id, title, day, number, name in rows]


def holds(db: sqlite3.Connection) -> dict[int, RetentionHold]:
    """The latest reason given to keep each take longer, by take id."""
    rows = db.execute(
        "SELECT take_id, reason, retention_holds.at, until, accounts.name FROM retention_holds"
        " LEFT JOIN accounts ON accounts.id = account_id ORDER BY retention_holds.id")
    return {take_id: RetentionHold(take_id, reason, from_text(at), date.fromisoformat(until),
                                   name)
            for take_id, reason, at, until, name in rows}


def hold(db: sqlite3.Connection, take_id: int, reason: str, account_id: int | None,
         at: datetime, until: date) -> None:
    """Keep REASON, given by ACCOUNT_ID at AT, to keep TAKE_ID until UNTIL."""
    db.execute("INSERT INTO retention_holds (take_id, reason, account_id, at, until)"
               " VALUES (?, ?, ?, ?, ?)",
               (take_id, reason, account_id, to_text(at), until.isoformat()))


def rules(db: sqlite3.Connection) -> RetentionRules:
    """The service's retention rules (the defaults for those never set)."""
    return RetentionRules(**service_settings.numbers(db, _RULES))


def set_rules(db: sqlite3.Connection, chosen: RetentionRules) -> None:
    """Keep CHOSEN as the service's retention rules."""
    service_settings.keep_numbers(db, _RULES, chosen)

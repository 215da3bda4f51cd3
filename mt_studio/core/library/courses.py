"""Participants' courses: the endings, new beginnings and "still with us" a therapist wrote."""

from __future__ import annotations

from datetime import date, datetime

from mt_studio.core.domain.groups import CourseEvent, CourseMark
from mt_studio.core.library import audit
from mt_studio.core.library.clock import from_text, to_text
from mt_studio.core.library.sqlite import sqlite3


def add(db: sqlite3.Connection, participant_id: int, mark: CourseMark, on: date, *,
        at: datetime, account_id: int | None, reason: str | None = None,
        detail: str | None = None, note: str = "") -> CourseEvent:
    """Write MARK about PARTICIPANT_ID's course on the day ON (audited; the note's words are
    not copied into the audit log)."""
    cursor = db.execute(
        "INSERT INTO course_events (participant_id, mark, on_day, reason, detail, note,"
        " account_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (participant_id, mark.value, on.isoformat(), reason, detail, note, account_id,
         to_text(at)))
    audit.record(db, f"course.{mark.value}", f"participant:{participant_id}", participant_id,
                 on=on.isoformat(), reason=reason, detail=detail, note_given=bool(note))
    event_id = cursor.fetchone()[0]
    return next(e for e in events(db, participant_id) if e.id == event_id)


def events(db: sqlite3.Connection, participant_id: int | None = None) -> list[CourseEvent]:
    """The course marks of PARTICIPANT_ID (or everyone's), in the order they were written."""
    where, args = ("WHERE c.participant_id = ?", (participant_id,)) if participant_id else ("", ())
    return [CourseEvent(row[0], row[1], CourseMark(row[2]), date.fromisoformat(row[3]), row[4],
                        row[5], row[6], from_text(row[7]), row[8])
            for row in db.execute(
                "SELECT c.id, c.participant_id, c.mark, c.on_day, c.reason, c.detail, c.note,"
                " c.at, a.name FROM course_events c LEFT JOIN accounts a ON a.id = c.account_id"
                f" {where} ORDER BY c.id", args)]


def first_day(db: sqlite3.Connection, participant_id: int) -> date | None:
    """The first day of PARTICIPANT_ID's course: the first session they came to or were
    expected at, or the day they first joined a group; None if there is none."""
    (day,) = db.execute(
        "SELECT min(day) FROM (SELECT s.date AS day FROM attendance a JOIN sessions s"
        " ON s.id = a.session_id WHERE a.participant_id = :p UNION ALL SELECT s.date FROM"
        " absences a JOIN sessions s ON s.id = a.session_id WHERE a.participant_id = :p"
        " UNION ALL SELECT joined FROM group_members WHERE participant_id = :p) AS days",
        {"p": participant_id}).fetchone()
    return date.fromisoformat(day) if day else None

"""How the people expected at a session answered, besides those who came (attendance): they
sent word, or did not come."""

from __future__ import annotations

from collections.abc import Mapping

from mt_studio.core.domain.groups import Answer
from mt_studio.core.library.sqlite import sqlite3


def of_session(db: sqlite3.Connection, session_id: int) -> dict[int, Answer]:
    """The written-down answers of those who did not come to SESSION_ID, by participant id."""
    return {participant_id: Answer(answer) for participant_id, answer in db.execute(
        "SELECT participant_id, answer FROM absences WHERE session_id = ?", (session_id,))}


def replace(db: sqlite3.Connection, session_id: int, answers: Mapping[int, Answer]) -> None:
    """Make ANSWERS (sent word or absent, by participant id) the session's only ones."""
    db.execute("DELETE FROM absences WHERE session_id = ?", (session_id,))
    db.executemany("INSERT INTO absences (session_id, participant_id, answer) VALUES (?, ?, ?)",
                   [(session_id, who, Answer(answer).value) for who, answer in answers.items()])

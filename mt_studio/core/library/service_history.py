"""The service's history read in one go for the overview: sessions with who came and who
answered, the groups, the course marks, community exports, songs and takes."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from mt_studio.core.domain import SessionKind
from mt_studio.core.domain.groups import Answer
from mt_studio.core.domain.history import HeldSession, ServiceHistory, ended_on, expected_at
from mt_studio.core.domain.participant_page import SessionAnswer, TakeHeard
from mt_studio.core.library import consent_ledger, courses, groups, participants
from mt_studio.core.library.clock import from_text
from mt_studio.core.library.sqlite import sqlite3


def read(db: sqlite3.Connection) -> ServiceHistory:
    """The whole history (a few queries, whatever its length: ten years read in well under
    a second)."""
    present: dict[int, set[int]] = defaultdict(set)
    for session_id, participant_id in db.execute(
            "SELECT session_id, participant_id FROM attendance"):
        present[session_id].add(participant_id)
    answers: dict[int, dict[int, Answer]] = defaultdict(dict)
    for session_id, participant_id, answer in db.execute(
            "SELECT session_id, participant_id, answer FROM absences"):
        answers[session_id][participant_id] = Answer(answer)
    sessions = tuple(
        HeldSession(session_id, date.fromisoformat(day), SessionKind(kind), group_id,
                    frozenset(present.get(session_id, ())), answers.get(session_id, {}))
        for session_id, day, kind, group_id in db.execute(
            "SELECT id, date, kind, group_id FROM sessions ORDER BY date, id"))
    exports = tuple(
        (from_text(at).astimezone().date(), recipient) for at, recipient in db.execute(
            "SELECT created_at, recipient FROM exports WHERE purpose = 'community' ORDER BY id"))
    songs = tuple(from_text(at).astimezone().date()
                  for (at,) in db.execute("SELECT created_at FROM songs ORDER BY id"))
    takes = tuple(
        (date.fromisoformat(day), frames / samplerate) for day, frames, samplerate in db.execute(
            "SELECT s.date, t.frames, t.samplerate FROM takes t JOIN sessions s"
            " ON s.id = t.session_id WHERE t.status != 'recording' ORDER BY t.id"))
    return ServiceHistory(sessions, tuple(groups.all_groups(db)), tuple(courses.events(db)),
                          participants.pseudonyms(db), exports, songs, takes)


def participant_rows(db: sqlite3.Connection, participant_id: int, history: ServiceHistory
                     ) -> tuple[list[SessionAnswer], list[tuple[int, str]], list[TakeHeard]]:
    """PARTICIPANT_ID's sessions (expected or came, newest first, with their answer), the
    songs they write and the takes they can be heard on (newest first)."""
    groups_by_id = {g.id: g for g in history.groups}
    events = history.course_of(participant_id)
    wanted = []
    for session in history.sessions:
        group = groups_by_id.get(session.group_id)
        ended = {participant_id} if ended_on(events, session.day) else set()
        if participant_id in expected_at(session, group, ended):
            wanted.append((session, group))
    titles = dict(db.execute("SELECT id, title FROM sessions"))
    sessions = [SessionAnswer(s.id, s.day, titles[s.id], s.kind.value, g and g.name,
                              Answer.PRESENT if participant_id in s.present
                              else s.answers.get(participant_id))
                for s, g in reversed(wanted)]
    songs = [tuple(row) for row in db.execute(
        "SELECT s.id, s.title FROM songs s JOIN song_writers w ON w.song_id = s.id"
        " WHERE w.participant_id = ? ORDER BY s.id DESC", (participant_id,))]
    heard = {t.take_id for t in consent_ledger.takes_with(db, participant_id)}
    takes = [TakeHeard(take_id, session_id, date.fromisoformat(day), number, name)
             for take_id, session_id, day, number, name in db.execute(
                 "SELECT t.id, t.session_id, s.date, t.number, t.name FROM takes t"
                 " JOIN sessions s ON s.id = t.session_id ORDER BY s.date DESC, t.id DESC")
             if take_id in heard]
    return sessions, songs, takes

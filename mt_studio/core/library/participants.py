"""Participants: a unique pseudonym first, a real name only when one is given."""

from __future__ import annotations

from collections.abc import Iterable

from mt_studio.core.domain import Participant, lookup_key
from mt_studio.core.errors import InputError
from mt_studio.core.library import audit
from mt_studio.core.library.clock import to_text, utc_now
from mt_studio.core.library.sqlite import sqlite3
from mt_studio.core.text import one_line, shown
from mt_studio.i18n import _

MAX_PSEUDONYM_LENGTH = 64
MAX_REAL_NAME_LENGTH = 100


def clean_pseudonym(text: str) -> str:
    """TEXT trimmed and checked as a pseudonym; InputError says what is wrong with it."""
    pseudonym = one_line(text, _("A pseudonym"), MAX_PSEUDONYM_LENGTH)
    if not pseudonym:
        raise InputError(_("A pseudonym cannot be empty."))
    if "," in pseudonym:
        raise InputError(
            _("The pseudonym {pseudonym} contains a comma.").format(pseudonym=shown(pseudonym))
        )
    return pseudonym


def add(db: sqlite3.Connection, pseudonym: str, real_name: str | None = None) -> Participant:
    """Add a participant; a pseudonym already taken (in any letter case) is refused."""
    pseudonym = clean_pseudonym(pseudonym)
    real_name = one_line(real_name, _("A real name"), MAX_REAL_NAME_LENGTH)
    existing = db.execute("SELECT pseudonym FROM participants WHERE lookup_key = ?",
                          (lookup_key(pseudonym),)).fetchone()
    if existing is not None:  # asked first: a failed statement spoils a PostgreSQL transaction
        raise InputError(_("A participant called {pseudonym} already exists.").format(
            pseudonym=shown(existing[0])))
    participant_id = db.execute(
        "INSERT INTO participants (pseudonym, lookup_key, real_name, created_at)"
        " VALUES (?, ?, ?, ?) RETURNING id",
        (pseudonym, lookup_key(pseudonym), real_name, to_text(utc_now())),
    ).fetchone()[0]
    participant = Participant(participant_id, pseudonym, real_name)
    audit.record(db, "participant.added", f"participant:{participant.id}", participant.id,
                 real_name_given=real_name is not None)
    return participant


def find(db: sqlite3.Connection, pseudonym: str) -> Participant:
    """The participant with PSEUDONYM (any letter case); InputError naming it if there is none."""
    row = db.execute(
        "SELECT id, pseudonym, real_name FROM participants WHERE lookup_key = ?",
        (lookup_key(pseudonym),),
    ).fetchone()
    if row is None:
        raise InputError(
            _("No participant called {pseudonym}. See 'mt-studio participant list'.").format(
                pseudonym=shown(pseudonym)
            )
        )
    return Participant(*row)


def get(db: sqlite3.Connection, participant_id: int) -> Participant:
    """The participant with PARTICIPANT_ID; InputError naming the id if there is none."""
    row = db.execute("SELECT id, pseudonym, real_name FROM participants WHERE id = ?",
                     (participant_id,)).fetchone()
    if row is None:
        raise InputError(_("No participant has the id {id}.").format(id=participant_id))
    return Participant(*row)


def find_all(db: sqlite3.Connection, pseudonyms: Iterable[str]) -> list[Participant]:
    """The participants with these pseudonyms, in order, each once."""
    found: dict[int, Participant] = {}
    for pseudonym in pseudonyms:
        participant = find(db, pseudonym)
        found.setdefault(participant.id, participant)
    return list(found.values())


def all_participants(db: sqlite3.Connection) -> list[Participant]:
    """Every participant, by pseudonym (not the tombstones of those erased)."""
    rows = db.execute(
        "SELECT id, pseudonym, real_name FROM participants WHERE erased_at IS NULL"
        " ORDER BY lookup_key"
    )
    return [Participant(*row) for row in rows]


def pseudonyms(db: sqlite3.Connection) -> dict[int, str]:
    """Participant id to pseudonym, for messages."""
    return dict(db.execute("SELECT id, pseudonym FROM participants"))

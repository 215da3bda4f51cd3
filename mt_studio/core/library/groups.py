"""Groups: the service's bands and choirs, with every spell of their members."""

from __future__ import annotations

from datetime import date

from mt_studio.core.domain import Participant, lookup_key
from mt_studio.core.domain.groups import Group, GroupKind, Membership
from mt_studio.core.errors import InputError
from mt_studio.core.library import audit
from mt_studio.core.library.clock import from_text, to_text, utc_now
from mt_studio.core.library.sqlite import sqlite3
from mt_studio.core.text import one_line, shown
from mt_studio.i18n import _

MAX_NAME_LENGTH = 80


def add(db: sqlite3.Connection, name: str, kind: GroupKind) -> Group:
    """Add a group; a name already taken (in any letter case) is refused."""
    cleaned = one_line(name, _("A group's name"), MAX_NAME_LENGTH)
    if not cleaned:
        raise InputError(_("A group needs a name."))
    if "," in cleaned:
        raise InputError(_("The group name {name} contains a comma.").format(name=shown(cleaned)))
    existing = db.execute("SELECT name FROM groups WHERE lookup_key = ?",
                          (lookup_key(cleaned),)).fetchone()
    if existing is not None:  # asked first: a failed statement spoils a PostgreSQL transaction
        raise InputError(_("A group called {name} already exists.").format(
            name=shown(existing[0])))
    group_id = db.execute(
        "INSERT INTO groups (name, lookup_key, kind, created_at) VALUES (?, ?, ?, ?)"
        " RETURNING id",
        (cleaned, lookup_key(cleaned), GroupKind(kind).value, to_text(utc_now()))).fetchone()[0]
    audit.record(db, "group.added", f"group:{group_id}", kind=GroupKind(kind).value)
    return get(db, group_id)


def find(db: sqlite3.Connection, name: str) -> Group:
    """The group called NAME (any letter case), or with NAME as its id; InputError naming it."""
    row = db.execute("SELECT id FROM groups WHERE lookup_key = ?", (lookup_key(name),)).fetchone()
    if row is None and name.strip().isdigit():
        row = db.execute("SELECT id FROM groups WHERE id = ?", (int(name),)).fetchone()
    if row is None:
        raise InputError(_("No group called {name}. See 'mt-studio group list'.").format(
            name=shown(name)))
    return get(db, row[0])


def get(db: sqlite3.Connection, group_id: int) -> Group:
    """The group with GROUP_ID and its memberships; InputError naming the id if there is none."""
    row = db.execute("SELECT id, name, kind, created_at FROM groups WHERE id = ?",
                     (group_id,)).fetchone()
    if row is None:
        raise InputError(_("No group has the id {id}.").format(id=group_id))
    return _group(row, _memberships(db, group_id))


def all_groups(db: sqlite3.Connection) -> list[Group]:
    """Every group with its memberships, by name."""
    spells: dict[int, list[Membership]] = {}
    for group_id, *fields in db.execute(
            "SELECT m.group_id, m.participant_id, p.pseudonym, m.joined, m.left_on"
            " FROM group_members m JOIN participants p ON p.id = m.participant_id"
            " ORDER BY m.joined, m.id"):
        spells.setdefault(group_id, []).append(_membership(*fields))
    return [_group(row, spells.get(row[0], []))
            for row in db.execute("SELECT id, name, kind, created_at FROM groups"
                                  " ORDER BY lookup_key")]


def join(db: sqlite3.Connection, group: Group, participant: Participant, on: date) -> Group:
    """Make PARTICIPANT a member of GROUP from ON; InputError if they already are then."""
    for spell in group.memberships:
        if spell.participant_id == participant.id and (spell.left is None or on < spell.left):
            raise InputError(_("{who} is already a member of {group} (since {day}).").format(
                who=shown(participant.pseudonym), group=shown(group.name),
                day=spell.joined.isoformat()))
    db.execute("INSERT INTO group_members (group_id, participant_id, joined) VALUES (?, ?, ?)",
               (group.id, participant.id, on.isoformat()))
    audit.record(db, "group.joined", f"group:{group.id}", participant.id, on=on.isoformat())
    return get(db, group.id)


def leave(db: sqlite3.Connection, group: Group, participant: Participant, on: date) -> Group:
    """End PARTICIPANT's membership of GROUP on ON; InputError if they are not a member or
    ON is before they joined."""
    current = [s for s in group.memberships
               if s.participant_id == participant.id and s.left is None]
    if not current:
        raise InputError(_("{who} is not a member of {group}.").format(
            who=shown(participant.pseudonym), group=shown(group.name)))
    if on < current[-1].joined:
        raise InputError(_("{who} joined {group} on {day}: they cannot leave before that.").format(
            who=shown(participant.pseudonym), group=shown(group.name),
            day=current[-1].joined.isoformat()))
    db.execute("UPDATE group_members SET left_on = ? WHERE group_id = ? AND participant_id = ?"
               " AND left_on IS NULL", (on.isoformat(), group.id, participant.id))
    audit.record(db, "group.left", f"group:{group.id}", participant.id, on=on.isoformat())
    return get(db, group.id)


def _memberships(db: sqlite3.Connection, group_id: int) -> list[Membership]:
    return [_membership(*row) for row in db.execute(
        "SELECT m.participant_id, p.pseudonym, m.joined, m.left_on FROM group_members m"
        " JOIN participants p ON p.id = m.participant_id WHERE m.group_id = ?"
        " ORDER BY m.joined, m.id", (group_id,))]


def _membership(participant_id: int, pseudonym: str, joined: str, left: str | None
                ) -> Membership:
    return Membership(participant_id, pseudonym, date.fromisoformat(joined),
                      date.fromisoformat(left) if left else None)


def _group(row: tuple, memberships: list[Membership]) -> Group:
    return Group(row[0], row[1], GroupKind(row[2]), from_text(row[3]), tuple(memberships))

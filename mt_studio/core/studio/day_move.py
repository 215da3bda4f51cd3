"""A library for the day's rows carried into the service's library, in one transaction
(docs/architecture.md, "When the server cannot be reached"; the steps around it are
`day_library.py`'s): the participants and sessions made that day, every check-in, the consent
rows written (each unless the service's ledger has overtaken it), the audit rows, the takes
under new ids, each checked against the service's ledger at that moment, and the songs."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from mt_studio.core.capture.take_files import part_file
from mt_studio.core.consent_policy import ConsentState, consent_status
from mt_studio.core.domain import (
    ConsentAction,
    ConsentEvent,
    Participant,
    Purpose,
    TrackPlan,
    lookup_key,
)
from mt_studio.core.domain.retention import KeptTake
from mt_studio.core.library import (
    Library,
    audit,
    consent_ledger,
    day_kit,
    ids,
    participants,
    spools,
    takes,
)
from mt_studio.core.library import sessions as library_sessions
from mt_studio.core.library.clock import from_text, utc_now
from mt_studio.core.library.participants import MAX_PSEUDONYM_LENGTH
from mt_studio.core.retention import heard
from mt_studio.core.studio import encryption
from mt_studio.core.studio.events import (
    AttendanceChanged,
    ConsentChanged,
    ParticipantAdded,
    SessionChanged,
    SongChanged,
    TakeChanged,
)

if TYPE_CHECKING:
    from sqlite3 import Connection

    from mt_studio.core.studio.studio import Studio


@dataclass(frozen=True)
class MovedTake:
    """A take of the day library (DAY_TAKE) moved in as TAKE_ID, the NUMBERth of SESSION_ID,
    with those heard on it who had no consent to be recorded then (NOT_CONSENTED)."""

    day_take: int
    take_id: int
    session_id: int
    number: int
    not_consented: tuple[int, ...]


@dataclass(frozen=True)
class Touched:
    """A withdrawal carried in for PARTICIPANT_ID (PURPOSE), and the earlier EXPORTS and LEAD
    SHEETS that hold them: to ask back."""

    participant_id: int
    purpose: Purpose
    exports: int
    lead_sheets: int


@dataclass(frozen=True)
class TakeFiles:
    """What of a moved take is written into the spool: DAY_TAKE's files as TAKE_ID's, NAMES
    (its name in the day library, its new name, whether a checksum of it is kept), sealed
    with KEY (the new take's; None in a plain library)."""

    day_take: int
    take_id: int
    names: tuple[tuple[str, str, bool], ...]
    key: bytes | None


@dataclass(frozen=True)
class DayMove:
    """What moving a day library in did: the takes moved, the participants it added, the
    consent rows carried and those overtaken by a later row in the service's ledger (not
    carried), the pseudonyms of the people named, and what the withdrawals carried touch in
    the service's library (exports and lead sheets to ask back)."""

    takes: tuple[MovedTake, ...]
    participants_added: tuple[str, ...]
    consent_carried: int
    consent_overtaken: tuple[ConsentEvent, ...]
    names: dict[int, str]
    withdrawals: tuple[Touched, ...] = ()


def carry(studio: Studio, day: Library, facts: day_kit.DayFacts, day_id: str,
          made: list[day_kit.DayTake]) -> tuple[DayMove, list[TakeFiles]]:
    """Carry the rows of DAY (FACTS, its id DAY_ID, its takes MADE) into STUDIO's library,
    once, and say what of each take is to be written: a second call finds them carried (a
    move cut short) and reads that from the service's library (a take deleted there since
    is left out)."""
    now = utc_now()
    with studio._transaction() as tx, day.snapshot() as db:
        if day_kit.moved_in(tx, day_id):  # carried by a move cut short: only files are left
            return _carried_before(studio, tx, day_id, made)
        people, added = _carry_participants(studio, tx, db, facts)
        sessions = _carry_sessions(studio, tx, db, facts, day_id, people)
        carried, overtaken, touched = _carry_consent(studio, tx, db, facts, people)
        _carry_audit(tx, db, facts, day_id, people)
        day_kit.note_moved_in(tx, day_id, facts.computer, now)
        moved, files = [], []
        for take_made in made:
            take, written = _carry_take(studio, tx, take_made, sessions, people, day_id, now)
            moved.append(take)
            files.append(written)
        for song_id in day_kit.copy_songs(db, tx, people, {m.day_take: m.take_id
                                                           for m in moved}):
            audit.record(tx, "song.created", f"song:{song_id}", day_library=day_id)
            studio._announce(SongChanged(song_id))
        audit.record(tx, "day_library.moved_in", f"day_library:{day_id}",
                     computer=facts.computer, takes=[m.take_id for m in moved],
                     consent_carried=carried, consent_overtaken=len(overtaken))
        named = {pid for m in moved for pid in m.not_consented}
        named |= {event.participant_id for event in overtaken}
        named |= {touch.participant_id for touch in touched}
        names = {pid: participants.get(tx, pid).pseudonym for pid in sorted(named)}
    return DayMove(tuple(moved), tuple(added), carried, tuple(overtaken), names,
                   tuple(touched)), files


def _carried_before(studio: Studio, tx: Connection, day_id: str,
                    made: list[day_kit.DayTake]) -> tuple[DayMove, list[TakeFiles]]:
    moved, files = [], []
    found = day_kit.takes_moved(tx, day_id)
    for take_made in made:
        if take_made.id not in found:
            continue  # deleted in the service's library since
        take_id, missing = found[take_made.id]
        moved.append(MovedTake(take_made.id, take_id, *day_kit.place(tx, take_id),
                               tuple(missing)))
        new_names = [(name, sha256 is not None) for track in takes.get(tx, take_id).tracks
                     for name, sha256 in takes.hashed_parts(tx, track.id)]
        old_names = [file for track in take_made.tracks
                     for file in ([part[3] for part in track.parts] or [track.row[4]])]
        key = encryption.take_key(studio, take_id) if studio._shared.library_key else None
        files.append(TakeFiles(take_made.id, take_id, tuple(
            (old, new, hashed) for old, (new, hashed) in zip(old_names, new_names,
                                                              strict=True)), key))
    named = sorted({pid for m in moved for pid in m.not_consented})
    names = {pid: participants.get(tx, pid).pseudonym for pid in named}
    return DayMove(tuple(moved), (), 0, (), names), files


def _carry_participants(studio: Studio, tx: Connection, db: Connection,
                        facts: day_kit.DayFacts) -> tuple[dict[int, int], list[str]]:
    """The participants made in the day library, added (a pseudonym taken meanwhile gets
    the computer's name and day after it); every id of the day library's by its own."""
    people = {pid: pid for pid in day_kit.ids_of(db, "participants")}
    added = []
    for row in day_kit.made_here(db, facts, "participants"):
        pseudonym = _free_pseudonym(tx, row["pseudonym"], facts)
        new = participants.add(tx, pseudonym, row["real_name"])
        people[row["id"]] = new.id
        added.append(new.pseudonym)
        studio._announce(ParticipantAdded(new.id))
    return people, added


def _free_pseudonym(tx: Connection, pseudonym: str, facts: day_kit.DayFacts) -> str:
    """PSEUDONYM, or when it was taken meanwhile, it shortened with the computer's name and
    day after it (and a number, should that be taken too), within a pseudonym's length."""
    candidate, number = pseudonym, 1
    while day_kit.pseudonym_taken(tx, lookup_key(candidate)):
        number += 1
        tail = f" ({facts.computer[:20]} {facts.made_at.date().isoformat()})"
        tail += f" {number}" if number > 2 else ""
        candidate = pseudonym[:MAX_PSEUDONYM_LENGTH - len(tail)].rstrip() + tail
    return candidate


def _carry_sessions(studio: Studio, tx: Connection, db: Connection, facts: day_kit.DayFacts,
                    day_id: str, people: dict[int, int]) -> dict[int, int]:
    """The sessions made in the day library, made here with their set-up; the check-ins
    made in the day library added; every session's id here by its id in the day library."""
    here = set(day_kit.ids_of(tx, "sessions"))
    sessions: dict[int, int] = {}
    for session_id in day_kit.ids_of(db, "sessions"):
        if facts.copied("sessions", session_id) and session_id in here:
            sessions[session_id] = session_id
            continue
        new_id = day_kit.copy_session(db, tx, session_id, people,
                                      lambda group: facts.copied("groups", group))
        sessions[session_id] = new_id
        audit.record(tx, "session.created", f"session:{new_id}", day_library=day_id)
        studio._announce(SessionChanged(new_id))
    for session_id, participant_id in day_kit.attendance(db):
        if (session_id, participant_id) in facts.checked_in:
            continue  # copied: a check-out on the service meanwhile stands
        if library_sessions.check_in(tx, sessions[session_id],
                                     Participant(people[participant_id], "")):
            studio._announce(AttendanceChanged(sessions[session_id]))
    return sessions


def _carry_consent(studio: Studio, tx: Connection, db: Connection, facts: day_kit.DayFacts,
                   people: dict[int, int]) -> tuple[int, list[ConsentEvent], list[Touched]]:
    """Append the consent rows written in the day library: every withdrawal (the safe side),
    and each grant unless the service's ledger holds a later-stamped row of the same person
    and purpose written since the day library was made; how many, the grants not carried,
    and what the withdrawals touch."""
    carried, overtaken, touched = 0, [], []
    since = facts.last_copied.get("service_consent_events", 0)
    for event in day_kit.consent_written_here(db, facts):
        person = people[event.participant_id]
        who = Participant(person, "")
        if event.action is ConsentAction.WITHDRAW:
            report = consent_ledger.withdraw(tx, who, [event.purpose], reason=event.reason,
                                             at=event.at)
            if report.exports_to_recall or report.lead_sheets:
                touched.append(Touched(person, event.purpose, len(report.exports_to_recall),
                                       len(report.lead_sheets)))
        elif any(at > event.at for at in day_kit.consent_stamps(tx, person, event.purpose,
                                                                 since)):
            overtaken.append(replace(event, participant_id=person))
            continue
        else:
            consent_ledger.grant(tx, who, [event.purpose], valid_until=event.valid_until,
                                 witness=event.witness, form_version=event.form_version,
                                 credit=event.credit, at=event.at)
        carried += 1
        studio._announce(ConsentChanged(person))
    return carried, overtaken, touched


def _carry_audit(tx: Connection, db: Connection, facts: day_kit.DayFacts, day_id: str,
                 people: dict[int, int]) -> None:
    """The day library's audit rows, each as it was, its subject marked as the day
    library's ("day:take:3": an id there) and its participant as known here."""

    for at, action, subject, participant_id, details, actor_id, for_participant in \
            day_kit.audit_written_here(db, facts):
        found = json.loads(details)
        found["day_library"] = day_id
        # an account made that day is not carried: its rows name nobody here
        actor = actor_id if actor_id and facts.copied("accounts", actor_id) else None
        with audit.acting(actor, people.get(for_participant) if for_participant else None):
            audit.record(tx, action, f"day:{subject}",
                         people.get(participant_id) if participant_id else None,
                         from_text(at), **found)


def _carry_take(studio: Studio, tx: Connection, take_made: day_kit.DayTake,
                sessions: dict[int, int], people: dict[int, int], day_id: str,
                now: datetime) -> tuple[MovedTake, TakeFiles]:
    """Write TAKE_MADE under new ids, marked as waiting in this computer's spool, with those
    heard on it who had no consent to be recorded (`_not_consented`); and what of it is to
    be written."""
    session_id = sessions[take_made.session_id]
    take_id = ids.next_id(tx, "takes")
    number = day_kit.next_number(tx, session_id)
    day_kit.insert_take(tx, take_id, session_id, number, take_made)
    plans, track_ids, names = [], {}, []
    for track in take_made.tracks:
        track_id = ids.next_id(tx, "tracks")
        first = takes.track_file(take_id, track_id, PurePosixPath(track.row[4]).suffix)
        parts = [(number_, first_frame, frames, part_file(first, number_), sha256)
                 for number_, first_frame, frames, _file, sha256 in track.parts]
        names += [(old[3], new[3], old[4] is not None)
                  for old, new in zip(track.parts, parts, strict=True)] or [
            (track.row[4], first, False)]
        owners = [people[owner] for owner in track.owners]
        day_kit.insert_track(tx, take_id, track_id, track, first, parts, owners)
        track_ids[track.row[0]] = track_id
        plans.append(TrackPlan(f"track:{track_id}", frozenset(owners), bool(track.row[5])))
    day_kit.insert_extras(tx, take_made, take_id, track_ids)
    everyone = heard(KeptTake(take_id, session_id, "", now.date(), number, None,
                              tuple(plans), day_kit.present(tx, session_id)))
    not_consented = _not_consented(tx, everyone, from_text(take_made.row[8]), now)
    key = encryption.new_take_key(studio, tx, take_id)
    spool = studio._shared.places.spool(tx)
    spools.mark(tx, take_id, spool.id, spool.computer)
    day_kit.note_take_moved(tx, take_id, day_id, take_made.id, not_consented)
    audit.record(tx, "take.moved_in", f"take:{take_id}", session=session_id,
                 day_take=take_made.id, day_library=day_id, not_consented=list(not_consented))
    studio._announce(TakeChanged(take_id, session_id))
    return (MovedTake(take_made.id, take_id, session_id, number, not_consented),
            TakeFiles(take_made.id, take_id, tuple(names), key))


def _not_consented(tx: Connection, everyone: frozenset[int], started: datetime,
                   now: datetime) -> tuple[int, ...]:
    """Those of EVERYONE heard on a take started at STARTED who had no consent to be
    recorded: not granted then by the service's ledger as it now is (its rows stamped up to
    then; expiry judged on that day), withdrawn since (checked again now), or erased."""
    ledger = consent_ledger.events(tx, everyone)
    until_then = [event for event in ledger if event.at <= started]
    missing = {person for person in everyone
               if consent_status(until_then, person, Purpose.RECORD, started).state
               is not ConsentState.GRANTED
               or consent_status(ledger, person, Purpose.RECORD, now).state
               is ConsentState.WITHDRAWN}
    return tuple(sorted(missing | day_kit.erased(tx, everyone)))

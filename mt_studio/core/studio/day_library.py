"""A library for the day (docs/architecture.md, "When the server cannot be reached"): this
computer's own library to go on with when the service's server does not answer, and its work
moved into the service's library once the server is back.

While the window is on the service's library, `prepare` makes the day library ready beside it
(in this computer's state folder): accounts, participants, groups, the sessions from today on
and the whole consent ledger, encrypted with the same library key, so that the same
passphrases open it and nothing in it is ever plain on the disk. Made anew each time, until it
is `taken` into use: from then on it holds work, and nothing replaces it until that work is
moved in.

`move_in` (by the studio on the service's library, signed in) carries in one transaction the
participants and sessions made in the day library, its check-ins, its consent rows (each one
unless the service's ledger holds a later row of the same person and purpose: then it is
named as overtaken), its audit rows, and its takes under new ids, each checked against the
service's ledger at that moment: a take on which someone heard had no consent to be recorded
is moved all the same (nothing recorded is lost) and is on the deletion list naming them.
Then each take's files are sealed again under their new names into this computer's spool,
from where the store mover copies them to the share, checked. A move cut short is taken up
at the next: the rows are carried once (`day_libraries`), the files written again. Only then
does the day library go. Exports are never made from a day library: they need the service's
ledger.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from mt_studio.core.capture.take_capture import try_hold_lock
from mt_studio.core.capture.take_files import part_file
from mt_studio.core.clock import local_now
from mt_studio.core.consent_policy import ConsentState, consent_status, purpose_words
from mt_studio.core.domain import (
    ConsentAction,
    ConsentEvent,
    Participant,
    Purpose,
    TrackPlan,
    lookup_key,
)
from mt_studio.core.domain.retention import KeptTake
from mt_studio.core.durable_files import replaced_atomically, sync_folder
from mt_studio.core.errors import AccessRefused, LibraryError
from mt_studio.core.ledger_heads import state_folder
from mt_studio.core.library import (
    Library,
    audit,
    consent_ledger,
    day_kit,
    ids,
    ledger_chain,
    participants,
    spools,
    take_keys,
    takes,
)
from mt_studio.core.library import sessions as library_sessions
from mt_studio.core.library.address import shown_address
from mt_studio.core.library.clock import from_text, utc_now
from mt_studio.core.library.database import DATABASE_NAME
from mt_studio.core.private_files import FOLDER_MODE, keep_private
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
from mt_studio.i18n import _, ngettext

if TYPE_CHECKING:
    from sqlite3 import Connection

    from mt_studio.core.studio.studio import Studio

IN_USE_NAME = "in-use"  # beside the day library: it holds work, and is not made anew
TURN_NAME = ".turn"  # locked by a process making it anew, taking it or moving it in
OPEN_NAME = ".open"  # locked (shared) by each window on it
_LIBRARY_NAME = "library"
_BLOCK = 1 << 20


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
class DayMove:
    """What moving a day library in did: the takes moved, the participants it added, the
    consent rows carried and those overtaken by a later row in the service's ledger (not
    carried), and the pseudonyms of the people named."""

    takes: tuple[MovedTake, ...]
    participants_added: tuple[str, ...]
    consent_carried: int
    consent_overtaken: tuple[ConsentEvent, ...]
    names: dict[int, str]


def folder_for(address: str) -> Path:
    """Where this computer keeps the day library of the service's library at ADDRESS."""
    digest = hashlib.sha256(address.strip().encode("utf-8")).hexdigest()[:24]
    return state_folder() / "day" / digest


def library_folder(address: str) -> Path:
    """The day library itself, for the service's library at ADDRESS."""
    return folder_for(address) / _LIBRARY_NAME


def is_ready(address: str) -> bool:
    """Whether a day library for the service's library at ADDRESS is here to go on with."""
    return (library_folder(address) / DATABASE_NAME).is_file()


def is_taken(address: str) -> bool:
    """Whether the day library for ADDRESS holds work not moved in yet."""
    return (folder_for(address) / IN_USE_NAME).exists()


def take(address: str) -> Path:
    """Take the day library for ADDRESS into use (nothing makes it anew until it is moved
    in); its folder, to open. LibraryError when none was made on this computer."""
    with _turn(address):
        if not is_ready(address):
            raise LibraryError(_("No library for the day was made on this computer for the "
                                 "service's library: it is made while the server answers."))
        marker = folder_for(address) / IN_USE_NAME
        if not marker.exists():
            with replaced_atomically(marker) as file:
                file.write(utc_now().isoformat().encode("ascii"))
    return library_folder(address)


def hold_open(studio: Studio) -> Callable[[], None]:
    """Note that STUDIO, on a day library, is open in this process (a window on it), so that
    no other moves it in from under it; the call returned lets go."""
    facts = of_studio(studio)
    if facts is None:
        return lambda: None
    fd = os.open(_home(facts.address) / OPEN_NAME, os.O_CREAT | os.O_RDWR, 0o600)
    fcntl.flock(fd, fcntl.LOCK_SH)
    return lambda: os.close(fd)


@contextmanager
def _turn(address: str) -> Iterator[None]:
    """This computer's processes take turns at the day library of ADDRESS: making it anew,
    taking it, moving it in."""
    fd = os.open(_home(address) / TURN_NAME, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _home(address: str) -> Path:
    home = folder_for(address)
    home.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    keep_private(home)
    return home


def of_studio(studio: Studio) -> day_kit.DayFacts | None:
    """What STUDIO's library knows of itself as a day library (None: it is not one, or it is
    locked)."""
    if studio._library.on_server or not studio._library.is_open:
        return None
    with studio._reading() as db:
        return day_kit.facts(db)


def service_address(studio: Studio) -> str | None:
    """The address of the service's library STUDIO is on, or is the library for the day of;
    None for a library in a folder (or one locked)."""
    if studio._library.on_server:
        return studio._library.address
    facts = of_studio(studio)
    return None if facts is None else facts.address


def window_title(studio: Studio) -> str | None:
    """The title of a window on STUDIO, naming a service's library or the library for the
    day; None for a library in a folder (the window's own title says enough)."""
    address = service_address(studio)
    if address is None:
        return None
    if not studio._library.on_server:
        return _("mt_studio – the library for today, on this computer")
    return _("mt_studio – the shared library {address}").format(
        address=shown_address(address))


def refuse_in_day_library(studio: Studio) -> None:
    """AccessRefused when STUDIO is on a day library: exports need the service's ledger."""
    if of_studio(studio) is not None:
        raise AccessRefused(_(
            "This is the library for the day, made while the service's server could not be "
            "reached: nothing is exported from it. Exports need the service's consent ledger; "
            "export once the day's takes are moved into the service's library."))


def prepare(studio: Studio) -> bool:
    """Make the day library for STUDIO's (a service's) library anew; False when there is
    nothing to make (a library in a folder, one locked, one still being encrypted) or it
    holds work not moved in."""
    library = studio._library
    if not library.on_server or not studio.open_to_use or is_taken(library.address):
        return False
    keys = library.keys
    if encryption.is_encrypted(library.folder) != (keys is not None):
        return False  # its encryption is under way: a day library would be plain
    home = _home(library.address)
    fresh = Path(tempfile.mkdtemp(dir=home, prefix=_LIBRARY_NAME + ".new-"))
    try:
        if keys is not None:
            shutil.copy2(encryption.key_file_path(library.folder),
                         encryption.key_file_path(fresh))
        made = Library.open(fresh, keys=keys)
        try:
            with library.snapshot() as source, made.transaction() as day:
                day_kit.fill(source, day, first_day=local_now().date(),
                             address=library.address, computer=_computer(), made_at=utc_now())
        finally:
            made.close()
        with _turn(library.address):
            if is_taken(library.address):  # taken meanwhile (the server was lost): kept
                return False
            old = home / f"{_LIBRARY_NAME}.old-{os.getpid()}"
            if library_folder(library.address).exists():
                library_folder(library.address).rename(old)
            fresh.rename(library_folder(library.address))
            sync_folder(home)
        shutil.rmtree(old, ignore_errors=True)
        return True
    finally:
        shutil.rmtree(fresh, ignore_errors=True)  # gone unless it took the day library's place


def waiting(studio: Studio) -> bool:
    """Whether a day library of STUDIO's library holds work to move in on this computer."""
    library = studio._library
    return library.on_server and is_taken(library.address) and is_ready(library.address)


def move_in(studio: Studio) -> DayMove | None:
    """Move the day library of STUDIO's library into it (the module's docstring); None when
    none waits. LibraryError naming what stops it (the day library is then kept whole)."""
    if not waiting(studio):
        return None
    studio._check_open()
    studio._trust_ledger()
    library = studio._library
    with _turn(library.address):
        _refuse_open_elsewhere(library.address)
        return _move_in(studio)


def _refuse_open_elsewhere(address: str) -> None:
    """LibraryError while a window here has the day library of ADDRESS open."""
    fd = os.open(_home(address) / OPEN_NAME, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise LibraryError(_("The library for today is open in another mt_studio window on "
                             "this computer: close it, then move it in. Nothing was moved."
                             )) from None
    finally:
        os.close(fd)


def _move_in(studio: Studio) -> DayMove:
    library = studio._library
    folder = library_folder(library.address)
    day = Library.open(folder, keys=library.keys if encryption.is_encrypted(folder) else None)
    try:
        with day.snapshot() as db:
            facts = day_kit.facts(db)
            if facts is None:
                raise LibraryError(_("{folder} is not a library for the day.").format(
                    folder=folder))
            day_id = ledger_chain.library_id(db)
            made = day_kit.takes_made(db)
        _refuse_unfinished(made, folder)
        with studio._reading() as db:
            if facts.of not in day_kit.identities(db):
                raise LibraryError(_(
                    "The library for the day in {folder} was made from another library than "
                    "the one at {address}; it was not moved in.").format(
                        folder=folder, address=library.shown_name))
        mover = studio._shared.places.mover_for(studio)
        with mover.paused():
            report = _carry(studio, day, facts, day_id, made)
            _write_files(studio, day, folder, made, day_id)
    finally:
        day.close()
    shutil.rmtree(library_folder(library.address))
    (folder_for(library.address) / IN_USE_NAME).unlink()
    mover.wake()
    return report


def _refuse_unfinished(made: list[day_kit.DayTake], folder: Path) -> None:
    for take_made in made:
        if take_made.row[3] == "recording":
            raise LibraryError(_(
                "Take {take} in the library for the day ({folder}) was left unfinished by a "
                "crash: open the library for the day once, which recovers it, then move it "
                "in. Nothing was moved.").format(take=take_made.id, folder=folder))


def _carry(studio: Studio, day: Library, facts: day_kit.DayFacts, day_id: str,
           made: list[day_kit.DayTake]) -> DayMove:
    """Carry the day library's rows into STUDIO's library, once (the module's docstring)."""
    now = utc_now()
    with studio._transaction() as tx, day.snapshot() as db:
        if day_kit.moved_in(tx, day_id):  # carried by a move cut short: only files are left
            moved = day_kit.takes_moved(tx, day_id)
            return DayMove(tuple(MovedTake(d, t, *day_kit.place(tx, t), ()) for d, t in
                                 sorted(moved.items())), (), 0, (), {})
        people, added = _carry_participants(studio, tx, db, facts)
        sessions = _carry_sessions(studio, tx, db, facts, day_id, people)
        carried, overtaken = _carry_consent(studio, tx, db, facts, people)
        _carry_audit(tx, db, facts, day_id, people)
        day_kit.note_moved_in(tx, day_id, facts.computer, now)
        moved = tuple(_carry_take(studio, tx, take_made, sessions, people, day_id, now)
                      for take_made in made)
        for song_id in day_kit.copy_songs(db, tx, people, {m.day_take: m.take_id
                                                           for m in moved}):
            audit.record(tx, "song.created", f"song:{song_id}", day_library=day_id)
            studio._announce(SongChanged(song_id))
        audit.record(tx, "day_library.moved_in", f"day_library:{day_id}",
                     computer=facts.computer, takes=[m.take_id for m in moved],
                     consent_carried=carried, consent_overtaken=len(overtaken))
        named = {pid for m in moved for pid in m.not_consented}
        named |= {event.participant_id for event in overtaken}
        names = {pid: participants.get(tx, pid).pseudonym for pid in sorted(named)}
    return DayMove(moved, tuple(added), carried, tuple(overtaken), names)


def _carry_participants(studio: Studio, tx: Connection, db: Connection,
                        facts: day_kit.DayFacts) -> tuple[dict[int, int], list[str]]:
    """The participants made in the day library, added (a pseudonym taken meanwhile gets
    the computer's name and day after it); every id of the day library's by its own."""
    people = {pid: pid for pid in day_kit.ids_of(db, "participants")}
    added = []
    for row in day_kit.made_here(db, facts, "participants"):
        pseudonym, real_name = row["pseudonym"], row["real_name"]
        if day_kit.pseudonym_taken(tx, lookup_key(pseudonym)):
            pseudonym = f"{pseudonym} ({facts.computer} {facts.made_at.date().isoformat()})"
        new = participants.add(tx, pseudonym, real_name)
        people[row["id"]] = new.id
        added.append(new.pseudonym)
        studio._announce(ParticipantAdded(new.id))
    return people, added


def _carry_sessions(studio: Studio, tx: Connection, db: Connection, facts: day_kit.DayFacts,
                    day_id: str, people: dict[int, int]) -> dict[int, int]:
    """The sessions made in the day library, made here with their set-up; the check-ins of
    every session added; every session's id here by its id in the day library."""
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
        if library_sessions.check_in(tx, sessions[session_id],
                                     Participant(people[participant_id], "")):
            studio._announce(AttendanceChanged(sessions[session_id]))
    return sessions


def _carry_consent(studio: Studio, tx: Connection, db: Connection, facts: day_kit.DayFacts,
                   people: dict[int, int]) -> tuple[int, list[ConsentEvent]]:
    """Append the consent rows written in the day library, each unless the service's ledger
    holds a later-stamped row of the same person and purpose; how many, and those not."""
    carried, overtaken = 0, []
    for event in day_kit.consent_written_here(db, facts):
        person = people[event.participant_id]
        if any(at > event.at for at in day_kit.consent_stamps(tx, person, event.purpose)):
            overtaken.append(replace(event, participant_id=person))
            continue
        who = Participant(person, "")
        if event.action is ConsentAction.GRANT:
            consent_ledger.grant(tx, who, [event.purpose], valid_until=event.valid_until,
                                 witness=event.witness, form_version=event.form_version,
                                 credit=event.credit, at=event.at)
        else:
            consent_ledger.withdraw(tx, who, [event.purpose], reason=event.reason, at=event.at)
        carried += 1
        studio._announce(ConsentChanged(person))
    return carried, overtaken


def _carry_audit(tx: Connection, db: Connection, facts: day_kit.DayFacts, day_id: str,
                 people: dict[int, int]) -> None:
    """The day library's audit rows, each as it was, its subject marked as the day
    library's ("day:take:3": an id there) and its participant as known here."""
    import json

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
                now: datetime) -> MovedTake:
    """Write TAKE_MADE under new ids, marked as waiting in this computer's spool, with
    those heard on it who have no consent to be recorded now."""
    session_id = sessions[take_made.session_id]
    take_id = ids.next_id(tx, "takes")
    number = day_kit.next_number(tx, session_id)
    day_kit.insert_take(tx, take_id, session_id, number, take_made)
    plans, track_ids = [], {}
    for track in take_made.tracks:
        track_id = ids.next_id(tx, "tracks")
        first = takes.track_file(take_id, track_id, PurePosixPath(track.row[4]).suffix)
        parts = [(number_, first_frame, frames, part_file(first, number_), sha256)
                 for number_, first_frame, frames, _file, sha256 in track.parts]
        owners = [people[owner] for owner in track.owners]
        day_kit.insert_track(tx, take_id, track_id, track, first, parts, owners)
        track_ids[track.row[0]] = track_id
        plans.append(TrackPlan(f"track:{track_id}", frozenset(owners), bool(track.row[5])))
    day_kit.insert_extras(tx, take_made, take_id, track_ids)
    everyone = heard(KeptTake(take_id, session_id, "", now.date(), number, None,
                              tuple(plans), day_kit.present(tx, session_id)))
    ledger = consent_ledger.events(tx, everyone)
    not_consented = tuple(sorted(
        person for person in everyone
        if consent_status(ledger, person, Purpose.RECORD, now).state
        is not ConsentState.GRANTED))
    encryption.new_take_key(studio, tx, take_id)
    spool = studio._shared.places.spool(tx)
    spools.mark(tx, take_id, spool.id, spool.computer)
    day_kit.note_take_moved(tx, take_id, day_id, take_made.id, not_consented)
    audit.record(tx, "take.moved_in", f"take:{take_id}", session=session_id,
                 day_take=take_made.id, day_library=day_id, not_consented=list(not_consented))
    studio._announce(TakeChanged(take_id, session_id))
    return MovedTake(take_made.id, take_id, session_id, number, not_consented)


def _write_files(studio: Studio, day: Library, folder: Path, made: list[day_kit.DayTake],
                 day_id: str) -> None:
    """Write each moved take's files into this computer's spool under their new names:
    sealed again with the new take's key in an encrypted library (never plain on the disk),
    copied as they are in a plain one; each durable before the day library goes."""
    with studio._reading() as db:
        moved = day_kit.takes_moved(db, day_id)
        spool = studio._shared.places.spool(db)
    library_key = studio._shared.library_key
    for take_made in made:
        take_id = moved[take_made.id]
        target_folder = spool.folder / takes.take_folder(take_id)
        target_folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        with ExitStack() as held:
            lock = try_hold_lock(target_folder)
            if lock is False:
                raise LibraryError(_("Take {take} is held by another mt_studio on this "
                                     "computer; try again once it has closed.").format(
                                         take=take_id))
            if isinstance(lock, int):
                held.callback(os.close, lock)
            with studio._reading() as db:
                new_parts = [part for track in takes.get(db, take_id).tracks
                             for part, _sha in takes.hashed_parts(db, track.id)]
            old_parts = [file for track in take_made.tracks
                         for file in ([part[3] for part in track.parts] or [track.row[4]])]
            old_key = new_key = None
            if library_key is not None:
                new_key = encryption.take_key(studio, take_id)
            if library_key is not None and day.keys is not None:
                with day.snapshot() as db:
                    old_key = _unwrapped(library_key, take_made.id, take_keys.get(db,
                                                                                 take_made.id))
            for old, new in zip(old_parts, new_parts, strict=True):
                _write_file(folder / old, old, spool.folder / new, new, take_id,
                            old_key, new_key)
        sync_folder(target_folder)


def _unwrapped(library_key: bytes, take_id: int, wrapped: bytes | None) -> bytes:
    from mt_studio.core.sealing.keys import unwrap_take_key

    if wrapped is None:
        raise LibraryError(_("Take {take} of the library for the day has no key; it was not "
                             "moved in.").format(take=take_id))
    return unwrap_take_key(library_key, take_id, wrapped)


def _write_file(source: Path, source_name: str, target: Path, target_name: str,
                take_id: int, old_key: bytes | None, new_key: bytes | None) -> None:
    """SOURCE (named SOURCE_NAME in the day library) as TARGET, durable: sealed again with
    NEW_KEY under TARGET_NAME, copied as it is (a plain library), or sealed once copied (a
    day library made before the service's library was encrypted)."""
    if not source.is_file():
        raise LibraryError(_("{file} of the library for the day is missing; nothing more was "
                             "moved.").format(file=source))
    if old_key is None:
        with replaced_atomically(target) as out, source.open("rb") as plain:
            shutil.copyfileobj(plain, out, _BLOCK)
        if new_key is not None:
            from mt_studio.core.studio.file_sealing import seal_file_in_place

            left_plain = seal_file_in_place(target, new_key, target_name, take_id)
            if left_plain is not None:
                raise LibraryError(_("{file} could not be sealed: {reason}").format(
                    file=source, reason=left_plain))
        return
    from mt_studio.core.sealing.stream import SealedReader, SealedWriter

    temporary = target.with_name(f".{target.name}.sealing")
    temporary.unlink(missing_ok=True)
    with SealedReader(source, old_key, source_name) as reader:
        writer = SealedWriter(temporary, new_key, target_name, take_id, reader.meta)
        try:
            for offset in range(0, reader.size, _BLOCK):
                writer.write(reader.read_at(offset, _BLOCK))
            writer.finish()
        except BaseException:
            writer.close()
            temporary.unlink(missing_ok=True)
            raise
    os.replace(temporary, target)


def _computer() -> str:
    from mt_studio.core.capture.spool import computer_name

    return computer_name()


def moved_words(moved: DayMove) -> str:
    """What a move of the day's work did, in words a therapist reads at a glance."""
    lines = [ngettext("{n} take came in from the library for today.",
                      "{n} takes came in from the library for today.",
                      len(moved.takes)).format(n=len(moved.takes))]
    for take in moved.takes:
        if take.not_consented:
            who = ", ".join(moved.names.get(pid, str(pid)) for pid in take.not_consented)
            lines.append(_("Take {number} is on the deletion list: {who} had no consent to be "
                           "recorded when it came in.").format(number=take.number, who=who))
    if moved.participants_added:
        lines.append(_("New participants: {names}.").format(
            names=", ".join(moved.participants_added)))
    for event in moved.consent_overtaken:
        lines.append(_("{who}'s change to consent to {purpose} from today was not carried "
                       "over: the shared library has a later one.").format(
            who=moved.names.get(event.participant_id, str(event.participant_id)),
            purpose=purpose_words(event.purpose)))
    return "\n".join(lines)

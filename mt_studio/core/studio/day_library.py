"""A library for the day (docs/architecture.md, "When the server cannot be reached"): this
computer's own library to go on with when the service's server does not answer, and its work
moved into the service's library once the server is back.

While the window is on the service's library, `prepare` makes the day library ready beside it
(in this computer's state folder): accounts, participants, groups, the sessions from today on
and the whole consent ledger, encrypted with the same library key, so that the same
passphrases open it and nothing in it is ever plain on the disk. Made anew each time, until it
is `taken` into use: from then on it holds work, and nothing replaces it until that work is
moved in.

`move_in` (by the studio on the service's library, signed in) carries in one transaction
(`day_move.py`) the participants and sessions made in the day library, its check-ins, its
consent rows (each one unless the service's ledger holds a later row of the same person and
purpose: then it is named as overtaken), its audit rows, and its takes under new ids, each
checked against the service's ledger at that moment: a take on which someone heard had no
consent to be recorded is moved all the same (nothing recorded is lost) and is on the
deletion list naming them. Then each take's files are sealed again under their new names into
this computer's spool (`day_files.py`), from where the store mover copies them to the share,
checked. A move cut short is taken up at the next: the rows are carried once
(`day_libraries`), the files written again. Only then does the day library go. Exports are
never made from a day library: they need the service's ledger.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from mt_studio.core.clock import local_now
from mt_studio.core.consent_policy import purpose_words
from mt_studio.core.durable_files import replaced_atomically, sync_folder
from mt_studio.core.errors import AccessRefused, LibraryError
from mt_studio.core.ledger_heads import state_folder
from mt_studio.core.library import Library, day_kit, ledger_chain
from mt_studio.core.library.address import shown_address
from mt_studio.core.library.clock import utc_now
from mt_studio.core.library.database import DATABASE_NAME
from mt_studio.core.private_files import FOLDER_MODE, keep_private
from mt_studio.core.studio import day_files, day_move, encryption
from mt_studio.core.studio.day_move import DayMove
from mt_studio.i18n import _, ngettext

if TYPE_CHECKING:
    from mt_studio.core.studio.studio import Studio

IN_USE_NAME = "in-use"  # beside the day library: it holds work, and is not made anew
TURN_NAME = ".turn"  # locked by a process making it anew, taking it or moving it in
OPEN_NAME = ".open"  # locked (shared) by each window on it
MOVING_NAME = "moving"  # beside it while its rows may be in the service's library, files not
_LIBRARY_NAME = "library"


def folder_for(address: str) -> Path:
    """Where this computer keeps the day library of the service's library at ADDRESS."""
    digest = hashlib.sha256(address.strip().encode("utf-8")).hexdigest()[:24]
    return state_folder() / "day" / digest


def library_folder(address: str) -> Path:
    """The day library itself, for the service's library at ADDRESS."""
    return folder_for(address) / _LIBRARY_NAME


def is_ready(address: str) -> bool:
    """Whether a day library for the service's library at ADDRESS is here to go on with (not
    one half moved in)."""
    return _is_here(address) and not (folder_for(address) / MOVING_NAME).exists()


def _is_here(address: str) -> bool:
    return (library_folder(address) / DATABASE_NAME).is_file()


def is_taken(address: str) -> bool:
    """Whether the day library for ADDRESS holds work not moved in yet."""
    return (folder_for(address) / IN_USE_NAME).exists()


def take(address: str) -> Path:
    """Take the day library for ADDRESS into use (nothing makes it anew until it is moved
    in); its folder, to open. LibraryError when none was made on this computer, or one is
    being made or moved in just now."""
    with _turn(address, wait=False):
        if not is_ready(address):
            raise LibraryError(_("No library for the day is ready on this computer for the "
                                 "service's library: it is made while the server answers, "
                                 "and one being moved in is finished when it is back."))
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
def _turn(address: str, *, wait: bool = True) -> Iterator[None]:
    """This computer's processes take turns at the day library of ADDRESS: making it anew,
    taking it, moving it in. Without WAIT, LibraryError if another has its turn now."""
    fd = os.open(_home(address) / TURN_NAME, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise LibraryError(_("The library for today is being made or moved in just now; "
                                 "try again in a moment.")) from None
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
    if not library.on_server or not studio.open_to_use:
        return False
    if is_taken(library.address) and not _is_here(library.address):
        (folder_for(library.address) / IN_USE_NAME).unlink()  # left by a crash as it went
    if is_taken(library.address):
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
            old = Path(tempfile.mkdtemp(dir=home, prefix="old-"))
            if library_folder(library.address).exists():
                library_folder(library.address).rename(old)  # onto the empty folder
            fresh.rename(library_folder(library.address))
            sync_folder(home)
            for left in _left_over(home):
                shutil.rmtree(left, ignore_errors=True)
        return True
    finally:
        shutil.rmtree(fresh, ignore_errors=True)  # gone unless it took the day library's place


def _left_over(home: Path) -> list[Path]:
    """What replaced day libraries, and crashes, left in HOME: those moved out of the way,
    and those begun an hour ago or more (a process making one now is not in its way)."""
    begun_long_ago = time.time() - 3600
    return [*home.glob("old-*"), *home.glob("moved-*"),
            *(p for p in home.glob(_LIBRARY_NAME + ".new-*")
              if p.stat().st_mtime < begun_long_ago)]


def waiting(studio: Studio) -> bool:
    """Whether a day library of STUDIO's library holds work to move in on this computer."""
    library = studio._library
    return library.on_server and is_taken(library.address) and _is_here(library.address)


def move_in(studio: Studio) -> DayMove | None:
    """Move the day library of STUDIO's library into it (the module's docstring); None when
    none waits. LibraryError naming what stops it (the day library is then kept whole)."""
    if not waiting(studio):
        return None
    studio._check_open()
    studio._trust_ledger()
    library = studio._library
    with _turn(library.address):
        if not waiting(studio):  # moved in by another process here meanwhile
            return None
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
    folder, home = library_folder(library.address), folder_for(library.address)
    day = Library.open(folder, keys=library.keys if encryption.is_encrypted(folder) else None)
    try:
        with day.snapshot() as db:
            facts = day_kit.facts(db)
            if facts is None:
                raise LibraryError(_("{folder} is not a library for the day.").format(
                    folder=folder))
            day_id = ledger_chain.library_id(db)
            made = day_kit.takes_made(db)
            finding, _heads = ledger_chain.verify(db)
        if finding is not None:  # what is carried in must be what mt_studio wrote
            raise LibraryError(_(
                "The library for the day in {folder} was changed outside mt_studio ({table}); "
                "it was not moved in.").format(folder=folder, table=finding.table))
        _refuse_unfinished(made, folder)
        with studio._reading() as db:
            spool = studio._shared.places.spool(db).folder
            if facts.of not in day_kit.identities(db):
                raise LibraryError(_(
                    "The library for the day in {folder} was made from another library than "
                    "the one at {address}; it was not moved in.").format(
                        folder=folder, address=library.shown_name))
        mover = studio._shared.places.mover_for(studio)
        with mover.paused():
            report, files = _carried(studio, day, facts, day_id, made, home)
            day_files.write_files(spool, day, folder, files, studio._shared.library_key)
    finally:
        day.close()
    _let_go(home)
    mover.wake()
    return report


def _carried(studio: Studio, day: Library, facts: day_kit.DayFacts, day_id: str,
             made: list[day_kit.DayTake], home: Path):
    """The day's rows carried in (`day_move.carry`), a mark beside it meanwhile: from the
    moment they may have gone in, the day library is not taken again (work done in it then
    would not be carried), until its files are out too. The mark goes again only when the
    rows certainly did not go in."""
    marker = home / MOVING_NAME
    with replaced_atomically(marker) as file:
        file.write(day_id.encode("ascii"))
    try:
        return day_move.carry(studio, day, facts, day_id, made)
    except BaseException:
        if not _carried_in(studio, day_id):
            marker.unlink(missing_ok=True)
        raise


def _carried_in(studio: Studio, day_id: str) -> bool:
    """Whether the rows of DAY_ID are in STUDIO's library (True when that cannot be known)."""
    try:
        with studio._reading() as db:
            return day_kit.moved_in(db, day_id)
    except LibraryError:
        return True


def _let_go(home: Path) -> None:
    """The day library, moved in, goes: out of its place at once (by a rename), then its
    files; a crash meanwhile leaves only a folder `prepare` removes."""
    gone = Path(tempfile.mkdtemp(dir=home, prefix="moved-"))
    (home / _LIBRARY_NAME).rename(gone)
    (home / IN_USE_NAME).unlink(missing_ok=True)
    (home / MOVING_NAME).unlink(missing_ok=True)
    sync_folder(home)
    shutil.rmtree(gone, ignore_errors=True)


def _refuse_unfinished(made: list[day_kit.DayTake], folder: Path) -> None:
    for take_made in made:
        if take_made.row[3] == "recording":
            raise LibraryError(_(
                "Take {take} in the library for the day ({folder}) was left unfinished by a "
                "crash: open the library for the day once, which recovers it, then move it "
                "in. Nothing was moved.").format(take=take_made.id, folder=folder))

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
    for touch in moved.withdrawals:
        lines.append(_("{who} withdrew consent to {purpose} today: earlier exports ({exports}) "
                       "and lead sheets ({sheets}) hold them; ask them back.").format(
            who=moved.names.get(touch.participant_id, str(touch.participant_id)),
            purpose=purpose_words(touch.purpose), exports=touch.exports,
            sheets=touch.lead_sheets))
    for event in moved.consent_overtaken:
        lines.append(_("{who}'s change to consent to {purpose} from today was not carried "
                       "over: the shared library has a later one.").format(
            who=moved.names.get(event.participant_id, str(event.participant_id)),
            purpose=purpose_words(event.purpose)))
    return "\n".join(lines)

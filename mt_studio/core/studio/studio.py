"""The studio: one library opened, and the services every window, command and plugin uses.

It is the one door to the library (docs/architecture.md): a service owns its transactions,
takes and returns plain values, and announces what changed; the rules about who may see or
change what live in the services, so that nothing can go around them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from pathlib import Path
from sqlite3 import Connection
from typing import TYPE_CHECKING

from mt_studio.core.domain.accounts import Account, Actor
from mt_studio.core.errors import AccessRefused, InputError, ServerUnreachable
from mt_studio.core.library import Library, audit, default_library_folder, participants, sessions
from mt_studio.core.library import accounts as library_accounts
from mt_studio.core.studio import elsewhere
from mt_studio.core.studio.event_hub import Events
from mt_studio.core.studio.ledger import LedgerCheck, LedgerWatch
from mt_studio.core.studio.take_places import TakePlaces
from mt_studio.i18n import _

if TYPE_CHECKING:
    from mt_studio.core.studio.accounts import AccountService
    from mt_studio.core.studio.audit import AuditService
    from mt_studio.core.studio.consent import ConsentService
    from mt_studio.core.studio.courses import CourseService
    from mt_studio.core.studio.deletion import DeletionService
    from mt_studio.core.studio.encryption_service import EncryptionService
    from mt_studio.core.studio.events import Event
    from mt_studio.core.studio.groups import GroupService
    from mt_studio.core.studio.listening import ListeningService
    from mt_studio.core.studio.participant_studio import ParticipantStudio
    from mt_studio.core.studio.plugins import PluginService
    from mt_studio.core.studio.recording import RecordingService
    from mt_studio.core.studio.reports import ReportService
    from mt_studio.core.studio.retention import RetentionService
    from mt_studio.core.studio.sessions import SessionService
    from mt_studio.core.studio.sharing import SharingService
    from mt_studio.core.studio.songs import SongService

__all__ = ["Studio", "default_library_folder"]

SIGNED_IN = "signed in"  # a transaction's actor by default: whoever is signed in at the time

# The actor a service call began as, in the thread running it: work that ends after a lock
# (an export, an analysis in a worker) is still audited as the one who started it.
_pinned: ContextVar[tuple[Studio, Actor | None] | None] = ContextVar("pinned", default=None)


class Studio:
    """A library opened, with its services: `sessions`, `groups`, `consent`, `recording`,
    `listening`, `sharing`, `songs` and `plugins`, `deletion` and `retention`, `courses` and
    `reports`, `accounts` and `audit`, and `events` to listen to what changes.

    A library with accounts opens locked: its services refuse (AccessRefused) until someone
    signs in (`sign_in`), and again after `lock`. Every audit row a transaction writes names
    the account signed in. `for_participant` gives the participant at the keyboard a studio
    of their own, another door to the same library whose services give only what is theirs.

    One connection serves every thread; a lock keeps one thread's transaction whole while
    another reads or writes (SQLite would otherwise mix their statements into one). A service
    is made the first time it is used, so that listing the sessions loads no audio engine.
    """

    def __init__(self, library: Library, *, shared: _Shared | None = None,
                 actor: Actor | None = None) -> None:
        self._library = library
        self._shared = shared or _Shared(library)
        self._actor = actor
        self.events = self._shared.events
        self._services: dict[type, tuple[object, _Guarded]] = {}
        self._services_lock = threading.Lock()  # not the studio's: never waits on a change

    @classmethod
    def open(cls, folder: Path | str, *, check_ledger: bool = True) -> Studio:
        """The studio on the library in FOLDER (created if new); LibraryError naming the file
        or folder when it cannot be opened. Its ledger is checked first (`check_ledger`),
        unless CHECK_LEDGER is false: then the caller checks it soon after (the window, in a
        worker once it has painted)."""
        from mt_studio.core.studio import encryption

        studio = cls(encryption.library_to_open(folder))
        if not studio._library.is_open:  # encrypted: nothing is read before a sign-in
            studio._shared.check_ledger_at_unlock = check_ledger
            return studio
        if check_ledger:
            try:
                studio.check_ledger()
            except BaseException:
                studio.close()
                raise
        return studio

    def check_ledger(self) -> LedgerCheck:
        """Check that the ledger (consent, audit log, exports) is as mt_studio wrote it and
        not older than last seen here; when it is not, the library is read-only from now on
        (`read_only` says why). A long read on a snapshot of its own: call it from a worker
        in a window."""
        return self._shared.ledger.check()

    @property
    def read_only(self) -> LedgerCheck | None:
        """Why the library is open read-only (its ledger was changed outside mt_studio), or
        None while it may be changed."""
        return self._shared.ledger.doubt

    # -- who is at the keyboard -----------------------------------------------------------

    @property
    def protected(self) -> bool:
        """Whether the library has accounts: then nothing in it is shown or changed until
        someone signs in (a library without any is open to whoever runs it, as before).
        Asked again until it is (another process may have made the first account), but
        never by waiting for a change under way in another thread, nor of a server lost."""
        shared = self._shared
        if not shared.protected and shared.lock.acquire(blocking=False):
            try:
                shared.protected = library_accounts.count(self._library.connection) > 0
            except ServerUnreachable:
                pass  # as it was: a library gets no account while its server is away
            finally:
                shared.lock.release()
        return shared.protected

    @property
    def actor(self) -> Actor | None:
        """Who the studio acts for: the account signed in (in participant mode, with the
        participant), or None (nobody signed in, or a library without accounts). In a
        service call, who was signed in when it began."""
        pinned = _pinned.get()
        return pinned[1] if pinned is not None and pinned[0] is self else self._actor

    @property
    def open_to_use(self) -> bool:
        """Whether the services may be used now: someone is signed in, or nobody need be."""
        return self._actor is not None or not self.protected

    def still_signed_in(self) -> bool:
        """Whether an account is signed in and still may be (disabled meanwhile, here or in
        another process, it is signed out)."""
        try:
            self._check_open()
        except AccessRefused:
            return False
        return self._actor is not None

    def sign_in(self, name: str, passphrase: str) -> Account:
        """Sign the account NAME in (the services open to it); AccessRefused for a wrong name
        or passphrase (not saying which), a disabled account, or tries made too often. It
        opens an encrypted library with the key the passphrase unwraps (`encryption.py`)."""
        from mt_studio.core.studio import encryption

        entry = None
        if not self._library.is_open:
            entry = encryption.unlock(self, name, passphrase)
            if self._shared.check_ledger_at_unlock:
                self.check_ledger()
        account = self.accounts.check(name, passphrase, proven=entry is not None)
        encryption.signed_in(self, account, passphrase, entry)
        self._actor = Actor(account)
        self._shared.reads_noted.clear()
        return account

    def recover_account(self, words: str, name: str, passphrase: str,
                        again: str | None = None) -> Account:
        """When every passphrase is forgotten: open the library with its recovery key WORDS,
        give NAME the new PASSPHRASE (audited) and sign it in (`encryption.recover`)."""
        from mt_studio.core.studio import encryption

        encryption.recover(self, words, name, passphrase, again)
        return self.sign_in(name, passphrase)

    def lock(self) -> None:
        """Nobody is signed in any more: the services refuse until someone signs in (a take
        being recorded goes on, and is kept as the account that started it)."""
        self._actor = None

    def for_participant(self, participant_id: int, session_id: int) -> ParticipantStudio:
        """A studio for the participant PARTICIPANT_ID at the keyboard ("My songs"), present
        in SESSION_ID, started by the therapist signed in: its services give only what is
        theirs, whatever they are asked. This studio locks meanwhile; leaving takes a
        therapist's sign-in (so a library needs accounts for it)."""
        from mt_studio.core.studio.participant_studio import ParticipantStudio

        if not self.protected:
            raise AccessRefused(_("Participant mode needs accounts, so that leaving it takes "
                                  "a therapist's passphrase: add an account first."))
        account = self._signed_in()
        with self._reading() as db:
            participant = participants.get(db, participant_id)
            session = sessions.get(db, session_id)
        if participant.id not in {p.id for p in session.participants}:
            raise InputError(_("{name} is not checked in to this session.").format(
                name=participant.pseudonym))
        door = Studio(self._library, shared=self._shared, actor=Actor(account, participant.id))
        door.note_read("participant_mode.started", f"participant:{participant.id}",
                       participant.id, session=session.id)
        self.lock()
        return ParticipantStudio(door, participant, session.id)

    def note_read(self, action: str, subject: str, participant_id: int | None = None,
                  **details: object) -> None:
        """Audit that health data was looked at (ACTION on SUBJECT), once for each signed-in
        spell: a board redrawn ten times is one look."""
        key = (self.actor, action, subject, participant_id, repr(sorted(details.items())))
        if key in self._shared.reads_noted:
            return
        with self._transaction(bookkeeping=True) as tx:
            audit.record(tx, action, subject, participant_id, **details)
        self._shared.reads_noted.add(key)

    def _signed_in(self) -> Account:
        if self._actor is None or self._actor.participant_id is not None:
            raise AccessRefused(_("A therapist must be signed in to do this."))
        return self._actor.account

    def _check_open(self) -> None:
        actor = self._actor
        if actor is not None and actor.participant_id is not None:
            # A participant's door: only its own services (participant_studio.py) go through.
            raise AccessRefused(_("That is not yours to open here. Ask your therapist."))
        if actor is not None:
            self._check_still_enabled(actor.account)
        if not self.open_to_use:
            raise AccessRefused(_("Sign in first: this library is kept behind accounts."))

    def _check_still_enabled(self, account: Account) -> None:
        """Sign ACCOUNT out if it was disabled since it signed in (here or in another
        process), AccessRefused saying so; never waiting for a change under way."""
        shared = self._shared
        if not shared.lock.acquire(blocking=False):
            return  # asked again at the next use
        try:
            disabled = library_accounts.get(self._library.connection, account.id).disabled
        finally:
            shared.lock.release()
        if disabled:
            self._actor = None
            raise AccessRefused(_("Your account has been disabled, so you are signed out. "
                                  "An admin can enable it again."))

    @property
    def accounts(self) -> AccountService:
        """Signing in, and the accounts (for admins)."""
        from mt_studio.core.studio.accounts import AccountService

        return self._service(AccountService, guarded=False)

    @property
    def audit(self) -> AuditService:
        """Who did and saw what (for admins)."""
        from mt_studio.core.studio.audit import AuditService

        return self._service(AuditService)

    @property
    def sessions(self) -> SessionService:
        """Sessions, who is checked in, and a session's inputs."""
        from mt_studio.core.studio.sessions import SessionService

        return self._service(SessionService)

    @property
    def groups(self) -> GroupService:
        """Bands and choirs, their members, and who was expected at a session."""
        from mt_studio.core.studio.groups import GroupService

        return self._service(GroupService)

    @property
    def courses(self) -> CourseService:
        """Who may have stopped coming, and endings (therapists and admins)."""
        from mt_studio.core.studio.courses import CourseService

        return self._service(CourseService)

    @property
    def reports(self) -> ReportService:
        """The service's figures and a participant's page (therapists and admins)."""
        from mt_studio.core.studio.reports import ReportService

        return self._service(ReportService)

    @property
    def consent(self) -> ConsentService:
        """Participants, their consent, and what it leaves a take free for."""
        from mt_studio.core.studio.consent import ConsentService

        return self._service(ConsentService)

    @property
    def recording(self) -> RecordingService:
        """Recording takes and loops, and recovering what a crash left."""
        from mt_studio.core.studio.recording import RecordingService

        return self._service(RecordingService)

    @property
    def listening(self) -> ListeningService:
        """A take as it sounds, its markers, and how it was last listened to."""
        from mt_studio.core.studio.listening import ListeningService

        return self._service(ListeningService)

    @property
    def sharing(self) -> SharingService:
        """What an export would share, and exporting it."""
        from mt_studio.core.studio.sharing import SharingService

        return self._service(SharingService)

    @property
    def songs(self) -> SongService:
        """Songs, their versions and writers."""
        from mt_studio.core.studio.songs import SongService

        return self._service(SongService)

    @property
    def retention(self) -> RetentionService:
        """Takes due for deletion because consent to keep them ended, and deleting them."""
        from mt_studio.core.studio.retention import RetentionService

        return self._service(RetentionService)

    @property
    def deletion(self) -> DeletionService:
        """Deleting takes and songs, and erasing a person (therapists and admins)."""
        from mt_studio.core.studio.deletion import DeletionService

        return self._service(DeletionService)

    @property
    def encryption(self) -> EncryptionService:
        """Encryption at rest: files sealed, the recovery key, plain copies of a take."""
        from mt_studio.core.studio.encryption_service import EncryptionService

        return self._service(EncryptionService)

    @property
    def plugins(self) -> PluginService:
        """What plugins read of a take and the annotations they leave."""
        from mt_studio.core.studio.plugins import PluginService

        return self._service(PluginService)

    def _service(self, kind: type, *, guarded: bool = True) -> object:
        """The one service KIND of this door; GUARDED, behind a guard that asks again at
        each use whether it may be used (a service kept from before a lock is locked too)."""
        if guarded:
            self._check_open()
        with self._services_lock:  # one of each, whichever thread asks first
            if kind not in self._services:
                service = kind(self)
                self._services[kind] = (service, _Guarded(service, self))
            service, behind_guard = self._services[kind]
        return behind_guard if guarded else service

    @property
    def folder(self) -> Path:
        """The library's folder."""
        return self._library.folder

    def close(self) -> None:
        """Let go of the library (and of its key); what was committed stays."""
        self._shared.places.close()  # and the keys of the takes' files
        with self._shared.lock:
            self._library.close()

    def __enter__(self) -> Studio:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- for the services -----------------------------------------------------------------

    def _trust_ledger(self) -> None:
        """Check the ledger now unless it was checked in this process; LibraryReadOnly if it
        was found changed: what the ledger decides (a deletion) must not rest on a forged one."""
        if not self._shared.ledger.checked:
            self.check_ledger()
        self._refuse_if_read_only()

    def _refuse_if_read_only(self) -> None:
        """LibraryReadOnly if the library is open read-only (for a change that writes files
        before its transaction)."""
        self._shared.ledger.refuse_if_read_only()

    @contextmanager
    def _transaction(self, *, actor: Actor | None | str = SIGNED_IN,
                     bookkeeping: bool = False) -> Iterator[Connection]:
        """One all-or-nothing change (a service's own), audited as done by ACTOR (None:
        nobody; default: whoever is signed in now); a transaction opened inside another joins
        it. The events announced meanwhile are told once it is committed.

        A library open read-only (its ledger changed outside mt_studio) refuses it with
        LibraryReadOnly, unless it is BOOKKEEPING: only audit rows of who looked, and
        sign-ins, which a read-only library still keeps."""
        shared = self._shared
        if not bookkeeping:
            shared.ledger.refuse_if_read_only()
        with shared.lock, self._acting(actor):
            if shared.pending is not None:  # inside one already: part of it
                yield self._library.connection
                return
            shared.pending, shared.writer = [], threading.get_ident()
            try:
                with self._library.transaction() as db:
                    yield db
                    elsewhere.tell_at_commit(db, shared.pending, self._library.origin)
                announced = shared.pending
            finally:
                shared.pending, shared.writer = None, None
            shared.ledger.committed(self._library.connection)
        for event in announced:
            self.events.emit(event)

    def _acting(self, actor: Actor | None | str = SIGNED_IN) -> AbstractContextManager[None]:
        """Audit what is written meanwhile in this thread as done by ACTOR (None: nobody;
        default: whoever is signed in), the studio's transactions and others (the demo's)."""
        who = self.actor if actor == SIGNED_IN else actor
        return audit.acting(who and who.account.id, who and who.participant_id)

    @contextmanager
    def _pinned_actor(self) -> Iterator[None]:
        """Whoever the studio acts for now stays its actor in this thread meanwhile."""
        token = _pinned.set((self, self.actor))
        try:
            yield
        finally:
            _pinned.reset(token)

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        """The connection, to read from (never in the middle of another thread's change)."""
        with self._shared.lock:
            yield self._library.connection

    def _announce(self, event: Event) -> None:
        """Tell EVENT once the transaction open in this thread is committed (at once without
        one)."""
        shared = self._shared
        if shared.pending is not None and shared.writer == threading.get_ident():
            shared.pending.append(event)
        else:
            self.events.emit(event)


class _Guarded:
    """A service of STUDIO whose every attribute is given only while the studio is open to
    use (a lock closes it), its methods running as whoever was signed in when called."""

    __slots__ = ("_service", "_studio")

    def __init__(self, service: object, studio: Studio) -> None:
        self._service = service
        self._studio = studio

    def __getattr__(self, name: str) -> object:
        studio = self._studio
        studio._check_open()
        found = getattr(self._service, name)
        if not callable(found):
            return found

        def called_as_now(*args: object, **kwargs: object) -> object:
            with studio._pinned_actor():
                return found(*args, **kwargs)

        return called_as_now


class _Shared:
    """What every door to one library shares: its lock, the open transaction's events, the
    listeners, whether it has accounts, the reads audited, and where takes' files are."""

    def __init__(self, library: Library) -> None:
        self.lock = library.lock  # the connection's: a change made beside the studio waits too
        self.pending: list[Event] | None = None  # announced in the open transaction
        self.writer: int | None = None  # the thread whose transaction is open
        self.events = Events()
        self.ledger = LedgerWatch(library)
        self.places = TakePlaces(library)  # the store's, and this computer's spool
        self.library_key: bytes | None = None  # an encrypted library's, once unlocked
        self.check_ledger_at_unlock = False
        with self.lock:
            self.protected = (not library.is_open
                              or library_accounts.count(library.connection) > 0)
        self.reads_noted: set[tuple] = set()

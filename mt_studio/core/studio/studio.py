"""The studio: one library opened, and the services every window, command and plugin uses.

It is the one door to the library (docs/architecture.md): a service owns its transactions,
takes and returns plain values, and announces what changed; the rules about who may see or
change what live in the services, so that nothing can go around them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from sqlite3 import Connection
from typing import TYPE_CHECKING

from mt_studio.core.library import Library, default_library_folder
from mt_studio.core.studio.events import Event, Events

if TYPE_CHECKING:
    from mt_studio.core.studio.consent import ConsentService
    from mt_studio.core.studio.listening import ListeningService
    from mt_studio.core.studio.plugins import PluginService
    from mt_studio.core.studio.recording import RecordingService
    from mt_studio.core.studio.sessions import SessionService
    from mt_studio.core.studio.sharing import SharingService
    from mt_studio.core.studio.songs import SongService

__all__ = ["Studio", "default_library_folder"]


class Studio:
    """A library opened, with its services: `sessions`, `consent`, `recording`, `listening`,
    `sharing`, `songs` and `plugins`, and `events` to listen to what changes.

    One connection serves every thread; a lock keeps one thread's transaction whole while
    another reads or writes (SQLite would otherwise mix their statements into one). A service
    is made the first time it is used, so that listing the sessions loads no audio engine.
    """

    def __init__(self, library: Library) -> None:
        self._library = library
        self._lock = threading.RLock()
        self._pending: list[Event] | None = None  # announced in the open transaction
        self._writer: int | None = None  # the thread whose transaction is open
        self.events = Events()
        self._services: dict[type, object] = {}
        self._services_lock = threading.Lock()  # not the studio's: never waits on a change

    @classmethod
    def open(cls, folder: Path | str) -> Studio:
        """The studio on the library in FOLDER (created if new); LibraryError naming the file
        or folder when it cannot be opened."""
        return cls(Library.open(folder))

    @property
    def sessions(self) -> SessionService:
        """Sessions, who is checked in, and a session's inputs."""
        from mt_studio.core.studio.sessions import SessionService

        return self._service(SessionService)

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
    def plugins(self) -> PluginService:
        """What plugins read of a take and the annotations they leave."""
        from mt_studio.core.studio.plugins import PluginService

        return self._service(PluginService)

    def _service(self, kind: type) -> object:
        with self._services_lock:  # one of each, whichever thread asks first
            if kind not in self._services:
                self._services[kind] = kind(self)
            return self._services[kind]

    @property
    def folder(self) -> Path:
        """The library's folder."""
        return self._library.folder

    def close(self) -> None:
        """Let go of the library; what was committed stays."""
        with self._lock:
            self._library.close()

    def __enter__(self) -> Studio:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- for the services -----------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One all-or-nothing change (a service's own); a transaction opened inside another
        joins it. The events announced meanwhile are told once it is committed."""
        with self._lock:
            if self._pending is not None:  # inside one already: part of it
                yield self._library.connection
                return
            self._pending, self._writer = [], threading.get_ident()
            try:
                with self._library.transaction() as db:
                    yield db
                announced = self._pending
            finally:
                self._pending, self._writer = None, None
        for event in announced:
            self.events.emit(event)

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """The connection, to read from (never in the middle of another thread's change)."""
        with self._lock:
            yield self._library.connection

    def announce(self, event: Event) -> None:
        """Tell EVENT once the transaction open in this thread is committed (at once without
        one)."""
        if self._pending is not None and self._writer == threading.get_ident():
            self._pending.append(event)
        else:
            self.events.emit(event)

    @property
    def library(self) -> Library:
        """The library itself, for the studio's own services and the engines they run until
        those take resolved sources only; nothing outside mt_studio.core.studio uses it."""
        return self._library

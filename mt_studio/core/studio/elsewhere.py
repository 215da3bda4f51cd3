"""Changes made on the other computers that share a server library (docs/architecture.md, "One
library for the service"): each transaction's events go with its commit as notices, and a
studio that listens tells them to its own listeners as if they were its own, so a window
redraws what another therapist changed as it redraws its own changes."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import astuple
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the events load with the first one announced, not with the studio
    from mt_studio.core.studio.events import Event
    from mt_studio.core.studio.studio import Studio

NOTICE_BYTES = 7900  # PostgreSQL takes a notice of up to 8000 bytes


def tell_at_commit(db, events: Sequence[Event], origin: str) -> None:
    """Send EVENTS (announced in DB's open transaction by ORIGIN) to every listener of a
    server library, delivered when it commits; nothing for none, or a library in a folder."""
    if events:
        db.notify_changed(notices(events, origin))


def notices(events: Sequence[Event], origin: str) -> list[str]:
    """EVENTS as notices from ORIGIN (the library door that made them), each small enough to
    send; none for no events."""
    items = [_encoded([type(event).__name__, list(astuple(event))])
             for event in dict.fromkeys(events)]
    room = NOTICE_BYTES - len(_notice(origin, []).encode())
    batches: list[str] = []
    batch: list[str] = []
    used = 0
    for item in items:  # each encoded once: a deletion's hundreds of events stay cheap
        size = len(item.encode()) + 1  # and its comma
        if batch and used + size > room:
            batches.append(_notice(origin, batch))
            batch, used = [], 0
        batch.append(item)
        used += size
    if batch:
        batches.append(_notice(origin, batch))
    return batches


def heard(notice: str, origin: str) -> list[Event]:
    """The events of NOTICE, unless it came from ORIGIN (this door: told already) or is not
    one this mt_studio knows (a newer one's event is left out, not guessed at)."""
    from mt_studio.core.studio import events as known
    from mt_studio.core.studio.events import Event

    try:
        decoded = json.loads(notice)
    except ValueError:
        return []
    if not isinstance(decoded, dict) or decoded.get("from") == origin:
        return []
    found = []
    for name, fields in decoded.get("events", []):
        kind = getattr(known, str(name), None)
        if isinstance(kind, type) and issubclass(kind, Event):
            try:
                found.append(kind(*fields))
            except TypeError:
                continue
    return found


def listen(studio: Studio) -> Callable[[], None]:
    """Tell STUDIO's listeners every event committed to its library from elsewhere (another
    computer, or another program on this one), and `ServerReach` when the library's server is
    lost or back; the call returned stops listening. Nothing to hear for a library in a
    folder; a library for the day hears whether its service's server answers."""
    from mt_studio.core.studio.day_library import of_studio
    from mt_studio.core.studio.events import ServerReach

    library, hub = studio._library, studio.events
    day = None if library.on_server else of_studio(studio)
    if day is not None:  # a library for the day: whether its service's server is back
        return library.watch_server(day.address, lambda back: hub.emit(ServerReach(back)))

    def told(notice: str) -> None:
        for event in heard(notice, library.origin):
            hub.emit(event)

    return library.listen(told, lambda reachable: hub.emit(ServerReach(reachable)))


def _notice(origin: str, items: list[str]) -> str:
    """ITEMS (each an event as JSON) as one notice from ORIGIN."""
    return f'{{"from":{_encoded(origin)},"events":[{",".join(items)}]}}'


def _encoded(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))

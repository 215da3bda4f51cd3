"""The hub that tells whoever listens what changed in the studio (the events themselves are
in events.py, made the first time one is announced: nine dataclasses take 5 ms, which the
window's list of sessions need not wait for). A listener that fails is logged and does not
stop the others or the change."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mt_studio.core.studio.events import Event

Listener = Callable[["Event"], None]


class Events:
    """Listeners to the studio's events; `subscribe` returns the call that unsubscribes."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call LISTENER with every event from now on; the returned call stops that."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def emit(self, event: Event) -> None:
        """Tell every listener about EVENT, in this thread."""
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(event)
            except Exception:  # a window that cannot redraw must not undo a saved change
                import logging

                logging.getLogger(__name__).exception("a listener failed on %s", event)

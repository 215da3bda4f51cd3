"""Work off the GUI thread: a function runs in a worker, and what it returns, raises or reports
on the way is handed to callbacks in the GUI thread, never once their owner is gone (as
MusicBrainz Picard's `run_task` and napari's `create_worker`).

    run_in_worker(self, read_peaks, done=self._show_peaks)
    run_in_worker(self, export, done=self._finished, progress=self._show_progress,
                  thread="mt-studio-export")

Short work runs in the application's thread pool. Work that holds a device or may run for
long (a device scan, an export, an analysis) gets a daemon thread of its own: the pool has
only as many threads as the computer has cores, `wait_for_pool_work` must not wait for it,
and a daemon thread never keeps the app from quitting.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any

from PyQt6 import sip
from PyQt6.QtCore import QCoreApplication, QObject, QThreadPool, pyqtSignal, pyqtSlot


class Worker:
    """One piece of work under way in a worker: `running`, and `wait` for it to end."""

    def __init__(self, owner: QObject, done, failed, progress) -> None:
        self._owner = owner
        self._callbacks = {_DONE: done, _FAILED: failed, _PROGRESS: progress}
        self._ended = threading.Event()

    @property
    def running(self) -> bool:
        """Whether the work has not returned (or raised) yet."""
        return not self._ended.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait up to TIMEOUT seconds (None: as long as it takes) for the work to end; True
        once it has. Its callbacks come later, from the GUI thread's event loop."""
        return self._ended.wait(timeout)

    def _deliver(self, kind: int, value: Any) -> None:
        """In the GUI thread: give VALUE to the callback for KIND while the owner lives."""
        callback = self._callbacks[kind]
        if callback is None and kind == _FAILED:  # said even once the owner is gone
            sys.excepthook(type(value), value, value.__traceback__)
        elif callback is not None and not sip.isdeleted(self._owner):
            callback(value)


def run_in_worker(owner: QObject, work: Callable[..., Any],
                  done: Callable[[Any], None] | None = None, *,
                  failed: Callable[[Exception], None] | None = None,
                  progress: Callable[[Any], None] | None = None,
                  thread: str | None = None) -> Worker:
    """Run WORK in a worker (call this from the GUI thread); the Worker.

    What WORK returns goes to DONE, an exception it raises to FAILED; with PROGRESS, WORK is
    called with one argument, `report`, and each `report(value)` goes to PROGRESS (a fraction
    done, or a part of the result). All three are called in the GUI thread, in order, and
    not at all once OWNER is deleted. Without FAILED, an exception goes to `sys.excepthook`
    (the app's error dialog), owner or not. THREAD names a daemon thread of its own for WORK;
    without it, WORK runs in the application's thread pool.
    """
    worker = Worker(owner, done, failed, progress)
    relay = _relay()

    def report(value: object) -> None:
        relay.arrived.emit((worker, _PROGRESS, value))

    def run() -> None:
        try:
            result = work(report) if progress is not None else work()
        except Exception as error:  # handed to FAILED in the GUI thread
            relay.arrived.emit((worker, _FAILED, error))
        else:
            relay.arrived.emit((worker, _DONE, result))
        finally:
            worker._ended.set()

    if thread is None:
        # The application's pool, not one of a view's own: a pool deleted with its view waits
        # for its workers while holding the interpreter lock they need, and hangs.
        QThreadPool.globalInstance().start(run)
    else:
        threading.Thread(target=run, name=thread, daemon=True).start()
    return worker


def wait_for_pool_work(timeout: float) -> bool:
    """Wait up to TIMEOUT seconds for the work running in the application's thread pool (not
    for work in threads of its own); True if it all ended."""
    return QThreadPool.globalInstance().waitForDone(int(timeout * 1000))


_PROGRESS, _DONE, _FAILED = range(3)


class _Relay(QObject):
    """Lives in the GUI thread: what workers emit here is queued to it, and handed on."""

    arrived = pyqtSignal(object)  # (worker, kind, value)

    def __init__(self) -> None:
        super().__init__()
        self.arrived.connect(self._hand_on)

    @pyqtSlot(object)
    def _hand_on(self, message: tuple[Worker, int, Any]) -> None:
        worker, kind, value = message
        worker._deliver(kind, value)


_the_relay: _Relay | None = None


def _relay() -> _Relay:
    """The one relay, made on the first work; it lives in the GUI thread as long as the app."""
    global _the_relay
    if _the_relay is None:
        _the_relay = _Relay()
        app = QCoreApplication.instance()
        if app is not None:
            _the_relay.moveToThread(app.thread())
    return _the_relay

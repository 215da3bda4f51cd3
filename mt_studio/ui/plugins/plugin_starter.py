"""Starting the app's plugin host in a worker, after the window has painted: plugins import
numpy and more, which the start-up path must not wait for."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PyQt6.QtCore import QObject, pyqtSignal

from mt_studio.ui.common.worker_signals import emit_from_worker

log = logging.getLogger(__name__)


class PluginStarter(QObject):
    """Makes the plugin host (MAKE, default `PluginHost.default`) and starts it once, in a
    worker; `started(host)` in the GUI thread when it is ready, and `host` from then on.

    A window built again (a new language) is handed the same starter, so plugins start once.
    """

    started = pyqtSignal(object)
    _ready = pyqtSignal(object)

    def __init__(self, make: Callable[[], object] | None = None) -> None:
        super().__init__()
        self._make = make
        self.host = None
        self._thread: threading.Thread | None = None
        self._ready.connect(self._took_over)

    def start(self) -> None:
        """Start the host in a worker (once; later calls do nothing)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="mt-studio-plugins",
                                            daemon=True)
            self._thread.start()

    def _work(self) -> None:
        try:
            if self._make is None:
                from mt_studio.core.plugins.host import PluginHost

                host = PluginHost.default()
            else:
                host = self._make()
            host.start()  # each plugin in its own try/except: one failing stops no other
        except Exception:  # the host itself: the app goes on without plugins
            log.exception("the plugin host could not start")
            return
        emit_from_worker(self, "_ready", host)

    def _took_over(self, host) -> None:
        self.host = host
        self.started.emit(host)

"""Starting the app's plugin host in a worker, after the window has painted: plugins import
numpy and more, which the start-up path must not wait for."""

from __future__ import annotations

from collections.abc import Callable

from PyQt6.QtCore import QObject, pyqtSignal

from mt_studio.ui.common.worker import Worker, run_in_worker


class PluginStarter(QObject):
    """Makes the plugin host (MAKE, default `PluginHost.default`) and starts it once, in a
    worker; `started(host)` in the GUI thread when it is ready, and `host` from then on.

    A window built again (a new language) is handed the same starter, so plugins start once.
    """

    started = pyqtSignal(object)

    def __init__(self, make: Callable[[], object] | None = None) -> None:
        super().__init__()
        self._make = make
        self.host = None
        self._worker: Worker | None = None

    def start(self) -> None:
        """Start the host in a worker (once; later calls do nothing)."""
        if self._worker is None:
            self._worker = run_in_worker(self, self._started_host, done=self._took_over,
                                         failed=self._failed, thread="mt-studio-plugins")

    def _started_host(self):
        if self._make is None:
            from mt_studio.core.plugins.host import PluginHost

            host = PluginHost.default()
        else:
            host = self._make()
        host.start()  # each plugin in its own try/except: one failing stops no other
        return host

    @staticmethod
    def _failed(error: Exception) -> None:  # the host itself: the app goes on without plugins
        import logging  # not before the window's first paint

        logging.getLogger(__name__).error("the plugin host could not start", exc_info=error)

    def _took_over(self, host) -> None:
        self.host = host
        self.started.emit(host)

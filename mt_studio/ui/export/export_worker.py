"""An export run in a worker thread through the studio, reporting to the GUI.

The studio's lock keeps its one connection whole from any thread, so the worker asks the
studio itself (`studio.sharing.export`); the export calls `progress` and `cancelled` on the
worker's thread, and both only touch values that are safe there (the worker's report, an
Event).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PyQt6.QtCore import QObject, pyqtSignal

from mt_studio.core.errors import MtStudioError
from mt_studio.core.export import ExportCancelled, ExportRequest, ExportResult
from mt_studio.core.plugins import PluginHost
from mt_studio.i18n import _
from mt_studio.ui.common.worker import Worker, run_in_worker

if TYPE_CHECKING:
    from mt_studio.core.studio import Studio

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExportOutcome:
    """How an export ended: its result, or the problem in words (and whether it was cancelled)."""

    result: ExportResult | None
    problem: str = ""
    cancelled: bool = False


class ExportRun(QObject):
    """One export at a time through STUDIO, with PLUGINS' effects and exporters.

    `progressed(fraction)` while it runs (0..1); `finished(ExportOutcome)` once it ended,
    having written everything or nothing.
    """

    progressed = pyqtSignal(float)
    finished = pyqtSignal(object)

    def __init__(self, studio: Studio, parent: QObject | None = None,
                 plugins: PluginHost | None = None) -> None:
        super().__init__(parent)
        self._studio = studio
        self._plugins = plugins
        self._cancel = threading.Event()
        self._worker: Worker | None = None

    @property
    def running(self) -> bool:
        """Whether an export is under way."""
        return self._worker is not None and self._worker.running

    def start(self, request: ExportRequest) -> None:
        """Export as REQUEST asks, in a worker thread."""
        self._cancel = threading.Event()
        cancel = self._cancel
        self._worker = run_in_worker(
            self, lambda report: self._work(request, cancel, report), done=self.finished.emit,
            progress=self.progressed.emit, thread="mt-studio-export")

    def cancel(self) -> None:
        """Ask the export under way to stop; it removes what it wrote and then reports."""
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait up to TIMEOUT seconds for the worker; True once no export runs."""
        if self._worker is not None:
            self._worker.wait(timeout)
        return not self.running

    def _work(self, request: ExportRequest, cancel: threading.Event,
              report: Callable[[float], None]) -> ExportOutcome:
        try:
            return ExportOutcome(self._studio.sharing.export(
                request, progress=report, cancelled=cancel.is_set, plugins=self._plugins))
        except ExportCancelled as stopped:
            return ExportOutcome(None, str(stopped), cancelled=True)
        except MtStudioError as error:  # refused consent, a bad choice, a folder not writable
            return ExportOutcome(None, str(error))
        except Exception as error:  # anything else must reach the person, not kill the thread
            log.exception("the export failed")
            return ExportOutcome(None, _("The export failed: {error}").format(error=error))

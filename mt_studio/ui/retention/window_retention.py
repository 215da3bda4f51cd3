"""Retention in the window: at the start, the due takes whose grace days are over are deleted
in a worker, once someone is signed in, and the window says what went and what is due; the
list of due takes on asking."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mt_studio.i18n import _, ngettext
from mt_studio.ui.common.worker import run_in_worker

if TYPE_CHECKING:
    from PyQt6.QtWidgets import QMainWindow

    from mt_studio.core.studio.retention import RetentionRun


class WindowRetention:
    """Retention for the main WINDOW: `run` at its start, `show_due` on asking."""

    def __init__(self, window: QMainWindow) -> None:
        self.window = window
        self.waits = False  # the window was locked when it was to run: once it is unlocked

    def run(self) -> None:
        """Delete the due takes whose grace days are over, in a worker, and tell what went
        (once someone is signed in)."""
        window = self.window
        self.waits = not window.studio.open_to_use
        if self.waits:
            return
        run_in_worker(window, window.studio.retention.run, done=lambda run: _tell(window, run),
                      failed=lambda error: _not_run(window, error), thread="mt-studio-retention")

    def unlocked(self) -> None:
        """Someone signed in: run now if it waited for them."""
        if self.waits:
            self.run()

    def show_due(self):
        """Open the takes due for deletion (window-modal); the dialog."""
        from PyQt6.QtCore import Qt

        from mt_studio.ui.retention.due_dialog import DueDialog

        dialog = DueDialog(self.window.studio, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog


def _not_run(window: QMainWindow, error: Exception) -> None:
    from mt_studio.core.studio.ledger import LibraryReadOnly

    if isinstance(error, LibraryReadOnly):
        return  # the band across the window says so already
    window.reporter.report(_("Takes due for deletion were not deleted"),
                           _("They are kept until the next start: {error}").format(error=error))


def _tell(window: QMainWindow, run: RetentionRun) -> None:
    coming = [take for take in run.waiting if take.hold is None]
    if run.deleted:
        window.sessions.refresh()
        window.reporter.report(_("Takes deleted"), ngettext(
            "{n} take was deleted today, with everything made from it: someone heard on it "
            "had not given, or no longer gave, consent to keep it, and its grace days were "
            "over. The audit log says which and why.",
            "{n} takes were deleted today, with everything made from them: someone heard on "
            "each had not given, or no longer gave, consent to keep it, and their grace days "
            "were over. The audit log says which and why.", len(run.deleted)).format(
                n=len(run.deleted)))
    if run.failed:
        take, error = run.failed[0]
        window.reporter.report(_("A take due for deletion was kept"), _(
            "Take {take} could not be deleted yet and is tried again at the next start: "
            "{error}").format(take=take.take.take_id, error=error))
    if coming:
        window.statusBar().showMessage(ngettext(
            "{n} take is due for deletion — see Session ▸ Takes due for deletion",
            "{n} takes are due for deletion — see Session ▸ Takes due for deletion",
            len(coming)).format(n=len(coming)), 60000)

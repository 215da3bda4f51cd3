"""The export dialog of one take: the choices (`export_form`), a live preview of who is heard
and their consent (`export_preview`), and the export itself in a worker (`export_worker`),
with progress and Cancel.

Every consent decision is the studio's: the preview shows `studio.sharing.preview`'s verdict,
the export (`studio.sharing.export`) asks the ledger again while it writes, and consent
recorded here goes through `studio.consent.grant`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from PyQt6.QtCore import Qt, QUrl, pyqtSignal
from PyQt6.QtGui import QDesktopServices
from PyQt6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mt_studio.core.domain import Participant, Purpose
from mt_studio.core.domain.takes import Take
from mt_studio.core.errors import MtStudioError
from mt_studio.core.export import ExportResult
from mt_studio.core.export.preview import Preview
from mt_studio.core.looping import LoopRegion
from mt_studio.core.mixing import TrackMix
from mt_studio.core.plugins import PluginHost
from mt_studio.core.presets import PresetCatalog
from mt_studio.i18n import _
from mt_studio.ui.common.dialog_buttons import translate
from mt_studio.ui.common.take_words import length_words
from mt_studio.ui.consent.consent_dialogs import GrantDialog, GrantRequest, record_grant
from mt_studio.ui.export.export_form import ExportForm, mixes_by_track, number_words
from mt_studio.ui.export.export_preview import ExportPreview
from mt_studio.ui.export.export_worker import ExportOutcome, ExportRun

if TYPE_CHECKING:
    from mt_studio.core.studio import Studio

log = logging.getLogger(__name__)

PROBLEM_STYLE = "color: #8b0000; font-weight: bold;"


class ExportDialog(QDialog):
    """Export TAKE through STUDIO. MIXES is the take view's mix (a TrackMix per audio track, in
    take order, or by track id); LOOP the loop drawn on it, if any; PLUGINS the app's plugin
    host, whose effects and exporters can be chosen (None: none offered); PURPOSE the purpose
    chosen to start with (None: the first).

    `result` holds the last finished export (None until one finished); `preview_shown` the
    preview on display; `grant_dialog` the last "Record consent…" dialog opened.
    `consent_recorded()` after consent was recorded from the dialog.
    """

    consent_recorded = pyqtSignal()

    def __init__(self, studio: Studio, take: Take,
                 mixes: Mapping[int, TrackMix] | Sequence[TrackMix] = (),
                 loop: LoopRegion | None = None, parent: QWidget | None = None,
                 catalog: PresetCatalog | None = None, plugins: PluginHost | None = None,
                 purpose: Purpose | None = None) -> None:
        super().__init__(parent)
        self.studio, self.take = studio, take
        self.result: ExportResult | None = None
        self.preview_shown: Preview | None = None
        # Held until the next one opens: a parentless export dialog (as in tests) crashes
        # when Python lets go of its child dialog before Qt has deleted it.
        self.grant_dialog: GrantDialog | None = None
        self._run = ExportRun(studio, self, plugins)
        self._run.progressed.connect(self._show_progress)
        self._run.finished.connect(self._finished)
        self.setWindowTitle(_("Export take {number}").format(number=take.number))
        self.form = ExportForm(studio, take, mixes_by_track(take, mixes), loop,
                               catalog or PresetCatalog.default(), plugins=plugins)
        self.form.title.setText(self._default_title())
        if purpose is not None:
            self.form.purpose.setCurrentIndex(self.form.purpose.findData(purpose))
        self._build()
        self.form.changed.connect(self.refresh_preview)
        self.refresh_preview()

    def _build(self) -> None:
        session = self.studio.sessions.get(self.take.session_id)
        heading = QLabel(_("Take {number} of {session}, {length}").format(
            number=self.take.number, session=session.title,
            length=length_words(self.take.frames, self.take.samplerate)))
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        heading.setFont(font)
        heading.setTextFormat(Qt.TextFormat.PlainText)

        self.preview = ExportPreview()
        self.preview.consent_requested.connect(self.record_consent)
        preview_box = QGroupBox(_("Who is heard, and may it be shared?"))
        QVBoxLayout(preview_box).addWidget(self.preview)
        columns = QHBoxLayout()
        columns.addWidget(self.form, 3)
        columns.addWidget(preview_box, 2)

        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setAccessibleName(_("Export progress"))
        self.cancel_button = _button(_("Cancel"), _("Cancel the export"),
                                     _("Stop the export; nothing of it is left behind."))
        self.cancel_button.clicked.connect(self.cancel)
        working = QHBoxLayout()
        working.addWidget(self.progress, 1)
        working.addWidget(self.cancel_button)

        self.outcome = QLabel()
        self.outcome.setWordWrap(True)
        self.outcome.setTextFormat(Qt.TextFormat.PlainText)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                             | Qt.TextInteractionFlag.TextSelectableByMouse)
        self.outcome.setAccessibleName(_("How the export went"))
        self.open_folder_button = _button(_("Open the folder"), _("Open the exported folder"),
                                          _("Show the exported files in the file manager."))
        self.open_folder_button.clicked.connect(self.open_folder)
        done = QHBoxLayout()
        done.addWidget(self.outcome, 1)
        done.addWidget(self.open_folder_button)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        translate(buttons)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setAutoDefault(False)
        self.export_button = _button(_("Export"), _("Export"), _(
            "Write the files; only possible when everyone heard has consented to the chosen "
            "purpose."))
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.clicked.connect(self.start_export)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(columns, 1)
        layout.addLayout(working)
        layout.addLayout(done)
        layout.addWidget(buttons)
        self._show_working(False)
        self.outcome.hide()
        self.open_folder_button.hide()

    def _default_title(self) -> str:
        """The title the studio gives this take: its song's, else "Take N"."""
        return self.studio.sharing.default_title(self.take.id)

    @property
    def exporting(self) -> bool:
        """Whether an export is under way."""
        return self._run.running

    def refresh_preview(self) -> None:
        """Ask the studio again whether the export may go ahead, and show who is heard."""
        try:
            preview = self.studio.sharing.preview(self.form.request())
        except MtStudioError as error:  # a choice the request itself refuses
            preview = Preview(self.preview.rows, None, str(error))
        self.preview_shown = preview
        self.preview.show_preview(preview, self.form.purpose.currentData(), self.form.titles)
        self.export_button.setEnabled(preview.allowed and self.form.destination() is not None
                                      and not self._run.running)

    def record_consent(self, participant_id: int, purpose: Purpose) -> GrantDialog:
        """Open (without blocking) the consent board's grant dialog for one person heard, with
        PURPOSE ticked; once it is recorded the preview is asked again, and nothing typed
        here changes."""
        consent = self.studio.consent
        history = consent.history(consent.pseudonyms()[participant_id])
        person = history.participant
        dialog = GrantDialog(
            person, purpose, credit=history.credit,
            witness=self.studio.sessions.get(self.take.session_id).therapist,
            form_version=next((e.form_version for e in reversed(history.rows)
                               if e.form_version), None),
            apply=lambda request: self._grant(person, request), parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.grant_dialog = dialog
        return dialog

    def _grant(self, person: Participant, request: GrantRequest) -> None:
        record_grant(self.studio, person, request)
        self.refresh_preview()
        self.consent_recorded.emit()

    # Exporting (slots are methods, not lambdas: a method's connection goes with its dialog)

    def start_export(self) -> None:
        """Export in a worker, with progress and Cancel; the outcome is shown when it ends."""
        self.refresh_preview()
        if not self.export_button.isEnabled():
            return
        request = self.form.request()
        self.result = None
        self.outcome.hide()
        self.open_folder_button.hide()
        self._show_working(True)
        self._run.start(request)

    def cancel(self) -> None:
        """Stop the export under way; it removes what it wrote, then says so here."""
        if self._run.running:
            self.cancel_button.setEnabled(False)
            self.progress.setFormat(_("Cancelling…"))
            self._run.cancel()

    def stop_for_closing(self, timeout: float = 15.0) -> bool:
        """The window is closing: cancel the export under way and wait up to TIMEOUT seconds
        while it removes what it wrote (patients' audio must not stay behind in a hidden
        folder on a shared stick); True once no export runs."""
        if not self._run.running:
            return True
        log.info("the window closes during an export: cancelling it")
        self.cancel()
        stopped = self._run.wait(timeout)
        if not stopped:
            log.warning("the export did not stop within %.0f s; the next export into that "
                        "folder removes what it left", timeout)
        return stopped

    def _show_working(self, on: bool) -> None:
        self.progress.setVisible(on)
        self.cancel_button.setVisible(on)
        self.progress.setValue(0)
        self.progress.resetFormat()
        self.cancel_button.setEnabled(on)
        self.form.set_editable(not on)
        self.close_button.setEnabled(not on)
        if on:
            self.export_button.setEnabled(False)
            self.cancel_button.setFocus()

    def _show_progress(self, fraction: float) -> None:
        self.progress.setValue(round(fraction * 100))

    def _finished(self, outcome: ExportOutcome) -> None:
        self._run.wait()  # it has reported: its thread is ending
        self._show_working(False)
        self.result = outcome.result
        self.outcome.setText(outcome_words(outcome))
        self.outcome.setStyleSheet("" if outcome.result or outcome.cancelled else PROBLEM_STYLE)
        self.outcome.show()
        self.open_folder_button.setVisible(outcome.result is not None)
        self.refresh_preview()  # consent may have changed meanwhile
        (self.open_folder_button if outcome.result else self.outcome).setFocus()

    def open_folder(self) -> None:
        """Show the last export's folder in the file manager."""
        if self.result is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.result.folder)))

    def reject(self) -> None:
        """Close (Close, Esc, the window's close button); while exporting, cancel the export
        instead and stay open to say how it ended."""
        if self._run.running:
            self.cancel()
            return
        super().reject()


def outcome_words(outcome: ExportOutcome) -> str:
    """How an export ended: where it went and the loudness it reached, or why it did not."""
    result = outcome.result
    if result is None:
        return outcome.problem
    lines = [_("Exported to {folder}").format(folder=result.folder)]
    if result.zip is not None:
        lines.append(_("and as {zip}").format(zip=result.zip))
    loudness = result.loudness or {}
    if loudness.get("result_lufs") is not None:
        lines.append(_("Loudness reached: {lufs} LUFS.").format(
            lufs=number_words(loudness["result_lufs"])))
    if loudness.get("true_peak_dbtp") is not None:
        lines.append(_("The loudest peak: {peak} dBTP.").format(
            peak=number_words(loudness["true_peak_dbtp"])))
    return "\n".join(lines)


def _button(text: str, name: str, tip: str) -> QPushButton:
    """A button that Enter in a field does not press (Space does, when it has the focus):
    pressing Enter after typing a recipient must not start an export."""
    button = QPushButton(text)
    button.setAccessibleName(name)
    button.setToolTip(tip)
    button.setAutoDefault(False)
    return button

"""The report saved as a file from the Service view: a PDF, a spreadsheet or CSV, written by
the studio in a worker; and, for an admin, whether saved files show counts under 3."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PyQt6.QtCore import QStandardPaths
from PyQt6.QtWidgets import QCheckBox, QFileDialog, QHBoxLayout, QLabel, QPushButton, QWidget

from mt_studio.core.errors import MtStudioError
from mt_studio.i18n import _
from mt_studio.ui.common.worker import run_in_worker
from mt_studio.ui.service.roles import is_admin

if TYPE_CHECKING:
    from collections.abc import Callable

    from mt_studio.core.domain.service_report import ServiceReport
    from mt_studio.core.studio import Studio

SUFFIXES = {"pdf": ".pdf", "xlsx": ".xlsx", "csv": ".csv"}


class SaveRow(QWidget):
    """Save the view's report (`report`, once made) through STUDIO; `saved` is the last file
    written. REFRESH makes the report again, FAILED takes what went wrong unexpectedly."""

    def __init__(self, studio: Studio, refresh: Callable[[], None],
                 failed: Callable[[Exception], None]) -> None:
        super().__init__()
        self.studio = studio
        self.refresh = refresh
        self.failed = failed
        self.report: ServiceReport | None = None
        self.saved: Path | None = None
        self.saving = False
        self.pdf_button = QPushButton(_("Save as &PDF…"))
        self.pdf_button.clicked.connect(lambda: self.ask("pdf"))
        self.sheet_button = QPushButton(_("Save as &spreadsheet…"))
        self.sheet_button.setToolTip(_("An Excel spreadsheet (.xlsx), or CSV"))
        self.sheet_button.clicked.connect(lambda: self.ask("xlsx"))
        self.small_counts = QCheckBox(_("Show counts under 3 in saved files"))
        self.small_counts.setToolTip(_("Off: counts of 1 and 2 show as <3 in the PDF, the "
                                       "spreadsheet and CSV, so that nobody can be told apart. "
                                       "The figures here are always exact."))
        admin = is_admin(studio)
        self.small_counts.setVisible(admin)  # the admin's choice alone
        if admin:
            self.small_counts.setChecked(studio.reports.show_small_counts())
        self.small_counts.toggled.connect(self.set_small_counts)
        self.line = QLabel()
        self.line.setWordWrap(True)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.pdf_button)
        row.addWidget(self.sheet_button)
        row.addWidget(self.small_counts)
        row.addWidget(self.line, 1)

    def ask(self, file_format: str) -> None:
        """Ask where to save the report (as a PDF, or a spreadsheet or CSV), then save it."""
        if self.report is None:
            return
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        period = self.report.period
        name = _("service report {start} to {end}").format(start=period.start.isoformat(),
                                                           end=period.end.isoformat())
        pdf, sheet, csv = (_("PDF files (*.pdf)"), _("Spreadsheets (*.xlsx)"),
                           _("CSV files (*.csv)"))
        types = pdf if file_format == "pdf" else f"{sheet};;{csv}"
        chosen, chosen_type = QFileDialog.getSaveFileName(
            self, _("Save the service report"),
            str(Path(folder) / (name + SUFFIXES[file_format])), types)
        if chosen:
            if chosen_type == csv or Path(chosen).suffix.lower() == ".csv":
                file_format = "csv"
            self.save_to(Path(chosen), file_format)

    def save_to(self, path: Path, file_format: str) -> None:
        """Write the report to PATH (its suffix added if missing) as FILE_FORMAT, in a worker,
        and say where it went."""
        if self.report is None:
            return
        if path.suffix.lower() != SUFFIXES[file_format]:
            path = path.with_name(path.name + SUFFIXES[file_format])
        self.saving = True
        self.line.setText(_("Saving…"))
        report = self.report
        run_in_worker(self, lambda: self.studio.reports.save(report, path, file_format),
                      done=self._saved, failed=self._not_saved, thread="mt-studio-report")

    def set_small_counts(self, shown: bool) -> None:
        """Make it the service's choice whether saved files show counts under 3."""
        try:
            self.studio.reports.set_show_small_counts(shown)
        except MtStudioError as error:
            self.line.setText(str(error))
            return
        self.refresh()  # the report carries the choice into the files

    def _saved(self, path: Path) -> None:
        self.saving = False
        self.saved = path
        self.line.setText(_("Saved to {path}").format(path=path))

    def _not_saved(self, error: Exception) -> None:
        self.saving = False
        if isinstance(error, MtStudioError):
            self.line.setText(_("Not saved: {error}").format(error=error))
        else:
            self.failed(error)

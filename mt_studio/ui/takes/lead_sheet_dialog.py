"""The lead sheet of a take: its title, the chords four bars a line and the song's lyrics, to
read, print or save as a PDF."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

from PyQt6.QtCore import QStandardPaths
from PyQt6.QtGui import QFontDatabase, QTextDocument
from PyQt6.QtPrintSupport import QPrintDialog, QPrinter
from PyQt6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from mt_studio.core.export.package import safe_name
from mt_studio.core.lead_sheet import LeadSheet
from mt_studio.i18n import _
from mt_studio.ui.common.dialog_buttons import translate


def sheet_document(sheet: LeadSheet) -> QTextDocument:
    """SHEET as a document to show and print: the title large, the chords in the system's
    fixed-width font (so that the bars line up), the lyrics as written."""
    fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont).family()
    size = QApplication.font().pointSizeF() * 1.3  # chords read from a music stand
    parts = [f"<h1>{html.escape(sheet.title)}</h1>"]
    if sheet.chord_lines:
        chords = "\n".join(html.escape(line) for line in sheet.chord_lines)
        parts.append(f"<pre style=\"font-family: '{html.escape(fixed)}'; font-size: {size:.1f}pt;"
                     f" font-weight: bold;\">{chords}</pre>")
    if sheet.lyrics.strip():
        verses = sheet.lyrics.strip("\n").split("\n\n")
        parts += ["<p>" + "<br>".join(html.escape(line) for line in verse.split("\n")) + "</p>"
                  for verse in verses]
    document = QTextDocument()
    document.setHtml("\n".join(parts))
    return document


def write_pdf(sheet: LeadSheet, path: Path) -> None:
    """Write SHEET to PATH as a PDF (A4 or the locale's paper)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setDocName(sheet.title)
    sheet_document(sheet).print(printer)


class LeadSheetDialog(QDialog):
    """Shows SHEET with Print…, Save as PDF… and Close.

    Before a copy leaves the dialog, AGAIN makes the sheet afresh (someone may have withdrawn
    consent to share their words since it opened) and SHARED logs the copy and how it went
    ("printed" or "pdf"); the copy is made only once it is logged."""

    def __init__(self, sheet: LeadSheet, parent: QWidget | None = None, *,
                 again: Callable[[], LeadSheet] | None = None,
                 shared: Callable[[LeadSheet, str], None] | None = None) -> None:
        super().__init__(parent)
        self.sheet = sheet
        self._again = again
        self._shared = shared
        self.setWindowTitle(_("Lead sheet: {title}").format(title=sheet.title))
        self.page = QTextBrowser()
        self.page.setDocument(sheet_document(sheet))
        self.page.setAccessibleName(_("Lead sheet"))
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setAccessibleName(_("What happened to the lead sheet"))
        self.print_button = _button(_("Print…"), _("Print the lead sheet"),
                                    _("Choose a printer and print the lead sheet."))
        self.print_button.clicked.connect(self.print_sheet)
        self.pdf_button = _button(_("Save as PDF…"), _("Save the lead sheet as a PDF file"),
                                  _("Choose where to save the lead sheet as a PDF file."))
        self.pdf_button.clicked.connect(self.choose_pdf)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        translate(buttons)
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.pdf_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.page, 1)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        line = self.fontMetrics().height()
        self.resize(line * 36, line * 40)

    def print_sheet(self) -> None:
        """Ask for a printer and print the sheet."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.sheet.title)
        chooser = QPrintDialog(printer, self)
        chooser.setWindowTitle(_("Print the lead sheet"))
        if chooser.exec() == QDialog.DialogCode.Accepted:
            changed = self._refresh()
            self._log("printed")
            sheet_document(self.sheet).print(printer)
            self.note.setText(_join(changed, _("Sent to the printer.")))

    def choose_pdf(self) -> None:
        """Ask where to save the sheet as a PDF, and save it there."""
        folder = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        suggested = Path(folder) / f"{safe_name(self.sheet.title, _('lead sheet'))}.pdf"
        chosen, _filter = QFileDialog.getSaveFileName(
            self, _("Save the lead sheet as PDF"), str(suggested), _("PDF files (*.pdf)"))
        if chosen:
            self.save_pdf(Path(chosen))

    def save_pdf(self, path: Path) -> None:
        """Save the sheet to PATH (".pdf" added if missing) and say where."""
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        changed = self._refresh()
        self._log("pdf")
        write_pdf(self.sheet, path)
        if path.is_file():
            self.note.setText(_join(changed, _("Saved as {path}").format(path=path)))
        else:
            self.note.setText(_("The PDF could not be written to {path}.").format(path=path))

    def _refresh(self) -> str:
        """Make the sheet afresh; what changed, in words ("" if nothing did)."""
        if self._again is None:
            return ""
        fresh = self._again()
        if fresh == self.sheet:
            return ""
        left_out = self.sheet.writers and not fresh.writers
        self.sheet = fresh
        self.page.setDocument(sheet_document(fresh))
        return (_("Consent has changed since the sheet was opened: the words are left out.")
                if left_out else _("The sheet has changed since it was opened."))

    def _log(self, how: str) -> None:
        if self._shared is not None:
            self._shared(self.sheet, how)


def _join(*lines: str) -> str:
    return "\n".join(line for line in lines if line)


def _button(text: str, name: str, tip: str) -> QPushButton:
    button = QPushButton(text)
    button.setAccessibleName(name)
    button.setToolTip(tip)
    button.setAutoDefault(False)
    return button

"""The service report written to a file in any of its forms, whole or not at all."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from mt_studio.core.domain.service_report import ServiceReport
from mt_studio.core.errors import InputError
from mt_studio.i18n import _

FORMATS = ("text", "json", "csv", "xlsx", "pdf")
_SUFFIXES = {".txt": "text", ".json": "json", ".csv": "csv", ".xlsx": "xlsx", ".pdf": "pdf"}


def report_bytes(report: ServiceReport, format: str) -> bytes:
    """REPORT in FORMAT (one of FORMATS): text and JSON exact, the others with small counts
    hidden unless the report says to show them. Raises InputError for another format."""
    return _form(format)(report)


def format_for(path: Path) -> str:
    """The format PATH's suffix names ("report.xlsx" -> "xlsx"); InputError for another."""
    try:
        return _SUFFIXES[Path(path).suffix.lower()]
    except KeyError:
        raise InputError(_("{path}: a service report is written as .txt, .json, .csv, .xlsx "
                           "or .pdf").format(path=path)) from None


def write_report(report: ServiceReport, path: Path, format: str | None = None) -> Path:
    """Write REPORT to PATH in FORMAT (by PATH's suffix when None), replacing a file there:
    made whole beside it, on disk, then renamed in, readable by its owner alone. Raises
    InputError naming PATH for a folder that is missing or not writable, a folder at PATH or
    an unknown format; nothing half-written is left."""
    from mt_studio.core.durable_files import replaced_atomically

    path = Path(path)
    form = _form(format or format_for(path))
    folder = path.parent
    if path.is_dir():
        raise InputError(_("{path} is a folder: name a file for the report.").format(path=path))
    if not folder.is_dir():
        raise InputError(_("{path}: the folder {folder} does not exist.")
                         .format(path=path, folder=folder))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(_("{path}: the folder {folder} cannot be written to.")
                         .format(path=path, folder=folder))
    content = form(report)  # made before any file is, so a failure leaves none
    try:
        with replaced_atomically(path) as file:
            file.write(content)
    except OSError as error:
        raise InputError(_("{path} could not be written: {reason}. Nothing was left there.")
                         .format(path=path, reason=error.strerror or error)) from error
    return path


def _form(format: str) -> Callable[[ServiceReport], bytes]:
    if format == "text":
        from mt_studio.core.service_report.text import report_text

        return lambda report: report_text(report).encode("utf-8")
    if format == "json":
        from mt_studio.core.service_report.json_form import report_json_text

        return lambda report: report_json_text(report).encode("utf-8")
    if format == "csv":
        from mt_studio.core.service_report.csv_file import report_csv

        return report_csv
    if format == "xlsx":
        from mt_studio.core.service_report.xlsx_file import report_xlsx

        return report_xlsx
    if format == "pdf":
        from mt_studio.core.service_report.pdf_file import report_pdf

        return report_pdf
    raise InputError(_("Unknown report format {format!r}: choose one of {formats}.")
                     .format(format=format, formats=", ".join(FORMATS)))

"""The service report as a spreadsheet (openpyxl): the report on its first sheet, and the
participants per quarter and the groups' monthly attendance for charts of one's own."""

from __future__ import annotations

import io

from mt_studio.core.domain.service_report import ServiceReport
from mt_studio.core.service_report.layout import Figure, footer_text, report_layout
from mt_studio.i18n import _

_FORMATS = {"count": "0", "rate": "0%", "hours": "0.0"}


def report_xlsx(report: ServiceReport) -> bytes:
    """REPORT as an .xlsx file's bytes; numbers are numbers, hidden counts the text "<3"."""
    from openpyxl import Workbook  # loaded when a spreadsheet is asked for

    book = Workbook()
    _report_sheet(book.active, report)
    _quarters_sheet(book.create_sheet(_sheet_title(_("Participants by quarter"))), report)
    _months_sheet(book.create_sheet(_sheet_title(_("Attendance by month"))), report)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _report_sheet(sheet, report: ServiceReport) -> None:
    from openpyxl.styles import Alignment, Font

    suppress = not report.show_small_counts
    layout = report_layout(report)
    sheet.title = _sheet_title(_("Report"))
    sheet.append([layout.title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_("Period"), layout.period])
    sheet.append([_("Made"), layout.made])
    sheet.append([footer_text(report)])
    sheet["A4"].font = Font(italic=True)
    for section in layout.sections:
        sheet.append([])
        sheet.append([section.heading])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=12)
        for row in section.rows:
            sheet.append([row.label])
            _put(sheet.cell(sheet.max_row, 2), row.figure, suppress)
            sheet.cell(sheet.max_row, 1).alignment = Alignment(indent=2 * row.level)
        if section.table:
            sheet.append([])
            sheet.append(list(section.table.columns))
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
            for label, figures in section.table.rows:
                sheet.append([label])
                for column, figure in enumerate(figures, start=2):
                    _put(sheet.cell(sheet.max_row, column), figure, suppress)
    _fit_columns(sheet, skip_rows={1, 4})


def _quarters_sheet(sheet, report: ServiceReport) -> None:
    from openpyxl.styles import Font

    suppress = not report.show_small_counts
    sheet.append([_("Quarter"), _("In individual therapy"), _("In group therapy")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for quarter in report.quarters:
        sheet.append([quarter.label])
        _put(sheet.cell(sheet.max_row, 2), Figure("count", quarter.individual), suppress)
        _put(sheet.cell(sheet.max_row, 3), Figure("count", quarter.group), suppress)
    _fit_columns(sheet)


def _months_sheet(sheet, report: ServiceReport) -> None:
    """A row per month, a column per group: the share of those expected who came."""
    from openpyxl.styles import Font

    suppress = not report.show_small_counts
    groups = list(dict.fromkeys(month.group_name for month in report.attendance_by_month))
    months = sorted({month.month for month in report.attendance_by_month})
    sheet.append([_("Month"), *groups])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    rates = {(m.group_name, m.month): m for m in report.attendance_by_month}
    for row, month in enumerate(months, start=2):
        sheet.cell(row, 1, month).number_format = "yyyy-mm"
        for column, group in enumerate(groups, start=2):
            if (group, month) in rates:
                figure = rates[group, month]
                _put(sheet.cell(row, column), Figure("rate", figure.rate, figure.expected),
                     suppress)
    _fit_columns(sheet)


def _put(cell, figure: Figure, suppress: bool) -> None:
    """FIGURE into CELL: a number with its format, or text (right-aligned like the numbers)."""
    from openpyxl.styles import Alignment

    cell.value = figure.cell(suppress=suppress)
    if isinstance(cell.value, str):
        if figure.kind != "words":
            cell.alignment = Alignment(horizontal="right")
    else:
        cell.number_format = _FORMATS[figure.kind]


def _fit_columns(sheet, skip_rows: frozenset[int] | set[int] = frozenset()) -> None:
    """Each column as wide as its longest value (the title and the note may run over)."""
    from openpyxl.utils import get_column_letter

    widths: dict[int, int] = {}
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is None or cell.row in skip_rows:
                continue
            text = cell.value if isinstance(cell.value, str) else "0000000"
            indent = int(cell.alignment.indent or 0) if cell.alignment else 0
            widths[cell.column] = max(widths.get(cell.column, 8), len(text) + indent + 2)
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(width, 80)


def _sheet_title(title: str) -> str:
    """TITLE as a sheet may be named: 31 characters, none of []:*?/\\."""
    return "".join(c for c in title if c not in "[]:*?/\\")[:31]

"""The service report as an A4 PDF (reportlab): title, period, the sections as tables, each
followed by its chart, and under every page what the report hides and the page number."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from mt_studio.core.domain.service_report import ServiceReport
from mt_studio.core.service_report import pdf_charts
from mt_studio.core.service_report.layout import Section, footer_text, report_layout
from mt_studio.i18n import _

FONT = "Helvetica"  # one of the PDF's own fonts: no file to embed, and it has æøå
_TITLE = ParagraphStyle("title", fontName=f"{FONT}-Bold", fontSize=20, leading=24,
                        spaceAfter=6)
_LINE = ParagraphStyle("line", fontName=FONT, fontSize=10, leading=14)
_HEADING = ParagraphStyle("heading", fontName=f"{FONT}-Bold", fontSize=13, leading=16,
                          spaceBefore=14, spaceAfter=4)
_CELL = ParagraphStyle("cell", fontName=FONT, fontSize=10, leading=12)
_NOTE = ParagraphStyle("note", fontName=f"{FONT}-Oblique", fontSize=9, leading=12,
                       textColor=colors.dimgrey)
_LABEL_WIDTH, _VALUE_WIDTH = 11.5 * cm, 3 * cm


def report_pdf(report: ServiceReport) -> bytes:
    """REPORT as the bytes of an A4 PDF."""
    suppress = not report.show_small_counts
    layout = report_layout(report)
    out = io.BytesIO()
    document = SimpleDocTemplate(out, pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm,
                                 topMargin=2 * cm, bottomMargin=2 * cm, title=layout.title,
                                 creator="mt_studio")
    story = [Paragraph(escape(layout.title), _TITLE),
             Paragraph(f"<b>{escape(_('Period'))}:</b> {escape(layout.period)}", _LINE),
             Paragraph(f"<b>{escape(_('Made'))}:</b> {escape(layout.made)}", _LINE)]
    charts = {"people": _quarters, "sessions": _attendance, "endings": _endings}
    for section in layout.sections:
        story.append(KeepTogether([Paragraph(escape(section.heading), _HEADING),
                                   *_tables(section, suppress)]))
        if section.key in charts:
            story += [Spacer(1, 10), *charts[section.key](report)]
    footer = footer_text(report)
    document.build(story, canvasmaker=lambda *args, **kwargs: _PagedCanvas(
        *args, footer=footer, **kwargs))
    return out.getvalue()


def _tables(section: Section, suppress: bool) -> list[Table]:
    rows = [[Paragraph(("&nbsp;" * 4 * row.level) + escape(row.label), _CELL),
             Paragraph(escape(row.figure.text(suppress=suppress)), _CELL)
             if row.figure.kind == "words" else row.figure.text(suppress=suppress)]
            for row in section.rows]
    figures = Table(rows, colWidths=[_LABEL_WIDTH, _VALUE_WIDTH], hAlign="LEFT")
    figures.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, 10),
        ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
        *(("SPAN", (0, n), (1, n)) for n, row in enumerate(section.rows)
          if row.figure.kind == "words" and not row.figure.text(suppress=suppress)),
    ]))
    tables = [figures]
    if section.table:
        columns = section.table.columns
        body = [[Paragraph(escape(label), _CELL),
                 *(figure.text(suppress=suppress) for figure in figures_)]
                for label, figures_ in section.table.rows]
        width = (_LABEL_WIDTH + _VALUE_WIDTH) / 2
        groups = Table([[Paragraph(f"<b>{escape(c)}</b>", _CELL) for c in columns], *body],
                       colWidths=[width, *([width / (len(columns) - 1)] * (len(columns) - 1))],
                       hAlign="LEFT", repeatRows=1)
        groups.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), FONT, 10),
            ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LINEBELOW", (0, 0), (-1, 0), 0.75, colors.black),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.lightgrey),
        ]))
        tables += [Spacer(1, 8), groups]
    return tables


def _quarters(report: ServiceReport) -> list:
    if not report.quarters:
        return [Paragraph(escape(_("No participants in the period to chart.")), _NOTE)]
    return [pdf_charts.quarters_chart(report)]


def _attendance(report: ServiceReport) -> list:
    if not report.attendance_by_month:
        return [Paragraph(escape(_("No group sessions in the period to chart.")), _NOTE)]
    return [Spacer(1, 6), pdf_charts.attendance_chart(report)]


def _endings(report: ServiceReport) -> list:
    if not report.endings_by_reason:
        return [Paragraph(escape(_("No endings in the period to chart.")), _NOTE)]
    return [pdf_charts.endings_chart(report)]


class _PagedCanvas(Canvas):
    """A canvas that writes FOOTER and "Page n of m" under every page, once all are known."""

    def __init__(self, *args, footer: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._pages: list[dict] = []

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        for number, page in enumerate(self._pages, start=1):
            self.__dict__.update(page)
            self.setFont(FONT, 8)
            self.setFillColor(colors.dimgrey)
            self.drawString(2 * cm, 1.2 * cm, self._footer)
            self.drawRightString(A4[0] - 2 * cm, 1.2 * cm,
                                 _("Page {number} of {pages}").format(
                                     number=number, pages=len(self._pages)))
            super().showPage()
        super().save()

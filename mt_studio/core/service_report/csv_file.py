"""The service report as one CSV file: section, item, value, small counts as "<3".

UTF-8 with a byte-order mark, so that Excel (in Norway too) reads æøå right; the csv module's
comma between fields, every field quoted. A Norwegian Excel splits on semicolons when a file is
opened with a double click, so the comma asks it for Data > From Text there; the spreadsheet
form is the one for Excel."""

from __future__ import annotations

import csv
import io

from mt_studio.core.domain.service_report import ServiceReport
from mt_studio.core.service_report.layout import footer_text, report_layout
from mt_studio.i18n import _


def report_csv(report: ServiceReport) -> bytes:
    """REPORT as CSV bytes: a row per figure, the groups' table a row per group and column."""
    suppress = not report.show_small_counts
    layout = report_layout(report)
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow([_("Section"), _("Item"), _("Value")])
    writer.writerow([layout.title, _("Period"), layout.period])
    writer.writerow([layout.title, _("Made"), layout.made])
    writer.writerow([layout.title, _("Note"), footer_text(report)])
    for section in layout.sections:
        parent = ""
        for row in section.rows:
            value = row.figure.text(suppress=suppress)
            if row.level == 0:
                parent = row.label
                if row.figure.kind == "words" and not value:
                    continue  # a heading: its breakdown's rows name it
            item = f"{parent}: {row.label}" if row.level else row.label
            writer.writerow([section.heading, item, value])
        if section.table:
            for label, figures in section.table.rows:
                for column, figure in zip(section.table.columns[1:], figures, strict=True):
                    writer.writerow([section.heading, f"{label}: {column}",
                                     figure.text(suppress=suppress)])
    return out.getvalue().encode("utf-8-sig")

"""The service report for the terminal, exact figures in aligned columns."""

from __future__ import annotations

from mt_studio.core.domain.service_report import ServiceReport
from mt_studio.core.service_report.layout import Figure, Section, report_layout
from mt_studio.i18n import _

WIDTH = 100
_INDENT = "  "


def report_text(report: ServiceReport) -> str:
    """REPORT as lines of text no wider than 100 columns (labels cut short if need be)."""
    layout = report_layout(report)
    lines = [layout.title, "=" * len(layout.title),
             f"{_('Period')}: {layout.period}", f"{_('Made')}: {layout.made}",
             _("Exact figures, small counts included: for the service's own use.")]
    for section in layout.sections:
        lines += ["", section.heading, "-" * len(section.heading), *_rows(section)]
    return "\n".join(lines) + "\n"


def _rows(section: Section) -> list[str]:
    values = [row.figure.text(suppress=False) for row in section.rows]
    value_width = max((len(value) for value in values if value), default=0)
    label_width = min(max((len(_INDENT * (row.level + 1) + row.label) for row in section.rows
                           if row.figure.kind != "words"), default=0), WIDTH - value_width - 2)
    lines = []
    for row, value in zip(section.rows, values, strict=True):
        label = _INDENT * (row.level + 1) + row.label
        if row.figure.kind == "words":
            lines.append(_cut(f"{label}  {value}".rstrip(), WIDTH))
        else:
            lines.append(f"{_cut(label, label_width):<{label_width}}  {value:>{value_width}}")
    if section.table:
        lines += [""] + _table(section.table.columns, section.table.rows)
    return lines


def _table(columns: tuple[str, ...], rows: tuple[tuple[str, tuple[Figure, ...]], ...]) -> list[str]:
    cells = [[label, *(figure.text(suppress=False) for figure in figures)]
             for label, figures in rows]
    widths = [max(len(line[i]) for line in [list(columns), *cells]) for i in range(len(columns))]
    widths[0] = min(widths[0], WIDTH - sum(w + 2 for w in widths[1:]) - len(_INDENT))

    def line(values: list[str]) -> str:
        first = _cut(values[0], widths[0])
        rest = "".join(f"  {value:>{width}}" for value, width in zip(values[1:], widths[1:],
                                                                      strict=True))
        return f"{_INDENT}{first:<{widths[0]}}{rest}"

    return [line(list(columns)), *(line(values) for values in cells)]


def _cut(text: str, width: int) -> str:
    """TEXT no wider than WIDTH, an ellipsis where it was cut."""
    return text if len(text) <= width else text[:max(width - 1, 0)] + "…"

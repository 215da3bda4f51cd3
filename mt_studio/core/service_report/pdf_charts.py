"""The service report's three charts for the PDF, drawn with reportlab.graphics: participants
per quarter, attendance per group by month, endings by reason.

Nothing drawn tells a small count that the tables hide: with small counts hidden, a count of 1
or 2 is a pale bar as tall as 3 marked "<3", and a month's attendance of fewer than 3 expected
is left out of its line (a gap)."""

from __future__ import annotations

from datetime import date

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors

from mt_studio.core.domain.service_report import SMALL_COUNT, ServiceReport
from mt_studio.core.service_report.layout import HIDDEN, Figure, percent_text, reason_label
from mt_studio.i18n import _, locale_name

WIDTH = 453  # points: the frame of an A4 page with 2 cm margins, less a little
# Colours told apart with colour-blindness too (Okabe and Ito), and their pale forms.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000")
FONT = "Helvetica"


def _colour(index: int) -> colors.Color:
    return colors.HexColor(PALETTE[index % len(PALETTE)])


def _pale(colour: colors.Color) -> colors.Color:
    return colors.Color(*(1 - (1 - part) * 0.3 for part in colour.rgb()))


def _plotted(count: int, suppress: bool) -> tuple[int, str, bool]:
    """COUNT's bar: its height, its label, and whether it stands for a hidden count."""
    if Figure("count", count).hidden(suppress=suppress):
        return SMALL_COUNT, HIDDEN, True
    return count, str(count), False


def _title(drawing: Drawing, text: str) -> None:
    drawing.add(String(0, drawing.height - 12, text, fontName=f"{FONT}-Bold", fontSize=11))


def _legend(drawing: Drawing, x: float, y: float, items: list[tuple[colors.Color, str]]) -> None:
    """A swatch and name per item, two to a row, the first row at Y."""
    column = (WIDTH - x) / 2
    for index, (colour, name) in enumerate(items):
        left, top = x + (index % 2) * column, y - (index // 2) * 12
        drawing.add(Rect(left, top, 8, 8, fillColor=colour, strokeColor=None))
        drawing.add(String(left + 12, top + 1, _short(name, 44), fontName=FONT, fontSize=8))


def quarters_chart(report: ServiceReport) -> Drawing:
    """Unique participants per quarter, individual therapy's bar beside group therapy's."""
    suppress = not report.show_small_counts
    drawing = Drawing(WIDTH, 185)
    _title(drawing, _("Participants per quarter"))
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 32, 45, WIDTH - 40, 112
    series = [[_plotted(q.individual, suppress) for q in report.quarters],
              [_plotted(q.group, suppress) for q in report.quarters]]
    chart.data = [[height for height, _label, _hidden in bars] for bars in series]
    few = len(report.quarters) <= 12
    chart.barLabelFormat = "values"
    chart.barLabelArray = [[label if few or hidden else "" for _h, label, hidden in bars]
                           for bars in series]
    chart.barLabels.fontName, chart.barLabels.fontSize = FONT, 7
    chart.barLabels.nudge = 6
    for number, bars in enumerate(series):
        chart.bars[number].fillColor = _colour(number)
        chart.bars[number].strokeColor = None
        for index, (_height, _label, hidden) in enumerate(bars):
            if hidden:
                chart.bars[(number, index)].fillColor = _pale(_colour(number))
    chart.categoryAxis.categoryNames = [
        q.label if few else str(q.year) if q.quarter == 1 else "" for q in report.quarters]
    _axis_labels(chart.categoryAxis)
    _count_axis(chart.valueAxis, max((max(row, default=0) for row in chart.data), default=0))
    drawing.add(chart)
    _legend(drawing, 32, 18, [(_colour(0), _("In individual therapy")),
                              (_colour(1), _("In group therapy"))])
    if suppress:
        drawing.add(String(WIDTH - 5, 4, _("Pale bars: fewer than {small}, drawn as {small}")
                           .format(small=SMALL_COUNT), fontName=FONT, fontSize=7,
                           textAnchor="end"))
    return drawing


def attendance_chart(report: ServiceReport) -> Drawing:
    """Each group's attendance by month, 0-100 %, a line per group."""
    suppress = not report.show_small_counts
    months = sorted({month.month for month in report.attendance_by_month})
    groups = list(dict.fromkeys(month.group_name for month in report.attendance_by_month))
    rates = {(m.group_name, m.month): m for m in report.attendance_by_month}
    data = []
    for group in groups:
        row = []
        for month in months:
            figure = rates.get((group, month))
            shown = figure and figure.rate is not None and not Figure(
                "rate", figure.rate, figure.expected).hidden(suppress=suppress)
            row.append(figure.rate * 100 if shown else None)
        data.append(row)
    legend_rows = (len(groups) + 1) // 2
    drawing = Drawing(WIDTH, 180 + 12 * legend_rows)
    _title(drawing, _("Attendance by month"))
    chart = HorizontalLineChart()
    chart.x, chart.y = 40, 35 + 12 * legend_rows
    chart.width, chart.height = WIDTH - 48, 125
    # A line per run of months with a rate: reportlab would join a line across a gap.
    runs = [(number, run) for number, row in enumerate(data) for run in _runs(row)]
    chart.data = [run for _number, run in runs] or [[None] * len(months)]
    chart.joinedLines = False
    markers = len(months) <= 24
    for index, (number, run) in enumerate(runs):
        style = chart.lines[index]
        style.strokeColor, style.strokeWidth = _colour(number), 1.5
        if sum(value is not None for value in run) > 1:
            style.lineStyle = "joinedLine"
        if markers or style.lineStyle != "joinedLine":
            style.symbol = makeMarker("FilledCircle", size=3)
            style.symbol.fillColor = style.symbol.strokeColor = _colour(number)
    chart.categoryAxis.categoryNames = [
        _month_label(month) if len(months) <= 12 else str(month.year) if month.month == 1
        else "" for month in months]
    _axis_labels(chart.categoryAxis)
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 25
    chart.valueAxis.labelTextFormat = lambda value: percent_text(value / 100)
    chart.valueAxis.labels.fontName, chart.valueAxis.labels.fontSize = FONT, 7
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.lightgrey
    drawing.add(chart)
    legend = [(_colour(number), group) for number, group in enumerate(groups)]
    _legend(drawing, 40, 12 * legend_rows - 2, legend)
    if suppress:
        drawing.add(String(WIDTH - 5, drawing.height - 12,
                           _("Months with fewer than {small} expected are left out")
                           .format(small=SMALL_COUNT), fontName=FONT, fontSize=7,
                           textAnchor="end"))
    return drawing


def endings_chart(report: ServiceReport) -> Drawing:
    """The period's endings by reason, a bar each, the service's list's order from the top."""
    suppress = not report.show_small_counts
    reasons = list(report.endings_by_reason.items())[::-1]  # drawn from the bottom up
    bars = [_plotted(count, suppress) for _reason, count in reasons]
    drawing = Drawing(WIDTH, 50 + 18 * len(reasons))
    _title(drawing, _("Endings by reason"))
    chart = HorizontalBarChart()
    chart.x, chart.y = 175, 25
    chart.width, chart.height = WIDTH - 195, 18 * len(reasons)
    chart.data = [[height for height, _label, _hidden in bars]]
    chart.barLabelFormat = "values"
    chart.barLabelArray = [[label for _height, label, _hidden in bars]]
    chart.barLabels.fontName, chart.barLabels.fontSize = FONT, 8
    chart.barLabels.boxAnchor, chart.barLabels.dx = "w", 3
    chart.bars[0].fillColor, chart.bars[0].strokeColor = _colour(0), None
    for index, (_height, _label, hidden) in enumerate(bars):
        if hidden:
            chart.bars[(0, index)].fillColor = _pale(_colour(0))
    chart.categoryAxis.categoryNames = [_short(reason_label(report, reason), 38)
                                        for reason, _count in reasons]
    chart.categoryAxis.labels.fontName, chart.categoryAxis.labels.fontSize = FONT, 8
    chart.categoryAxis.labels.boxAnchor, chart.categoryAxis.labels.dx = "e", -4
    _count_axis(chart.valueAxis, max(chart.data[0], default=0))
    drawing.add(chart)
    if suppress and any(hidden for _h, _l, hidden in bars):
        drawing.add(String(WIDTH - 5, 4, _("Pale bars: fewer than {small}, drawn as {small}")
                           .format(small=SMALL_COUNT), fontName=FONT, fontSize=7,
                           textAnchor="end"))
    return drawing


def _runs(row: list[float | None]) -> list[list[float | None]]:
    """ROW split where it has no value: each run alone in a row of Nones as long as ROW."""
    runs, start = [], None
    for index, value in enumerate([*row, None]):
        if value is not None and start is None:
            start = index
        elif value is None and start is not None:
            runs.append([None] * start + row[start:index] + [None] * (len(row) - index))
            start = None
    return runs


def _axis_labels(axis) -> None:
    """Category labels small, under their place (a year's first only, when there are many)."""
    axis.labels.fontName, axis.labels.fontSize = FONT, 7
    axis.labels.boxAnchor = "n"
    axis.tickDown = 3


def _count_axis(axis, highest: int) -> None:
    """A count axis from 0, in whole steps, with room above the tallest bar for its label."""
    axis.valueMin = 0
    step = max(1, _nice_step(highest))
    axis.valueStep = step
    axis.valueMax = max(step, -(-int(highest * 1.1 + 1) // step) * step)
    axis.labels.fontName, axis.labels.fontSize = FONT, 7
    axis.labelTextFormat = "%d"
    axis.visibleGrid = True
    axis.gridStrokeColor = colors.lightgrey


def _nice_step(highest: int) -> int:
    """A step of 1, 2 or 5 times a power of ten giving about five gridlines up to HIGHEST."""
    rough = max(highest, 1) / 5
    power = 1
    while power * 10 <= rough:
        power *= 10
    return next(power * factor for factor in (1, 2, 5, 10) if power * factor >= rough)


def _month_label(month: date) -> str:
    from babel.dates import format_skeleton

    return format_skeleton("yMMM", month, locale=locale_name())


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"

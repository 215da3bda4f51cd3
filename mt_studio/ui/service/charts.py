"""The Service view's three charts, drawn with Qt Charts: participants per quarter (individual
against group), attendance per group by month, and endings by reason. Qt Charts loads with the
view, never with the window."""

from __future__ import annotations

from datetime import date

from PyQt6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QValueAxis,
)
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QColor, QPainter, QPen
from PyQt6.QtWidgets import QWidget

from mt_studio.core.domain.service_report import ServiceReport
from mt_studio.core.service_report.layout import reason_label
from mt_studio.i18n import _
from mt_studio.ui.service.figures_panel import scaled_font

# Colours told apart by the colour-blind (Okabe and Ito), dark enough on white.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000")
MANY_QUARTERS = 12  # beyond this the quarters' names stand upright


class ReportChart(QChartView):
    """A chart of the report, redrawn by `show_report`; TITLE says what it shows."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.title = title
        self.setAccessibleName(title)
        self.setMinimumHeight(300)
        self.series_names: list[str] = []  # what the chart draws now, for the tests

    def show_report(self, report: ServiceReport) -> None:
        """Draw the chart for REPORT."""
        chart = QChart()
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.setTitle(self.title)
        chart.setTitleFont(scaled_font(self, 1.3, bold=True))
        chart.legend().setFont(scaled_font(self, 1.1))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.series_names = []
        if not self.draw(chart, report):
            chart.setTitle(_("{title}: nothing in this period").format(title=self.title))
            chart.legend().hide()
        old = self.chart()
        self.setChart(chart)
        if old is not None:
            old.deleteLater()

    def draw(self, chart: QChart, report: ServiceReport) -> bool:
        """Add REPORT's series and axes to CHART; whether there was anything to draw."""
        raise NotImplementedError

    def value_axis(self, most: float, title: str) -> QValueAxis:
        """An axis of whole numbers from 0 to at least MOST."""
        axis = QValueAxis()
        step = _nice_step(max(4, most))
        axis.setRange(0, -(-max(4, most) // step) * step)
        axis.setLabelFormat("%d")
        axis.setTickType(QValueAxis.TickType.TicksDynamic)
        axis.setTickInterval(step)
        axis.setTitleText(title)
        axis.setLabelsFont(scaled_font(self, 1.0))
        axis.setTitleFont(scaled_font(self, 1.0))
        return axis


class QuarterChart(ReportChart):
    """Unique participants per quarter: individual against group, side by side."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_("Participants per quarter"), parent)

    def draw(self, chart: QChart, report: ServiceReport) -> bool:
        if not any(q.individual or q.group for q in report.quarters):
            return False
        individual = QBarSet(_("Individual therapy"))
        group = QBarSet(_("Group therapy"))
        for bar_set, colour in ((individual, PALETTE[0]), (group, PALETTE[1])):
            bar_set.setColor(QColor(colour))
            bar_set.setBorderColor(QColor(colour))
        for quarter in report.quarters:
            individual.append(quarter.individual)
            group.append(quarter.group)
        series = QBarSeries()
        series.append(individual)
        series.append(group)
        chart.addSeries(series)
        quarters = QBarCategoryAxis()
        quarters.append([q.label for q in report.quarters])
        quarters.setLabelsFont(scaled_font(self, 1.0))
        if len(report.quarters) > MANY_QUARTERS:
            quarters.setLabelsAngle(-90)
        chart.addAxis(quarters, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(quarters)
        most = max(max(q.individual, q.group) for q in report.quarters)
        people = self.value_axis(most, _("Participants"))
        chart.addAxis(people, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(people)
        self.series_names = [individual.label(), group.label()]
        return True


class AttendanceChart(ReportChart):
    """Each group's attendance by month, as a percentage of those expected."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_("Attendance per group by month"), parent)

    def draw(self, chart: QChart, report: ServiceReport) -> bool:
        months = [m for m in report.attendance_by_month if m.rate is not None]
        if not months:
            return False
        first = min(m.month for m in months)
        last = max(m.month for m in months)
        count = _month_number(last, first) + 1
        when = _month_axis(first, count)
        when.setLabelsFont(scaled_font(self, 1.0))
        rate = QValueAxis()
        rate.setRange(0, 100)
        rate.setLabelFormat("%d %%")
        rate.setTickCount(6)
        rate.setTitleText(_("Came, of those expected"))
        rate.setLabelsFont(scaled_font(self, 1.0))
        rate.setTitleFont(scaled_font(self, 1.0))
        chart.addAxis(when, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(rate, Qt.AlignmentFlag.AlignLeft)
        names = list(dict.fromkeys(m.group_name for m in months))
        for number, name in enumerate(names):
            line = QLineSeries()
            line.setName(name)
            line.setPen(QPen(QColor(PALETTE[number % len(PALETTE)]), 3))
            line.setPointsVisible(True)
            for month in (m for m in months if m.group_name == name):
                line.append(_month_number(month.month, first), 100 * month.rate)
            chart.addSeries(line)
            line.attachAxis(when)
            line.attachAxis(rate)
        self.series_names = names
        return True


class EndingsChart(ReportChart):
    """Endings in the period by reason, longest bar first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_("Endings by reason"), parent)

    def draw(self, chart: QChart, report: ServiceReport) -> bool:
        counted = [(reason_label(report, r), n) for r, n in report.endings_by_reason.items()
                   if n]
        if not counted:
            return False
        counted.sort(key=lambda item: item[1])  # Qt draws the first category at the bottom
        endings = QBarSet(_("Endings"))
        endings.setColor(QColor(PALETTE[2]))
        endings.setBorderColor(QColor(PALETTE[2]))
        endings.append([n for _label, n in counted])
        endings.setLabelFont(scaled_font(self, 1.0, bold=True))
        series = QHorizontalBarSeries()
        series.append(endings)
        series.setLabelsVisible(True)
        chart.addSeries(series)
        reasons = QBarCategoryAxis()
        reasons.append([label for label, _n in counted])
        reasons.setLabelsFont(scaled_font(self, 1.0))
        chart.addAxis(reasons, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(reasons)
        count = self.value_axis(max(n for _label, n in counted), _("Endings"))
        chart.addAxis(count, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(count)
        chart.legend().hide()
        self.series_names = [label for label, _n in counted]
        return True


def _month_number(month: date, first: date) -> int:
    """How many months MONTH comes after FIRST."""
    return (month.year - first.year) * 12 + month.month - first.month


def _month_axis(first: date, count: int) -> QCategoryAxis:
    """An axis of COUNT months from FIRST, each named on its point ("Jun 2026"); over more than
    a year, only every few months, so that the names never crowd."""
    from mt_studio import i18n
    from mt_studio.ui.common.dates import MONTHS

    names = MONTHS[i18n.locale_name()]
    axis = QCategoryAxis()
    axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
    axis.setRange(-0.4, count - 0.6)
    every = 1 if count <= 12 else 3 if count <= 36 else 12
    for number in range(count):
        year, month = divmod(first.month - 1 + number, 12)
        if (first.month - 1 + number) % every == 0:
            axis.append(f"{names[month]} {first.year + year}", number)
    return axis


def _nice_step(most: float) -> int:
    """A step for about five ticks up to MOST: 1, 2, 5, 10, 20, 50…"""
    step = 1
    while most / step > 6:
        for factor in (2, 2.5, 2):
            step = int(step * factor)
            if most / step <= 6:
                break
    return step

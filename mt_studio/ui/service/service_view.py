"""The Service view: the service's figures for a period, its charts, who may have stopped
coming, and the report saved as a file. Everything is the studio's: this asks, in a worker, and
shows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from PyQt6.QtCore import QDate, Qt
from PyQt6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mt_studio.core.clock import local_now
from mt_studio.core.errors import AccessRefused, MtStudioError
from mt_studio.i18n import _, ngettext
from mt_studio.ui.common.dates import day_edit, day_text
from mt_studio.ui.common.redraw_soon import redraw_soon
from mt_studio.ui.common.worker import run_in_worker
from mt_studio.ui.service.charts import AttendanceChart, EndingsChart, QuarterChart
from mt_studio.ui.service.figures_panel import FiguresPanel, scaled_font
from mt_studio.ui.service.periods import Choice, choice_label, period_of
from mt_studio.ui.service.saving import SaveRow
from mt_studio.ui.service.stopped_panel import StoppedPanel

if TYPE_CHECKING:
    from mt_studio.core.domain.groups import DropoutRules, MayHaveStopped
    from mt_studio.core.domain.service_report import Period, ServiceReport
    from mt_studio.core.service_report.layout import ReportLayout
    from mt_studio.core.studio import Studio
    from mt_studio.ui.bridge import StudioBridge
    from mt_studio.ui.common.error_reporter import ErrorReporter

PREFERRED_WIDTH, PREFERRED_HEIGHT = 1300, 700  # inside a 1366x768 laptop's screen
REDRAWN_ON = ("course_changed", "attendance_changed", "group_changed", "session_changed",
              "take_changed", "song_changed", "export_logged")


@dataclass(frozen=True)
class Figures:
    """What one look at the studio gives the view."""

    report: ServiceReport
    layout: ReportLayout
    stopped: list[MayHaveStopped]
    rules: DropoutRules


class ServiceView(QWidget):
    """The Service view on STUDIO, its own window over PARENT; redrawn on BRIDGE's signals,
    the studio's refusals told through REPORTER. CLOCK is the moment "today" is read from;
    CHOICE the period shown first (this year unless asked)."""

    def __init__(self, studio: Studio, bridge: StudioBridge | None, reporter: ErrorReporter,
                 parent: QWidget | None = None,
                 clock: Callable[[], datetime] = local_now,
                 choice: Choice = Choice.YEAR) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.studio = studio
        self.reporter = reporter
        self.clock = clock
        self.figures: Figures | None = None
        self.making = False  # a look at the studio is under way
        self._asked = 0  # the latest look asked for: older answers are dropped
        self.setWindowTitle(_("Service overview"))
        self.setAccessibleName(_("Service overview"))
        self.choice = QComboBox()
        self.choice.setAccessibleName(_("Period"))
        for each in Choice:
            self.choice.addItem(choice_label(each), each.value)
        self.choice.setCurrentIndex(self.choice.findData(choice.value))
        self.start = _date_edit(_("From"))
        self.end = _date_edit(_("To"))
        self.period_line = QLabel()
        self.period_line.setFont(scaled_font(self, 1.2, bold=True))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setFont(scaled_font(self, 1.1))
        picker = QHBoxLayout()
        picker.addWidget(QLabel(_("Period:")))
        picker.addWidget(self.choice)
        picker.addSpacing(12)
        picker.addWidget(QLabel(_("From:")))
        picker.addWidget(self.start)
        picker.addWidget(QLabel(_("To:")))
        picker.addWidget(self.end)
        picker.addSpacing(18)
        picker.addWidget(self.period_line, 1)
        self.page_button = QPushButton(_("Participant's pa&ge…"))
        self.page_button.setToolTip(_("Find someone by pseudonym and see their sessions, "
                                      "songs, consent and course"))
        picker.addWidget(self.page_button)
        self.panel = FiguresPanel()
        self.charts = [QuarterChart(), AttendanceChart(), EndingsChart()]
        chart_tabs = QTabWidget()
        chart_tabs.setFont(scaled_font(self, 1.1))
        for chart in self.charts:
            chart_tabs.addTab(chart, chart.title)
        self.stopped = StoppedPanel(studio, self, self.clock, self.tell, self.refresh)
        self.tabs = QTabWidget()
        self.tabs.setFont(scaled_font(self, 1.15))
        self.tabs.addTab(self.panel, _("Figures"))
        self.tabs.addTab(chart_tabs, _("Charts"))
        self.tabs.addTab(self.stopped, _("May have stopped coming"))
        for widget in (self.panel, chart_tabs, self.stopped):  # the tabs' words alone are large
            widget.setFont(self.font())
        self.page_button.clicked.connect(self.stopped.choose_page)
        self.saving = SaveRow(studio, self.refresh, self._failed)
        layout = QVBoxLayout(self)
        layout.addLayout(picker)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.saving)
        self.choice.currentIndexChanged.connect(self._choice_changed)
        self.start.dateChanged.connect(self._days_changed)
        self.end.dateChanged.connect(self._days_changed)
        self._soon = redraw_soon(self, lambda: self.studio, self.refresh)
        if bridge is not None:
            for name in REDRAWN_ON:
                getattr(bridge, name).connect(lambda *_args: self._soon.start())
        self._fit()
        self.refresh()

    def tell(self, text: str) -> None:
        """Say TEXT above the tabs (nothing: the line goes)."""
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def today(self):
        """The local day of the view's clock."""
        return self.clock().astimezone().date()

    def period(self) -> Period:
        """The period the picker says."""
        choice = Choice(self.choice.currentData())
        first = None
        if choice is Choice.SINCE_START:
            first = self.studio.reports.first_day()
        return period_of(choice, self.today(), first,
                         (self.start.date().toPyDate(), self.end.date().toPyDate()))

    def choose(self, choice: Choice, start=None, end=None) -> None:
        """Show CHOICE's figures; for Choice.CHOSEN, from START to END."""
        if choice is Choice.CHOSEN:
            self._show_days(start, end)
        self.choice.setCurrentIndex(self.choice.findData(choice.value))
        self.refresh()

    def refresh(self) -> None:
        """Make the figures and the list again, in a worker."""
        self._soon.stop()
        try:
            period = self.period()
        except MtStudioError as error:
            self._failed(error)
            return
        if Choice(self.choice.currentData()) is not Choice.CHOSEN:
            self._show_days(period.start, period.end)
        self._asked += 1
        asked = self._asked
        self.making = True
        self.period_line.setText(_("{start} – {end}").format(start=day_text(period.start),
                                                            end=day_text(period.end)))
        self.tell(_("Counting…"))
        now = self.clock()
        run_in_worker(self, lambda: _look(self.studio, period, now),
                      done=lambda figures: asked == self._asked and self._show(figures),
                      failed=lambda error: asked == self._asked and self._failed(error))

    def _show(self, figures: Figures) -> None:
        self.making = False
        self.figures = figures
        self.tell("")
        self.panel.show_layout(figures.layout)
        for chart in self.charts:
            chart.show_report(figures.report)
        self.stopped.show_flags(figures.stopped, figures.rules)
        self.tabs.setTabText(2, ngettext("May have stopped coming ({n})",
                                         "May have stopped coming ({n})",
                                         len(figures.stopped)).format(n=len(figures.stopped))
                             if figures.stopped else _("May have stopped coming"))
        self.saving.report = figures.report

    def _failed(self, error: Exception) -> None:
        self.making = False
        if isinstance(error, AccessRefused):  # signed out or locked: the window handles it
            self.reporter.report_exception(type(error), error, error.__traceback__)
            self.close()
        elif isinstance(error, MtStudioError):
            self.tell(str(error))
        else:
            self.reporter.report_exception(type(error), error, error.__traceback__)

    def _choice_changed(self) -> None:
        self.refresh()

    def _days_changed(self) -> None:
        chosen = self.choice.findData(Choice.CHOSEN.value)
        if self.choice.currentIndex() != chosen:
            self.choice.blockSignals(True)
            self.choice.setCurrentIndex(chosen)
            self.choice.blockSignals(False)
        self.refresh()

    def _show_days(self, start, end) -> None:
        for edit, day in ((self.start, start), (self.end, end)):
            edit.blockSignals(True)
            edit.setDate(QDate(day))
            edit.blockSignals(False)

    def _fit(self) -> None:
        parent = self.parentWidget()
        screen = parent.screen() if parent is not None else self.screen()
        room = screen.availableGeometry()
        self.resize(min(PREFERRED_WIDTH, room.width() - 40),
                    min(PREFERRED_HEIGHT, room.height() - 60))


def _look(studio: Studio, period: Period, now: datetime) -> Figures:
    """In a worker: the report for PERIOD, its layout and who may have stopped on NOW."""
    from mt_studio.core.service_report.layout import report_layout

    report, stopped, rules = studio.reports.overview(period, now=now)
    return Figures(report, report_layout(report), stopped, rules)


def _date_edit(name: str) -> QDateEdit:
    return day_edit(name=name)

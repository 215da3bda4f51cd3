"""The service report as headed sections of rows, in the user's language: what every form of it
(terminal, CSV, spreadsheet, PDF) shows, built once so that they never disagree.

A value knows whether it may leave the window as it is: a count from 1 to 2, or a rate made
from fewer than 3 expected, shows as "<3" in the files unless the admin chose to show them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from mt_studio.core.domain.service_report import SMALL_COUNT, ServiceReport, shown_count
from mt_studio.i18n import _, day_text, locale_name, moment_text, number_text

HIDDEN = f"<{SMALL_COUNT}"
NOTHING = "–"  # a rate of nobody expected
WITHHELD = "*"  # a total that would tell a count shown as "<3" by subtraction


@dataclass(frozen=True)
class Figure:
    """One value of the report: a count, a rate (of BASE expected), hours, or words. A total
    made of PARTS is withheld ("*") where one of them shows as "<3": else subtracting the
    others from it would tell that one."""

    kind: Literal["count", "rate", "hours", "words"]
    value: int | float | str | None
    base: int = 0
    parts: tuple[int, ...] = ()

    def hidden(self, *, suppress: bool) -> bool:
        """Whether it shows as "<3" (or, for a total, "*") when small counts are SUPPRESSed."""
        if not suppress:
            return False
        if self.kind == "count":
            return _small(int(self.value or 0)) or any(_small(part) for part in self.parts)
        return self.kind == "rate" and 0 < self.base < SMALL_COUNT

    def mark(self) -> str:
        """What it shows as when hidden: "<3", or "*" for a total withheld."""
        return HIDDEN if self.kind != "count" or _small(int(self.value or 0)) else WITHHELD

    def text(self, *, suppress: bool) -> str:
        """The value as the user's language writes it, or "<3" (or "*")."""
        if self.hidden(suppress=suppress):
            return self.mark()
        if self.kind == "count":
            return number_text(int(self.value or 0), 0)
        if self.kind == "rate":
            return NOTHING if self.value is None else percent_text(float(self.value))
        if self.kind == "hours":
            return number_text(float(self.value or 0), 1)
        return str(self.value)

    def cell(self, *, suppress: bool) -> int | float | str:
        """The value for a spreadsheet cell: a number where it may show, else its text."""
        if self.hidden(suppress=suppress):
            return self.mark()
        if self.kind == "count":
            return int(self.value or 0)
        if self.kind == "rate":
            return NOTHING if self.value is None else float(self.value)
        if self.kind == "hours":
            return round(float(self.value or 0), 1)
        return str(self.value)


@dataclass(frozen=True)
class Row:
    """A labelled value; LEVEL 1 is a breakdown of the row above it."""

    label: str
    figure: Figure
    level: int = 0


@dataclass(frozen=True)
class Table:
    """Rows with a value per column: the groups' figures."""

    columns: tuple[str, ...]  # the first names the rows' labels
    rows: tuple[tuple[str, tuple[Figure, ...]], ...]


@dataclass(frozen=True)
class Section:
    """A headed part of the report: its rows, then its table if it has one."""

    key: str  # stable, in English: "people", "sessions", "endings", "community", "music"
    heading: str
    rows: tuple[Row, ...]
    table: Table | None = None


@dataclass(frozen=True)
class ReportLayout:
    """The report as every form shows it."""

    title: str
    period: str
    made: str
    sections: tuple[Section, ...]


def report_layout(report: ServiceReport) -> ReportLayout:
    """REPORT's title, period, time made and sections, in the user's language."""
    return ReportLayout(
        title=_("Service report"),
        period=period_text(report),
        made=moment_text(report.made_at),
        sections=(_people(report), _sessions(report), _endings(report), _community(report),
                  _music(report)),
    )


def period_text(report: ServiceReport) -> str:
    """"1 Jan 2026 – 31 Dec 2026"."""
    return f"{day_text(report.period.start)} – {day_text(report.period.end)}"


def percent_text(rate: float) -> str:
    """RATE (0-1) as a whole percentage, the language's way: "85%", "85 %"."""
    from babel.numbers import format_percent

    return format_percent(rate, format="#,##0%", locale=locale_name())


def footer_text(report: ServiceReport) -> str:
    """The line under every page of what leaves the window: what it hides, or that it does not."""
    if report.show_small_counts:
        return _("No names. Small counts are shown exactly: share this report with care.")
    return _("No names: counts under {small} show as <{small}, and a total that would tell "
             "one as *").format(small=SMALL_COUNT)


def kind_label(kind: str) -> str:
    """The words for a kind of session ("band", "choir", "individual"), or the key itself."""
    labels = {"band": _("Band"), "choir": _("Choir"), "individual": _("Individual")}
    return labels.get(kind, kind)


def reason_label(report: ServiceReport, reason: str) -> str:
    """The words for an ending REASON, or the key when the service's list has none."""
    return report.reason_labels.get(reason) or reason


def _count(label: str, value: int, level: int = 0, parts: tuple[int, ...] = ()) -> Row:
    return Row(label, Figure("count", value, parts=parts), level)


def _small(count: int) -> bool:
    return shown_count(count, small_counts=False) == HIDDEN


def _heading(label: str, breakdown: tuple[Row, ...]) -> Row:
    """A row over a breakdown, without a total: a total beside counts shown as "<3" would
    tell them by subtraction."""
    return Row(label, Figure("words", "" if breakdown else _("none")))


def _people(report: ServiceReport) -> Section:
    return Section("people", _("People"), (
        _count(_("In individual therapy"), report.individual_participants),
        _count(_("In group therapy"), report.group_participants),
        _count(_("In both"), report.both),
        _count(_("All participants"), report.participants,
               parts=(report.individual_participants, report.group_participants, report.both)),
        _count(_("New starters"), report.new_starters),
    ))


def _sessions(report: ServiceReport) -> Section:
    rows = tuple(_count(kind_label(kind), count)
                 for kind, count in report.sessions_by_kind.items())
    table = None
    if report.groups:
        table = Table(
            columns=(_("Group"), _("Sessions"), _("Attendance"), _("Members at the end")),
            rows=tuple((group.name, (Figure("count", group.sessions),
                                     Figure("rate", group.attendance_rate, group.expected),
                                     Figure("count", group.members_at_end)))
                       for group in report.groups))
    return Section("sessions", _("Sessions"), rows or (
        Row(_("Sessions held"), Figure("count", 0)),), table)


def _endings(report: ServiceReport) -> Section:
    reasons = tuple(_count(reason_label(report, reason), count, 1)
                    for reason, count in report.endings_by_reason.items())
    return Section("endings", _("Endings and drop-outs"), (
        _heading(_("Endings by reason"), reasons),
        *reasons,
        _count(_("Lost contact"), report.lost_contact),
        _count(_("May have stopped, not followed up"), report.flagged_not_followed_up),
        _count(_("Drop-outs in all"), report.drop_outs,
               parts=(report.lost_contact, report.flagged_not_followed_up)),
    ))


def _community(report: ServiceReport) -> Section:
    endings = tuple(_count(report.detail_labels.get(detail) or detail, count, 1)
                    for detail, count in report.community_endings.items())
    exports = tuple(_count(recipient, count, 1)
                    for recipient, count in sorted(report.community_exports.items(),
                                                   key=lambda item: item[0].casefold()))
    groups = ", ".join(report.community_groups) or _("none")
    return Section("community", _("The way into community music"), (
        _heading(_("Ended: moved on to music in the community"), endings),
        *endings,
        _heading(_("Exports for the community, by recipient"), exports),
        *exports,
        Row(_("Community groups worked with"), Figure("words", groups)),
    ))


def _music(report: ServiceReport) -> Section:
    return Section("music", _("Music made"), (
        _count(_("Songs written"), report.songs_written),
        _count(_("Takes recorded"), report.takes_recorded),
        Row(_("Hours recorded"), Figure("hours", report.hours_recorded)),
    ))

"""`mt-studio report service|rules`: the service's figures for a period, and its choices."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from mt_studio.cli.arguments import iso_date
from mt_studio.cli.output import emit_json, emit_line
from mt_studio.core.domain.service_report import Period
from mt_studio.core.errors import InputError
from mt_studio.core.studio import Studio
from mt_studio.i18n import _

FORMATS = ("text", "json", "csv", "xlsx", "pdf")


def register(commands: argparse._SubParsersAction) -> None:
    """Add the report commands to the parser."""
    parser = commands.add_parser("report", help=_("the service's own figures"))
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    service = actions.add_parser(
        "service", help=_("the service report for a period: counts only, never names"))
    service.add_argument("--from", dest="start", type=iso_date, metavar="YYYY-MM-DD",
                         help=_("the first day (default: the first session's)"))
    service.add_argument("--to", dest="end", type=iso_date, metavar="YYYY-MM-DD",
                         help=_("the last day (default: today)"))
    service.add_argument("--format", choices=FORMATS, default="text",
                         help=_("text, json, csv, xlsx or pdf (csv, xlsx and pdf show counts "
                                "under 3 as <3 unless an admin chose otherwise)"))
    service.add_argument("--out", metavar="FILE", help=_("write to FILE instead of the screen"))
    service.set_defaults(run=run_service)

    rules = actions.add_parser(
        "rules", help=_("the service's choices: counts under 3 in report files, and when "
                        "someone may have stopped coming (an admin changes them)"))
    rules.add_argument("--small-counts", choices=("show", "hide"),
                       help=_("show counts under 3 in CSV, spreadsheet and PDF, or hide them "
                              "as <3"))
    rules.add_argument("--missed-in-a-row", type=int, metavar="N",
                       help=_("a group's sessions missed in a row that flag someone"))
    rules.add_argument("--individual-weeks", type=int, metavar="N",
                       help=_("weeks without an individual session that flag someone"))
    rules.add_argument("--json", action="store_true", help=_("print JSON"))
    rules.set_defaults(run=run_rules)


def run_rules(args: argparse.Namespace, studio: Studio) -> int:
    """Print the service's choices, after changing those given."""
    rules = studio.courses.rules()
    if args.missed_in_a_row is not None or args.individual_weeks is not None:
        # First: a number out of range is refused before anything is changed.
        rules = studio.courses.set_rules(
            rules.missed_in_a_row if args.missed_in_a_row is None else args.missed_in_a_row,
            rules.individual_weeks if args.individual_weeks is None else args.individual_weeks)
    if args.small_counts is not None:
        studio.reports.set_show_small_counts(args.small_counts == "show")
    shown = studio.reports.show_small_counts()
    if args.json:
        emit_json({"show_small_counts": shown, "missed_in_a_row": rules.missed_in_a_row,
                   "individual_weeks": rules.individual_weeks})
        return 0
    emit_line(_("Report files show counts under 3 as they are.") if shown
              else _("Report files show counts under 3 as <3."))
    emit_line(_("Someone who came at least twice may have stopped coming after missing {n} "
                "sessions of their group in a row, or {weeks} weeks without an individual "
                "session.").format(n=rules.missed_in_a_row, weeks=rules.individual_weeks))
    return 0


def run_service(args: argparse.Namespace, studio: Studio) -> int:
    """Make the service report and print or write it."""
    from mt_studio.core.service_report.files import report_bytes

    if args.out is None and args.format in ("xlsx", "pdf"):
        raise InputError(_("A {format} report is a file: give --out FILE.").format(
            format=args.format))
    start = args.start or studio.reports.first_day() or date.today()
    report = studio.reports.service(Period(start, args.end or date.today()))
    if args.out is not None:
        written = studio.reports.save(report, args.out, args.format)
        emit_line(_("Wrote the service report to {file}.").format(file=written))
        return 0
    sys.stdout.write(report_bytes(report, args.format).decode("utf-8-sig"))  # text formats
    return 0

"""`mt-studio report service`: the service's figures for a period."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from mt_studio.cli.arguments import iso_date
from mt_studio.cli.output import emit_line
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

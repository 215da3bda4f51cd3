"""`mt-studio participant end|resume|still-with-us|stopped`: participants' courses."""

from __future__ import annotations

import argparse

from mt_studio.cli.arguments import iso_date
from mt_studio.cli.output import emit_json, emit_line, emit_table
from mt_studio.core.domain.groups import MayHaveStopped, StopSign
from mt_studio.core.studio import Studio
from mt_studio.i18n import _, day_text


def add_course_commands(actions: argparse._SubParsersAction) -> None:
    """Add the course actions to `mt-studio participant`."""
    end = actions.add_parser("end", help=_("write that a participant's course ended"))
    end.add_argument("participant", metavar="PARTICIPANT", help=_("their pseudonym"))
    end.add_argument("--reason", required=True, metavar="REASON",
                     help=_("a reason from the service's list (see 'mt-studio preset list')"))
    end.add_argument("--detail", metavar="DETAIL",
                     help=_("for music in the community: band, choir, music_school or other"))
    end.add_argument("--date", type=iso_date, metavar="YYYY-MM-DD",
                     help=_("the day it ended (default: today)"))
    end.add_argument("--note", metavar="TEXT", default="", help=_("a short note"))
    end.set_defaults(run=run_end)

    for name, text, run in (
            ("resume", _("write that an ended course began again"), run_resume),
            ("still-with-us", _("write that someone who may have stopped goes on"),
             run_still_with_us)):
        action = actions.add_parser(name, help=text)
        action.add_argument("participant", metavar="PARTICIPANT", help=_("their pseudonym"))
        action.add_argument("--date", type=iso_date, metavar="YYYY-MM-DD",
                            help=_("the day (default: today)"))
        action.set_defaults(run=run)

    stopped = actions.add_parser("stopped", help=_("who may have stopped coming"))
    stopped.add_argument("--json", action="store_true", help=_("print JSON"))
    stopped.set_defaults(run=run_stopped)


def run_end(args: argparse.Namespace, studio: Studio) -> int:
    """Write an ending."""
    person = studio.consent.find(args.participant)
    event = studio.courses.end(person.id, args.reason, on=args.date, detail=args.detail,
                               note=args.note)
    emit_line(_("The course of {who} ended on {day}: {reason}.").format(
        who=person.pseudonym, day=day_text(event.on),
        reason=studio.courses.reasons().label_of(event.reason)))
    return 0


def run_resume(args: argparse.Namespace, studio: Studio) -> int:
    """Write that a course began again."""
    person = studio.consent.find(args.participant)
    event = studio.courses.resume(person.id, on=args.date)
    emit_line(_("The course of {who} began again on {day}.").format(
        who=person.pseudonym, day=day_text(event.on)))
    return 0


def run_still_with_us(args: argparse.Namespace, studio: Studio) -> int:
    """Write that someone goes on."""
    person = studio.consent.find(args.participant)
    event = studio.courses.still_with_us(person.id, on=args.date)
    emit_line(_("{who} is still with us ({day}).").format(
        who=person.pseudonym, day=day_text(event.on)))
    return 0


def run_stopped(args: argparse.Namespace, studio: Studio) -> int:
    """List who may have stopped coming."""
    found = studio.courses.may_have_stopped()
    if args.json:
        emit_json([{"pseudonym": f.pseudonym, "sign": f.sign.value,
                    "group": f.group_name, "last_came": f.last_came.isoformat()}
                   for f in found])
    elif not found:
        emit_line(_("Nobody seems to have stopped coming."))
    else:
        rules = studio.courses.rules()
        emit_table([_("Participant"), _("Why"), _("Last came")],
                   [(f.pseudonym, stop_words(f, rules.missed_in_a_row, rules.individual_weeks),
                     day_text(f.last_came)) for f in found])
    return 0


def stop_words(flag: MayHaveStopped, missed: int, weeks: int) -> str:
    """Why FLAG's participant may have stopped, in words."""
    if flag.sign is StopSign.MISSED_GROUP:
        return _("missed the last {n} sessions of {group}").format(n=missed,
                                                                   group=flag.group_name)
    return _("no individual session for {weeks} weeks").format(weeks=weeks)

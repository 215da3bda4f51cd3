"""`mt-studio audit show`: who did and saw what, for an admin."""

from __future__ import annotations

import argparse

from mt_studio.cli.arguments import iso_date
from mt_studio.cli.output import emit_json, emit_table
from mt_studio.core.clock import local_now
from mt_studio.core.studio import Studio
from mt_studio.i18n import _


def register(commands: argparse._SubParsersAction) -> None:
    """Add the audit commands to the parser."""
    parser = commands.add_parser("audit", help=_("the audit log: who did and saw what"))
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = actions.add_parser("show", help=_("show the audit log (an admin's)"))
    show.add_argument("--participant", metavar="PSEUDONYM",
                      help=_("only rows about this participant or written in their "
                             "participant mode"))
    show.add_argument("--actor", metavar="NAME", help=_("only what this account did"))
    show.add_argument("--since", type=iso_date, metavar="YYYY-MM-DD",
                      help=_("only rows from this day on"))
    show.add_argument("--json", action="store_true", help=_("print JSON"))
    show.set_defaults(run=run_show)


def run_show(args: argparse.Namespace, studio: Studio) -> int:
    """Print the audit log, filtered."""
    person = studio.consent.find(args.participant).id if args.participant else None
    since = None
    if args.since is not None:
        since = local_now().replace(year=args.since.year, month=args.since.month,
                                    day=args.since.day, hour=0, minute=0, second=0,
                                    microsecond=0)
    rows = studio.audit.entries(person, args.actor, since)
    names = studio.audit.actors()
    pseudonyms = studio.consent.pseudonyms()

    def actor(row) -> str:
        who = names.get(row.actor_id, "") if row.actor_id is not None else ""
        if row.for_participant is not None:
            return _("{participant} (participant mode, started by {name})").format(
                participant=pseudonyms.get(row.for_participant, row.for_participant),
                name=who or "?")
        return who

    if args.json:
        emit_json([{"id": r.id, "at": r.at.isoformat(), "action": r.action,
                    "subject": r.subject, "participant_id": r.participant_id,
                    "actor": names.get(r.actor_id) if r.actor_id is not None else None,
                    "for_participant": r.for_participant, "details": r.details}
                   for r in rows])
    else:
        emit_table([_("When"), _("Who"), _("What"), _("About")],
                   [(r.at.astimezone().strftime("%Y-%m-%d %H:%M:%S"), actor(r), r.action,
                     r.subject) for r in rows])
    return 0

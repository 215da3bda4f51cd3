"""`mt-studio audit show`: who did and saw what, for an admin; `audit verify`: whether the
ledger is as mt_studio wrote it; `audit accept`: an admin takes the library as it is."""

from __future__ import annotations

import argparse

from mt_studio.cli.arguments import iso_date
from mt_studio.cli.output import emit_json, emit_line, emit_table
from mt_studio.core.clock import local_now
from mt_studio.core.studio import Studio
from mt_studio.core.studio.ledger import LedgerCheck, LibraryReadOnly
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
    verify = actions.add_parser(
        "verify", help=_("check that the consent ledger, the audit log and the export list are "
                         "as mt_studio wrote them, and not older than last seen here"))
    verify.add_argument("--json", action="store_true", help=_("print JSON"))
    verify.set_defaults(run=run_verify, tells_ledger=True)
    accept = actions.add_parser(
        "accept", help=_("take the library as it is now as the one seen, after looking into "
                         "what `audit verify` found (an admin's)"))
    accept.add_argument("--reason", required=True, help=_("why it is accepted (audited)"))
    accept.set_defaults(run=run_accept, tells_ledger=True)


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


def ledger_json(check: LedgerCheck) -> dict:
    """CHECK for scripts."""
    return {"intact": check.intact, "library": check.library_id, "problem": check.problem,
            "kind": check.kind, "table": check.table, "row_id": check.row_id,
            "trigger": check.trigger, "seen_before": check.seen_before,
            "heads": {table: {"rows": rows, "hash": head}
                      for table, (rows, head) in check.heads.items()}}


def run_verify(args: argparse.Namespace, studio: Studio) -> int:
    """Print what the check of the ledger found; exit 6 naming the first bad row or trigger."""
    check = studio.audit.verify()
    if args.json:
        emit_json(ledger_json(check))
        return 0 if check.intact else LibraryReadOnly.exit_code
    emit_table([_("Chain"), _("Rows"), _("Last hash")],
               [(table, rows, head) for table, (rows, head) in check.heads.items()])
    if not check.intact:
        raise LibraryReadOnly(check.problem)
    emit_line(_("The ledger is intact: every row matches its chain and every append-only guard "
                "is in place."))
    if not check.seen_before:
        emit_line(_("This computer had not seen this library before; its heads are kept from "
                    "now on."))
    return 0


def run_accept(args: argparse.Namespace, studio: Studio) -> int:
    """Accept the library as it is; print what was found before."""
    before = studio.read_only
    studio.audit.accept(args.reason)
    if before is not None:
        emit_line(_("Accepted, as found: {problem}").format(problem=before.problem))
    emit_line(_("The library is accepted as it is now and may be changed again."))
    return 0

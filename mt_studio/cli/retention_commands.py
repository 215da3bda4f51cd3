"""`mt-studio retention list|run|keep|rules`: the takes due for deletion because consent to keep
them ended, deleting those whose grace days are over, a reason to keep one longer, and the
service's rules."""

from __future__ import annotations

import argparse

from mt_studio.cli.arguments import record_id
from mt_studio.cli.output import emit_json, emit_line, emit_table
from mt_studio.core.errors import MtStudioError
from mt_studio.core.retention import DueTake
from mt_studio.core.studio import Studio
from mt_studio.core.studio.retention import why_text
from mt_studio.i18n import _, ngettext


def register(commands: argparse._SubParsersAction) -> None:
    """Add `retention` and its actions to the parser."""
    parser = commands.add_parser(
        "retention", help=_("takes due for deletion because consent to keep them ended"))
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help=_("list the takes due for deletion, who and why"))
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    listing.set_defaults(run=run_list)
    run = actions.add_parser("run", help=_("delete the due takes whose grace days are over"))
    run.add_argument("--json", action="store_true", help=_("print JSON"))
    run.set_defaults(run=run_run)
    keep = actions.add_parser("keep", help=_("keep a due take 30 more days, for a reason"))
    keep.add_argument("take_id", metavar="TAKE_ID", type=record_id)
    keep.add_argument("--reason", required=True,
                      help=_("why it must be kept longer (kept in the audit log)"))
    keep.set_defaults(run=run_keep)
    rules = actions.add_parser("rules", help=_("show or change the service's rules (an admin's)"))
    rules.add_argument("--grace-days", type=int, metavar="N",
                       help=_("days between a take becoming due and its deletion"))
    rules.add_argument("--max-age-days", type=int, metavar="N",
                       help=_("delete takes older than N days whatever the consent (0: never)"))
    rules.add_argument("--json", action="store_true", help=_("print JSON"))
    rules.set_defaults(run=run_rules)


def due_json(take: DueTake, names: dict[int, str]) -> dict:
    """One due take as JSON."""
    return {"take_id": take.take.take_id, "session_id": take.take.session_id,
            "session": take.take.session_title, "session_day": take.take.session_day.isoformat(),
            "number": take.take.number, "due_on": take.due_on.isoformat(),
            "delete_on": take.delete_on.isoformat(),
            "why": [{"cause": w.cause.value, "participant": names.get(w.participant_id),
                     "since": w.since.isoformat(), "text": why_text(w, names)}
                    for w in take.why],
            "kept_longer": None if take.hold is None else {
                "until": take.hold.until.isoformat(), "reason": take.hold.reason,
                "by": take.hold.by}}


def run_list(args: argparse.Namespace, studio: Studio) -> int:
    """Print each due take with who and why and the day it goes."""
    due = studio.retention.due()
    if args.json:
        emit_json([due_json(t, due.names) for t in due.takes])
        return 0
    if not due.takes:
        emit_line(_("No take is due for deletion."))
        return 0
    emit_table([_("Take"), _("Session"), _("Why"), _("Deleted on")],
               [(t.take.take_id, f"{t.take.session_title} ({t.take.session_day.isoformat()})",
                 "; ".join(why_text(w, due.names) for w in t.why), _goes(t))
                for t in due.takes])
    return 0


def run_run(args: argparse.Namespace, studio: Studio) -> int:
    """Delete what is due; exit 1 naming the first take that could not be deleted."""
    done = studio.retention.run()
    if args.json:
        emit_json({"deleted": [t.take.take_id for t in done.deleted],
                   "failed": [{"take_id": t.take.take_id, "error": e} for t, e in done.failed],
                   "waiting": [{"take_id": t.take.take_id, "delete_on": t.delete_on.isoformat(),
                                "kept_longer": t.hold is not None} for t in done.waiting]})
    else:
        emit_line(ngettext("{n} take deleted.", "{n} takes deleted.", len(done.deleted)).format(
            n=len(done.deleted)))
        if done.waiting:
            emit_line(ngettext("{n} more is due later: see 'mt-studio retention list'.",
                               "{n} more are due later: see 'mt-studio retention list'.",
                               len(done.waiting)).format(n=len(done.waiting)))
    if done.failed:
        take, error = done.failed[0]
        raise MtStudioError(_("Take {take} could not be deleted: {error}").format(
            take=take.take.take_id, error=error))
    return 0


def run_keep(args: argparse.Namespace, studio: Studio) -> int:
    """Keep a due take longer, for the reason given."""
    hold = studio.retention.keep_longer(args.take_id, args.reason)
    emit_line(_("Take {take} is kept until {day}; you will be asked again then.").format(
        take=hold.take_id, day=hold.until.isoformat()))
    return 0


def run_rules(args: argparse.Namespace, studio: Studio) -> int:
    """Print the rules, after changing those given."""
    rules = studio.retention.rules()
    if args.grace_days is not None or args.max_age_days is not None:
        rules = studio.retention.set_rules(
            rules.grace_days if args.grace_days is None else args.grace_days,
            rules.max_age_days if args.max_age_days is None else args.max_age_days)
    if args.json:
        emit_json({"grace_days": rules.grace_days, "max_age_days": rules.max_age_days})
    else:
        emit_line(_("A due take is deleted {n} days after it became due.").format(
            n=rules.grace_days))
        emit_line(_("Takes older than {n} days are deleted.").format(n=rules.max_age_days)
                  if rules.max_age_days else _("No take is deleted for its age alone."))
    return 0


def _goes(take: DueTake) -> str:
    if take.hold is not None:
        return _("kept until {day}: {reason}").format(day=take.hold.until.isoformat(),
                                                      reason=take.hold.reason)
    return take.delete_on.isoformat()

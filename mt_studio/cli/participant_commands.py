"""`mt-studio participant add|list|erase`, and the course actions (course_commands.py)."""

from __future__ import annotations

import argparse

from mt_studio.cli.course_commands import add_course_commands
from mt_studio.cli.delete_commands import add_participant_erase
from mt_studio.cli.output import emit_json, emit_line, emit_table
from mt_studio.core.domain import Participant
from mt_studio.core.studio import Studio
from mt_studio.i18n import _


def register(commands: argparse._SubParsersAction) -> None:
    """Add the participant commands to the parser."""
    parser = commands.add_parser("participant",
                                 help=_("add, list and erase participants; their courses"))
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    add = actions.add_parser("add", help=_("add a participant under a pseudonym"))
    add.add_argument("pseudonym", metavar="PSEUDONYM")
    add.add_argument("--name", metavar="REAL_NAME",
                     help=_("real name; stays in the library unless they choose name credit"))
    add.add_argument("--json", action="store_true", help=_("print JSON"))
    add.set_defaults(run=run_add)

    listing = actions.add_parser("list", help=_("list participants"))
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    listing.add_argument("--names", action="store_true",
                         help=_("include real names in the JSON (they are left out otherwise)"))
    listing.set_defaults(run=run_list)
    add_participant_erase(actions)
    add_course_commands(actions)


def participant_json(participant: Participant, with_name: bool = False) -> dict:
    """A participant as the JSON contract gives it; the real name only when asked for."""
    found = {"id": participant.id, "pseudonym": participant.pseudonym}
    if with_name:
        found["name"] = participant.real_name
    return found


def run_add(args: argparse.Namespace, studio: Studio) -> int:
    """Add a participant."""
    participant = studio.consent.add_participant(args.pseudonym, args.name)
    if args.json:
        emit_json(participant_json(participant))
    else:
        emit_line(_("Added {pseudonym} (id {id}).").format(
            pseudonym=participant.pseudonym, id=participant.id))
    return 0


def run_list(args: argparse.Namespace, studio: Studio) -> int:
    """List participants; real names appear in text, and in JSON only with --names."""
    found = studio.consent.participants(real_names=args.names or not args.json)
    if args.json:
        emit_json([participant_json(p, args.names) for p in found])
    elif not found:
        emit_line(_("No participants yet. Add one with 'mt-studio participant add PSEUDONYM'."))
    else:
        emit_table([_("ID"), _("Pseudonym"), _("Name")],
                   [(p.id, p.pseudonym, p.real_name or "") for p in found])
    return 0

"""`mt-studio group add|list|show|join|leave`."""

from __future__ import annotations

import argparse

from mt_studio.cli.arguments import iso_date, name_list
from mt_studio.cli.output import emit_json, emit_line, emit_table
from mt_studio.core.domain.groups import Group, GroupKind
from mt_studio.core.studio import Studio
from mt_studio.i18n import _, day_text


def register(commands: argparse._SubParsersAction) -> None:
    """Add the group commands to the parser."""
    parser = commands.add_parser("group", help=_("the service's bands and choirs"))
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    add = actions.add_parser("add", help=_("add a band or choir"))
    add.add_argument("name", metavar="NAME")
    add.add_argument("--kind", required=True, choices=[k.value for k in GroupKind])
    add.add_argument("--members", type=name_list, default=[], metavar="P1,P2,...",
                     help=_("pseudonyms of its first members"))
    add.add_argument("--date", type=iso_date, metavar="YYYY-MM-DD",
                     help=_("the day they joined (default: today)"))
    add.add_argument("--json", action="store_true", help=_("print JSON"))
    add.set_defaults(run=run_add)

    listing = actions.add_parser("list", help=_("list the groups"))
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    listing.set_defaults(run=run_list)

    show = actions.add_parser("show", help=_("show a group and its members"))
    show.add_argument("group", metavar="GROUP", help=_("its name or id"))
    show.add_argument("--json", action="store_true", help=_("print JSON"))
    show.set_defaults(run=run_show)

    for name, text, run in (("join", _("a participant joins a group"), run_join),
                            ("leave", _("a participant leaves a group"), run_leave)):
        action = actions.add_parser(name, help=text)
        action.add_argument("group", metavar="GROUP", help=_("its name or id"))
        action.add_argument("participant", metavar="PARTICIPANT", help=_("their pseudonym"))
        action.add_argument("--date", type=iso_date, metavar="YYYY-MM-DD",
                            help=_("the day (default: today)"))
        action.set_defaults(run=run)


def group_json(group: Group) -> dict:
    """A group as the JSON contract gives it: members by pseudonym, with their days."""
    return {"id": group.id, "name": group.name, "kind": group.kind.value,
            "members": [{"pseudonym": m.pseudonym, "joined": m.joined.isoformat(),
                         "left": m.left.isoformat() if m.left else None}
                        for m in group.memberships]}


def run_add(args: argparse.Namespace, studio: Studio) -> int:
    """Add a group with its first members."""
    members = [studio.consent.find(pseudonym).id for pseudonym in args.members]
    group = studio.groups.add(args.name, GroupKind(args.kind), members, on=args.date)
    if args.json:
        emit_json(group_json(group))
    else:
        emit_line(_("Added the group {name} (id {id}).").format(name=group.name, id=group.id))
    return 0


def run_list(args: argparse.Namespace, studio: Studio) -> int:
    """List the groups with how many members they have today."""
    found = studio.groups.all()
    if args.json:
        emit_json([group_json(g) for g in found])
    elif not found:
        emit_line(_("No groups yet. Add one with 'mt-studio group add NAME --kind band'."))
    else:
        emit_table([_("ID"), _("Name"), _("Kind"), _("Members")],
                   [(g.id, g.name, g.kind.value,
                     sum(1 for m in g.memberships if m.left is None)) for g in found])
    return 0


def run_show(args: argparse.Namespace, studio: Studio) -> int:
    """Show a group and every spell of its members."""
    group = studio.groups.find(args.group)
    if args.json:
        emit_json(group_json(group))
        return 0
    emit_line(f"{group.name}  ({group.kind.value})")
    if not group.memberships:
        emit_line(_("No members yet."))
        return 0
    emit_table([_("Member"), _("Joined"), _("Left")],
               [(m.pseudonym, day_text(m.joined), day_text(m.left) if m.left else "")
                for m in group.memberships])
    return 0


def run_join(args: argparse.Namespace, studio: Studio) -> int:
    """A participant joins a group."""
    group = studio.groups.find(args.group)
    person = studio.consent.find(args.participant)
    studio.groups.join(group.id, person.id, on=args.date)
    emit_line(_("{who} joined {group}.").format(who=person.pseudonym, group=group.name))
    return 0


def run_leave(args: argparse.Namespace, studio: Studio) -> int:
    """A participant leaves a group."""
    group = studio.groups.find(args.group)
    person = studio.consent.find(args.participant)
    studio.groups.leave(group.id, person.id, on=args.date)
    emit_line(_("{who} left {group}.").format(who=person.pseudonym, group=group.name))
    return 0

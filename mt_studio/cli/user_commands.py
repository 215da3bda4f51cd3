"""`mt-studio user add|list|disable|enable|passwd`: the therapists' and admins' accounts."""

from __future__ import annotations

import argparse
from pathlib import Path

from mt_studio.cli.output import emit_json, emit_line, emit_table
from mt_studio.cli.sign_in import new_passphrase
from mt_studio.core.domain.accounts import Role
from mt_studio.core.studio import Studio
from mt_studio.i18n import _


def register(commands: argparse._SubParsersAction) -> None:
    """Add the user commands to the parser."""
    parser = commands.add_parser("user", help=_("the therapists' and admins' accounts"))
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    add = actions.add_parser("add", help=_("add an account (the first one is an admin's and "
                                           "closes the library); asks for its passphrase "
                                           "twice"))
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", choices=[r.value for r in Role], default=Role.THERAPIST.value,
                     help=_("what the account may do (default: therapist)"))
    add.add_argument("--passphrase-file", type=Path, metavar="FILE",
                     help=_("read the new passphrase from FILE's first line instead"))
    add.set_defaults(run=run_add)

    listing = actions.add_parser("list", help=_("list the accounts"))
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    listing.set_defaults(run=run_list)

    for name, run, words in (("disable", run_disable, _("stop an account from signing in")),
                             ("enable", run_enable, _("let a disabled account sign in again"))):
        action = actions.add_parser(name, help=words)
        action.add_argument("name", metavar="NAME")
        action.set_defaults(run=run)

    passwd = actions.add_parser("passwd", help=_("give an account a new passphrase (your own, "
                                                 "or anyone's for an admin)"))
    passwd.add_argument("name", metavar="NAME", nargs="?",
                        help=_("the account (default: the one signed in)"))
    passwd.add_argument("--passphrase-file", type=Path, metavar="FILE",
                        help=_("read the new passphrase from FILE's first line instead"))
    passwd.set_defaults(run=run_passwd)

    recover = actions.add_parser(
        "recover", help=_("when every passphrase is forgotten: open the library with its "
                          "recovery key and give an account a new passphrase"))
    recover.add_argument("name", metavar="NAME")
    recover.add_argument("--recovery-key-file", type=Path, metavar="FILE",
                         help=_("read the 24 words from FILE instead of asking"))
    recover.add_argument("--passphrase-file", type=Path, metavar="FILE",
                         help=_("read the new passphrase from FILE's first line instead"))
    recover.set_defaults(run=run_recover, signs_in_itself=True)


def run_add(args: argparse.Namespace, studio: Studio) -> int:
    """Add an account."""
    passphrase, again = new_passphrase(args.passphrase_file)
    first = not studio.protected
    account = studio.accounts.add(args.name, Role(args.role), passphrase, again)
    emit_line(_("Added {role} {name}.").format(role=account.role.value, name=account.name))
    if first:  # the library is encrypted now: the takes' files recorded before follow
        from mt_studio.cli.library_commands import seal_files

        studio.sign_in(account.name, passphrase)
        seal_files(studio, quiet=False)
    return 0


def run_list(args: argparse.Namespace, studio: Studio) -> int:
    """List the accounts (never their passphrases)."""
    found = studio.accounts.all()
    if args.json:
        emit_json([{"id": a.id, "name": a.name, "role": a.role.value, "disabled": a.disabled}
                   for a in found])
    elif not found:
        emit_line(_("No accounts yet. Add one with 'mt-studio user add NAME --role admin'."))
    else:
        emit_table([_("Name"), _("Role"), _("Disabled")],
                   [(a.name, a.role.value, _("yes") if a.disabled else "") for a in found])
    return 0


def run_disable(args: argparse.Namespace, studio: Studio) -> int:
    """Disable an account."""
    changed = studio.accounts.disable(args.name)
    emit_line((_("Disabled {name}.") if changed else _("{name} was disabled already.")).format(
        name=args.name))
    return 0


def run_enable(args: argparse.Namespace, studio: Studio) -> int:
    """Enable an account again."""
    changed = studio.accounts.enable(args.name)
    emit_line((_("Enabled {name}.") if changed else _("{name} could sign in already.")).format(
        name=args.name))
    if not studio.accounts.opens_library(args.name):
        emit_line(_("The library is encrypted and disabling took {name}'s passphrase out of "
                    "its key file: give {name} a new passphrase ('mt-studio user passwd "
                    "{name}') before they sign in.").format(name=args.name))
    return 0


def run_passwd(args: argparse.Namespace, studio: Studio) -> int:
    """Set an account's passphrase."""
    name = args.name or (studio.actor.account.name if studio.actor else None)
    if name is None:
        from mt_studio.core.errors import InputError

        raise InputError(_("Name the account: nobody is signed in."))
    passphrase, again = new_passphrase(args.passphrase_file)
    # One's own: the passphrase this command signed in with is the current one, just proved.
    studio.accounts.set_passphrase(name, passphrase, again,
                                   current=getattr(args, "signed_in_with", None))
    emit_line(_("New passphrase set for {name}.").format(name=name))
    return 0


def run_recover(args: argparse.Namespace, studio: Studio) -> int:
    """Open the library with its recovery key and give an account a new passphrase."""
    from mt_studio.cli.sign_in import ask, read_passphrase_file

    if args.recovery_key_file is not None:
        words = read_passphrase_file(args.recovery_key_file, "--recovery-key-file")
    else:
        words = ask(_("The recovery key's 24 words: "))
    passphrase, again = new_passphrase(args.passphrase_file)
    account = studio.recover_account(words, args.name, passphrase, again)
    emit_line(_("{name} has a new passphrase and is signed in.").format(name=account.name))
    return 0

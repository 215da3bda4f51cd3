"""Signing a command in: `--user NAME` or $MT_STUDIO_USER, the passphrase asked on the terminal
or read from $MT_STUDIO_PASSPHRASE_FILE. It is never an argument (others can read a process's
arguments) and never written anywhere."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from mt_studio.core.errors import AccessRefused, InputError
from mt_studio.i18n import _

if TYPE_CHECKING:
    import argparse

    from mt_studio.core.studio import Studio

USER_ENV = "MT_STUDIO_USER"
PASSPHRASE_FILE_ENV = "MT_STUDIO_PASSPHRASE_FILE"


def sign_in(args: argparse.Namespace, studio: Studio) -> None:
    """Sign the command in when its library has accounts, else say once on stderr that the
    library is open to anyone (the first account closes it)."""
    name = args.user or os.environ.get(USER_ENV)
    if not studio.protected:
        sys.stderr.write(unprotected_notice() + "\n")
        return
    if not name:
        raise AccessRefused(_("This library is kept behind accounts: sign in with --user NAME "
                              "or {env}.").format(env=USER_ENV))
    typed = passphrase(_("Passphrase for {name}: ").format(name=name))
    studio.sign_in(name, typed)
    args.signed_in_with = typed  # for `user passwd`, which changes one's own only with it


def unprotected_notice() -> str:
    """The line every command writes on stderr while its library has no account."""
    return _("mt-studio: this library has no accounts yet, so it is not encrypted: anyone who "
             "can run mt-studio here, or read its folder, can read and change it. The first "
             "account ('mt-studio user add NAME --role admin') closes and encrypts it.")


def passphrase(prompt: str) -> str:
    """The signing-in passphrase: $MT_STUDIO_PASSPHRASE_FILE's first line, else asked."""
    file = os.environ.get(PASSPHRASE_FILE_ENV)
    if file:
        return read_passphrase_file(Path(file), PASSPHRASE_FILE_ENV)
    return ask(prompt)


def new_passphrase(file: Path | None) -> tuple[str, str | None]:
    """A new passphrase and its repetition: FILE's first line (once), else asked twice."""
    if file is not None:
        return read_passphrase_file(file, "--passphrase-file"), None
    first = ask(_("New passphrase: "))
    return first, ask(_("The same passphrase again: "))


def ask(prompt: str) -> str:
    """A passphrase typed on the terminal, not echoed; InputError without a terminal."""
    if not sys.stdin.isatty():
        raise InputError(_("A passphrase is needed and there is no terminal to ask on: set "
                           "{env} to a file holding it.").format(env=PASSPHRASE_FILE_ENV))
    try:
        return getpass.getpass(prompt)
    except EOFError:
        raise InputError(_("No passphrase was typed.")) from None


def read_passphrase_file(path: Path, where: str) -> str:
    """The first line of the passphrase file PATH (named by WHERE in errors)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else _(
            "not UTF-8 text")
        raise InputError(_("The passphrase file {file} ({where}) cannot be read: "
                           "{reason}.").format(file=path, where=where, reason=reason)) from None
    first = text.split("\n", 1)[0].removesuffix("\r")
    if not first.strip():
        raise InputError(_("The passphrase file {file} ({where}) is empty.").format(
            file=path, where=where))
    return first

"""Accounts: signing in, and what an admin does with the therapists' accounts.

The first account of a library is an admin's and closes the library; after that only an admin
adds, disables, enables or resets accounts, and anyone signed in changes their own passphrase.
A passphrase is checked against its Argon2id hash and never kept or logged; failed sign-ins
in a row make each next one wait (`passphrases.wait_after`), counted in the library so that
starting again does not reset them.
"""

from __future__ import annotations

import math
from datetime import timedelta
from sqlite3 import Connection
from typing import TYPE_CHECKING

from mt_studio.core import passphrases
from mt_studio.core.clock import utc_now
from mt_studio.core.domain.accounts import Account, Actor, Role
from mt_studio.core.errors import AccessRefused, InputError, MtStudioError
from mt_studio.core.library import accounts, audit
from mt_studio.core.studio import encryption
from mt_studio.core.text import shown
from mt_studio.i18n import _, ngettext

if TYPE_CHECKING:
    from mt_studio.core.studio.studio import Studio


class AccountService:
    """Who may sign in, and managing them."""

    def __init__(self, studio: Studio) -> None:
        self._studio = studio

    def all(self) -> list[Account]:
        """Every account, by name (for anyone signed in; anyone at all before the first)."""
        self._studio._check_open()
        with self._studio._reading() as db:
            return accounts.all_accounts(db)

    def add(self, name: str, role: Role, passphrase: str, again: str | None = None
            ) -> Account:
        """Add an account with PASSPHRASE (AGAIN, when given, must match it). The library's
        first account is always an admin's and needs nobody signed in; later ones need an
        admin. InputError for a bad name or passphrase, AccessRefused for anyone else."""
        kept = passphrases.hashed(passphrases.checked_new(passphrase, again))
        studio = self._studio
        with studio._transaction() as tx:
            first = accounts.count(tx) == 0
            if not first:
                self._admin()
            account = accounts.add(tx, name, Role.ADMIN if first else role, kept)
            encryption.account_added(studio, tx, account, passphrase)
        studio._shared.protected = True
        if first:  # the library is closed now: encrypted with a key of its own
            encryption.begin(studio, account, passphrase)
        return account

    def check(self, name: str, passphrase: str, *, proven: bool = False) -> Account:
        """The account NAME if PASSPHRASE is its own (used to sign in, and to leave
        participant mode); else AccessRefused, which never says whether NAME is an account
        unless the passphrase was right (a disabled account), or failed tries make it wait.
        Each try is audited.

        A try is counted as failed before the passphrase is checked, in the same transaction
        as the wait is read, so that tries made at once (by other processes) all count and
        all wait; a right passphrase then clears the count. PROVEN: the passphrase has just
        unwrapped the library key from NAME's entry of the key file, so it is not checked a
        second time (`Studio.sign_in`)."""
        account, kept = self._proved(name, passphrase, proven=proven)
        # The sign-in is the account's own act once the passphrase proved it.
        with self._studio._transaction(actor=Actor(account), bookkeeping=True) as tx:
            accounts.record_sign_in(tx, account.id, True)
            if passphrases.outdated(kept):
                accounts.set_passphrase(tx, account.id, passphrases.hashed(passphrase),
                                        audited=False)
        return account

    def _proved(self, name: str, passphrase: str, wrong: str | None = None, *,
                proven: bool = False) -> tuple[Account, str]:
        """The account NAME and its kept hash if PASSPHRASE is its own (or PROVEN so), else
        AccessRefused (WRONG says so, by default without saying whether NAME is an account)."""
        account, kept = self._admitted(name)
        right = proven or passphrases.matches(kept, passphrase)  # a decoy's for no account
        if account is None or not right:
            if account is not None:
                with self._studio._transaction(actor=None, bookkeeping=True) as tx:
                    accounts.record_sign_in(tx, account.id, False)
            raise AccessRefused(wrong or _("The name or the passphrase is wrong."))
        if account.disabled:  # told only to whoever knows its passphrase
            with self._studio._transaction(actor=None, bookkeeping=True) as tx:
                accounts.record_refusal(tx, account.id, "disabled")
            raise AccessRefused(_("This account is disabled: an admin can enable it again."))
        return account, kept

    def _admitted(self, name: str) -> tuple[Account | None, str]:
        """The account NAME (None if there is none) and the hash to check a passphrase
        against (a decoy's for none, so that both take as long); the try is counted as failed.
        AccessRefused while failed tries make it wait, a disabled account's too (its right
        passphrase would be told apart). Refusals are audited, in one transaction: tries at
        once each see the others'."""
        refusal: MtStudioError | None = None
        # kept with a refusal's row in it; a read-only library still counts the tries
        with self._studio._transaction(actor=None, bookkeeping=True) as tx:
            try:
                account = accounts.find(tx, name)
            except InputError:
                audit.record(tx, "account.sign_in_refused", "account:?", reason="unknown")
                return None, passphrases.decoy()
            kept = accounts.passphrase_hash(tx, account.id)
            refusal = self._wait(tx, account)
            if refusal is None:
                accounts.count_try(tx, account.id)  # failed, until the check says not
            else:
                accounts.record_refusal(tx, account.id, "waiting")
        if refusal is not None:
            raise refusal
        return account, kept

    @staticmethod
    def _wait(tx: Connection, account: Account) -> MtStudioError | None:
        """AccessRefused if failed tries make ACCOUNT wait before the next; else None."""
        failures, last = accounts.failures(tx, account.id)
        wait = passphrases.wait_after(failures)
        if not wait or last is None:
            return None
        left = (last + timedelta(seconds=wait) - utc_now()).total_seconds()
        if left <= 0:
            return None
        seconds = math.ceil(left)
        return AccessRefused(ngettext(
            "Too many wrong passphrases: try again in {n} second.",
            "Too many wrong passphrases: try again in {n} seconds.",
            seconds).format(n=seconds))

    def set_passphrase(self, name: str, passphrase: str, again: str | None = None, *,
                       current: str | None = None) -> None:
        """Give the account NAME a new passphrase: one's own (CURRENT must be the one it
        has: AccessRefused, counted as a failed sign-in, if not), or anyone's for an admin."""
        kept = passphrases.hashed(passphrases.checked_new(passphrase, again))
        studio = self._studio
        signed_in = studio._signed_in()
        with studio._reading() as db:
            account = accounts.find(db, name)
        if account.id == signed_in.id:
            self._prove_own(account, current)
        with studio._transaction() as tx:
            if account.id != signed_in.id:
                self._admin()
            accounts.set_passphrase(tx, account.id, kept)  # and its failed sign-ins forgotten
            encryption.passphrase_changed(studio, tx, account, passphrase)

    def recover(self, name: str, passphrase: str, again: str | None = None) -> None:
        """Give NAME a new passphrase after the library was opened with its recovery key
        (`Studio.recover_account`, the only caller), audited as a recovery."""
        kept = passphrases.hashed(passphrases.checked_new(passphrase, again))
        studio = self._studio
        with studio._transaction(actor=None) as tx:
            account = accounts.find(tx, name)
            accounts.set_passphrase(tx, account.id, kept, audited=False)
            accounts.set_disabled(tx, account.id, False)
            encryption.passphrase_changed(studio, tx, account, passphrase)
            audit.record(tx, "account.recovered", f"account:{account.id}")

    def _prove_own(self, account: Account, current: str | None) -> None:
        """AccessRefused unless CURRENT is ACCOUNT's passphrase (tried as a sign-in is)."""
        if current is None:
            raise AccessRefused(_("Type your current passphrase to choose a new one."))
        self._proved(account.name, current, _("Your current passphrase is not the one typed."))

    def disable(self, name: str) -> bool:
        """Stop the account NAME from signing in (an admin's); whether it changed. The last
        admin who can sign in cannot be disabled."""
        with self._studio._transaction() as tx:
            self._admin()
            account = accounts.find(tx, name)
            if account.is_admin and not account.disabled and accounts.enabled_admins(tx) <= 1:
                raise InputError(_("{name} is the last admin who can sign in: add another "
                                   "admin first.").format(name=shown(account.name)))
            changed = accounts.set_disabled(tx, account.id, True)
            encryption.account_disabled(self._studio, tx, account)
            return changed

    def enable(self, name: str) -> bool:
        """Let the account NAME sign in again (an admin's); whether it changed."""
        with self._studio._transaction() as tx:
            self._admin()
            return accounts.set_disabled(tx, accounts.find(tx, name).id, False)

    def opens_library(self, name: str) -> bool:
        """Whether NAME's passphrase opens the library from its key file (always, in a plain
        library); not once the account was disabled in an encrypted one, until an admin gives
        it a new passphrase."""
        studio = self._studio
        studio._check_open()
        with studio._reading() as db:
            account = accounts.find(db, name)
            return (studio._shared.library_key is None
                    or accounts.key_entry(db, account.id) is not None)

    def _admin(self) -> Account:
        account = self._studio._signed_in()
        if not account.is_admin:
            raise AccessRefused(_("Only an admin can do this; {name} is a therapist.").format(
                name=shown(account.name)))
        return account

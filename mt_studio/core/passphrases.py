"""Passphrases: what a new one must be, and how it is kept (an Argon2id hash, never itself).

The hash is argon2-cffi's PHC string with its own parameters (RFC 9106's defaults), so that a
library made with cheaper settings still verifies and is rehashed on the next sign-in.
"""

from __future__ import annotations

import functools
import secrets
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from mt_studio.core.errors import InputError
from mt_studio.i18n import _

MIN_LENGTH = 10
MAX_LENGTH = 1024  # Argon2 takes any length; a pasted file of megabytes is a mistake
FREE_FAILURES = 5  # failed sign-ins in a row before each next one must wait
LONGEST_WAIT = 15 * 60  # seconds

_hasher = PasswordHasher()


def checked_new(passphrase: str, again: str | None = None) -> str:
    """PASSPHRASE as it will be kept (Unicode-normalized), if it may be a new passphrase and
    AGAIN (when given) matches it; else InputError saying what is wrong."""
    text = unicodedata.normalize("NFC", passphrase)
    if not text.strip():
        raise InputError(_("The passphrase is empty."))
    if len(text) < MIN_LENGTH:
        raise InputError(_("The passphrase is too short: use at least {n} characters, "
                           "for example a few words.").format(n=MIN_LENGTH))
    if len(text) > MAX_LENGTH:
        raise InputError(_("The passphrase is longer than {n} characters.").format(n=MAX_LENGTH))
    if again is not None and unicodedata.normalize("NFC", again) != text:
        raise InputError(_("The two passphrases are not the same."))
    return text


def hashed(passphrase: str) -> str:
    """The Argon2id hash to keep for PASSPHRASE (already checked)."""
    return _hasher.hash(unicodedata.normalize("NFC", passphrase))


def matches(kept: str, passphrase: str) -> bool:
    """Whether PASSPHRASE is the one whose hash is KEPT."""
    try:
        return _hasher.verify(kept, unicodedata.normalize("NFC", passphrase))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@functools.cache
def decoy() -> str:
    """A hash no passphrase matches, to check one typed for a name that is no account
    against: it takes as long as a real check, so the time does not tell which names are."""
    return _hasher.hash(secrets.token_urlsafe(32))


def outdated(kept: str) -> bool:
    """Whether KEPT was hashed with other parameters than today's (rehash on sign-in)."""
    try:
        return _hasher.check_needs_rehash(kept)
    except InvalidHashError:
        return True


def wait_after(failures: int) -> int:
    """Seconds a sign-in must wait after FAILURES failed ones in a row: none for the first
    five, then 1, 2, 4... up to a quarter of an hour."""
    if failures < FREE_FAILURES:
        return 0
    return min(2 ** (failures - FREE_FAILURES), LONGEST_WAIT)

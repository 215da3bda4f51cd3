"""The key file, `library.keys` beside the database: the library key wrapped once for each
account, by a key made from its passphrase (Argon2id), and once for the recovery key.

It lies outside the encrypted database, which cannot be opened without it, so it holds
nothing about the people: no account name, only random entry ids that the database ties to
its accounts. A passphrase changed rewraps the library key; nothing else is encrypted again
(docs/architecture.md). The file is JSON:

    {"format": 1, "salt": b64, "argon2": {"time_cost", "memory_cost", "parallelism"},
     "entries": [{"id": hex, "kind": "account" | "recovery",
                  "check": b64, "nonce": b64, "wrapped": b64}]}

An entry's "check" tells a wrong passphrase from a damaged "wrapped" key.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import functools
import hashlib
import hmac
import json
import re
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argon2 import Parameters
from argon2.low_level import hash_secret_raw
from argon2.profiles import RFC_9106_LOW_MEMORY
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from mnemonic import Mnemonic

from mt_studio.core.domain import lookup_key
from mt_studio.core.durable_files import created_atomically, replaced_atomically
from mt_studio.core.errors import AccessRefused, InputError, LibraryError
from mt_studio.core.sealing.keys import KEY_LENGTH, NONCE_LENGTH, KeyDamaged
from mt_studio.core.text import shown
from mt_studio.i18n import _, ngettext

FILE_NAME = "library.keys"
FORMAT = 1
ACCOUNT = "account"
RECOVERY = "recovery"

ARGON2 = RFC_9106_LOW_MEMORY
"""The cost of making an account's key from its passphrase: argon2-cffi's PasswordHasher
defaults (RFC 9106's low-memory profile: 3 passes over 64 MiB, 4 lanes)."""
ARGON2_FOR_TESTS = dataclasses.replace(ARGON2, time_cost=1, memory_cost=8, parallelism=1)
"""A cost that protects nothing, for tests only: `KeyFile.create(..., argon2=...)`."""
_COST_LIMITS = {"time_cost": (1, 100), "memory_cost": (8, 4 * 1024 * 1024),  # KiB: 4 GiB
                "parallelism": (1, 64)}

RECOVERY_WORDS = 24
_SALT_LENGTH = 16
_CHECK_LENGTH = 16
_CHECK_TEXT = b"mt-studio key check"
_TAG_LENGTH = 16
_ENTRY_ID = re.compile(r"[0-9a-f]{8,64}")


class KeyFileError(InputError):
    """The key file is missing or is not one this version reads; the message names the file
    and the field."""


class WrongPassphrase(AccessRefused):
    """No account's entry opens with this name and passphrase; which was wrong is not said."""


class WrongRecoveryKey(AccessRefused):
    """A well-formed recovery key, but not the one this key file keeps."""


@dataclass(frozen=True)
class _Entry:
    """One wrapping of the library key: by an account's passphrase or by the recovery key."""

    id: str
    kind: str
    check: bytes
    nonce: bytes
    wrapped: bytes


class KeyFile:
    """A key file read whole; each change is written to disk, atomically, before it returns."""

    def __init__(self, path: Path, salt: bytes, argon2: Parameters,
                 entries: tuple[_Entry, ...]) -> None:
        self.path = Path(path)
        self._salt = salt
        self._argon2 = argon2
        self._entries = entries

    @classmethod
    def create(cls, path: Path, library_key: bytes, account_name: str, passphrase: str, *,
               argon2: Parameters = ARGON2) -> tuple[KeyFile, str]:
        """A new key file at PATH holding LIBRARY_KEY for its first account (never over an
        existing file: KeyFileError), and that account's entry id."""
        path = Path(path)
        if path.exists() or path.is_symlink():
            raise KeyFileError(_("There is already a key file at {path}; it is never written "
                                 "over, for it may be the only way into a library.")
                               .format(path=path))
        key_file = cls(path, secrets.token_bytes(_SALT_LENGTH), argon2, ())
        entry = key_file._account_entry(account_name, passphrase, library_key)
        key_file._save((entry,), created_atomically)
        return key_file, entry.id

    @classmethod
    def load(cls, path: Path) -> KeyFile:
        """The key file at PATH; KeyFileError naming the file, and the field that is wrong,
        if it is missing or is not a key file of this format."""
        path = Path(path)
        try:
            text = path.read_bytes().decode("utf-8")
        except FileNotFoundError:
            raise KeyFileError(_("The key file {path} is missing: without it the library "
                                 "cannot be opened.").format(path=path)) from None
        except OSError as error:
            raise KeyFileError(_("The key file {path} cannot be read: {reason}").format(
                path=path, reason=error.strerror or error)) from None
        except UnicodeDecodeError:
            raise KeyFileError(_("{path} is not a key file: it is not text.").format(
                path=path)) from None
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise KeyFileError(_("{path} is not a key file: it is not JSON ({reason}).").format(
                path=path, reason=error)) from None
        return cls(path, *_Reader(path).document(document))

    @property
    def account_entries(self) -> tuple[str, ...]:
        """The ids of the accounts' entries."""
        return tuple(entry.id for entry in self._entries if entry.kind == ACCOUNT)

    @property
    def has_recovery(self) -> bool:
        """Whether a recovery key opens this library."""
        return any(entry.kind == RECOVERY for entry in self._entries)

    def add_account(self, name: str, passphrase: str, library_key: bytes) -> str:
        """Keep LIBRARY_KEY for account NAME, opened by PASSPHRASE; the new entry's id."""
        entry = self._account_entry(name, passphrase, library_key)
        self._save((*self._entries, entry))
        return entry.id

    def replace(self, entry_id: str, name: str, new_passphrase: str, library_key: bytes) -> str:
        """Rewrap LIBRARY_KEY for account NAME's NEW_PASSPHRASE in place of its entry ENTRY_ID,
        which opens no more; the new entry's id."""
        self._find(entry_id, ACCOUNT)
        entry = self._account_entry(name, new_passphrase, library_key)
        self._save(tuple(entry if old.id == entry_id else old for old in self._entries))
        return entry.id

    def remove(self, entry_id: str) -> None:
        """Drop the entry ENTRY_ID; InputError for the last account's, which would leave no
        passphrase that opens the library."""
        entry = self._find(entry_id)
        if entry.kind == ACCOUNT and len(self.account_entries) == 1:
            raise InputError(_("The key file {path} keeps the library key for one account only: "
                               "without it no passphrase would open the library.").format(
                                   path=self.path))
        self._save(tuple(old for old in self._entries if old.id != entry_id))

    def unlock(self, name: str, passphrase: str) -> tuple[bytes, str]:
        """The library key and the entry that NAME's PASSPHRASE opens; WrongPassphrase if
        none does, KeyDamaged if the passphrase is right but the wrapped key is damaged.

        It takes one Argon2 run whatever the name, and compares every account entry's check,
        so that its time does not tell which names have an entry."""
        kek = self._account_kek(name, passphrase)
        check = _check(kek)
        opened = [entry for entry in self._entries
                  if entry.kind == ACCOUNT and hmac.compare_digest(entry.check, check)]
        if not opened:
            raise WrongPassphrase(_("The name or the passphrase is wrong."))
        return self._unwrapped(opened[0], kek), opened[0].id

    def add_recovery(self, library_key: bytes) -> str:
        """A new recovery key that opens LIBRARY_KEY, as 24 words to print once (it is kept
        nowhere); it replaces the recovery key made before, which opens no more."""
        secret = secrets.token_bytes(KEY_LENGTH)
        entry = self._sealed(RECOVERY, self._recovery_kek(secret), library_key)
        self._save((*(old for old in self._entries if old.kind != RECOVERY), entry))
        return _words().to_mnemonic(secret)

    def unlock_recovery(self, words: str) -> bytes:
        """The library key that the recovery key WORDS opens (spaces and letter case do not
        matter); InputError saying which word is not a recovery word, WrongRecoveryKey for
        another recovery key, KeyDamaged for a damaged wrapped key."""
        kek = self._recovery_kek(_recovery_secret(words))
        check = _check(kek)
        for entry in self._entries:
            if entry.kind == RECOVERY and hmac.compare_digest(entry.check, check):
                return self._unwrapped(entry, kek)
        raise WrongRecoveryKey(_("These words are not this library's recovery key; a newer "
                                 "one may have replaced it."))

    def _account_kek(self, name: str, passphrase: str) -> bytes:
        """The key that wraps the library key for account NAME with PASSPHRASE: Argon2id,
        salted by the file's salt and the name as accounts compare it."""
        salt = hashlib.sha256(self._salt + lookup_key(name).encode("utf-8")).digest()
        return hash_secret_raw(unicodedata.normalize("NFC", passphrase).encode("utf-8"), salt,
                               time_cost=self._argon2.time_cost,
                               memory_cost=self._argon2.memory_cost,
                               parallelism=self._argon2.parallelism,
                               hash_len=KEY_LENGTH, type=self._argon2.type)

    def _recovery_kek(self, secret: bytes) -> bytes:
        """The key that wraps the library key for the recovery key SECRET (256 random bits
        need no slow hash)."""
        return HKDF(algorithm=hashes.SHA256(), length=KEY_LENGTH, salt=self._salt,
                    info=b"mt-studio recovery key").derive(secret)

    def _account_entry(self, name: str, passphrase: str, library_key: bytes) -> _Entry:
        return self._sealed(ACCOUNT, self._account_kek(name, passphrase), library_key)

    @staticmethod
    def _sealed(kind: str, kek: bytes, library_key: bytes) -> _Entry:
        """A new entry of KIND holding LIBRARY_KEY wrapped by KEK."""
        if len(library_key) != KEY_LENGTH:
            raise ValueError(f"a library key is {KEY_LENGTH} bytes, not {len(library_key)}")
        entry_id = secrets.token_hex(16)
        nonce = secrets.token_bytes(NONCE_LENGTH)
        wrapped = AESGCM(kek).encrypt(nonce, library_key, _label(entry_id, kind))
        return _Entry(entry_id, kind, _check(kek), nonce, wrapped)

    def _unwrapped(self, entry: _Entry, kek: bytes) -> bytes:
        try:
            return AESGCM(kek).decrypt(entry.nonce, entry.wrapped, _label(entry.id, entry.kind))
        except InvalidTag:
            message = (_("The key file {path} is damaged: entry {entry} does not give the "
                         "library key, though the passphrase is right.") if entry.kind == ACCOUNT
                       else _("The key file {path} is damaged: entry {entry} does not give the "
                              "library key, though the recovery key is right."))
            raise KeyDamaged(message.format(path=self.path, entry=entry.id)) from None

    def _find(self, entry_id: str, kind: str | None = None) -> _Entry:
        for entry in self._entries:
            if entry.id == entry_id and kind in (None, entry.kind):
                return entry
        raise InputError(_("The key file {path} has no entry {entry}.").format(
            path=self.path, entry=shown(entry_id)))

    def _save(self, entries: tuple[_Entry, ...],
              written: Callable[[Path], Any] = replaced_atomically) -> None:
        """Write the file with ENTRIES (WRITTEN: a new file, or in place of the old, whole),
        then hold them; LibraryError, with the file as it was, if it cannot be written."""
        document = {
            "format": FORMAT,
            "salt": _b64(self._salt),
            "argon2": {name: getattr(self._argon2, name) for name in _COST_LIMITS},
            "entries": [{"id": entry.id, "kind": entry.kind, "check": _b64(entry.check),
                         "nonce": _b64(entry.nonce), "wrapped": _b64(entry.wrapped)}
                        for entry in entries],
        }
        try:
            with written(self.path) as file:
                file.write(json.dumps(document, indent=2).encode("utf-8") + b"\n")
        except OSError as error:
            raise LibraryError(_("The key file {path} could not be written ({reason}); it was "
                                 "left as it was.").format(path=self.path,
                                                           reason=error.strerror or error)
                               ) from None
        self._entries = entries


class _Reader:
    """The fields of a key file's JSON, checked: KeyFileError naming the file and field."""

    def __init__(self, path: Path) -> None:
        self._path = path

    def document(self, document: Any) -> tuple[bytes, Parameters, tuple[_Entry, ...]]:
        top = self._object(document, _("the whole file"))
        form = self._field(top, "format", "format")
        if type(form) is not int:
            raise self._wrong("format", _("is not a number"))
        if form != FORMAT:
            raise KeyFileError(_("The key file {path} is of format {found}; this version of "
                                 "mt_studio reads format {known} only.").format(
                                     path=self._path, found=form, known=FORMAT))
        salt = self._bytes(top, "salt", "salt", _SALT_LENGTH)
        cost = self._object(self._field(top, "argon2", "argon2"), "argon2")
        values = {name: self._whole(cost, name, f"argon2.{name}", *limits)
                  for name, limits in _COST_LIMITS.items()}
        if values["memory_cost"] < 8 * values["parallelism"]:
            raise self._wrong("argon2.memory_cost", _("is less than 8 KiB for each lane"))
        argon2 = dataclasses.replace(ARGON2, **values)
        listed = self._field(top, "entries", "entries")
        if not isinstance(listed, list):
            raise self._wrong("entries", _("is not a list"))
        entries = tuple(self._entry(item, f"entries[{n}]") for n, item in enumerate(listed))
        if len({entry.id for entry in entries}) < len(entries):
            raise self._wrong("entries", _("holds two entries with the same id"))
        return salt, argon2, entries

    def _entry(self, item: Any, where: str) -> _Entry:
        entry = self._object(item, where)
        entry_id = self._field(entry, "id", f"{where}.id")
        if not isinstance(entry_id, str) or not _ENTRY_ID.fullmatch(entry_id):
            raise self._wrong(f"{where}.id", _("is not an id of hexadecimal digits"))
        kind = self._field(entry, "kind", f"{where}.kind")
        if kind not in (ACCOUNT, RECOVERY):
            raise self._wrong(f"{where}.kind", _("is neither \"account\" nor \"recovery\""))
        return _Entry(entry_id, kind,
                      self._bytes(entry, "check", f"{where}.check", _CHECK_LENGTH),
                      self._bytes(entry, "nonce", f"{where}.nonce", NONCE_LENGTH),
                      self._bytes(entry, "wrapped", f"{where}.wrapped",
                                  KEY_LENGTH + _TAG_LENGTH))

    def _object(self, value: Any, where: str) -> dict:
        if not isinstance(value, dict):
            raise self._wrong(where, _("is not a JSON object"))
        return value

    def _field(self, holder: dict, name: str, where: str) -> Any:
        if name not in holder:
            raise self._wrong(where, _("is missing"))
        return holder[name]

    def _whole(self, holder: dict, name: str, where: str, low: int, high: int) -> int:
        value = self._field(holder, name, where)
        if type(value) is not int or not low <= value <= high:
            raise self._wrong(where, _("is not a whole number from {low} to {high}").format(
                low=low, high=high))
        return value

    def _bytes(self, holder: dict, name: str, where: str, length: int) -> bytes:
        value = self._field(holder, name, where)
        try:
            data = base64.b64decode(value, validate=True) if isinstance(value, str) else None
        except binascii.Error:
            data = None
        if data is None or len(data) != length:
            raise self._wrong(where, ngettext("is not {n} byte in base64",
                                              "is not {n} bytes in base64", length).format(
                                                  n=length))
        return data

    def _wrong(self, where: str, problem: str) -> KeyFileError:
        return KeyFileError(_("The key file {path} is damaged: its field {field} {problem}.")
                            .format(path=self._path, field=where, problem=problem))


def _check(kek: bytes) -> bytes:
    """What an entry keeps to tell its key-encryption key (a right passphrase) from others."""
    return hmac.new(kek, _CHECK_TEXT, hashlib.sha256).digest()[:_CHECK_LENGTH]


def _label(entry_id: str, kind: str) -> bytes:
    """The associated data binding a wrapped key to its entry."""
    return f"{entry_id} {kind}".encode()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


@functools.cache
def _words() -> Mnemonic:
    return Mnemonic("english")


def _recovery_secret(words: str) -> bytes:
    """The 32 bytes the recovery key WORDS spell (BIP39, English); InputError naming the first
    word that is no recovery word, a wrong count, or words in no recovery key's order."""
    typed = unicodedata.normalize("NFKD", words).casefold().split()
    known = set(_words().wordlist)
    for n, word in enumerate(typed, 1):
        if word not in known:
            raise InputError(_("Word {n} of the recovery key, {word}, is not one of the "
                               "recovery words: check its spelling on the printed sheet.")
                             .format(n=n, word=shown(word)))
    if len(typed) != RECOVERY_WORDS:
        raise InputError(ngettext("A recovery key has {words} words; {n} word was typed.",
                                  "A recovery key has {words} words; {n} words were typed.",
                                  len(typed)).format(words=RECOVERY_WORDS, n=len(typed)))
    if not _words().check(" ".join(typed)):
        raise InputError(_("These are all recovery words, but no recovery key has them in "
                           "this order: check each one against the printed sheet."))
    return bytes(_words().to_entropy(typed))

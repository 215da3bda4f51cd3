"""The library key and what is made from it: the subkeys for the database, the take keys and
the ledger's chain, and the take keys wrapped for keeping in the database
(docs/architecture.md)."""

from __future__ import annotations

import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from mt_studio.core.errors import InputError
from mt_studio.i18n import _

KEY_LENGTH = 32
NONCE_LENGTH = 12
PURPOSES = ("database", "take keys", "ledger chain")


class KeyDamaged(InputError):
    """A wrapped key that does not unwrap: damaged, or not the one it was asked for. The
    message names whose key it is."""


def new_key() -> bytes:
    """A new random key: a library's or a take's."""
    return secrets.token_bytes(KEY_LENGTH)


def subkey(library_key: bytes, purpose: str) -> bytes:
    """The key for PURPOSE (one of PURPOSES) made from LIBRARY_KEY, so that no key serves two
    ends; ValueError for another purpose."""
    if purpose not in PURPOSES:
        raise ValueError(f"no subkey for {purpose!r}: the purposes are {', '.join(PURPOSES)}")
    return HKDF(algorithm=hashes.SHA256(), length=KEY_LENGTH, salt=None,
                info=b"mt-studio library subkey\0" + purpose.encode()).derive(library_key)


def wrap_take_key(library_key: bytes, take_id: int, take_key: bytes) -> bytes:
    """TAKE_KEY encrypted for keeping in the database as take TAKE_ID's: a random nonce, then
    the key sealed (AES-256-GCM) under the library's "take keys" subkey."""
    nonce = secrets.token_bytes(NONCE_LENGTH)
    return nonce + AESGCM(subkey(library_key, "take keys")).encrypt(
        nonce, take_key, _take_label(take_id))


def unwrap_take_key(library_key: bytes, take_id: int, wrapped: bytes) -> bytes:
    """The key of take TAKE_ID from WRAPPED (as `wrap_take_key` made it); KeyDamaged naming
    the take if WRAPPED is damaged or another take's."""
    try:
        return AESGCM(subkey(library_key, "take keys")).decrypt(
            wrapped[:NONCE_LENGTH], wrapped[NONCE_LENGTH:], _take_label(take_id))
    except (InvalidTag, ValueError):  # ValueError: too short to hold a nonce
        raise KeyDamaged(_("The key of take {take} is damaged or belongs to another take: "
                           "its recordings cannot be opened.").format(take=take_id)) from None


def _take_label(take_id: int) -> bytes:
    """The associated data binding a wrapped take key to its take."""
    return f"take {take_id}".encode()

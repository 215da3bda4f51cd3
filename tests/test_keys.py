"""The library key's subkeys and the take keys wrapped under it (sealing/keys.py): each purpose
its own key, made as the design says, and a take's key opened only as that take's."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from mt_studio.core.errors import InputError
from mt_studio.core.sealing.keys import (
    PURPOSES,
    KeyDamaged,
    new_key,
    subkey,
    unwrap_take_key,
    wrap_take_key,
)


def hkdf_sha256(ikm: bytes, info: bytes, length: int = 32) -> bytes:
    """RFC 5869 written out, without a salt (a string of zeros), to check subkey against."""
    prk = hmac.new(b"\0" * 32, ikm, hashlib.sha256).digest()
    block, out = b"", b""
    for n in range(1, -(-length // 32) + 1):
        block = hmac.new(prk, block + info + bytes([n]), hashlib.sha256).digest()
        out += block
    return out[:length]


def test_a_new_key_is_32_random_bytes():
    keys = {new_key() for _ in range(20)}
    assert len(keys) == 20
    assert {len(key) for key in keys} == {32}


def test_each_purpose_has_its_own_subkey_made_by_hkdf_sha256():
    """A library made today must open tomorrow: the subkeys are pinned to RFC 5869."""
    library_key = bytes(range(32))
    made = {purpose: subkey(library_key, purpose) for purpose in PURPOSES}
    assert set(PURPOSES) == {"database", "take keys", "ledger chain"}
    assert len(set(made.values())) == 3
    assert library_key not in made.values()
    for purpose, key in made.items():
        assert key == hkdf_sha256(library_key, b"mt-studio library subkey\0" + purpose.encode())
        assert subkey(library_key, purpose) == key
    assert subkey(new_key(), "database") != made["database"]


def test_an_unknown_purpose_gets_no_subkey():
    with pytest.raises(ValueError, match="'backups'"):
        subkey(new_key(), "backups")


def test_a_take_key_is_wrapped_under_the_take_keys_subkey_for_its_take():
    library_key, take_key = new_key(), new_key()
    wrapped = wrap_take_key(library_key, 12, take_key)
    assert take_key not in wrapped
    assert len(wrapped) == 12 + 32 + 16  # nonce, key, tag
    # as the design says: AES-256-GCM, the nonce in front, "take N" bound to it
    assert AESGCM(subkey(library_key, "take keys")).decrypt(
        wrapped[:12], wrapped[12:], b"take 12") == take_key
    assert unwrap_take_key(library_key, 12, wrapped) == take_key
    assert wrap_take_key(library_key, 12, take_key) != wrapped  # a new nonce each time


@pytest.mark.parametrize("damage", ["another take", "a flipped byte", "cut short",
                                    "another library", "empty"])
def test_a_damaged_or_misplaced_take_key_does_not_unwrap_and_names_the_take(damage):
    library_key = new_key()
    wrapped = wrap_take_key(library_key, 12, new_key())
    take = 12
    if damage == "another take":
        take = 13
    elif damage == "a flipped byte":
        wrapped = wrapped[:20] + bytes([wrapped[20] ^ 1]) + wrapped[21:]
    elif damage == "cut short":
        wrapped = wrapped[:-1]
    elif damage == "another library":
        library_key = new_key()
    else:
        wrapped = b""
    with pytest.raises(KeyDamaged, match=f"take {take} is damaged") as raised:
        unwrap_take_key(library_key, take, wrapped)
    assert isinstance(raised.value, InputError)

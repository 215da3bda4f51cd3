"""The key file (sealing/key_file.py): the library key opened by each account's passphrase and
by the recovery words only, a passphrase changed by rewrapping, nothing about the people or
the key in the clear, every fault told apart and named, and the file replaced whole."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import stat
import unicodedata

import pytest
from argon2 import PasswordHasher
from argon2.low_level import Type, hash_secret_raw
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from mnemonic import Mnemonic

from mt_studio.core.errors import AccessRefused, InputError, LibraryError
from mt_studio.core.sealing import key_file as key_file_module
from mt_studio.core.sealing.key_file import (
    ARGON2_FOR_TESTS,
    FILE_NAME,
    KeyFile,
    KeyFileError,
    WrongPassphrase,
    WrongRecoveryKey,
)
from mt_studio.core.sealing.keys import KeyDamaged, new_key

ANNA = "Anna Ødegård"
ANNA_SAYS = "a song for the grey days"
BJORN = "Bjørn"
BJORN_SAYS = "the piano by the window"


@pytest.fixture
def library_key() -> bytes:
    return new_key()


@pytest.fixture
def path(tmp_path):
    return tmp_path / FILE_NAME


@pytest.fixture
def key_file(path, library_key) -> tuple[KeyFile, str]:
    """A key file for ANNA, with the cheap Argon2 cost of the tests."""
    return KeyFile.create(path, library_key, ANNA, ANNA_SAYS, argon2=ARGON2_FOR_TESTS)


def flipped(path, entry: int, field: str) -> None:
    """Flip one bit of FIELD (a base64 field) of entry ENTRY in the key file at PATH."""
    document = json.loads(path.read_text())
    data = bytearray(base64.b64decode(document["entries"][entry][field]))
    data[5] ^= 0x01
    document["entries"][entry][field] = base64.b64encode(bytes(data)).decode()
    path.write_text(json.dumps(document))


def test_the_passphrase_opens_the_library_key_after_the_file_is_read_back(
        key_file, path, library_key):
    made, anna = key_file
    loaded = KeyFile.load(path)
    assert loaded.unlock(ANNA, ANNA_SAYS) == (library_key, anna)
    assert loaded.account_entries == (anna,)
    # the name as accounts compare it, the passphrase whatever its Unicode form
    decomposed = unicodedata.normalize("NFD", ANNA_SAYS.replace("grey", "grëy"))
    made.add_account(BJORN, unicodedata.normalize("NFC", decomposed), library_key)
    assert KeyFile.load(path).unlock(" bjØrn ", decomposed)[0] == library_key


def test_the_file_is_laid_out_as_the_design_says(key_file, path, library_key):
    """Anyone holding the passphrase can open the key by hand, from the file and the design."""
    _, anna = key_file
    document = json.loads(path.read_bytes())
    assert document["format"] == 1
    assert document["argon2"] == {"time_cost": 1, "memory_cost": 8, "parallelism": 1}
    (entry,) = document["entries"]
    assert (entry["id"], entry["kind"]) == (anna, "account")
    salt = base64.b64decode(document["salt"])
    assert len(salt) == 16
    kek = hash_secret_raw(ANNA_SAYS.encode(), hashlib.sha256(salt + ANNA.casefold().encode())
                          .digest(), time_cost=1, memory_cost=8, parallelism=1, hash_len=32,
                          type=Type.ID)
    assert base64.b64decode(entry["check"]) == hmac.new(
        kek, b"mt-studio key check", hashlib.sha256).digest()[:16]
    assert AESGCM(kek).decrypt(base64.b64decode(entry["nonce"]),
                               base64.b64decode(entry["wrapped"]),
                               f"{anna} account".encode()) == library_key


def test_the_real_argon2_cost_is_passwordhashers_own_by_default(path, library_key):
    KeyFile.create(path, library_key, ANNA, ANNA_SAYS)
    hasher = PasswordHasher()
    assert json.loads(path.read_bytes())["argon2"] == {
        "time_cost": hasher.time_cost, "memory_cost": hasher.memory_cost,
        "parallelism": hasher.parallelism}
    assert KeyFile.load(path).unlock(ANNA, ANNA_SAYS)[0] == library_key


def test_a_passphrase_changed_rewraps_the_same_key_and_the_old_one_opens_nothing(
        key_file, path, library_key):
    made, anna = key_file
    bjorn = made.add_account(BJORN, BJORN_SAYS, library_key)
    new_says = "a different song entirely"
    renewed = made.replace(anna, ANNA, new_says, library_key)
    assert renewed != anna
    loaded = KeyFile.load(path)
    assert loaded.unlock(ANNA, new_says) == (library_key, renewed)
    assert loaded.unlock(BJORN, BJORN_SAYS) == (library_key, bjorn)
    assert loaded.account_entries == (renewed, bjorn)
    with pytest.raises(WrongPassphrase):
        loaded.unlock(ANNA, ANNA_SAYS)
    with pytest.raises(InputError, match=anna):
        made.replace(anna, ANNA, "yet another song", library_key)


def test_two_accounts_each_open_with_their_own_passphrase_only(key_file, path, library_key):
    made, anna = key_file
    bjorn = made.add_account(BJORN, BJORN_SAYS, library_key)
    loaded = KeyFile.load(path)
    assert loaded.unlock(BJORN, BJORN_SAYS) == (library_key, bjorn)
    assert loaded.unlock(ANNA, ANNA_SAYS) == (library_key, anna)
    for name, says in ((ANNA, BJORN_SAYS), (BJORN, ANNA_SAYS), ("Carl", ANNA_SAYS)):
        with pytest.raises(WrongPassphrase, match="^The name or the passphrase is wrong.$"):
            loaded.unlock(name, says)
    made.remove(bjorn)
    with pytest.raises(WrongPassphrase):
        KeyFile.load(path).unlock(BJORN, BJORN_SAYS)
    before = path.read_bytes()
    with pytest.raises(InputError, match="one account only"):
        made.remove(anna)
    assert path.read_bytes() == before
    assert KeyFile.load(path).unlock(ANNA, ANNA_SAYS) == (library_key, anna)


def test_unlocking_runs_argon2_once_whoever_is_named(key_file, monkeypatch):
    """A name with no entry costs as much as one with: the time does not tell the names."""
    made, _ = key_file
    runs = []

    def counted(*args, **kwargs):
        runs.append(1)
        return hash_secret_raw(*args, **kwargs)

    monkeypatch.setattr(key_file_module, "hash_secret_raw", counted)
    made.unlock(ANNA, ANNA_SAYS)
    assert len(runs) == 1
    with pytest.raises(WrongPassphrase):
        made.unlock("Nobody", ANNA_SAYS)
    assert len(runs) == 2


def test_the_recovery_words_open_the_key_and_a_new_recovery_key_replaces_the_old(
        key_file, path, library_key):
    made, anna = key_file
    assert not made.has_recovery
    words = made.add_recovery(library_key)
    assert len(words.split()) == 24 and Mnemonic("english").check(words)
    typed = "  " + "   ".join(word.upper() if n % 2 else word.title()
                                for n, word in enumerate(words.split())) + " \n"
    assert KeyFile.load(path).unlock_recovery(typed) == library_key
    newer = made.add_recovery(library_key)
    loaded = KeyFile.load(path)
    assert loaded.has_recovery
    assert [e["kind"] for e in json.loads(path.read_bytes())["entries"]] == [
        "account", "recovery"]
    assert loaded.unlock_recovery(newer) == library_key
    with pytest.raises(WrongRecoveryKey) as refused:
        loaded.unlock_recovery(words)
    assert isinstance(refused.value, AccessRefused)
    with pytest.raises(WrongRecoveryKey):
        loaded.unlock_recovery(Mnemonic("english").to_mnemonic(new_key()))
    assert loaded.unlock(ANNA, ANNA_SAYS) == (library_key, anna)


@pytest.mark.parametrize(("change", "message"), [
    (lambda words: words[:6] + ["guitarr"] + words[7:],
     "Word 7 of the recovery key, 'guitarr', is not one of the recovery words"),
    (lambda words: words[:-1], "A recovery key has 24 words; 23 words were typed."),
    (lambda words: ["abandon"] * 24, "no recovery key has them in this order"),
])
def test_a_mistyped_recovery_key_is_told_apart_from_another_one(key_file, change, message):
    made, _ = key_file
    words = made.add_recovery(new_key()).split()
    with pytest.raises(InputError, match=message) as refused:
        made.unlock_recovery(" ".join(change(words)))
    assert not isinstance(refused.value, WrongRecoveryKey)


def test_the_file_holds_no_name_no_passphrase_and_no_key_in_the_clear(
        key_file, path, library_key):
    made, _ = key_file
    made.add_account(BJORN, BJORN_SAYS, library_key)
    words = made.add_recovery(library_key)
    secret = bytes(Mnemonic("english").to_entropy(words))
    raw = path.read_bytes()
    for name in (ANNA, BJORN):
        for form in (name, name.casefold(), name.split()[0].casefold()):
            for normal in ("NFC", "NFD"):
                assert unicodedata.normalize(normal, form).encode() not in raw
    for key in (library_key, secret):
        for shown in (key, key.hex().encode(), key.hex().upper().encode(),
                      base64.b64encode(key), base64.urlsafe_b64encode(key),
                      base64.b64encode(key)[:20]):
            assert shown not in raw
    for words_said in (ANNA_SAYS, BJORN_SAYS, words, " ".join(words.split()[:3])):
        assert words_said.encode() not in raw


def test_a_damaged_wrapped_key_is_told_apart_from_a_wrong_passphrase(
        key_file, path, library_key):
    made, anna = key_file
    made.add_account(BJORN, BJORN_SAYS, library_key)
    flipped(path, 0, "wrapped")
    damaged = KeyFile.load(path)
    with pytest.raises(KeyDamaged) as raised:
        damaged.unlock(ANNA, ANNA_SAYS)
    assert str(path) in str(raised.value) and anna in str(raised.value)
    assert damaged.unlock(BJORN, BJORN_SAYS)[0] == library_key  # the other entry is whole
    with pytest.raises(WrongPassphrase):
        damaged.unlock(ANNA, "not the passphrase at all")
    flipped(path, 1, "check")
    with pytest.raises(WrongPassphrase):
        KeyFile.load(path).unlock(BJORN, BJORN_SAYS)


def test_a_damaged_recovery_entry_is_named(key_file, path, library_key):
    made, _ = key_file
    words = made.add_recovery(library_key)
    flipped(path, 1, "wrapped")
    with pytest.raises(KeyDamaged, match=f"{path} is damaged.*the recovery key is right"):
        KeyFile.load(path).unlock_recovery(words)


def _at(document, field: str):
    """The object holding FIELD ("entries.0.nonce") in DOCUMENT, and FIELD's last key."""
    holder, *path, last = [document, *(int(p) if p.isdigit() else p for p in field.split("."))]
    for part in path:
        holder = holder[part]
    return holder, last


def document_without(field: str):
    def change(document):
        holder, last = _at(document, field)
        del holder[last]
        return document
    return change


def set_to(field: str, value):
    def change(document):
        holder, last = _at(document, field)
        holder[last] = value
        return document
    return change


@pytest.mark.parametrize(("change", "message"), [
    ("not json {", "is not a key file: it is not JSON"),
    (b"\xff\xfe", "is not a key file: it is not text"),
    (set_to("format", 2), "is of format 2; this version of mt_studio reads format 1 only"),
    (set_to("format", "1"), "its field format is not a number"),
    (document_without("format"), "its field format is missing"),
    (document_without("salt"), "its field salt is missing"),
    (set_to("salt", "c2FsdA=="), "its field salt is not 16 bytes in base64"),
    (set_to("salt", "not base64!"), "its field salt is not 16 bytes in base64"),
    (document_without("argon2.memory_cost"), "its field argon2.memory_cost is missing"),
    (set_to("argon2.time_cost", 0), "its field argon2.time_cost is not a whole number"),
    (set_to("argon2.parallelism", True), "its field argon2.parallelism is not a whole number"),
    (set_to("argon2.memory_cost", 2 ** 40), "its field argon2.memory_cost is not a whole"),
    (set_to("entries", {}), "its field entries is not a list"),
    (document_without("entries.0.nonce"), r"its field entries\[0\].nonce is missing"),
    (set_to("entries.0.wrapped", "AAAA"), r"its field entries\[0\].wrapped is not 48 bytes"),
    (set_to("entries.0.kind", "backup"), r"its field entries\[0\].kind is neither"),
    (set_to("entries.0.id", "Anna"), r"its field entries\[0\].id is not an id"),
    (set_to("entries.0", []), r"its field entries\[0\] is not a JSON object"),
    (lambda document: [document], "its field the whole file is not a JSON object"),
])
def test_a_file_that_is_not_a_key_file_is_refused_naming_the_file_and_the_field(
        key_file, path, change, message):
    if callable(change):
        path.write_text(json.dumps(change(json.loads(path.read_text()))))
    else:
        path.write_bytes(change if isinstance(change, bytes) else change.encode())
    before = path.read_bytes()
    with pytest.raises(KeyFileError, match=message) as refused:
        KeyFile.load(path)
    assert str(path) in str(refused.value)
    assert isinstance(refused.value, InputError)
    assert path.read_bytes() == before


def test_a_missing_key_file_is_named(path):
    with pytest.raises(KeyFileError, match=f"The key file {path} is missing"):
        KeyFile.load(path)
    assert not path.exists()


def test_two_entries_with_one_id_are_refused(key_file, path, library_key):
    made, _ = key_file
    made.add_account(BJORN, BJORN_SAYS, library_key)
    document = json.loads(path.read_text())
    document["entries"][1]["id"] = document["entries"][0]["id"]
    path.write_text(json.dumps(document))
    with pytest.raises(KeyFileError, match="field entries holds two entries with the same id"):
        KeyFile.load(path)


def test_a_key_file_is_never_made_over_another(key_file, path, library_key):
    before = path.read_bytes()
    with pytest.raises(KeyFileError, match=f"There is already a key file at {path}"):
        KeyFile.create(path, new_key(), BJORN, BJORN_SAYS, argon2=ARGON2_FOR_TESTS)
    assert path.read_bytes() == before


def test_the_key_file_is_its_users_alone_whatever_the_umask(path, library_key):
    before = os.umask(0o022)
    try:
        made, _ = KeyFile.create(path, library_key, ANNA, ANNA_SAYS, argon2=ARGON2_FOR_TESTS)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        made.add_account(BJORN, BJORN_SAYS, library_key)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        os.umask(before)


def test_a_change_that_cannot_be_written_leaves_the_old_file_whole(
        key_file, path, library_key, monkeypatch):
    made, anna = key_file
    before = path.read_bytes()

    def refused(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refused)
    with pytest.raises(LibraryError, match=f"{path} could not be written.*left as it was"):
        made.add_account(BJORN, BJORN_SAYS, library_key)
    with pytest.raises(LibraryError):
        made.replace(anna, ANNA, "a different song entirely", library_key)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [FILE_NAME]  # no part left behind
    assert made.account_entries == (anna,)  # what it holds is what the disk holds
    assert made.unlock(ANNA, ANNA_SAYS) == (library_key, anna)
    # and a change that is written replaces the file whole
    bjorn = made.add_account(BJORN, BJORN_SAYS, library_key)
    assert KeyFile.load(path).unlock(BJORN, BJORN_SAYS) == (library_key, bjorn)

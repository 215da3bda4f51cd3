"""An encrypted library (docs/architecture.md, "Encrypted at rest"): the library key unwrapped
at sign-in into memory only, the database encrypted when the library gets its first account,
each take's own key, and the key file's entries kept in step with the accounts.

Every step of encrypting a library can be cut short by a crash and is taken up again at the
next sign-in: the key file is written first (atomically), then the take keys and the keyed
chain in one transaction, then the database is encrypted by one rename; the files are sealed
one by one afterwards (`file_sealing.py`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mt_studio.core.errors import InputError
from mt_studio.core.library import accounts as library_accounts
from mt_studio.core.library import audit, ledger_chain, take_keys
from mt_studio.core.library.address import is_server_address
from mt_studio.core.library.database import Library, LibraryKeys
from mt_studio.core.sealing import keyring
from mt_studio.i18n import _

if TYPE_CHECKING:
    from sqlite3 import Connection

    from mt_studio.core.domain.accounts import Account
    from mt_studio.core.sealing.key_file import KeyFile
    from mt_studio.core.studio.studio import Studio

KEY_FILE_NAME = "library.keys"


def key_file_path(folder: Path) -> Path:
    """Where the library in FOLDER keeps its key, wrapped for each account (beside the
    database: the database cannot be opened without it)."""
    return Path(folder) / KEY_FILE_NAME


def is_encrypted(folder: Path) -> bool:
    """Whether the library in FOLDER has a key (its database and files are, or are being,
    encrypted)."""
    return key_file_path(folder).exists()


def library_to_open(location: Path | str) -> Library:
    """The library at LOCATION (a folder or a server's address), opened; or, when it is
    encrypted, locked until a sign-in unlocks it (nothing is read before)."""
    if is_server_address(location):
        library = Library.open(location)  # its key file is in its audio store
        if is_encrypted(library.folder):
            library.lock_until_unlocked()
        return library
    if str(location).strip() and is_encrypted(Path(location).expanduser()):
        return Library.locked(location)
    return Library.open(location)


def library_keys(library_key: bytes) -> LibraryKeys:
    """The database's and the ledger chain's keys, made from the library key."""
    from mt_studio.core.sealing.keys import subkey

    return LibraryKeys(subkey(library_key, "database"), subkey(library_key, "ledger chain"))


def load_key_file(folder: Path) -> KeyFile:
    """The library's key file (KeyFileError naming it and what is wrong)."""
    from mt_studio.core.sealing.key_file import KeyFile

    return KeyFile.load(key_file_path(folder))


def unlock(studio: Studio, name: str, passphrase: str) -> str:
    """Unwrap the library key with NAME's PASSPHRASE and open the database with it;
    AccessRefused (not saying which was wrong) if they unwrap nothing, KeyDamaged naming the
    key file's entry if the passphrase was right but its wrapped key is damaged. The entry
    that opened it."""
    library_key, entry = load_key_file(studio.folder).unlock(name, passphrase)
    open_with(studio, library_key)
    return entry


def open_with(studio: Studio, library_key: bytes) -> None:
    """Open the encrypted library's database with LIBRARY_KEY (unwrapped by a passphrase or
    the recovery key), and finish encrypting it if that was cut short."""
    studio._library.unlock(library_keys(library_key))
    studio._shared.library_key = library_key
    install_keyring(studio)
    if studio._library.keys is None:  # encryption cut short before the database's turn
        finish(studio)


def signed_in(studio: Studio, account: Account, passphrase: str, entry: str | None) -> None:
    """After ACCOUNT signed in with PASSPHRASE (ENTRY: the key file's entry it unlocked with,
    if it did): a plain library with accounts is encrypted now; an account with no entry of
    its own (enabled again, or its entry's row cut short by a crash) gets one."""
    if studio._shared.library_key is None:
        begin(studio, account, passphrase)
        return
    with studio._reading() as db:  # almost always there: nothing to write
        if library_accounts.key_entry(db, account.id) is not None:
            return
    with studio._transaction(bookkeeping=True) as tx:
        if entry is None:
            entry = load_key_file(studio.folder).add_account(
                account.name, passphrase, studio._shared.library_key)
        library_accounts.set_key_entry(tx, account.id, entry)


def begin(studio: Studio, account: Account, passphrase: str) -> None:
    """Give the plain library a key (its first account, ACCOUNT, has just been made, or
    signed in to a library made before encryption) and encrypt its database."""
    from mt_studio.core.sealing.key_file import KeyFile
    from mt_studio.core.sealing.keys import new_key

    shared = studio._shared
    if shared.library_key is not None or is_encrypted(studio.folder):
        return
    if not _ledger_intact(studio):
        return  # a ledger in doubt is not linked again: encrypted once an admin accepts it
    library_key = new_key()
    _file, entry = KeyFile.create(key_file_path(studio.folder), library_key, account.name,
                                  passphrase)
    shared.library_key = library_key
    with studio._transaction(bookkeeping=True) as tx:
        library_accounts.set_key_entry(tx, account.id, entry)
    install_keyring(studio)
    finish(studio)


def finish(studio: Studio) -> None:
    """Encrypt the database if it is still plain: its ledger checked first (a ledger in doubt
    is not linked again, which would make a forged one look whole), then, in the encrypted
    copy before it takes the plain one's place, a key for every take, the ledger's chains
    linked with the chain key, and a new library identity (the heads seen of the plain chains
    are not this library's any more)."""
    shared = studio._shared
    library = studio._library
    if library.keys is not None:
        return
    if not _ledger_intact(studio):
        return  # read-only until an admin accepts it; encrypted at a sign-in after that
    library_key = shared.library_key

    def prepare(db: Connection) -> None:
        for take_id in take_keys.takes_without(db):
            take_keys.put(db, take_id, _wrapped(library_key, take_id))
        was = ledger_chain.library_id(db)
        with ledger_chain.append_only_lifted(db):
            ledger_chain.new_identity(db)
            ledger_chain.relink(db)
        with studio._acting():  # the identity it had names its day libraries (day_library.py)
            audit.record(db, "library.encrypted", "library", was=was)

    keys = library_keys(library_key)
    library.encrypt(keys, prepare)
    from mt_studio.core.library.encrypting import encrypt_backups

    encrypt_backups(studio.folder, keys)
    with studio._reading() as db:  # the chains just linked again, under the new identity
        shared.ledger.accepted(db)
        old_spool = shared.places.identity_changed(db)
    if old_spool is not None:
        keyring.uninstall(old_spool)
    install_keyring(studio)


def install_keyring(studio: Studio) -> None:
    """Let the engines find the take keys for the files in the library's folder, and in this
    computer's spool of it (a service's library)."""
    with studio._reading() as db:
        folders = studio._shared.places.folders(db)
    for folder in folders:
        keyring.install(folder, lambda take_id: _take_key_or_none(studio, take_id))


def _ledger_intact(studio: Studio) -> bool:
    """Whether the ledger is as mt_studio wrote it, checked now unless this process has
    already (opening the studio, or unlocking it, checks it)."""
    if not studio._shared.ledger.checked:
        studio.check_ledger()
    return studio.read_only is None


def new_take_key(studio: Studio, tx: Connection, take_id: int) -> bytes | None:
    """A new key for the take TAKE_ID, kept wrapped in TX; None in a plain library."""
    from mt_studio.core.sealing.keys import new_key, wrap_take_key

    library_key = studio._shared.library_key
    if library_key is None:
        return None
    key = new_key()
    take_keys.put(tx, take_id, wrap_take_key(library_key, take_id, key))
    return key


def take_key(studio: Studio, take_id: int) -> bytes:
    """The key of the take TAKE_ID, unwrapped (never kept: a deleted take's is gone at
    once); InputError when the take has none (it was deleted)."""
    key = _take_key_or_none(studio, take_id)
    if key is None:
        raise InputError(_("Take {take} has no key in this library: it was deleted, and its "
                           "files can no longer be read.").format(take=take_id))
    return key


def take_key_in(studio: Studio, tx: Connection, take_id: int) -> bytes | None:
    """The key of the take TAKE_ID read in the open transaction TX (None: a plain library,
    or a take from before it was encrypted)."""
    from mt_studio.core.sealing.keys import unwrap_take_key

    library_key, wrapped = studio._shared.library_key, take_keys.get(tx, take_id)
    return None if library_key is None or wrapped is None else unwrap_take_key(
        library_key, take_id, wrapped)


def _take_key_or_none(studio: Studio, take_id: int) -> bytes | None:
    """The take's key for the keyring; None for a take deleted (the keyring names the file)."""
    with studio._reading() as db:
        return take_key_in(studio, db, take_id)


def _wrapped(library_key: bytes, take_id: int) -> bytes:
    from mt_studio.core.sealing.keys import new_key, wrap_take_key

    return wrap_take_key(library_key, take_id, new_key())


# -- the accounts' entries in the key file ---------------------------------------------------

def account_added(studio: Studio, tx: Connection, account: Account, passphrase: str) -> None:
    """Wrap the library key for ACCOUNT's PASSPHRASE (an encrypted library)."""
    library_key = studio._shared.library_key
    if library_key is None:
        return
    key_file = load_key_file(studio.folder)
    library_accounts.set_key_entry(
        tx, account.id, key_file.add_account(account.name, passphrase, library_key))


def passphrase_changed(studio: Studio, tx: Connection, account: Account,
                       passphrase: str) -> None:
    """Wrap the library key again for ACCOUNT's new PASSPHRASE; the old entry goes (nothing
    is encrypted again)."""
    library_key = studio._shared.library_key
    if library_key is None:
        return
    key_file = load_key_file(studio.folder)
    old = library_accounts.key_entry(tx, account.id)
    if old is None:
        entry = key_file.add_account(account.name, passphrase, library_key)
    else:
        entry = key_file.replace(old, account.name, passphrase, library_key)
    library_accounts.set_key_entry(tx, account.id, entry)


def account_disabled(studio: Studio, tx: Connection, account: Account) -> None:
    """Take ACCOUNT's wrapped key out of the key file: its passphrase no longer opens the
    library, nor a copy of it made from now on (an admin sets a new one to enable it)."""
    if studio._shared.library_key is None:
        return
    old = library_accounts.key_entry(tx, account.id)
    if old is not None:
        load_key_file(studio.folder).remove(old)
        library_accounts.set_key_entry(tx, account.id, None)


def recovery_key(studio: Studio) -> str:
    """A new recovery key for the library (words to print and keep safe), replacing any
    earlier one."""
    return load_key_file(studio.folder).add_recovery(studio._shared.library_key)


def recover(studio: Studio, words: str, name: str, passphrase: str,
            again: str | None = None) -> None:
    """Open the library with its recovery key WORDS and give the account NAME the new
    PASSPHRASE (AGAIN, when given, must match). WrongRecoveryKey for other words, InputError
    for a mistyped word or a library that is not encrypted."""
    from mt_studio.core.errors import AccessRefused

    if not is_encrypted(studio.folder):
        raise InputError(_("This library is not encrypted, so it has no recovery key."))
    library_key = load_key_file(studio.folder).unlock_recovery(words)
    if not studio._library.is_open:
        open_with(studio, library_key)
    elif library_key != studio._shared.library_key:
        raise AccessRefused(_("These words are not this library's recovery key."))
    studio.accounts.recover(name, passphrase, again)

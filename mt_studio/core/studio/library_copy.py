"""`mt-studio library copy SOURCE TARGET`: a library moved whole into a new one, from a folder
to a PostgreSQL server, back, or to another folder (docs/architecture.md, "One library for the
service"), losing nothing.

The source is held, not read from a snapshot: its write lock is taken (a transaction of the
studio's) for the whole copy, so that no change can be made to it meanwhile that the copy
would leave behind (a consent withdrawn during the copy must not be missing from the library
people use next), and no take is deleted or recorded under the copy's feet. Its ledger is
checked inside that lock, and a library in doubt is not copied. Then:

1. the audit row `library.copied` is written in the source's transaction, naming the target;
2. the files (every file under `audio/`, then the key file) go into the target's folder, each
   durable and checked before the next (`copy_files.py`); a run cut short leaves a marker
   file naming the library, by which the next run knows the target as its unfinished copy:
   the files already there whole are kept, any others (a take deleted since) removed;
3. every row goes into the target in one transaction (`core/library/copying.py`), which ends
   with the target's own `library.copied_in` row and a check that its chains hold the
   source's heads, before the target commits; its heads are then kept as this computer's
   heads seen of the library (the same identity in both): the library has moved, and the
   source opened here again is a copy from before (read-only, its chains one row shorter);
4. the source commits, and the marker goes.

A run cut short between the target's commit and the source's finds the target's rows at the
next run and finishes: the source gets the very `library.copied` row the target holds. A run
into a copy made before says so, once it has checked that the copy holds the source's ledger.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from mt_studio.core.durable_files import replaced_atomically, sync_folder
from mt_studio.core.errors import AccessRefused, LibraryError
from mt_studio.core.library import Library, audit, copying, ledger_chain, removals
from mt_studio.core.library.address import is_server_address
from mt_studio.core.library.database import DATABASE_NAME, LibraryKeys
from mt_studio.core.private_files import FOLDER_MODE
from mt_studio.core.sealing import keyring
from mt_studio.core.studio import encryption
from mt_studio.core.studio.copy_files import FileCopier, names_to_copy, remove_others
from mt_studio.core.studio.ledger import LedgerCheck, LibraryReadOnly
from mt_studio.core.studio.studio import Studio
from mt_studio.i18n import _

MARKER_NAME = "library.copying"

# What is being done ("files" or "rows"), how much of it is done, of all.
Progress = Callable[[str, int, int], None]
Heads = Mapping[str, ledger_chain.Head]


@dataclass(frozen=True)
class CopyReport:
    """What a copy did: SOURCE and TARGET as shown, the library's identity (the same in
    both), whether it is encrypted, the files copied and already there, the rows of each
    table, and the chains' heads the target holds of the source."""

    source: str
    target: str
    library_id: str
    encrypted: bool
    files_copied: int
    files_already_there: int
    bytes_copied: int
    rows: Mapping[str, int]
    heads: Mapping[str, tuple[int, str]]
    finished_earlier: bool = False  # the target held this copy already (an earlier run's)


def open_source(location: Path | str) -> Studio:
    """The studio on the library to copy, at LOCATION (a folder or a server's address), its
    ledger checked by the copy itself; LibraryError when no library is there (a copy never
    makes one to copy)."""
    if not is_server_address(location):
        folder = Path(location).expanduser().absolute()
        database = folder / DATABASE_NAME
        if not database.is_file() or database.stat().st_size == 0:
            raise LibraryError(_("{folder} holds no mt_studio library (no {database} in it); "
                                 "nothing was copied.").format(folder=folder,
                                                               database=DATABASE_NAME))
        location = folder
    return Studio.open(location, check_ledger=False)


def copy_library(studio: Studio, target: Path | str,
                 progress: Progress | None = None) -> CopyReport:
    """Copy the library open in STUDIO into TARGET (a folder or a PostgreSQL address made
    with `library init`), new and empty, or the unfinished copy of this library left by a
    run cut short; audited in both. AccessRefused unless an admin is signed in (a library
    with accounts); LibraryReadOnly for a ledger in doubt; LibraryError naming the source or
    target for anything else, with nothing changed in the source and no row in the target."""
    _check_may_copy(studio)
    source = studio._library
    shown_source = source.shown_name
    keys = source.keys
    if encryption.is_encrypted(source.folder) != (keys is not None):
        raise LibraryError(_("{source} is still being encrypted: sign in to it once (that "
                             "finishes it), then copy it. Nothing was changed.").format(
                                 source=shown_source))
    with studio._transaction() as db:
        check = studio.check_ledger()
        if not check.intact and check.kind != "older":
            raise _in_doubt(shown_source, check)
        copying.refuse_takes_recording(db, shown_source)
        # seen longer here: refused unless the target is the copy that was seen
        refusal = None if check.intact else _in_doubt(shown_source, check)
        with _target(target, source, keys, check.library_id, refusal) as (library, resuming):
            if copying.first_table_in_use(library.connection) is not None:
                report, heads = _finish_earlier(db, library, shown_source, check)
            else:
                report, heads = _copy_into(studio, db, library, resuming, progress)
    _seen_here(report.library_id, heads)
    _remove_marker(library.folder)
    return report


def _check_may_copy(studio: Studio) -> None:
    studio._check_open()
    if studio.protected and not studio._signed_in().is_admin:
        raise AccessRefused(_("Only an admin can copy the library: a copy holds every "
                              "participant's recordings and consent."))


def _in_doubt(shown_source: str, check: LedgerCheck) -> LibraryReadOnly:
    return LibraryReadOnly(_("{source} is not copied: a copy would carry a ledger in doubt on "
                             "as if it were whole. {problem} Nothing was changed.").format(
                                 source=shown_source, problem=check.problem))


def _copy_into(studio: Studio, db, library: Library, resuming: bool,
               progress: Progress | None) -> tuple[CopyReport, Heads]:
    """Steps 1 to 3 of the module's account, inside the source's transaction DB; what was
    done, and the copy's heads."""
    shown_source, shown_target = studio._library.shown_name, library.shown_name
    audit.record(db, "library.copied", "library", target=shown_target)
    heads = ledger_chain.heads(db)
    source_folder = studio._library.folder
    names = names_to_copy(source_folder, removals.pending(db))
    removed = remove_others(library.folder, names) if resuming else 0
    keyring.install(library.folder, lambda take_id: encryption.take_key_in(studio, db, take_id))
    try:
        copier = FileCopier(source_folder, library.folder, copying.part_hashes(db))
        files = copier.copy_all(names, _step(progress, "files"), removed)
    finally:
        keyring.uninstall(library.folder)
    with library.transaction() as tx:
        if copying.first_table_in_use(tx) is not None:  # written to meanwhile
            raise _not_new(library.shown_name, shown_source)
        rows = copying.copy_rows(db, tx, encrypted=library.keys is not None,
                                 progress=_step(progress, "rows"))
        audit.record(tx, "library.copied_in", "library", source=shown_source)
        finding, copied_heads = ledger_chain.verify(tx, heads)
        if finding is not None:
            raise LibraryError(_("The copy's ledger in {target} did not check out ({table}); "
                                 "nothing was written to it, and {source} is as it was.")
                               .format(target=shown_target, table=finding.table,
                                       source=shown_source))
    return CopyReport(shown_source, shown_target, ledger_chain.library_id(db),
                      library.keys is not None, files.copied, files.already_there,
                      files.bytes, rows, _shown_heads(heads)), copied_heads


def _finish_earlier(db, library: Library, shown_source: str,
                    check: LedgerCheck) -> tuple[CopyReport, Heads]:
    """The target holds this library already, copied by an earlier run (cut short before the
    source's commit, or after it): check that it holds the source's ledger as it is now (and
    the heads seen here, when they are the copy's), and give the source the target's
    `library.copied` row (the one written for it) if it lacks it."""
    heads = ledger_chain.heads(db)
    last_id = db.execute("SELECT coalesce(max(id), 0) FROM audit_log").fetchone()[0]
    names = copying.columns(db, "audit_log")
    with library.snapshot() as target:
        finding, copied_heads = ledger_chain.verify(target, heads)
        if finding is not None:
            raise LibraryError(_(
                "{target} holds a copy of {source} made earlier, and {source} has changed "
                "since: copy it into a new library instead. Nothing was changed.").format(
                    target=library.shown_name, source=shown_source))
        if not check.intact and ledger_chain.verify(target, {
                table: ledger_chain.Head(*head) for table, head in _seen(check).items()})[0]:
            raise _in_doubt(shown_source, check)
        listed = ", ".join(f'"{name}"' for name in names)
        following = target.execute(f"SELECT {listed} FROM audit_log WHERE id = ?",
                                   (last_id + 1,)).fetchone()
        rows = {table: copying.count_rows(target, table)
                for table in copying.tables(target)}
    if following is not None and following[names.index("action")] == "library.copied":
        copying.insert_rows(db, "audit_log", names, [tuple(following)])
        heads = ledger_chain.heads(db)
    return CopyReport(shown_source, library.shown_name, check.library_id,
                      library.keys is not None, 0, 0, 0, rows, _shown_heads(heads),
                      finished_earlier=True), copied_heads


def _seen(check: LedgerCheck) -> dict[str, tuple[int, str]]:
    """The heads this computer has seen of the library CHECK found shorter than them."""
    from mt_studio.core import ledger_heads

    return ledger_heads.seen(check.library_id) or {}


@contextmanager
def _target(where: Path | str, source: Library, keys: LibraryKeys | None, library_id: str,
            refusal: LibraryReadOnly | None) -> Iterator[tuple[Library, bool]]:
    """The target library, opened (a new folder's made): new, this library's unfinished copy
    (it has the marker), or its copy made before; and whether it has the marker. Closed
    after. LibraryError, changing nothing, for any other; REFUSAL, if given, for any but a
    copy made before."""
    if is_server_address(where):
        library = Library.open(str(where).strip())
        library.keys = library.connection.keys = keys
    else:
        library = _open_folder(Path(where).expanduser().absolute(), source, keys, library_id,
                               refusal)
    try:
        _refuse_same_folder(library.folder, source)
        marker = _marker(library.folder)
        if marker not in (None, library_id):
            raise LibraryError(_("{target} holds the unfinished copy of another library; "
                                 "nothing was changed.").format(target=library.shown_name))
        new = copying.first_table_in_use(library.connection) is None
        if not new and ledger_chain.library_id(library.connection) != library_id:
            raise _not_new(library.shown_name, source.shown_name)
        if new and refusal is not None:
            raise refusal
        if new and marker is None:
            _refuse_files_in(library)
            _write_marker(library.folder, library_id, source.shown_name)
        yield library, marker is not None
    finally:
        library.close()


def _open_folder(folder: Path, source: Library, keys: LibraryKeys | None, library_id: str,
                 refusal: LibraryReadOnly | None) -> Library:
    """The library in the target FOLDER, made there if the folder is new or empty (the
    marker written first, so that a run cut short knows the folder again) unless REFUSAL."""
    _refuse_same_folder(folder, source)
    if _marker(folder) is None:
        if folder.is_dir() and any(folder.iterdir()):
            if copying.identity_in(folder, keys) != library_id:
                raise LibraryError(_("{folder} is not empty: a library is copied into a new "
                                     "folder (or an empty one). Nothing was changed.").format(
                                         folder=folder))
        elif refusal is not None:
            raise refusal
        else:
            _write_marker(folder, library_id, source.shown_name)
    library = Library.open(folder, keys=keys)
    if library.keys != keys:  # a plain database where an encrypted one was made, or back
        library.close()
        raise _not_new(str(folder), source.shown_name)
    return library


def _refuse_same_folder(folder: Path, source: Library) -> None:
    here, there = folder.resolve(), source.folder.resolve()
    if here == there or here in there.parents or there in here.parents:
        raise LibraryError(_("{target} is {source}'s own folder, or inside it, or holds it: "
                             "copy the library into a folder of its own. Nothing was changed."
                             ).format(target=folder, source=source.shown_name))


def _refuse_files_in(library: Library) -> None:
    """LibraryError if the new library's folder (a server's audio store) holds recordings or
    a key file already: they are not this library's."""
    audio = library.audio_folder
    if (audio.is_dir() and any(audio.iterdir())) or encryption.is_encrypted(library.folder):
        raise LibraryError(_("{folder} (the audio store of {target}) holds recordings or a key "
                             "file already; a library is copied only into a new one. Nothing "
                             "was changed.").format(folder=library.folder,
                                                    target=library.shown_name))


def _not_new(target: str, source: str) -> LibraryError:
    return LibraryError(_("{target} already holds a library: {source} is copied only into a new "
                          "one (for a PostgreSQL database, one just made with 'mt-studio "
                          "library init'). Nothing was changed.").format(
                              target=target, source=source))


def _marker(folder: Path) -> str | None:
    """The identity of the library whose copy into FOLDER was cut short, or None."""
    try:
        return json.loads((folder / MARKER_NAME).read_text(encoding="utf-8"))["library"]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise LibraryError(_("{path} cannot be read ({reason}); it says that a copy into "
                             "{folder} was cut short. Nothing was changed.").format(
                                 path=folder / MARKER_NAME, reason=error,
                                 folder=folder)) from error


def _write_marker(folder: Path, library_id: str, shown_source: str) -> None:
    folder.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    with replaced_atomically(folder / MARKER_NAME) as file:
        file.write(json.dumps({"library": library_id, "source": shown_source}).encode())


def _remove_marker(folder: Path) -> None:
    (folder / MARKER_NAME).unlink(missing_ok=True)
    sync_folder(folder)


def _seen_here(library_id: str, heads: Heads) -> None:
    """Keep the copy's HEADS as the library's seen on this computer: the library moved, and
    from now on the copy is the one to use here (the source, opened here again, counts as a
    copy from before: its chains are one row shorter)."""
    from mt_studio.core import ledger_heads

    try:
        ledger_heads.keep(library_id, _shown_heads(heads))
    except OSError as error:  # the copy is whole; it is kept at its next commit instead
        logging.getLogger(__name__).warning("the ledger's heads could not be kept: %s", error)


def _step(progress: Progress | None, what: str) -> Callable[[int, int], None] | None:
    if progress is None:
        return None
    return lambda done, total: progress(what, done, total)


def _shown_heads(heads: Heads) -> dict[str, tuple[int, str]]:
    return {table: (head.rows, head.hash) for table, head in heads.items()}


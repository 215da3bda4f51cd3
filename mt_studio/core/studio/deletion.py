"""Deleting a take or a song, and erasing a person: first a plan that says exactly what goes
(every file with its size, the rows, the takes and songs touched, the exports already given
out to recall), then the deletion itself, for a therapist or an admin, with a reason.

One transaction deletes the rows, lists the files still to remove and writes one audit row
(who, what, why); the files go after the commit, and a deletion cut short there is finished
at the next open (core/library/removals.py). Deleted rows are zeroed (secure_delete) and the
write-ahead log emptied, so that what went cannot be read back from the database's files.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from sqlite3 import Connection
from typing import TYPE_CHECKING

from mt_studio.core.domain import TakeStatus
from mt_studio.core.domain.deletion import (
    MAX_REASON_LENGTH,
    Deleted,
    DeletionPlan,
    FileToRemove,
    SongTouched,
)
from mt_studio.core.errors import InputError
from mt_studio.core.export.names import names_in
from mt_studio.core.library import (
    audit,
    consent_ledger,
    deletions,
    participants,
    removals,
    sessions,
    songs,
    takes,
)
from mt_studio.core.library.database import DATABASE_NAME
from mt_studio.core.studio.deletion_files import files_of
from mt_studio.core.studio.events import ConsentChanged, SongChanged, TakeChanged
from mt_studio.core.text import one_line
from mt_studio.i18n import _

if TYPE_CHECKING:
    from mt_studio.core.studio.studio import Studio
    from mt_studio.core.studio.take_places import TakePlaces

__all__ = ["MAX_REASON_LENGTH", "DeletionPlan", "DeletionService"]


class DeletionService:
    """Plans and deletions of takes, songs and people (`plan_take`, `delete_take`,
    `plan_song`, `delete_song`, `plan_participant`, `erase_participant`); TakeChanged,
    SongChanged and ConsentChanged are announced for what changed."""

    def __init__(self, studio: Studio) -> None:
        self._studio = studio

    # -- takes ----------------------------------------------------------------------------

    def plan_take(self, take_id: int) -> DeletionPlan:
        """What deleting TAKE_ID would remove and leave to recall; nothing is changed."""
        self._check_may_delete()
        with self._studio._reading() as db:
            return self._take_plan(db, take_id)

    def delete_take(self, take_id: int, *, reason: str) -> DeletionPlan:
        """Delete TAKE_ID and every file made from it, for REASON (kept in the audit log);
        what went. InputError for a take being recorded, or a reason that names someone."""
        self._check_may_delete()

        def delete(tx: Connection) -> tuple[DeletionPlan, list[str], dict]:
            plan = self._take_plan(tx, take_id)
            take = takes.get(tx, take_id)
            if take.status is TakeStatus.RECORDING:
                raise InputError(_("Take {number} is being recorded (or waits to be recovered "
                                   "after a crash): it cannot be deleted now.").format(
                                       number=take.number))
            self._check_reason(tx, reason, _heard(take.tracks))
            deletions.delete_takes(tx, [take_id])
            self._studio._announce(TakeChanged(take_id, take.session_id))
            for song in plan.songs_unlinked:
                self._studio._announce(SongChanged(song.song_id))
            return plan, [takes.take_folder(take_id), *_cached(plan)], {}

        return self._delete(delete, "take.deleted", f"take:{take_id}", None, reason)

    # -- songs ----------------------------------------------------------------------------

    def plan_song(self, song_id: int) -> DeletionPlan:
        """What deleting SONG_ID (its words in every version, stamps and links to takes; the
        takes stay) would remove and leave to recall; nothing is changed."""
        self._check_may_delete()
        with self._studio._reading() as db:
            return self._song_plan(db, song_id)

    def delete_song(self, song_id: int, *, reason: str) -> DeletionPlan:
        """Delete SONG_ID for REASON (kept in the audit log); what went."""
        self._check_may_delete()

        def delete(tx: Connection) -> tuple[DeletionPlan, list[str], dict]:
            plan = self._song_plan(tx, song_id)
            self._check_reason(tx, reason, songs.get(tx, song_id).writer_ids)
            deletions.delete_songs(tx, [song_id])
            self._studio._announce(SongChanged(song_id))
            return plan, [], {}

        return self._delete(delete, "song.deleted", f"song:{song_id}", None, reason)

    # -- people ---------------------------------------------------------------------------

    def plan_participant(self, participant_id: int) -> DeletionPlan:
        """What erasing PARTICIPANT_ID would remove, blot out and keep; nothing is changed.
        The plan names them by pseudonym only."""
        self._check_may_delete()
        with self._studio._reading() as db:
            return self._participant_plan(db, participant_id)

    def erase_participant(self, participant_id: int, *, reason: str) -> DeletionPlan:
        """Erase PARTICIPANT_ID for REASON: the takes and tracks they are heard on, the songs
        they wrote alone, their real name wherever it is written by hand, and their pseudonym;
        a tombstone keeps their consent rows, attendance and exports pointing at someone.
        Their co-written songs keep their words without them as a writer. What went."""
        self._check_may_delete()

        def erase(tx: Connection) -> tuple[DeletionPlan, list[str], dict]:
            plan = self._participant_plan(tx, participant_id)
            person = participants.get(tx, participant_id)
            if _erased(tx, participant_id):
                raise InputError(_("{pseudonym} has been erased already.").format(
                    pseudonym=person.pseudonym))
            self._check_reason(tx, reason, [participant_id])
            take_ids = [take.take_id for take in plan.takes]
            for take_id in {*take_ids, *(take for take, _track in plan.tracks)}:
                if takes.get(tx, take_id).status is TakeStatus.RECORDING:
                    raise InputError(_("{pseudonym} is heard on a take being recorded (or "
                                       "waiting to be recovered after a crash): erase them "
                                       "once it is over.").format(pseudonym=person.pseudonym))
            deletions.delete_takes(tx, take_ids)
            deletions.delete_tracks(tx, [track for _take, track in plan.tracks])
            deletions.delete_songs(tx, [song.song_id for song in plan.songs_deleted])
            if person.real_name:
                deletions.blot_out(tx, person.real_name)
            deletions.make_tombstone(tx, participant_id)
            for take in plan.takes:
                self._studio._announce(TakeChanged(take.take_id, take.session_id))
            for take_id in {take for take, _track in plan.tracks}:
                self._studio._announce(TakeChanged(take_id, takes.get(tx, take_id).session_id))
            for song in (*plan.songs_deleted, *plan.songs_kept):
                self._studio._announce(SongChanged(song.song_id))
            self._studio._announce(ConsentChanged(participant_id))
            paths = [*(takes.take_folder(t) for t in take_ids), *_cached(plan)]
            return plan, paths, {"ledger_rows_kept": plan.ledger_rows}

        return self._delete(erase, "participant.erased", f"participant:{participant_id}",
                            participant_id, reason)

    # -- the deletion ---------------------------------------------------------------------

    def _delete(self, change, action: str, subject: str, participant_id: int | None,
                reason: str) -> DeletionPlan:
        """Run CHANGE (rows deleted: the plan, the paths to remove and more details) in one
        transaction with its audit row, then remove the files and forget the freed pages."""
        studio = self._studio
        reason = _clean_reason(reason)
        places = studio._shared.places
        with (_moves_paused(places),  # no take is copied to the store meanwhile
              studio._shared.lock):  # no other change between the commit and the removal
            if studio._shared.pending is not None:
                # Joined to a transaction open around it, the files would go before its commit.
                raise RuntimeError("a deletion commits on its own: call it outside a transaction")
            with studio._transaction() as tx:
                plan, paths, more = change(tx)
                removals.note(tx, paths)
                audit.record(tx, action, subject, participant_id, reason=reason,
                             **_details(plan), **more)
            studio._library.finish_removals()
            spool = places.spool(studio._library.connection)
            if spool is not None:  # this computer's; another's goes when it next opens
                removals.remove(spool.folder, paths)
            deletions.forget_freed_pages(studio._library.connection)
        return plan

    def _check_may_delete(self) -> None:
        """Only a therapist or an admin deletes (anyone, in a library without accounts)."""
        if self._studio.protected:
            self._studio._signed_in()

    def _check_reason(self, db: Connection, reason: str, people: Iterable[int]) -> None:
        """InputError when REASON names any of PEOPLE (by real name or pseudonym): the audit
        log keeps it for good, and must not keep a person's name."""
        names = [name for pid in set(people) for name in _names(db, pid)]
        if names_in(_clean_reason(reason), names):
            raise InputError(_("The reason names someone the deletion touches; the audit log "
                               "keeps it for good, so write it without their name. Nothing "
                               "was deleted."))

    # -- plans ----------------------------------------------------------------------------

    def _files_of(self, db: Connection, take_id: int,
                  track_ids: Sequence[int] | None = None) -> list[FileToRemove]:
        """The files of TAKE_ID (or of its TRACK_IDS) and those made from them, in the store
        and in this computer's spool."""
        return [f for folder in self._studio._shared.places.folders(db)
                for f in files_of(folder, db, take_id, track_ids)]

    def _take_plan(self, db: Connection, take_id: int) -> DeletionPlan:
        files = _unique(self._files_of(db, take_id))
        return DeletionPlan(
            Deleted.TAKE, take_id, _take_name(db, take_id), files=files,
            rows=tuple(deletions.take_rows(db, [take_id]).items()),
            takes=tuple(deletions.touched_takes(db, [take_id])),
            songs_unlinked=tuple(SongTouched(s.id, s.title) for s in songs.for_take(db, take_id)),
            exports_to_recall=tuple(deletions.exports_of(db, take_ids=[take_id])),
            lead_sheets=tuple(deletions.lead_sheets_of(db, take_ids=[take_id])))

    def _song_plan(self, db: Connection, song_id: int) -> DeletionPlan:
        song = songs.get(db, song_id)
        return DeletionPlan(
            Deleted.SONG, song_id, song.title,
            rows=tuple(deletions.song_rows(db, [song_id]).items()),
            songs_deleted=(SongTouched(song.id, song.title),),
            exports_to_recall=tuple(deletions.exports_of(db, take_ids=song.take_ids)),
            lead_sheets=tuple(deletions.lead_sheets_of(db, song_ids=[song_id])))

    def _participant_plan(self, db: Connection, participant_id: int) -> DeletionPlan:
        person = participants.get(db, participant_id)
        whole, alone = _heard_on(db, participant_id)
        folder = self._studio.folder
        files = [f for take_id in whole for f in self._files_of(db, take_id)]
        for take_id in dict.fromkeys(take for take, _track in alone):
            files += self._files_of(db, take_id,
                                    [track for take, track in alone if take == take_id])
        written = [s for s in songs.all_songs(db) if participant_id in s.writer_ids]
        written_alone = [s for s in written if s.writer_ids == (participant_id,)]
        rows = Counter(deletions.take_rows(db, whole))
        rows.update(deletions.track_rows(db, [track for _take, track in alone]))
        rows.update(deletions.song_rows(db, [s.id for s in written_alone]))
        exports = {e.export_id: e for e in (
            *deletions.exports_with(db, participant_id),
            *deletions.exports_of(db, take_ids=whole, track_ids=[t for _k, t in alone]))}
        sheets = dict.fromkeys((*deletions.lead_sheets_of(db, take_ids=whole, song_ids=[
            s.id for s in written_alone]), *consent_ledger.lead_sheets_with(db, participant_id)))
        name = person.real_name
        return DeletionPlan(
            Deleted.PARTICIPANT, participant_id, person.pseudonym, files=_unique(files),
            rows=tuple(rows.items()), takes=tuple(deletions.touched_takes(db, whole)),
            tracks=tuple(alone),
            songs_deleted=tuple(SongTouched(s.id, s.title) for s in written_alone),
            songs_kept=tuple(SongTouched(s.id, s.title) for s in written
                             if s not in written_alone),
            exports_to_recall=tuple(exports[key] for key in sorted(exports)),
            lead_sheets=tuple(sheets),
            ledger_rows=db.execute("SELECT count(*) FROM consent_events WHERE participant_id"
                                   " = ?", (participant_id,)).fetchone()[0],
            name_written=tuple(deletions.written_in(db, name).items()) if name else (),
            name_kept=tuple(deletions.written_in(db, name, deletions.KEPT_TEXT).items())
            if name else (),
            backups=tuple(sorted(p.name for p in folder.glob(f"{DATABASE_NAME}.*.backup"))))


@contextmanager
def _moves_paused(places: TakePlaces) -> Iterator[None]:
    """No take is copied from this computer's spool to the store meanwhile."""
    if places.mover is None:
        yield
        return
    with places.mover.paused():
        yield


def _heard_on(db: Connection, participant_id: int) -> tuple[list[int], list[tuple[int, int]]]:
    """The takes that go whole for PARTICIPANT_ID, and the (take, track) that go alone: an
    isolated track alone, or a loop's layer, when that is the only place they are heard; a
    take whose every track goes, whole."""
    whole, alone = [], []
    for take_id in takes.ids(db):
        take = takes.get(db, take_id)
        theirs = [t for t in take.tracks if participant_id in t.participant_ids]
        if not theirs:
            continue
        separate = take.is_loop or all(t.isolated for t in theirs)
        if separate and len(theirs) < len(take.tracks):
            alone += [(take_id, t.id) for t in theirs]
        else:
            whole.append(take_id)
    return whole, alone


def _erased(db: Connection, participant_id: int) -> bool:
    return db.execute("SELECT erased_at IS NOT NULL FROM participants WHERE id = ?",
                      (participant_id,)).fetchone()[0] == 1


def _names(db: Connection, participant_id: int) -> list[str]:
    person = participants.get(db, participant_id)
    return [name for name in (person.pseudonym, person.real_name) if name]


def _heard(tracks: Sequence) -> set[int]:
    return {pid for track in tracks for pid in track.participant_ids}


def _take_name(db: Connection, take_id: int) -> str:
    take = takes.get(db, take_id)
    session = sessions.get(db, take.session_id)
    return _("take {number} of {session} ({date})").format(
        number=take.number, session=session.title, date=session.date.isoformat())


def _cached(plan: DeletionPlan) -> list[str]:
    """The files of PLAN outside the folders of the takes that go whole (caches, and the
    files of tracks that go alone)."""
    inside = tuple(f"{takes.take_folder(take.take_id)}/" for take in plan.takes)
    return [f.path for f in plan.files if not f.path.startswith(inside)]


def _clean_reason(reason: str) -> str:
    cleaned = one_line(reason, _("The reason"), MAX_REASON_LENGTH)
    if not cleaned:
        raise InputError(_("Give the reason for the deletion: the audit log keeps it."))
    return cleaned


def _details(plan: DeletionPlan) -> dict:
    """What the audit row keeps of PLAN: ids and sizes, never a name or a title."""
    return {"files": len(plan.files), "bytes": plan.bytes,
            "takes": [take.take_id for take in plan.takes],
            "tracks": [track for _take, track in plan.tracks],
            "songs": [song.song_id for song in plan.songs_deleted],
            "exports_to_recall": [export.export_id for export in plan.exports_to_recall]}


def _unique(files: list[FileToRemove]) -> tuple[FileToRemove, ...]:
    return tuple({f.path: f for f in files}.values())


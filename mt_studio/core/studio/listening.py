"""Listening: a take resolved into what it plays as, in one place, and what is kept of how it
was listened to (its loop, practice speed and pitch, its mix), its name, note and markers.

What a take plays as: its tracks with their files; the layers a looper left out (undone or
muted there) silent; a looper's take looping whole unless another loop was kept; the loop,
speed, pitch and levels kept from the last time it was listened to. Playback, the export, the
plugins and the command line all start from `sound`.
"""

from __future__ import annotations

from sqlite3 import Connection
from typing import TYPE_CHECKING

from mt_studio.core.capture.part_check import FileCheck, check_sound
from mt_studio.core.domain.sound import SoundingTrack, TakeSound
from mt_studio.core.library import layers, listening, sessions, takes
from mt_studio.core.library.listening import Listening, TrackLevel
from mt_studio.core.library.takes import Take, Track
from mt_studio.core.studio.events import TakeChanged

if TYPE_CHECKING:
    from mt_studio.core.playback import TakePlayer
    from mt_studio.core.studio.studio import Studio
    from mt_studio.core.studio.take_places import TakePlaces

__all__ = ["FileCheck", "Listening", "SoundingTrack", "Take", "TakeSound", "Track", "TrackLevel"]


class ListeningService:
    """What a therapist or participant does when listening to takes; TakeChanged is
    announced when a take is named, noted or marked."""

    def __init__(self, studio: Studio) -> None:
        self._studio = studio

    def take(self, take_id: int) -> Take:
        """The take TAKE_ID; InputError if there is none."""
        with self._studio._reading() as db:
            return takes.get(db, take_id)

    def sound(self, take_id: int) -> TakeSound:
        """TAKE_ID resolved into what it plays as (audited: its sound is shown)."""
        sound = self._sound(take_id)
        self._studio.note_read("take.shown", f"take:{take_id}")
        return sound

    def player(self, take_id: int, device: int | str | None = None) -> TakePlayer:
        """A player of TAKE_ID on DEVICE (None: the system's output), not open yet, the
        layers the looper left out muted. Its MIDI tracks sound once `prepare()` has made
        their sound (a worker's call)."""
        from mt_studio.core.mixing import TrackMix
        from mt_studio.core.playback import TakePlayer

        sound = self._sound(take_id)
        self._studio.note_read("take.played", f"take:{take_id}")
        player = TakePlayer(sound, device)
        for index, track_id in enumerate(player.track_ids):
            if track_id in sound.left_out:
                player.set_mix(index, TrackMix(mute=True))
        return player

    def verify(self, take_id: int | None = None) -> list[FileCheck]:
        """Every file of TAKE_ID (None: of every take) checked against the hash it was
        finalized with: matching, unchecked (kept before files were hashed), changed or
        missing. It reads the files, not what they hold, so nothing is audited."""
        with self._studio._reading() as db:
            ids = [take_id] if take_id is not None else takes.ids(db)
            sounds = [resolve(db, self._studio._shared.places, i) for i in ids]
        return [check for sound in sounds for check in check_sound(sound)]

    def keep(self, take_id: int, state: Listening) -> None:
        """Keep STATE as how TAKE_ID was left; InputError names what does not fit the take."""
        with self._studio._transaction() as tx:
            listening.keep(tx, take_id, state)

    def describe(self, take_id: int, name: str | None, note: str) -> Take:
        """Name a take (None or blank: called by its number) and give it a note."""
        with self._studio._transaction() as tx:
            take = takes.describe(tx, take_id, name, note)
            self._studio._announce(TakeChanged(take.id, take.session_id))
        return take

    def add_marker(self, take_id: int, frame: int, name: str = "") -> Take:
        """Mark FRAME of the take with NAME."""
        with self._studio._transaction() as tx:
            takes.add_marker(tx, take_id, frame, name)
            take = takes.get(tx, take_id)
            self._studio._announce(TakeChanged(take.id, take.session_id))
        return take

    def _sound(self, take_id: int) -> TakeSound:
        with self._studio._reading() as db:
            return resolve(db, self._studio._shared.places, take_id)


def resolve(db: Connection, places: TakePlaces, take_id: int) -> TakeSound:
    """TAKE_ID resolved into what it plays as, its files where PLACES says they are (the
    service's `sound`, for a caller already holding the connection)."""
    take = takes.get(db, take_id)
    folder, elsewhere = places.where(db, take_id)
    silent = layers.left_out(db, take_id)
    parts = {t.id: takes.hashed_parts(db, t.id) for t in take.tracks}
    tracks = tuple(SoundingTrack(t, tuple(folder / file for file, _hash in parts[t.id]),
                                 t.id in silent, tuple(sha256 for _file, sha256 in parts[t.id]))
                   for t in take.tracks)
    tempo = sessions.get(db, take.session_id).tempo_bpm
    kept = listening.of_take(db, take_id)
    loop = (0, take.frames) if take.is_loop and take.frames else None
    sound = TakeSound(take, tracks, folder, tempo, loop, kept, spooled_on=elsewhere)
    places.note_reader(sound)
    return sound

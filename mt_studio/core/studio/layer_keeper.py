"""A looper's layers kept in the library: consent asked for each player, each layer a track
of the session's loop take, undo, redo and mute; TakeChanged announced for each change."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from sqlite3 import Connection
from typing import TYPE_CHECKING

from mt_studio.core.capture.file_seal import seal_for
from mt_studio.core.capture.take_capture import hold_lock
from mt_studio.core.capture.take_plan import TakeRequest
from mt_studio.core.consent_policy import heard_on
from mt_studio.core.domain import TakeStatus, TrackKind
from mt_studio.core.domain.takes import Layer
from mt_studio.core.errors import ConsentRefused
from mt_studio.core.library import layers, takes
from mt_studio.core.library.sessions import MAX_NAME_LENGTH as LABEL_LENGTH
from mt_studio.core.studio import encryption
from mt_studio.core.studio.events import TakeChanged
from mt_studio.core.text import one_line
from mt_studio.i18n import _

if TYPE_CHECKING:
    from mt_studio.core.looper import LayerToKeep, Player
    from mt_studio.core.studio.studio import Studio


class SessionLayerKeeper:
    """The looper's `LayerKeeper` for SESSION_ID of the studio: its layers become tracks of a
    take of the session, recorded on DEVICE at SAMPLERATE."""

    def __init__(self, studio: Studio, session_id: int, device: str, samplerate: int) -> None:
        self._studio = studio
        self._actor = studio.actor  # the looper's layers are its starter's, even after a lock
        self.session_id = session_id
        self.device = device
        self.samplerate = samplerate
        self._held: dict[int, int] = {}  # the loop takes held in the spool: their locks

    def heard(self, player: Player) -> tuple[int, ...]:
        """Who can be heard on PLAYER's layer by the consent rules; ConsentRefused naming who
        may not be recorded. InputError for a label its track could not keep: said before the
        layer is played, never after."""
        one_line(player.label, _("The instrument"), LABEL_LENGTH)
        request = TakeRequest(self.session_id, self.device, (player.input,),
                              owners={player.input: player.owners},
                              isolated=frozenset({player.input}) if player.isolated else
                              frozenset())
        from mt_studio.core.studio.recording import RecordingService

        recording = self._studio._service(RecordingService, guarded=False)
        plan = recording.plan(request, (player.input,))
        if player.input in plan.disarmed:
            raise ConsentRefused(_("Input {input} cannot be recorded: {why}.").format(
                input=player.input, why=plan.disarm_reasons.get(player.input, "")))
        if not plan.allowed:
            raise ConsentRefused(plan.refusal)
        return tuple(sorted(heard_on(plan.tracks[0], plan.present)))

    def keep(self, take_id: int | None, layer: LayerToKeep,
             write: Callable[[Path], str]) -> tuple[int, int]:
        """Keep LAYER as the next layer of TAKE_ID (None: a new take of the session), its sound
        written by WRITE; all or nothing (a file that cannot be written leaves no row)."""
        # Called from the looper's writer thread: the transaction holds the studio's lock, so
        # the window's reads and changes on the same connection wait for it to be whole.
        player = layer.player
        new = take_id is None
        try:
            with self._studio._transaction(actor=self._actor) as tx:
                if take_id is None:
                    take_id = takes.start(tx, self.session_id, self.samplerate,
                                          sample_format="float32", device=self.device)
                    takes.finish(tx, take_id, layer.frames, status=TakeStatus.COMPLETE)
                    encryption.new_take_key(self._studio, tx, take_id)
                key = encryption.take_key_in(self._studio, tx, take_id)
                track = takes.add_track(tx, take_id, TrackKind.AUDIO,
                                        participant_ids=layer.heard, input=player.input,
                                        isolated=player.isolated,
                                        instrument=player.label or None)
                seal = seal_for(key, take_id, track.file)
                path = self._folder(tx, take_id) / track.file
                sha256 = write(path) if seal is None else write(path, seal)
                takes.add_part(tx, track.id, 1, 0, layer.frames, track.file, sha256)
                layers.add(tx, track.id, latency=layer.latency)
                self._studio._announce(TakeChanged(take_id, self.session_id))
        except BaseException:
            if new and take_id is not None:
                self._let_go(take_id)  # no such take after all
            raise
        return take_id, track.id

    def done(self, take_id: int | None) -> None:
        """The looper is done with TAKE_ID: a take in this computer's spool is copied to the
        store from now on."""
        if take_id is not None and take_id in self._held:
            self._let_go(take_id)
            self._studio._shared.places.mover_for(self._studio).wake()

    def _folder(self, tx: Connection, take_id: int) -> Path:
        """The folder TAKE_ID's layers are written into: this computer's spool of a service's
        library (the take held there until the looper is done), else the library's."""
        folder = self._studio._shared.places.note_recording(tx, take_id)
        if folder != self._studio.folder and take_id not in self._held:
            self._held[take_id] = hold_lock(folder / takes.take_folder(take_id))
        return folder

    def _let_go(self, take_id: int) -> None:
        held = self._held.pop(take_id, None)
        if held is not None:
            os.close(held)

    def undo(self, take_id: int) -> Layer | None:
        """Leave the newest layer of TAKE_ID out of the loop (kept); the layer, or None."""
        return self._change(layers.undo, take_id)

    def redo(self, take_id: int) -> Layer | None:
        """Bring back the layer of TAKE_ID undone last; the layer, or None if none may be."""
        return self._change(layers.redo, take_id)

    def set_muted(self, take_id: int, track_id: int, muted: bool) -> None:
        """Mute or unmute the layer on TRACK_ID of TAKE_ID."""
        with self._studio._transaction(actor=self._actor) as tx:
            layers.set_muted(tx, track_id, muted)
            self._studio._announce(TakeChanged(take_id, self.session_id))

    def of_take(self, take_id: int) -> list[Layer]:
        """The layers of TAKE_ID, first played first."""
        with self._studio._reading() as db:
            return layers.of_take(db, take_id)

    def _change(self, change, take_id: int) -> Layer | None:
        with self._studio._transaction(actor=self._actor) as tx:
            changed = change(tx, take_id)
            if changed is not None:
                self._studio._announce(TakeChanged(take_id, self.session_id))
        return changed

"""A participant's looper in My songs: its layers recorded only from the inputs the session
assigned to them, who is heard on each as the session's layout says, refusals naming nobody,
and undo, redo and mute only on the loop take it made (docs/architecture.md, "Looped")."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from mt_studio.core.capture.take_plan import TakeRequest
from mt_studio.core.consent_policy import heard_on
from mt_studio.core.errors import AccessRefused, ConsentRefused
from mt_studio.core.library import sessions
from mt_studio.core.looper import LayerToKeep, Player
from mt_studio.core.studio.layer_keeper import SessionLayerKeeper
from mt_studio.i18n import _

if TYPE_CHECKING:
    from mt_studio.core.domain.takes import Layer
    from mt_studio.core.studio.participant_studio import ParticipantStudio


def not_possible_now() -> ConsentRefused:
    """The consent rules' refusal in My songs: worded without anyone's name."""
    return ConsentRefused(_("Recording is not possible right now. Ask your therapist."))


class MyLayerKeeper(SessionLayerKeeper):
    """The looper's `LayerKeeper` for the participant of MINE: a layer of theirs becomes a
    track of their loop take, kept through their door (audited as theirs)."""

    def __init__(self, mine: ParticipantStudio, device: str, samplerate: int) -> None:
        super().__init__(mine._door, mine.session_id, device, samplerate)
        self._mine = mine
        self._take_id: int | None = None  # the loop take this keeper made

    def heard(self, player: Player) -> tuple[int, ...]:
        """Who can be heard on PLAYER's layer, as the session's layout says; AccessRefused for
        anyone else's input or player, ConsentRefused naming nobody."""
        self._own(player)
        recording = self._mine.recording
        request = recording._checked(TakeRequest(self.session_id, self.device, (player.input,),
                                                 samplerate=self.samplerate))
        plan = self._mine._recording.plan(request, (player.input,))
        if player.input in plan.disarmed or not plan.allowed:
            raise not_possible_now()
        return tuple(sorted(heard_on(plan.tracks[0], plan.present)))

    def keep(self, take_id: int | None, layer: LayerToKeep,
             write: Callable[[Path], str]) -> tuple[int, int]:
        """Keep LAYER in their loop take (None: a new one), its track as the session's layout
        says the input is (isolated or not, its label), whatever the looper was told."""
        if take_id is not None:
            self._check_take(take_id)
        kept = super().keep(take_id, replace(layer, player=self._layout_player(layer.player)),
                            write)
        self._take_id = kept[0]
        return kept

    def undo(self, take_id: int) -> Layer | None:
        """Leave the newest layer of their loop take out (AccessRefused for any other take)."""
        self._check_take(take_id)
        return super().undo(take_id)

    def redo(self, take_id: int) -> Layer | None:
        """Bring back the layer of their loop take undone last."""
        self._check_take(take_id)
        return super().redo(take_id)

    def set_muted(self, take_id: int, track_id: int, muted: bool) -> None:
        """Mute or unmute a layer of their loop take."""
        self._check_take(take_id)
        if track_id not in {layer.track_id for layer in super().of_take(take_id)}:
            raise AccessRefused(_("That is not yours to open here. Ask your therapist."))
        super().set_muted(take_id, track_id, muted)

    def of_take(self, take_id: int) -> list[Layer]:
        """The layers of their loop take, first played first."""
        self._check_take(take_id)
        return super().of_take(take_id)

    def _own(self, player: Player) -> None:
        if set(player.owners) - {self._mine.participant.id}:
            raise AccessRefused(_("Only you can be recorded here."))

    def _layout_player(self, player: Player) -> Player:
        with self._mine._door._reading() as db:
            layout = {i.number: i for i in sessions.get(db, self.session_id).inputs}
        given = layout.get(player.input)
        return Player(player.input, (self._mine.participant.id,),
                      given is not None and given.isolated, given.label if given else None)

    def _check_take(self, take_id: int) -> None:
        if take_id != self._take_id:
            raise AccessRefused(_("That is not yours to open here. Ask your therapist."))

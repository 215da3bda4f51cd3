"""A participant's own studio ("My songs"): what a participant at the keyboard may see and do.

A therapist starts it for one participant present in a session (`Studio.for_participant`);
the therapist's studio locks meanwhile. It is another door to the same library, acting as
that participant (every audit row says so, and who started it), and its services give only
what is theirs, however they are asked: their songs (where they are a writer, co-writers
unnamed), the takes they are heard on where everyone else heard may be heard by the group,
recording and looping on the inputs the session assigned to them, playing, practising, and
a copy of their own through the export gate. Nothing names anyone else: a refusal that would
is worded without names. Anything else is AccessRefused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from mt_studio.core.capture.take_plan import MIDI_KEY
from mt_studio.core.clock import local_now
from mt_studio.core.consent_policy import heard_on, states_of
from mt_studio.core.domain import Participant, Purpose, TakeStatus
from mt_studio.core.domain.songs import Song, SongVersion
from mt_studio.core.domain.takes import Marker
from mt_studio.core.errors import AccessRefused, ConsentRefused, InputError
from mt_studio.core.export import ExportRequest
from mt_studio.core.library import consent_ledger, sessions, takes
from mt_studio.core.library.listening import Listening
from mt_studio.core.presets.model import AudioFormat
from mt_studio.i18n import _

if TYPE_CHECKING:
    from mt_studio.core.capture.take_plan import TakePlan, TakeRequest
    from mt_studio.core.domain.sound import TakeSound
    from mt_studio.core.domain.takes import Take
    from mt_studio.core.looper import Looper
    from mt_studio.core.playback import TakePlayer
    from mt_studio.core.studio.listening import ListeningService
    from mt_studio.core.studio.recording import Recording, RecordingService
    from mt_studio.core.studio.sharing import SharingService
    from mt_studio.core.studio.songs import SongService
    from mt_studio.core.studio.studio import Studio

OWN_COPY = "own copy"  # the recipient of a copy a participant takes of a take only they are on


def shown(take: Take) -> Take:
    """TAKE as a participant sees it: without the name and note a therapist gave it, nor the
    names of its markers, nor who else is heard on its tracks."""
    return replace(take, name=None, note="", markers=tuple(Marker(m.frame) for m in take.markers),
                   tracks=tuple(replace(t, participant_ids=(), instrument=None)
                                for t in take.tracks))


@dataclass(frozen=True)
class CopyMade:
    """A copy made: its folder and how many files it holds."""

    folder: Path
    files: int


def _not_theirs() -> AccessRefused:
    return AccessRefused(_("That is not yours to open here. Ask your therapist."))


class ParticipantStudio:
    """The studio of PARTICIPANT at the keyboard, in SESSION_ID, through DOOR (a studio
    acting as them); `songs`, `listening`, `recording` and `sharing` hold only what is theirs,
    `takes()` the takes they may hear. `events` tells what changes, as the full studio's."""

    def __init__(self, door: Studio, participant: Participant, session_id: int) -> None:
        self._door = door
        self.participant = Participant(participant.id, participant.pseudonym)  # no real name
        self.session_id = session_id
        self.events = door.events
        self.songs = MySongs(self)
        self.listening = MyListening(self)
        self.recording = MyRecording(self)
        self.sharing = MySharing(self)

    @property
    def folder(self) -> Path:
        """The library's folder (where a take's files are)."""
        return self._door.folder

    def names(self) -> dict[int, str]:
        """The names this studio may show: the participant's own pseudonym only."""
        return {self.participant.id: self.participant.pseudonym}

    def takes(self) -> list[Take]:
        """The finished takes they are heard on whose everyone else heard consents to the
        group hearing them now, first recorded first (`shown`: no therapist's words)."""
        heard = self._heard_takes()
        may = self._group_may_hear(frozenset().union(*(others for _take, others in heard)))
        return [shown(take) for take, others in heard if others <= may]

    def take(self, take_id: int) -> Take:
        """TAKE_ID if it is one of `takes()` (`shown`), else AccessRefused."""
        return shown(self._theirs(take_id)[0])

    def alone_on(self, take_id: int) -> bool:
        """Whether nobody but them is heard on TAKE_ID (one of theirs)."""
        return not self._theirs(take_id)[1]

    def close(self) -> None:
        """Participant mode ends (the therapist has signed in again)."""
        self._door.note_read("participant_mode.ended", f"participant:{self.participant.id}",
                             self.participant.id)

    # -- for its services -----------------------------------------------------------------

    def _full(self, kind: type) -> object:
        """The full service KIND on the door acting as the participant (whose own service
        properties refuse a participant), for this module's services to narrow."""
        return self._door._service(kind, guarded=False)

    @property
    def _songs(self) -> SongService:
        from mt_studio.core.studio.songs import SongService

        return self._full(SongService)

    @property
    def _listening(self) -> ListeningService:
        from mt_studio.core.studio.listening import ListeningService

        return self._full(ListeningService)

    @property
    def _recording(self) -> RecordingService:
        from mt_studio.core.studio.recording import RecordingService

        return self._full(RecordingService)

    @property
    def _sharing(self) -> SharingService:
        from mt_studio.core.studio.sharing import SharingService

        return self._full(SharingService)

    def _theirs(self, take_id: int) -> tuple[Take, frozenset[int]]:
        """TAKE_ID, if one of theirs the group may hear, with everyone else heard on it;
        else AccessRefused (whether it exists or not)."""
        with self._door._reading() as db:
            try:
                take = takes.get(db, take_id)
            except InputError:
                raise _not_theirs() from None
            present = sessions.get(db, take.session_id).participants
        others = self._others_heard(take, frozenset(p.id for p in present))
        if others is None or not others <= self._group_may_hear(others):
            raise _not_theirs()
        return take, others

    def _heard_takes(self) -> list[tuple[Take, frozenset[int]]]:
        """Their finished takes, first recorded first, with everyone else heard on each."""
        found = []
        with self._door._reading() as db:
            for session in sessions.all_sessions(db):
                present = frozenset(p.id for p in session.participants)
                for take in takes.for_session(db, session.id):
                    others = self._others_heard(take, present)
                    if others is not None:
                        found.append((take, others))
        return sorted(found, key=lambda pair: pair[0].started_at)

    def _others_heard(self, take: Take, present: frozenset[int]) -> frozenset[int] | None:
        """Everyone but them heard on TAKE (recorded with PRESENT); None if it is still
        recording or they are not heard on it."""
        if take.status is TakeStatus.RECORDING:
            return None
        heard = frozenset().union(*(heard_on(t.plan(), present) for t in take.tracks))
        me = self.participant.id
        return heard - {me} if me in heard else None

    def _group_may_hear(self, people: frozenset[int]) -> frozenset[int]:
        """Those of PEOPLE who consent to the group hearing them now (the ledger read once)."""
        if not people:
            return frozenset()
        with self._door._reading() as db:
            ledger = consent_ledger.events(db, people)
        now = local_now()
        return frozenset(p for p in people if states_of(ledger, p, now)[Purpose.GROUP].valid)


class MySongs:
    """Their songs: the ones they write, with the lyrics' versions; co-writers are not named."""

    def __init__(self, mine: ParticipantStudio) -> None:
        self._mine = mine

    def all(self) -> list[Song]:
        """The songs they are a writer of, by title."""
        hearable = self._hearable()
        return [self._shown(song, hearable) for song in self._mine._songs.all()
                if self._mine.participant.id in song.writer_ids]

    def get(self, song_id: int) -> Song:
        """Their song SONG_ID; AccessRefused for anyone else's."""
        return self._shown(self._theirs(song_id), self._hearable())

    def versions(self, song_id: int) -> list[SongVersion]:
        """Every version of their song's lyrics, oldest first."""
        self._theirs(song_id)
        return self._mine._songs.versions(song_id)

    def create(self, title: str, lyrics: str = "") -> Song:
        """A new song of theirs, with them as its writer."""
        song = self._mine._songs.create(title, [self._mine.participant.id], lyrics)
        return self._shown(song, frozenset())

    def save(self, song_id: int, lyrics: str) -> SongVersion:
        """Keep LYRICS as the next version of their song."""
        self._theirs(song_id)
        return self._mine._songs.save(song_id, lyrics)

    def rename(self, song_id: int, title: str) -> Song:
        """Give their song a new title."""
        self._theirs(song_id)
        return self._shown(self._mine._songs.rename(song_id, title), self._hearable())

    def link_take(self, song_id: int, take_id: int) -> bool:
        """Mark one of their takes as played of their song; whether it was new."""
        self._theirs(song_id)
        self._mine.take(take_id)
        return self._mine._songs.link_take(song_id, take_id)

    def _theirs(self, song_id: int) -> Song:
        try:
            song = self._mine._songs.get(song_id)
        except InputError:  # no such song: the same answer as someone else's
            raise _not_theirs() from None
        if self._mine.participant.id not in song.writer_ids:
            raise _not_theirs()
        return song

    def _hearable(self) -> frozenset[int]:
        return frozenset(take.id for take in self._mine.takes())

    def _shown(self, song: Song, hearable: frozenset[int]) -> Song:
        """SONG with them its only writer named, and only the linked takes in HEARABLE."""
        return replace(song, writers=(self._mine.participant,),
                       take_ids=tuple(t for t in song.take_ids if t in hearable))


class MyListening:
    """Playing and practising their takes."""

    def __init__(self, mine: ParticipantStudio) -> None:
        self._mine = mine

    def sound(self, take_id: int) -> TakeSound:
        """Their take resolved into what it plays as (its take `shown`)."""
        take = self._mine.take(take_id)
        shown = replace(self._mine._listening.sound(take_id), take=take)
        self._mine._door._shared.places.note_reader(shown)  # its files stay while it lives
        return shown

    def player(self, take_id: int, device: int | str | None = None) -> TakePlayer:
        """A player of their take (audited as played)."""
        self._mine.take(take_id)
        return self._mine._listening.player(take_id, device)

    def keep(self, take_id: int, state: Listening) -> None:
        """Keep how they listen to their take (a loop, slower or faster for practice)."""
        self._mine.take(take_id)
        self._mine._listening.keep(take_id, state)


class MyRecording:
    """Recording a take, or looping, on the inputs the session assigned to them."""

    def __init__(self, mine: ParticipantStudio) -> None:
        self._mine = mine

    def inputs(self) -> tuple[int, ...]:
        """The session's inputs they play or sing into."""
        with self._mine._door._reading() as db:
            session = sessions.get(db, self._mine.session_id)
        return tuple(i.number for i in session.inputs
                     if self._mine.participant.id in i.players)

    def plays_keyboard(self) -> bool:
        """Whether the session's MIDI keyboard is theirs to play."""
        return self.keyboard() is not None

    def keyboard(self) -> str | None:
        """The session's MIDI keyboard port if it is theirs to play (recorded with their
        takes), else None."""
        with self._mine._door._reading() as db:
            session = sessions.get(db, self._mine.session_id)
        if self._mine.participant.id not in session.midi_players:
            return None
        return session.midi_port

    def plan(self, request: TakeRequest) -> TakePlan:
        """What REQUEST (on their inputs only) would record, worded without anyone's name."""
        plan = self._mine._recording.plan(self._checked(request))
        if plan.refusal is None:
            return plan
        return replace(plan, refusal=_("Recording is not possible right now. Ask your "
                                       "therapist."), disarm_reasons={})

    def start(self, request: TakeRequest) -> Recording:
        """Record a take on their inputs; ConsentRefused worded without anyone's name."""
        try:
            return self._mine._recording.start(self._checked(request))
        except ConsentRefused as error:
            raise ConsentRefused(_("Recording is not possible right now. Ask your "
                                   "therapist.")) from error

    def looper(self, device: str, samplerate: int, inputs: int, *,
               round_trip: int = 0) -> Looper:
        """A looper on DEVICE (not open yet: `start()` opens it) whose layers are recorded only
        from their own inputs, with who is heard as the session's layout says, kept in a loop
        take of theirs; its refusals name nobody."""
        from mt_studio.core.looper import Looper
        from mt_studio.core.studio.my_layer_keeper import MyLayerKeeper

        if not self.inputs():
            raise AccessRefused(_("No input of this session is yours. Ask your therapist."))
        keeper = MyLayerKeeper(self._mine, device, samplerate)
        return Looper(keeper, device, samplerate, inputs, round_trip=round_trip)

    def _checked(self, request: TakeRequest) -> TakeRequest:
        mine = self.inputs()
        if request.session_id != self._mine.session_id:
            raise _not_theirs()
        if not mine:
            raise AccessRefused(_("No input of this session is yours. Ask your therapist."))
        wanted = request.inputs or mine
        if not set(wanted) <= set(mine):
            raise AccessRefused(_("Only your own inputs record here."))
        if request.midi and request.midi != self.keyboard():
            raise AccessRefused(_("The keyboard is not yours in this session."))
        me = (self._mine.participant.id,)
        with self._mine._door._reading() as db:
            layout = sessions.get(db, self._mine.session_id).inputs
        # Who else is heard is the session's to say, never the request's: a room mic is one.
        isolated = frozenset(i.number for i in layout if i.isolated and i.number in wanted)
        owners: dict[int | str, tuple[int, ...]] = {n: me for n in wanted}
        if request.midi:
            owners[MIDI_KEY] = me
        return replace(request, inputs=tuple(wanted), owners=owners, isolated=isolated)


class MySharing:
    """"My copy": one of their takes written where they choose, through the export gate."""

    def __init__(self, mine: ParticipantStudio) -> None:
        self._mine = mine

    def my_copy(self, take_id: int, destination: Path, *,
                format: AudioFormat = AudioFormat.MP3,
                progress: Callable[[float], None] | None = None,
                cancelled: Callable[[], bool] | None = None) -> CopyMade:
        """Export their take's mix to DESTINATION: for the group when others are heard (all of
        them must consent to that; the files credit those who chose to be credited), else a
        copy of their own (while they still consent to the recording). ConsentRefused is
        worded without anyone's name; a destination inside the library is refused."""
        if Path(destination).resolve().is_relative_to(self._mine.folder.resolve()):
            raise AccessRefused(_("Choose a USB stick or a folder of your own."))
        take = self._mine.take(take_id)
        alone = self._mine.alone_on(take_id)
        request = ExportRequest(
            take.id, Purpose.RECORD if alone else Purpose.GROUP, Path(destination),
            format=format, recipient=OWN_COPY if alone else self._mine.participant.pseudonym)
        try:
            result = self._mine._sharing.export(request, progress=progress,
                                                cancelled=cancelled)
        except ConsentRefused as error:
            raise ConsentRefused(_("This take cannot be copied right now. Ask your "
                                   "therapist.")) from error
        return CopyMade(result.folder, len(result.files))

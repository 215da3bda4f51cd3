"""An export made concrete: which tracks, who is heard on them, their consent, their credits.

Nothing here reads the library or writes a file: the studio reads what an export is planned
from (`ExportFacts`). `plan_from` refuses (ConsentRefused, exit 3) when anyone heard lacks the
purpose, and refuses a title, group or recipient that names a person who did not choose to be
credited by that name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from mt_studio.core.consent_policy import (
    Decision,
    credit_choice,
    heard_on,
    may_export,
    purpose_words,
)
from mt_studio.core.domain import (
    ConsentEvent,
    Credit,
    Participant,
    Purpose,
    TakeStatus,
    TrackKind,
    TrackPlan,
)
from mt_studio.core.domain.songs import Song
from mt_studio.core.domain.takes import Take, Track
from mt_studio.core.errors import ConsentRefused, InputError
from mt_studio.core.export.names import names_in
from mt_studio.core.export.request import ExportRequest
from mt_studio.core.mixing import TrackMix
from mt_studio.i18n import _


@dataclass(frozen=True)
class ExportFacts:
    """What an export of a take is planned from, read by the studio in one go: the TAKE, the
    tracks a looper LEFT_OUT, who was PRESENT at its session, EVERYONE in the library (whose
    names must not leak), the LEDGER in the order written, and the SONGS linked to the take."""

    take: Take
    left_out: frozenset[int]
    present: frozenset[int]
    everyone: tuple[Participant, ...]
    ledger: tuple[ConsentEvent, ...]
    songs: tuple[Song, ...]
    # the library's id and its hash chains' heads when the export began, for the manifest
    chain_heads: Mapping[str, object] | None = None

    @property
    def pseudonyms(self) -> dict[int, str]:
        """Everyone's pseudonym by id, for messages."""
        return {person.id: person.pseudonym for person in self.everyone}


@dataclass(frozen=True)
class HeardPerson:
    """Someone heard on the export, with the credit they chose and how it reads (or None)."""

    participant_id: int
    pseudonym: str
    credit: Credit
    credit_text: str | None


@dataclass(frozen=True)
class ExportPlan:
    """Everything an export will write, decided before the first byte is written."""

    request: ExportRequest
    take: Take
    audio: tuple[Track, ...]
    mixes: tuple[TrackMix, ...]  # one per audio track
    midi: tuple[Track, ...]
    present: frozenset[int]
    heard: tuple[HeardPerson, ...]
    title: str
    lyrics: str | None  # the linked song's words, when every writer shares them
    forbidden: tuple[str, ...]  # names and pseudonyms nobody chose as a credit
    writers: frozenset[int] = frozenset()  # who wrote the words shared (asked again, logged)
    midi_mixes: tuple[TrackMix, ...] = ()  # one per MIDI track
    chain_heads: Mapping[str, object] | None = None  # as in ExportFacts

    @property
    def sounding_mixes(self) -> tuple[TrackMix, ...]:
        """How each track of the audio written sounds: the audio tracks, then, in a mix, the
        MIDI tracks as the synthesizer plays them (stems keep MIDI as .mid files only)."""
        return self.mixes if self.request.stems else self.mixes + self.midi_mixes

    @property
    def start(self) -> int:
        """The first frame exported."""
        return self.request.region[0] if self.request.region else 0

    @property
    def end(self) -> int:
        """The frame after the last one exported."""
        return min(self.request.region[1], self.take.frames) if self.request.region \
            else self.take.frames

    @property
    def credits(self) -> tuple[str, ...]:
        """The credits, as each person chose them, in a stable order."""
        return tuple(sorted({p.credit_text for p in self.heard if p.credit_text},
                            key=str.casefold))

    def tracks(self) -> tuple[Track, ...]:
        """Every exported track, audio first."""
        return self.audio + self.midi

    @property
    def participant_ids(self) -> frozenset[int]:
        """Everyone the export carries: the people heard, and the writers of shared words."""
        return frozenset(p.participant_id for p in self.heard) | self.writers

    def check_consent(self, ledger: Sequence[ConsentEvent], at: datetime) -> Decision:
        """The policy's answer at AT from LEDGER as it stands (read again for the checks while
        the files are written): everyone heard, and the writers of the words when they go
        along."""
        plans = [t.plan() for t in self.tracks()]
        if self.writers:
            plans.append(TrackPlan("lyrics", self.writers, isolated=True))
        return may_export(plans, self.present, self.request.purpose, ledger, at)


@dataclass(frozen=True)
class Hearing:
    """Which tracks an export would carry, who is heard on them, and the policy's answer."""

    take: Take
    audio: tuple[Track, ...]
    mixes: tuple[TrackMix, ...]  # one per audio track
    midi: tuple[Track, ...]
    present: frozenset[int]
    heard: tuple[HeardPerson, ...]
    decision: Decision
    ledger: tuple[ConsentEvent, ...]
    midi_mixes: tuple[TrackMix, ...] = ()  # one per MIDI track


def hearing_from(facts: ExportFacts, request: ExportRequest, at: datetime) -> Hearing:
    """Who REQUEST's tracks carry and whether they all consent at AT, from FACTS; raises
    InputError only for a request that cannot be made (a take being recorded, no such track,
    nothing left)."""
    take = facts.take
    if take.id != request.take_id:
        raise ValueError(f"facts of take {take.id} for an export of take {request.take_id}")
    if take.status is TakeStatus.RECORDING:
        raise InputError(_("Take {number} is still being recorded (or waits to be recovered); "
                           "export it once it has stopped.").format(number=take.number))
    if request.region is not None and request.region[0] >= take.frames:
        raise InputError(_("The region starts at or after the end of take {number}.").format(
            number=take.number))
    chosen = [(track, request.mixes.get(track.id, TrackMix()))
              for track in _chosen_tracks(take, request.track_ids)
              if track.id not in facts.left_out]
    chosen = [(track, mix) for track, mix in chosen if not mix.mute]
    if any(mix.solo for _track, mix in chosen):  # a solo leaves the others out, mix and stems
        chosen = [(track, mix) for track, mix in chosen if mix.solo]
    audio = [track for track, _mix in chosen if track.kind is not TrackKind.MIDI]
    mixes = [mix for track, mix in chosen if track.kind is not TrackKind.MIDI]
    midi = [track for track, _mix in chosen if track.kind is TrackKind.MIDI]
    midi_mixes = [mix for track, mix in chosen if track.kind is TrackKind.MIDI]
    if not audio and not midi:
        raise InputError(_("Nothing to export: every chosen track is muted or left out."))
    exported = [t.plan() for t in audio + midi]
    heard_ids: set[int] = set()
    for track in exported:
        heard_ids |= heard_on(track, facts.present)
    heard = tuple(_heard_person(p, credit_choice(facts.ledger, p.id))
                  for p in facts.everyone if p.id in heard_ids)
    decision = may_export(exported, facts.present, request.purpose, facts.ledger, at)
    return Hearing(take, tuple(audio), tuple(mixes), tuple(midi), facts.present, heard,
                   decision, facts.ledger, tuple(midi_mixes))


def plan_from(facts: ExportFacts, request: ExportRequest, at: datetime,
              heard: Hearing | None = None) -> ExportPlan:
    """The plan for REQUEST at moment AT, from FACTS; raises ConsentRefused or InputError,
    writing nothing. HEARD is `hearing_from(facts, request, at)` when the caller has it."""
    heard = heard or hearing_from(facts, request, at)
    if not heard.decision.allowed:
        raise ConsentRefused(refusal(heard.decision, request.purpose, facts.pseudonyms))
    forbidden = forbidden_names(facts.everyone,
                                [p.credit_text for p in heard.heard if p.credit_text])
    title = (request.title or "").strip() or title_from(heard.take, facts.songs)
    for field, text in ((_("The title"), title), (_("The group's name"), request.group),
                        (_("The recipient"), request.recipient)):
        if names_in(text, forbidden):
            raise InputError(_("{field} \u201c{text}\u201d names someone who has not chosen to "
                               "be credited so; choose other words.").format(
                                   field=field, text=text))
    lyrics, writers = _shared_lyrics(facts.songs, request.purpose, heard.ledger, at)
    if lyrics:
        _check_lyrics(lyrics, [p for p in facts.everyone if p.id in writers], heard.ledger)
    return ExportPlan(request, heard.take, heard.audio, heard.mixes, heard.midi, heard.present,
                      heard.heard, title, lyrics, forbidden, writers, heard.midi_mixes,
                      facts.chain_heads)


def refusal(decision: Decision, purpose: Purpose, names: dict[int, str]) -> str:
    """The message of a refused export: who blocks it and why, and that nothing was written."""
    return _("Export for {purpose} refused: {why}. Nothing was written.").format(
        purpose=purpose_words(purpose), why=decision.describe(names))


def forbidden_names(everyone: Iterable[Participant], credits: Sequence[str]) -> tuple[str, ...]:
    """Every real name and pseudonym that is not itself one of CREDITS. A word of a name that
    a credit shows anyway ("Kari", credited so, of Kari Hansen) is not forbidden on its own:
    the name is then forbidden whole (written as one word) and by its other words."""
    allowed = {credit.casefold() for credit in credits}
    shown = {word.casefold() for credit in credits for word in credit.split()}
    names = set()
    for person in everyone:
        for name in (person.pseudonym, person.real_name):
            if not name or name.casefold() in allowed:
                continue
            words = name.split()
            if len(words) > 1 and any(word.casefold() in shown for word in words):
                names.add("".join(words))
                names.update(word for word in words if word.casefold() not in shown)
            else:
                names.add(name)
    return tuple(sorted(names, key=str.casefold))


def _check_lyrics(lyrics: str, writers: Sequence[Participant],
                  ledger: Sequence[ConsentEvent]) -> None:
    """InputError naming the first line of LYRICS that names one of its WRITERS other than
    as they chose to be credited; the message names the line, not the person."""
    credits = [_heard_person(p, credit_choice(ledger, p.id)).credit_text for p in writers]
    forbidden = forbidden_names(writers, [c for c in credits if c])
    for number, line in enumerate(lyrics.split("\n"), 1):
        if names_in(line, forbidden):
            raise InputError(_("Line {line} of the song's lyrics names one of its writers, who "
                               "has not chosen to be credited so; change the words before "
                               "sharing them. Nothing was written.").format(line=number))


def _chosen_tracks(take: Take, track_ids: tuple[int, ...] | None) -> list[Track]:
    if track_ids is None:
        return list(take.tracks)
    known = {track.id: track for track in take.tracks}
    unknown = [str(i) for i in track_ids if i not in known]
    if unknown:
        raise InputError(_("Take {number} has no track {tracks}.").format(
            number=take.number, tracks=", ".join(unknown)))
    return [known[i] for i in dict.fromkeys(track_ids)]


def _heard_person(person: Participant, credit: Credit) -> HeardPerson:
    if credit is Credit.NAME:
        text = person.real_name or person.pseudonym
    elif credit is Credit.PSEUDONYM:
        text = person.pseudonym
    else:
        text = None
    return HeardPerson(person.id, person.pseudonym, credit, text)


def title_from(take: Take, linked: Sequence[Song]) -> str:
    """The title an export of TAKE gets unless given one: the title of the one song LINKED to
    it, else "Take N"."""
    if len(linked) == 1:
        return linked[0].title
    return _("Take {number}").format(number=take.number)


def _shared_lyrics(linked: Sequence[Song], purpose: Purpose, ledger: Sequence[ConsentEvent],
                   at: datetime) -> tuple[str | None, frozenset[int]]:
    """The words of the one song LINKED to the take and its writers, if every writer holds
    PURPOSE now; else (None, nobody). A song nobody is named as writing of is not shared:
    nobody consented for it."""
    if len(linked) != 1 or not linked[0].writer_ids or not linked[0].latest.lyrics.strip():
        return None, frozenset()
    writers = frozenset(linked[0].writer_ids)
    if not may_export([TrackPlan("lyrics", writers, isolated=True)], (), purpose, ledger,
                      at).allowed:
        return None, frozenset()
    return linked[0].latest.lyrics, writers

"""The demo session in the library: made-up participants with their consent, a band session
and one synthesized take (the song, its files and its MIDI part come from mt_studio.core.demo),
to try playback, looping and sharing without an audio interface."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from mt_studio.core.capture.audio_capture import StopReason
from mt_studio.core.clock import local_now
from mt_studio.core.consent_policy import ConsentState, heard_on, states_of
from mt_studio.core.demo import (
    DEMO_PURPOSES,
    PLAYERS,
    TEMPO_BPM,
    WITNESS,
    DemoSong,
    synthesize_song,
    write_midi,
    write_wav,
)
from mt_studio.core.domain import Credit, Participant, SessionKind, TrackKind, TrackPlan
from mt_studio.core.errors import InputError
from mt_studio.core.library import Library, consent_ledger, participants, sessions, takes
from mt_studio.i18n import _

if TYPE_CHECKING:
    from sqlite3 import Connection


def create_demo_session(library: Library, song: DemoSong | None = None,
                        take_key: Callable[[Connection, int], bytes | None] | None = None
                        ) -> int:
    """Create a band session with made-up participants and one synthesized take (SONG, made
    here if not given); its id. In an encrypted library TAKE_KEY gives the take its key, and
    each file is sealed with it as soon as it is written.

    The participants are reused when they exist already, and given record, keep and group
    consent (witness "demo") if they do not hold it now. Runs in well under a second, but it
    writes about 18 MB: call it from a worker, not the GUI thread.
    """
    song = song or synthesize_song()
    take_folder: Path | None = None
    made: list[Path] = []  # the files and folder this call made, the only ones it may remove
    try:
        with library.transaction() as tx:
            people = [_participant(tx, player.pseudonym()) for player in PLAYERS]
            for person in people:
                _grant_missing(tx, person)
            session = sessions.create(
                tx, _("Demo session"), SessionKind.BAND, on=date.today(), participants=people,
                tempo_bpm=TEMPO_BPM,
                notes=_("Made-up music played by made-up participants, to try playback."),
                inputs=[sessions.SessionInput(p.input, p.label(), p.isolated, players=(who.id,))
                        for p, who in zip(PLAYERS, people, strict=True)],
            )
            take_id = takes.start(tx, session.id, song.samplerate, sample_format="pcm24",
                                  device=_("Demo (synthesized)"))
            key = take_key(tx, take_id) if take_key is not None else None
            take_folder = library.folder / takes.take_folder(take_id)
            if not take_folder.exists():
                take_folder.mkdir(parents=True)
                made.append(take_folder)
            present = [p.id for p in people]
            for player, person in zip(PLAYERS, people, strict=True):
                plan = TrackPlan(player.part, frozenset({person.id}), player.isolated)
                track = takes.add_track(tx, take_id, TrackKind.AUDIO, input=player.input,
                                        isolated=player.isolated, instrument=player.label(),
                                        participant_ids=heard_on(plan, present))
                write_wav(library.folder / track.file, getattr(song, player.part),
                          song.samplerate)
                made.append(library.folder / track.file)
                _seal(library.folder, track.file, key, take_id)
                takes.add_part(tx, track.id, 1, 0, song.frames, track.file)
            keys = next(p for p, player in zip(people, PLAYERS, strict=True)
                        if player.part == "keys")
            midi = takes.add_track(tx, take_id, TrackKind.MIDI, port=_("Demo keyboard"),
                                   isolated=True, instrument=_("Keys (MIDI)"),
                                   participant_ids=[keys.id])
            write_midi(library.folder / midi.file, song.keys_notes, song.samplerate)
            made.append(library.folder / midi.file)
            _seal(library.folder, midi.file, key, take_id)
            for frame, name in song.markers:
                takes.add_marker(tx, take_id, frame, name)
            takes.finish(tx, take_id, song.frames, stop_reason=StopReason.REQUESTED.value)
    except BaseException:
        for path in reversed(made):
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        raise
    return session.id


def _seal(folder: Path, name: str, key: bytes | None, take_id: int) -> None:
    """Seal the file NAME just written, in an encrypted library (made-up music: plain for a
    moment does no harm)."""
    if key is not None:
        from mt_studio.core.studio.file_sealing import seal_file_in_place

        why = seal_file_in_place(folder / name, key, name, take_id)
        if why is not None:
            raise InputError(why)


def _participant(db, pseudonym: str) -> Participant:
    try:
        return participants.find(db, pseudonym)
    except InputError:
        return participants.add(db, pseudonym)


def _grant_missing(db, person: Participant) -> None:
    now = states_of(consent_ledger.events(db, [person.id]), person.id, local_now())
    missing = [p for p in DEMO_PURPOSES if now[p].state is not ConsentState.GRANTED]
    if missing:
        consent_ledger.grant(db, person, missing, witness=WITNESS, credit=Credit.PSEUDONYM)

"""A band take to export in tests: three people who chose different credits, and their tracks.

Ola (real name Ola Nordmann) is credited by name, Kari Hansen by her pseudonym Kometen, and Per
Johansen ("Fiolinisten") chose no credit. A room mic hears everyone; Ola's bass is isolated;
Per sings into a mic labelled with his pseudonym; Kari plays a MIDI keyboard. Every name that
must never leave the library is in FORBIDDEN.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import mido
import numpy as np
import soundfile as sf

from mt_studio.core.domain import Credit, Purpose, SessionKind, TakeStatus, TrackKind
from mt_studio.core.library import Library, consent_ledger, participants, sessions, songs, takes

RATE = 48000
SECONDS = 6
FORBIDDEN = ("Blåbær", "Kari Hansen", "Per Johansen", "Fiolinisten",
             "Tirsdagsgruppa avdeling 3", "tilbakefall")
SHARED_PURPOSES = [Purpose.RECORD, Purpose.GROUP, Purpose.COMMUNITY, Purpose.PUBLIC]


@dataclass(frozen=True)
class Story:
    """The take and its people."""

    take_id: int
    room: int
    bass: int
    vocal: int
    keys: int
    ola: object
    kari: object
    per: object
    signals: dict[int, np.ndarray]  # by track id


def band_take(library: Library, seconds: float = SECONDS, subtype: str = "PCM_24") -> Story:
    """Record the story's take into LIBRARY (files written as SUBTYPE)."""
    frames = int(seconds * RATE)
    t = np.arange(frames) / RATE
    rng = np.random.default_rng(3)
    signals = [
        (0.1 * rng.standard_normal(frames)).astype(np.float32),
        (0.3 * np.sin(2 * np.pi * 82.4 * t)).astype(np.float32),
        (0.25 * np.sin(2 * np.pi * 440 * t) * (0.5 + 0.5 * np.sin(2 * np.pi * 3 * t)))
        .astype(np.float32),
    ]
    if subtype == "PCM_24":  # what a 24-bit file holds exactly
        signals = [np.round(s * 2**23) / 2**23 for s in signals]
    db = library.connection
    with library.transaction():
        ola = participants.add(db, "Blåbær", "Ola Nordmann")
        kari = participants.add(db, "Kometen", "Kari Hansen")
        per = participants.add(db, "Fiolinisten", "Per Johansen")
        for person, credit in ((ola, Credit.NAME), (kari, Credit.PSEUDONYM), (per, Credit.NONE)):
            consent_ledger.grant(db, person, SHARED_PURPOSES, witness="T. Terapeut",
                                 form_version="2026-2", credit=credit)
        session = sessions.create(db, "Tirsdagsgruppa avdeling 3", SessionKind.BAND,
                                  on=date(2026, 11, 24), participants=[ola, kari, per],
                                  notes="Snakket om tilbakefall")
        take_id = takes.start(db, session.id, RATE, sample_format="pcm24")
        everyone = [ola.id, kari.id, per.id]
        room = takes.add_track(db, take_id, TrackKind.AUDIO, input=1, instrument="Room",
                               participant_ids=everyone)
        bass = takes.add_track(db, take_id, TrackKind.AUDIO, input=2, isolated=True,
                               instrument="Bass", participant_ids=[ola.id])
        vocal = takes.add_track(db, take_id, TrackKind.AUDIO, input=3, isolated=True,
                                instrument="Fiolinisten vocal", participant_ids=[per.id])
        keys = takes.add_track(db, take_id, TrackKind.MIDI, port="Keystation", isolated=True,
                               instrument="Keys", participant_ids=[kari.id])
        for track in (room, bass, vocal):
            takes.add_part(db, track.id, 1, 0, frames, track.file)
        takes.add_marker(db, take_id, RATE * 2, "chorus")
        takes.add_marker(db, take_id, RATE * 4, "bridge")
        takes.finish(db, take_id, frames, status=TakeStatus.COMPLETE)
    (library.folder / takes.take_folder(take_id)).mkdir(parents=True)
    for track, signal in zip((room, bass, vocal), signals, strict=True):
        sf.write(library.folder / track.file, signal, RATE, subtype=subtype)
    _keyboard_file(library.folder / keys.file)
    return Story(take_id, room.id, bass.id, vocal.id, keys.id, ola, kari, per,
                 {room.id: signals[0], bass.id: signals[1], vocal.id: signals[2]})


def _keyboard_file(path) -> None:
    """One note a second at 120 BPM, in a file another program named after its player."""
    track = mido.MidiTrack([mido.MetaMessage("track_name", name="Kari Hansen"),
                            mido.MetaMessage("text", text="Fiolinisten was here")])
    for second in range(SECONDS):
        track.append(mido.Message("note_on", note=60 + second, velocity=90,
                                  time=0 if second == 0 else 480))
        track.append(mido.Message("note_off", note=60 + second, velocity=0, time=480))
    midi = mido.MidiFile(type=0, ticks_per_beat=480)
    midi.tracks.append(track)
    midi.save(path)


def a_song(library: Library, story: Story, writers: list) -> None:
    """A song linked to the take, written by WRITERS."""
    with library.transaction() as db:
        song = songs.create(db, "Lyset i vinduet", writers,
                            lyrics="Lyset i vinduet\nbrenner for oss", notes="bruk capo")
        songs.link_take(db, song.id, story.take_id)

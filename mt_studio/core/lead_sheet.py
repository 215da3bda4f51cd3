"""What analyses found, read for people: the spans shown on a take's timeline, the one-line
summary (tempo, key), and a lead sheet (the chords four bars a line, with the song's lyrics).

Nothing here reads the library: the studio's sharing service reads the take, what was found
in it and the song linked to it, and logs a lead sheet printed or saved."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from mt_studio.core.consent_policy import may_export
from mt_studio.core.domain import ConsentEvent, Purpose, TrackPlan
from mt_studio.core.domain.songs import Song
from mt_studio.core.domain.takes import StoredAnnotation, Take
from mt_studio.core.plugins.extensions import Annotation
from mt_studio.i18n import _

CHORD = "chord"
BARS_A_LINE = 4
SUMMARY_SEPARATOR = " · "


def on_timeline(annotation: Annotation, frames: int) -> bool:
    """Whether ANNOTATION is drawn along a take of FRAMES: chords always, anything else that
    covers a stretch of the take but not all of it (a section); a point or the whole take (a
    tempo, a key) is said in words instead."""
    if annotation.end is None:
        return False
    return annotation.kind == CHORD or not (annotation.start <= 0 and annotation.end >= frames)


def spans(found: Sequence[Annotation], frames: int) -> list[Annotation]:
    """The annotations drawn along a take of FRAMES (chords, sections), by start."""
    return sorted((a for a in found if on_timeline(a, frames)), key=lambda a: (a.start, a.end))


def summary(found: Sequence[Annotation], frames: int) -> str:
    """The rest, points and whole-take findings, as one line: "96 BPM · A minor"."""
    labels: list[str] = []
    for annotation in sorted(found, key=lambda a: a.start):
        if not on_timeline(annotation, frames) and annotation.label \
                and annotation.label not in labels:
            labels.append(annotation.label)
    return SUMMARY_SEPARATOR.join(labels)


def chords(stored: Sequence[StoredAnnotation]) -> list[Annotation]:
    """The chords, a bar each, of the first analysis that found any, by start."""
    first = next((s for s in stored if s.annotation.kind == CHORD), None)
    if first is None:
        return []
    return sorted((s.annotation for s in stored if s.annotation.kind == CHORD
                   and (s.plugin_id, s.analysis_id) == (first.plugin_id, first.analysis_id)),
                  key=lambda a: a.start)


def chord_lines(labels: Sequence[str], per_line: int = BARS_A_LINE) -> list[str]:
    """Bars of chords PER_LINE a line, each cell as wide as the widest chord:
    ["| C  | Am | F  | G  |", ...]."""
    if not labels:
        return []
    width = max(len(label) for label in labels)
    cells = [label.ljust(width) for label in labels]
    return ["| " + " | ".join(cells[i:i + per_line]) + " |"
            for i in range(0, len(cells), per_line)]


@dataclass(frozen=True)
class LeadSheet:
    """A take's lead sheet: its title, chord lines and the song's lyrics ("" if none)."""

    title: str
    chord_lines: tuple[str, ...]
    lyrics: str = ""
    song_id: int | None = None
    writers: tuple[int, ...] = ()  # whose words the sheet carries (none when left out)

    def text(self) -> str:
        """The sheet as plain text: the title, a blank line, the chords, and the lyrics."""
        parts = [self.title, "", *self.chord_lines]
        if self.lyrics.strip():
            parts += ["", self.lyrics.rstrip("\n")]
        return "\n".join(parts) + "\n"


def writers_share(song: Song, ledger: Sequence[ConsentEvent], at: datetime) -> bool:
    """Whether SONG's words may go on a lead sheet, which is printed for the group: it names
    its writers and every one of them holds `group` consent at AT by LEDGER."""
    words = TrackPlan("lyrics", frozenset(song.writer_ids), isolated=True)
    return bool(song.writer_ids) and may_export([words], (), Purpose.GROUP, ledger, at).allowed


def lead_sheet_from(take: Take, stored: Sequence[StoredAnnotation], song: Song | None,
                    shared: bool) -> LeadSheet:
    """The lead sheet of TAKE from its STORED annotations: titled by SONG, the one song linked
    to it (else "Take N"), with that song's latest lyrics when SHARED (`writers_share`); else
    a line saying why the words are left out."""
    title, lyrics = _("Take {number}").format(number=take.number), ""
    song_id, writers = None, ()
    if song is not None:
        title, song_id = song.title, song.id
        if song.latest.lyrics.strip():
            lyrics = song.latest.lyrics if shared else _(
                "(The words are left out: not everyone who wrote them has agreed to share "
                "them in the group.)")
            writers = tuple(sorted(song.writer_ids)) if shared else ()
    return LeadSheet(title, tuple(chord_lines([a.label for a in chords(stored)])), lyrics,
                     song_id, writers)

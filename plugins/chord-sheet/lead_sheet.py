"""The lead sheet: lead-sheet.txt with the title, whoever chose to be credited, the metre and
tempo, the chords four bars a line, and the song's lyrics.

The chords are the export's "chord" annotations when it has them, else the chord analysis is
run on the exported sound. Nothing else about the take goes in: its markers, for one, may hold
a therapist's notes.
"""

from __future__ import annotations

from mt_studio.plugin_api import Annotation, ExportContext

from .chords import find_chords

FILE = "lead-sheet.txt"
BARS_PER_LINE = 4


def write_lead_sheet(context: ExportContext) -> list[str]:
    """Write FILE into the export's folder; its name."""
    chords = sorted((a for a in context.annotations if a.kind == "chord"),
                    key=lambda a: a.start)
    if not chords:
        chords = find_chords(context.audio)
    (context.folder / FILE).write_text(lead_sheet(context, chords), encoding="utf-8")
    return [FILE]


def lead_sheet(context: ExportContext, chords: list[Annotation]) -> str:
    """The text of the lead sheet."""
    lines = []
    title = " ".join(context.title.split())
    if title:
        lines += [title, "=" * len(title)]
    lines += [credit for credit in context.credits if credit.strip()]
    if lines:
        lines.append("")
    metre = _metre(context)
    if metre:
        lines += [metre, ""]
    lines += chord_lines([a.label for a in chords])
    lyrics = (context.lyrics or "").strip("\n")
    if lyrics.strip():
        lines += ["", *lyrics.splitlines()]
    return "\n".join(lines).rstrip() + "\n"


def chord_lines(labels: list[str]) -> list[str]:
    """LABELS as bars, BARS_PER_LINE a line, each cell as wide as the widest: | C | Am |."""
    if not labels:
        return []
    width = max(len(label) for label in labels)
    return ["| " + " | ".join(label.ljust(width) for label in labels[i:i + BARS_PER_LINE])
            + " |" for i in range(0, len(labels), BARS_PER_LINE)]


def _metre(context: ExportContext) -> str:
    """"4/4  ♩ = 96  A minor": the metre, the tempo (from a "tempo" annotation or the take's
    own) and the key (from a "key" annotation), each when known."""
    parts = [f"{context.audio.beats_per_bar}/4"] if context.audio.beats_per_bar > 0 else []
    tempos = [a.value for a in context.annotations if a.kind == "tempo" and a.value]
    bpm = tempos[0] if tempos else context.audio.tempo_bpm
    if bpm:
        parts.append(f"\u2669 = {bpm:.0f}")
    parts += [a.label for a in context.annotations if a.kind == "key"][:1]
    return "  ".join(parts) if len(parts) > 1 else ""

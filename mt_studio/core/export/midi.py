"""MIDI tracks of an export: the notes and controls in the region, and nothing else.

Only channel messages are kept: no track names, text, markers, copyright or SysEx (which can
name a device), so nothing in the file can identify a person.
"""

from __future__ import annotations

from pathlib import Path

import mido

from mt_studio.core.capture.midi_capture import events_to_smf
from mt_studio.core.errors import InputError
from mt_studio.core.sealing.files import midi_file
from mt_studio.i18n import _

_KEPT = {"note_on", "note_off", "control_change", "program_change", "pitchwheel",
         "aftertouch", "polytouch"}


def region_midi(path: Path, samplerate: int, start: int, end: int) -> mido.MidiFile:
    """The MIDI file at PATH cut to frames START..END (at SAMPLERATE), starting at 0.

    A note that began before START is left out; one still held at END is closed there. The
    sound chosen before START (program, controllers such as volume or the sustain pedal, pitch
    bend) is set again at 0, so the part plays as it did in the take.
    """
    try:
        messages = list(midi_file(path))
    except (OSError, EOFError, ValueError, KeyError, IndexError, TypeError) as error:
        raise InputError(_("The MIDI file {file} cannot be read: {reason}").format(
            file=path, reason=error)) from None
    events: list[tuple[int, mido.Message]] = []
    sounding: set[tuple[int, int]] = set()
    before: dict[tuple, mido.Message] = {}  # the last setting of each kind, before START
    seconds = 0.0
    for message in messages:
        seconds += message.time
        frame = round(seconds * samplerate)
        if message.is_meta or message.type not in _KEPT:
            continue
        if frame < start:
            key = _setting(message)
            if key is not None:
                before[key] = message.copy(time=0)
            continue
        if frame >= end:
            continue
        if message.type in ("note_on", "note_off"):
            key = (message.channel, message.note)
            if message.type == "note_on" and message.velocity > 0:
                sounding.add(key)
            elif key in sounding:
                sounding.discard(key)
            else:
                continue  # the end of a note that began before the region
        events.append((frame - start, message.copy(time=0)))
    restored = [(0, message) for message in before.values()]
    return events_to_smf(restored + events, samplerate, end - start)


def _setting(message: mido.Message) -> tuple | None:
    """What kind of setting MESSAGE makes (to keep only the last of each), or None."""
    if message.type == "program_change":
        return ("program", message.channel)
    if message.type == "control_change":
        return ("control", message.channel, message.control)
    if message.type == "pitchwheel":
        return ("pitch", message.channel)
    return None

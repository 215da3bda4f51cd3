"""How a person names a loop: two times ("1:05-1:20", "65-80.5") or a named marker ("chorus":
from that marker to the next one, or to the take's end)."""

from __future__ import annotations

import re

from mt_studio.core.domain.takes import Take
from mt_studio.core.errors import InputError
from mt_studio.core.looping import LoopRegion
from mt_studio.core.text import shown
from mt_studio.i18n import _, number_text

_TIME = re.compile(r"(?:(\d+):)?(?:(\d+):)?(\d+(?:\.\d*)?)")


def seconds_from_text(text: str) -> float:
    """'75', '1:15', '1:15.5' or '1:01:15' as seconds; InputError naming TEXT otherwise."""
    match = _TIME.fullmatch(text.strip())
    if match is None:
        raise InputError(_("{text} is not a time like 75, 1:15 or 1:15.5").format(
            text=shown(text)))
    hours, minutes, seconds = match.groups()
    if minutes is None and hours is not None:  # "m:ss": the one colon parts minutes
        hours, minutes = None, hours
    if minutes is not None and float(seconds) >= 60:
        raise InputError(_("{text} is not a time like 75, 1:15 or 1:15.5").format(
            text=shown(text)))
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(seconds)


def loop_from_text(text: str, take: Take, crossfade: int = 0) -> LoopRegion:
    """The loop TEXT names in TAKE: 'START-END' in times, or a marker's name."""
    start, dash, end = text.partition("-")
    if dash and _TIME.fullmatch(start.strip()) and _TIME.fullmatch(end.strip()):
        first = round(seconds_from_text(start) * take.samplerate)
        last = round(seconds_from_text(end) * take.samplerate)
        if first >= last:
            raise InputError(_("The loop {text} ends before it starts.").format(text=shown(text)))
        if last > take.frames:
            raise InputError(_("The loop {text} ends after the take's end at {length} s.")
                             .format(text=shown(text),
                                     length=number_text(take.frames / take.samplerate)))
        return LoopRegion(first, last, crossfade)
    return loop_at_marker(text, take, crossfade)


def loop_at_marker(name: str, take: Take, crossfade: int = 0) -> LoopRegion:
    """From the first marker called NAME (in any case) to the next marker or the take's end."""
    marks = sorted(take.markers, key=lambda m: m.frame)
    wanted = name.strip().casefold()
    for index, mark in enumerate(marks):
        if mark.name.casefold() == wanted:
            following = [m.frame for m in marks[index + 1:] if m.frame > mark.frame]
            end = following[0] if following else take.frames
            if end <= mark.frame:
                break
            return LoopRegion(mark.frame, end, crossfade)
    names = sorted({m.name for m in marks if m.name})
    raise InputError(_("No loop can be made from {text}: give START-END in seconds or m:ss, or "
                       "a marker's name ({names}).").format(
        text=shown(name), names=", ".join(names) if names else _("this take has none")))

"""Plain words for a take's length and its tracks, shared by every feature that shows takes
(recording, the takes, songs, export)."""

from __future__ import annotations

from mt_studio.core.domain import TrackKind
from mt_studio.core.domain.takes import Track
from mt_studio.i18n import _


def duration_text(seconds: float) -> str:
    """SECONDS as H:MM:SS (or M:SS under an hour)."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def length_words(frames: int, samplerate: int) -> str:
    """A length as people read it: 0:25, or 1:02:03 past an hour."""
    return duration_text(frames / max(1, samplerate))


def track_title(track: Track) -> str:
    """What a track is called: its instrument, or the input it was recorded from."""
    if track.instrument:
        return track.instrument
    if track.kind is TrackKind.MIDI:
        return _("MIDI keyboard")  # the port's name is the device's, not the instrument's
    return _("Input {number}").format(number=track.input)

"""Plain words the looper shows: seconds of a loop, and who plays."""

from __future__ import annotations

from PyQt6.QtCore import QLocale

from mt_studio.i18n import _


def seconds_text(frames: int, samplerate: int) -> str:
    """FRAMES as seconds with one decimal, written as the system writes numbers."""
    return QLocale().toString(frames / max(1, samplerate), "f", 1)


def who_text(owners: tuple[int, ...], names: dict[int, str]) -> str:
    """Who plays: their pseudonyms, or everyone in the room for a microphone nobody owns."""
    if not owners:
        return _("everyone in the room")
    return ", ".join(sorted((names.get(p, "?") for p in owners), key=str.casefold))

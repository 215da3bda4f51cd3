"""A participant's takes and copies in the words they read: never a name, not even the take's
own (a therapist may have named it after people)."""

from __future__ import annotations

from mt_studio.core.domain.takes import Take
from mt_studio.i18n import _
from mt_studio.ui.common.dates import day_text
from mt_studio.ui.common.take_words import length_words
from mt_studio.ui.takes.take_naming import numbered


def my_take_words(take: Take, linked: bool) -> str:
    """TAKE as a row of their takes: "Take 3 · 6 Dec 2026 · 0:25", marked when LINKED to the
    song shown."""
    shown = _("{take} · {day} · {length}").format(
        take=numbered(take), day=day_text(take.started_at.astimezone().date()),
        length=length_words(take.frames, take.samplerate))
    if linked:
        return _("{take} · this song").format(take=shown)
    return shown


def speed_words(percent: int) -> str:
    """The practice speed as people read it."""
    if percent == 100:
        return _("Speed: as recorded")
    return _("Speed: {percent} %").format(percent=percent)


def cannot_now() -> str:
    """What is said when something failed for a reason a participant need not read."""
    return _("That did not work just now. Ask your therapist.")

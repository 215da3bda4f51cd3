"""Plain words for a take being recorded: the disk time left, its dropouts, and the inputs it
will not record."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from mt_studio.core.capture.audio_capture import DISK_RESERVE_BYTES
from mt_studio.core.capture.take_plan import MIDI_KEY, TakePlan
from mt_studio.i18n import _, ngettext

if TYPE_CHECKING:
    from mt_studio.core.capture.recovery import RecoveredTake


def disk_time_text(free_bytes: int, bytes_per_second: int) -> str:
    """How long the free disk lasts at BYTES_PER_SECOND, in plain words."""
    seconds = max(0, free_bytes - DISK_RESERVE_BYTES) / max(1, bytes_per_second)
    hours, minutes = int(seconds // 3600), int(seconds % 3600 // 60)
    if hours >= 1:
        return ngettext("About {h} hour of recording space left.",
                        "About {h} hours of recording space left.", hours).format(h=hours)
    return ngettext("Only about {m} minute of recording space left.",
                    "Only about {m} minutes of recording space left.", minutes).format(m=minutes)


def dropout_text(count: int) -> str:
    """The dropout counter in plain words."""
    if count == 0:
        return _("No dropouts")
    return ngettext(
        "{n} short gap was filled with silence — the computer may be too busy.",
        "{n} short gaps were filled with silence — the computer may be too busy.",
        count).format(n=count)


def disarmed_text(plan: TakePlan | None) -> str:
    """Which inputs (and the MIDI keyboard) PLAN leaves out of the take, and why; one a line."""
    if plan is None or not plan.disarmed and MIDI_KEY not in plan.disarm_reasons:
        return ""
    lines = [_("Input {n} will not be recorded: {why}.").format(
        n=n, why=plan.disarm_reasons.get(n, "")) for n in plan.disarmed]
    if MIDI_KEY in plan.disarm_reasons:
        lines.append(_("The MIDI keyboard will not be recorded: {why}.").format(
            why=plan.disarm_reasons[MIDI_KEY]))
    return "\n".join(lines)


def recovered_words(recovered: Sequence[RecoveredTake]) -> str:
    """What to tell after the takes RECOVERED were repaired at the start."""
    lines = [_("Take {number} of session {session}: {seconds:.0f} s kept").format(
        number=r.number, session=r.session_id, seconds=r.frames / r.samplerate)
        for r in recovered]
    message = ngettext(
        "mt_studio closed unexpectedly during a recording last time. That take was "
        "repaired and kept:", "mt_studio closed unexpectedly during recordings last time. "
        "These takes were repaired and kept:", len(recovered))
    return "\n".join([message, *lines])

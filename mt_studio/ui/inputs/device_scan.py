"""Looking for the computer's audio inputs and MIDI ports (slow: in a worker)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from mt_studio.core.capture import devices
from mt_studio.core.capture.devices import AudioInputDevice, DeviceSurvey
from mt_studio.i18n import _

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Scan:
    """What a device scan found; `problem` says in plain words why nothing can be recorded."""

    audio: list[AudioInputDevice] = field(default_factory=list)
    midi: list[str] = field(default_factory=list)
    problem: str | None = None


def scan_devices(rescan: bool) -> Scan:
    """List audio inputs and MIDI ports (slow: call it off the GUI thread)."""
    try:
        if rescan:
            devices.refresh()
        found: DeviceSurvey = devices.survey()
    except Exception as error:  # a broken audio stack must not take the window down
        log.info("device scan failed: %s", error)
        return Scan(problem=_("The audio devices could not be listed. Check that the audio "
                              "interface is plugged in, then press Look again."))
    if found.audio_problem:
        log.info("no audio devices: %s", found.audio_problem)
        problem = _("Audio devices cannot be used on this computer: the audio system is "
                    "missing or not working. Ask your IT support to check it.")
        return Scan([], found.midi, problem)
    return Scan(found.audio, found.midi)

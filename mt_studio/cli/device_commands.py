"""`mt-studio devices`: the audio inputs and MIDI input ports that recording can use."""

from __future__ import annotations

import argparse
import logging
import sys

from mt_studio.cli.output import emit_json, emit_line, emit_table
from mt_studio.core.capture.devices import DeviceSurvey, no_input_device_message, survey
from mt_studio.i18n import _

log = logging.getLogger(__name__)

EXIT_NO_AUDIO = 4  # DeviceError's exit code: recording needs an audio input


def register(commands: argparse._SubParsersAction) -> None:
    """Add the devices command to the parser."""
    parser = commands.add_parser("devices", help=_("list audio input devices and MIDI input ports"))
    parser.add_argument("--json", action="store_true", help=_("print JSON"))
    parser.set_defaults(run=run, needs_library=False)


def problems(found: DeviceSurvey) -> list[str]:
    """One plain line per thing that keeps a half of the list empty."""
    if found.audio_problem is None and not found.audio and not found.midi:
        # Both halves empty usually share one cause (no server, nothing plugged in): say it once.
        if found.midi_problem:
            log.info("MIDI ports could not be listed either: %s", found.midi_problem)
        return [_("No audio input device or MIDI input port was found. Is the audio interface "
                  "plugged in and its audio server (JACK, PipeWire) running?")]
    lines = []
    if found.audio_problem:
        lines.append(found.audio_problem)
    elif not found.audio:
        lines.append(no_input_device_message())
    if found.midi_problem:
        lines.append(found.midi_problem)
    return lines


def format_rate(samplerate: float) -> str:
    """A sample rate as people write it: 48000 Hz, 22050.5 Hz."""
    return _("{rate} Hz").format(rate=f"{samplerate:.0f}" if samplerate.is_integer()
                                 else f"{samplerate}")


def run(args: argparse.Namespace, library: None) -> int:
    found = survey()
    lines = problems(found)
    if args.json:
        emit_json({
            "audio": [{"index": d.index, "name": d.name, "hostapi": d.hostapi,
                       "inputs": d.inputs, "default_samplerate": d.default_samplerate}
                      for d in found.audio],
            "midi": found.midi,
            "problems": lines,
        })
    else:
        emit_text(found)
    for line in lines:
        sys.stderr.write(f"mt-studio: {' '.join(line.split())}\n")
    return 0 if found.audio else EXIT_NO_AUDIO


def emit_text(found: DeviceSurvey) -> None:
    """The two lists as aligned tables, leaving out a half that found nothing."""
    if found.audio:
        emit_line(_("Audio inputs"))
        emit_table([_("Index"), _("Name"), _("Host API"), _("Inputs"), _("Default rate")],
                   [(d.index, d.name, d.hostapi, d.inputs, format_rate(d.default_samplerate))
                    for d in found.audio])
    if found.audio and found.midi:
        emit_line()
    if found.midi:
        emit_line(_("MIDI inputs"))
        emit_table([_("Port")], [(port,) for port in found.midi])
    elif found.audio and found.midi_problem is None:
        emit_line(_("No MIDI input ports."))

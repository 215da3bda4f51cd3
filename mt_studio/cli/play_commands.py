"""`mt-studio play`: a take through the speakers, whole or looped."""

from __future__ import annotations

import argparse
import signal
import time

from mt_studio.cli.arguments import positive_float, record_id
from mt_studio.cli.output import emit_json, emit_line
from mt_studio.core.errors import DeviceError, InputError
from mt_studio.core.looping import LoopRegion
from mt_studio.core.studio import Studio
from mt_studio.i18n import _, number_text


def register(commands: argparse._SubParsersAction) -> None:
    """Add the play command to the parser."""
    play = commands.add_parser("play", help=_("play a take, or loop a part of it"))
    play.add_argument("take_id", metavar="TAKE_ID", type=record_id)
    play.add_argument("--loop", metavar="START-END",
                      help=_("loop from START to END (seconds or m:ss), or from a marker "
                             "(its name) to the next"))
    play.add_argument("--crossfade", type=float, default=5.0, metavar="MS",
                      help=_("blend each loop's seam over this many milliseconds (default 5; "
                             "0 for none)"))
    play.add_argument("--from", dest="start", metavar="TIME",
                      help=_("start here (seconds or m:ss) instead of at the beginning"))
    play.add_argument("--speed", type=float, default=100.0, metavar="PCT",
                      help=_("play at this speed, 50 to 150 %%, without changing the pitch"))
    play.add_argument("--transpose", type=float, default=0.0, metavar="SEMITONES",
                      help=_("move the pitch up or down by up to 6 semitones"))
    play.add_argument("--device", metavar="NAME",
                      help=_("the audio output (its name or a part of it; default: the "
                             "system's)"))
    play.add_argument("--duration", type=positive_float, metavar="SECONDS",
                      help=_("stop after this long (a loop plays until Ctrl+C otherwise)"))
    play.add_argument("--json", action="store_true", help=_("print JSON"))
    play.set_defaults(run=run_play)


def run_play(args: argparse.Namespace, studio: Studio) -> int:
    """Play until the end, --duration, SIGINT or SIGTERM; say where it stopped."""
    from mt_studio.core.loop_choice import loop_from_text, seconds_from_text
    from mt_studio.core.practice import PracticeSettings, practice_version

    if not 0 <= args.crossfade <= 100:
        raise InputError(_("--crossfade must be from 0 to 100 ms, not {ms}.").format(
            ms=args.crossfade))
    if not 50 <= args.speed <= 150:
        raise InputError(_("--speed must be from 50 to 150 (per cent), not {value:g}.").format(
            value=args.speed))
    player = studio.listening.player(args.take_id, args.device)
    take = studio.listening.take(args.take_id)
    crossfade = round(args.crossfade / 1000 * take.samplerate)
    loop = loop_from_text(args.loop, take, crossfade) if args.loop else None
    if loop is None and take.is_loop:  # a looper's take plays as its loop
        loop = LoopRegion(0, take.frames, crossfade)
    start = round(seconds_from_text(args.start) * take.samplerate) if args.start else (
        loop.start if loop else 0)
    if start > take.frames:
        raise InputError(_("--from {time} is after the take's end at {length} s.").format(
            time=args.start, length=number_text(take.frames / take.samplerate)))
    settings = PracticeSettings(args.speed / 100, args.transpose)
    player.prepare()  # the MIDI tracks' sound; one that cannot sound is left out, and said
    if player.midi_problem and not args.json:
        emit_line(player.midi_problem)
    if not settings.is_original:
        region = (loop.start, loop.end) if loop else (0, take.frames)
        if not args.json:
            emit_line(_("Preparing the take at {speed:g} %…").format(speed=args.speed))
        player.set_practice(practice_version(
            studio.folder, player.sources, settings, samplerate=take.samplerate,
            start=region[0], stop=region[1]))
    stop_requested: list[bool] = []
    previous = {sig: signal.signal(sig, lambda *_: stop_requested.append(True))
                for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        player.set_loop(loop)
        player.play(start)
        if not args.json:
            emit_line(_("Playing take {number} of session {session}. Ctrl+C stops.").format(
                number=take.number, session=take.session_id))
        deadline = time.monotonic() + args.duration if args.duration else None
        while not stop_requested and not player.wait(0.05):
            if deadline is not None and time.monotonic() >= deadline:
                break
        player.stop()
        position = player.position
    finally:
        player.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if player.problem:
        raise (DeviceError if player.device_lost else InputError)(player.problem)
    seconds = position / take.samplerate
    if args.json:
        emit_json({"take": take.id, "position": position, "seconds": round(seconds, 3),
                   "reached_end": player.reached_end,
                   "loop": [loop.start, loop.end] if loop else None,
                   "speed": settings.speed, "semitones": settings.semitones,
                   "midi_problem": player.midi_problem})
    else:
        emit_line(_("Stopped at {minutes}:{seconds}.").format(
            minutes=int(seconds // 60), seconds=number_text(seconds % 60).zfill(4)))
    return 0

"""`mt-studio record` and `mt-studio recover`."""

from __future__ import annotations

import argparse
import signal
import sys

from mt_studio.cli.arguments import positive_float, positive_int, record_id
from mt_studio.cli.output import emit_json, emit_line
from mt_studio.core.capture.audio_capture import StopReason
from mt_studio.core.capture.wav_stream import SampleFormat
from mt_studio.core.errors import InputError
from mt_studio.core.studio import Studio
from mt_studio.core.studio.recording import MIDI_KEY, TakeRequest, TakeResult
from mt_studio.i18n import _, number_text

# Exit code for a take that was kept but stopped by trouble (disk, device).
STOPPED_BY_DEVICE = 4
STOPPED_BY_DISK = 1


def register(commands: argparse._SubParsersAction) -> None:
    """Add the record and recover commands to the parser."""
    record = commands.add_parser("record", help=_("record a take of a session"))
    record.add_argument("session_id", metavar="SESSION_ID", type=record_id)
    record.add_argument("--device", required=True, metavar="NAME",
                        help=_("the audio interface (its name or a part of it)"))
    record.add_argument("--inputs", type=input_list, metavar="1-8|1,3,5",
                        help=_("the inputs to record (default: all)"))
    record.add_argument("--assign", type=assignments, default={}, metavar="1=P1,2=P2",
                        help=_("who plays into an input; 'midi=P' for the MIDI port"))
    record.add_argument("--isolated", type=input_list, default=(), metavar="2,3",
                        help=_("inputs heard from their owner only (DI, line out)"))
    record.add_argument("--midi", metavar="NAME", help=_("also record this MIDI input port"))
    record.add_argument("--samplerate", type=positive_int, metavar="HZ")
    record.add_argument("--blocksize", type=positive_int, default=0, metavar="FRAMES")
    record.add_argument("--format", choices=[f.value for f in SampleFormat], default="pcm24")
    record.add_argument("--duration", type=positive_float, metavar="SECONDS")
    record.add_argument("--split-bytes", type=positive_int, help=argparse.SUPPRESS)
    record.add_argument("--ring-seconds", type=positive_float, default=4.0,
                        help=argparse.SUPPRESS)
    record.add_argument("--json", action="store_true", help=_("print JSON"))
    record.set_defaults(run=run_record)

    recover = commands.add_parser(
        "recover", help=_("repair takes left unfinished by a crash or power cut"))
    recover.add_argument("--json", action="store_true", help=_("print JSON"))
    recover.set_defaults(run=run_recover)


def input_list(text: str) -> tuple[int, ...]:
    """Inputs as '1-8' or '1,3,5' (or both: '1-4,7')."""
    numbers: list[int] = []
    try:
        for part in text.split(","):
            first, _sep, last = part.strip().partition("-")
            numbers.extend(range(int(first), int(last or first) + 1))
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("'{text}' is not a list of inputs like 1-8 or 1,3,5").format(text=text)) from None
    if not numbers or min(numbers) < 1:
        raise argparse.ArgumentTypeError(
            _("'{text}' is not a list of inputs like 1-8 or 1,3,5").format(text=text))
    return tuple(dict.fromkeys(numbers))


def assignments(text: str) -> dict[str, list[str]]:
    """'1=Ola,2=Kari,midi=Nils' as input → pseudonyms ('1=Ola+Kari' for two people)."""
    found: dict[str, list[str]] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, names = part.partition("=")
        key = key.strip().lower()
        if not sep or not names.strip() or not (key.isdigit() or key == MIDI_KEY):
            raise argparse.ArgumentTypeError(
                _("'{part}' is not an assignment like 1=PSEUDONYM").format(part=part))
        found.setdefault(key, []).extend(n.strip() for n in names.split("+") if n.strip())
    return found


def run_record(args: argparse.Namespace, studio: Studio) -> int:
    """Record until --duration, SIGINT or SIGTERM; print the take and its files."""
    owners: dict[int | str, tuple[int, ...]] = {}
    for key, names in args.assign.items():
        ids = tuple(dict.fromkeys(studio.consent.find(name).id for name in names))
        owners[int(key) if key.isdigit() else key] = ids
    if args.midi is None and MIDI_KEY in owners:
        raise InputError(_("--assign midi=... needs --midi NAME."))
    request = TakeRequest(
        session_id=args.session_id, device=args.device, inputs=args.inputs, owners=owners,
        isolated=frozenset(args.isolated), midi=args.midi, samplerate=args.samplerate,
        blocksize=args.blocksize, sample_format=SampleFormat(args.format),
        duration_seconds=args.duration, ring_seconds=args.ring_seconds,
        **({"split_bytes": args.split_bytes} if args.split_bytes else {}))
    for recovered in studio.recording.recover():  # a crash earlier: repair before recording
        sys.stderr.write(_("mt-studio: recovered take {number} of session {session} "
                           "({seconds} s) left unfinished earlier.\n").format(
            number=recovered.number, session=recovered.session_id,
            seconds=number_text(recovered.frames / recovered.samplerate)))
    stop_requested = []
    previous = {sig: signal.signal(sig, lambda *_: stop_requested.append(True))
                for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        recording = studio.recording.start(request)
        if recording.disarmed:
            sys.stderr.write(_("mt-studio: not recording input(s) {inputs}: their owner has not "
                               "consented to recording.\n").format(
                inputs=", ".join(map(str, recording.disarmed))))
        if not args.json:
            emit_line(_("Recording take {number} of session {session}. Ctrl+C stops.").format(
                number=recording.number, session=args.session_id))
        while not stop_requested and not recording.wait(0.1):
            pass
        result = recording.stop()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    studio.recording.move_to_store()  # a service's library: from this computer's spool
    result = studio.recording.files_now(result)
    _report(result, args.json)
    _tell_waiting(studio)
    if result.stopped_by_trouble:
        sys.stderr.write(_("mt-studio: the take stopped early and was kept ({frames} frames): "
                           "{why}.\n").format(frames=result.frames,
                                              why=result.stop_detail or result.stop_reason))
        return STOPPED_BY_DEVICE if result.stop_reason is StopReason.DEVICE_LOST else (
            STOPPED_BY_DISK)
    return 0


def _report(result: TakeResult, as_json: bool) -> None:
    if as_json:
        emit_json({
            "id": result.take_id, "number": result.number, "frames": result.frames,
            "samplerate": result.samplerate, "files": [str(f) for f in result.files],
            "dropouts": [{"frame": d.frame, "length": d.length, "cause": d.cause}
                         for d in result.dropouts],
            "stop_reason": result.stop_reason.value, "stop_detail": result.stop_detail,
            "disarmed": list(result.disarmed),
        })
        return
    emit_line(_("Take {number} (id {id}): {seconds} s, {files} files, {dropouts} dropouts.")
              .format(number=result.number, id=result.take_id,
                      seconds=number_text(result.frames / result.samplerate),
                      files=len(result.files),
                      dropouts=len(result.dropouts)))
    for file in result.files:
        emit_line(f"  {file}")


def _tell_waiting(studio: Studio) -> None:
    """Say, on stderr, which takes still wait in this computer's spool, and why."""
    for take in studio.recording.waiting_for_store():
        if take.here:
            sys.stderr.write(_("mt-studio: take {number} of session {session} waits in this "
                               "computer's spool to be copied to the audio store{why}. It is "
                               "copied when mt-studio next opens this library here (the "
                               "window, or 'mt-studio recover').\n").format(
                number=take.number, session=take.session_id,
                why=f" ({take.problem})" if take.problem else ""))


def run_recover(args: argparse.Namespace, studio: Studio) -> int:
    """Recover takes left unfinished, copy those waiting in this computer's spool to the
    audio store, and say what was recovered and copied."""
    waiting = [t for t in studio.recording.waiting_for_store() if t.here]
    found = studio.recording.recover()
    studio.recording.move_to_store()  # (as a worker of the studio's may be doing meanwhile)
    still = {t.take_id for t in studio.recording.waiting_for_store()}
    moved = [t for t in waiting if t.take_id not in still]
    if args.json:
        emit_json([{"id": r.take_id, "session": r.session_id, "number": r.number,
                    "frames": r.frames, "samplerate": r.samplerate, "dropouts": r.dropouts}
                   for r in found])
    elif not found and not moved:
        emit_line(_("Nothing to recover."))
    for r in found if not args.json else ():
        emit_line(_("Recovered take {number} of session {session}: {seconds} s kept.").format(
            number=r.number, session=r.session_id, seconds=number_text(r.frames / r.samplerate)))
    for m in moved if not args.json else ():
        emit_line(_("Copied take {number} of session {session} to the audio store.").format(
            number=m.number, session=m.session_id))
    _tell_waiting(studio)
    return 0

"""`mt-studio export`: a take's stems or mix, shared only as far as everyone heard consented."""

from __future__ import annotations

import argparse
import signal
import sys

from mt_studio.cli.arguments import record_id
from mt_studio.cli.output import emit_json, emit_line
from mt_studio.core.domain import Purpose
from mt_studio.core.studio import Studio
from mt_studio.i18n import _, number_text


def register(commands: argparse._SubParsersAction) -> None:
    """Add the export command to the parser."""
    export = commands.add_parser(
        "export", help=_("share a take's stems or mix, if everyone heard on it consented"))
    export.add_argument("take_id", metavar="TAKE_ID", type=record_id)
    export.add_argument("--purpose", required=True, choices=["group", "community", "public"],
                        help=_("who may hear it: the group, a community music group, or anyone"))
    export.add_argument("--format", required=True, choices=["wav", "flac", "mp3", "ogg"],
                        help=_("the audio format"))
    shape = export.add_mutually_exclusive_group(required=True)
    shape.add_argument("--stems", action="store_true", help=_("one file per track"))
    shape.add_argument("--mix", action="store_true", help=_("one stereo mix of the tracks"))
    export.add_argument("--to", required=True, metavar="DIR",
                        help=_("the folder to put the export's folder in"))
    export.add_argument("--region", metavar="START-END",
                        help=_("only this part (seconds or m:ss), or from a marker (its name) "
                               "to the next"))
    export.add_argument("--tracks", metavar="ID,ID", type=_track_ids,
                        help=_("only these tracks (their ids, as `session show --json` lists "
                               "them)"))
    export.add_argument("--profile", metavar="NAME",
                        help=_("an export profile (`preset list`): bit depth, sample rate, "
                               "loudness"))
    export.add_argument("--bits", type=int, choices=[16, 24, 32],
                        help=_("bits per sample for WAV and FLAC (default: the profile's, "
                               "else 24)"))
    export.add_argument("--recipient", default="", metavar="TEXT",
                        help=_("who receives it, for the log (for example a choir's name)"))
    export.add_argument("--title", metavar="TEXT",
                        help=_("the title in the files and their names (default: the song's "
                               "title, else \u201cTake N\u201d)"))
    export.add_argument("--group", default="", metavar="TEXT",
                        help=_("the group's name, in the files and the credits"))
    export.add_argument("--zip", action="store_true", help=_("also pack the folder as a zip"))
    export.add_argument("--effect", action="append", default=[], metavar="ID",
                        help=_("put the mix through a plugin's effect (again for more)"))
    export.add_argument("--add", action="append", default=[], metavar="ID",
                        help=_("add a plugin exporter's files, such as lead-sheet (again for "
                               "more)"))
    export.add_argument("--json", action="store_true", help=_("print JSON"))
    export.set_defaults(run=run_export)


def run_export(args: argparse.Namespace, studio: Studio) -> int:
    """Export, printing where the files went; exit 3 (nothing written) when consent lacks."""
    from pathlib import Path

    from mt_studio.core.export import ExportRequest
    from mt_studio.core.loop_choice import loop_from_text
    from mt_studio.core.presets import AudioFormat, PresetCatalog

    take = studio.listening.take(args.take_id)
    region = None
    if args.region:
        loop = loop_from_text(args.region, take)
        region = (loop.start, loop.end)
    profile = PresetCatalog.default().export_profile(args.profile) if args.profile else None
    request = ExportRequest(
        take.id, Purpose(args.purpose), Path(args.to), AudioFormat(args.format),
        stems=args.stems, region=region, track_ids=args.tracks, profile=profile,
        bit_depth=args.bits, recipient=args.recipient.strip(), title=args.title,
        group=args.group.strip(), zip=args.zip, effects=tuple(args.effect),
        exporters=tuple(args.add))
    plugins = None
    if request.effects or request.exporters:
        from mt_studio.core.plugins import PluginHost

        plugins = PluginHost.default()
        plugins.start()
    shown: list[int] = []

    def progress(fraction: float) -> None:
        tenth = int(fraction * 10)
        if not args.json and sys.stderr.isatty() and tenth not in shown:
            shown.append(tenth)
            sys.stderr.write(f"\r{tenth * 10:3d} %")
            sys.stderr.flush()

    # SIGTERM or SIGHUP (a logout, a closed terminal) cancels the export like Ctrl+C: nothing
    # half-written stays in the folder, which may be a stick handed to a choir
    stopping: list[int] = []
    previous = {sig: signal.signal(sig, lambda number, _frame: stopping.append(number))
                for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        result = studio.sharing.export(request, progress=progress, plugins=plugins,
                                       cancelled=lambda: bool(stopping))
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if shown:
        sys.stderr.write("\n")
    if args.json:
        emit_json({
            "export": result.export_id, "folder": str(result.folder),
            "zip": str(result.zip) if result.zip else None, "title": result.plan.title,
            "purpose": args.purpose, "recipient": args.recipient or None,
            "credits": list(result.plan.credits), "loudness": result.loudness,
            "files": [{"name": f.name, "bytes": f.bytes, "sha256": f.sha256}
                      for f in result.files],
        })
        return 0
    emit_line(_("Exported take {number} for {purpose} to {folder} (export {id}).").format(
        number=take.number, purpose=args.purpose, folder=result.folder, id=result.export_id))
    if result.zip:
        emit_line(_("Zip: {file}").format(file=result.zip))
    if result.loudness and result.loudness["result_lufs"] is not None:
        emit_line(_("Loudness {lufs} LUFS (target {target}), true peak {peak} dBTP.")
                  .format(lufs=number_text(result.loudness["result_lufs"]),
                          target=number_text(result.loudness["target_lufs"]),
                          peak=number_text(result.loudness["true_peak_dbtp"])))
    for file in result.files:
        emit_line(f"  {file.name}")
    return 0


def _track_ids(text: str) -> tuple[int, ...]:
    try:
        ids = tuple(dict.fromkeys(int(part) for part in text.split(",") if part.strip()))
    except ValueError:
        ids = ()
    if not ids or min(ids) < 1:
        raise argparse.ArgumentTypeError(
            _("'{text}' is not a list of track ids like 3,4").format(text=text))
    return ids

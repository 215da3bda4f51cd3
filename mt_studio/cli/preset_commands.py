"""`mt-studio preset list`: the session templates, input maps, export profiles and lists of
ending reasons available."""

from __future__ import annotations

import argparse
import sys

from mt_studio.cli.output import emit_json, emit_table
from mt_studio.core.presets import PresetCatalog
from mt_studio.i18n import _

KINDS = ("session-template", "input-map", "export-profile", "ending-reasons")


def register(commands: argparse._SubParsersAction) -> None:
    """Add the preset commands to the parser."""
    parser = commands.add_parser("preset", help=_("list presets"))
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help=_("list the presets, bundled and your own"))
    listing.add_argument("--kind", choices=KINDS)
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    listing.set_defaults(run=run_list, needs_library=False)


def run_list(args: argparse.Namespace, _library: None) -> int:
    """List presets; a malformed one is named on stderr and makes the exit code 2."""
    catalog = PresetCatalog.default()
    found = {
        "session-template": catalog.session_templates(),
        "input-map": catalog.input_maps(),
        "export-profile": catalog.export_profiles(),
        "ending-reasons": catalog.ending_reason_lists(),
    }
    kinds = [args.kind] if args.kind else list(KINDS)
    rows = [(kind, preset.name, preset.title, str(preset.source))
            for kind in kinds for preset in found[kind]]
    problems = catalog.problems()
    if args.json:
        emit_json({
            "presets": [{"kind": k, "name": n, "title": t, "file": f} for k, n, t, f in rows],
            "problems": [str(p) for p in problems],
        })
    else:
        emit_table([_("Kind"), _("Name"), _("Title"), _("File")], rows)
    for problem in problems:
        sys.stderr.write(_("mt-studio: skipped a preset: {problem}\n").format(problem=problem))
    return 2 if problems else 0

"""`mt-studio plugin` and `mt-studio analyse`: the plugins, and a plugin's analysis of a take."""

from __future__ import annotations

import argparse

from mt_studio.cli.arguments import record_id
from mt_studio.cli.output import emit_json, emit_line, emit_table
from mt_studio.core.studio import Studio
from mt_studio.i18n import _, number_text


def register(commands: argparse._SubParsersAction) -> None:
    """Add the plugin and analyse commands to the parser."""
    parser = commands.add_parser("plugin", help=_("list, enable and disable plugins"))
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser("list", help=_("the plugins found, with their state"))
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    listing.set_defaults(run=run_list, needs_library=False)
    for action, text in (("enable", _("enable a plugin (remembered)")),
                         ("disable", _("disable a plugin (remembered)"))):
        change = actions.add_parser(action, help=text)
        change.add_argument("plugin_id", metavar="PLUGIN_ID")
        change.add_argument("--json", action="store_true", help=_("print JSON"))
        change.set_defaults(run=run_change, needs_library=False)
    analyse = commands.add_parser("analyse", help=_("run a plugin's analysis on a take and "
                                                     "keep what it finds"))
    analyse.add_argument("take_id", metavar="TAKE_ID", type=record_id)
    analyse.add_argument("analysis_id", metavar="ANALYSIS_ID",
                         help=_("an analysis an enabled plugin offers (`plugin list`)"))
    analyse.add_argument("--json", action="store_true", help=_("print JSON"))
    analyse.set_defaults(run=run_analyse)


def run_list(args: argparse.Namespace, _library: None) -> int:
    """List the plugins; 0 even when some failed (their errors are listed)."""
    host = _host()
    plugins = host.plugins()
    offered = {kind: {plugin_id: [item.id for p, item in items if p == plugin_id]
                      for plugin_id in {p for p, _i in items}}
               for kind, items in (("analyses", host.analyses()), ("effects", host.effects()),
                                   ("exporters", host.exporters()))}
    if args.json:
        emit_json({"plugins": [
            {"id": p.id, "name": p.shown_name, "version": p.version, "kinds": list(p.kinds),
             "state": p.state.value, "bundled": p.bundled, "folder": str(p.folder),
             "error": p.error or None,
             **{kind: ids.get(p.id, []) for kind, ids in offered.items()}}
            for p in plugins]})
        return 0
    emit_table([_("ID"), _("NAME"), _("VERSION"), _("STATE"), _("OFFERS")],
               [(p.id, p.shown_name, p.version, p.state.value,
                 ", ".join(i for ids in offered.values() for i in ids.get(p.id, [])))
                for p in plugins])
    for plugin in plugins:
        if plugin.error:
            emit_line(_("{name}: {error}").format(name=plugin.shown_name, error=plugin.error))
    return 0


def run_change(args: argparse.Namespace, _library: None) -> int:
    """Enable or disable one plugin; exit 1 when it could not be enabled."""
    from mt_studio.core.plugins import PluginState

    host = _host()
    info = (host.enable if args.action == "enable" else host.disable)(args.plugin_id)
    if args.json:
        emit_json({"id": info.id, "state": info.state.value, "error": info.error or None})
    else:
        emit_line(_("{name} is {state}.").format(name=info.shown_name, state=info.state.value)
                  + (f" {info.error}" if info.error else ""))
    return 1 if args.action == "enable" and info.state is not PluginState.ENABLED else 0


def run_analyse(args: argparse.Namespace, studio: Studio) -> int:
    """Run one analysis on a take, keep its annotations and print them."""
    take = studio.listening.take(args.take_id)
    found = studio.plugins.analyse(_host(), args.analysis_id, take.id)  # InputError: nobody
    if args.json:
        emit_json({"take": take.id, "analysis": args.analysis_id, "annotations": [
            {"kind": a.kind, "start": a.start, "end": a.end, "label": a.label,
             "value": a.value} for a in found]})
        return 0
    emit_table([_("AT"), _("KIND"), _("FOUND")],
               [(number_text(a.start / take.samplerate, 2), a.kind, a.label) for a in found])
    return 0


def _host():
    from mt_studio.core.plugins import PluginHost

    host = PluginHost.default()
    host.start()
    return host

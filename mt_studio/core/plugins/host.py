"""The plugin host: finds plugin folders, loads and enables them, keeps what each registered,
and takes all of it away again when a plugin is disabled or fails.

Each plugin is loaded in its own try/except; one that fails to load, or raises while it runs,
is disabled with its error kept for the Plugins dialog, and nothing else is disturbed. Which
plugins are enabled is kept in `plugins.json` in the config folder. Bundled plugins start
enabled; a plugin someone put in their own plugin folder waits until they enable it.
"""

from __future__ import annotations

import enum
import json
import logging
import sys
import threading
import types
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

import numpy as np

from mt_studio.core.durable_files import replaced_atomically
from mt_studio.core.errors import InputError, MtStudioError
from mt_studio.core.plugins.extensions import (
    Analysis,
    Annotation,
    Effect,
    ExportContext,
    Exporter,
    Processor,
    TakeAudio,
)
from mt_studio.core.plugins.importing import IMPORT_TIMEOUT, PACKAGE, ImportTimedOut, import_plugin
from mt_studio.core.plugins.manifest import MANIFEST, Manifest, foreign_imports, read_manifest
from mt_studio.core.text import LINE_LENGTH, holds_hidden
from mt_studio.i18n import _, current_language

log = logging.getLogger(__name__)

API_VERSIONS = (1,)
"""The plugin API versions this mt_studio offers."""
STATE_FILE = "plugins.json"

T = TypeVar("T")


class PluginState(enum.StrEnum):
    """Where a plugin stands."""

    ENABLED = "enabled"
    DISABLED = "disabled"
    FAILED = "failed"  # disabled because it raised; its error is kept
    REFUSED = "refused"  # cannot be loaded here (manifest, API version, imports)


class PluginFailed(MtStudioError):
    """A plugin raised while it ran; it has been disabled and its error kept."""


@dataclass(frozen=True)
class PluginInfo:
    """A plugin as the Plugins dialog lists it."""

    id: str
    name: str
    version: str
    description: str
    kinds: tuple[str, ...]
    folder: Path
    bundled: bool
    state: PluginState
    error: str = ""
    translated: dict[str, str] = field(default_factory=dict)

    @property
    def shown_name(self) -> str:
        """The name in the user's language, when the manifest gives one (name_nb)."""
        return self.translated.get(f"name_{current_language()}", self.name)

    @property
    def shown_description(self) -> str:
        """The description in the user's language, when the manifest gives one."""
        return self.translated.get(f"description_{current_language()}", self.description)


class PluginApi:
    """What `enable(api)` receives: registration under the plugin's own id, its folder, a log."""

    def __init__(self, host: PluginHost, plugin_id: str, folder: Path) -> None:
        self._host, self.plugin_id, self.folder = host, plugin_id, folder
        self.api_version = API_VERSIONS[-1]
        self.log = logging.getLogger(f"{PACKAGE}.{plugin_id}")

    def add_analysis(self, analysis: Analysis) -> None:
        """Offer ANALYSIS (take -> annotations)."""
        self._host._register(self.plugin_id, "analysis", analysis)

    def add_effect(self, effect: Effect) -> None:
        """Offer EFFECT (a block processor for playback and export)."""
        self._host._register(self.plugin_id, "effect", effect)

    def add_exporter(self, exporter: Exporter) -> None:
        """Offer EXPORTER (files added to an export's folder)."""
        self._host._register(self.plugin_id, "exporter", exporter)


class PluginHost:
    """The plugins found in FOLDERS (each with whether it holds bundled plugins; a later
    folder's plugin overrides an earlier one of the same id), their state kept in STATE_PATH;
    a plugin whose module takes longer than IMPORT_TIMEOUT seconds to import fails."""

    def __init__(self, folders: Sequence[tuple[Path, bool]], state_path: Path | None,
                 import_timeout: float = IMPORT_TIMEOUT) -> None:
        self._folders = [(Path(folder), bundled) for folder, bundled in folders]
        self._state_path = state_path
        self._import_timeout = import_timeout
        self._lock = threading.RLock()
        self._infos: dict[str, PluginInfo] = {}
        self._modules: dict[str, types.ModuleType] = {}
        self._registered: dict[str, list[tuple[str, object]]] = {}
        self._loads: dict[str, int] = {}  # how often each was loaded: a processor's generation

    @classmethod
    def default(cls) -> PluginHost:
        """The bundled plugins and the user's, with the state in the user's config folder."""
        from mt_studio.core.plugins.folders import bundled_plugins_folder, user_plugins_folder
        from mt_studio.core.preferences import config_folder

        return cls([(bundled_plugins_folder(), True), (user_plugins_folder(), False)],
                   config_folder() / STATE_FILE)

    # -- finding, enabling, disabling ------------------------------------------------------

    def start(self) -> list[PluginInfo]:
        """Find every plugin and enable those that should be; the list, by name.

        A plugin whose id another folder's plugin has already taken (a user's plugin named
        like a bundled one) is refused, so it can never stand in for that one unseen.
        """
        with self._lock:
            enabled, errors = self._saved()
            for folder, bundled in self._folders:
                for path in _plugin_folders(folder):
                    info = self._found(path, bundled, errors)
                    taken = self._infos.get(info.id)
                    if taken is not None and taken.folder != path:
                        self._infos[f"{info.id}@{path}"] = replace(
                            info, state=PluginState.REFUSED, error=_(
                                "Another plugin, in {folder}, has the id {id} already; rename "
                                "this one's id.").format(folder=taken.folder, id=info.id))
                        continue
                    if taken is not None and taken.state is PluginState.ENABLED:
                        self.disable(info.id, remember=False)
                    self._infos[info.id] = info
            for plugin_id, info in list(self._infos.items()):
                wanted = enabled.get(_saved_key(info), info.bundled)
                if wanted and info.state is PluginState.DISABLED:
                    self._load(plugin_id)
            return self.plugins()

    def plugins(self) -> list[PluginInfo]:
        """Every plugin found, by its name in the user's language."""
        with self._lock:
            return sorted(self._infos.values(), key=lambda i: i.shown_name.casefold())

    def info(self, plugin_id: str) -> PluginInfo:
        """One plugin; InputError naming it if there is none."""
        with self._lock:
            if plugin_id not in self._infos:
                raise InputError(_("There is no plugin {id}.").format(id=plugin_id))
            return self._infos[plugin_id]

    def enable(self, plugin_id: str) -> PluginInfo:
        """Load and enable a plugin (remembered); FAILED with its error if it cannot start."""
        with self._lock:
            info = self.info(plugin_id)
            if info.state is PluginState.REFUSED:
                return info
            if info.state is not PluginState.ENABLED:
                again = self._found(info.folder, info.bundled, {})  # changed since it was found?
                self._infos[plugin_id] = replace(again, state=PluginState.DISABLED) \
                    if again.state is PluginState.DISABLED else again
                if again.state is PluginState.DISABLED:
                    self._load(plugin_id)
            self._save()
            return self._infos[plugin_id]

    def disable(self, plugin_id: str, remember: bool = True) -> PluginInfo:
        """Disable a plugin (remembered): its disable() is called and all it registered goes."""
        with self._lock:
            info = self.info(plugin_id)
            if info.state is PluginState.ENABLED:
                self._unload(plugin_id)
                self._infos[plugin_id] = replace(info, state=PluginState.DISABLED)
            if remember:
                self._save()
            return self._infos[plugin_id]

    # -- what plugins offer, and running it safely -----------------------------------------

    def analyses(self) -> list[tuple[str, Analysis]]:
        """(plugin id, analysis) for every enabled plugin's analyses."""
        return self._offered("analysis")

    def effects(self) -> list[tuple[str, Effect]]:
        """(plugin id, effect) for every enabled plugin's effects."""
        return self._offered("effect")

    def exporters(self) -> list[tuple[str, Exporter]]:
        """(plugin id, exporter) for every enabled plugin's exporters."""
        return self._offered("exporter")

    def run_analysis(self, analysis_id: str, audio: TakeAudio,
                     progress: Callable[[float], None] = lambda _fraction: None
                     ) -> list[Annotation]:
        """The annotations ANALYSIS_ID finds; PluginFailed (the plugin disabled) if it raises."""
        plugin_id, analysis = self._find("analysis", analysis_id)
        found = self._guarded(plugin_id, lambda: list(analysis.run(audio, progress)))
        checked = []
        for annotation in found:
            sound = _checked(annotation, audio.frames)
            if sound is None:
                self._fail(plugin_id, _("its analysis gave {what}, which is not an annotation "
                                        "within the take").format(what=repr(annotation)[:80]))
            checked.append(sound)
        return checked

    def processor(self, effect_id: str, samplerate: int, channels: int) -> Processor:
        """A fresh processor of EFFECT_ID that never raises: if the plugin fails, the plugin
        is disabled and the sound passes through unchanged from then on."""
        plugin_id, effect = self._find("effect", effect_id)
        inner = self._guarded(plugin_id, lambda: effect.make(samplerate, channels))
        return _GuardedProcessor(self, plugin_id, inner)

    def run_exporter(self, exporter_id: str, context: ExportContext,
                     reserved: Collection[str] = ()) -> list[str]:
        """The files EXPORTER_ID added to the context's folder; PluginFailed if it raises,
        names a file it did not write there, writes one it does not name, or takes one of the
        RESERVED names (what the export writes itself)."""
        plugin_id, exporter = self._find("exporter", exporter_id)
        folder = context.folder.resolve()
        before = {p.name for p in folder.iterdir()}
        names = self._guarded(plugin_id, lambda: [str(n) for n in exporter.write(context)])
        written = {p.name for p in folder.iterdir()} - before
        for name in names:
            path = (folder / name).resolve()
            if path.parent != folder or not path.is_file() or name not in written:
                self._fail(plugin_id, _("its exporter named {file}, which is not a new file it "
                                        "wrote in the export's folder").format(file=name))
        clashing = sorted(set(names) & set(reserved))
        if clashing:
            self._fail(plugin_id, _("its exporter wrote {files}, a name the export keeps for "
                                    "itself").format(files=", ".join(clashing)))
        unnamed = sorted(written - set(names))
        if unnamed:
            self._fail(plugin_id, _("its exporter wrote {files} without naming them, so they "
                                    "would go out unlisted").format(files=", ".join(unnamed)))
        return names

    # -- inside ----------------------------------------------------------------------------

    def _found(self, folder: Path, bundled: bool, errors: dict[str, str]) -> PluginInfo:
        try:
            manifest = read_manifest(folder)
        except InputError as error:
            return PluginInfo(folder.name, folder.name, "", "", (), folder, bundled,
                              PluginState.REFUSED, str(error))
        info = _info(manifest, bundled, PluginState.DISABLED, "")
        info = replace(info, error=errors.get(_saved_key(info), ""))
        if manifest.api_version not in API_VERSIONS:
            return replace(info, state=PluginState.REFUSED, error=_(
                "{name} was written for plugin API version {wanted}; this mt_studio offers "
                "version {offered}. Ask for an updated plugin.").format(
                    name=manifest.name, wanted=manifest.api_version,
                    offered=", ".join(map(str, API_VERSIONS))))
        try:
            foreign = foreign_imports(folder)
        except (InputError, OSError) as error:
            return replace(info, state=PluginState.REFUSED, error=str(error))
        if foreign:
            return replace(info, state=PluginState.REFUSED, error=_(
                "{name} imports mt_studio itself ({where}); plugins may import only "
                "mt_studio.plugin_api.").format(name=manifest.name, where="; ".join(foreign)))
        if info.state is PluginState.DISABLED and info.error:
            info = replace(info, state=PluginState.FAILED)
        return info

    def _load(self, plugin_id: str) -> None:
        info = self._infos[plugin_id]
        self._registered[plugin_id] = []
        try:
            module = import_plugin(plugin_id, info.folder, self._import_timeout)
            self._modules[plugin_id] = module
            enable = getattr(module, "enable", None)
            if not callable(enable):
                raise InputError(_("its module has no enable(api) function"))
            self._infos[plugin_id] = replace(info, state=PluginState.ENABLED, error="")
            enable(PluginApi(self, plugin_id, info.folder))
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # its own fault, even sys.exit(): keep it out
            log.warning("plugin %s failed to start", plugin_id, exc_info=True)
            self._unload(plugin_id, call_disable=False)
            self._infos[plugin_id] = replace(info, state=PluginState.FAILED, error=str(error)
                                             if isinstance(error, ImportTimedOut)
                                             else _describe(error))

    def _unload(self, plugin_id: str, call_disable: bool = True) -> None:
        module = self._modules.pop(plugin_id, None)
        if call_disable and module is not None and callable(getattr(module, "disable", None)):
            try:
                module.disable()
            except KeyboardInterrupt:
                raise
            except BaseException:  # it goes anyway
                log.warning("plugin %s failed in disable()", plugin_id, exc_info=True)
        self._registered.pop(plugin_id, None)
        prefix = f"{PACKAGE}.{plugin_id}"
        for name in [n for n in sys.modules if n == prefix or n.startswith(prefix + ".")]:
            del sys.modules[name]

    def _register(self, plugin_id: str, kind: str, item: object) -> None:
        with self._lock:
            info = self._infos.get(plugin_id)
            if info is None or info.state is not PluginState.ENABLED:
                raise InputError(_("A plugin can register only while it is enabled."))
            if kind not in info.kinds:
                raise InputError(_("{name} registers an {kind}, which its manifest does not "
                                   "name.").format(name=info.name, kind=kind))
            taken = {getattr(i, "id", None) for _p, i in self._offered(kind)}
            if getattr(item, "id", None) in taken:
                raise InputError(_("The {kind} id {id} is taken already.").format(
                    kind=kind, id=getattr(item, "id", None)))
            self._registered[plugin_id].append((kind, item))

    def _offered(self, kind: str) -> list[tuple[str, T]]:
        with self._lock:
            return [(plugin_id, item) for plugin_id, items in self._registered.items()
                    for item_kind, item in items if item_kind == kind]

    def _find(self, kind: str, item_id: str) -> tuple[str, object]:
        for plugin_id, item in self._offered(kind):
            if item.id == item_id:
                return plugin_id, item
        raise InputError(_("No enabled plugin offers the {kind} {id}.").format(
            kind=kind, id=item_id))

    def _guarded(self, plugin_id: str, call: Callable[[], T]) -> T:
        """CALL's result; a plugin's exception (even SystemExit) fails the plugin. What mt_studio
        itself raised through it (a damaged file read, a stop) or the disk refusing a write is
        passed on and blames nobody; so is Ctrl+C."""
        try:
            return call()
        except (MtStudioError, OSError, KeyboardInterrupt):
            raise
        except BaseException as error:
            self._fail(plugin_id, _describe(error))
            raise AssertionError("unreachable") from None

    def _failed_elsewhere(self, plugin_id: str, generation: int | None, reason: str) -> None:
        """A processor of GENERATION failed: fail the plugin, unless it was reloaded since."""
        with self._lock:
            if self._loads.get(plugin_id) != generation:
                return
            try:
                self._fail(plugin_id, reason)
            except PluginFailed:
                pass  # noted; the sound went on

    def _fail(self, plugin_id: str, reason: str) -> None:
        """Disable PLUGIN_ID for failing (remembered with REASON) and raise PluginFailed."""
        log.warning("plugin %s failed: %s", plugin_id, reason)
        with self._lock:
            info = self._infos[plugin_id]
            if info.state is PluginState.ENABLED:
                self._unload(plugin_id)
            self._infos[plugin_id] = replace(info, state=PluginState.FAILED, error=reason)
            self._save()
        raise PluginFailed(_("The plugin {name} failed and was disabled: {reason}").format(
            name=info.name, reason=reason))

    def _saved(self) -> tuple[dict[str, bool], dict[str, str]]:
        """(enabled, errors) as saved, by `_saved_key`; anything malformed there is ignored."""
        if self._state_path is None or not self._state_path.is_file():
            return {}, {}
        try:
            data = json.loads(self._state_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = None
        if not isinstance(data, dict):
            log.warning("%s cannot be read; plugins start as they come", self._state_path)
            return {}, {}
        enabled, errors = data.get("enabled"), data.get("errors")
        enabled = {k: v for k, v in enabled.items() if isinstance(v, bool)} \
            if isinstance(enabled, dict) else {}
        errors = {k: v for k, v in errors.items() if isinstance(v, str)} \
            if isinstance(errors, dict) else {}
        return enabled, errors

    def _save(self) -> None:
        if self._state_path is None:
            return
        state = {
            "enabled": {_saved_key(i): i.state is PluginState.ENABLED
                        for i in self._infos.values() if i.state is not PluginState.REFUSED},
            "errors": {_saved_key(i): i.error for i in self._infos.values()
                       if i.state is PluginState.FAILED},
        }
        try:
            with replaced_atomically(self._state_path) as file:
                file.write(json.dumps(state, indent=2, sort_keys=True).encode())
        except OSError:
            log.warning("%s cannot be written", self._state_path, exc_info=True)


class _GuardedProcessor:
    """A plugin's processor that never raises and never lets bad sound through: once its
    plugin fails (an exception, a wrong shape, samples not finite or far past full scale), or
    is disabled or loaded anew, the sound passes through unchanged and `failed` is set."""

    def __init__(self, host: PluginHost, plugin_id: str, inner: Processor) -> None:
        self._host, self._plugin_id, self._inner = host, plugin_id, inner
        self._generation = host._loads.get(plugin_id)
        self.failed = False

    def process(self, block: np.ndarray) -> np.ndarray:
        if self.failed:
            return block
        if self._host._loads.get(self._plugin_id) != self._generation or \
                self._host._infos[self._plugin_id].state is not PluginState.ENABLED:
            self.failed = True  # disabled or reloaded meanwhile: this instance is done
            return block
        try:
            out = np.asarray(self._inner.process(block), dtype=np.float32)
            if out.shape != block.shape:
                raise ValueError(_("it gave {got} samples for {given}").format(
                    got=out.shape, given=block.shape))
            if not np.isfinite(out).all() or np.abs(out).max(initial=0.0) > 16.0:
                raise ValueError(_("it gave samples that are not sound (not finite, or far "
                                   "past full scale)"))
            return out
        except KeyboardInterrupt:
            raise
        except BaseException as error:
            self.failed = True
            # told from another thread: this one may be the playback feeder, which must not
            # wait for the plugin's disable() or for the state file to reach the disk
            threading.Thread(target=self._host._failed_elsewhere,
                             args=(self._plugin_id, self._generation, _describe(error)),
                             name="plugin-failure", daemon=True).start()
            return block


def _plugin_folders(folder: Path) -> list[Path]:
    """The plugin folders (with a manifest) in FOLDER; none when it cannot be read."""
    try:
        return sorted(p for p in folder.iterdir() if (p / MANIFEST).is_file())
    except OSError:
        return []


def _saved_key(info: PluginInfo) -> str:
    """A plugin's key in plugins.json: a user's plugin never inherits a bundled one's state."""
    return info.id if info.bundled else f"user:{info.id}"


def _checked(annotation: object, frames: int) -> Annotation | None:
    """ANNOTATION as the library keeps it (its end held to the take), or None if it is none."""
    if not isinstance(annotation, Annotation) or not isinstance(annotation.kind, str) \
            or not isinstance(annotation.label, str) or len(annotation.label) > LINE_LENGTH \
            or holds_hidden(annotation.label + annotation.kind) or len(annotation.kind) > 40:
        return None  # a label is shown as it is: one printable line
    start, end, value = annotation.start, annotation.end, annotation.value
    if isinstance(start, bool) or not isinstance(start, int | np.integer) \
            or not 0 <= start <= frames:
        return None
    if end is not None and (isinstance(end, bool) or not isinstance(end, int | np.integer)
                            or end < start):
        return None
    if value is not None and (not isinstance(value, int | float | np.number)
                              or not np.isfinite(value)):
        return None
    return replace(annotation, start=int(start), end=None if end is None else min(int(end), frames),
                   value=None if value is None else float(value))


def _info(manifest: Manifest, bundled: bool, state: PluginState, error: str) -> PluginInfo:
    return PluginInfo(manifest.id, manifest.name, manifest.version, manifest.description,
                      manifest.kinds, manifest.folder, bundled, state, error,
                      manifest.translated)


def _describe(error: BaseException) -> str:
    text = str(error).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__

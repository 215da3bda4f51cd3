"""The plugin host: finds plugin folders, loads and enables them, keeps what each registered,
and takes all of it away again when a plugin is disabled or fails.

Each plugin is loaded in its own try/except; one that fails to load, or raises while it runs,
is disabled with its error kept for the Plugins dialog, and nothing else is disturbed. Which
plugins are enabled is kept in `plugins.json` in the config folder. Bundled plugins start
enabled; a plugin someone put in their own plugin folder waits until they enable it.
"""

from __future__ import annotations

import enum
import importlib.util
import json
import logging
import sys
import threading
import types
from collections.abc import Callable, Sequence
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
from mt_studio.core.plugins.manifest import MANIFEST, Manifest, foreign_imports, read_manifest
from mt_studio.i18n import _, current_language

log = logging.getLogger(__name__)

API_VERSIONS = (1,)
"""The plugin API versions this mt_studio offers."""
STATE_FILE = "plugins.json"
_PACKAGE = "mt_studio_plugins"

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
        self.log = logging.getLogger(f"{_PACKAGE}.{plugin_id}")

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
    folder's plugin overrides an earlier one of the same id), their state kept in STATE_PATH."""

    def __init__(self, folders: Sequence[tuple[Path, bool]], state_path: Path | None) -> None:
        self._folders = [(Path(folder), bundled) for folder, bundled in folders]
        self._state_path = state_path
        self._lock = threading.RLock()
        self._infos: dict[str, PluginInfo] = {}
        self._modules: dict[str, types.ModuleType] = {}
        self._registered: dict[str, list[tuple[str, object]]] = {}

    @classmethod
    def default(cls) -> PluginHost:
        """The bundled plugins and the user's, with the state in the user's config folder."""
        from mt_studio.core.plugins.folders import bundled_plugins_folder, user_plugins_folder
        from mt_studio.core.preferences import config_folder

        return cls([(bundled_plugins_folder(), True), (user_plugins_folder(), False)],
                   config_folder() / STATE_FILE)

    # -- finding, enabling, disabling ------------------------------------------------------

    def start(self) -> list[PluginInfo]:
        """Find every plugin and enable those that should be; the list, by name."""
        with self._lock:
            saved = self._saved()
            for folder, bundled in self._folders:
                if not folder.is_dir():
                    continue
                for path in sorted(p for p in folder.iterdir() if (p / MANIFEST).is_file()):
                    info = self._found(path, bundled, saved.get("errors", {}))
                    if info.id in self._infos and self._infos[info.id].state is \
                            PluginState.ENABLED:
                        self.disable(info.id, remember=False)
                    self._infos[info.id] = info
            for plugin_id, info in list(self._infos.items()):
                wanted = saved.get("enabled", {}).get(plugin_id, info.bundled)
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
                self._infos[plugin_id] = replace(info, state=PluginState.DISABLED, error="")
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
        if not all(isinstance(a, Annotation) for a in found):
            self._fail(plugin_id, _("its analysis returned something other than annotations"))
        return [a for a in found if 0 <= a.start <= audio.frames]

    def processor(self, effect_id: str, samplerate: int, channels: int) -> Processor:
        """A fresh processor of EFFECT_ID that never raises: if the plugin fails, the plugin
        is disabled and the sound passes through unchanged from then on."""
        plugin_id, effect = self._find("effect", effect_id)
        inner = self._guarded(plugin_id, lambda: effect.make(samplerate, channels))
        return _GuardedProcessor(self, plugin_id, inner)

    def run_exporter(self, exporter_id: str, context: ExportContext) -> list[str]:
        """The files EXPORTER_ID added to the context's folder; PluginFailed if it raises or
        names a file outside the folder."""
        plugin_id, exporter = self._find("exporter", exporter_id)
        names = self._guarded(plugin_id, lambda: [str(n) for n in exporter.write(context)])
        folder = context.folder.resolve()
        for name in names:
            path = (folder / name).resolve()
            if path.parent != folder or not path.is_file():
                self._fail(plugin_id, _("its exporter named {file}, which is not a file it "
                                        "wrote in the export's folder").format(file=name))
        return names

    # -- inside ----------------------------------------------------------------------------

    def _found(self, folder: Path, bundled: bool, errors: dict[str, str]) -> PluginInfo:
        try:
            manifest = read_manifest(folder)
        except InputError as error:
            return PluginInfo(folder.name, folder.name, "", "", (), folder, bundled,
                              PluginState.REFUSED, str(error))
        info = _info(manifest, bundled, PluginState.DISABLED, errors.get(manifest.id, ""))
        if manifest.api_version not in API_VERSIONS:
            return replace(info, state=PluginState.REFUSED, error=_(
                "{name} was written for plugin API version {wanted}; this mt_studio offers "
                "version {offered}. Ask for an updated plugin.").format(
                    name=manifest.name, wanted=manifest.api_version,
                    offered=", ".join(map(str, API_VERSIONS))))
        try:
            foreign = foreign_imports(folder)
        except InputError as error:
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
            module = _import(plugin_id, info.folder)
            self._modules[plugin_id] = module
            enable = getattr(module, "enable", None)
            if not callable(enable):
                raise InputError(_("its module has no enable(api) function"))
            self._infos[plugin_id] = replace(info, state=PluginState.ENABLED, error="")
            enable(PluginApi(self, plugin_id, info.folder))
        except Exception as error:  # a plugin's own fault: keep it out, keep the app running
            log.warning("plugin %s failed to start", plugin_id, exc_info=True)
            self._unload(plugin_id, call_disable=False)
            self._infos[plugin_id] = replace(info, state=PluginState.FAILED,
                                             error=_describe(error))

    def _unload(self, plugin_id: str, call_disable: bool = True) -> None:
        module = self._modules.pop(plugin_id, None)
        if call_disable and module is not None and callable(getattr(module, "disable", None)):
            try:
                module.disable()
            except Exception:  # it goes anyway
                log.warning("plugin %s failed in disable()", plugin_id, exc_info=True)
        self._registered.pop(plugin_id, None)
        prefix = f"{_PACKAGE}.{plugin_id}"
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
        try:
            return call()
        except Exception as error:
            self._fail(plugin_id, _describe(error))
            raise AssertionError("unreachable") from None

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

    def _saved(self) -> dict:
        if self._state_path is None or not self._state_path.is_file():
            return {}
        try:
            data = json.loads(self._state_path.read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            log.warning("%s cannot be read; plugins start as they come", self._state_path)
            return {}

    def _save(self) -> None:
        if self._state_path is None:
            return
        state = {
            "enabled": {i.id: i.state is PluginState.ENABLED for i in self._infos.values()
                        if i.state is not PluginState.REFUSED},
            "errors": {i.id: i.error for i in self._infos.values()
                       if i.state is PluginState.FAILED},
        }
        try:
            with replaced_atomically(self._state_path) as file:
                file.write(json.dumps(state, indent=2, sort_keys=True).encode())
        except OSError:
            log.warning("%s cannot be written", self._state_path, exc_info=True)


class _GuardedProcessor:
    """A plugin's processor that passes sound through unchanged once its plugin failed."""

    def __init__(self, host: PluginHost, plugin_id: str, inner: Processor) -> None:
        self._host, self._plugin_id, self._inner = host, plugin_id, inner
        self.failed = False

    def process(self, block: np.ndarray) -> np.ndarray:
        if self.failed:
            return block
        try:
            out = np.asarray(self._inner.process(block), dtype=np.float32)
            if out.shape != block.shape:
                raise ValueError(f"it returned {out.shape} samples for {block.shape}")
            return out
        except Exception as error:
            self.failed = True
            try:
                self._host._fail(self._plugin_id, _describe(error))
            except PluginFailed:
                pass  # noted; the sound goes on
            return block


def _import(plugin_id: str, folder: Path) -> types.ModuleType:
    if _PACKAGE not in sys.modules:
        package = types.ModuleType(_PACKAGE)
        package.__path__ = []
        sys.modules[_PACKAGE] = package
    name = f"{_PACKAGE}.{plugin_id}"
    spec = importlib.util.spec_from_file_location(
        name, folder / "__init__.py", submodule_search_locations=[str(folder)])
    if spec is None or spec.loader is None:
        raise InputError(_("{folder} has no __init__.py").format(folder=folder))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _info(manifest: Manifest, bundled: bool, state: PluginState, error: str) -> PluginInfo:
    return PluginInfo(manifest.id, manifest.name, manifest.version, manifest.description,
                      manifest.kinds, manifest.folder, bundled, state, error,
                      manifest.translated)


def _describe(error: BaseException) -> str:
    text = str(error).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__

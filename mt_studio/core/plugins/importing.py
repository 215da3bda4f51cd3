"""Importing a plugin's module under its own name, giving up on one that does not finish."""

from __future__ import annotations

import importlib.util
import sys
import threading
import types
from pathlib import Path

from mt_studio.core.errors import InputError, MtStudioError
from mt_studio.i18n import _, number_text

PACKAGE = "mt_studio_plugins"
IMPORT_TIMEOUT = 15.0
"""Seconds a plugin's module may take to import (numpy and more, on a slow disk) before the
host gives up on it."""


class ImportTimedOut(MtStudioError):
    """A plugin's module did not finish importing in time; its thread is left to itself."""


def import_plugin(plugin_id: str, folder: Path, timeout: float = IMPORT_TIMEOUT
                  ) -> types.ModuleType:
    """The module of the plugin in FOLDER, imported as `mt_studio_plugins.PLUGIN_ID`; what the
    import raised, or ImportTimedOut once TIMEOUT seconds have passed.

    The import runs in a daemon thread so that a module that waits forever (a network call, a
    lock, a sleep) holds up nothing but itself: Python cannot stop it, only stop waiting.
    """
    outcome: dict[str, object] = {}
    done = threading.Event()

    def run() -> None:
        try:
            outcome["module"] = _import(plugin_id, folder)
        except BaseException as error:  # noqa: BLE001 - handed to the host, which judges it
            outcome["error"] = error
        finally:
            done.set()

    threading.Thread(target=run, name=f"plugin-import-{plugin_id}", daemon=True).start()
    if not done.wait(timeout):
        raise ImportTimedOut(_("its module did not finish loading within {seconds} s, so it "
                               "was given up on (it may be waiting for something that does "
                               "not come); the app goes on without it").format(
            seconds=number_text(timeout)))
    if "error" in outcome:
        raise outcome["error"]
    return outcome["module"]


def _import(plugin_id: str, folder: Path) -> types.ModuleType:
    if PACKAGE not in sys.modules:
        package = types.ModuleType(PACKAGE)
        package.__path__ = []
        sys.modules[PACKAGE] = package
    name = f"{PACKAGE}.{plugin_id}"
    spec = importlib.util.spec_from_file_location(
        name, folder / "__init__.py", submodule_search_locations=[str(folder)])
    if spec is None or spec.loader is None:
        raise InputError(_("{folder} has no __init__.py").format(folder=folder))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module

"""Where plugins are found: the bundled ones and the user's own."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

import mt_studio

PLUGINS_ENV = "MT_STUDIO_PLUGINS"


def bundled_plugins_folder() -> Path:
    """The bundled plugins: the clone's top-level plugins/, or where a wheel installed them."""
    source_tree = Path(mt_studio.__file__).resolve().parent.parent / "plugins"
    if source_tree.is_dir():
        return source_tree
    return Path(sys.prefix) / "share" / "mt-studio" / "plugins"


def user_plugins_folder() -> Path:
    """The user's own plugins: $MT_STUDIO_PLUGINS if set, else in the user's data folder."""
    override = os.environ.get(PLUGINS_ENV)
    if override:
        return Path(override).expanduser()
    return platformdirs.user_data_path("mt-studio", appauthor=False) / "plugins"

"""Where plugins are found: the bundled ones and the user's own."""

from __future__ import annotations

from pathlib import Path

import platformdirs

from mt_studio.core.shipped_folders import bundled_folder, user_folder

PLUGINS_ENV = "MT_STUDIO_PLUGINS"


def bundled_plugins_folder() -> Path:
    """The bundled plugins: the clone's top-level plugins/, or where a wheel installed them."""
    return bundled_folder("plugins")


def user_plugins_folder() -> Path:
    """The user's own plugins: $MT_STUDIO_PLUGINS if set, else in the user's data folder."""
    return user_folder(PLUGINS_ENV,
                       platformdirs.user_data_path("mt-studio", appauthor=False) / "plugins")

"""Where what ships with mt_studio lies (presets, plugins), and where a user's own go."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import mt_studio


def bundled_folder(name: str) -> Path:
    """The bundled NAME folder: the clone's top-level one, or where a wheel installed it
    (share/mt-studio/NAME)."""
    source_tree = Path(mt_studio.__file__).resolve().parent.parent / name
    if source_tree.is_dir():
        return source_tree
    return Path(sys.prefix) / "share" / "mt-studio" / name


def user_folder(env_var: str, default: Path) -> Path:
    """$ENV_VAR if it is set, else DEFAULT."""
    override = os.environ.get(env_var)
    return Path(override).expanduser() if override else default

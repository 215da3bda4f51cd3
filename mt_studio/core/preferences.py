"""The user's preferences (language and the like), as a small JSON file in the config folder.

Values are stored by name, never by a widget's index, and an unreadable file falls back to the
defaults with a warning in the log rather than stopping the app.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import NamedTuple

import platformdirs

CONFIG_ENV = "MT_STUDIO_CONFIG_DIR"
FILE_NAME = "preferences.json"


def config_folder() -> Path:
    """$MT_STUDIO_CONFIG_DIR if set, else the user's config folder for mt-studio."""
    folder = os.environ.get(CONFIG_ENV)
    return Path(folder) if folder else platformdirs.user_config_path("mt-studio", appauthor=False)


class Preferences(NamedTuple):
    """What the user chose; "" means "as the system says".

    A named tuple rather than a dataclass: it is read before the window first paints, and
    dataclasses' import alone costs several milliseconds there.
    """

    language: str = ""
    take_list_height: int = 0  # pixels the Takes tab's list was made; 0: as laid out first
    take_lanes_height: int = 0  # pixels its tracks were given above the mix; 0: as laid out
    lock_minutes: int = 10  # the window locks after this long untouched; 0: never by itself
    song_tempos: dict = {}  # the count-in's beats a minute in My songs, by song id (as text)


def load(folder: Path | None = None) -> Preferences:
    """The saved preferences, or the defaults when there are none or they cannot be read."""
    path = (folder or config_folder()) / FILE_NAME
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Preferences()
    except (OSError, ValueError) as error:
        _log().warning("ignoring unreadable preferences %s: %s", path, error)
        return Preferences()
    if not isinstance(raw, dict):
        _log().warning("ignoring preferences %s: not a JSON object", path)
        return Preferences()
    defaults = Preferences()._asdict()
    return Preferences(**{k: v for k, v in raw.items()
                          if k in defaults and type(v) is type(defaults[k])})


def save(preferences: Preferences, folder: Path | None = None) -> None:
    """Write the preferences atomically (a crash leaves the old file or the new one)."""
    from mt_studio.core.durable_files import replaced_atomically  # not needed at start-up

    with replaced_atomically((folder or config_folder()) / FILE_NAME) as file:
        file.write(json.dumps(preferences._asdict(), indent=2).encode("utf-8"))


def _log():
    """This module's logger: logging is imported when there is something to log, as the
    preferences are read before the window's first paint."""
    import logging

    return logging.getLogger(__name__)

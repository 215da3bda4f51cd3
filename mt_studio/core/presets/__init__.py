"""Presets: TOML files with a format_version for session templates, input maps and export profiles.

catalog = PresetCatalog.default()          # bundled presets, overridden by the user's
band = catalog.session_template("band")
scarlett = catalog.input_map_for_device("Scarlett 18i8 USB")
for problem in catalog.problems(): ...     # malformed files, each naming file and line
"""

from mt_studio.core.presets.catalog import (
    PRESETS_ENV_VAR,
    PresetCatalog,
    bundled_presets_folder,
    user_presets_folder,
)
from mt_studio.core.presets.dump import dump_preset
from mt_studio.core.presets.errors import PresetError
from mt_studio.core.presets.load import load_preset
from mt_studio.core.presets.migrations import (
    FORMAT_VERSION,
    Migration,
    Migrations,
    default_migrations,
)
from mt_studio.core.presets.model import (
    AudioFormat,
    Connector,
    ExportProfile,
    InputMap,
    InterfaceInput,
    Preset,
    PresetKind,
    SessionTemplate,
    TemplateInput,
    kind_of,
)

__all__ = [
    "FORMAT_VERSION",
    "PRESETS_ENV_VAR",
    "AudioFormat",
    "Connector",
    "ExportProfile",
    "InputMap",
    "InterfaceInput",
    "Migration",
    "Migrations",
    "Preset",
    "PresetCatalog",
    "PresetError",
    "PresetKind",
    "SessionTemplate",
    "TemplateInput",
    "bundled_presets_folder",
    "default_migrations",
    "dump_preset",
    "kind_of",
    "load_preset",
    "user_presets_folder",
]

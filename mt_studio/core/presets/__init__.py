"""Presets: TOML files with a format_version for session templates, input maps, export profiles
and the list of reasons a course ended.

catalog = PresetCatalog.default()          # bundled presets, overridden by the user's
band = catalog.session_template("band")
scarlett = catalog.input_map_for_device("Scarlett 18i8 USB")
reasons = catalog.ending_reasons()           # the service's list, else the bundled "standard"
for problem in catalog.problems(): ...     # malformed files, each naming file and line
"""

from mt_studio.core.presets.catalog import (
    PRESETS_ENV_VAR,
    STANDARD_ENDING_REASONS,
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
    EndingReason,
    EndingReasons,
    ExportProfile,
    InputMap,
    InterfaceInput,
    Preset,
    PresetKind,
    ReasonDetail,
    SessionTemplate,
    TemplateInput,
    kind_of,
)

__all__ = [
    "FORMAT_VERSION",
    "PRESETS_ENV_VAR",
    "STANDARD_ENDING_REASONS",
    "AudioFormat",
    "Connector",
    "EndingReason",
    "EndingReasons",
    "ExportProfile",
    "InputMap",
    "InterfaceInput",
    "Migration",
    "Migrations",
    "Preset",
    "PresetCatalog",
    "PresetError",
    "PresetKind",
    "ReasonDetail",
    "SessionTemplate",
    "TemplateInput",
    "bundled_presets_folder",
    "default_migrations",
    "dump_preset",
    "kind_of",
    "load_preset",
    "user_presets_folder",
]

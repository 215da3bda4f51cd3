"""The one module a plugin imports: what it receives in `enable(api)` and what it registers.

    from mt_studio.plugin_api import Analysis, Annotation, PluginApi

    def enable(api: PluginApi) -> None:
        api.add_analysis(Analysis("loudest-bar", "Loudest bar", run=find_loudest_bar))

A plugin folder holds MANIFEST.toml (id, name, version, api_version = 1, kind = "analysis",
"effect" or "exporter" (or a list), description) and __init__.py with `enable(api)` and,
optionally, `disable()`. Everything a plugin registers is taken away when it is disabled.
A plugin is handed sound and what an export carries, never the library or anyone's name.
It runs inside mt_studio, with its rights: the host refuses imports of mt_studio beyond this
module, but it cannot stop a plugin that means harm. Enable only plugins you trust.
`current_language()` says which language ("en", "nb") the user reads. For analyses that
listen: `listen(take)` gives onset strength, chroma and loudness, read block by block, and
`track_beats(heard)` the beats and bars heard.
"""

from mt_studio.core.plugins.extensions import (
    Analysis,
    Annotation,
    Effect,
    ExportContext,
    Exporter,
    Processor,
    TakeAudio,
)
from mt_studio.core.plugins.host import API_VERSIONS, PluginApi
from mt_studio.core.plugins.listening import (
    ANALYSIS_RATE,
    ONSET_HOP,
    Beats,
    Heard,
    harmony_change,
    listen,
    track_beats,
)
from mt_studio.i18n import current_language

API_VERSION = API_VERSIONS[-1]

__all__ = ["ANALYSIS_RATE", "API_VERSION", "ONSET_HOP", "Analysis", "Annotation", "Beats",
           "Effect", "ExportContext", "Exporter", "Heard", "PluginApi", "Processor", "TakeAudio",
           "current_language", "harmony_change", "listen", "track_beats"]

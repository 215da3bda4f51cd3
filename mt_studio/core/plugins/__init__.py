"""The plugin host: plugin folders with a manifest, enabled and
disabled as a whole, each isolated so that a failing plugin never takes the app down."""

from mt_studio.core.plugins.extensions import (
    Analysis,
    Annotation,
    Effect,
    ExportContext,
    Exporter,
    Processor,
    TakeAudio,
)
from mt_studio.core.plugins.host import (
    API_VERSIONS,
    PluginApi,
    PluginFailed,
    PluginHost,
    PluginInfo,
    PluginState,
)

__all__ = ["API_VERSIONS", "Analysis", "Annotation", "Effect", "ExportContext", "Exporter",
           "PluginApi", "PluginFailed", "PluginHost", "PluginInfo", "PluginState", "Processor",
           "TakeAudio"]

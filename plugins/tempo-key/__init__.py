"""Tempo and key: the tempo of a take from the beats heard, its key from its chroma."""

from __future__ import annotations

from mt_studio.plugin_api import Analysis, PluginApi

from .tempo_key import find_tempo_and_key


def enable(api: PluginApi) -> None:
    api.add_analysis(Analysis(
        "tempo-key", "Tempo and key", run=find_tempo_and_key,
        description="The tempo from the beats heard, and the key (Krumhansl-Schmuckler).",
        names={"nb": "Tempo og toneart"},
        descriptions={"nb": "Tempoet ut fra taktslagene som høres, og tonearten "
                            "(Krumhansl-Schmuckler)."}))

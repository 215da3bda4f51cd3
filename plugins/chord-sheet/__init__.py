"""Chord sheet: a chord for every bar of a take, and a lead sheet with the song's lyrics."""

from __future__ import annotations

from mt_studio.plugin_api import Analysis, Exporter, PluginApi

from .chords import find_chords
from .lead_sheet import write_lead_sheet


def enable(api: PluginApi) -> None:
    api.add_analysis(Analysis(
        "chords", "Chords", run=find_chords,
        description="A chord for every bar, from the take's tempo or the beats heard.",
        names={"nb": "Akkorder"},
        descriptions={"nb": "En akkord for hver takt, ut fra opptakets tempo eller "
                            "taktslagene som høres."}))
    api.add_exporter(Exporter(
        "lead-sheet", "Lead sheet", write=write_lead_sheet,
        description="lead-sheet.txt: the title, the chords four bars a line, and the lyrics.",
        names={"nb": "Besifringsark"},
        descriptions={"nb": "lead-sheet.txt: tittelen, akkordene fire takter på hver linje, "
                            "og sangteksten."}))

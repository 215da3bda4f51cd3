"""Click track: click.wav beside an export's stems, on the beats of the exported part."""

from __future__ import annotations

from mt_studio.plugin_api import Exporter, PluginApi

from .clicks import write_click_track


def enable(api: PluginApi) -> None:
    api.add_exporter(Exporter(
        "click-track", "Click track", write=write_click_track,
        description="click.wav: a click on every beat, the first of each bar accented.",
        names={"nb": "Klikkspor"},
        descriptions={"nb": "click.wav: et klikk på hvert taktslag, med trykk på det første "
                            "i hver takt."}))

"""Plugins at work: effects in an export's mix and in playback, exporters adding files to the
share package, analyses kept as annotations; and failing plugins harming none of it."""

from __future__ import annotations

import json

import numpy as np
import pytest
import soundfile as sf

from mt_studio.core.domain import Purpose
from mt_studio.core.errors import InputError
from mt_studio.core.export import ExportRequest
from mt_studio.core.library import annotations
from mt_studio.core.midi_audio import midi_track_sound
from mt_studio.core.plugins import Annotation, PluginFailed, PluginHost, PluginState
from mt_studio.core.presets import AudioFormat
from tests.export_story import RATE, SECONDS, band_take
from tests.test_plugin_host import GOOD, RAISES_EVERYWHERE, plugin

ANNOTATIONS_DUMP = '''
import json
from mt_studio.plugin_api import Exporter

def write(context):
    found = [[a.kind, a.start, a.end, a.label] for a in context.annotations]
    (context.folder / "found.json").write_text(json.dumps(
        {"found": found, "frames": context.audio.frames, "lyrics": context.lyrics,
         "first": float(context.audio.read(0, 1)[0])}))
    return ["found.json"]

def enable(api):
    api.add_exporter(Exporter("dump", "Dump", write))
'''


@pytest.fixture
def host(tmp_path):
    folder = tmp_path / "plugins"
    plugin(folder, "good", GOOD)
    plugin(folder, "raises", RAISES_EVERYWHERE)
    plugin(folder, "dump", ANNOTATIONS_DUMP, kind='"exporter"')
    started = PluginHost([(folder, True)], tmp_path / "plugins.json")
    started.start()
    return started


@pytest.fixture
def story(library):
    return band_take(library)


def mix(studio, story, tmp_path, host, **fields) -> np.ndarray:
    result = studio.sharing.export(ExportRequest(
        story.take_id, Purpose.GROUP, tmp_path / "out", AudioFormat.WAV, bit_depth=32,
        **fields), plugins=host)
    written, _rate = sf.read(next(result.folder.glob("*.wav")), dtype="float32")
    return written


def test_an_effect_shapes_the_exported_mix(studio, story, tmp_path, host):
    plain = mix(studio, story, tmp_path, host)
    halved = mix(studio, story, tmp_path, host, effects=("halve",))
    np.testing.assert_allclose(halved, plain * 0.5, atol=1e-7)


def test_effects_are_for_a_mix_not_for_stems(story, tmp_path):
    with pytest.raises(InputError, match="stems"):
        ExportRequest(story.take_id, Purpose.GROUP, tmp_path, stems=True, effects=("halve",))


def test_an_effect_or_exporter_no_plugin_offers_is_named(studio, story, tmp_path, host):
    with pytest.raises(InputError, match="reverb-9000"):
        studio.sharing.export(ExportRequest(story.take_id, Purpose.GROUP, tmp_path,
                                            effects=("reverb-9000",)), plugins=host)
    with pytest.raises(InputError, match="plugins"):
        studio.sharing.export(ExportRequest(story.take_id, Purpose.GROUP, tmp_path,
                                            exporters=("notes",)))
    assert not any(p.name.startswith("Take") for p in tmp_path.iterdir())


def test_an_exporter_adds_files_that_the_manifest_lists_with_checksums(
        library, studio, story, tmp_path, host):
    with library.transaction() as db:
        annotations.replace(db, story.take_id, "good", "find-c", [
            Annotation("chord", 0, RATE // 2, "F"), Annotation("chord", RATE // 2, 2 * RATE, "C"),
            Annotation("chord", 2 * RATE, 3 * RATE, "G"),
            Annotation("tempo", 0, SECONDS * RATE, "96 BPM", 96.0),
            Annotation("marker-ish", 5 * RATE, None, "after the region")])
    result = studio.sharing.export(ExportRequest(
        story.take_id, Purpose.GROUP, tmp_path / "out", exporters=("notes", "dump"),
        region=(RATE, 4 * RATE)), plugins=host)
    manifest = json.loads((result.folder / "manifest.json").read_text())
    assert {"notes.txt", "found.json"} <= {f["name"] for f in manifest["files"]}
    dumped = json.loads((result.folder / "found.json").read_text())
    assert dumped["found"] == [  # what overlaps the region, counted from its start, held in it
        ["tempo", 0, 3 * RATE, "96 BPM"], ["chord", 0, RATE, "C"],
        ["chord", RATE, 2 * RATE, "G"]]
    assert dumped["frames"] == 3 * RATE
    keys = sf.read(midi_track_sound(library.folder, next(library.folder.rglob("*.mid")), RATE,
                                    SECONDS * RATE), dtype="float32")[0]  # a mix has the MIDI
    expected = np.mean([story.signals[t][RATE] for t in (story.room, story.bass, story.vocal)]
                       + [keys[RATE]])
    assert dumped["first"] == pytest.approx(expected, abs=1e-6)


def test_a_failing_effect_or_exporter_stops_the_export_and_leaves_nothing(
        studio, story, tmp_path, host):
    for fields in ({"effects": ("broken",)}, {"exporters": ("boom-files",)}):
        host.enable("raises")
        with pytest.raises(PluginFailed):
            studio.sharing.export(ExportRequest(story.take_id, Purpose.GROUP, tmp_path / "out",
                                                **fields), plugins=host)
        assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []
        assert host.info("raises").state is PluginState.FAILED
    result = studio.sharing.export(ExportRequest(story.take_id, Purpose.GROUP, tmp_path / "out",
                                                 effects=("halve",)), plugins=host)
    assert result.folder.is_dir()  # the other plugins and the app carry on


def test_an_analysis_runs_on_the_take_and_its_annotations_are_kept(studio, story, host):
    [analysis] = [a for _plugin, a in host.analyses() if a.id == "find-c"]
    with studio.plugins.take_audio(story.take_id) as sound:
        assert sound.frames == SECONDS * RATE
        found = host.run_analysis("find-c", sound)
    assert studio.plugins.analyse(host, analysis.id, story.take_id) == found
    studio.plugins.analyse(host, analysis.id, story.take_id)  # a new run replaces
    kept = studio.plugins.annotations(story.take_id)
    assert [(k.plugin_id, k.annotation.label) for k in kept] == [("good", "C")]
    assert studio.plugins.annotations(story.take_id, ["other"]) == []

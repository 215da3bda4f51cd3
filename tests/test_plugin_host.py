"""The plugin host: found, loaded, enabled, disabled with everything removed, failures isolated."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from mt_studio.core.errors import InputError
from mt_studio.core.plugins import (
    ExportContext,
    PluginFailed,
    PluginHost,
    PluginState,
    TakeAudio,
)

GOOD = '''
from mt_studio.plugin_api import Analysis, Annotation, Effect, Exporter

disabled = []


class Halve:
    def process(self, block):
        return block * 0.5


def find(audio, progress):
    progress(1.0)
    return [Annotation("chord", 0, audio.frames, "C")]


def write(context):
    (context.folder / "notes.txt").write_text(context.title)
    return ["notes.txt"]


def enable(api):
    api.add_analysis(Analysis("find-c", "Find C", find))
    api.add_effect(Effect("halve", "Halve", lambda rate, channels: Halve()))
    api.add_exporter(Exporter("notes", "Notes", write))


def disable():
    disabled.append(True)
'''

RAISES_EVERYWHERE = '''
from mt_studio.plugin_api import Analysis, Effect, Exporter


class Broken:
    def process(self, block):
        raise RuntimeError("no sound today")


def boom(*args):
    raise RuntimeError("boom")


def enable(api):
    api.add_analysis(Analysis("boom", "Boom", boom))
    api.add_effect(Effect("broken", "Broken", lambda rate, channels: Broken()))
    api.add_exporter(Exporter("boom-files", "Boom files", boom))


def disable():
    raise RuntimeError("boom on the way out too")
'''


def plugin(folder: Path, plugin_id: str, code: str, kind='["analysis", "effect", "exporter"]',
           api_version: int = 1) -> Path:
    path = folder / plugin_id
    path.mkdir(parents=True)
    (path / "MANIFEST.toml").write_text(textwrap.dedent(f'''
        id = "{plugin_id}"
        name = "{plugin_id.title()}"
        version = "1.0"
        api_version = {api_version}
        kind = {kind}
        description = "A test plugin."
    '''))
    (path / "__init__.py").write_text(code)
    return path


def audio(frames: int = 4800) -> TakeAudio:
    signal = np.linspace(-1, 1, frames, dtype=np.float32)
    return TakeAudio(48000, frames, read=lambda a, b: signal[a:b])


@pytest.fixture
def folders(tmp_path):
    bundled, user = tmp_path / "bundled", tmp_path / "user"
    bundled.mkdir()
    user.mkdir()
    return bundled, user


def host_of(folders, tmp_path) -> PluginHost:
    bundled, user = folders
    return PluginHost([(bundled, True), (user, False)], tmp_path / "config" / "plugins.json")


def test_a_bundled_plugin_is_found_enabled_and_offers_what_it_registered(folders, tmp_path):
    plugin(folders[0], "good", GOOD)
    host = host_of(folders, tmp_path)
    [info] = host.start()
    assert (info.id, info.state, info.bundled, info.version) == ("good", PluginState.ENABLED,
                                                                 True, "1.0")
    assert [a.id for _p, a in host.analyses()] == ["find-c"]
    assert host.run_analysis("find-c", audio())[0].label == "C"
    block = np.ones((256, 2), np.float32)
    assert np.all(host.processor("halve", 48000, 2).process(block) == 0.5)
    out = tmp_path / "export"
    out.mkdir()
    context = ExportContext(out, "Lyset", (), None, audio())
    assert host.run_exporter("notes", context) == ["notes.txt"]
    assert (out / "notes.txt").read_text() == "Lyset"


def test_disabling_calls_disable_removes_everything_and_is_remembered(folders, tmp_path):
    plugin(folders[0], "good", GOOD)
    host = host_of(folders, tmp_path)
    host.start()
    module = sys.modules["mt_studio_plugins.good"]
    assert host.disable("good").state is PluginState.DISABLED
    assert module.disabled == [True]
    assert (host.analyses(), host.effects(), host.exporters()) == ([], [], [])
    assert "mt_studio_plugins.good" not in sys.modules
    with pytest.raises(InputError, match="No enabled plugin offers"):
        host.run_analysis("find-c", audio())
    again = host_of(folders, tmp_path)  # the next start of the app
    assert again.start()[0].state is PluginState.DISABLED
    assert again.enable("good").state is PluginState.ENABLED
    assert host_of(folders, tmp_path).start()[0].state is PluginState.ENABLED


def test_a_users_plugin_waits_to_be_enabled(folders, tmp_path):
    plugin(folders[1], "mine", GOOD)
    host = host_of(folders, tmp_path)
    [info] = host.start()
    assert (info.state, info.bundled) == (PluginState.DISABLED, False)
    assert host.analyses() == []
    assert host.enable("mine").state is PluginState.ENABLED


def test_a_plugin_that_raises_on_loading_is_disabled_with_its_error_and_others_run(
        folders, tmp_path):
    plugin(folders[0], "good", GOOD)
    plugin(folders[0], "crash", "raise ImportError('needs a library that is not here')\n")
    plugin(folders[0], "no-enable", "x = 1\n")
    host = host_of(folders, tmp_path)
    states = {i.id: (i.state, i.error) for i in host.start()}
    assert states["good"][0] is PluginState.ENABLED
    assert states["crash"] == (PluginState.FAILED,
                               "ImportError: needs a library that is not here")
    assert states["no-enable"][0] is PluginState.FAILED
    assert "enable(api)" in states["no-enable"][1]
    assert [a.id for _p, a in host.analyses()] == ["find-c"]  # the others are untouched


def test_a_plugin_hanging_at_import_is_given_up_on_and_the_others_load(folders, tmp_path):
    """Its module sleeps forever: after the host's time limit (short here) it is failed with
    the reason, and the host goes on to the next plugin."""
    plugin(folders[0], "early", "import time\n\nwhile True:\n    time.sleep(60)\n")
    plugin(folders[0], "good", GOOD)
    host = PluginHost([(folders[0], True)], tmp_path / "plugins.json", import_timeout=0.3)
    states = {i.id: (i.state, i.error) for i in host.start()}
    assert states["good"][0] is PluginState.ENABLED
    assert states["early"][0] is PluginState.FAILED
    assert "did not finish loading within 0.3 s" in states["early"][1]
    assert [a.id for _p, a in host.analyses()] == ["find-c"]
    assert "mt_studio_plugins.early" not in sys.modules


def test_a_plugin_raising_in_every_hook_is_disabled_and_harms_nothing(folders, tmp_path):
    plugin(folders[0], "raises", RAISES_EVERYWHERE)
    host = host_of(folders, tmp_path)
    host.start()
    processor = host.processor("broken", 48000, 2)
    block = np.full((128, 2), 0.25, np.float32)
    assert np.array_equal(processor.process(block), block)  # the sound passes on unchanged
    assert np.array_equal(processor.process(block), block)
    info = host.info("raises")
    assert info.state is PluginState.FAILED and "no sound today" in info.error
    assert host.effects() == [] and host.analyses() == []  # all it registered is gone
    with pytest.raises(InputError):
        host.run_analysis("boom", audio())
    host.enable("raises")
    with pytest.raises(PluginFailed, match="Raises failed and was disabled: RuntimeError: boom"):
        host.run_analysis("boom", audio())
    host.enable("raises")
    out = tmp_path / "export"
    out.mkdir()
    with pytest.raises(PluginFailed):
        host.run_exporter("boom-files", ExportContext(out, "T", (), None, audio()))
    assert host_of(folders, tmp_path).start()[0].state is PluginState.FAILED  # remembered
    saved = json.loads((tmp_path / "config" / "plugins.json").read_text())
    assert saved["enabled"] == {"raises": False} and "boom" in saved["errors"]["raises"]
    host.enable("raises")
    assert host.disable("raises").state is PluginState.DISABLED  # its disable() raised too


def test_an_unknown_api_version_or_a_bad_manifest_is_refused_with_a_clear_message(
        folders, tmp_path):
    plugin(folders[0], "future", GOOD, api_version=7)
    bad = folders[0] / "bad"
    bad.mkdir()
    (bad / "MANIFEST.toml").write_text('id = "bad"\nname = "Bad"\n')
    (bad / "__init__.py").write_text("")
    host = host_of(folders, tmp_path)
    states = {i.id: i for i in host.start()}
    assert states["future"].state is PluginState.REFUSED
    assert "plugin API version 7" in states["future"].error
    assert states["bad"].state is PluginState.REFUSED
    assert "MANIFEST.toml" in states["bad"].error and "version" in states["bad"].error
    assert host.enable("future").state is PluginState.REFUSED
    assert "mt_studio_plugins.future" not in sys.modules


def test_a_plugin_importing_mt_studio_beyond_the_facade_is_refused(folders, tmp_path):
    plugin(folders[0], "nosy", "from mt_studio.core.library import participants\n"
                               "def enable(api):\n    pass\n")
    [info] = host_of(folders, tmp_path).start()
    assert info.state is PluginState.REFUSED
    assert "mt_studio.core.library" in info.error and "__init__.py:1" in info.error


def test_an_exporter_naming_a_file_outside_its_folder_fails(folders, tmp_path):
    plugin(folders[0], "escape", '''
from mt_studio.plugin_api import Exporter

def write(context):
    (context.folder.parent / "outside.txt").write_text("x")
    return ["../outside.txt"]

def enable(api):
    api.add_exporter(Exporter("escape", "Escape", write))
''', kind='"exporter"')
    host = host_of(folders, tmp_path)
    host.start()
    out = tmp_path / "export"
    out.mkdir()
    with pytest.raises(PluginFailed, match="outside.txt"):
        host.run_exporter("escape", ExportContext(out, "T", (), None, audio()))


def test_registering_a_kind_the_manifest_does_not_name_fails_the_plugin(folders, tmp_path):
    plugin(folders[0], "sneaky", GOOD, kind='"analysis"')
    [info] = host_of(folders, tmp_path).start()
    assert info.state is PluginState.FAILED and "effect" in info.error


def test_a_plugin_is_named_in_the_users_language_when_its_manifest_says_so(folders, tmp_path):
    from mt_studio.i18n import use_language

    path = plugin(folders[0], "good", GOOD)
    with (path / "MANIFEST.toml").open("a") as manifest:
        manifest.write('name_nb = "Godt tillegg"\ndescription_nb = "Et tillegg til prøve."\n')
    [info] = host_of(folders, tmp_path).start()
    try:
        use_language("nb")
        assert (info.shown_name, info.shown_description) == ("Godt tillegg",
                                                             "Et tillegg til prøve.")
        use_language("en")
        assert info.shown_name == "Good"
    finally:
        use_language(None)


def test_a_users_plugin_cannot_take_a_bundled_plugins_id_or_state(folders, tmp_path):
    plugin(folders[0], "good", GOOD)
    host_of(folders, tmp_path).start()  # the bundled one enabled, and remembered so
    impostor = plugin(folders[1], "good-copy", GOOD.replace("find-c", "sneaky"))
    text = (impostor / "MANIFEST.toml").read_text().replace('id = "good-copy"', 'id = "good"')
    (impostor / "MANIFEST.toml").write_text(text)
    host = host_of(folders, tmp_path)
    infos = host.start()
    states = sorted((i.bundled, i.state.value) for i in infos)
    assert states == [(False, "refused"), (True, "enabled")]
    assert [a.id for _p, a in host.analyses()] == ["find-c"]
    refused = next(i for i in infos if not i.bundled)
    assert "has the id good already" in refused.error


def test_a_plugin_calling_sys_exit_fails_alone(folders, tmp_path):
    plugin(folders[0], "good", GOOD)
    plugin(folders[0], "quitter", "import sys\nsys.exit(3)\n")
    plugin(folders[0], "quits-later", '''
import sys
from mt_studio.plugin_api import Analysis

def enable(api):
    api.add_analysis(Analysis("quit", "Quit", lambda audio, progress: sys.exit(4)))
''', kind='"analysis"')
    host = host_of(folders, tmp_path)
    states = {i.id: i.state for i in host.start()}
    assert states == {"good": PluginState.ENABLED, "quitter": PluginState.FAILED,
                      "quits-later": PluginState.ENABLED}
    with pytest.raises(PluginFailed, match="SystemExit"):
        host.run_analysis("quit", audio())
    assert host.info("good").state is PluginState.ENABLED


@pytest.mark.parametrize("saved", ['{"enabled": []}', '{"errors": ["x"]}', '[1, 2]',
                                   '{"enabled": {"good": "yes"}, "errors": {"good": 5}}',
                                   "not json"])
def test_a_malformed_state_file_is_ignored(folders, tmp_path, saved):
    plugin(folders[0], "good", GOOD)
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "plugins.json").write_text(saved)
    [info] = host_of(folders, tmp_path).start()
    assert (info.state, info.error) == (PluginState.ENABLED, "")


def test_an_effect_giving_samples_that_are_not_sound_fails_and_passes_the_sound_on(
        folders, tmp_path):
    plugin(folders[0], "noisy", '''
import numpy as np
from mt_studio.plugin_api import Effect

class Broken:
    def process(self, block):
        return np.full_like(block, np.nan)

def enable(api):
    api.add_effect(Effect("nan", "NaN", lambda rate, channels: Broken()))
''', kind='"effect"')
    host = host_of(folders, tmp_path)
    host.start()
    processor = host.processor("nan", 48000, 2)
    block = np.full((64, 2), 0.25, np.float32)
    assert np.array_equal(processor.process(block), block)
    assert processor.failed


@pytest.mark.parametrize("found", [
    'Annotation("chord", 10, 5, "C")', 'Annotation("chord", 0, None, None)',
    'Annotation("chord", "x", None, "C")', 'Annotation("chord", -1, None, "C")',
    'Annotation("tempo", 0, None, "96", float("nan"))',
    'Annotation("chord", 0, None, "C\\x1b[2J")', 'Annotation("chord", 0, None, "\\u202eC")',
    'Annotation("chord", 0, None, "C" * 201)'])
def test_an_analysis_giving_a_bad_annotation_fails(folders, tmp_path, found):
    plugin(folders[0], "sloppy", f'''
from mt_studio.plugin_api import Analysis, Annotation

def enable(api):
    api.add_analysis(Analysis("sloppy", "Sloppy", lambda audio, progress: [{found}]))
''', kind='"analysis"')
    host = host_of(folders, tmp_path)
    host.start()
    with pytest.raises(PluginFailed, match="not an annotation"):
        host.run_analysis("sloppy", audio())


def test_an_annotation_past_the_take_is_held_to_its_end(folders, tmp_path):
    plugin(folders[0], "long", '''
from mt_studio.plugin_api import Analysis, Annotation

def enable(api):
    api.add_analysis(Analysis("long", "Long", lambda audio, progress: [
        Annotation("key", 0, 10**12, "A minor")]))
''', kind='"analysis"')
    host = host_of(folders, tmp_path)
    host.start()
    assert host.run_analysis("long", audio(4800))[0].end == 4800


def test_an_exporter_writing_files_it_does_not_name_or_the_packages_own_fails(
        folders, tmp_path):
    plugin(folders[0], "sly", '''
from mt_studio.plugin_api import Exporter

def hidden(context):
    (context.folder / "named.txt").write_text("x")
    (context.folder / "unnamed.txt").write_text("names of people")
    return ["named.txt"]

def credits(context):
    (context.folder / "credits.txt").write_text("mine")
    return ["credits.txt"]

def enable(api):
    api.add_exporter(Exporter("hidden", "Hidden", hidden))
    api.add_exporter(Exporter("credits", "Credits", credits))
''', kind='"exporter"')
    host = host_of(folders, tmp_path)
    host.start()
    for exporter, message in (("hidden", "unnamed.txt"), ("credits", "keeps for itself")):
        host.enable("sly")
        out = tmp_path / exporter
        out.mkdir()
        with pytest.raises(PluginFailed, match=message):
            host.run_exporter(exporter, ExportContext(out, "T", (), None, audio()),
                              reserved=("credits.txt",))

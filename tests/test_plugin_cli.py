"""`mt-studio plugin list|enable|disable`, `mt-studio analyse` and `export --effect/--add`."""

from __future__ import annotations

import pytest

from mt_studio.core.library import annotations
from tests.export_story import band_take
from tests.test_plugin_host import GOOD, plugin


@pytest.fixture
def mine(tmp_path, monkeypatch):
    folder = tmp_path / "my-plugins"
    plugin(folder, "good", GOOD)
    monkeypatch.setenv("MT_STUDIO_PLUGINS", str(folder))
    return folder


def test_a_users_plugin_is_listed_enabled_used_and_disabled(library, cli, mine, tmp_path):
    listed = {p["id"]: p for p in cli("plugin", "list", "--json").json()["plugins"]}
    assert listed["good"]["state"] == "disabled" and listed["good"]["bundled"] is False
    assert cli("plugin", "enable", "good").code == 0
    listed = {p["id"]: p for p in cli("plugin", "list", "--json").json()["plugins"]}
    assert listed["good"]["state"] == "enabled"
    assert listed["good"]["analyses"] == ["find-c"] and listed["good"]["effects"] == ["halve"]
    story = band_take(library)
    found = cli("analyse", story.take_id, "find-c", "--json")
    assert found.code == 0, found.err
    assert [a["label"] for a in found.json()["annotations"]] == ["C"]
    assert [s.annotation.label for s in annotations.of_take(library.connection,
                                                              story.take_id)] == ["C"]
    exported = cli("export", story.take_id, "--purpose", "group", "--format", "wav", "--mix",
                   "--to", tmp_path / "out", "--effect", "halve", "--add", "notes", "--json")
    assert exported.code == 0, exported.err
    assert any(f["name"].endswith("/notes.txt") for f in exported.json()["files"])
    assert cli("plugin", "disable", "good").code == 0
    gone = cli("analyse", story.take_id, "find-c")
    assert gone.code == 2 and "find-c" in gone.err


def test_a_plugin_that_cannot_start_says_why_and_exits_1(cli, tmp_path, monkeypatch):
    folder = tmp_path / "my-plugins"
    plugin(folder, "crash", "raise RuntimeError('not today')\n")
    monkeypatch.setenv("MT_STUDIO_PLUGINS", str(folder))
    result = cli("plugin", "enable", "crash")
    assert result.code == 1 and "not today" in result.out
    assert cli("plugin", "enable", "nothing-here").code == 2

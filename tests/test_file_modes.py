"""Health data is its user's alone on disk: the library's folders 0700 and files 0600, its
backups and a zipped export too, whatever the user's umask (022 here: others could read)."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from mt_studio.core.library import Library
from mt_studio.core.library.database import DATABASE_NAME
from tests.export_story import band_take

DATA = Path(__file__).parent / "data"


@pytest.fixture
def loose_umask():
    """The umask most desktops have: files 0644, folders 0755."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def open_to_others(root: Path) -> list[str]:
    """Everything under ROOT (itself too) that anyone but its owner may read or enter."""
    found = [root, *root.rglob("*")]
    return [f"{path.relative_to(root.parent)} {stat.filemode(path.stat().st_mode)}"
            for path in found if path.stat().st_mode & 0o077]


@pytest.mark.usefixtures("loose_umask")
def test_a_library_a_command_makes_is_its_users_alone(cli, tmp_path):
    library = tmp_path / "lib"
    assert cli("--library", library, "participant", "add", "Kari").code == 0
    assert cli("--library", library, "session", "new", "Tuesday band", "--kind", "band",
               "--participants", "Kari").code == 0
    assert (library / DATABASE_NAME).exists()
    assert open_to_others(library) == []


@pytest.mark.usefixtures("loose_umask")
def test_a_zipped_export_of_a_take_is_its_users_alone(cli, tmp_path):
    with Library.open(tmp_path / "lib") as library:
        story = band_take(library)
    out = tmp_path / "out"
    result = cli("--library", tmp_path / "lib", "export", story.take_id, "--purpose", "group",
                 "--format", "wav", "--mix", "--to", out, "--zip")
    assert result.code == 0, result.err
    assert list(out.rglob("*.zip"))
    assert open_to_others(out) == []
    # The library was made loosely above, outside any command: opening it closes its folder
    # (nothing inside can be reached by others) and its database.
    library = tmp_path / "lib"
    assert stat.S_IMODE(library.stat().st_mode) == 0o700
    assert stat.S_IMODE((library / DATABASE_NAME).stat().st_mode) == 0o600


@pytest.mark.usefixtures("loose_umask")
def test_the_backup_kept_before_an_upgrade_is_its_users_alone(cli, tmp_path):
    folder = tmp_path / "lib"
    folder.mkdir()
    db = sqlite3.connect(folder / DATABASE_NAME)
    db.executescript((DATA / "library-v6.sql").read_text())
    db.close()
    assert cli("--library", folder, "participant", "list").code == 0
    assert list(folder.glob(f"{DATABASE_NAME}.v6-*.backup"))
    assert open_to_others(folder) == []


@pytest.mark.usefixtures("loose_umask")
def test_a_zip_exported_through_the_studio_alone_is_its_users_alone(tmp_path):
    """Without the window's or a command's umask (a plugin's export, a test): the zip is still
    made 0600."""
    from mt_studio.core.domain import Purpose
    from mt_studio.core.export import ExportRequest
    from mt_studio.core.studio import Studio

    with Library.open(tmp_path / "lib") as library:
        story = band_take(library)
    with Studio.open(tmp_path / "lib") as studio:
        result = studio.sharing.export(ExportRequest(story.take_id, Purpose.GROUP,
                                                     tmp_path / "out", zip=True))
    assert stat.S_IMODE(result.zip.stat().st_mode) == 0o600

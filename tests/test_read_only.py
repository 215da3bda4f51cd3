"""A library or an export's destination on a read-only disk: named in one line, nothing changed.

A real read-only filesystem, not a file mode (the tests run as root, who may write any mode):
the command runs in a mount namespace of its own (`unshare -m`), in which the folder or file
is bind-mounted read-only; nobody outside that namespace sees the mount.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import without_notice

from mt_studio.core.errors import LibraryError
from mt_studio.core.library.database import DATABASE_NAME
from tests.export_story import band_take
from tests.test_cli import dump


def _can_mount_privately() -> bool:
    if shutil.which("unshare") is None:
        return False
    tried = subprocess.run(["unshare", "-m", "--propagation", "private", "true"],
                           capture_output=True, timeout=30)
    return tried.returncode == 0


needs_mounts = pytest.mark.skipif(not _can_mount_privately(),
                                  reason="needs a mount namespace of its own (unshare -m)")


def read_only(path: Path, *args: str) -> subprocess.CompletedProcess:
    """`mt-studio ARGS...` run with PATH (a file or a folder) on a read-only mount."""
    script = Path(sys.executable).with_name("mt-studio")
    mounted = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'
    done = subprocess.run(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", mounted, "sh", str(path),
         str(script), *map(str, args)], capture_output=True, text=True, timeout=60)
    done.stderr = without_notice(done.stderr)
    return done


def one_line_naming(done: subprocess.CompletedProcess, path: Path) -> bool:
    return done.stderr.count("\n") == 1 and done.stderr.startswith("mt-studio: ") and \
        str(path) in done.stderr and "Traceback" not in done.stderr


@needs_mounts
@pytest.mark.parametrize("args", [["participant", "list"], ["participant", "add", "Kari"],
                                  ["session", "list"]])
def test_a_read_only_database_is_named_before_anything_is_read_or_written(cli, tmp_path, args):
    assert cli("participant", "add", "Ola").code == 0
    folder = tmp_path / "library"
    before, files = dump(folder), sorted(p.name for p in folder.iterdir())
    done = read_only(folder / DATABASE_NAME, *args)
    assert done.returncode == 1
    assert one_line_naming(done, folder / DATABASE_NAME) and "read-only" in done.stderr
    assert done.stdout == ""
    assert dump(folder) == before
    assert sorted(p.name for p in folder.iterdir()) == files  # no journal left beside it


@needs_mounts
def test_a_read_only_library_folder_is_named(cli, tmp_path):
    assert cli("participant", "add", "Ola").code == 0
    folder = tmp_path / "library"
    before = dump(folder)
    done = read_only(folder, "participant", "add", "Kari")
    assert done.returncode == 1 and one_line_naming(done, folder)
    assert dump(folder) == before


@needs_mounts
@pytest.mark.parametrize("below", ["", "new"])
def test_a_read_only_export_destination_is_named_and_nothing_is_written(
        library, tmp_path, below):
    story = band_take(library)
    out = tmp_path / "out"
    out.mkdir()
    before = dump(library.folder)
    done = read_only(out, "export", story.take_id, "--purpose", "group", "--format", "wav",
                     "--mix", "--to", out / below, "--zip")
    assert done.returncode == 2
    assert one_line_naming(done, out / below if below else out)
    assert list(out.iterdir()) == []
    assert dump(library.folder) == before


def test_a_library_whose_disk_turns_read_only_while_open_names_its_database(studio, library):
    """SQLite's query_only stands in for the disk remounted read-only after the library was
    opened: SQLite refuses the write with the same error (SQLITE_READONLY)."""
    studio.consent.add_participant("Ola")
    library.connection.execute("PRAGMA query_only = ON")
    with pytest.raises(LibraryError, match="cannot be written") as refused:
        studio.consent.add_participant("Kari")
    assert str(library.database_path) in str(refused.value)
    library.connection.execute("PRAGMA query_only = OFF")
    assert [p.pseudonym for p in studio.consent.participants()] == ["Ola"]

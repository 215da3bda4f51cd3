"""A refused export writes nothing, not even for a moment: the kernel is asked what was made.

A look at the destination afterwards cannot tell an export that never began from one that
wrote every stem and then removed them; inotify reports every entry made while it ran.
"""

from __future__ import annotations

import pytest

from mt_studio.core.domain import Purpose
from mt_studio.core.errors import ConsentRefused
from mt_studio.core.export import ExportRequest
from mt_studio.core.library import consent_ledger
from mt_studio.core.presets import AudioFormat
from tests.conftest import run_command
from tests.export_story import band_take
from tests.file_watch import CreationWatch


@pytest.fixture
def refused_story(library):
    """The band take, with Kometen's consent to community withdrawn."""
    story = band_take(library)
    consent_ledger.withdraw(library.connection, story.kari, [Purpose.COMMUNITY])
    return story


@pytest.fixture(params=["existing", "new"])
def destination(request, tmp_path):
    """An export folder that exists already, or one the export would have to make."""
    shared = tmp_path / "shared"
    shared.mkdir()
    folder = shared / "to the choir"
    if request.param == "existing":
        folder.mkdir()
    return folder


def watched(destination):
    """The destination (if it is there) and the folder it is or would be made in."""
    return [f for f in (destination.parent, destination) if f.exists()]


@pytest.mark.parametrize("stems", [False, True])
def test_a_refused_export_makes_no_file_at_any_moment(library, studio, refused_story,
                                                     destination, stems):
    with CreationWatch(*watched(destination)) as watch:
        with pytest.raises(ConsentRefused, match="Kometen withdrew consent to community"):
            studio.sharing.export(ExportRequest(
                refused_story.take_id, destination=destination, purpose=Purpose.COMMUNITY,
                format=AudioFormat.FLAC, stems=stems, zip=True))
        assert watch.made() == []
    assert library.connection.execute("SELECT count(*) FROM exports").fetchone() == (0,)


def test_a_refused_export_from_the_command_line_makes_no_file_at_any_moment(
        library, refused_story, destination, tmp_path):
    library.close()
    with CreationWatch(*watched(destination)) as watch:
        done = run_command("--library", str(tmp_path / "library"), "export",
                           str(refused_story.take_id), "--purpose", "community", "--format",
                           "wav", "--stems", "--to", str(destination), "--zip")
        assert done.returncode == 3, done.stderr
        assert "Nothing was written" in done.stderr
        assert watch.made() == []


def test_the_watch_sees_a_file_that_is_made_and_removed(tmp_path):
    with CreationWatch(tmp_path) as watch:
        (tmp_path / "stem.wav").write_bytes(b"RIFF")
        (tmp_path / "stem.wav").unlink()
        (tmp_path / ".partial").mkdir()
        assert watch.made() == [tmp_path / "stem.wav", tmp_path / "stem.wav",
                                tmp_path / ".partial"]

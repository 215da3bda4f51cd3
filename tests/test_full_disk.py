"""A disk that really fills up: recording and exporting into a small tmpfs until ENOSPC.

The tests run as root (here and in CI) and mount a tmpfs of their own for each test; only where
mounting is impossible do they skip, saying why.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from jack_rig import RampsInAChildProcess
from recorder_rig import (
    RATE,
    RECORDER_PORTS,
    Recording,
    check_ramp,
    make_studio,
    mt_studio,
    read,
    start_server,
)

from mt_studio.core.domain import Purpose, TakeStatus
from mt_studio.core.export import ExportFailed, ExportRequest
from mt_studio.core.library import Library, takes
from mt_studio.core.presets import AudioFormat
from tests.conftest import run_command
from tests.export_story import band_take


def mount_tmpfs(folder: Path, size: str) -> None:
    """Mount a tmpfs of SIZE on FOLDER (made if missing), or skip the test saying why."""
    folder.mkdir(parents=True, exist_ok=True)
    if shutil.which("mount") is None:
        pytest.skip("no mount command to make a small disk with")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs",
                           str(folder)], capture_output=True, text=True, timeout=30)
    if done.returncode != 0:
        pytest.skip(f"a tmpfs cannot be mounted here (needs root): {done.stderr.strip()}")


def unmount(folder: Path) -> None:
    """Unmount FOLDER, lazily if something still holds it open."""
    if subprocess.run(["umount", str(folder)], capture_output=True, timeout=30).returncode:
        subprocess.run(["umount", "-l", str(folder)], check=True, timeout=30)


@pytest.fixture
def small_disk(tmp_path):
    """A 1 MiB tmpfs to export to: smaller than the stems of the band take."""
    folder = tmp_path / "small-disk"
    mount_tmpfs(folder, "1m")
    yield folder
    unmount(folder)


def free_bytes(folder: Path) -> int:
    return shutil.disk_usage(folder).free


def test_an_export_that_fills_the_disk_leaves_nothing_and_says_so(library, studio, small_disk):
    story = band_take(library)
    free = free_bytes(small_disk)
    with pytest.raises(ExportFailed) as failed:
        studio.sharing.export(ExportRequest(story.take_id, destination=small_disk,
                                            purpose=Purpose.GROUP, format=AudioFormat.WAV,
                                            stems=True))
    message = str(failed.value)
    assert str(small_disk) in message and os.strerror(28) in message  # ENOSPC
    assert "Nothing was kept" in message
    assert list(small_disk.rglob("*")) == [] and free_bytes(small_disk) == free
    assert library.connection.execute("SELECT count(*) FROM exports").fetchone() == (0,)


def test_an_export_from_the_command_line_that_fills_the_disk_leaves_nothing(
        library, small_disk, tmp_path):
    story = band_take(library)
    library.close()
    done = run_command("--library", str(tmp_path / "library"), "export", str(story.take_id),
                       "--purpose", "group", "--format", "wav", "--stems", "--to",
                       str(small_disk))
    assert done.returncode == 1
    assert str(small_disk) in done.stderr and os.strerror(28) in done.stderr
    assert list(small_disk.rglob("*")) == []


@pytest.fixture
def server():
    with start_server() as running:
        yield running


@pytest.mark.timeout(300)
def test_a_take_that_fills_the_disk_stops_cleanly_with_every_sample_kept(server, tmp_path):
    studio = make_studio(server, tmp_path)
    audio = Path(studio["MT_STUDIO_LIBRARY"]) / "audio"
    # The audio folder on a disk of its own, 3 MiB: eight float inputs fill it in two seconds.
    mount_tmpfs(audio, "3m")
    generator = RampsInAChildProcess(server, 8)
    try:
        recording = Recording(studio, "--inputs", "1-8", "--format", "float32",
                              "--duration", "60")
        generator.connect_to(RECORDER_PORTS)
        code, result, err = recording.finish()
    finally:
        generator.close()
    try:
        assert code == 1, err
        assert result["stop_reason"] == "disk_full"
        assert "disk is full" in err and err.count("\n") == 1
        assert 0 < result["frames"] < 10 * RATE
        assert result["dropouts"] == []
        for channel, file in enumerate(result["files"]):
            samples = read(file)  # a true header: readable by any program
            assert len(samples) == result["frames"]
            check_ramp(samples, channel)
        with Library.open(studio["MT_STUDIO_LIBRARY"]) as library:
            take = takes.get(library.connection, result["id"])
        assert take.status is TakeStatus.COMPLETE and take.frames == result["frames"]
        assert take.stop_reason == "disk_full"
        assert json.loads(mt_studio(studio, "recover", "--json").stdout) == []
    finally:
        unmount(audio)

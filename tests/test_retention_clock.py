"""Retention by the real command line with the clock moved forward (libfaketime, which moves
the clock of one process only): a take nobody gave `keep` for is listed the day after its
session, and deleted, every file of it, only once the grace days are over."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.export_story import band_take

SCRIPT = str(Path(sys.executable).with_name("mt-studio"))
ZONE = "Europe/Oslo"

pytestmark = pytest.mark.skipif(shutil.which("faketime") is None,
                                reason="libfaketime is not installed; run .ci/setup")


def mt_studio(*args: str, clock: str) -> subprocess.CompletedProcess:
    """Run the console script with the clock moved by CLOCK (`+8d`)."""
    return subprocess.run(["faketime", "-f", clock, SCRIPT, *args], capture_output=True,
                          text=True, timeout=120, env={**os.environ, "TZ": ZONE})


def files_under(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*") if path.is_file()}


def test_a_take_without_keep_goes_after_its_grace_days_and_not_before(library):
    story = band_take(library)
    today = datetime.now(ZoneInfo(ZONE)).date()
    with library.transaction() as db:  # the session was today
        db.execute("UPDATE sessions SET date = ?", (today.isoformat(),))
    folder = library.folder
    take_files = {folder / row[0] for row in library.connection.execute(
        "SELECT track_parts.file FROM track_parts JOIN tracks ON tracks.id = track_id"
        " WHERE take_id = ?",
        (story.take_id,))}
    assert take_files and take_files <= files_under(folder)
    library.close()

    same_day = mt_studio("retention", "list", "--json", clock="+0d")
    assert same_day.returncode == 0, same_day.stderr
    assert json.loads(same_day.stdout) == []  # keep may still be given today

    (listed,) = json.loads(mt_studio("retention", "list", "--json", clock="+1d").stdout)
    assert listed["take_id"] == story.take_id
    assert {w["participant"] for w in listed["why"]} == {"Blåbær", "Kometen", "Fiolinisten"}
    assert {w["cause"] for w in listed["why"]} == {"no_keep"}

    early = mt_studio("retention", "run", "--json", clock="+7d")
    assert early.returncode == 0, early.stderr
    assert json.loads(early.stdout)["deleted"] == []
    assert take_files <= files_under(folder)

    done = mt_studio("retention", "run", "--json", clock="+8d")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["deleted"] == [story.take_id]
    assert not take_files & files_under(folder)
    assert not (folder / "audio" / f"take-{story.take_id}").exists()
    assert json.loads(mt_studio("retention", "list", "--json", clock="+8d").stdout) == []

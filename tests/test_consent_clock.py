"""A clock that ran ahead: a withdrawal written then keeps counting once the clock is right.

The real command line runs under libfaketime (Debian `faketime`), which moves the clock of that
one process and its children only.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.export_story import band_take

SCRIPT = str(Path(sys.executable).with_name("mt-studio"))

pytestmark = pytest.mark.skipif(shutil.which("faketime") is None,
                                reason="libfaketime is not installed; run .ci/setup")


def mt_studio(*args: str, clock: str | None = None) -> subprocess.CompletedProcess:
    """Run the console script, under `faketime -f CLOCK` when CLOCK is given."""
    command = [SCRIPT, *args] if clock is None else ["faketime", "-f", clock, SCRIPT, *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "TZ": "Europe/Oslo"})


def test_a_withdrawal_written_two_days_ahead_still_counts_when_the_clock_is_right(
        library, tmp_path):
    story = band_take(library)
    library.close()
    ahead = mt_studio("consent", "withdraw", "Fiolinisten", "community", clock="+2d")
    assert ahead.returncode == 0, ahead.stderr

    shown = mt_studio("consent", "show", "Fiolinisten", "--json")
    assert shown.returncode == 0, shown.stderr
    printed = json.loads(shown.stdout)
    assert printed["purposes"]["community"]["state"] == "withdrawn"
    assert printed["purposes"]["group"]["state"] == "granted"
    assert [e["stamped_ahead"] for e in printed["history"]] == [False] * 4 + [True]

    table = mt_studio("consent", "show", "Fiolinisten")
    (community,) = [line for line in table.stdout.splitlines()
                    if line.split()[:1] == ["community"]]
    assert "withdrawn" in community
    (flagged,) = [line for line in table.stdout.splitlines() if "withdraw" in line.split()]
    assert " ! " in flagged
    assert "Stamped in the future" in table.stdout

    refused = mt_studio("export", str(story.take_id), "--purpose", "community", "--format",
                        "wav", "--mix", "--to", str(tmp_path / "out"))
    assert refused.returncode == 3, refused.stdout + refused.stderr
    assert "Fiolinisten withdrew consent to community" in refused.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())

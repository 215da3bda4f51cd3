"""`mt-studio export`: the issue's command line, its exit codes and its JSON."""

from __future__ import annotations

import json
import resource
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import soundfile as sf

from mt_studio.core.domain import Purpose
from mt_studio.core.library import consent_ledger
from tests.conftest import run_command
from tests.export_story import RATE, SECONDS, band_take


def test_a_refused_export_exits_3_naming_the_person_and_writes_nothing(library, cli, tmp_path):
    story = band_take(library)
    consent_ledger.withdraw(library.connection, story.per, [Purpose.COMMUNITY])
    result = cli("export", story.take_id, "--purpose", "community", "--format", "flac",
                 "--mix", "--to", tmp_path / "out", "--zip")
    assert result.code == 3
    assert "Fiolinisten withdrew consent to community" in result.err
    assert "Nothing was written" in result.err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_an_export_of_a_marked_region_as_stems_prints_its_files_as_json(library, cli, tmp_path):
    story = band_take(library)
    result = cli("export", story.take_id, "--purpose", "group", "--format", "wav", "--stems",
                 "--to", tmp_path, "--region", "chorus", "--bits", "16",
                 "--recipient", "Lysgruppa", "--json")
    assert result.code == 0, result.err
    printed = result.json()
    folder = tmp_path / printed["folder"].rsplit("/", 1)[-1]
    assert printed["recipient"] == "Lysgruppa"
    assert printed["credits"] == ["Kometen", "Ola Nordmann"]
    bass = next(folder.glob("* Bass.wav"))
    info = sf.info(bass)
    assert (info.frames, info.subtype) == (2 * RATE, "PCM_16")  # chorus to the bridge marker
    names = {f["name"] for f in printed["files"]}
    assert f"{folder.name}/{bass.name}" in names
    assert f"{folder.name}/manifest.json" in names


def test_an_unknown_profile_or_a_bad_track_list_is_named(library, cli, tmp_path):
    story = band_take(library)
    unknown = cli("export", story.take_id, "--purpose", "group", "--format", "wav", "--mix",
                  "--to", tmp_path, "--profile", "loud-and-proud")
    assert unknown.code == 2 and "loud-and-proud" in unknown.err
    bad = cli("export", story.take_id, "--purpose", "group", "--format", "wav", "--mix",
              "--to", tmp_path, "--tracks", "two")
    assert bad.code == 2 and "two" in bad.err
    missing = cli("export", story.take_id, "--purpose", "group", "--format", "wav", "--mix",
                  "--to", tmp_path, "--tracks", "99")
    assert missing.code == 2 and "99" in missing.err
    assert list(tmp_path.glob("Take*")) == []


def test_the_console_script_exports_with_a_profile_to_its_loudness(library, tmp_path):
    story = band_take(library)
    library.close()
    done = run_command("--library", str(tmp_path / "library"), "export", str(story.take_id),
                       "--purpose", "public", "--format", "mp3", "--mix", "--to",
                       str(tmp_path / "out"), "--profile", "listening-mp3", "--json")
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert printed["loudness"]["target_lufs"] == -16
    mp3 = next((tmp_path / "out").glob("*/*.mp3"))
    written, rate = sf.read(mp3)
    import pyloudnorm

    measured = pyloudnorm.Meter(rate).integrated_loudness(written)
    assert measured == pytest.approx(printed["loudness"]["result_lufs"], abs=0.5)
    assert measured <= -16 + 0.5
    assert 20 * np.log10(np.abs(written).max()) <= -1.0  # under the ceiling, decoded


def test_a_file_size_limit_mid_export_stops_it_says_where_and_leaves_nothing(library, tmp_path):
    from mt_studio.core.midi_audio import midi_track_sound

    story = band_take(library)
    # the keyboard's sound is in the library's cache already, as once the take has played
    midi_track_sound(library.folder, next(library.folder.rglob("*.mid")), RATE, SECONDS * RATE)
    library.close()

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))

    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "mt_studio", "--library", str(tmp_path / "library"), "export",
         str(story.take_id), "--purpose", "group", "--format", "wav", "--bits", "32", "--mix",
         "--to", str(out)], capture_output=True, text=True, timeout=60, preexec_fn=small_files)
    assert done.returncode == 1, done.stderr
    assert f"could not be written to {out}" in done.stderr
    assert list(out.iterdir()) == []


def test_sigterm_during_an_export_cancels_it_and_leaves_nothing(library, tmp_path):
    story = band_take(library, seconds=120)  # long enough to be stopped while it writes
    library.close()
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "mt_studio", "--library", str(tmp_path / "library"), "export",
         str(story.take_id), "--purpose", "group", "--format", "flac", "--stems", "--to",
         str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not any(out.glob(".*partial*/*.flac")) and time.monotonic() < deadline:
        time.sleep(0.01)  # polling the folder for the first file, not a stand-in for sync
    process.send_signal(signal.SIGTERM)
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 1 and "cancelled" in err
    assert list(out.iterdir()) == []

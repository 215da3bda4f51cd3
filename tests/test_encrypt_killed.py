"""Encrypting a library with recordings, killed (SIGKILL) at ten random moments: whatever
moment the process dies, nothing is lost, and the next sign-in and `library encrypt` finish
the work."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from mt_studio.core.domain.accounts import Role
from mt_studio.core.library.database import DATABASE_NAME
from mt_studio.core.studio import Studio
from mt_studio.core.studio.encryption import is_encrypted
from mt_studio.core.studio.file_sealing import plain_files
from mt_studio.core.waveform import TrackReader

ADMIN, ADMIN_PASS = "Therese", "a song for every morning"
DEMO_TAKES = 3


def every_take(studio: Studio) -> dict[tuple[int, int], np.ndarray]:
    """Every audio track of every take, as float32 samples."""
    found = {}
    for take_id in (1, 2, 3):
        sound = studio.listening.sound(take_id)
        for track in sound.tracks:
            if not track.is_midi:
                with TrackReader(track.files) as reader:
                    found[take_id, track.id] = reader.read(sound.take.frames).copy()
    return found


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """A plain library with three demo takes, and what they sound like."""
    folder = tmp_path_factory.mktemp("plain") / "library"
    with Studio.open(folder) as studio:
        for _ in range(DEMO_TAKES):
            studio.sessions.create_demo()
        sound = every_take(studio)
    return folder, sound


def first_account(folder: Path, passphrase_file: Path) -> subprocess.Popen:
    """`mt-studio user add` of the library's first account, which encrypts it."""
    script = Path(sys.executable).with_name("mt-studio")
    return subprocess.Popen([str(script), "--library", str(folder), "user", "add", ADMIN,
                             "--role", "admin", "--passphrase-file", str(passphrase_file)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def finish(folder: Path) -> None:
    """What a therapist does next: sign in (or make the account, if it was never made) and
    encrypt what is left."""
    with Studio.open(folder) as studio:
        if studio.protected:
            studio.sign_in(ADMIN, ADMIN_PASS)
        else:
            studio.accounts.add(ADMIN, Role.ADMIN, ADMIN_PASS)
            studio.sign_in(ADMIN, ADMIN_PASS)
        studio.encryption.seal_files()


def test_encrypting_killed_at_ten_random_moments_loses_nothing(recorded, tmp_path,
                                                              monkeypatch):
    plain, sound = recorded
    passphrase_file = tmp_path / "admin.pass"
    passphrase_file.write_text(ADMIN_PASS + "\n", encoding="utf-8")
    # How long the whole run takes here, to pick moments inside it.
    whole = tmp_path / "whole"
    shutil.copytree(plain, whole)
    # Each copy is a computer of its own: the heads one copy keeps are not another's.
    monkeypatch.setenv("MT_STUDIO_STATE_DIR", str(tmp_path / "state-whole"))
    started = time.monotonic()
    done = first_account(whole, passphrase_file)
    assert done.wait(timeout=120) == 0, done.stderr.read()
    duration = time.monotonic() - started
    rng = random.Random(19)
    moments = sorted(rng.uniform(0.05, duration) for _ in range(10))
    states = []
    for round_number, moment in enumerate(moments):
        folder = tmp_path / f"killed-{round_number}"
        shutil.copytree(plain, folder)
        monkeypatch.setenv("MT_STUDIO_STATE_DIR", str(tmp_path / f"state-{round_number}"))
        child = first_account(folder, passphrase_file)
        time.sleep(moment)  # the moment to kill at: no synchronisation is wanted here
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        states.append((is_encrypted(folder),
                       not (folder / DATABASE_NAME).read_bytes().startswith(b"SQLite format"),
                       len(list(plain_files(folder)))))
        finish(folder)
        assert list(plain_files(folder)) == []
        assert not (folder / DATABASE_NAME).read_bytes().startswith(b"SQLite format")
        with Studio.open(folder) as studio:
            studio.sign_in(ADMIN, ADMIN_PASS)
            assert studio.check_ledger().intact
            again = every_take(studio)
        assert again.keys() == sound.keys()
        for key, samples in sound.items():
            assert np.array_equal(again[key], samples), (round_number, moment, key)
    # The moments fell before, during and after the database's and the files' turns.
    assert len(set(states)) >= 3, states

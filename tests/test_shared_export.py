"""Two computers on one server library: a withdrawal written on one stops an export running on
the other at its next check, and an export whose server goes away publishes nothing
(docs/architecture.md, "One library for the service"). The export runs in a child process,
as `mt-studio export`; its writing of the audio is held open until it is told to stop, as a
long export's would be."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest
from conftest import run_command

from mt_studio.core.library import Library
from tests.export_story import band_take

EXPORTING = textwrap.dedent("""
    import sys
    from mt_studio.core.export import audio
    from mt_studio.cli.main import main

    def writes_until_stopped(sources, plan, output, path, gain, tags, stop, advance, effects):
        path.write_bytes(b"partial audio")
        print("writing", flush=True)
        stop.wait()  # only the consent watch (or a failure) ends it
        raise audio.Stopped

    audio.write = writes_until_stopped
    sys.exit(main(sys.argv[1:]))
""")


@pytest.fixture
def story(address):
    with Library.open(address) as library:
        return band_take(library)


def export_in_a_child(address: str, story, destination) -> subprocess.Popen:
    """`mt-studio export` of the story's take for the community, running in a child process,
    once it has begun writing (it said so)."""
    child = subprocess.Popen(
        [sys.executable, "-c", EXPORTING, "--library", address, "export", str(story.take_id),
         "--purpose", "community", "--format", "wav", "--mix", "--to", str(destination)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "writing", child.stderr.read()
    return child


def test_a_withdrawal_on_one_computer_stops_an_export_on_another(address, story, tmp_path):
    destination = tmp_path / "out"
    child = export_in_a_child(address, story, destination)
    withdrawn = run_command("--library", address, "consent", "withdraw", "Fiolinisten",
                            "community", "--reason", "changed his mind")
    assert withdrawn.returncode == 0, withdrawn.stderr
    committed = time.monotonic()
    _out, err = child.communicate(timeout=60)
    stopped_after = time.monotonic() - committed
    assert child.returncode == 3, err
    assert "Fiolinisten withdrew consent to community" in err
    assert "stopped" in err
    assert not destination.exists() or list(destination.rglob("*")) == []
    with Library.open(address) as library:
        assert library.connection.execute("SELECT count(*) FROM exports").fetchone() == (0,)
    print(f"export stopped {stopped_after:.2f} s after the withdrawal was committed")


def test_an_export_whose_server_goes_away_publishes_nothing(address, story, tmp_path,
                                                            postgres_server):
    destination = tmp_path / "out"
    name = address.rsplit("/", 1)[1]
    child = export_in_a_child(address, story, destination)
    postgres_server.stop()
    try:
        _out, err = child.communicate(timeout=60)
    finally:
        postgres_server.start()
    assert child.returncode != 0
    assert f"Cannot reach the library's database {postgres_server.shown(name)}" in err, err
    assert "unexpected error" not in err
    assert not destination.exists() or list(destination.rglob("*")) == []
    with Library.open(address) as library:
        assert library.connection.execute("SELECT count(*) FROM exports").fetchone() == (0,)

"""Shared fixtures: every test gets its own library, presets and log folders, never the user's."""

from __future__ import annotations

import gc
import json
import os
import resource
import signal
import subprocess
import sys
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from mt_studio.cli.main import main
from mt_studio.core.library import Library, takes
from mt_studio.core.studio import Studio
from mt_studio.core.studio.demo import create_demo_session

REPO = Path(__file__).resolve().parent.parent

# Qt widgets are tested offscreen: no display needed, nothing flashes on a developer's screen.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pytest_sessionstart(session: pytest.Session) -> None:
    """Start from a clean JACK registry: servers killed in earlier runs leave slots behind."""
    from jack_rig import forget_dead_servers

    forget_dead_servers()


def pytest_collection_finish(session: pytest.Session) -> None:
    """Keep the garbage collector from pausing the rig's signal generator for tens of ms.

    The generator is a Python JACK client in this process; once every test module (Qt and
    all) is loaded, a full collection takes ~40 ms, a dozen JACK periods in which it cannot
    run. Freezing what collection loaded leaves later collections only the tests' own objects.
    """
    gc.collect()
    gc.freeze()


# The library and studio tests that run twice: on an SQLite library in a folder, and on a
# PostgreSQL library (a throwaway server of the tests' own, tests/postgres_server.py).
BOTH_BACKENDS = {
    "test_library", "test_consent_ledger", "test_takes", "test_songs", "test_studio",
    "test_studio_songs", "test_studio_sharing", "test_session_editing", "test_session_state",
    "test_accounts", "test_audit_reads", "test_deletion", "test_retention",
    "test_participant_studio", "test_service_access", "test_stopped_coming",
    "test_take_restrictions",
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    module = metafunc.module.__name__.rsplit(".", 1)[-1]
    if module in BOTH_BACKENDS and "backend" in metafunc.fixturenames:
        folder_only = metafunc.definition.get_closest_marker("folder_library") is not None
        metafunc.parametrize("backend", ["sqlite"] if folder_only else ["sqlite", "postgresql"])


@pytest.fixture
def backend() -> str:
    """Which database the test's library is on (both, in the modules of BOTH_BACKENDS)."""
    return "sqlite"


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server of the tests' own, started once, stopped at the end."""
    from postgres_server import start_server, stop_server

    server = start_server()
    yield server
    stop_server(server)


@pytest.fixture
def address(postgres_server, tmp_path: Path) -> str:
    """The address of a new library on the tests' PostgreSQL server, its recordings in the
    test's folder ("store"), as `mt-studio library init` makes one."""
    return postgres_server.new_library(tmp_path / "store")


@pytest.fixture
def library_location(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """Where the test's library is: a folder, or a new database on the tests' server (its
    recordings in a folder of the test's own)."""
    if backend == "sqlite":
        return str(tmp_path / "library")
    # its store beside the test's folder, not in it: some tests see that nothing was written
    return request.getfixturevalue("postgres_server").new_library(
        tmp_path.with_name(tmp_path.name + "-audio-store"))


def library_here() -> str:
    """The test's own library, where the commands find it: a folder or a server's address."""
    return os.environ["MT_STUDIO_LIBRARY"]


@pytest.fixture(autouse=True)
def private_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                    library_location: str) -> Path:
    """Point the library, user presets, logs and state at this test's own temporary folders."""
    monkeypatch.setenv("MT_STUDIO_LIBRARY", library_location)
    monkeypatch.setenv("MT_STUDIO_PRESETS", str(tmp_path / "user-presets"))
    monkeypatch.setenv("MT_STUDIO_LOG_DIR", str(tmp_path / "logs"))
    monkeypatch.setenv("MT_STUDIO_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("MT_STUDIO_STATE_DIR", str(tmp_path / "state"))
    return tmp_path


@pytest.fixture
def library(library_location: str):
    """An open, empty library in a temporary folder (or on the tests' PostgreSQL server)."""
    with Library.open(library_location) as opened:
        yield opened


_STUDIOS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def studio_of(library: Library) -> Studio:
    """The one studio on LIBRARY (made on first asking), for windows that a test built on
    its library."""
    if library not in _STUDIOS:
        _STUDIOS[library] = Studio(library)
    return _STUDIOS[library]


@pytest.fixture
def studio(library: Library):
    """The studio on the test's library (which the `library` fixture closes)."""
    opened = studio_of(library)
    yield opened
    opened._shared.places.close()  # no take is copied to the store once the library closes


@dataclass
class Result:
    """What one command printed and returned."""

    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


@pytest.fixture
def demo_take(library):
    """The demo session's take: four audio tracks and the keys' MIDI, everyone holding
    record, keep and group, credited by pseudonym."""
    session_id = create_demo_session(library)
    return takes.for_session(library.connection, session_id)[-1]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):
    """Run `mt-studio ARGS...` in this process and return its exit code and output."""

    def run(*args: str) -> Result:
        try:
            code = main([str(a) for a in args])
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
        captured = capsys.readouterr()
        return Result(code, captured.out, without_notice(captured.err))

    return run


@contextmanager
def file_size_limit(limit: int) -> Iterator[None]:
    """Files this process writes may grow to LIMIT bytes meanwhile: a write past it fails with
    EFBIG (as a full FAT stick's would), instead of the process being killed."""
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    limits = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limits[1]))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limits)
        signal.signal(signal.SIGXFSZ, previous)


def run_command(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run the installed `mt-studio` console script in a child process (its stderr without
    the line saying that a library has no accounts: tests/test_accounts_cli.py hears it)."""
    script = Path(sys.executable).with_name("mt-studio")
    done = subprocess.run([str(script), *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, **(env or {})})
    done.stderr = without_notice(done.stderr)
    return done


def without_notice(stderr: str) -> str:
    """STDERR without the line every command writes while its library has no account."""
    from mt_studio.cli.sign_in import unprotected_notice

    return "".join(line for line in stderr.splitlines(keepends=True)
                   if line.rstrip("\n") != unprotected_notice())


def take_sound(library, take_id: int):
    """TAKE_ID of LIBRARY resolved into what it plays as, as the studio hands it the engines."""
    from mt_studio.core.studio.listening import resolve

    return resolve(library.connection, studio_of(library)._shared.places, take_id)


def states_now(db, participant_id: int, at=None):
    """Where a participant stands for every purpose by the ledger in DB, now or at AT."""
    from mt_studio.core.clock import local_now
    from mt_studio.core.consent_policy import states_of
    from mt_studio.core.library import consent_ledger

    return states_of(consent_ledger.events(db, [participant_id]), participant_id,
                     at or local_now())

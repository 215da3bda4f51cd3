"""A throwaway PostgreSQL server for the tests: Debian's postgresql, a cluster made by initdb in
a temporary folder, listening on a free port of localhost only, stopped and removed after."""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

SERVER_USER = "postgres"  # initdb refuses root; Debian's package makes this user


def server_programs() -> Path | None:
    """The folder of Debian's initdb and pg_ctl (the newest installed), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                   key=lambda path: int(Path(path).parent.parent.name))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class PostgresServer:
    """A running cluster: `new_database` gives each test a database of its own."""

    folder: Path
    port: int
    programs: Path
    _numbers: itertools.count = field(default_factory=itertools.count)
    _template: str | None = None

    @property
    def admin_address(self) -> str:
        return f"postgresql://mt@127.0.0.1:{self.port}/postgres"

    def address(self, database: str, user: str = "mt") -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A new, empty database; its address."""
        name = f"library_{next(self._numbers)}"
        with psycopg.connect(self.admin_address, autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name}")
        return self.address(name)

    def new_library(self, audio_store: Path) -> str:
        """A new database holding a new library (as `library init` makes one), its recordings
        in AUDIO_STORE; its address. Copied from a library made once, which is quicker than
        making the schema again for every test."""
        from mt_studio.core.library import Library

        if self._template is None:
            self._template = self.new_database().rsplit("/", 1)[1]
            Library.create_on_server(self.address(self._template), audio_store)
        name = f"library_{next(self._numbers)}"
        with psycopg.connect(self.admin_address, autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name} TEMPLATE {self._template} STRATEGY FILE_COPY")
        with psycopg.connect(self.address(name), autocommit=True) as owner:
            owner.execute("SET session_replication_role = replica")  # past the append-only rule
            owner.execute("UPDATE service_settings SET value = %s WHERE name = 'audio_store'",
                          (str(audio_store),))
            owner.execute("DELETE FROM library_identity")
            owner.execute("INSERT INTO library_identity (id) VALUES (%s)",
                          (secrets.token_hex(16),))
        audio_store.mkdir(parents=True, exist_ok=True)
        return self.address(name)

    def sql(self, statement: str, database: str = "postgres") -> list[tuple]:
        """Run STATEMENT as the cluster's owner (a server administrator, not mt_studio)."""
        with psycopg.connect(self.address(database), autocommit=True) as admin:
            cursor = admin.execute(statement)
            return cursor.fetchall() if cursor.description else []

    def shown(self, database: str, user: str = "mt") -> str:
        """The address as mt_studio shows it."""
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def require_password_for(self, role: str) -> None:
        """Make ROLE give its password (SCRAM) over TCP; everyone else is trusted."""
        hba = self.folder / "data" / "pg_hba.conf"
        hba.write_text(f"host all {role} 127.0.0.1/32 scram-sha-256\n" + hba.read_text())
        self.sql("SELECT pg_reload_conf()")

    def stop(self, mode: str = "fast") -> None:
        _as_server_user([str(self.programs / "pg_ctl"), "-D", str(self.folder / "data"),
                         "-m", mode, "-w", "stop"])

    def start(self) -> None:
        _as_server_user([str(self.programs / "pg_ctl"), "-D", str(self.folder / "data"),
                         "-l", str(self.folder / "server.log"), "-w", "start"])


def start_server() -> PostgresServer:
    """Make and start a cluster (trust for local connections: no password in the tests'
    addresses, as none belongs in any); RuntimeError with the server's log if it fails."""
    programs = server_programs()
    if programs is None:
        raise RuntimeError("PostgreSQL is not installed: .ci/setup installs Debian's postgresql")
    folder = Path(tempfile.mkdtemp(prefix="mt-postgres-"))
    account = pwd.getpwnam(SERVER_USER) if os.geteuid() == 0 else None
    if account is not None:
        os.chown(folder, account.pw_uid, account.pw_gid)
    port = _free_port()
    _as_server_user([str(programs / "initdb"), "-D", str(folder / "data"), "-U", "mt",
                     "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"])
    with (folder / "data" / "postgresql.conf").open("a") as conf:
        conf.write(f"port = {port}\nlisten_addresses = '127.0.0.1'\n"
                   f"unix_socket_directories = '{folder}'\n"
                   # a throwaway cluster: durability is the server's own business, not tested here
                   "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                   "max_connections = 200\nshared_buffers = 32MB\n")
    server = PostgresServer(folder, port, programs)
    try:
        server.start()
    except subprocess.CalledProcessError as error:
        log = (folder / "server.log").read_text(errors="replace") if (
            folder / "server.log").exists() else ""
        raise RuntimeError(f"PostgreSQL did not start: {error}\n{log}") from error
    return server


def stop_server(server: PostgresServer) -> None:
    """Stop the cluster and remove its folder."""
    try:
        server.stop("immediate")
    finally:
        shutil.rmtree(server.folder, ignore_errors=True)


def _as_server_user(command: list[str]) -> None:
    if os.geteuid() == 0:
        command = ["runuser", "-u", SERVER_USER, "--", *command]
    subprocess.run(command, check=True, capture_output=True, timeout=120)

"""A library for a whole service, on a PostgreSQL server (docs/architecture.md, "One library
for the service"): made once here, then opened by its address as any library is
(`Studio.open`)."""

from __future__ import annotations

from pathlib import Path

from mt_studio.core.library import Library
from mt_studio.core.library.address import is_server_address, shown_address

__all__ = ["create", "is_server_address", "shown_address"]


def create(address: str, audio_store: Path | str) -> None:
    """Make a service's library in the empty PostgreSQL database at ADDRESS, its recordings in
    the folder AUDIO_STORE (LibraryError naming what is wrong; nothing is changed)."""
    Library.create_on_server(address, audio_store)

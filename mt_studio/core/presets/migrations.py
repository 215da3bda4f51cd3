"""Upgrading preset files written by older versions of mt_studio.

A migration takes the raw table of a file at format_version N and returns it at N + 1.
Migrations are registered with a decorator on a `Migrations` object, after the pattern of
napari's settings/_migrations.py and Picard's config_upgrade.py; `default_migrations()`
builds the set this version of mt_studio ships, so nothing global is ever mutated.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

FORMAT_VERSION = 1
"""The format_version this mt_studio writes and the newest it reads."""

RawPreset = dict[str, Any]
Migration = Callable[[RawPreset], RawPreset]


class MissingMigration(LookupError):
    """No migration upgrades a file from this version."""

    def __init__(self, from_version: int) -> None:
        super().__init__(from_version)
        self.from_version = from_version


class Migrations:
    """Steps that upgrade a raw preset one format_version at a time, up to CURRENT."""

    def __init__(self, current: int = FORMAT_VERSION) -> None:
        self.current = current
        self._steps: dict[int, Migration] = {}

    def step(self, from_version: int) -> Callable[[Migration], Migration]:
        """Decorator registering a function that upgrades FROM_VERSION to FROM_VERSION + 1."""
        if not 1 <= from_version < self.current:
            raise ValueError(f"a migration from {from_version} cannot lead up to {self.current}")
        if from_version in self._steps:
            raise ValueError(f"a migration from {from_version} is already registered")

        def register(function: Migration) -> Migration:
            self._steps[from_version] = function
            return function

        return register

    def upgrade(self, raw: RawPreset, version: int) -> RawPreset:
        """RAW (at VERSION) upgraded to `current`; raises MissingMigration on a gap.

        Exceptions raised by a migration itself propagate; the loader reports them.
        """
        for from_version in range(version, self.current):
            migration = self._steps.get(from_version)
            if migration is None:
                raise MissingMigration(from_version)
            raw = migration(raw)
            raw["format_version"] = from_version + 1
        return raw


def default_migrations() -> Migrations:
    """The migrations this version of mt_studio applies (none yet: format_version 1 is the first).

    Add one as a decorated function inside this factory::

        @migrations.step(1)
        def _rename_tempo(raw: RawPreset) -> RawPreset:
            ...
    """
    migrations = Migrations(FORMAT_VERSION)
    return migrations

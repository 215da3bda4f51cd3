"""Where presets live, and the catalog that merges the bundled presets with the user's own."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

import platformdirs

from mt_studio.core.presets.errors import PresetError
from mt_studio.core.presets.load import load_preset
from mt_studio.core.presets.locate import LineLocator
from mt_studio.core.presets.migrations import Migrations
from mt_studio.core.presets.model import (
    EndingReasons,
    ExportProfile,
    InputMap,
    Preset,
    PresetKind,
    SessionTemplate,
)
from mt_studio.core.shipped_folders import bundled_folder, user_folder
from mt_studio.i18n import _

PRESETS_ENV_VAR = "MT_STUDIO_PRESETS"

P = TypeVar("P", SessionTemplate, InputMap, ExportProfile, EndingReasons)

STANDARD_ENDING_REASONS = "standard"
"""The name of the bundled list of ending reasons; a service edits it by a file of that name."""

_KEEPS_EARLIER_WHEN_BROKEN = frozenset({PresetKind.ENDING_REASONS})
"""Kinds where a broken override leaves the earlier (bundled) preset in use, its problem listed:
recording that a course ended, and the service report, must not stop over an edited list."""


def bundled_presets_folder() -> Path:
    """The bundled presets: the clone's top-level presets/, or where a wheel installed them."""
    return bundled_folder("presets")


def user_presets_folder() -> Path:
    """The user's own presets: $MT_STUDIO_PRESETS if set, else the platform config folder."""
    return user_folder(PRESETS_ENV_VAR,
                       platformdirs.user_config_path("mt-studio", appauthor=False) / "presets")


class PresetCatalog:
    """The presets found in FOLDERS, where a later folder overrides an earlier one by (kind, name).

    Each folder holds the subfolders session-templates/, input-maps/, export-profiles/ and
    ending-reasons/; missing folders are fine. Malformed files are collected in `problems()`
    and never hide the good ones. Call `reload()` after files change.
    """

    def __init__(
        self, folders: Sequence[Path | str], *, migrations: Migrations | None = None
    ) -> None:
        self.folders = tuple(Path(folder) for folder in folders)
        self._migrations = migrations
        self._presets: dict[PresetKind, dict[str, Preset]] = {}
        self._broken: dict[PresetKind, dict[str, PresetError]] = {}
        self._problems: list[PresetError] = []
        self.reload()

    @classmethod
    def default(cls) -> PresetCatalog:
        """The bundled presets overridden by the user's."""
        return cls([bundled_presets_folder(), user_presets_folder()])

    def reload(self) -> None:
        """Scan the folders again."""
        self._presets = {kind: {} for kind in PresetKind}
        self._broken = {kind: {} for kind in PresetKind}
        self._problems = []
        for folder in self.folders:
            for kind in PresetKind:
                self._scan(folder / kind.folder, kind)

    def _scan(self, subfolder: Path, kind: PresetKind) -> None:
        found: dict[str, Preset] = {}
        broken_here: set[str] = set()
        for path in self._files(subfolder):
            try:
                preset = load_preset(path, kind=kind, migrations=self._migrations)
            except PresetError as error:
                self._problems.append(error)
                self._broken[kind][path.stem] = error  # a file's stem is the best guess at its name
                broken_here.add(path.stem)
                continue
            if preset.name in found:
                self._problems.append(_duplicate(preset, found[preset.name]))
                continue
            found[preset.name] = in_language(preset) if self._is_bundled(subfolder) else preset
        # A broken file overrides too: asking for it must show its error, not an older preset.
        if kind not in _KEEPS_EARLIER_WHEN_BROKEN:
            for stem in broken_here - found.keys():
                self._presets[kind].pop(stem, None)
        for name in found:
            self._broken[kind].pop(name, None)
        self._presets[kind].update(found)

    def _is_bundled(self, subfolder: Path) -> bool:
        return subfolder.parent.resolve() == bundled_presets_folder().resolve()

    def _files(self, subfolder: Path) -> list[Path]:
        try:
            return sorted(
                path
                for path in subfolder.iterdir()
                if path.suffix == ".toml" and not path.name.startswith(".")
            )
        except FileNotFoundError:
            return []
        except NotADirectoryError:
            problem = _("this should be a folder of presets, but it is a file")
        except OSError as error:
            problem = _("cannot list this folder: {reason}").format(reason=error.strerror or error)
        self._problems.append(PresetError(Path(os.path.abspath(subfolder)), problem))
        return []

    def problems(self) -> list[PresetError]:
        """The malformed files found by the last scan, in the order they were found."""
        return list(self._problems)

    def session_templates(self) -> list[SessionTemplate]:
        """Every good session template, sorted by name."""
        return self._all(PresetKind.SESSION_TEMPLATE, SessionTemplate)

    def input_maps(self) -> list[InputMap]:
        """Every good input map, sorted by name."""
        return self._all(PresetKind.INPUT_MAP, InputMap)

    def export_profiles(self) -> list[ExportProfile]:
        """Every good export profile, sorted by name."""
        return self._all(PresetKind.EXPORT_PROFILE, ExportProfile)

    def ending_reason_lists(self) -> list[EndingReasons]:
        """Every good list of ending reasons, sorted by name."""
        return self._all(PresetKind.ENDING_REASONS, EndingReasons)

    def session_template(self, name: str) -> SessionTemplate:
        """The session template called NAME; PresetError if unknown or malformed."""
        return self._one(PresetKind.SESSION_TEMPLATE, name, SessionTemplate)

    def input_map(self, name: str) -> InputMap:
        """The input map called NAME; PresetError if unknown or malformed."""
        return self._one(PresetKind.INPUT_MAP, name, InputMap)

    def export_profile(self, name: str) -> ExportProfile:
        """The export profile called NAME; PresetError if unknown or malformed."""
        return self._one(PresetKind.EXPORT_PROFILE, name, ExportProfile)

    def ending_reasons(self, name: str = STANDARD_ENDING_REASONS) -> EndingReasons:
        """The list of ending reasons called NAME; PresetError if unknown or malformed.

        A malformed override of a bundled list leaves the bundled list in use; the file is
        still named in `problems()`.
        """
        return self._one(PresetKind.ENDING_REASONS, name, EndingReasons)

    def input_map_for_device(self, device_name: str) -> InputMap | None:
        """The input map whose longest match string is in DEVICE_NAME (ties: by name), or None."""
        candidates = [(m.match_length(device_name), m) for m in self.input_maps()]
        best = max(candidates, key=lambda pair: pair[0], default=(0, None))
        return best[1] if best[0] > 0 else None

    def _all(self, kind: PresetKind, cls: type[P]) -> list[P]:
        presets = self._presets[kind]
        return [p for _name, p in sorted(presets.items()) if isinstance(p, cls)]

    def _one(self, kind: PresetKind, name: str, cls: type[P]) -> P:
        preset = self._presets[kind].get(name)
        if isinstance(preset, cls):
            return preset
        broken = self._broken[kind].get(name)
        if broken is not None:
            raise PresetError(broken.path, broken.problem, broken.line)
        available = ", ".join(sorted(self._presets[kind])) or _("none")
        raise PresetError(
            None,
            _('there is no {kind} preset named "{name}" (available: {available})').format(
                kind=kind, name=name, available=available
            ),
        )


def in_language(preset: P) -> P:
    """A bundled PRESET with the words people read (its title, its inputs' or reasons' labels)
    in the user's language; the catalogue has them. A user's own presets are shown as written."""
    if isinstance(preset, ExportProfile):
        return replace(preset, title=_(preset.title))
    if isinstance(preset, EndingReasons):
        return replace(preset, title=_(preset.title), reasons=tuple(
            replace(r, label=_(r.label),
                    details=tuple(replace(d, label=_(d.label)) for d in r.details))
            for r in preset.reasons))
    return replace(preset, title=_(preset.title),
                   inputs=tuple(replace(i, label=_(i.label)) for i in preset.inputs))


def _duplicate(preset: Preset, kept: Preset) -> PresetError:
    try:
        line: int | None = LineLocator(preset.source.read_text(encoding="utf-8-sig")).line(
            ("name",)
        )
    except (OSError, UnicodeError):
        line = None
    return PresetError(
        preset.source,
        _(
            'the name "{name}" is already used by {other} in the same folder; this file is ignored'
        ).format(name=preset.name, other=kept.source),
        line,
    )

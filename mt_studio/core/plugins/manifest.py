"""A plugin's MANIFEST.toml, read and checked, and the rule that plugins import only the facade."""

from __future__ import annotations

import ast
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from mt_studio.core.errors import InputError
from mt_studio.i18n import _

MANIFEST = "MANIFEST.toml"
KINDS = ("analysis", "effect", "exporter")
FACADE = "mt_studio.plugin_api"
_ID = re.compile(r"[a-z][a-z0-9_-]{1,40}")


@dataclass(frozen=True)
class Manifest:
    """Who a plugin is: id, name, version, the plugin API it was written for, its kinds."""

    id: str
    name: str
    version: str
    api_version: int
    kinds: tuple[str, ...]
    description: str
    folder: Path
    translated: dict[str, str] = field(default_factory=dict)  # "name_nb", "description_nb"


def read_manifest(folder: Path) -> Manifest:
    """FOLDER's manifest; InputError naming the file and the field when it is not right."""
    path = folder / MANIFEST
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise InputError(_("{file} cannot be read: {reason}").format(file=path, reason=error)
                         ) from None

    def text(key: str, required: bool = True) -> str:
        value = data.get(key, "" if not required else None)
        if not isinstance(value, str) or (required and not value.strip()):
            raise InputError(_("{file}: {field} must be text.").format(file=path, field=key))
        return value.strip()

    plugin_id = text("id")
    if not _ID.fullmatch(plugin_id):
        raise InputError(_("{file}: id must be 2-41 lower-case letters, digits, - or _, "
                           "starting with a letter, not {value!r}.").format(
                               file=path, value=plugin_id))
    api_version = data.get("api_version")
    if not isinstance(api_version, int) or isinstance(api_version, bool):
        raise InputError(_("{file}: {field} must be a whole number.").format(
            file=path, field="api_version"))
    kind = data.get("kind")
    kinds = (kind,) if isinstance(kind, str) else tuple(kind) if isinstance(kind, list) else ()
    if not kinds or any(k not in KINDS for k in kinds):
        raise InputError(_("{file}: kind must be one or more of {kinds}.").format(
            file=path, kinds=", ".join(KINDS)))
    translated = {key: value.strip() for key, value in data.items()
                  if re.fullmatch(r"(name|description)_[a-z]{2,3}", key)
                  and isinstance(value, str) and value.strip()}
    return Manifest(plugin_id, text("name"), text("version"), api_version, kinds,
                    text("description", required=False), folder, translated)


def foreign_imports(folder: Path) -> list[str]:
    """Where FOLDER's Python imports mt_studio other than through the facade, as file:line."""
    found = []
    for path in sorted(folder.rglob("*.py")):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        except (OSError, UnicodeDecodeError, SyntaxError) as error:
            raise InputError(_("{file} cannot be read: {reason}").format(
                file=path, reason=error)) from None
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module] if node.module != "mt_studio" else [
                    f"mt_studio.{alias.name}" for alias in node.names]
            for name in names:
                if (name == "mt_studio" or name.startswith("mt_studio.")) and name != FACADE:
                    found.append(f"{path}:{node.lineno} ({name})")
    return found

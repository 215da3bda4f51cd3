"""Reading one preset file into a typed preset, or a PresetError naming the file and line."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any

from mt_studio.core.domain import SessionKind
from mt_studio.core.presets.errors import PresetError
from mt_studio.core.presets.fields import MISSING, Document, Table, dotted, show
from mt_studio.core.presets.migrations import Migrations, MissingMigration, default_migrations
from mt_studio.core.presets.model import (
    AudioFormat,
    Connector,
    EndingReason,
    EndingReasons,
    ExportProfile,
    InputMap,
    InterfaceInput,
    Preset,
    PresetKind,
    ReasonDetail,
    SessionTemplate,
    TemplateInput,
)
from mt_studio.i18n import _

MAX_FILE_BYTES = 1024 * 1024
"""Presets are a few hundred bytes; anything far larger is not one (and must not stall the app)."""

MAX_INPUT_NUMBER = 256
MAX_REASON_KEY = 40

_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_REASON_KEY = re.compile(r"[a-z0-9_]+\Z")
_COMMON_KEYS = ("format_version", "kind", "name", "title")
_TOP_KEYS = {
    PresetKind.SESSION_TEMPLATE: ("session_kind", "tempo_bpm", "count_in_bars", "inputs"),
    PresetKind.INPUT_MAP: ("match", "inputs"),
    PresetKind.EXPORT_PROFILE: (
        "format",
        "bit_depth",
        "samplerate",
        "loudness_lufs",
        "true_peak_dbtp",
        "stems",
    ),
    PresetKind.ENDING_REASONS: ("reasons",),
}
_TEMPLATE_INPUT_KEYS = ("number", "label", "isolated", "armed")
_INTERFACE_INPUT_KEYS = ("number", "label", "connector")
_REASON_KEYS = ("key", "label", "details")
_DETAIL_KEYS = ("key", "label")
_BIT_DEPTHS = {AudioFormat.WAV: (16, 24, 32), AudioFormat.FLAC: (16, 24)}
_SAMPLERATES = (44100, 48000, 88200, 96000)
_TOML_POSITION = re.compile(
    r"^(?P<detail>.*) \(at line (?P<line>\d+), column (?P<column>\d+)\)$", re.S
)


def load_preset(
    path: str | os.PathLike[str],
    *,
    kind: PresetKind | None = None,
    migrations: Migrations | None = None,
) -> Preset:
    """Read the preset file at PATH; KIND, when given, is the kind its folder requires.

    Older files are upgraded with MIGRATIONS (default: `default_migrations()`). Any problem
    raises PresetError whose message starts with the absolute path and, if known, the line.
    """
    absolute = Path(os.path.abspath(path))
    doc = Document(absolute, _read_text(absolute))
    raw = _parse(doc)
    raw = _upgrade(doc, raw, migrations or default_migrations())
    return _build(doc, raw, kind)


def _read_text(path: Path) -> str:
    try:
        if path.is_dir():
            raise PresetError(path, _("this is a folder, not a preset file"))
        if not path.exists():
            raise PresetError(path, _("no such file"))
        if not path.is_file():
            raise PresetError(path, _("this is not a regular file"))
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise PresetError(
            path, _("cannot be read: {reason}").format(reason=error.strerror or error)
        ) from None
    if len(data) > MAX_FILE_BYTES:
        raise PresetError(
            path, _("too large for a preset (more than {limit} bytes)").format(limit=MAX_FILE_BYTES)
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise PresetError(
            path,
            _("not UTF-8 text (byte {offset} cannot be decoded); save the file as UTF-8").format(
                offset=error.start
            ),
            line,
        ) from None
    text = text.removeprefix("\ufeff")  # Windows editors like to add a byte order mark
    if not text.strip():
        raise PresetError(path, _("the file is empty"), 1)
    return text


def _parse(doc: Document) -> dict[str, Any]:
    try:
        return tomllib.loads(doc.text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        match = _TOML_POSITION.match(message)
        if match:
            detail = _("not valid TOML: {detail} (column {column})").format(
                detail=match["detail"], column=match["column"]
            )
            line = int(match["line"])
        else:
            detail = _("not valid TOML: {detail}").format(detail=message)
            line = doc.text.count("\n") + (0 if doc.text.endswith("\n") else 1)
        raise PresetError(doc.path, detail, max(line, 1)) from None
    except (ValueError, RecursionError) as error:
        # tomllib lets these through for integers longer than Python's digit limit and for
        # absurdly deep nesting; neither has a position.
        raise PresetError(doc.path, _("not valid TOML: {detail}").format(detail=error)) from None


def _upgrade(doc: Document, raw: dict[str, Any], migrations: Migrations) -> dict[str, Any]:
    top = Table(doc, raw)
    current = migrations.current
    version = top.get("format_version", required=False)
    if version is MISSING:
        top.fail(
            "format_version",
            _(
                "missing required key 'format_version' "
                "(this version of mt_studio writes format_version = {current})"
            ).format(current=current),
        )
    if isinstance(version, bool) or not isinstance(version, int):
        top.wrong_type(
            "format_version", _("an integer such as {current}").format(current=current), version
        )
    if version < 1:
        top.fail(
            "format_version",
            _("'format_version' must be 1 or more, not {value}").format(value=version),
        )
    if version > current:
        top.fail(
            "format_version",
            _(
                "this preset was written by a newer mt_studio (format_version {version}; "
                "this version reads up to {current}); update mt_studio to use it"
            ).format(version=version, current=current),
        )
    if version == current:
        return raw
    try:
        upgraded = migrations.upgrade(raw, version)
    except MissingMigration as error:
        top.fail(
            "format_version",
            _(
                "cannot upgrade from format_version {version}: no migration from {step} to {next}"
            ).format(version=version, step=error.from_version, next=error.from_version + 1),
        )
    except Exception as error:  # a migration met data it did not expect
        top.fail(
            "format_version",
            _("cannot upgrade from format_version {version}: {reason!r}").format(
                version=version, reason=error
            ),
        )
    if not isinstance(upgraded, dict):
        top.fail(
            "format_version",
            _("cannot upgrade from format_version {version}").format(version=version),
        )
    return upgraded


def _build(doc: Document, raw: dict[str, Any], expected: PresetKind | None) -> Preset:
    top = Table(doc, raw)
    kind = PresetKind(top.one_of("kind", [k.value for k in PresetKind], required=True))
    if expected is not None and kind != expected:
        top.fail(
            "kind",
            _(
                'kind is "{kind}", but files in the {folder} folder must have kind = "{expected}"'
            ).format(kind=kind, folder=expected.folder, expected=expected),
        )
    top.check_keys(_COMMON_KEYS + _TOP_KEYS[kind])
    name = top.string("name")
    if len(name) > 64 or not _NAME.match(name):
        top.fail(
            "name",
            _(
                "'name' must be a short id of at most 64 lowercase letters, digits and single "
                'hyphens (like "band" or "scarlett-2i2"), not {value}'
            ).format(value=show(name)),
        )
    title = top.string("title")
    if kind == PresetKind.SESSION_TEMPLATE:
        return _session_template(top, name, title)
    if kind == PresetKind.INPUT_MAP:
        return _input_map(top, name, title)
    if kind == PresetKind.ENDING_REASONS:
        return _ending_reasons(top, name, title)
    return _export_profile(top, name, title)


def _session_template(top: Table, name: str, title: str) -> SessionTemplate:
    session_kind = SessionKind(
        top.one_of("session_kind", [k.value for k in SessionKind], required=True)
    )
    tempo = top.number("tempo_bpm", low=30, high=300)
    count_in = top.integer("count_in_bars", low=0, high=4, default=0)
    inputs = []
    for entry in top.tables("inputs", _TEMPLATE_INPUT_KEYS):
        inputs.append(
            TemplateInput(
                number=entry.integer("number", low=1, high=MAX_INPUT_NUMBER),
                label=entry.string("label"),
                isolated=entry.boolean("isolated", default=False),
                armed=entry.boolean("armed", default=True),
            )
        )
    _check_unique_numbers(top, [i.number for i in inputs])
    return SessionTemplate(
        name=name,
        title=title,
        session_kind=session_kind,
        tempo_bpm=tempo,
        count_in_bars=count_in,
        inputs=tuple(inputs),
        source=top.doc.path,
    )


def _input_map(top: Table, name: str, title: str) -> InputMap:
    match = top.strings("match")
    inputs = []
    for entry in top.tables("inputs", _INTERFACE_INPUT_KEYS):
        inputs.append(
            InterfaceInput(
                number=entry.integer("number", low=1, high=MAX_INPUT_NUMBER),
                label=entry.string("label"),
                connector=Connector(
                    entry.one_of("connector", [c.value for c in Connector], required=True)
                ),
            )
        )
    _check_unique_numbers(top, [i.number for i in inputs])
    return InputMap(name=name, title=title, match=match, inputs=tuple(inputs), source=top.doc.path)


def _export_profile(top: Table, name: str, title: str) -> ExportProfile:
    audio_format = AudioFormat(top.one_of("format", [f.value for f in AudioFormat], required=True))
    if audio_format.lossless:
        bit_depth = top.one_of("bit_depth", _BIT_DEPTHS[audio_format], required=True)
    else:
        if "bit_depth" in top.raw:
            top.fail(
                "bit_depth",
                _(
                    "'bit_depth' does not apply to {format} files, which are lossy; remove it"
                ).format(format=audio_format),
            )
        bit_depth = None
    return ExportProfile(
        name=name,
        title=title,
        format=audio_format,
        bit_depth=bit_depth,
        samplerate=top.one_of("samplerate", _SAMPLERATES, required=False),
        loudness_lufs=top.number("loudness_lufs", low=-40, high=-5),
        true_peak_dbtp=top.number("true_peak_dbtp", low=-10, high=0),
        stems=top.boolean("stems", default=False),
        source=top.doc.path,
    )


def _ending_reasons(top: Table, name: str, title: str) -> EndingReasons:
    reasons = []
    for entry in top.tables("reasons", _REASON_KEYS):
        key, label = _reason_key(entry), entry.string("label")
        details: tuple[ReasonDetail, ...] = ()
        if "details" in entry.raw:
            details = tuple(
                ReasonDetail(key=_reason_key(detail), label=detail.string("label"))
                for detail in entry.tables("details", _DETAIL_KEYS)
            )
            _check_unique_keys(entry, "details", [d.key for d in details])
        reasons.append(EndingReason(key=key, label=label, details=details))
    _check_unique_keys(top, "reasons", [r.key for r in reasons])
    return EndingReasons(name=name, title=title, reasons=tuple(reasons), source=top.doc.path)


def _reason_key(entry: Table) -> str:
    """The stable id an ending stores: it must survive renaming the label, so it is plain."""
    key = entry.string("key")
    if len(key) > MAX_REASON_KEY or not _REASON_KEY.match(key):
        entry.fail(
            "key",
            _(
                "'{key}' must be a short id of at most {limit} lowercase letters, digits and "
                'underscores (like "moved_away"), not {value}'
            ).format(key=entry.name_of("key"), limit=MAX_REASON_KEY, value=show(key)),
        )
    return key


def _check_unique_keys(table: Table, list_key: str, keys: list[str]) -> None:
    first_index: dict[str, int] = {}
    for index, key in enumerate(keys):
        if key in first_index:
            table.doc.fail(
                table.loc + (list_key, index, "key"),
                _('the key "{key}" is listed twice: in {first} and {second}').format(
                    key=key,
                    first=dotted(table.loc + (list_key, first_index[key])),
                    second=dotted(table.loc + (list_key, index)),
                ),
            )
        first_index[key] = index


def _check_unique_numbers(top: Table, numbers: list[int]) -> None:
    first_index: dict[int, int] = {}
    for index, number in enumerate(numbers):
        if number in first_index:
            top.doc.fail(
                top.loc + ("inputs", index, "number"),
                _(
                    "input number {number} is listed twice: in inputs[{first}] and inputs[{index}]"
                ).format(number=number, first=first_index[number], index=index),
            )
        first_index[number] = index

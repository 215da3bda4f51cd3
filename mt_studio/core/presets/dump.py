"""Writing a preset back as TOML text that `load_preset` reads to an equal preset."""

from __future__ import annotations

from collections.abc import Iterable

from mt_studio.core.presets.migrations import FORMAT_VERSION
from mt_studio.core.presets.model import (
    EndingReasons,
    ExportProfile,
    InputMap,
    Preset,
    SessionTemplate,
    kind_of,
)

_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}

Value = str | int | float | bool | tuple[str, ...]


def dump_preset(preset: Preset) -> str:
    """PRESET as the text of a preset file at the current format_version."""
    lines = _pairs(
        [
            ("format_version", FORMAT_VERSION),
            ("kind", kind_of(preset).value),
            ("name", preset.name),
            ("title", preset.title),
        ]
    )
    if isinstance(preset, SessionTemplate):
        lines += _pairs(
            [
                ("session_kind", preset.session_kind.value),
                ("tempo_bpm", preset.tempo_bpm),
                ("count_in_bars", preset.count_in_bars),
            ]
        )
        for t in preset.inputs:
            lines += ["", "[[inputs]]"]
            lines += _pairs(
                [
                    ("number", t.number),
                    ("label", t.label),
                    ("isolated", t.isolated),
                    ("armed", t.armed),
                ]
            )
    elif isinstance(preset, InputMap):
        lines += _pairs([("match", preset.match)])
        for i in preset.inputs:
            lines += ["", "[[inputs]]"]
            lines += _pairs(
                [("number", i.number), ("label", i.label), ("connector", i.connector.value)]
            )
    elif isinstance(preset, ExportProfile):
        lines += _pairs(
            [
                ("format", preset.format.value),
                ("bit_depth", preset.bit_depth),
                ("samplerate", preset.samplerate),
                ("loudness_lufs", preset.loudness_lufs),
                ("true_peak_dbtp", preset.true_peak_dbtp),
                ("stems", preset.stems),
            ]
        )
    elif isinstance(preset, EndingReasons):
        for reason in preset.reasons:
            lines += ["", "[[reasons]]"]
            lines += _pairs([("key", reason.key), ("label", reason.label)])
            for detail in reason.details:
                lines += ["[[reasons.details]]"]
                lines += _pairs([("key", detail.key), ("label", detail.label)])
    return "\n".join(lines) + "\n"


def _pairs(items: Iterable[tuple[str, Value | None]]) -> list[str]:
    """`key = value` lines, leaving out values that are None."""
    return [f"{key} = {_value(value)}" for key, value in items if value is not None]


def _value(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, tuple):
        return "[" + ", ".join(_string(item) for item in value) + "]"
    return _string(value)


def _string(text: str) -> str:
    out = []
    for c in text:
        if c in _ESCAPES:
            out.append(_ESCAPES[c])
        elif ord(c) < 0x20 or c == "\x7f":
            out.append(f"\\u{ord(c):04X}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'

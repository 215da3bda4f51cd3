"""The typed, immutable presets that the rest of mt_studio uses."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path

from mt_studio.core.domain import SessionKind


class PresetKind(enum.StrEnum):
    """What a preset file describes; each kind lives in its own subfolder."""

    SESSION_TEMPLATE = "session-template"
    INPUT_MAP = "input-map"
    EXPORT_PROFILE = "export-profile"
    ENDING_REASONS = "ending-reasons"

    @property
    def folder(self) -> str:
        """The subfolder of a presets folder that holds this kind (e.g. "input-maps")."""
        return _FOLDERS[self]


class Connector(enum.StrEnum):
    """The socket behind an interface input."""

    MIC = "mic"
    LINE = "line"
    INSTRUMENT = "instrument"
    COMBO = "combo"
    DIGITAL = "digital"


class AudioFormat(enum.StrEnum):
    """A file format an export profile writes."""

    WAV = "wav"
    FLAC = "flac"
    OGG = "ogg"
    MP3 = "mp3"

    @property
    def lossless(self) -> bool:
        """True for PCM formats, which need a bit depth; lossy formats have none."""
        return self in (AudioFormat.WAV, AudioFormat.FLAC)


@dataclass(frozen=True)
class TemplateInput:
    """One input a session template arms and labels."""

    number: int
    label: str
    isolated: bool = False
    armed: bool = True


@dataclass(frozen=True)
class SessionTemplate:
    """A starting point for a session: its kind, tempo, count-in and labelled inputs."""

    name: str
    title: str
    session_kind: SessionKind
    tempo_bpm: float | None
    count_in_bars: int
    inputs: tuple[TemplateInput, ...]
    source: Path


@dataclass(frozen=True)
class InterfaceInput:
    """One input of an audio interface as its front or back panel names it."""

    number: int
    label: str
    connector: Connector


@dataclass(frozen=True)
class InputMap:
    """The inputs of one audio interface model and how to recognise it by device name."""

    name: str
    title: str
    match: tuple[str, ...]
    inputs: tuple[InterfaceInput, ...]
    source: Path

    def matches(self, device_name: str) -> bool:
        """True if any match string is a case-insensitive substring of DEVICE_NAME."""
        return self.match_length(device_name) > 0

    def match_length(self, device_name: str) -> int:
        """Length of the longest match string found in DEVICE_NAME (0 if none): its specificity."""
        folded = device_name.casefold()
        return max((len(m) for m in self.match if m.casefold() in folded), default=0)


@dataclass(frozen=True)
class ExportProfile:
    """How an export is written: format, bit depth, sample rate, loudness and stems."""

    name: str
    title: str
    format: AudioFormat
    bit_depth: int | None
    samplerate: int | None
    loudness_lufs: float | None
    true_peak_dbtp: float | None
    stems: bool
    source: Path


@dataclass(frozen=True)
class ReasonDetail:
    """A finer choice under a reason: a choir, under "moved on to music in the community"."""

    key: str
    label: str


@dataclass(frozen=True)
class EndingReason:
    """One reason a participant's course ended: a stable KEY that endings store, and its label."""

    key: str
    label: str
    details: tuple[ReasonDetail, ...] = ()

    def find(self, detail_key: str) -> ReasonDetail | None:
        """The detail with DETAIL_KEY, or None."""
        return next((d for d in self.details if d.key == detail_key), None)


@dataclass(frozen=True)
class EndingReasons:
    """The list of reasons a therapist picks from when recording that a course ended.

    Labels are in the user's language for the bundled list (the catalog translates them) and
    as written for a service's own list. Endings store keys, so an ending whose reason has
    since left the list still reads as its key.
    """

    name: str
    title: str
    reasons: tuple[EndingReason, ...]
    source: Path

    def keys(self) -> tuple[str, ...]:
        """The reasons' keys, in the order of the list."""
        return tuple(r.key for r in self.reasons)

    def find(self, key: str) -> EndingReason | None:
        """The reason with KEY, or None."""
        return next((r for r in self.reasons if r.key == key), None)

    def label_of(self, key: str) -> str:
        """The label of the reason with KEY, or KEY itself when the list no longer has it."""
        reason = self.find(key)
        return reason.label if reason else key

    def detail_label_of(self, reason_key: str, detail_key: str) -> str:
        """The label of DETAIL_KEY under REASON_KEY, or DETAIL_KEY itself when not listed."""
        reason = self.find(reason_key)
        detail = reason.find(detail_key) if reason else None
        return detail.label if detail else detail_key


Preset = SessionTemplate | InputMap | ExportProfile | EndingReasons


def kind_of(preset: Preset) -> PresetKind:
    """The kind of a loaded preset."""
    if isinstance(preset, SessionTemplate):
        return PresetKind.SESSION_TEMPLATE
    if isinstance(preset, InputMap):
        return PresetKind.INPUT_MAP
    if isinstance(preset, EndingReasons):
        return PresetKind.ENDING_REASONS
    return PresetKind.EXPORT_PROFILE


_FOLDERS = {
    PresetKind.SESSION_TEMPLATE: "session-templates",
    PresetKind.INPUT_MAP: "input-maps",
    PresetKind.EXPORT_PROFILE: "export-profiles",
    PresetKind.ENDING_REASONS: "ending-reasons",  # already a plural: the kind is a list
}

"""What someone asks to export: a take, a region or chosen tracks, for a purpose, to a folder."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from mt_studio.core.domain import SHARING_PURPOSES, Purpose
from mt_studio.core.errors import InputError
from mt_studio.core.mixing import TrackMix
from mt_studio.core.presets.model import AudioFormat, ExportProfile
from mt_studio.core.text import one_line
from mt_studio.i18n import _

BIT_DEPTHS = {AudioFormat.WAV: (16, 24, 32), AudioFormat.FLAC: (16, 24)}


@dataclass(frozen=True)
class ExportRequest:
    """One export as asked for; `export_take` checks it against the take and the ledger.

    REGION is (start, end) in the take's frames, None for the whole take. TRACK_IDS None
    exports every track the take plays. MIXES holds each audio track's gain, pan, mute and
    solo by track id (unity when missing); a muted track is left out, stems or mix.
    BIT_DEPTH None takes the profile's, else 24. TITLE None takes the linked song's title,
    else "Take N". EFFECTS and EXPORTERS are ids of what enabled plugins offer.
    """

    take_id: int
    purpose: Purpose
    destination: Path
    format: AudioFormat = AudioFormat.WAV
    stems: bool = False
    region: tuple[int, int] | None = None
    track_ids: tuple[int, ...] | None = None
    mixes: Mapping[int, TrackMix] = field(default_factory=dict)
    profile: ExportProfile | None = None
    bit_depth: int | None = None
    recipient: str = ""
    title: str | None = None
    group: str = ""
    zip: bool = False
    effects: tuple[str, ...] = ()  # plugin effects on the mix, in order
    exporters: tuple[str, ...] = ()  # plugin exporters adding files to the package

    def __post_init__(self) -> None:
        if self.effects and self.stems:
            raise InputError(_("Effects shape a mix; stems are exported as they were "
                               "recorded, so choose the mix or no effects."))
        if self.purpose not in SHARING_PURPOSES:
            raise InputError(_("An export is for group, community or public, not {purpose}.")
                             .format(purpose=self.purpose.value))
        if self.region is not None and not 0 <= self.region[0] < self.region[1]:
            raise InputError(_("The region to export must start before it ends."))
        # Refused here, before the plan or the log sees them; kept as they will be stored.
        for attribute, name in (("recipient", _("The recipient")), ("title", _("The title")),
                                ("group", _("The group's name"))):
            text = one_line(getattr(self, attribute), name)
            if attribute != "title":
                text = text or ""
            object.__setattr__(self, attribute, text)

    @property
    def depth(self) -> int | None:
        """Bits per sample of the audio files (None for MP3 and Ogg, which have none)."""
        if not self.format.lossless:
            return None
        depth = self.bit_depth or (self.profile.bit_depth if self.profile else None) or 24
        allowed = BIT_DEPTHS[self.format]
        if depth not in allowed:
            if self.bit_depth is None and depth > max(allowed):
                return max(allowed)  # a profile's 32-bit float, written as FLAC
            raise InputError(_("{format} files hold {depths} bits, not {depth}.").format(
                format=self.format.value.upper(), depths=", ".join(map(str, allowed)),
                depth=depth))
        return depth

    @property
    def loudness_lufs(self) -> float | None:
        """The integrated loudness to normalize to, if the profile asks for one."""
        return self.profile.loudness_lufs if self.profile else None

    @property
    def true_peak_dbtp(self) -> float:
        """The ceiling no sample (oversampled) may pass after normalizing."""
        ceiling = self.profile.true_peak_dbtp if self.profile else None
        return -1.0 if ceiling is None else ceiling

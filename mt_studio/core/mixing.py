"""A take's mono tracks mixed to stereo: gain, pan, mute and solo per track.

Pan follows the constant-power law, scaled so that a centred track sounds at its own gain on
both sides (and 3 dB louder on one side when panned hard there). The sum is scaled by
1/sqrt(tracks) for headroom, as unrelated tracks add up in power, and clipped at full scale.
A change of gain or pan is ramped across the next block, so a fader never clicks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class TrackMix:
    """How one track sounds in the mix."""

    gain_db: float = 0.0
    pan: float = 0.0  # -1 hard left, 0 centre, +1 hard right
    mute: bool = False
    solo: bool = False

    def __post_init__(self) -> None:
        if not -1.0 <= self.pan <= 1.0:
            raise ValueError(f"pan runs from -1 to 1, not {self.pan}")
        if not math.isfinite(self.gain_db):
            raise ValueError(f"gain must be a number of dB, not {self.gain_db}")


def stereo_gains(mixes: Sequence[TrackMix]) -> np.ndarray:
    """The (tracks, 2) left and right gain of each track, mute, solo and headroom applied."""
    soloed = any(mix.solo for mix in mixes)
    gains = np.zeros((len(mixes), 2), dtype=np.float32)
    headroom = 1.0 / math.sqrt(max(1, len(mixes)))
    for index, mix in enumerate(mixes):
        if mix.mute or (soloed and not mix.solo):
            continue
        angle = (mix.pan + 1.0) * math.pi / 4
        level = 10 ** (mix.gain_db / 20) * math.sqrt(2) * headroom
        gains[index] = (level * math.cos(angle), level * math.sin(angle))
    return gains


def mix_to_stereo(block: np.ndarray, start: np.ndarray, end: np.ndarray | None = None
                  ) -> np.ndarray:
    """BLOCK (tracks, frames) mixed to (frames, 2) float32, each track's gains going from START
    to END (tracks, 2) across the block (END None: held at START), clipped to [-1, 1]."""
    block = np.asarray(block, dtype=np.float32)
    out = (start.T @ block).T  # (frames, 2)
    if end is not None and not np.array_equal(start, end):
        frames = block.shape[1]
        ramp = (np.arange(1, frames + 1, dtype=np.float32) / frames)[:, None]
        out += ((end - start).T @ block).T * ramp
    np.clip(out, -1.0, 1.0, out=out)
    return np.ascontiguousarray(out, dtype=np.float32)

"""Share mix: a gentle chain for a mix that leaves the room (high-pass, compressor, reverb and
a peak catcher), with pedalboard. Its state carries from block to block, so a reverb tail or a
compressor's release goes on across block edges as it would in one go."""

from __future__ import annotations

import numpy as np

from mt_studio.plugin_api import Effect, PluginApi

HIGHPASS_HZ = 80.0
COMPRESSOR = {"threshold_db": -18.0, "ratio": 2.5, "attack_ms": 10.0, "release_ms": 200.0}
REVERB = {"room_size": 0.25, "damping": 0.5, "wet_level": 0.12, "dry_level": 0.9, "width": 1.0}
# The peak catcher: a fast, hard compressor above -3 dBFS, then whatever still gets past is
# clipped at -1 dBFS. (pedalboard's Limiter is JUCE's, which compresses everything over -10 dBFS
# 4:1 and adds make-up gain: a loudness maximiser, not a safety net.)
CATCHER = {"threshold_db": -3.0, "ratio": 20.0, "attack_ms": 1.0, "release_ms": 100.0}
CEILING_DB = -1.0
# pedalboard prepares its plugins again, losing their state, whenever a block is longer than
# any before; a board is run once on this much silence first, and longer blocks are split
# into pieces of this length, so no block ever makes it start over.
MAX_BLOCK = 8192


def _board():
    import pedalboard

    return pedalboard.Pedalboard([
        pedalboard.HighpassFilter(cutoff_frequency_hz=HIGHPASS_HZ),
        pedalboard.Compressor(**COMPRESSOR),
        pedalboard.Reverb(**REVERB),
        pedalboard.Compressor(**CATCHER),
        pedalboard.Clipping(threshold_db=CEILING_DB),
    ])


class ShareMix:
    """The chain for one stream of CHANNELS at SAMPLERATE: one stereo (or mono) board, or one
    mono board a channel for more than two (pedalboard's reverb is stereo at most)."""

    def __init__(self, samplerate: int, channels: int) -> None:
        self._rate = samplerate
        self._groups = [list(range(channels))] if channels <= 2 else [[c] for c in
                                                                     range(channels)]
        self._boards = [_board() for _group in self._groups]
        for board, group in zip(self._boards, self._groups, strict=True):
            board(np.zeros((len(group), MAX_BLOCK), dtype=np.float32), samplerate,
                  buffer_size=MAX_BLOCK, reset=False)

    def process(self, block: np.ndarray) -> np.ndarray:
        """BLOCK ((frames, channels) float32) through the chain, the same shape."""
        samples = np.asarray(block, dtype=np.float32)
        out = np.empty_like(samples)
        for board, group in zip(self._boards, self._groups, strict=True):
            planar = np.ascontiguousarray(samples[:, group].T)
            out[:, group] = board(planar, self._rate, buffer_size=MAX_BLOCK, reset=False).T
        return out


def enable(api: PluginApi) -> None:
    api.add_effect(Effect(
        "share-mix", "Share mix", make=ShareMix,
        description="High-pass at 80 Hz, gentle compression, a touch of room, peaks under "
                    "-1 dBFS.",
        names={"nb": "Delingsmiks"},
        descriptions={"nb": "Høypass ved 80 Hz, skånsom kompresjon, litt rom, topper under "
                            "-1 dBFS."}))

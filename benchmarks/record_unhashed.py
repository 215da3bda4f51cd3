"""`mt-studio ARGS...` with the recorded parts' hashing turned off, for benchmarks/capture.py to
set beside the real recorder in the same run: what hashing costs. Never used to record."""

from __future__ import annotations

import sys

from mt_studio.cli.main import main
from mt_studio.core.capture import wav_stream


class NoHash:
    """A stand-in for hashlib.sha256 that does no work."""

    def update(self, data) -> None:
        """Nothing."""

    def copy(self) -> NoHash:
        """Itself."""
        return self

    def hexdigest(self) -> str:
        """A made-up digest."""
        return "0" * 64


if __name__ == "__main__":
    wav_stream.new_samples_hash = NoHash
    sys.exit(main(sys.argv[1:]))

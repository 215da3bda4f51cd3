"""`mt-studio ARGS...` with every take's files sealed under the take key in $MT_BENCH_TAKE_KEY
(hex), for benchmarks/capture.py to set beside the plain recorder in the same run: what sealing
costs. Until the studio hands the engine a take's key in a signed-in library, this gives it
one the benchmark can read the files back with. Never used to record."""

from __future__ import annotations

import os
import sys
from pathlib import PurePosixPath

from mt_studio.cli.main import main
from mt_studio.core.capture.take_capture import TakeCapture
from mt_studio.core.studio import recording


class SealedTakeCapture(TakeCapture):
    """The capture engine, given the benchmark's key for the take in TAKE_FOLDER."""

    def __init__(self, library_folder, take_folder, *args, **options) -> None:
        take_id = int(PurePosixPath(take_folder).name.removeprefix("take-"))
        super().__init__(library_folder, take_folder, *args, **options,
                         file_key=bytes.fromhex(os.environ["MT_BENCH_TAKE_KEY"]),
                         take_id=take_id)


if __name__ == "__main__":
    recording.TakeCapture = SealedTakeCapture
    sys.exit(main(sys.argv[1:]))

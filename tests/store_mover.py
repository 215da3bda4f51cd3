"""The studio copying the takes waiting in this computer's spool to the store, in a child process
of its own that kills itself (SIGKILL) at a chosen point of the move, as a power cut or a crash
would: at the Nth call the move makes, of its own code or of the system (a read, a write, an
fsync, a link, the database's commit, a removal).

Run as a script on $MT_STUDIO_LIBRARY with N (0: never), it prints how many calls it made.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# The move's own modules: each call from their code counts, Python's and the system's.
MOVING = ("take_mover.py", "take_move.py", "durable_files.py", "removals.py")


def run_mover(kill_at: int = 0) -> subprocess.CompletedProcess:
    """Move the waiting takes in a child process, killed at call KILL_AT (0: never)."""
    return subprocess.run([sys.executable, __file__, str(kill_at)], capture_output=True,
                          text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPO)})  # this checkout's


def _main(kill_at: int) -> None:
    from mt_studio.core.studio import Studio

    calls = 0

    def count(frame, event, _arg) -> None:
        nonlocal calls
        if event in ("call", "c_call") and frame.f_code.co_filename.endswith(MOVING):
            calls += 1
            if calls == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)

    with Studio.open(os.environ["MT_STUDIO_LIBRARY"]) as studio:
        sys.setprofile(count)
        moves = studio.recording.move_to_store()
        sys.setprofile(None)
    assert all(move.moved for move in moves), moves
    print(calls)


if __name__ == "__main__":
    _main(int(sys.argv[1]))

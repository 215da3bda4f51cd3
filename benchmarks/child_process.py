"""Measuring a benchmark's child process: wall and CPU time, peak memory and what it printed."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path


def _tree(pid: int) -> list[int]:
    """PID and its descendants, as /proc lists them now."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        try:
            queue += [int(c) for c in
                      Path(f"/proc/{current}/task/{current}/children").read_text().split()]
        except (OSError, ValueError):
            pass
    return found


def measured(command: list[str], env: dict | None = None, stdin: bytes | None = None,
             poll: float = 0.02) -> tuple[float, float, float, str]:
    """Run COMMAND; its wall seconds, CPU seconds, peak RSS in MB and stdout. Raises if it fails.

    The peak is the largest kernel high-water mark (VmHWM) in its process tree, polled every
    POLL seconds until it exits: the rusage maximum after an exec also counts the parent's
    pages at the fork.
    """
    peak = 0
    with tempfile.TemporaryFile() as source, tempfile.TemporaryFile(mode="w+") as out, \
            tempfile.TemporaryFile(mode="w+") as err:
        source.write(stdin or b"")
        source.seek(0)
        started = time.monotonic()
        child = subprocess.Popen(command, stdin=source, stdout=out, stderr=err, env=env)
        while True:
            for pid in _tree(child.pid):
                try:
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                        if line.startswith("VmHWM:"):
                            peak = max(peak, int(line.split()[1]))
                except OSError:
                    pass
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            time.sleep(poll)
        wall = time.monotonic() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            err.seek(0)
            raise RuntimeError(f"{' '.join(command[:3])} failed ({child.returncode}): "
                               f"{err.read()[-2000:]}")
        out.seek(0)
        return wall, usage.ru_utime + usage.ru_stime, peak / 1024, out.read()

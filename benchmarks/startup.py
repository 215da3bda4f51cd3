"""Start-up benchmark: process start to the first painted main window, mt_studio beside bare PyQt6.

    .venv/bin/python benchmarks/startup.py [--runs 9]
    xvfb-run -a .venv/bin/python benchmarks/startup.py      # on a real X server

Each run starts a fresh process and measures from just before it is spawned to the moment its
main window receives its first paint event (time.monotonic is system-wide on Linux, so parent
and child read the same clock). mt_studio paints its window first and opens the library in a
worker meanwhile, so it is also timed to the moment its list of sessions is painted: the
window as a therapist can use it. It opens on a library that already holds the demo
session, as a therapist's would; the bare window is a QMainWindow with a label. Both start
from cached bytecode, as an installed app does (the warm-up run writes it). The runs
alternate, and the table gives the median and the spread, and the median of the ratios taken
within each round. Targets (issue 15): the first paint at most 1.3x the bare window's time,
the sessions listed at most 1.8x.

    .venv/bin/python benchmarks/startup.py --against /tmp/old    # a checkout of another commit

also starts that checkout's mt_studio in the same runs, on a library of its own: on a noisy
machine only runs made side by side compare.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MT_STUDIO = str(Path(sys.executable).with_name("mt-studio"))

BARE_WINDOW = """
import sys, time
from PyQt6.QtCore import QEvent, QObject, QTimer
from PyQt6.QtWidgets import QApplication, QLabel, QMainWindow

class Probe(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            print(f"painted {time.monotonic():.6f}", flush=True)
            watched.removeEventFilter(self)
            QTimer.singleShot(0, app.quit)
        return False

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setCentralWidget(QLabel("Hello"))
probe = Probe()
window.installEventFilter(probe)
window.resize(1200, 760)
window.show()
app.exec()
"""


def stamps_after(command: list[str], env: dict) -> dict[str, float]:
    """Seconds from spawning COMMAND to each moment it printed: "painted" (its first paint)
    and, for mt_studio, "listed" (its list of sessions painted)."""
    started = time.monotonic()
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    stamps = {}
    for line in out.splitlines():
        name, _space, value = line.partition(" ")
        if name in ("painted", "listed"):
            stamps.setdefault(name, float(value) - started)
    if "painted" not in stamps:
        raise RuntimeError(f"{command[0]} never painted its window")
    return stamps


# The demo session and the window, for a checkout of any commit (the demo and the entry point
# have moved over time).
DEMO = ("try:\n    from mt_studio.core.studio.demo import create_demo_session\n"
        "except ImportError:\n    from mt_studio.core.demo import create_demo_session\n"
        "from mt_studio.core.library import Library\n"
        "create_demo_session(Library.open(sys.argv[1]))\n")
WINDOW = ("try:\n    from mt_studio.start import main\n"
          "except ImportError:\n    from mt_studio.cli.main import main\n"
          "sys.exit(main())\n")


def from_checkout(folder: str, code: str) -> list[str]:
    """A command running CODE on the mt_studio in FOLDER rather than the installed one (whose
    editable-install finder would otherwise answer first)."""
    prelude = ("import sys\nsys.meta_path[:] = [f for f in sys.meta_path\n"
               "    if not type(f).__module__.startswith('__editable__')]\n"
               f"sys.path.insert(0, {folder!r})\n")
    return [sys.executable, "-c", prelude + code]


def studio_env(scratch: str) -> dict[str, str]:
    """An environment that starts the window on a library in SCRATCH and quits once listed."""
    env = {**os.environ, "MT_STUDIO_LIBRARY": f"{scratch}/library",
           "MT_STUDIO_LOG_DIR": f"{scratch}/logs", "MT_STUDIO_CONFIG_DIR": f"{scratch}/cfg",
           "MT_STUDIO_QUIT_AFTER_FIRST_PAINT": "1"}
    env.setdefault("QT_QPA_PLATFORM", "xcb" if "DISPLAY" in env else "offscreen")
    # An installed app starts from cached bytecode; a sandbox that forbids writing it
    # would have mt_studio compile its modules on every start (about 20 ms here).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--against", metavar="CHECKOUT",
                        help="also start the mt_studio of this checkout, in the same runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        env = studio_env(scratch)
        subprocess.run([sys.executable, "-c", "import sys\n" + DEMO, f"{scratch}/library"],
                       env=env, check=True)
        windows = {"mt_studio": ([MT_STUDIO], env)}
        if args.against:
            other_env = studio_env(f"{scratch}/against")
            subprocess.run(from_checkout(args.against, DEMO) + [f"{scratch}/against/library"],
                           env=other_env, check=True)
            windows[Path(args.against).name] = (from_checkout(args.against, WINDOW), other_env)
        bare = [sys.executable, "-c", BARE_WINDOW]
        for command, its_env in windows.values():
            stamps_after(command, its_env)  # warm the disk cache for each
        stamps_after(bare, env)
        times: dict[str, list[float]] = {"bare PyQt6 window": []}
        for name in windows:
            times[f"{name}, first paint"] = []
            times[f"{name}, sessions listed"] = []
        for _ in range(args.runs):
            times["bare PyQt6 window"].append(stamps_after(bare, env)["painted"])
            for name, (command, its_env) in windows.items():
                stamps = stamps_after(command, its_env)
                times[f"{name}, first paint"].append(stamps["painted"])
                times[f"{name}, sessions listed"].append(stamps["listed"])
    bare = times["bare PyQt6 window"]
    reference = statistics.median(bare)
    print(f"\nStart to first paint, {args.runs} runs each, platform {env['QT_QPA_PLATFORM']}\n")
    print("| window | median ms | fastest ms | slowest ms | ratio to bare | "
          "median of round ratios |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, values in times.items():
        median = statistics.median(values)
        # Each round starts the bare window and then the others back to back: the ratio
        # within a round is spared the machine's slower and faster spells.
        paired = statistics.median(value / base for value, base in zip(values, bare, strict=True))
        print(f"| {name} | {median * 1000:.0f} | {min(values) * 1000:.0f} | "
              f"{max(values) * 1000:.0f} | {median / reference:.2f} | {paired:.2f} |")

if __name__ == "__main__":
    main()

"""A rotating log file in the platform's log folder, for what people should not have to read."""

from __future__ import annotations

import logging
import os
from pathlib import Path

LOG_ENV = "MT_STUDIO_LOG_DIR"


def log_file() -> Path:
    """Where the log is written: $MT_STUDIO_LOG_DIR if set, else the user's log folder."""
    folder = os.environ.get(LOG_ENV)
    if folder:
        return Path(folder) / "mt-studio.log"
    import platformdirs

    return platformdirs.user_log_path("mt-studio", appauthor=False) / "mt-studio.log"


class _HeldRecords(logging.Handler):
    """What was logged before the log file was opened, to be written there first."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def hold_logging(level: int = logging.INFO) -> None:
    """Keep what is logged in memory until `start_logging` opens the file.

    The window lists its sessions first: the rotating handler's module (10 ms) and the log
    folder's lookup are time it need not wait for.
    """
    root = logging.getLogger()
    if not any(isinstance(h, _HeldRecords) or getattr(h, "mt_studio", False)
               for h in root.handlers):
        root.addHandler(_HeldRecords())
        root.setLevel(level)


def start_logging(level: int = logging.INFO) -> None:
    """Send the root logger to the rotating file once, what was held first; a log that cannot
    be written is skipped."""
    import logging.handlers

    root = logging.getLogger()
    held = [h for h in root.handlers if isinstance(h, _HeldRecords)]
    handler = None
    if not any(getattr(h, "mt_studio", False) for h in root.handlers):
        path = log_file()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handler = logging.handlers.RotatingFileHandler(
                path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
        except OSError:
            pass  # logging must never stop the work itself
        if handler is not None:
            handler.mt_studio = True
            handler.setFormatter(logging.Formatter(
                "%(asctime)s %(levelname)s %(name)s: %(message)s"))
            root.addHandler(handler)
            root.setLevel(level)
    for holder in held:  # from here on, records go to the file (or nowhere) directly
        root.removeHandler(holder)
    if handler is not None:
        for record in (record for holder in held for record in holder.records):
            handler.handle(record)

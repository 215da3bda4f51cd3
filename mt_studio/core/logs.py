"""A rotating log file in the platform's log folder, for what people should not have to read."""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

import platformdirs

LOG_ENV = "MT_STUDIO_LOG_DIR"


def log_file() -> Path:
    """Where the log is written: $MT_STUDIO_LOG_DIR if set, else the user's log folder."""
    folder = os.environ.get(LOG_ENV)
    base = Path(folder) if folder else platformdirs.user_log_path("mt-studio", appauthor=False)
    return base / "mt-studio.log"


def start_logging(level: int = logging.INFO) -> None:
    """Send the root logger to the rotating file once; a log that cannot be written is skipped."""
    root = logging.getLogger()
    if any(getattr(h, "mt_studio", False) for h in root.handlers):
        return
    path = log_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    except OSError:
        return  # logging must never stop the work itself
    handler.mt_studio = True
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)

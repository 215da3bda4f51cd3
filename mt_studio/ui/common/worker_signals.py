"""Reporting from worker threads: a signal emitted there is queued to the GUI thread."""

from __future__ import annotations

from PyQt6.QtCore import QObject


def emit_from_worker(owner: QObject, signal: str, *args: object) -> None:
    """Emit OWNER's SIGNAL (its name) with ARGS; nothing happens if OWNER was taken apart."""
    try:
        getattr(owner, signal).emit(*args)  # reading the signal fails too once OWNER is gone
    except RuntimeError:  # the view was closed while the worker ran
        pass

"""The page the window shows while its library is being opened."""

from __future__ import annotations

from PyQt6.QtWidgets import QHBoxLayout, QLabel, QWidget

from mt_studio.i18n import _


def opening_page() -> QWidget:
    """"Opening the library…", in the middle (by stretches: no Qt enum is touched before the
    window's first paint)."""
    page = QWidget()
    row = QHBoxLayout(page)
    row.addStretch()
    row.addWidget(QLabel(_("Opening the library…")))
    row.addStretch()
    return page

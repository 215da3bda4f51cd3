"""The bridge from the studio's events to Qt signals, in the GUI thread whoever changed what."""

from __future__ import annotations

import threading

from PyQt6.QtCore import QThread
from PyQt6.QtWidgets import QApplication

from mt_studio.core.domain import Purpose
from mt_studio.core.studio import ConsentChanged, Studio
from mt_studio.ui.bridge import StudioBridge


def test_a_change_made_in_a_worker_reaches_the_window_in_the_gui_thread(qtbot, tmp_path):
    with Studio.open(tmp_path / "library") as studio:
        bridge = StudioBridge(studio)
        kari = studio.consent.add_participant("Kari")
        where = []
        bridge.consent_changed.connect(
            lambda participant_id: where.append((participant_id, QThread.currentThread())))
        with qtbot.waitSignal(bridge.changed, timeout=5000) as heard:
            worker = threading.Thread(
                target=lambda: studio.consent.grant(kari.id, [Purpose.RECORD]))
            worker.start()
            worker.join(timeout=10)
        assert heard.args == [ConsentChanged(kari.id)]
        assert where == [(kari.id, QApplication.instance().thread())]


def test_a_closed_bridge_hears_nothing_more(qtbot, tmp_path):
    with Studio.open(tmp_path / "library") as studio:
        bridge = StudioBridge(studio)
        heard = []
        bridge.participant_added.connect(heard.append)
        first = studio.consent.add_participant("Kari")
        bridge.close()
        studio.consent.add_participant("Ola")
        QApplication.processEvents()
        assert heard == [first.id]

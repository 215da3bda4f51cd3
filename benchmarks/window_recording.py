"""One take recorded from the studio window, as a therapist records it: for benchmarks/capture.py.

    python benchmarks/window_recording.py LIBRARY SECONDS INPUTS

Opens the main window on LIBRARY (a new folder) with a session whose INPUTS inputs are
all armed, beside a second window showing the demo take's waveform lanes; picks the device
"system" (the benchmark's JACK server), presses Record, lets the meters run until the take holds
SECONDS of audio, presses Stop and prints the take as JSON: frames, dropouts, and how many
times a second the meters repainted.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from pathlib import Path

from PyQt6.QtCore import QTimer
from PyQt6.QtWidgets import QApplication

from mt_studio.core.domain import Purpose, SessionKind
from mt_studio.core.library.sessions import SessionInput
from mt_studio.core.studio import Studio
from mt_studio.ui.common.error_reporter import ErrorReporter
from mt_studio.ui.main_window import MainWindow
from mt_studio.ui.takes.takes_view import TakesView


def main() -> None:
    folder, seconds, inputs = Path(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
    app = QApplication(sys.argv[:1])
    studio = Studio.open(folder)
    player = studio.consent.add_participant("Bench")
    studio.consent.grant(player.id, [Purpose.RECORD])
    session = studio.sessions.create("Benchmark", SessionKind.BAND, on=date.today(),
                                     present=[player.id],
                                     inputs=[SessionInput(n, f"Input {n}")
                                             for n in range(1, inputs + 1)])
    demo_session = studio.sessions.create_demo()
    window = MainWindow(studio, ErrorReporter())
    window.show()
    window.open_session(session.id)
    view = window.session_view
    view.setCurrentWidget(view.record)
    lanes = TakesView(studio)
    lanes.show_session(demo_session)
    lanes.resize(1000, 600)
    lanes.show()
    paints = {"meters": 0}
    original = view.record.meters.paintEvent

    def counted(event) -> None:
        paints["meters"] += 1
        original(event)

    view.record.meters.paintEvent = counted
    result: dict = {}
    started: list[float] = []

    def wait_for_device() -> None:
        found = view.inputs.device.findData("system")
        if found < 0:
            QTimer.singleShot(100, wait_for_device)
            return
        view.inputs.device.setCurrentIndex(found)
        if not view.record.record_button.isEnabled():
            sys.exit(f"Record is disabled: {view.record.reason.text()}")
        view.record.record_button.click()
        started.append(time.monotonic())
        QTimer.singleShot(100, stop_when_long_enough)

    def stop_when_long_enough() -> None:
        recording = view.record.recording
        if recording.capture.frames < seconds * recording.capture.settings.samplerate:
            QTimer.singleShot(20, stop_when_long_enough)
            return
        taken = view.record.stop_recording()
        take = studio.listening.take(taken.take_id)
        result.update(frames=take.frames, dropouts=[
            {"frame": d.frame, "length": d.length, "cause": d.cause} for d in take.dropouts],
            armed=len(taken.files),
            meter_frames_per_second=paints["meters"] / (time.monotonic() - started[0]))
        app.quit()

    QTimer.singleShot(0, wait_for_device)
    app.exec()
    print(json.dumps(result))


if __name__ == "__main__":
    main()

"""Take the screenshots of the Service view: its figures, each chart, the "may have stopped"
list and a participant's page, on a real X server at a 1366x768 laptop's size.

    xvfb-run -a -s "-screen 0 1366x768x24" \
        .venv/bin/python docs/screenshots/take_service.py [FOLDER]
    SHOTS_LANGUAGE=nb xvfb-run -a -s "-screen 0 1366x768x24" \
        .venv/bin/python docs/screenshots/take_service.py

Builds, in a temporary folder, the tests' small service history (tests/service_view_story.py: a
band from September to November 2026, two people who may have stopped) with a choir and a few
endings added, then saves service-*.png in FOLDER (default: next to this script, nb/ for
Norwegian). Look at every one before committing it.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent.parent), str(HERE.parent.parent / "tests")]  # this checkout's

from service_view_story import NOW, build_service  # noqa: E402

from mt_studio import i18n  # noqa: E402
from mt_studio.core.domain.groups import GroupKind  # noqa: E402
from mt_studio.core.studio import Studio  # noqa: E402


def add_choir_and_endings(studio: Studio, story) -> None:
    """A choir of six meeting on Thursdays since June, two of whom ended, and two endings in
    the band's story: more to draw than the tests need."""
    singers = [studio.consent.add_participant(name).id
               for name in ("Lerke", "Måken", "Nordlys", "Tindra", "Bølgen", "Stjerna")]
    choir = studio.groups.add("Torsdagskoret", GroupKind.CHOIR, singers, on=date(2026, 6, 1)).id
    day = date(2026, 6, 4)
    number = 0
    while day <= date(2026, 11, 26):
        present = [p for n, p in enumerate(singers) if (n + number) % 4 != 0]
        session = studio.sessions.create("Torsdagskoret", None, on=day, group_id=choir)
        studio.groups.attend(session.id, present)
        day += timedelta(weeks=1)
        number += 1
    studio.courses.end(singers[0], "community", detail="choir", on=date(2026, 10, 1), now=NOW)
    studio.courses.end(singers[1], "work_or_education", on=date(2026, 11, 5), now=NOW)
    studio.courses.end(story.havoern, "completed", on=date(2026, 11, 20), now=NOW)


def main() -> None:
    language = os.environ.get("SHOTS_LANGUAGE", "en")
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else (
        HERE if language == "en" else HERE / language)
    scratch = Path(tempfile.mkdtemp(prefix="mt-service-shots-"))
    for key, name in (("MT_STUDIO_LIBRARY", "library"), ("MT_STUDIO_LOG_DIR", "logs"),
                      ("MT_STUDIO_CONFIG_DIR", "config"), ("MT_STUDIO_PRESETS", "presets"),
                      ("MT_STUDIO_STATE_DIR", "state")):
        os.environ[key] = str(scratch / name)
    i18n.use_language(language)
    from PyQt6.QtWidgets import QApplication

    from mt_studio.ui.bridge import StudioBridge
    from mt_studio.ui.common.error_reporter import ErrorReporter
    from mt_studio.ui.service.service_view import ServiceView

    app = QApplication(sys.argv[:1])
    studio = Studio.open(scratch / "library")
    story = build_service(studio)
    add_choir_and_endings(studio, story)
    bridge = StudioBridge(studio)
    view = ServiceView(studio, bridge, ErrorReporter(), clock=lambda: NOW)
    view.show()
    folder.mkdir(parents=True, exist_ok=True)

    def settle() -> None:
        end = time.monotonic() + 10
        while (view.making or time.monotonic() < end - 9.7) and time.monotonic() < end:
            app.processEvents()
            time.sleep(0.02)

    def save(widget, name: str) -> None:
        settle()
        path = folder / f"{name}.png"
        widget.grab().save(str(path))
        print(f"saved {path}")

    from mt_studio.ui.service.periods import Choice

    view.choose(Choice.SINCE_START)
    save(view, "service-figures")
    view.tabs.setCurrentIndex(1)
    charts = view.tabs.widget(1)
    for number, name in enumerate(("participants", "attendance", "endings")):
        charts.setCurrentIndex(number)
        save(view, f"service-chart-{name}")
    view.tabs.setCurrentIndex(2)
    view.stopped.list.choose(story.kometen)
    save(view, "service-stopped")
    page = view.stopped.open_page(story.kometen)
    save(page, "service-participant-page")
    page.tabs.setCurrentIndex(3)
    save(page, "service-participant-consent")
    page.close()
    view.stopped.list.choose(story.solstraale)
    ending = view.stopped.ask_ending(story.solstraale, "Solstråle")
    ending.choose("community", "choir", note="Sings in Bydelskoret")
    save(ending, "service-ending")
    ending.close()
    studio.close()


if __name__ == "__main__":
    main()

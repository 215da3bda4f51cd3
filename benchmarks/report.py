"""What the service report costs on ten years of a service.

    .venv/bin/python benchmarks/report.py [--years 10] [--runs 7]

Builds, in one transaction through the library's modules (the studio's one transaction a
change would take minutes), YEARS of a service: five groups (three bands, two choirs) meeting
weekly, 500 participants each with a spell in a group, in individual therapy or both, check-in
answers for whoever did not come, endings with reasons for most, "still with us" for some.
Times, each the median of RUNS (and the spread): the report for the whole period as the
command line and the window ask for it (`studio.reports.service`: the history read, the
figures, the audit row), its parts (the history read in its few queries; the figures alone),
and the "may have stopped" list (`studio.courses.may_have_stopped`); and the window's Service
view opening on "since the start" (the whole period), from being asked for to its figures,
charts and list shown (its first opening loads Qt Charts: timed apart). Issue 18: the report
and the view each under one second. For scale, measured in the same run: the sqlite3 shell
counting the unique participants in individual and in group therapy over the period in one
query, and a bare Qt window with tabs shown. Run the view under a display (`xvfb-run -a`), or
it is drawn offscreen.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from mt_studio.core.domain import SessionKind
from mt_studio.core.domain.groups import Answer, CourseMark, GroupKind
from mt_studio.core.domain.service_report import Period
from mt_studio.core.library import (
    Library,
    answers,
    courses,
    groups,
    participants,
    service_history,
    sessions,
)
from mt_studio.core.service_figures import service_report
from mt_studio.core.studio import Studio

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.ledger import timed  # noqa: E402 - run as a script from anywhere

START = date(2016, 1, 4)  # a Monday
PEOPLE = 500
GROUPS = (("Mandagsbandet", GroupKind.BAND), ("Tirsdagskoret", GroupKind.CHOIR),
          ("Onsdagsbandet", GroupKind.BAND), ("Torsdagskoret", GroupKind.CHOIR),
          ("Fredagsbandet", GroupKind.BAND))
REASONS = (("completed", None), ("community", "band"), ("community", "choir"),
           ("community", "music_school"), ("work_or_education", None), ("moved_away", None),
           ("specialist_care", None), ("lost_contact", None), ("not_said", None))
UNIQUE_PER_KIND = """
SELECT CASE s.kind WHEN 'individual' THEN 'individual' ELSE 'group' END AS therapy,
       count(DISTINCT a.participant_id)
FROM attendance a JOIN sessions s ON s.id = a.session_id
WHERE s.date BETWEEN '{start}' AND '{end}' GROUP BY therapy;
"""


def view_timings(folder: Path, now: datetime, runs: int) -> dict[str, tuple[float, ...]]:
    """The Service view opened on the whole history: the first time (Qt Charts loading with
    it), then RUNS times more; a bare window with tabs for scale."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "xcb" if "DISPLAY" in os.environ else "offscreen")
    from PyQt6.QtCore import QEventLoop
    from PyQt6.QtWidgets import QApplication, QLabel, QTabWidget

    app = QApplication.instance() or QApplication([])

    class Reporter:
        def report_exception(self, kind, error, trace):
            raise error

    def opened() -> None:
        from mt_studio.ui.service.periods import Choice
        from mt_studio.ui.service.service_view import ServiceView

        view = ServiceView(studio, None, Reporter(), clock=lambda: now,
                           choice=Choice.SINCE_START)
        view.show()
        while view.making:  # waiting for the worker's answer, not spinning beside it
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        app.processEvents()  # painted
        assert view.figures is not None and view.figures.report.participants > 0
        view.close()
        view.deleteLater()

    def bare() -> None:
        tabs = QTabWidget()
        for n in range(3):
            tabs.addTab(QLabel(f"Tab {n}"), f"Tab {n}")
        tabs.show()
        app.processEvents()
        tabs.close()
        tabs.deleteLater()

    with Studio.open(folder) as studio:
        first = timed(1, opened)
        again = timed(runs, opened)
    return {"first": first, "again": again, "bare": timed(runs, bare)}


def build(library: Library, weeks: int) -> dict[str, int]:
    """The service's WEEKS of history (seeded, the same every run); what was written."""
    rng = random.Random(18)
    at = datetime(2026, 1, 1, tzinfo=UTC)
    with library.transaction() as db:
        people = [participants.add(db, f"Deltaker {n:03}") for n in range(1, PEOPLE + 1)]
        bands = [groups.add(db, name, kind) for name, kind in GROUPS]
        spells = []  # (person, group index or None, first week, last week, individual)
        for n, person in enumerate(people):
            first = rng.randrange(0, weeks - 4)
            last = min(weeks - 1, first + rng.randrange(8, 90))
            role = rng.random()
            spells.append((person, None if role < 0.4 else n % len(bands), first, last,
                           role < 0.6 or role >= 0.85))
        members: dict[int, list] = {i: [] for i in range(len(bands))}
        for person, group, first, last, _ in spells:
            if group is not None:
                joined = START + timedelta(weeks=first)
                groups.join(db, bands[group], person, joined)
                members[group].append((person, first, last))
                if last < weeks - 1:
                    left = START + timedelta(weeks=last + 1)
                    groups.leave(db, groups.get(db, bands[group].id), person, left)
        held = 0
        for week in range(weeks):
            for i, band in enumerate(bands):
                on = START + timedelta(weeks=week, days=i)
                expected = [p for p, first, last in members[i] if first <= week <= last]
                came = [p for p in expected if rng.random() < 0.8]
                session = sessions.create(db, "Øving", SessionKind(band.kind.value), on=on,
                                          participants=came, group_id=band.id)
                answers.replace(db, session.id, {
                    p.id: Answer.SENT_WORD if rng.random() < 0.5 else Answer.ABSENT
                    for p in expected if p not in came})
                held += 1
        individual = 0
        for person, _, first, last, alone in spells:
            if alone:
                for week in range(first, last + 1, 2):
                    sessions.create(db, "Individuell time", SessionKind.INDIVIDUAL,
                                    on=START + timedelta(weeks=week, days=rng.randrange(5)),
                                    participants=[person])
                    individual += 1
        ended = stills = 0
        for person, _, _first, last, _ in spells:
            end = START + timedelta(weeks=last, days=6)
            if last < weeks - 1 and rng.random() < 0.85:
                reason, detail = rng.choice(REASONS)
                courses.add(db, person.id, CourseMark.ENDED, end, at=at, account_id=None,
                            reason=reason, detail=detail)
                ended += 1
            elif rng.random() < 0.3:
                courses.add(db, person.id, CourseMark.STILL_WITH_US, end, at=at,
                            account_id=None)
                stills += 1
    return {"group sessions": held, "individual sessions": individual, "endings": ended,
            "still with us": stills}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    weeks = args.years * 52
    folder = Path(tempfile.mkdtemp()) / "library"
    started = time.perf_counter()
    with Library.open(folder) as library:
        written = build(library, weeks)
    built = time.perf_counter() - started
    period = Period(START, START + timedelta(weeks=weeks) - timedelta(days=1))
    now = datetime.combine(period.end, datetime.min.time()).astimezone()
    with Studio.open(folder) as studio:
        report = timed(args.runs, lambda: studio.reports.service(period, now=now))
        stopped = timed(args.runs, lambda: studio.courses.may_have_stopped(now=now))
        figures = studio.reports.service(period, now=now)
        flagged = len(studio.courses.may_have_stopped(now=now))
    with Library.open(folder) as library:
        db = library.connection
        read = timed(args.runs, lambda: service_history.read(db))
        history = service_history.read(db)
    pure = timed(args.runs, lambda: service_report(history, period, today=period.end,
                                                   made_at=now))
    window = view_timings(folder, now, args.runs)
    query = UNIQUE_PER_KIND.format(start=period.start, end=period.end)
    shell = timed(args.runs, lambda: subprocess.run(
        ["sqlite3", str(folder / "library.sqlite3"), query], check=True, capture_output=True))
    counted = subprocess.run(["sqlite3", str(folder / "library.sqlite3"), query], check=True,
                             capture_output=True, text=True).stdout.split()
    print(f"{args.years} years, {PEOPLE} participants, "
          + ", ".join(f"{count} {what}" for what, count in written.items())
          + f"; built in {built:.1f} s")
    print(f"report: {figures.individual_participants} in individual therapy, "
          f"{figures.group_participants} in groups, {figures.both} in both; {flagged} may have "
          f"stopped (sqlite3: {', '.join(counted)})")
    rows = [("studio.reports.service (whole period)", *report),
            ("  of which: the history read", *read),
            ("  of which: the figures (pure)", *pure),
            ("studio.courses.may_have_stopped", *stopped),
            ("reference: sqlite3 shell, unique per kind", *shell),
            ("Service view opened, first time (Qt Charts)", *window["first"]),
            ("Service view opened again", *window["again"]),
            ("reference: a bare Qt window with tabs shown", *window["bare"])]
    print(f"{args.runs} runs, ms")
    print(f"{'':44} {'median':>8} {'min':>8} {'max':>8}")
    for name, median, least, most in rows:
        print(f"{name:44} {median:8.1f} {least:8.1f} {most:8.1f}")


if __name__ == "__main__":
    main()

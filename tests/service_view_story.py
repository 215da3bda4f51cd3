"""A small service history with known figures, built through the studio, for the Service
view's tests and screenshots. "Today" is Monday 30 Nov 2026 (NOW).

Onsdagsbandet (a band) meets on the Wednesdays from 2 Sep to 25 Nov 2026 (13 sessions) with
Blåbær, Kometen and Fiolinisten, members since 1 Sep. Kometen came to the first nine and
missed the last four (sent word on 18 Nov): they may have stopped. Fiolinisten missed 16 Sep.
Solstråle had individual sessions on 10 and 24 Aug and none since: they may have stopped too.
Havørn had individual sessions on 2 and 16 Nov; Blåbær one on 5 Oct. Nobody has an ending.

From 1 Sep to 30 Nov: 2 in individual therapy (Havørn, Blåbær), 3 in group therapy, 1 in
both, 4 in all; 13 band sessions and 3 individual ones. Since the start (10 Aug): 3 in
individual therapy, 5 in all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from mt_studio.core.domain import Purpose, SessionKind
from mt_studio.core.domain.groups import GroupKind
from mt_studio.core.studio import Studio

NOW = datetime(2026, 11, 30, 12, 0).astimezone()
BAND_DAYS = [date(2026, 9, 2) + timedelta(weeks=n) for n in range(13)]


@dataclass(frozen=True)
class Service:
    """The people's ids and the band's."""

    blaabaer: int
    kometen: int
    fiolinisten: int
    solstraale: int
    havoern: int
    band: int


def build_service(studio: Studio) -> Service:
    """Build the story's history in STUDIO."""
    add = studio.consent.add_participant
    people = [add(name).id for name in ("Blåbær", "Kometen", "Fiolinisten", "Solstråle",
                                        "Havørn")]
    blaabaer, kometen, fiolinisten, solstraale, havoern = people
    studio.consent.grant(kometen, [Purpose.RECORD, Purpose.COMMUNITY])
    studio.consent.withdraw(kometen, [Purpose.COMMUNITY])
    band = studio.groups.add("Onsdagsbandet", GroupKind.BAND,
                             [blaabaer, kometen, fiolinisten], on=date(2026, 9, 1)).id
    for number, day in enumerate(BAND_DAYS):
        session = studio.sessions.create("Onsdagsbandet", None, on=day, group_id=band)
        present = [blaabaer, fiolinisten]
        sent_word = []
        if number < 9:
            present.append(kometen)
        elif day == date(2026, 11, 18):
            sent_word.append(kometen)
        if day == date(2026, 9, 16):
            present.remove(fiolinisten)
        studio.groups.attend(session.id, present, sent_word)
    for who, day in ((solstraale, date(2026, 8, 10)), (solstraale, date(2026, 8, 24)),
                     (blaabaer, date(2026, 10, 5)), (havoern, date(2026, 11, 2)),
                     (havoern, date(2026, 11, 16))):
        studio.sessions.create("Individual", SessionKind.INDIVIDUAL, on=day, present=[who])
    studio.songs.create("Vinterlys", [kometen])
    return Service(blaabaer, kometen, fiolinisten, solstraale, havoern, band)

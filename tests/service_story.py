"""A service's history with known answers, built through the studio, for the service report.

The period is the year 2025 and the story is told on its last day (TODAY, 2025-12-31), with
some history before it (late 2024) that the period must not count.

People (pseudonyms drawn from a seeded generator; roles below):
- the band "Onsdagsbandet" meets every Wednesday: three times in December 2024 (B01-B06 its
  members then, all came) and fourteen times from 2025-10-01 to 2025-12-31. B07-B12 join on
  2025-10-01; B12 leaves on 2025-11-01. B03 misses the last three sessions (flagged). B10's
  course ends on 2025-12-05 (community music, band) while still a member: from then on the band
  does not expect B10. B05 sent word on 11-12, B09 on 12-03, B08 did not come on 10-08.
  Expected 5x12 + 5x11 + 4x10 = 155, present 149.
- the choir "Kveldskoret" meets every Monday from 2025-11-03 to 12-29 (nine times); its nine
  members join on 2025-11-01, B01 and B02 among them. C05 misses the last three but was
  written "still with us" on 12-16 (not flagged); C07 sent word on 11-10. Expected 81,
  present 77.
- 33 people only ever in individual therapy (I01-I33) and five in both (B01, B04, B07, C06,
  C08): 38 in individual therapy in 2025, 19 in groups, 5 in both, 52 in all. Their first
  session was before 2025 for B01-B06, I06, I07, I16 and I17: 42 new starters.
  I01 has had no individual session since 11-12 (flagged); I02's last was 09-17 but they were
  written still with us on 12-01; I03's course ended (lost contact); I04 came once;
  I05's course ended (moved away) and began again; I06-I15 ended in June, for the reasons in
  ENDERS. O1 and O2 came only in 2024 (O1's course ended then, O2 came once).
- songs: three written in 2025, one in 2024. Takes: two in the band's 2025-10-01 session
  (0.5 s and 1 s), one in 2024. Exports for community: "Kulturhuset" twice and "Bydelskoret
  Sagene" once in 2025, "Kulturhuset" once in 2024; one export for the group (not counted).

Takes are written through the library (the studio records only from a running capture
engine), with their sound files; everything else goes through the studio. Songs and exports
are dated by the library's clock, which the story sets to each day while it makes them.
"""

from __future__ import annotations

import random
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from unittest import mock

import numpy as np
import soundfile as sf

from mt_studio.core.domain import Purpose, SessionKind, TakeStatus, TrackKind
from mt_studio.core.domain.groups import GroupKind
from mt_studio.core.domain.service_report import Period
from mt_studio.core.export.request import ExportRequest
from mt_studio.core.library import Library, takes
from mt_studio.core.studio import Studio

PERIOD = Period(date(2025, 1, 1), date(2025, 12, 31))
TODAY = PERIOD.end
NOW = datetime(2025, 12, 31, 18, 0).astimezone()
RATE = 48000
SEED = 18

BAND, CHOIR = "Onsdagsbandet", "Kveldskoret"
BAND_2024 = [date(2024, 12, 4), date(2024, 12, 11), date(2024, 12, 18)]
BAND_DAYS = [date(2025, 10, 1) + timedelta(weeks=n) for n in range(14)]  # Wednesdays
CHOIR_DAYS = [date(2025, 11, 3) + timedelta(weeks=n) for n in range(9)]  # Mondays
BAND_AWAY = {  # day: (sent word, did not come)
    date(2025, 10, 8): ((), ("B08",)),
    date(2025, 11, 12): (("B05",), ()),
    date(2025, 12, 3): (("B09",), ()),
    date(2025, 12, 17): ((), ("B03",)),
    date(2025, 12, 24): ((), ("B03",)),
    date(2025, 12, 31): ((), ("B03",)),
}
CHOIR_AWAY = {
    date(2025, 11, 10): (("C07",), ()),
    date(2025, 12, 15): ((), ("C05",)),
    date(2025, 12, 22): ((), ("C05",)),
    date(2025, 12, 29): ((), ("C05",)),
}
CHOIR_MEMBERS = ["B01", "B02", "C03", "C04", "C05", "C06", "C07", "C08", "C09"]
ENDERS = [  # I06-I15: (reason, detail); sessions 2025-01-(6+j) and 02-(3+j), ended 06-(2+j)
    ("completed", None), ("completed", None), ("completed", None), ("completed", None),
    ("community", "music_school"), ("community", "choir"), ("community", "band"),
    ("lost_contact", None), ("work_or_education", None), ("moved_away", None),
]
LOST_CONTACT_NOTE = "Telefonen er stengt"

# The known answers for PERIOD, as of TODAY.
INDIVIDUAL, GROUPED, BOTH, EVERYONE, NEW_STARTERS = 38, 19, 5, 52, 42
SESSIONS_BY_KIND = {"band": 14, "choir": 9, "individual": 93}
GROUP_FIGURES = {  # name: (sessions, present, expected, members at the end)
    BAND: (14, 149, 155, 10),
    CHOIR: (9, 77, 81, 9),
}
ENDINGS_BY_REASON = {"community": 4, "completed": 4, "lost_contact": 2, "moved_away": 1,
                     "work_or_education": 1}
COMMUNITY_ENDINGS = {"band": 2, "choir": 1, "music_school": 1}
COMMUNITY_EXPORTS = {"Bydelskoret Sagene": 1, "Kulturhuset": 2}
QUARTERS = [(2025, 1, 14, 0), (2025, 2, 2, 0), (2025, 3, 21, 0), (2025, 4, 22, 19)]
SONGS_WRITTEN, TAKES_RECORDED, SECONDS_RECORDED = 3, 2, 1.5
FLAGGED = {"B03": ("missed_group", BAND, date(2025, 12, 10)),
           "I01": ("no_individual", None, date(2025, 11, 12))}
NOT_FLAGGED = {"C05": "still with us", "I02": "still with us", "I03": "course ended",
               "I04": "came once", "B04": "in a group, no individual session since March",
               "B12": "left the band, never individual", "O1": "course ended in 2024"}


@dataclass(frozen=True)
class Story:
    """Who is who (role to participant id and pseudonym) and the groups' ids."""

    ids: dict[str, int]
    pseudonyms: dict[str, str]
    band_id: int
    choir_id: int
    band_sessions: dict[date, int]

    def forbidden(self) -> list[str]:
        """Every text that must never appear in a report: the pseudonyms and the notes."""
        return [*self.pseudonyms.values(), LOST_CONTACT_NOTE]


def _roles() -> list[str]:
    return ([f"B{n:02}" for n in range(1, 13)] + [f"C{n:02}" for n in range(3, 10)]
            + [f"I{n:02}" for n in range(1, 34)] + ["O1", "O2"])


def _pseudonyms(count: int) -> list[str]:
    """COUNT distinct made-up pseudonyms, the same every run."""
    first = ["Blå", "Grønn", "Stille", "Sterk", "Vill", "Lyse", "Mørke", "Rappe", "Varme",
             "Kalde", "Gyllen", "Sølv"]
    second = ["måke", "bjørk", "elv", "fjell", "rev", "ugle", "stein", "bølge", "vind",
              "lerke", "hare", "furu"]
    pool = [a + b for a in first for b in second]
    return random.Random(SEED).sample(pool, count)


@contextmanager
def _library_clock(day: date):
    """The library's clock at noon (UTC) on DAY while songs and exports are written."""
    moment = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    with mock.patch("mt_studio.core.library.songs.utc_now", lambda: moment), \
            mock.patch("mt_studio.core.library.exports.utc_now", lambda: moment):
        yield


def build(studio: Studio, library: Library, tmp_path) -> Story:
    """Tell the story into LIBRARY through STUDIO (exports are written under TMP_PATH)."""
    roles = _roles()
    people = {}
    for role, pseudonym in zip(roles, _pseudonyms(len(roles)), strict=True):
        people[role] = studio.consent.add_participant(pseudonym)
    ids = {role: p.id for role, p in people.items()}
    choir_ids = [ids[r] for r in CHOIR_MEMBERS]
    band = studio.groups.add(BAND, GroupKind.BAND, [ids[f"B{n:02}"] for n in range(1, 7)],
                             on=date(2024, 11, 1))
    choir = studio.groups.add(CHOIR, GroupKind.CHOIR)  # its members join in the story
    actions: list[tuple[date, int, object]] = []  # (day, order on the day, what happens)

    def on(day: date, action, order: int = 1) -> None:
        actions.append((day, order, action))

    for n in range(7, 13):
        on(date(2025, 10, 1), lambda p=ids[f"B{n:02}"]: studio.groups.join(
            band.id, p, on=date(2025, 10, 1)), order=0)
    on(date(2025, 11, 1), lambda: studio.groups.leave(band.id, ids["B12"],
                                                      on=date(2025, 11, 1)), order=0)
    for participant_id in choir_ids:
        on(date(2025, 11, 1), lambda p=participant_id: studio.groups.join(
            choir.id, p, on=date(2025, 11, 1)), order=0)
    band_sessions: dict[date, int] = {}
    for day in BAND_2024 + BAND_DAYS:
        on(day, lambda d=day: band_sessions.__setitem__(
            d, _group_session(studio, band.id, d, BAND_AWAY.get(d), ids)))
    for day in CHOIR_DAYS:
        on(day, lambda d=day: _group_session(studio, choir.id, d, CHOIR_AWAY.get(d), ids))
    for role, days in _individual_days().items():
        for day in days:
            on(day, lambda d=day, p=ids[role]: studio.sessions.create(
                "Individuell time", SessionKind.INDIVIDUAL, on=d, present=[p]))
    for day, order, role, mark, reason, detail in _course_marks():
        on(day, lambda d=day, r=role, m=mark, why=reason, what=detail: _mark(
            studio, ids[r], m, d, why, what), order=order)
    for *_when, action in sorted(actions, key=lambda a: (a[0], a[1])):
        action()
    _music(studio, library, ids, band_sessions, tmp_path)
    return Story(ids, {role: p.pseudonym for role, p in people.items()}, band.id, choir.id,
                 band_sessions)


def _group_session(studio: Studio, group_id: int, day: date, away, ids) -> int:
    """A session of the group on DAY: its members came (the default) but those AWAY."""
    session = studio.sessions.create("Øving", None, on=day, group_id=group_id)
    if away:
        sent_word, absent = ([ids[r] for r in roles] for roles in away)
        present = [p.id for p in session.participants if p.id not in {*sent_word, *absent}]
        studio.groups.attend(session.id, present, sent_word=sent_word, absent=absent)
    return session.id


def _individual_days() -> dict[str, list[date]]:
    days = {
        "I01": [date(2025, 10, 1), date(2025, 10, 15), date(2025, 11, 12)],
        "I02": [date(2025, 9, 3), date(2025, 9, 17)],
        "I03": [date(2025, 8, 6), date(2025, 9, 10)],
        "I04": [date(2025, 3, 5)],
        "I05": [date(2025, 2, 5), date(2025, 3, 5), date(2025, 5, 7), date(2025, 12, 3)],
        "B01": [date(2025, 1, 15), date(2025, 2, 15)],
        "B04": [date(2025, 3, 10)],
        "B07": [date(2025, 6, 11)],
        "C06": [date(2025, 9, 1), date(2025, 10, 6)],
        "C08": [date(2025, 12, 2)],
        "O1": [date(2024, 9, 4), date(2024, 10, 2)],
        "O2": [date(2024, 6, 5)],
    }
    for j in range(10):  # I06-I15, who end in June
        days[f"I{6 + j:02}"] = [date(2025, 1, 6 + j), date(2025, 2, 3 + j)]
    days["I06"].insert(0, date(2024, 10, 1))
    days["I07"].insert(0, date(2024, 10, 2))
    for k in range(18):  # I16-I33, who go on
        days[f"I{16 + k:02}"] = [date(2025, 9, 1 + k), date(2025, 10, 1 + k),
                                 date(2025, 12, 1 + k)]
    days["I16"].insert(0, date(2024, 11, 5))
    days["I17"].insert(0, date(2024, 11, 6))
    return days


def _course_marks() -> list[tuple]:
    """(day, order on the day, role, mark, reason, detail): written after that day's sessions."""
    marks = [
        (date(2024, 12, 20), 2, "O1", "end", "completed", None),
        (date(2025, 4, 2), 2, "I05", "end", "moved_away", None),
        (date(2025, 5, 7), 0, "I05", "resume", None, None),
        (date(2025, 10, 22), 2, "I03", "end", "lost_contact", None),
        (date(2025, 12, 1), 2, "I02", "still", None, None),
        (date(2025, 12, 5), 2, "B10", "end", "community", "band"),
        (date(2025, 12, 16), 2, "C05", "still", None, None),
    ]
    marks += [(date(2025, 6, 2 + j), 2, f"I{6 + j:02}", "end", reason, detail)
              for j, (reason, detail) in enumerate(ENDERS)]
    return marks


def _mark(studio: Studio, participant_id: int, mark: str, day: date, reason, detail) -> None:
    if mark == "end":
        note = LOST_CONTACT_NOTE if reason == "lost_contact" else ""
        studio.courses.end(participant_id, reason, on=day, detail=detail, note=note, now=NOW)
    elif mark == "resume":
        studio.courses.resume(participant_id, on=day, now=NOW)
    else:
        studio.courses.still_with_us(participant_id, on=day, now=NOW)


def _music(studio: Studio, library: Library, ids, band_sessions, tmp_path) -> None:
    """The songs, takes and exports of the story."""
    for day, title in ((date(2024, 12, 1), "Vintersang"), (date(2025, 3, 1), "Morgenlys"),
                       (date(2025, 6, 1), "Sommerbro"), (date(2025, 11, 15), "Høstvals")):
        with _library_clock(day):
            studio.songs.create(title, [ids["B01"]])
    studio.consent.grant(ids["B01"], [Purpose.RECORD, Purpose.GROUP, Purpose.COMMUNITY],
                         witness="T. Terapeut", form_version="2025-1")
    old = _take(library, band_sessions[BAND_2024[0]], ids["B01"], 0.25)
    take = _take(library, band_sessions[BAND_DAYS[0]], ids["B01"], 0.5)
    _take(library, band_sessions[BAND_DAYS[0]], ids["B01"], 1.0)
    for number, (day, take_id, purpose, recipient) in enumerate((
            (date(2024, 12, 5), old, Purpose.COMMUNITY, "Kulturhuset"),
            (date(2025, 10, 2), take, Purpose.COMMUNITY, "Kulturhuset"),
            (date(2025, 11, 2), take, Purpose.COMMUNITY, "Kulturhuset"),
            (date(2025, 12, 2), take, Purpose.COMMUNITY, "Bydelskoret Sagene"),
            (date(2025, 12, 3), take, Purpose.GROUP, "Onsdagsbandet"))):
        with _library_clock(day):
            studio.sharing.export(ExportRequest(take_id, purpose, tmp_path / f"export-{number}",
                                                recipient=recipient))


def _take(library: Library, session_id: int, participant_id: int, seconds: float) -> int:
    """A finished take of one audio track on which PARTICIPANT_ID is heard."""
    frames = int(seconds * RATE)
    with library.transaction() as db:
        take_id = takes.start(db, session_id, RATE, sample_format="pcm24")
        track = takes.add_track(db, take_id, TrackKind.AUDIO, input=1, isolated=True,
                                instrument="Bass", participant_ids=[participant_id])
        takes.add_part(db, track.id, 1, 0, frames, track.file)
        takes.finish(db, take_id, frames, status=TakeStatus.COMPLETE)
    (library.folder / takes.take_folder(take_id)).mkdir(parents=True)
    tone = 0.2 * np.sin(2 * np.pi * 220 * np.arange(frames) / RATE)
    sf.write(library.folder / track.file, tone.astype(np.float32), RATE, subtype="PCM_24")
    return take_id

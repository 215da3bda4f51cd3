"""Ten years of a municipal music therapy service, written into a library through its modules
(`benchmarks/library.py` measures the studio on it, on SQLite and on PostgreSQL).

The service, week by week (seeded: the same library every time; 48 weeks a year, 4 off):
6 therapists with accounts (and an admin, so the library is encrypted and its chains keyed as a
service's is), 5 bands and 3 choirs meeting weekly with 4-12 members each, about 34 people in
weekly individual therapy at a time, some of whom join a group. A newcomer gives consent at
intake (record and keep almost always, group, supervision, community and public less often,
community and public for a year at a time, renewed while they come), and now and then someone
withdraws a purpose. Who came and who sent word; takes with a track per armed input (a band's
room mics hear everyone present, the bass, the keys and the MIDI keyboard only their player),
each take's key, played back twice on average; songs written in the bands and takes linked to
them; about two exports a week to the group, a community venue or the public, logged only when
everyone heard holds that consent; endings with reasons. No take is ever deleted (a real
service's retention would have removed some: this is the larger library).
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from mt_studio.core.domain import Credit, Participant, Purpose, SessionKind, TrackKind
from mt_studio.core.domain.groups import Answer, CourseMark, Group, GroupKind
from mt_studio.core.domain.records import ExportedFile
from mt_studio.core.domain.sessions import SessionInput
from mt_studio.core.library import (
    Library,
    answers,
    audit,
    consent_ledger,
    courses,
    exports,
    groups,
    participants,
    sessions,
    songs,
    take_keys,
    takes,
)
from mt_studio.core.sealing.keys import new_key, wrap_take_key

LAST_WEEK = date(2026, 11, 30)  # a Monday: the service's history ends the week before this
HOLIDAYS = frozenset({27, 28, 29, 51})  # weeks of the year without sessions (summer, Christmas)
THERAPISTS = ("Ingrid", "Lars", "Marte", "Ola", "Sigrid", "Tor")
ADMIN = "Tjenesteleder"
PASSPHRASE = "en sang for hver morgen"
GROUPS = (("Mandagsbandet", GroupKind.BAND), ("Tirsdagskoret", GroupKind.CHOIR),
          ("Onsdagsbandet", GroupKind.BAND), ("Torsdagsbandet", GroupKind.BAND),
          ("Fredagskoret", GroupKind.CHOIR), ("Ungdomsbandet", GroupKind.BAND),
          ("Kvinnekoret", GroupKind.CHOIR), ("Rusbandet", GroupKind.BAND))
CASELOAD = 34  # people in weekly individual therapy at a time
REASONS = (("completed", None), ("community", "band"), ("community", "choir"),
           ("work_or_education", None), ("moved_away", None), ("specialist_care", None),
           ("lost_contact", None), ("not_said", None))
FIRST_NAMES = ("Kari", "Ole", "Anne", "Per", "Liv", "Jon", "Eva", "Nils", "Siri", "Arne")
LAST_NAMES = ("Hansen", "Johansen", "Olsen", "Larsen", "Berg", "Haugen", "Dahl", "Lie")
BAND_INPUTS = (("Vokal 1", False), ("Vokal 2", False), ("Vokal 3", False), ("Bass DI", True),
               ("Keys L", True), ("Keys R", True), ("Rom venstre", False), ("Rom høyre", False))
CHOIR_INPUTS = (("Sopran", False), ("Alt", False), ("Tenor/bass", False), ("Rom", False))
ALONE_INPUTS = (("Vokal", False), ("Gitar DI", True))
LYRICS = "Vi står her sammen\nmed alt vi har\nog synger det ut\nen dag om gangen\n"


def weeks_of(years: int) -> list[date]:
    """The Mondays of YEARS years ending the week before LAST_WEEK."""
    first = LAST_WEEK - timedelta(weeks=years * 52)
    return [first + timedelta(weeks=n) for n in range(years * 52)]


@dataclass
class Person:
    """What the build keeps in mind about a participant (the library holds the rest)."""

    participant: Participant
    consent: dict[Purpose, date | None] = field(default_factory=dict)  # purpose -> last day
    group: int | None = None  # index into the service's groups
    group_until: int = 0  # the week their group spell ends
    alone_until: int = -1  # the week their individual therapy ends (-1: not in it)
    therapist: int = 0

    def holds(self, purpose: Purpose, day: date) -> bool:
        """Whether they hold consent to PURPOSE on DAY."""
        if purpose not in self.consent:
            return False
        until = self.consent[purpose]
        return until is None or day <= until


@dataclass
class Service:
    """The service's state while its weeks are written: the library's connection (inside one
    transaction), the accounts, the groups and who is where."""

    db: object
    rng: random.Random
    library_key: bytes
    accounts: dict[str, int]
    groups: list[Group] = field(default_factory=list)
    sizes: list[int] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    songs: dict[int, list[int]] = field(default_factory=dict)  # group index -> song ids
    recent_takes: list[int] = field(default_factory=list)  # the last 60, to export from

    def acting(self, therapist: int):
        """Audit what is written meanwhile as done by THERAPIST (an index)."""
        return audit.acting(self.accounts[THERAPISTS[therapist]])


def build(library: Library, library_key: bytes, accounts: dict[str, int], years: int,
          weeks_a_transaction: int = 26) -> None:
    """Write YEARS of the service into LIBRARY (encrypted with LIBRARY_KEY, its accounts by
    name in ACCOUNTS), half a year in each transaction."""
    service = Service(None, random.Random(20), library_key, accounts)
    mondays = weeks_of(years)
    with library.transaction() as db, service.acting(0):
        service.db = db
        for index, (name, kind) in enumerate(GROUPS):
            service.groups.append(groups.add(db, name, kind))
            service.sizes.append(service.rng.randint(4, 12))
            service.songs[index] = []
    for start in range(0, len(mondays), weeks_a_transaction):
        with library.transaction() as db:
            service.db = db
            for week in range(start, min(start + weeks_a_transaction, len(mondays))):
                with service.acting(0):  # a therapist's: rows of no one's in particular
                    _week(service, week, mondays[week])


def _week(service: Service, week: int, monday: date) -> None:
    rng = service.rng
    if week % 52 == 0:  # each year, each group finds the size it will keep to
        service.sizes = [rng.randint(4, 12) for _ in service.sizes]
    _spells_end(service, week, monday)
    _places_filled(service, week, monday)
    _consent_changes(service, week, monday)
    if week % 52 in HOLIDAYS:
        return
    for index, group in enumerate(service.groups):
        _group_session(service, index, group, monday + timedelta(days=index % 5))
    for person in [p for p in service.people if p.alone_until >= week]:
        if rng.random() < 0.9:
            _individual_session(service, person, monday + timedelta(days=rng.randrange(5)))
    exported = 0
    for _ in range(12):  # about two a week: the takes everyone heard on allows
        exported += _export(service, monday + timedelta(days=4))
        if exported == 2:
            break


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour)).replace(tzinfo=UTC)


def _newcomer(service: Service, week: int, monday: date, *, to_group: bool) -> Person:
    rng = service.rng
    number = len(service.people) + 1
    real = (f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" if rng.random() < 0.3
            else None)
    person = Person(participants.add(service.db, f"Deltaker {number:04}", real),
                    therapist=rng.randrange(len(THERAPISTS)))
    wanted = [Purpose.RECORD, Purpose.KEEP] if rng.random() < 0.95 else []
    if rng.random() < (0.9 if to_group else 0.4):
        wanted.append(Purpose.GROUP)
    if rng.random() < 0.6:
        wanted.append(Purpose.SUPERVISION)
    if wanted:
        credit = (Credit.NAME if real and rng.random() < 0.3 else
                  rng.choice((Credit.PSEUDONYM, Credit.PSEUDONYM, Credit.NONE)))
        consent_ledger.grant(service.db, person.participant, wanted, at=_at(monday),
                             witness=THERAPISTS[person.therapist], form_version="2016-1",
                             credit=credit)
        person.consent.update({purpose: None for purpose in wanted})
    for purpose, chance in ((Purpose.COMMUNITY, 0.3), (Purpose.PUBLIC, 0.05)):
        if wanted and rng.random() < chance:
            _grant_for_a_year(service, person, purpose, monday)
    service.people.append(person)
    return person


def _grant_for_a_year(service: Service, person: Person, purpose: Purpose, day: date) -> None:
    until = day + timedelta(days=365)
    consent_ledger.grant(service.db, person.participant, [purpose], at=_at(day),
                         valid_until=until, witness=THERAPISTS[person.therapist],
                         form_version="2016-1")
    person.consent[purpose] = until


def _spells_end(service: Service, week: int, monday: date) -> None:
    rng = service.rng
    for person in service.people:
        if person.group is not None and person.group_until <= week:
            index, person.group = person.group, None
            group = groups.get(service.db, service.groups[index].id)
            with service.acting(person.therapist):
                service.groups[index] = groups.leave(service.db, group, person.participant,
                                                     monday)
            if person.alone_until < week:
                _ended(service, person, monday)
        if person.alone_until == week - 1:
            if person.group is None:
                _ended(service, person, monday)
            if rng.random() < 0.3 and person.group is None:  # they go on in a band
                _join(service, person, week, monday)


def _ended(service: Service, person: Person, monday: date) -> None:
    rng = service.rng
    if rng.random() < 0.85:
        reason, detail = rng.choice(REASONS)
        with service.acting(person.therapist):
            courses.add(service.db, person.participant.id, CourseMark.ENDED, monday,
                        at=_at(monday, 15), account_id=service.accounts[
                            THERAPISTS[person.therapist]], reason=reason, detail=detail)


def _join(service: Service, person: Person, week: int, monday: date) -> None:
    members = [sum(1 for p in service.people if p.group == index)
               for index in range(len(service.groups))]
    open_groups = [i for i, n in enumerate(members) if n < service.sizes[i]]
    if not open_groups:
        return
    _into_group(service, person, service.rng.choice(open_groups), week, monday)


def _into_group(service: Service, person: Person, index: int, week: int, monday: date) -> None:
    """PERSON joins group INDEX, asked for group consent then if they had not given it."""
    rng = service.rng
    person.group, person.group_until = index, week + rng.randint(12, 120)
    with service.acting(person.therapist):
        if Purpose.GROUP not in person.consent and rng.random() < 0.85:
            consent_ledger.grant(service.db, person.participant, [Purpose.GROUP],
                                 at=_at(monday, 9), witness=THERAPISTS[person.therapist],
                                 form_version="2016-1")
            person.consent[Purpose.GROUP] = None
        service.groups[index] = groups.join(service.db, service.groups[index],
                                            person.participant, monday)


def _places_filled(service: Service, week: int, monday: date) -> None:
    rng = service.rng
    for index in range(len(service.groups)):
        while sum(1 for p in service.people if p.group == index) < service.sizes[index]:
            waiting = [p for p in service.people
                       if p.group is None and p.alone_until >= week and rng.random() < 0.1]
            person = waiting[0] if waiting else _newcomer(service, week, monday, to_group=True)
            _into_group(service, person, index, week, monday)
    alone = sum(1 for p in service.people if p.alone_until >= week)
    for _ in range(max(0, CASELOAD - alone)):
        former = [p for p in service.people if p.alone_until < week and p.group is None]
        if former and rng.random() < 0.15:
            person = rng.choice(former)  # back after a while
        else:
            person = _newcomer(service, week, monday, to_group=False)
        person.alone_until = week + rng.randint(6, 60)


def _consent_changes(service: Service, week: int, monday: date) -> None:
    rng = service.rng
    active = [p for p in service.people if p.group is not None or p.alone_until >= week]
    for person in active:  # a year's community or public consent runs out: most renew it
        for purpose in (Purpose.COMMUNITY, Purpose.PUBLIC):
            until = person.consent.get(purpose)
            if until is not None and monday > until - timedelta(days=7):
                if rng.random() < 0.7:
                    _grant_for_a_year(service, person, purpose, monday)
                else:
                    del person.consent[purpose]
    if rng.random() < 0.3:
        person = rng.choice(active)
        held = [p for p in (Purpose.GROUP, Purpose.COMMUNITY, Purpose.PUBLIC,
                            Purpose.SUPERVISION) if p in person.consent]
        if held:
            purpose = rng.choice(held)
            with service.acting(person.therapist):
                consent_ledger.withdraw(service.db, person.participant, [purpose],
                                        reason="Ønsker ikke lenger", at=_at(monday, 12))
            del person.consent[purpose]


def _group_session(service: Service, index: int, group: Group, day: date) -> None:
    rng = service.rng
    members = [p for p in service.people if p.group == index]
    came = [p for p in members if rng.random() < 0.8]
    band = group.kind is GroupKind.BAND
    therapist = index % len(THERAPISTS)
    layout = BAND_INPUTS if band else CHOIR_INPUTS
    players = {n: (came[(n - 4) % len(came)].participant.id,) for n in (4, 5, 6)
               if band and came}
    inputs = [SessionInput(n, label, isolated and n in players, True, players.get(n, ()))
              for n, (label, isolated) in enumerate(layout, 1)]
    with service.acting(therapist):
        session = sessions.create(
            service.db, "Øving", SessionKind(group.kind.value), on=day,
            participants=[p.participant for p in came], therapist=THERAPISTS[therapist],
            inputs=inputs, group_id=group.id, tempo_bpm=96.0 if band else None)
        answers.replace(service.db, session.id, {
            p.participant.id: Answer.SENT_WORD if rng.random() < 0.5 else Answer.ABSENT
            for p in members if p not in came})
        if came and all(p.holds(Purpose.RECORD, day) for p in came) and rng.random() < 0.7:
            for _ in range(rng.randint(1, 4)):
                take_id = _take(service, session.id, inputs, came,
                                midi=players.get(5) if band and rng.random() < 0.5 else None)
                if band:
                    _song_of(service, index, take_id, came)


def _individual_session(service: Service, person: Person, day: date) -> None:
    rng = service.rng
    inputs = [SessionInput(n, label, isolated, True, (person.participant.id,) if isolated else ())
              for n, (label, isolated) in enumerate(ALONE_INPUTS, 1)]
    with service.acting(person.therapist):
        session = sessions.create(service.db, "Individuell time", SessionKind.INDIVIDUAL, on=day,
                                  participants=[person.participant],
                                  therapist=THERAPISTS[person.therapist], inputs=inputs)
        if person.holds(Purpose.RECORD, day) and rng.random() < 0.4:
            for _ in range(rng.randint(1, 3)):
                _take(service, session.id, inputs, [person])


def _take(service: Service, session_id: int, inputs: list[SessionInput], came: list[Person],
          midi: tuple[int, ...] | None = None) -> int:
    """A take of every armed input (and the MIDI keyboard's player), its parts, key, a marker
    or two and its plays; its id."""
    rng, db = service.rng, service.db
    present = frozenset(p.participant.id for p in came)
    take_id = takes.start(db, session_id, 48000, sample_format="PCM_24",
                          device="Scarlett 18i20 USB")
    take_keys.put(db, take_id, wrap_take_key(service.library_key, take_id, new_key()))
    frames = rng.randint(60, 420) * 48000
    for each in inputs:
        heard = each.players if each.isolated else tuple(present | set(each.players))
        track = takes.add_track(db, take_id, TrackKind.AUDIO, input=each.number,
                                participant_ids=heard, isolated=each.isolated,
                                instrument=each.label)
        takes.add_part(db, track.id, 1, 0, frames, track.file,
                       hashlib.sha256(track.file.encode()).hexdigest())
    if midi:
        track = takes.add_track(db, take_id, TrackKind.MIDI, port="Keystation 49", isolated=True,
                                participant_ids=midi)
        takes.add_part(db, track.id, 1, 0, frames, track.file,
                       hashlib.sha256(track.file.encode()).hexdigest())
    for _ in range(rng.randint(0, 2)):
        takes.add_marker(db, take_id, rng.randrange(frames), "Refreng")
    takes.finish(db, take_id, frames)
    for _ in range(rng.randint(0, 4)):
        audit.record(db, "take.shown", f"take:{take_id}")
        audit.record(db, "take.played", f"take:{take_id}")
    service.recent_takes.append(take_id)
    del service.recent_takes[:-60]
    return take_id


def _song_of(service: Service, index: int, take_id: int, came: list[Person]) -> None:
    rng = service.rng
    songs_of_group = service.songs[index]
    if not songs_of_group or rng.random() < 0.05:
        writers = [p.participant for p in came if rng.random() < 0.5]
        song = songs.create(service.db, f"Sang {sum(map(len, service.songs.values())) + 1}",
                            writers, LYRICS)
        songs_of_group.append(song.id)
    if rng.random() < 0.5:
        songs.link_take(service.db, songs_of_group[-1], take_id)


def _export(service: Service, day: date) -> bool:
    """An export of a recent take, logged only when everyone heard on it holds the purpose;
    whether it was."""
    rng = service.rng
    if not service.recent_takes:
        return False
    take_id = rng.choice(service.recent_takes)
    purpose = rng.choices((Purpose.GROUP, Purpose.COMMUNITY, Purpose.PUBLIC), (6, 3.5, 0.5))[0]
    people = {p.participant.id: p for p in service.people}
    take = takes.get(service.db, take_id)
    heard = set().union(*(t.participant_ids for t in take.tracks))
    if not all(people[pid].holds(purpose, day) for pid in heard):
        return False
    recipient = {Purpose.GROUP: "Bandet", Purpose.COMMUNITY: "Kulturhuset",
                 Purpose.PUBLIC: "Kommunens nettside"}[purpose]
    files = [ExportedFile(f"{take.number:02}-mix.flac", rng.randint(10, 60) * 10**6,
                          hashlib.sha256(f"{take_id}-{day}".encode()).hexdigest()),
             ExportedFile("manifest.json", 2048, hashlib.sha256(str(take_id).encode()).hexdigest())]
    with service.acting(rng.randrange(len(THERAPISTS))):
        audit.record(service.db, "export.previewed", f"take:{take_id}")
        exports.record(service.db, purpose, recipient, f"/srv/eksport/Take {take.number}",
                       take.tracks, heard, "Miks", files, f"Take {take.number}")
    return True

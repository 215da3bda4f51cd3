"""Sharing through the studio: an export announced once it is logged and published (never when
refused, cancelled or failed) and logged under the studio's lock; the export preview and the
lead sheet as plain values."""

from __future__ import annotations

import errno
import os
import threading
from datetime import UTC, date, datetime, timedelta

import pytest

from mt_studio.core.consent_board import ChipState
from mt_studio.core.domain import Credit, Purpose
from mt_studio.core.errors import ConsentRefused, MtStudioError
from mt_studio.core.export import ExportRequest, audio, run
from mt_studio.core.export.preview import HeardRow
from mt_studio.core.library import Library, annotations, audit, consent_ledger, exports
from mt_studio.core.plugins import Annotation
from mt_studio.core.studio import ExportLogged
from tests.export_story import RATE, a_song, band_take


@pytest.fixture
def story(library):
    return band_take(library)


@pytest.fixture
def heard(studio):
    """Everything the studio announces, in order."""
    events = []
    studio.events.subscribe(events.append)
    return events


def logged_exports(library: Library) -> int:
    """How many exports another program sees logged: what is committed, nothing else."""
    with Library.open(library.location) as other:
        return other.connection.execute("SELECT count(*) FROM exports").fetchone()[0]


def test_an_export_is_announced_once_it_is_logged_and_published(
        library, studio, story, tmp_path):
    seen = []

    def look(event) -> None:
        published = (tmp_path / "out" / "Take 1" / "manifest.json").is_file()
        seen.append((event, logged_exports(library), published))

    studio.events.subscribe(look)
    result = studio.sharing.export(ExportRequest(story.take_id, Purpose.GROUP, tmp_path / "out"))
    assert seen == [(ExportLogged(result.export_id, story.take_id), 1, True)]


def refuse(library, story, _monkeypatch):
    """Kometen has withdrawn community before the export starts."""
    consent_ledger.withdraw(library.connection, story.kari, [Purpose.COMMUNITY])


def withdraw_after_writing(library, story, monkeypatch):
    """Kometen withdraws community in another program once every file is written."""
    real_watch = run._watch

    def watch_then_withdraw(gate, plan, job, progress, cancelled):
        real_watch(gate, plan, job, progress, cancelled)
        with Library.open(library.location) as other:
            consent_ledger.withdraw(other.connection, story.kari, [Purpose.COMMUNITY])

    monkeypatch.setattr(run, "_watch", watch_then_withdraw)


def cancel_while_writing(_library, _story, monkeypatch):
    """The export is cancelled once its first file is written; the cancel to poll."""
    real_write = audio.write
    writing = threading.Event()

    def write_then_wait(sources, plan, output, path, gain, tags, stop, *rest):
        real_write(sources, plan, output, path, gain, tags, stop, *rest)
        writing.set()
        stop.wait()
        raise audio.Stopped

    monkeypatch.setattr(audio, "write", write_then_wait)
    return writing.is_set


def fill_the_disk(_library, _story, monkeypatch):
    """Every audio file meets a full disk."""
    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(audio, "write", full)


@pytest.mark.parametrize("spoil", [refuse, withdraw_after_writing, cancel_while_writing,
                                   fill_the_disk])
def test_an_export_that_does_not_happen_is_neither_announced_nor_logged(
        library, studio, story, heard, tmp_path, monkeypatch, spoil):
    cancelled = spoil(library, story, monkeypatch)
    with pytest.raises(MtStudioError):
        studio.sharing.export(ExportRequest(story.take_id, Purpose.COMMUNITY, tmp_path / "out",
                                            zip=True), cancelled=cancelled)
    assert [e for e in heard if isinstance(e, ExportLogged)] == []
    assert logged_exports(library) == 0
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []


def test_the_export_is_logged_in_the_studios_transaction_holding_its_lock(
        studio, story, tmp_path, monkeypatch):
    real_record = exports.record
    readers: list[threading.Thread] = []
    seen: list[int] = []

    def read_exports() -> None:
        with studio._reading() as db:
            seen.append(db.execute("SELECT count(*) FROM exports").fetchone()[0])

    def record_while_another_thread_reads(db, *args, **kwargs):
        export_id = real_record(db, *args, **kwargs)
        reader = threading.Thread(target=read_exports)
        reader.start()
        reader.join(timeout=0.2)
        assert reader.is_alive()  # it waits for the export's log to be whole
        readers.append(reader)
        return export_id

    monkeypatch.setattr(exports, "record", record_while_another_thread_reads)
    studio.sharing.export(ExportRequest(story.take_id, Purpose.GROUP, tmp_path / "out"))
    readers[0].join(timeout=10)
    assert seen == [1]  # it read once the log was committed


def test_the_preview_shows_everyone_heard_with_their_chip_and_credit_and_the_plan(
        studio, story, tmp_path):
    preview = studio.sharing.preview(ExportRequest(story.take_id, Purpose.PUBLIC, tmp_path,
                                                   track_ids=(story.bass,)))
    [row] = preview.rows
    assert (row.participant_id, row.pseudonym, row.chip.state, row.chip.purpose, row.credit,
            row.credit_text) == (story.ola.id, "Blåbær", ChipState.GRANTED, Purpose.PUBLIC,
                                 Credit.NAME, "Ola Nordmann")
    assert isinstance(row, HeardRow)
    assert preview.allowed and preview.problem == "" and preview.blocking == ()
    assert preview.plan.title == "Take 1" and [t.id for t in preview.plan.audio] == [story.bass]


def test_the_preview_names_who_blocks_and_on_which_tracks(library, studio, story, tmp_path):
    consent_ledger.withdraw(library.connection, story.per, [Purpose.COMMUNITY])
    preview = studio.sharing.preview(ExportRequest(story.take_id, Purpose.COMMUNITY, tmp_path))
    assert [(r.pseudonym, r.chip.state, r.credit_text) for r in preview.rows] == [
        ("Blåbær", ChipState.GRANTED, "Ola Nordmann"),
        ("Fiolinisten", ChipState.WITHDRAWN, None),
        ("Kometen", ChipState.GRANTED, "Kometen")]
    assert not preview.allowed and preview.plan is None
    assert preview.problem.split("\n") == [
        "Sharing with a community music group is not possible now: 1 person heard lacks this "
        "consent.", "Record their consent, or untick the tracks they are heard on:"]
    [blocking] = preview.blocking
    assert blocking.participant_id == story.per.id
    assert blocking.blocker.purpose is Purpose.COMMUNITY
    assert blocking.track_ids == (story.room, story.vocal)  # the room mic hears him too
    left = studio.sharing.preview(ExportRequest(story.take_id, Purpose.COMMUNITY, tmp_path,
                                                track_ids=(story.bass, story.keys)))
    assert left.allowed and {r.pseudonym for r in left.rows} == {"Blåbær", "Kometen"}


def test_the_preview_judges_consent_at_the_moment_given(library, studio, story, tmp_path):
    consent_ledger.grant(library.connection, story.ola, [Purpose.PUBLIC],
                         valid_until=date.today() + timedelta(days=30))
    request = ExportRequest(story.take_id, Purpose.PUBLIC, tmp_path, track_ids=(story.bass,))
    assert [r.chip.state for r in studio.sharing.preview(request).rows] == [ChipState.GRANTED]
    later = studio.sharing.preview(request, datetime.now(UTC) + timedelta(days=60))
    assert [r.chip.state for r in later.rows] == [ChipState.EXPIRED] and not later.allowed
    assert [b.participant_id for b in later.blocking] == [story.ola.id]


def test_the_preview_says_why_a_request_cannot_be_made(studio, story, tmp_path):
    named = studio.sharing.preview(ExportRequest(story.take_id, Purpose.GROUP, tmp_path,
                                                 title="Sangen til Fiolinisten"))
    assert len(named.rows) == 3 and named.plan is None and "title" in named.problem
    unknown = studio.sharing.preview(ExportRequest(story.take_id, Purpose.GROUP, tmp_path,
                                                   track_ids=(999,)))
    assert unknown.rows == () and unknown.problem == "Take 1 has no track 999."
    missing = studio.sharing.preview(ExportRequest(story.take_id + 1, Purpose.GROUP, tmp_path))
    assert missing.rows == () and not missing.allowed and missing.problem


def test_the_plan_and_title_come_from_the_studio(library, studio, story, tmp_path):
    assert studio.sharing.default_title(story.take_id) == "Take 1"
    a_song(library, story, [story.ola])
    assert studio.sharing.default_title(story.take_id) == "Lyset i vinduet"
    plan = studio.sharing.plan(ExportRequest(story.take_id, Purpose.GROUP, tmp_path))
    assert plan.title == "Lyset i vinduet" and plan.writers == {story.ola.id}
    consent_ledger.withdraw(library.connection, story.kari, [Purpose.GROUP])
    hearing = studio.sharing.hearing(ExportRequest(story.take_id, Purpose.GROUP, tmp_path))
    assert [b.participant_id for b in hearing.decision.blockers] == [story.kari.id]
    with pytest.raises(ConsentRefused, match="Kometen"):
        studio.sharing.plan(ExportRequest(story.take_id, Purpose.GROUP, tmp_path))


def test_a_lead_sheet_carries_the_words_while_every_writer_shares_them_and_is_logged(
        library, studio, story):
    with library.transaction() as db:
        annotations.replace(db, story.take_id, "chords", "chords", [
            Annotation("chord", 0, RATE, "Am"), Annotation("chord", RATE, 2 * RATE, "F")])
    a_song(library, story, [story.ola, story.kari])
    sheet = studio.sharing.lead_sheet(story.take_id)
    assert sheet.title == "Lyset i vinduet" and sheet.chord_lines == ("| Am | F  |",)
    assert "brenner for oss" in sheet.lyrics
    assert sheet.writers == tuple(sorted((story.ola.id, story.kari.id)))
    assert studio.sharing.lead_sheet(story.take_id, ["another"]).chord_lines == ()
    studio.sharing.log_lead_sheet(story.take_id, sheet, "printed")
    shared = [e for e in audit.entries(library.connection) if e.action == "lead_sheet.shared"]
    assert sorted(e.participant_id for e in shared) == sorted((story.ola.id, story.kari.id))
    assert {e.details["how"] for e in shared} == {"printed"}

    consent_ledger.withdraw(library.connection, story.kari, [Purpose.GROUP])
    withheld = studio.sharing.lead_sheet(story.take_id)
    assert withheld.lyrics.startswith("(The words are left out") and withheld.writers == ()
    studio.sharing.log_lead_sheet(story.take_id, withheld, "pdf")
    [anyone] = [e for e in audit.entries(library.connection)
                if e.action == "lead_sheet.shared" and e.details["how"] == "pdf"]
    assert anyone.participant_id is None and anyone.subject == f"take:{story.take_id}"

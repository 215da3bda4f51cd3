"""Sharing through the studio: the lead sheet as plain values, read and logged by the studio."""

from __future__ import annotations

import pytest

from mt_studio.core.domain import Purpose
from mt_studio.core.library import annotations, audit, consent_ledger
from mt_studio.core.plugins import Annotation
from tests.export_story import RATE, a_song, band_take


@pytest.fixture
def story(library):
    return band_take(library)


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

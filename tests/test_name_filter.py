"""The name filter: a name is found in what an export carries however it is spelled, and
nothing else is taken for one."""

from __future__ import annotations

import pytest

from mt_studio.core.domain import Credit, Purpose
from mt_studio.core.errors import InputError
from mt_studio.core.export import ExportRequest
from mt_studio.core.export.names import names_in
from mt_studio.core.library import consent_ledger, participants, songs
from tests.export_story import SHARED_PURPOSES, band_take

NAMES = ["Kari Hansen", "Kåre", "Bjørn", "Søren Kjær", "Åse", "Ola"]


@pytest.mark.parametrize(("text", "name"), [
    ("KariHansen", "Kari Hansen"),            # without spaces
    ("karihansen", "Kari Hansen"),
    ("KARIHANSEN", "Kari Hansen"),
    ("Kari_Hansen", "Kari Hansen"),            # underscores or punctuation between letters
    ("k_a_r_i", "Kari Hansen"),
    ("K.a.r.i H.a.n.s.e.n", "Kari Hansen"),
    ("K-a-r-i's song", "Kari Hansen"),
    ("H a n s e n", "Kari Hansen"),
    ("Kaare", "Kåre"),                        # å as aa or a
    ("KARE blues", "Kåre"),
    ("Ase", "Åse"),
    ("aase_sang", "Åse"),
    ("Bjoern", "Bjørn"),                      # ø as oe or o
    ("bjorn", "Bjørn"),
    ("B.J.O.E.R.N", "Bjørn"),
    ("Soeren", "Søren Kjær"),
    ("Kjaer", "Søren Kjær"),                  # æ as ae
    ("SorenKjaer", "Søren Kjær"),
    ("KJÆR", "Søren Kjær"),
    ("Olas låt", "Ola"),
    ("OLA", "Ola"),
])
def test_a_name_is_found_in_any_spelling(text, name):
    assert name in names_in(text, NAMES)


@pytest.mark.parametrize("text", ["Solan", "Every cola", "Kjartan", "Bjarne", "Take 3",
                                  "Tuesday band", "Karina", "Bjørnstjerne"])
def test_a_word_holding_a_name_inside_it_is_not_the_name(text):
    assert names_in(text, NAMES) == []


@pytest.fixture
def story(library):
    return band_take(library)


@pytest.mark.parametrize("field", ["title", "group", "recipient"])
@pytest.mark.parametrize("text", ["KariHansen", "kari_hansen", "K.a.r.i", "Blabaer blues",
                                  "BLAABAER", "Blåbaer", "F-i-o-l-i-n-i-s-t-e-n",
                                  "PerJohansen"])
def test_an_export_naming_someone_in_another_spelling_is_refused(
        studio, story, tmp_path, field, text):
    request = ExportRequest(story.take_id, Purpose.COMMUNITY, tmp_path / "out", **{field: text})
    with pytest.raises(InputError, match="names someone who has not chosen"):
        studio.sharing.export(request)
    assert not (tmp_path / "out").exists()


def test_an_export_naming_someone_by_the_credit_they_chose_is_not_refused(
        studio, story, tmp_path):
    """Kari chose to be credited as Kometen; Ola by his real name."""
    result = studio.sharing.export(ExportRequest(
        story.take_id, Purpose.COMMUNITY, tmp_path, title="Kometen og Ola Nordmann"))
    assert result.folder.is_dir()


def _song(library, story, lyrics: str) -> None:
    with library.transaction() as db:
        song = songs.create(db, "Lyset i vinduet", [story.ola, story.kari], lyrics=lyrics)
        songs.link_take(db, song.id, story.take_id)


@pytest.mark.parametrize(("lyrics", "line"), [
    ("Lyset i vinduet\nKari synger for oss\n", 2),
    ("Lyset i vinduet\n\nbrenner for oss\nog for kari_hansen\n", 4),
    ("Blaabaer i skogen\n", 1),  # Ola chose his real name: his pseudonym is not his credit
])
def test_lyrics_naming_a_writer_who_is_not_credited_so_are_refused_naming_the_line(
        library, studio, story, tmp_path, lyrics, line):
    _song(library, story, lyrics)
    with pytest.raises(InputError, match=f"Line {line} of the song's lyrics") as refused:
        studio.sharing.export(ExportRequest(story.take_id, Purpose.COMMUNITY, tmp_path / "out"))
    assert not names_in(str(refused.value), ["Kari Hansen", "Blåbær", "Kometen"])
    assert not (tmp_path / "out").exists()


def test_lyrics_naming_a_writer_by_the_credit_they_chose_are_shared(
        library, studio, story, tmp_path):
    _song(library, story, "Kometen synger\nOla Nordmann spiller\n")
    result = studio.sharing.export(ExportRequest(story.take_id, Purpose.COMMUNITY, tmp_path))
    assert "Kometen synger" in (result.folder / "lyrics.txt").read_text()


@pytest.mark.parametrize(("lyrics", "shared"), [
    ("Kari synger\n", True),  # the name she chose to be credited by
    ("Kari Nilsen synger\n", False),
    ("Nilsen synger\n", False),
    ("KariNilsen synger\n", False),
])
def test_a_word_of_a_real_name_that_is_also_the_chosen_credit_may_be_sung(
        library, studio, story, tmp_path, lyrics, shared):
    """Kari Nilsen chose "Kari" as her pseudonym and to be credited by it: "Kari" is hers to
    show; her surname, or her whole name, is not."""
    with library.transaction() as db:
        kari = participants.add(db, "Kari", "Kari Nilsen")
        consent_ledger.grant(db, kari, SHARED_PURPOSES, credit=Credit.PSEUDONYM)
        song = songs.create(db, "Morgen", [kari], lyrics=lyrics)
        songs.link_take(db, song.id, story.take_id)
    request = ExportRequest(story.take_id, Purpose.COMMUNITY, tmp_path / "out")
    if shared:
        assert lyrics.strip() in (studio.sharing.export(request).folder / "lyrics.txt"
                                  ).read_text()
    else:
        with pytest.raises(InputError, match="Line 1 of the song's lyrics"):
            studio.sharing.export(request)

"""The studio's songs service: what a song's title and writers become, all or nothing."""

from __future__ import annotations

import pytest
from conftest import library_here

from mt_studio.core.errors import InputError
from mt_studio.core.studio import SongChanged, Studio


@pytest.fixture
def studio(tmp_path):
    with Studio.open(library_here()) as opened:
        yield opened


def test_a_songs_title_and_writers_change_together_or_not_at_all(studio):
    ola = studio.consent.add_participant("Ola")
    kari = studio.consent.add_participant("Kari")
    song = studio.songs.create("Working title", [ola.id])
    heard = []
    studio.events.subscribe(heard.append)

    edited = studio.songs.edit(song.id, "Morning song", [kari.id, ola.id])
    assert (edited.title, [p.pseudonym for p in edited.writers]) == ("Morning song",
                                                                     ["Kari", "Ola"])
    assert heard == [SongChanged(song.id)]

    with pytest.raises(InputError, match="99"):
        studio.songs.edit(song.id, "Evening song", [kari.id, 99])  # no participant 99
    with pytest.raises(InputError, match="needs a title"):
        studio.songs.edit(song.id, "  ", [ola.id])
    kept = studio.songs.get(song.id)
    assert (kept.title, kept.writer_ids) == ("Morning song", edited.writer_ids)
    assert heard == [SongChanged(song.id)]  # nothing announced for what was not made

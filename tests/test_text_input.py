"""Text people type: control and format characters refused in every field the library keeps,
each field with a length limit, and what was stored before shown safely."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from mt_studio.core.domain import Purpose, SessionKind, TrackKind
from mt_studio.core.domain.accounts import Role
from mt_studio.core.domain.sessions import SessionInput
from mt_studio.core.errors import InputError
from mt_studio.core.export import ExportRequest
from mt_studio.core.library import (
    Library,
    accounts,
    consent_ledger,
    exports,
    participants,
    sessions,
    songs,
    takes,
)

# An escape sequence that clears a terminal, a carriage return that rewrites a printed line,
# a right-to-left override, a zero-width space, a bell and a line separator.
HIDDEN = ["\x1b[2J", "\r", "\u202e", "\u200b", "\x07", "\u2028"]
# Line breaks are a multi-line field's own; the rest are refused there too.
HIDDEN_IN_LINES = ["\x1b[2J", "\u202e", "\u200b", "\x07", "\ufeff"]
HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"


@pytest.fixture
def world(library):
    """A participant, a band session with them in it and a take of it."""
    db = library.connection
    ola = participants.add(db, "Ola")
    session = sessions.create(db, "Band", SessionKind.BAND, on=date(2026, 11, 3),
                              participants=[ola])
    take_id = takes.start(db, session.id, 48000)
    return db, ola, session, take_id


def _export(recipient: str = "", title: str | None = None, group: str = "") -> ExportRequest:
    return ExportRequest(1, Purpose.COMMUNITY, Path("/tmp"), recipient=recipient, title=title,
                         group=group)


# Every one-line field the library keeps, as the field's name in messages and a way to store it.
ONE_LINE = {
    "A pseudonym": lambda w, text: participants.add(w[0], text),
    "A real name": lambda w, text: participants.add(w[0], "Kari", text),
    "A session title": lambda w, text: sessions.create(w[0], text, SessionKind.BAND,
                                                      on=date(2026, 11, 3)),
    "The therapist": lambda w, text: sessions.edit(w[0], w[2].id, therapist=text),
    "The template": lambda w, text: sessions.create(w[0], "Band", SessionKind.BAND,
                                                   on=date(2026, 11, 3), template=text),
    "The label of input 1": lambda w, text: sessions.keep_setup(
        w[0], w[2].id, [SessionInput(1, text, False, True, ())]),
    "A take's name": lambda w, text: takes.describe(w[0], w[3], text, ""),
    "A marker's name": lambda w, text: takes.add_marker(w[0], w[3], 10, text),
    "The instrument": lambda w, text: takes.add_track(w[0], w[3], TrackKind.AUDIO, input=1,
                                                      instrument=text),
    "A song title": lambda w, text: songs.create(w[0], text),
    "The witness": lambda w, text: consent_ledger.grant(w[0], w[1], [Purpose.RECORD],
                                                        witness=text),
    "The form version": lambda w, text: consent_ledger.grant(w[0], w[1], [Purpose.RECORD],
                                                             form_version=text),
    "The reason": lambda w, text: consent_ledger.withdraw(w[0], w[1], [Purpose.RECORD],
                                                          reason=text),
    "An account's name": lambda w, text: accounts.add(w[0], text, Role.THERAPIST, HASH),
    "The recipient": lambda w, text: _export(recipient=text),
    "The title": lambda w, text: _export(title=text),
    "The group's name": lambda w, text: _export(group=text),
}

MANY_LINES = {
    "A session's notes": lambda w, text: sessions.edit(w[0], w[2].id, notes=text),
    "A take's note": lambda w, text: takes.describe(w[0], w[3], None, text),
    "The lyrics": lambda w, text: songs.create(w[0], "Vårsang", lyrics=text),
    "The notes": lambda w, text: songs.create(w[0], "Vårsang", notes=text),
}


@pytest.mark.parametrize("hidden", HIDDEN, ids=ascii)
@pytest.mark.parametrize("field", ONE_LINE)
def test_a_one_line_field_refuses_control_and_format_characters_naming_the_field(
        world, field, hidden):
    with pytest.raises(InputError) as refused:
        ONE_LINE[field](world, f"Nils{hidden}Hansen")
    message = str(refused.value)
    assert message.startswith(field) and "control" in message
    assert hidden not in message  # shown escaped, never raw


@pytest.mark.parametrize("field", ONE_LINE)
def test_a_one_line_field_refuses_a_text_longer_than_its_limit_naming_the_field(world, field):
    with pytest.raises(InputError, match=r"is longer than \d+ characters") as refused:
        ONE_LINE[field](world, "x" * 1000)
    assert str(refused.value).startswith(field)


@pytest.mark.parametrize("hidden", HIDDEN_IN_LINES, ids=ascii)
@pytest.mark.parametrize("field", MANY_LINES)
def test_a_multi_line_field_keeps_line_breaks_and_tabs_but_refuses_other_hidden_characters(
        world, field, hidden):
    with pytest.raises(InputError, match=r"characters \(line 2\)") as refused:
        MANY_LINES[field](world, f"First line\nNils{hidden}Hansen\n")
    assert str(refused.value).startswith(field)
    MANY_LINES[field](world, "First line\r\n\tindented line\n")


@pytest.mark.parametrize("field", MANY_LINES)
def test_a_multi_line_field_refuses_a_text_longer_than_its_limit(world, field):
    with pytest.raises(InputError, match=r"is longer than \d+ characters") as refused:
        MANY_LINES[field](world, "x" * 100_001)
    assert str(refused.value).startswith(field)


def test_the_exports_to_recall_never_print_a_stored_control_character_raw(cli, tmp_path):
    """A recipient stored before these were refused cannot forge the list on a terminal."""
    assert cli("participant", "add", "Ola").code == 0
    assert cli("session", "new", "Band", "--kind", "band", "--participants", "Ola").code == 0
    assert cli("consent", "grant", "Ola", "record", "community").code == 0
    forged = "Kulturhuset\x1b[2J\r\x1b[1ANothing to recall.\u202e"
    with Library.open(tmp_path / "library") as library:
        db = library.connection
        take = takes.start(db, 1, 48000)
        track = takes.add_track(db, take, TrackKind.AUDIO, input=1)
        exports.record(db, Purpose.COMMUNITY, forged, "mix.flac", [track], [1],
                       title="Song\x1b[31m")
    result = cli("consent", "withdraw", "Ola", "community")
    assert result.code == 0
    assert not any(ch in result.out for ch in "\x1b\r\u202e")
    assert "Kulturhuset\\x1b[2J\\r\\x1b[1ANothing to recall.\\u202e" in result.out
    assert "Song\\x1b[31m" in result.out


@pytest.mark.parametrize("field", ["recipient", "group", "title"])
@pytest.mark.parametrize("text", ["\rForged line", "Band\n", "\x85Band", "Band\u2028"])
def test_an_exports_text_with_a_line_break_at_either_end_is_refused(field, text, tmp_path):
    """Trimming takes line breaks off the ends: they are refused before it, not kept."""
    with pytest.raises(InputError, match="one line"):
        ExportRequest(1, Purpose.GROUP, tmp_path, **{field: text})


def test_an_exports_text_is_kept_as_it_will_be_stored(tmp_path):
    request = ExportRequest(1, Purpose.GROUP, tmp_path, recipient="  Anne  ", group=" Band ",
                            title="  ")
    assert (request.recipient, request.group, request.title) == ("Anne", "Band", None)

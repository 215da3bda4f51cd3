"""Loops named by times or markers, and the times people type."""

from __future__ import annotations

from datetime import datetime

import pytest

from mt_studio.core.domain import TakeStatus
from mt_studio.core.errors import InputError
from mt_studio.core.library.takes import Marker, Take
from mt_studio.core.loop_choice import loop_at_marker, loop_from_text, seconds_from_text

TAKE = Take(id=1, session_id=1, number=1, status=TakeStatus.COMPLETE, samplerate=1000,
            frames=200_000, started_at=datetime(2026, 12, 1, 10),
            markers=(Marker(10_000, "Verse"), Marker(40_000, "Chorus"), Marker(70_000, "Verse"),
                     Marker(90_000, "Bridge")))


@pytest.mark.parametrize(("text", "seconds"), [
    ("75", 75.0), ("75.25", 75.25), ("1:15", 75.0), ("1:15.5", 75.5), ("0:05", 5.0),
    ("1:01:15", 3675.0), (" 12 ", 12.0)])
def test_times_are_read_as_people_write_them(text, seconds):
    assert seconds_from_text(text) == seconds


@pytest.mark.parametrize("text", ["", "abc", "1:75", "-3", "1::2", "1:2:3:4", "1,5"])
def test_a_time_that_is_no_time_is_named_in_the_error(text):
    with pytest.raises(InputError, match="is not a time"):
        seconds_from_text(text)


def test_a_loop_from_times_or_from_a_marker_to_the_next():
    assert (loop_from_text("12-15.5", TAKE).start, loop_from_text("12-15.5", TAKE).end) == (
        12_000, 15_500)
    assert loop_from_text("0:40-1:10", TAKE, crossfade=5).crossfade == 5
    chorus = loop_from_text("chorus", TAKE)
    assert (chorus.start, chorus.end) == (40_000, 70_000)
    verse = loop_at_marker("VERSE", TAKE)  # the first verse
    assert (verse.start, verse.end) == (10_000, 40_000)
    bridge = loop_at_marker("Bridge", TAKE)  # the last marker loops to the take's end
    assert (bridge.start, bridge.end) == (90_000, 200_000)


def test_a_loop_that_cannot_be_is_refused_with_the_reason():
    with pytest.raises(InputError, match="ends before it starts"):
        loop_from_text("20-10", TAKE)
    with pytest.raises(InputError, match="after the take's end"):
        loop_from_text("100-250", TAKE)
    with pytest.raises(InputError, match="Bridge, Chorus, Verse"):
        loop_from_text("outro", TAKE)

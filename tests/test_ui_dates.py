"""The window writes days and times from its own copy of CLDR's data exactly as the command line
writes them with Babel's, in each language the studio speaks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from mt_studio import i18n
from mt_studio.ui.common import dates


def test_every_language_has_its_months_and_no_other():
    assert set(dates.MONTHS) == {i18n.locale_name_of(code) for code in i18n.LANGUAGES}
    assert all(len(months) == 12 for months in dates.MONTHS.values())


@pytest.fixture(params=sorted(i18n.LANGUAGES))
def language(request):
    i18n.use_language(request.param)
    yield request.param
    i18n.use_language("en")


def test_every_day_of_two_years_reads_as_babel_writes_it(language):
    first = date(2027, 1, 1)  # 2028 is a leap year: 29 February is among them
    days = [first + timedelta(days=n) for n in range(2 * 366)]
    assert [dates.day_text(day) for day in days] == [i18n.day_text(day) for day in days]
    assert dates.day_text(date(2026, 12, 6)) == {"en": "6 Dec 2026", "nb": "6. des. 2026"}[
        language]


def test_times_of_day_read_as_babel_writes_them(language):
    start = datetime(2026, 12, 6, tzinfo=UTC)
    moments = [start + timedelta(minutes=7 * n) for n in range(24 * 60 // 7)]
    assert [dates.clock_text(m) for m in moments] == [i18n.clock_text(m) for m in moments]
    assert [dates.moment_text(m) for m in moments] == [i18n.moment_text(m) for m in moments]


def test_a_field_to_choose_a_day_in_writes_it_in_the_language_shown(qtbot, language):
    edit = dates.day_edit(date(2026, 12, 6), "Day")
    qtbot.addWidget(edit)
    assert edit.text() == {"en": "6 Dec 2026", "nb": "6. des. 2026"}[language]
    assert edit.calendarPopup() and edit.accessibleName() == "Day"

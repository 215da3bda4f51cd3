"""Who may see the service's figures and change its preferences: therapists and admins signed
in; the preferences and the small counts are an admin's; nobody while the studio is locked."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import library_here

from mt_studio.core.domain.accounts import Role
from mt_studio.core.domain.service_report import Period
from mt_studio.core.errors import AccessRefused
from mt_studio.core.studio import Studio

PASS = "a song for every morning"
YEAR = Period(date(2026, 1, 1), date(2026, 12, 31))


@pytest.fixture
def service(tmp_path):
    """A library with an admin and a therapist account; nobody signed in."""
    with Studio.open(library_here()) as studio:
        studio.accounts.add("Therese", Role.ADMIN, PASS)
        studio.sign_in("Therese", PASS)
        studio.accounts.add("Tor", Role.THERAPIST, PASS)
        studio.lock()
        yield studio


def test_a_locked_studio_gives_no_figures_no_flags_and_no_groups(service):
    for call in (lambda: service.reports.service(YEAR), lambda: service.courses.may_have_stopped(),
                 lambda: service.groups.all(), lambda: service.reports.participant_page(1)):
        with pytest.raises(AccessRefused):
            call()


def test_a_therapist_makes_the_report_but_only_an_admin_changes_the_services_choices(service):
    service.sign_in("Tor", PASS)
    assert service.reports.service(YEAR).participants == 0
    with pytest.raises(AccessRefused, match="admin"):
        service.reports.set_show_small_counts(True)
    with pytest.raises(AccessRefused, match="admin"):
        service.courses.set_rules(4, 8)
    assert not service.reports.show_small_counts()
    service.sign_in("Therese", PASS)
    service.reports.set_show_small_counts(True)
    assert service.courses.set_rules(4, 8).missed_in_a_row == 4
    assert service.reports.service(YEAR).show_small_counts
    actions = [e.action for e in service.audit.entries()]
    assert {"report.service_made", "report.small_counts_changed",
            "course.rules_changed"} <= set(actions)

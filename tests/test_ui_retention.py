"""Retention in the window: the takes due for deletion listed with who and why, kept longer
only for a written reason; at the start, what is due and past its grace days is deleted."""

from __future__ import annotations

import pytest
from export_story import band_take

from mt_studio import i18n
from mt_studio.ui.retention.due_dialog import DueDialog
from tests.conftest import studio_of


@pytest.fixture(autouse=True)
def english():
    i18n.use_language("en")
    yield
    i18n.use_language("en")


def test_the_due_list_names_who_and_why_and_keeps_a_take_only_for_a_reason(qtbot, library):
    story = band_take(library)  # a session of 24 Nov 2026: nobody gave keep
    dialog = DueDialog(studio_of(library))
    qtbot.addWidget(dialog)
    assert dialog.rows.topLevelItemCount() == 1
    item = dialog.rows.topLevelItem(0)
    assert "Tirsdagsgruppa avdeling 3" in item.text(0) and "24 Nov 2026" in item.text(0)
    why = [item.text(1), *(item.child(n).text(1) for n in range(item.childCount()))]
    assert len(why) == 3 and all("never gave consent to keep it" in line for line in why)
    assert {line.split(":")[0] for line in why} == {"Blåbær", "Kometen", "Fiolinisten"}
    assert item.text(2) == "Deleted at the next start"  # its grace days ended on 2 Dec
    assert not dialog.keep_button.isEnabled()
    dialog.rows.setCurrentItem(item)
    assert dialog.keep_button.isEnabled()
    assert not dialog.keep_longer("   ")  # no reason: refused, said, nothing kept
    assert "reason" in dialog.summary.text()
    assert dialog.keep_longer("The group wants to hear it once more on Tuesday")
    item = dialog.rows.topLevelItem(0)
    assert item.text(2).startswith("Kept until")
    assert item.child(item.childCount() - 1).text(1) == (
        "Kept longer: “The group wants to hear it once more on Tuesday”")
    assert studio_of(library).retention.due().takes[0].take.take_id == story.take_id


def test_the_window_deletes_what_is_past_its_grace_days_once_its_ledger_is_found_intact(
        qtbot, tmp_path):
    from mt_studio.core.library import Library
    from mt_studio.ui.app import Shell
    from mt_studio.ui.common.error_reporter import ErrorReporter

    folder = tmp_path / "lib"
    with Library.open(folder) as library:
        story = band_take(library)  # 24 Nov 2026, nobody gave keep: past its grace days
    take_folder = folder / "audio" / f"take-{story.take_id}"
    assert take_folder.is_dir()
    reporter = ErrorReporter()
    told = []
    reporter.report = lambda title, message: told.append(title)
    shell = Shell(reporter, folder=folder)
    shell.open()
    qtbot.addWidget(shell.window)
    try:
        qtbot.waitUntil(lambda: shell.studio is not None, timeout=10000)
        banner = shell.window.read_only_banner
        qtbot.waitUntil(lambda: banner.last_check is not None, timeout=10000)
        assert banner.last_check.intact
        qtbot.waitUntil(lambda: "Takes deleted" in told, timeout=10000)
        assert not take_folder.exists()
        assert shell.studio.retention.due().takes == ()
    finally:
        shell.window.close()
        shell.close()

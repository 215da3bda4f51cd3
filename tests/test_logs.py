"""The log file: what the window logs before it opens the file is written there, nothing lost."""

from __future__ import annotations

import logging

import pytest

from mt_studio.core import logs


@pytest.fixture
def root_logger(tmp_path, monkeypatch):
    """The root logger with none of our handlers, given back as it was after the test."""
    monkeypatch.setenv(logs.LOG_ENV, str(tmp_path / "logs"))
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    root.handlers = [h for h in root.handlers if not getattr(h, "mt_studio", False)]
    yield root
    for handler in root.handlers:
        if handler not in saved_handlers:
            handler.close()
    root.handlers, root.level = saved_handlers, saved_level


def test_what_is_logged_before_the_file_opens_is_written_to_it(root_logger, tmp_path):
    logs.hold_logging()
    logging.getLogger("mt_studio.early").warning("before the window painted")
    assert not (tmp_path / "logs").exists()  # nothing on disk before the file is opened
    logs.start_logging()
    logging.getLogger("mt_studio.late").info("after the library opened")
    logs.start_logging()  # a second call (the window closing) writes nothing twice
    for handler in root_logger.handlers:
        handler.flush()
    lines = (tmp_path / "logs" / "mt-studio.log").read_text(encoding="utf-8").splitlines()
    assert [line.split(" ", 3)[-1] for line in lines] == [
        "mt_studio.early: before the window painted", "mt_studio.late: after the library opened"]
    assert not any(isinstance(h, logs._HeldRecords) for h in root_logger.handlers)


def test_a_log_that_cannot_be_written_lets_go_of_what_was_held(root_logger, tmp_path):
    (tmp_path / "logs").write_text("a file where the folder should be")
    logs.hold_logging()
    logging.getLogger("mt_studio.early").warning("kept in memory")
    logs.start_logging()  # no error: logging never stops the work
    assert not any(isinstance(h, logs._HeldRecords) or getattr(h, "mt_studio", False)
                   for h in root_logger.handlers)

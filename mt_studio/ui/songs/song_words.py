"""Songs, takes and stamps in the words people read ("take 2 at 1:05"), and labels for words."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QLabel

from mt_studio.core.domain.songs import SongVersion
from mt_studio.core.domain.takes import Take
from mt_studio.i18n import _
from mt_studio.ui.common.dates import clock_text, day_text
from mt_studio.ui.common.take_words import duration_text
from mt_studio.ui.takes.take_naming import take_title


def saved_words(version: SongVersion) -> str:
    """When VERSION was saved, as people read it."""
    moment = version.created_at.astimezone()
    return _("{day} at {time}").format(day=day_text(moment.date()), time=clock_text(moment))


def place_words(take: Take, frame: int, session_id: int | None) -> str:
    """FRAME of TAKE: "take 2 at 1:05", with the day when the take is not of SESSION_ID."""
    time = duration_text(frame / max(1, take.samplerate))
    if take.session_id == session_id:
        return _("take {number} at {time}").format(number=take.number, time=time)
    return _("take {number} of {day} at {time}").format(
        number=take.number, day=day_text(take.started_at.astimezone().date()), time=time)


def take_words(take: Take) -> str:
    """TAKE as a row of a session's takes: what it is called, its length and when it was
    recorded."""
    return _("{take} ({length}), recorded at {time}").format(
        take=take_title(take), time=clock_text(take.started_at),
        length=duration_text(take.frames / max(1, take.samplerate)))


def plain_label(text: str = "") -> QLabel:
    """A label showing TEXT as plain text, wrapped."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label

"""The list of songs on the Songs tab: those played in the open session first."""

from __future__ import annotations

from collections.abc import Iterable

from mt_studio.core.domain.songs import Song
from mt_studio.i18n import _
from mt_studio.ui.common.list_rows import TwoLineList, inert_item, two_line_item


class SongList(TwoLineList):
    """Each song's title over its writers; the songs played in the open session come first."""

    def __init__(self) -> None:
        super().__init__(_("Songs"))
        self.setToolTip(_("Songs played in this session come first."))

    def show_songs(self, found: list[Song], here: Iterable[int]) -> None:
        """Show the songs FOUND, those linked to a take in HERE (take ids) first, quietly."""
        here = set(here)
        found = sorted(found, key=lambda s: not here & set(s.take_ids))
        self.blockSignals(True)
        self.clear()
        for song in found:
            writers = ", ".join(p.pseudonym for p in song.writers) or _("no writers named")
            if here & set(song.take_ids):
                writers = _("{writers} · played in this session").format(writers=writers)
            self.addItem(two_line_item(song.title, writers, song.id))
        self.blockSignals(False)
        if not found:
            self.addItem(inert_item(two_line_item(
                _("No songs yet"), _("Press “New song…” to start one."), None)))

"""The count-in's tempo in My songs: slower or faster in steps a participant sees, kept for
each song in the preferences (as the window keeps its other choices)."""

from __future__ import annotations

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import QHBoxLayout, QWidget

from mt_studio.core import preferences
from mt_studio.core.errors import InputError
from mt_studio.core.tempo import check_tempo
from mt_studio.i18n import _
from mt_studio.ui.participant.big_type import big_button, words
from mt_studio.ui.recording.count_in import DEFAULT_TEMPO_BPM

TEMPO_STEP, SLOWEST, FASTEST = 10, 60, 180  # beats a minute


class MyTempo(QWidget):
    """Slower and Faster for the count-in of the song shown (`show_song`), and its tempo in
    words; `bpm` is the tempo now. `changed(bpm)` when it is stepped or another song shown."""

    changed = pyqtSignal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.song_id: int | None = None
        self.bpm = DEFAULT_TEMPO_BPM
        self.slower_button = big_button(_("Slower count"), _("Count in slower"),
                                        _("Count in, and loop, at a slower tempo."))
        self.slower_button.clicked.connect(lambda: self.step(-TEMPO_STEP))
        self.faster_button = big_button(_("Faster count"), _("Count in faster"),
                                        _("Count in, and loop, at a faster tempo."))
        self.faster_button.clicked.connect(lambda: self.step(TEMPO_STEP))
        self.label = words("", _("Count-in tempo"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.slower_button)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.faster_button)
        self._show()

    def show_song(self, song_id: int) -> None:
        """The tempo kept for SONG_ID (the usual one if none is, or one that is not a tempo)."""
        self.song_id = song_id
        kept = preferences.load().song_tempos.get(str(song_id), DEFAULT_TEMPO_BPM)
        try:
            self.bpm = min(FASTEST, max(SLOWEST, check_tempo(kept)))
        except InputError:
            self.bpm = DEFAULT_TEMPO_BPM
        self._show()
        self.changed.emit(self.bpm)

    def step(self, by: int) -> None:
        """Count BY beats a minute faster (slower when negative), and keep it for the song."""
        bpm = float(min(FASTEST, max(SLOWEST, round(self.bpm) + by)))
        if bpm == self.bpm:
            return
        self.bpm = bpm
        if self.song_id is not None:
            saved = preferences.load()
            preferences.save(saved._replace(song_tempos={**saved.song_tempos,
                                                         str(self.song_id): bpm}))
        self._show()
        self.changed.emit(bpm)

    def _show(self) -> None:
        self.label.setText(_("Count-in: {bpm} beats a minute").format(bpm=round(self.bpm)))
        self.slower_button.setEnabled(self.bpm > SLOWEST)
        self.faster_button.setEnabled(self.bpm < FASTEST)

"""Plugins at work on takes: an analysis run on what a take plays as, its findings kept (and
shown on the take's timeline without analysing again), and the sound a plugin hears.
TakeChanged is announced when an analysis's findings are kept."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from mt_studio.core.domain.sound import TakeSound
from mt_studio.core.library import annotations, takes
from mt_studio.core.library.annotations import StoredAnnotation
from mt_studio.core.plugins.extensions import Annotation, TakeAudio
from mt_studio.core.plugins.take_audio import audio_of
from mt_studio.core.studio.events import TakeChanged
from mt_studio.core.studio.listening import resolve

if TYPE_CHECKING:
    from mt_studio.core.plugins import PluginHost
    from mt_studio.core.studio.studio import Studio

__all__ = ["PluginService", "StoredAnnotation"]


class PluginService:
    """What plugins do with takes, through the studio."""

    def __init__(self, studio: Studio) -> None:
        self._studio = studio

    def annotations(self, take_id: int, plugin_ids: Sequence[str] | None = None
                    ) -> list[StoredAnnotation]:
        """What analyses found in the take, by start (only PLUGIN_IDS' findings, if given)."""
        with self._studio._reading() as db:
            return annotations.of_take(db, take_id, plugin_ids)

    @contextmanager
    def take_audio(self, take_id: int, start: int = 0, end: int | None = None
                   ) -> Iterator[TakeAudio]:
        """What the take plays as (its audio tracks the looper did not leave out, mixed to
        mono) from START to END, for a plugin to read (audited); the files close on leaving."""
        self._studio.note_read("take.analysed", f"take:{take_id}")
        with audio_of(self._sound(take_id), start, end) as audio:
            yield audio

    def analyse(self, host: PluginHost, analysis_id: str, take_id: int,
                progress: Callable[[float], None] = lambda _fraction: None
                ) -> list[Annotation]:
        """Run ANALYSIS_ID (offered by HOST) on the take and keep what it finds, replacing
        an earlier run's; InputError when no plugin offers it, PluginFailed if it fails."""
        plugin_id = next((p for p, a in host.analyses() if a.id == analysis_id), None)
        self._studio.note_read("take.analysed", f"take:{take_id}", analysis=analysis_id)
        with audio_of(self._sound(take_id)) as audio:
            found = host.run_analysis(analysis_id, audio, progress)
        with self._studio._transaction() as tx:
            annotations.replace(tx, take_id, plugin_id, analysis_id, found)
            take = takes.get(tx, take_id)
            self._studio._announce(TakeChanged(take.id, take.session_id))
        return found

    def _sound(self, take_id: int) -> TakeSound:
        with self._studio._reading() as db:
            return resolve(db, self._studio._shared.places, take_id)

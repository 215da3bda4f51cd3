"""The plugins' line in the Takes tab: Analyse ▾ runs an enabled analysis on the chosen take in a
worker (with progress) and keeps what it found; the strip above the lanes and a line of text
show it; Lead sheet… prints the chords with the song's lyrics; an effect can colour playback.

A plugin that fails is the host's to disable: here it is only said, plainly.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PyQt6.QtCore import Qt, QTimer, pyqtSignal
from PyQt6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QWidget,
)

from mt_studio.core import lead_sheet
from mt_studio.core.domain import TakeStatus
from mt_studio.core.domain.takes import StoredAnnotation, Take
from mt_studio.core.errors import MtStudioError
from mt_studio.core.plugins import PluginFailed, PluginHost, PluginState
from mt_studio.i18n import _
from mt_studio.ui.common.worker import run_in_worker
from mt_studio.ui.takes.annotation_strip import AnnotationStrip
from mt_studio.ui.takes.take_lanes import TakeLanes

if TYPE_CHECKING:
    from mt_studio.core.studio import Studio

log = logging.getLogger(__name__)

PROBLEM_STYLE = "color: #8b0000;"
EFFECT_WATCH_MS = 1000  # how often a chosen effect is checked for having failed


class TakePlugins(QWidget):
    """Analyse ▾, its progress, what was found in words, Lead sheet… and the playback effect,
    for the take shown in LANES; `strip` shows the spans found and goes above the lanes.

    `plugins_changed()` when a plugin failed here (the host has disabled it).
    """

    plugins_changed = pyqtSignal()

    def __init__(self, studio: Studio, lanes: TakeLanes, parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self._studio = studio
        self.host: PluginHost | None = None
        self.take: Take | None = None
        self.stored: list[StoredAnnotation] = []
        self._player = None
        self._processors: list = []
        self._effect_plugin: str | None = None  # the plugin of the effect playing
        self._generation = 0
        self._running: str | None = None  # the analysis under way
        self.strip = AnnotationStrip(lanes)
        self._effect_watch = QTimer(self)
        self._effect_watch.setInterval(EFFECT_WATCH_MS)
        self._effect_watch.timeout.connect(self._check_effect)
        self._build()
        self.refresh_lists()

    def _build(self) -> None:
        self.analyse_menu = QMenu(self)
        self.analyse_menu.triggered.connect(self._analysis_chosen)
        # A push button makes room for its menu's arrow; a tool button draws it over the text.
        self.analyse_button = QPushButton(_("Analyse"))
        self.analyse_button.setAccessibleName(_("Analyse this take"))
        self.analyse_button.setMenu(self.analyse_menu)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setAccessibleName(_("Analysis progress"))
        self.progress.setVisible(False)
        self.summary = QLabel()
        self.summary.setAccessibleName(_("Tempo, key and other findings"))
        bold = self.summary.font()
        bold.setBold(True)
        self.summary.setFont(bold)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setAccessibleName(_("Analysis status"))
        self.lead_sheet_button = QPushButton(_("Lead sheet…"))
        self.lead_sheet_button.setAccessibleName(_("Show the lead sheet"))
        self.lead_sheet_button.setToolTip(_(
            "The chords found, four bars a line, with the lyrics of the song linked to this "
            "take: to read, print or save as a PDF."))
        self.lead_sheet_button.clicked.connect(self.open_lead_sheet)
        self.effect_label = QLabel(_("Effect"))
        self.effect = QComboBox()
        self.effect.setAccessibleName(_("Effect for playback"))
        self.effect.setToolTip(_("Play the take's mix through an effect from a plugin."))
        self.effect_label.setBuddy(self.effect)
        self.effect.currentIndexChanged.connect(self._effect_chosen)
        line = QHBoxLayout(self)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.analyse_button)
        line.addWidget(self.progress)
        line.addWidget(self.summary)
        line.addWidget(self.note, 1)
        line.addWidget(self.lead_sheet_button)
        line.addWidget(self.effect_label)
        line.addWidget(self.effect)

    # What the host offers

    def set_host(self, host: PluginHost | None) -> None:
        """Offer HOST's analyses and effects (None: no plugins yet), and show what its
        enabled plugins found in the take."""
        self.host = host
        self.refresh_lists()

    def refresh_lists(self) -> None:
        """List the enabled analyses and effects again (a plugin was switched on or off, or
        failed), and show what the enabled plugins found in the take."""
        self.analyse_menu.clear()
        for _plugin, analysis in self.host.analyses() if self.host else []:
            action = self.analyse_menu.addAction(analysis.shown_name)
            action.setData(analysis.id)
            action.setToolTip(analysis.shown_description)
        chosen = self.effect.currentData()
        self.effect.blockSignals(True)
        self.effect.clear()
        self.effect.addItem(_("None"), None)
        for _plugin, effect in self.host.effects() if self.host else []:
            self.effect.addItem(effect.shown_name, effect.id)
            if effect.shown_description:
                self.effect.setItemData(self.effect.count() - 1, effect.shown_description,
                                        Qt.ItemDataRole.ToolTipRole)
        self.effect.setCurrentIndex(max(0, self.effect.findData(chosen)))
        self.effect.blockSignals(False)
        has_effects = self.effect.count() > 1
        self.effect.setVisible(has_effects)
        self.effect_label.setVisible(has_effects)
        if self.effect.currentData() != chosen:
            self._effect_chosen()
        self._show_found()
        self._enable()

    def _enable(self) -> None:
        take = self.take
        sounding = take is not None and bool(take.frames) and \
            take.status is not TakeStatus.RECORDING
        offered = not self.analyse_menu.isEmpty()
        self.analyse_button.setEnabled(sounding and offered and self._running is None)
        if self.host is None:
            tip = _("Plugins are still starting.")
        elif not offered:
            tip = _("No analysis is enabled. See Settings ▸ Plugins.")
        else:
            tip = _("Find chords, tempo, key and more in this take with a plugin.")
        self.analyse_button.setToolTip(tip)
        self.lead_sheet_button.setEnabled(bool(lead_sheet.chords(self.stored)))

    # The take shown

    def show_take(self, take: Take | None) -> None:
        """Show what the enabled plugins found in TAKE (None: no take)."""
        self.take = take
        self._generation += 1  # an analysis of the take before reports to nobody
        self.note.setText("")
        self.note.setStyleSheet("")
        self._show_found()
        self._enable()

    def _enabled(self) -> list[str]:
        """The plugins enabled now, whose findings are shown (none before the host starts)."""
        return [i.id for i in self.host.plugins() if i.state is PluginState.ENABLED] \
            if self.host is not None else []

    def _show_found(self) -> None:
        take = self.take
        if take is None or self.host is None:
            self.stored = []
        else:
            self.stored = self._studio.plugins.annotations(take.id, self._enabled())
        found = [s.annotation for s in self.stored]
        frames = take.frames if take is not None else 0
        self.strip.set_annotations(lead_sheet.spans(found, frames))
        self.summary.setText(lead_sheet.summary(found, frames))
        self.lead_sheet_button.setEnabled(bool(lead_sheet.chords(self.stored)))

    # Analysing

    def _analysis_chosen(self, action) -> None:
        self.analyse(action.data())

    def analyse(self, analysis_id: str) -> None:
        """Run ANALYSIS_ID on the take through the studio, in a worker; what it finds is kept
        and shown, or the problem said."""
        take, host = self.take, self.host
        if take is None or host is None or self._running is not None:
            return
        offered = {a.id: a for _plugin_id, a in host.analyses()}
        if analysis_id not in offered:
            return
        analysis = offered[analysis_id]
        self._generation += 1
        generation, take_id, studio = self._generation, take.id, self._studio
        self._running = analysis.shown_name
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.note.setStyleSheet("")
        self.note.setText(_("{analysis}: listening to the take…").format(
            analysis=analysis.shown_name))
        self._enable()

        def work(report: Callable[[float], None]) -> tuple[int, str, bool]:
            """How much was found, what went wrong in words, and whether the plugin failed."""
            try:
                return len(studio.plugins.analyse(host, analysis_id, take_id, report)), "", False
            except PluginFailed as error:
                return 0, str(error), True
            except MtStudioError as error:
                return 0, str(error), False
            except Exception as error:  # never a traceback for the person: the log has it
                log.exception("analysis %s of take %d failed", analysis_id, take_id)
                return 0, _("The analysis could not be finished: {error}").format(
                    error=error), False

        run_in_worker(self, work,
                      done=lambda ended: self._analysis_done(generation, take_id, *ended),
                      progress=lambda fraction: self._show_progress(generation, float(fraction)),
                      thread="mt-studio-analysis")

    def _show_progress(self, generation: int, fraction: float) -> None:
        if generation == self._generation:
            self.progress.setValue(round(min(1.0, max(0.0, fraction)) * 100))

    def _analysis_done(self, generation: int, take_id: int, found: int, problem: str,
                       failed: bool) -> None:
        name, self._running = self._running, None
        self.progress.setVisible(False)
        if failed:
            self.refresh_lists()
            self.plugins_changed.emit()
        if generation != self._generation or self.take is None or self.take.id != take_id:
            self._enable()
            return
        self.note.setStyleSheet(PROBLEM_STYLE if problem else "")
        if problem:
            self.note.setText(problem)
        elif found:
            self.note.setText(_("{analysis} is done.").format(analysis=name))
        else:
            self.note.setText(_("{analysis} found nothing in this take.").format(analysis=name))
        self._show_found()
        self._enable()

    # The lead sheet

    def open_lead_sheet(self):
        """Show the take's lead sheet (window-modal); the dialog, or None without chords."""
        if self.take is None or not lead_sheet.chords(self.stored):
            return None
        from mt_studio.ui.takes.lead_sheet_dialog import LeadSheetDialog

        take_id, enabled, sharing = self.take.id, self._enabled(), self._studio.sharing

        def again():
            return sharing.lead_sheet(take_id, enabled)

        def shared(sheet, how):
            sharing.log_lead_sheet(take_id, sheet, how)

        dialog = LeadSheetDialog(again(), self, again=again, shared=shared)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    # The effect on playback

    def set_player(self, player) -> None:
        """Play PLAYER (None: none open) through the chosen effect, a fresh one of its own."""
        self._player = player
        self._apply_effect()

    def effect_id(self) -> str | None:
        """The effect chosen for playback (None: none)."""
        return self.effect.currentData()

    def _effect_chosen(self, *_index: int) -> None:
        self._apply_effect()

    def _apply_effect(self) -> None:
        effect_id, player = self.effect_id(), self._player
        self._processors = []
        if player is not None and effect_id is not None and self.host is not None:
            self._effect_plugin = next((plugin_id for plugin_id, e in self.host.effects()
                                        if e.id == effect_id), None)
            try:
                self._processors = [self.host.processor(effect_id, player.samplerate, 2)]
            except MtStudioError as error:  # the plugin failed making it, or went away
                self._effect_failed(str(error))
                return
        if player is not None:
            player.set_effects(self._processors)
        if self._processors:
            self._effect_watch.start()
        else:
            self._effect_watch.stop()

    def _check_effect(self) -> None:
        if any(getattr(p, "failed", False) for p in self._processors):
            info = self.host.info(self._effect_plugin) if self._effect_plugin else None
            self._effect_failed(_("{effect} failed and was turned off; the take plays "
                                  "without it. {reason}").format(
                                      effect=self.effect.currentText(),
                                      reason=info.error if info else ""))

    def _effect_failed(self, problem: str) -> None:
        self._effect_watch.stop()
        self.note.setStyleSheet(PROBLEM_STYLE)
        self.note.setText(problem)
        self.effect.blockSignals(True)
        self.effect.setCurrentIndex(0)
        self.effect.blockSignals(False)
        self._apply_effect()
        self.refresh_lists()
        self.plugins_changed.emit()

"""The choices of the export dialog: profile, format, stems or mix, the whole take or its loop,
which tracks, plugins' effects on the mix and files for the package, for whom (purpose and
recipient), title, group, folder and zip."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PyQt6.QtCore import QLocale, QStandardPaths, Qt, pyqtSignal
from PyQt6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QWidget,
)

from mt_studio.core.consent_policy import heard_on
from mt_studio.core.domain import SHARING_PURPOSES, TrackKind
from mt_studio.core.domain.takes import Take
from mt_studio.core.export import ExportRequest
from mt_studio.core.looping import LoopRegion
from mt_studio.core.mixing import TrackMix
from mt_studio.core.plugins import PluginHost
from mt_studio.core.presets import ExportProfile, PresetCatalog
from mt_studio.core.presets.model import AudioFormat
from mt_studio.i18n import _
from mt_studio.ui.common.take_words import length_words, track_title
from mt_studio.ui.consent.chips import purpose_help
from mt_studio.ui.export.export_preview import purpose_wording

if TYPE_CHECKING:
    from mt_studio.core.studio import Studio

FORMAT_NAMES = {AudioFormat.WAV: "WAV", AudioFormat.FLAC: "FLAC", AudioFormat.MP3: "MP3",
                AudioFormat.OGG: "Ogg Vorbis"}


def default_destination() -> str:
    """Where exports go unless chosen: the user's music folder, else documents, else home."""
    for location in (QStandardPaths.StandardLocation.MusicLocation,
                     QStandardPaths.StandardLocation.DocumentsLocation):
        folder = QStandardPaths.writableLocation(location)
        if folder:
            return folder
    return str(Path.home())


def number_words(value: float) -> str:
    """A level in dB or LUFS, one decimal, as the user's locale writes it."""
    return QLocale().toString(float(value), "f", 1)


def profile_summary(profile: ExportProfile | None) -> str:
    """What a profile does to the sound, in one line."""
    if profile is None:
        return _("As recorded: the take's sample rate, loudness unchanged.")
    parts = [FORMAT_NAMES[profile.format]]
    if profile.bit_depth and profile.format.lossless:
        parts.append(_("{bits}-bit").format(bits=profile.bit_depth))
    if profile.samplerate:
        parts.append(_("{khz} kHz").format(
            khz=QLocale().toString(profile.samplerate / 1000, "g", 4)))
    if profile.loudness_lufs is not None:
        parts.append(_("loudness {lufs} LUFS").format(lufs=number_words(profile.loudness_lufs)))
    parts.append(_("stems") if profile.stems else _("one mix"))
    return ", ".join(parts)


class ExportForm(QWidget):
    """The export's choices for TAKE, as STUDIO resolves it; `changed()` after any of them
    changes.

    MIXES is the take view's mix by track id: its volume and pan shape the export, and a
    track it mutes (or leaves out by a solo elsewhere) starts unticked; a layer the looper
    left out cannot be ticked. LOOP is the loop
    drawn in the Takes tab, if any. PLUGINS (the app's plugin host, if started) offers
    effects for the mix and exporters for the package; without any, their lists are hidden.
    `titles` names each track of the take (by id) as its lane does.
    """

    changed = pyqtSignal()

    def __init__(self, studio: Studio, take: Take, mixes: Mapping[int, TrackMix],
                 loop: LoopRegion | None, catalog: PresetCatalog,
                 parent: QWidget | None = None, plugins: PluginHost | None = None) -> None:
        super().__init__(parent)
        self.studio, self.take, self.loop, self.mixes = studio, take, loop, dict(mixes)
        self.plugins = plugins
        self.titles: dict[int, str] = {}
        self._build(catalog)
        self._profile_chosen()
        self.profile.currentIndexChanged.connect(self._profile_chosen)
        for combo in (self.format, self.purpose):
            combo.currentIndexChanged.connect(self._changed)
        for button in (self.mix_choice, self.loop_choice, self.zip):
            button.toggled.connect(self._changed)
        self.tracks.itemChanged.connect(self._changed)
        self.effects.itemChanged.connect(self._changed)
        self.exporters.itemChanged.connect(self._changed)
        self.stems_choice.toggled.connect(self._stems_toggled)
        for line in (self.recipient, self.title, self.group, self.folder):
            line.textChanged.connect(self._changed)

    def _build(self, catalog: PresetCatalog) -> None:
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.profile = _combo(_("Export profile"), _(
            "A preset: format, bit depth, sample rate, loudness and stems in one choice."))
        self.profile.addItem(_("No profile"), None)
        for profile in catalog.export_profiles():
            self.profile.addItem(profile.title, profile)
            self.profile.setItemData(self.profile.count() - 1, profile_summary(profile),
                                     Qt.ItemDataRole.ToolTipRole)
        self.profile_note = QLabel()
        self.profile_note.setWordWrap(True)
        form.addRow(_("Profile"), self.profile)
        form.addRow("", self.profile_note)

        self.format = _combo(_("File format"), _(
            "WAV and FLAC keep every detail; MP3 and Ogg Vorbis make small files."))
        for fmt in (AudioFormat.WAV, AudioFormat.FLAC, AudioFormat.MP3, AudioFormat.OGG):
            self.format.addItem(FORMAT_NAMES[fmt], fmt)
        form.addRow(_("Format"), self.format)

        self.mix_choice = _radio(_("One stereo mix"), _(
            "All chosen tracks mixed as they sound in the take's mix (volume and pan)."))
        self.stems_choice = _radio(_("Stems: a file per track"), _(
            "Each chosen track as its own file, for a band or venue to mix themselves."))
        self.mix_choice.setChecked(True)
        form.addRow(_("As"), _pair(self.mix_choice, self.stems_choice))

        rate = self.take.samplerate
        self.whole_choice = _radio(_("The whole take ({length})").format(
            length=length_words(self.take.frames, rate)),
            _("Everything from the start of the take to its end."))
        self.loop_choice = _radio(_("The loop ({start}–{end})").format(
            start=length_words(self.loop.start, rate), end=length_words(self.loop.end, rate))
            if self.loop else _("The loop (none drawn)"),
            _("Only the part drawn on the loop strip of the Takes tab."))
        self.loop_choice.setEnabled(self.loop is not None)
        self.whole_choice.setChecked(True)
        form.addRow(_("What"), _pair(self.whole_choice, self.loop_choice))

        self.tracks = QListWidget()
        self.tracks.setAccessibleName(_("Tracks to export"))
        self.tracks.setToolTip(_("Tick the tracks to export. Space ticks the chosen track."))
        self._fill_tracks()
        # Every track in sight, each whole: a take has a handful of tracks.
        frame = 2 * self.tracks.frameWidth()
        self.tracks.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tracks.setFixedHeight(frame + self.tracks.sizeHintForRow(0)
                                   * max(1, min(self.tracks.count(), 12)))
        self.tracks.setMinimumWidth(frame + self.tracks.sizeHintForColumn(0)
                                    + self.fontMetrics().height())
        form.addRow(_("Tracks"), self.tracks)

        effects = self.plugins.effects() if self.plugins else []
        self.effects = _ticks(_("Effects on the mix"), _(
            "Plugin effects the mix goes through, in this order. Stems are exported as they "
            "were recorded, so effects are for the mix only."),
            [(effect.id, effect.shown_name, effect.shown_description) for _p, effect in effects])
        form.addRow(_("Effects (mix only)"), self.effects)
        form.setRowVisible(self.effects, bool(effects))
        exporters = self.plugins.exporters() if self.plugins else []
        self.exporters = _ticks(_("Add to the package"), _(
            "Files plugins add beside the sound, such as a lead sheet or a click track."),
            [(exporter.id, exporter.shown_name, exporter.shown_description)
             for _p, exporter in exporters])
        form.addRow(_("Add to the package"), self.exporters)
        form.setRowVisible(self.exporters, bool(exporters))

        self.purpose = _combo(_("Who may hear it"), _(
            "Everyone heard must have consented to this; the preview shows who has."))
        for purpose in SHARING_PURPOSES:
            self.purpose.addItem(purpose_wording(purpose), purpose)
            self.purpose.setItemData(self.purpose.count() - 1, purpose_help(purpose),
                                     Qt.ItemDataRole.ToolTipRole)
        form.addRow(_("For"), self.purpose)
        self.recipient = _line(_("Recipient"), _("for example Fredrikstad kulturhus choir"),
                               _("Who receives the export; kept in the export log."))
        form.addRow(_("Recipient"), self.recipient)
        self.title = _line(_("Title"), _("The song's title, or the take's number"),
                           _("The title written in the files and their names."))
        form.addRow(_("Title"), self.title)
        self.group = _line(_("Group name"), _("for example Tuesday band"),
                           _("The group's name, written in the files' tags."))
        form.addRow(_("Group"), self.group)

        self.folder = _line(_("Folder to export to"), "", "")
        self.folder.setText(default_destination())
        self.browse_button = QPushButton(_("Browse…"))
        self.browse_button.setAccessibleName(_("Choose the folder to export to"))
        self.browse_button.setToolTip(_("Choose the folder to export to."))
        self.browse_button.setAutoDefault(False)
        self.browse_button.clicked.connect(self.browse)
        folder_line = QHBoxLayout()
        folder_line.addWidget(self.folder, 1)
        folder_line.addWidget(self.browse_button)
        form.addRow(_("Folder"), folder_line)
        self.zip = QCheckBox(_("Also make a zip"))
        self.zip.setAccessibleName(_("Also make a zip"))
        self.zip.setToolTip(_("A single .zip file beside the folder, easy to send."))
        form.addRow("", self.zip)

    def _fill_tracks(self) -> None:
        names = self.studio.consent.pseudonyms()
        silent = self.studio.listening.sound(self.take.id).left_out
        soloed = any(mix.solo for mix in self.mixes.values())
        session = self.studio.sessions.get(self.take.session_id)
        present = frozenset(p.id for p in session.participants)
        for track in self.take.tracks:
            # everyone checked in counts as heard on a room track, as the consent check says
            people = ", ".join(sorted((names.get(pid, "?")
                                       for pid in heard_on(track.plan(), present)),
                                      key=str.casefold))
            self.titles[track.id] = track_title(track)
            item = QListWidgetItem(_("{track} — heard: {people}").format(
                track=self.titles[track.id], people=people or _("nobody")))
            item.setData(Qt.ItemDataRole.UserRole, track.id)
            mix = self.mixes.get(track.id, TrackMix())
            ticked = not mix.mute and (mix.solo or not soloed)
            if track.id in silent:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
                item.setToolTip(_("Left out of the loop in the looper."))
                ticked = False
            else:
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                if not ticked:
                    item.setToolTip(_("Silent in the take's mix now; tick it to export it."))
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            self.tracks.addItem(item)

    # What is asked for

    def chosen_track_ids(self) -> list[int]:
        """The ticked tracks, in take order."""
        items = (self.tracks.item(row) for row in range(self.tracks.count()))
        return [item.data(Qt.ItemDataRole.UserRole) for item in items
                if item.checkState() == Qt.CheckState.Checked]

    def chosen_effects(self) -> tuple[str, ...]:
        """The ticked effects, in order; none for stems (effects shape a mix only)."""
        return () if self.stems_choice.isChecked() else _ticked(self.effects)

    def chosen_exporters(self) -> tuple[str, ...]:
        """The ticked exporters, in order."""
        return _ticked(self.exporters)

    def destination(self) -> Path | None:
        """The folder typed or chosen, or None when it is no full path."""
        text = self.folder.text().strip()
        path = Path(text).expanduser() if text else None
        return path if path is not None and path.is_absolute() else None

    def request(self) -> ExportRequest:
        """The export as the fields ask for it (InputError for a choice that cannot be)."""
        loop = self.loop if self.loop_choice.isChecked() else None
        # Ticking a track is asking for it: a mute or a solo of the take's mix leaves none out.
        mixes = {track_id: replace(mix, mute=False, solo=False)
                 for track_id, mix in self.mixes.items()}
        return ExportRequest(
            self.take.id, self.purpose.currentData(), self.destination() or Path(),
            format=self.format.currentData(), stems=self.stems_choice.isChecked(),
            region=(loop.start, loop.end) if loop else None,
            track_ids=tuple(self.chosen_track_ids()), mixes=mixes,
            profile=self.profile.currentData(), recipient=self.recipient.text().strip(),
            title=self.title.text().strip() or None, group=self.group.text().strip(),
            zip=self.zip.isChecked(), effects=self.chosen_effects(),
            exporters=self.chosen_exporters())

    def set_editable(self, editable: bool) -> None:
        """Let the choices be changed, or hold them while an export runs."""
        for widget in (self.profile, self.format, self.mix_choice, self.stems_choice,
                       self.whole_choice, self.tracks, self.purpose, self.recipient,
                       self.title, self.group, self.folder, self.browse_button, self.zip,
                       self.exporters):
            widget.setEnabled(editable)
        self.loop_choice.setEnabled(editable and self.loop is not None)
        self.effects.setEnabled(editable and not self.stems_choice.isChecked())

    def browse(self) -> None:
        """Choose the folder to export to."""
        chosen = QFileDialog.getExistingDirectory(self, _("Choose the folder to export to"),
                                                  self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    # Slots are methods, not lambdas: a method's connection goes with its widget.

    def _profile_chosen(self, *_index: int) -> None:
        profile: ExportProfile | None = self.profile.currentData()
        self.profile_note.setText(profile_summary(profile))
        if profile is not None:
            self.format.setCurrentIndex(self.format.findData(profile.format))
            (self.stems_choice if profile.stems else self.mix_choice).setChecked(True)
        self._changed()

    def _stems_toggled(self, stems: bool) -> None:
        self.effects.setEnabled(not stems)
        self.effects.setToolTip(_("Stems are exported as they were recorded: choose One stereo "
                                  "mix to use effects.") if stems else _(
            "Plugin effects the mix goes through, in this order. Stems are exported as they "
            "were recorded, so effects are for the mix only."))

    def _changed(self, *_value: object) -> None:
        self.folder.setToolTip(_("A folder is made inside it for this export.")
                               if self.destination() else
                               _("Type a full path, or choose a folder with Browse…"))
        self.changed.emit()


def mixes_by_track(take: Take, mixes: Mapping[int, TrackMix] | Sequence[TrackMix]
                   ) -> dict[int, TrackMix]:
    """MIXES by track id: given so already, or one per audio track of TAKE in take order."""
    if isinstance(mixes, Mapping):
        return dict(mixes)
    audio = [t.id for t in take.tracks if t.kind is TrackKind.AUDIO]
    return dict(zip(audio, mixes, strict=False))


def _ticks(name: str, tip: str, items: Sequence[tuple[str, str, str]]) -> QListWidget:
    """A list of ITEMS (id, name, description) to tick, all unticked, each in sight."""
    ticks = QListWidget()
    ticks.setAccessibleName(name)
    ticks.setToolTip(tip)
    for item_id, item_name, description in items:
        item = QListWidgetItem(item_name)
        item.setData(Qt.ItemDataRole.UserRole, item_id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        if description:
            item.setToolTip(description)
        ticks.addItem(item)
    ticks.setFixedHeight(2 * ticks.frameWidth()
                         + ticks.sizeHintForRow(0) * max(1, min(ticks.count(), 6)))
    return ticks


def _ticked(ticks: QListWidget) -> tuple[str, ...]:
    """The ids of the ticked items, top to bottom."""
    items = (ticks.item(row) for row in range(ticks.count()))
    return tuple(item.data(Qt.ItemDataRole.UserRole) for item in items
                 if item.checkState() == Qt.CheckState.Checked)


def _combo(name: str, tip: str) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    combo.setToolTip(tip)
    return combo


def _radio(text: str, tip: str) -> QRadioButton:
    button = QRadioButton(text)
    button.setAccessibleName(text)
    button.setToolTip(tip)
    return button


def _pair(first: QRadioButton, second: QRadioButton) -> QWidget:
    """Two radio buttons side by side, one of which is chosen."""
    holder = QWidget()
    line = QHBoxLayout(holder)
    line.setContentsMargins(0, 0, 0, 0)
    group = QButtonGroup(holder)
    for button in (first, second):
        group.addButton(button)
        line.addWidget(button)
    line.addStretch(1)
    return holder


def _line(name: str, placeholder: str, tip: str) -> QLineEdit:
    line = QLineEdit()
    line.setAccessibleName(name)
    line.setPlaceholderText(placeholder)
    line.setToolTip(tip)
    return line

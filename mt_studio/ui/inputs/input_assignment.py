"""The Inputs tab: the audio device and, per input, who plays into it, what, isolated and armed,
with its level (and a MIDI light) shown from a monitor before anything is recorded.

All but the device (which belongs to the computer) is the session's set-up, kept by the studio
as it changes, so that it comes back with the session. Who is present, their consent and the
set-up changed elsewhere are heard from the studio and redrawn."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from mt_studio.core.capture import devices
from mt_studio.core.capture.devices import AudioInputDevice
from mt_studio.core.capture.input_monitor import MonitorSettings
from mt_studio.core.capture.meters import MeterReading
from mt_studio.core.capture.take_plan import MIDI_KEY, TakeRequest
from mt_studio.core.domain.sessions import KEEP, Session, SessionInput
from mt_studio.core.errors import MtStudioError
from mt_studio.core.presets.catalog import PresetCatalog
from mt_studio.core.presets.model import InputMap
from mt_studio.i18n import _, ngettext
from mt_studio.ui.common.activity_light import ActivityLight
from mt_studio.ui.common.worker import run_in_worker
from mt_studio.ui.inputs.device_scan import Scan, scan_devices
from mt_studio.ui.inputs.input_rows import InputRow, ParticipantPicker

if TYPE_CHECKING:
    from mt_studio.core.studio import Studio
    from mt_studio.ui.bridge import StudioBridge

SAMPLE_RATES = (44100, 48000, 88200, 96000)
BUFFER_SIZES = (0, 64, 128, 256, 512, 1024)


class InputAssignment(QWidget):
    """Device, sample rate, buffer size, and per-input participants, label, isolation and arm.

    `request()` is the TakeRequest these choices make (None while no device is usable);
    `assignment_changed` carries it after every change; `problem_changed` carries the plain
    reason no device can be used ("" once one can).
    """

    assignment_changed = pyqtSignal(object)
    problem_changed = pyqtSignal(str)

    def __init__(self, studio: Studio, bridge: StudioBridge | None = None,
                 parent: QWidget | None = None, *,
                 scanner: Callable[[bool], Scan] = scan_devices,
                 catalog: PresetCatalog | None = None) -> None:
        super().__init__(parent)
        self.studio = studio
        self.bridge = bridge  # the studio's events as signals (None: a panel alone, in tests)
        self.scanner = scanner
        self._catalog = catalog
        self._session_id: int | None = None
        self._session: Session | None = None
        self._keeping = False  # the set-up shown is being kept: the studio's word is ours
        self._scan = Scan()
        self._problem: str | None = _("Looking for audio devices…")
        self._rows: list[InputRow] = []
        self._building = False
        self._recording = False

        self.status = QLabel(self._problem, self)
        self.status.setWordWrap(True)
        self.device = QComboBox(self)
        self.device.setAccessibleName(_("Audio interface"))
        self.device.setToolTip(_("The audio interface to record from."))
        self.look_again = QPushButton(_("Look again"), self)
        self.look_again.setAccessibleName(_("Look again for audio devices"))
        self.look_again.setToolTip(_("Search again after plugging in an audio interface."))
        self.samplerate = QComboBox(self)
        self.samplerate.setAccessibleName(_("Sample rate"))
        self.samplerate.setToolTip(_("Samples per second. 48000 suits almost everything."))
        self.blocksize = QComboBox(self)
        self.blocksize.setAccessibleName(_("Buffer size"))
        self.blocksize.setToolTip(_("Smaller reacts faster; larger is safer on a busy computer."))
        for size in BUFFER_SIZES:
            self.blocksize.addItem(_("Automatic") if size == 0 else str(size), size)
        self.input_map = QComboBox(self)
        self.input_map.setAccessibleName(_("Interface model"))
        self.input_map.setToolTip(_("Names the inputs as printed on the interface."))
        self.midi = QComboBox(self)
        self.midi.setAccessibleName(_("MIDI keyboard"))
        self.midi.setToolTip(_("A MIDI keyboard to record beside the audio."))
        self.midi_who = ParticipantPicker(self)
        self.midi_who.setAccessibleName(_("Who plays the MIDI keyboard"))
        self.midi_who.setToolTip(_("Who plays the MIDI keyboard."))
        self.midi_light = ActivityLight(_("Heard"), self)
        self.midi_light.setAccessibleName(_("MIDI activity"))
        self.midi_light.setToolTip(_("Lights when the MIDI keyboard sends a note or a "
                                     "controller."))
        self.level_note = QLabel(self)  # why no levels can be shown, if so
        self.level_note.setWordWrap(True)
        self.level_note.hide()

        device_line = QHBoxLayout()
        device_line.addWidget(self.device, 1)
        device_line.addWidget(self.look_again)
        midi_line = QHBoxLayout()
        midi_line.addWidget(self.midi, 1)
        midi_line.addWidget(self.midi_who)
        midi_line.addWidget(self.midi_light)
        form = QFormLayout()
        form.addRow(_("Audio interface"), device_line)
        form.addRow(_("Interface model"), self.input_map)
        form.addRow(_("Sample rate"), self.samplerate)
        form.addRow(_("Buffer size"), self.blocksize)
        form.addRow(_("MIDI keyboard"), midi_line)
        self._grid_holder = QWidget(self)
        self._grid = QGridLayout(self._grid_holder)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._grid_holder)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addLayout(form)
        layout.addWidget(self.level_note)
        layout.addWidget(scroll, 1)

        self.look_again.clicked.connect(lambda: self.scan(rescan=True))
        self.device.currentIndexChanged.connect(self._device_chosen)
        self.input_map.currentIndexChanged.connect(self._map_chosen)
        for combo in (self.samplerate, self.blocksize, self.midi):
            combo.currentIndexChanged.connect(self._changed)
        self.midi.activated.connect(self._midi_chosen)  # by the person, not by a scan
        self.midi_who.changed.connect(self._changed)
        if bridge is not None:
            bridge.attendance_changed.connect(self._attendance_changed)
            bridge.consent_changed.connect(self._consent_changed)
            bridge.setup_changed.connect(self._setup_changed)
        self.scan(rescan=False)

    # -- public API ---------------------------------------------------------------------------

    def show_session(self, session_id: int) -> None:
        """Lay out the inputs of session SESSION_ID as they were left."""
        self._session_id = session_id
        self._session = self.studio.sessions.get(session_id)
        self._build_rows(keep=False)  # another session: its own set-up
        self.midi.blockSignals(True)
        self.midi.setCurrentIndex(max(0, self.midi.findData(self._session.midi_port or "")))
        self.midi.blockSignals(False)
        self._changed()

    def refresh(self) -> None:
        """Reread the session (attendance, input layout) and keep the choices that still fit."""
        if self._session_id is None:
            return
        self._session = self.studio.sessions.get(self._session_id)
        self._build_rows(keep=True)
        self._changed()

    def scan(self, rescan: bool = True) -> None:
        """Look for audio devices and MIDI ports in a worker thread."""
        if self._recording:
            return  # restarting PortAudio would close the recording's stream
        self.look_again.setEnabled(False)
        self._set_problem(_("Looking for audio devices…"))
        scanner = self.scanner
        run_in_worker(self, lambda: scanner(rescan), done=self._scanned,
                      thread="mt-studio-device-scan")

    def set_recording(self, recording: bool) -> None:
        """Lock the device choices while a take records (connect RecordPanel.recording_changed)."""
        self._recording = recording
        for widget in (self.device, self.look_again, self.samplerate, self.blocksize,
                       self.input_map, self.midi, self.midi_who, self._grid_holder):
            widget.setEnabled(not recording)

    def monitor_settings(self) -> MonitorSettings | None:
        """What a level monitor hears: every input of the device, and the MIDI keyboard."""
        request, device = self.request(), self._current_device()
        if request is None:
            return None
        return MonitorSettings(device.name, device.inputs, request.samplerate,
                               request.blocksize, request.midi)

    def show_levels(self, readings: Sequence[MeterReading]) -> None:
        """Show the levels of inputs 1, 2, … on their rows."""
        for row, reading in zip(self._rows, readings, strict=False):
            row.level.set_readings([reading])

    def set_level_note(self, note: str) -> None:
        """Say why levels cannot be shown ("" once they can)."""
        self.level_note.setText(note)
        self.level_note.setVisible(bool(note))

    def problem(self) -> str | None:
        """Why nothing can be recorded from a device right now, in plain words; None if fine."""
        return self._problem

    def row(self, number: int) -> InputRow:
        """The widgets of input NUMBER (1-based)."""
        return self._rows[number - 1]

    def request(self) -> TakeRequest | None:
        """The take these choices describe; None without a session or a usable device."""
        device = self._current_device()
        if self._session is None or device is None or self._problem:
            return None
        inputs = tuple(r.number for r in self._rows if r.arm.isChecked())
        owners: dict[int | str, tuple[int, ...]] = {
            r.number: r.who.chosen() for r in self._rows if r.who.chosen()}
        isolated = frozenset(r.number for r in self._rows if r.arm.isChecked()
                             and r.isolated.isChecked() and r.who.chosen())
        midi = self.midi.currentData()
        if midi and self.midi_who.chosen():
            owners[MIDI_KEY] = self.midi_who.chosen()
        labels = {r.number: r.label.text().strip() for r in self._rows if r.label.text().strip()}
        return TakeRequest(
            session_id=self._session.id, device=device.name, inputs=inputs, owners=owners,
            isolated=isolated, midi=midi or None, samplerate=self.samplerate.currentData(),
            blocksize=self.blocksize.currentData() or 0, labels=labels)

    # -- scanning -----------------------------------------------------------------------------

    def _scanned(self, scan: Scan) -> None:
        self._scan = scan
        self.look_again.setEnabled(not self._recording)
        previous = self.device.currentData()  # the device's name, not the words shown
        self.device.blockSignals(True)
        self.device.clear()
        for found in scan.audio:
            count = ngettext("{n} input", "{n} inputs", found.inputs).format(n=found.inputs)
            self.device.addItem(f"{found.name} ({count})",
                                found.name)
        index = self.device.findData(previous) if previous else -1
        self.device.setCurrentIndex(max(index, 0) if scan.audio else -1)
        self.device.blockSignals(False)
        chosen_midi = self._session.midi_port if self._session else self.midi.currentData()
        self.midi.blockSignals(True)
        self.midi.clear()
        self.midi.addItem(_("No MIDI keyboard"), "")
        for port in scan.midi:
            self.midi.addItem(port, port)
        self.midi.setCurrentIndex(max(0, self.midi.findData(chosen_midi or "")))
        self.midi.blockSignals(False)
        if not scan.audio and not scan.problem:
            scan = Scan([], scan.midi, devices.no_input_device_message())
            self._scan = scan
        self._set_problem(scan.problem)
        self._device_chosen()

    def _current_device(self) -> AudioInputDevice | None:
        name = self.device.currentData()
        return next((d for d in self._scan.audio if d.name == name), None)

    def _device_chosen(self, *_args: object) -> None:
        device = self._current_device()
        self.samplerate.blockSignals(True)
        chosen = self.samplerate.currentData()
        self.samplerate.clear()
        rates = sorted({*SAMPLE_RATES, int(device.default_samplerate)} if device
                       else SAMPLE_RATES)
        for rate in rates:
            self.samplerate.addItem(_("{rate} Hz").format(rate=rate), rate)
        wanted = chosen or (int(device.default_samplerate) if device else 48000)
        self.samplerate.setCurrentIndex(max(0, self.samplerate.findData(wanted)))
        self.samplerate.blockSignals(False)
        self._fill_input_maps(device)
        self._build_rows(keep=True)
        self._changed()

    def _fill_input_maps(self, device: AudioInputDevice | None) -> None:
        catalog = self._catalog or PresetCatalog.default()
        self._catalog = catalog
        self.input_map.blockSignals(True)
        self.input_map.clear()
        self.input_map.addItem(_("Generic (Input 1, Input 2, …)"), None)
        for input_map in catalog.input_maps():
            self.input_map.addItem(input_map.title, input_map.name)
        matched = catalog.input_map_for_device(device.name) if device else None
        if matched is not None:
            self.input_map.setCurrentIndex(self.input_map.findData(matched.name))
        self.input_map.blockSignals(False)

    def _current_map(self) -> InputMap | None:
        name = self.input_map.currentData()
        if not name or self._catalog is None:
            return None
        return next((m for m in self._catalog.input_maps() if m.name == name), None)

    def _map_chosen(self, *_args: object) -> None:
        input_map = self._current_map()
        if input_map is not None:
            for row in self._rows:
                entry = next((i for i in input_map.inputs if i.number == row.number), None)
                # A label typed for the session stays; one printed on an interface follows it.
                printed = {i.label for m in self._catalog.input_maps() for i in m.inputs
                           if i.number == row.number}
                if entry is not None and row.label.text().strip() in {"", *printed}:
                    row.label.setText(entry.label)
        self._changed()

    # -- rows ---------------------------------------------------------------------------------

    def _session_input(self, number: int) -> SessionInput | None:
        if self._session is None:
            return None
        return next((i for i in self._session.inputs if i.number == number), None)

    def _input_count(self) -> int:
        device = self._current_device()
        if device is not None:
            return device.inputs
        planned = self._session.inputs if self._session else ()
        return max((i.number for i in planned), default=0)

    def _build_rows(self, keep: bool) -> None:
        people = list(self._session.participants) if self._session else []
        present = {p.id for p in people}
        if keep and len(self._rows) == self._input_count():
            # Same inputs: only who may be chosen changed; keep the widgets (and the focus).
            for row in self._rows:
                row.who.set_people(people, [p for p in row.who.chosen() if p in present])
            self.midi_who.set_people(people, [p for p in self.midi_who.chosen() if p in present])
            return
        old = {r.number: r for r in self._rows} if keep else {}
        kept = {n: (r.arm.isChecked(), r.label.text(), r.who.chosen(), r.isolated.isChecked())
                for n, r in old.items()}
        for row in self._rows:
            for widget in (row.arm, row.label, row.who, row.isolated, row.level):
                self._grid.removeWidget(widget)
                widget.hide()  # at once: deletion waits for the event loop
                widget.deleteLater()
        self._rows = []
        input_map = self._current_map()
        self._building = True
        for column, title in enumerate((_("Record"), _("Instrument"), _("Who"),
                                        _("Direct line"), _("Level"))):
            if self._grid.itemAtPosition(0, column) is None:
                self._grid.addWidget(QLabel(title, self._grid_holder), 0, column)
        for number in range(1, self._input_count() + 1):
            row = InputRow(number, self._grid_holder)
            planned = self._session_input(number)
            entry = next((i for i in input_map.inputs if i.number == number),
                         None) if input_map else None
            if number in kept:
                armed, label, who, isolated = kept[number]
            else:
                armed = planned.armed if planned else not (self._session
                                                           and self._session.inputs)
                label = planned.label if planned else (entry.label if entry else "")
                who = planned.players if planned else ()
                isolated = bool(planned and planned.isolated)
            row.arm.setChecked(armed)
            row.label.setText(label)
            row.who.set_people(people, [p for p in who if p in present])
            row.isolated.setChecked(isolated)
            for column, widget in enumerate((row.arm, row.label, row.who, row.isolated,
                                             row.level)):
                self._grid.addWidget(widget, number, column)
            row.arm.toggled.connect(self._changed)
            row.label.editingFinished.connect(self._changed)
            row.who.changed.connect(self._changed)
            row.isolated.toggled.connect(self._changed)
            self._rows.append(row)
        self._grid.setRowStretch(len(self._rows) + 1, 1)
        midi_who = self.midi_who.chosen() if keep else (
            self._session.midi_players if self._session else ())
        self.midi_who.set_people(people, [p for p in midi_who if p in present])
        self._building = False

    # -- changes ------------------------------------------------------------------------------

    def _set_problem(self, problem: str | None) -> None:
        self._problem = problem
        self.status.setText(problem or self._device_summary())
        self.problem_changed.emit(problem or "")

    def _device_summary(self) -> str:
        device = self._current_device()
        if device is None:
            return ""
        armed = sum(r.arm.isChecked() for r in self._rows)
        return ngettext("Recording {n} input of {device}.", "Recording {n} inputs of {device}.",
                        armed).format(n=armed, device=device.name)

    def _changed(self, *_args: object) -> None:
        if self._building:
            return
        if not self._problem:
            self.status.setText(self._device_summary())
        self._keep_setup()
        self.midi_light.setVisible(bool(self.midi.currentData()))
        self.assignment_changed.emit(self.request())

    def _midi_chosen(self, *_args: object) -> None:
        self._keep_setup(midi_port=self.midi.currentData() or None)

    def _keep_setup(self, midi_port: object = KEEP) -> None:
        """Keep the set-up shown as the session's (the keyboard's port only when chosen here:
        one not plugged in on this computer stays the session's)."""
        session = self._session
        if session is None or self._building:
            return
        shown = tuple(SessionInput(
            r.number, r.label.text().strip(), r.isolated.isChecked(), r.arm.isChecked(),
            tuple(sorted(r.who.chosen()))) for r in self._rows)
        midi_players = tuple(sorted(self.midi_who.chosen()))
        kept = {i.number: i for i in session.inputs}
        if (all(kept.get(i.number) == i for i in shown) and midi_players == session.midi_players
                and midi_port in (KEEP, session.midi_port)):
            return
        self._keeping = True
        try:
            self._session = self.studio.sessions.keep_setup(
                session.id, shown, midi_players=midi_players, midi_port=midi_port)
        except MtStudioError as error:  # a label that is not one line, say
            self.status.setText(str(error))
        finally:
            self._keeping = False

    # -- what the studio says changed ---------------------------------------------------------

    def _attendance_changed(self, session_id: int) -> None:
        if session_id == self._session_id:
            self.refresh()  # who may be chosen on each input and the keyboard

    def _consent_changed(self, participant_id: int) -> None:
        if self._session is not None and any(
                p.id == participant_id for p in self._session.participants):
            self.refresh()  # what may be recorded: the request is told again

    def _setup_changed(self, session_id: int) -> None:
        """The session's set-up was changed elsewhere: show it as it is now kept."""
        if session_id != self._session_id or self._keeping or self._session is None:
            return
        kept = self.studio.sessions.get(session_id)
        if _setup(kept) != _setup(self._session):
            self.show_session(session_id)


def _setup(session: Session) -> tuple:
    """What of SESSION is its set-up."""
    return session.inputs, session.midi_port, session.midi_players
